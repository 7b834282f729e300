"""The two-layer network of :mod:`verify.models.two_layer`, trained by full-batch gradient descent.

Gradient descent on the squared training loss :math:`\\tfrac12\\sum_i (f(x_i) - y_i)^2` in
all parameters ``(W, v)``, from the antisymmetric zero-output initialization, with the step
``eta = 1 / lambda_max(Theta_w(X, X))`` (the largest eigenvalue of the empirical NTK of the
training inputs at initialization; the linearized network converges for ``eta < 2 /
lambda_max``). Convergence is declared when the relative training residual
``||f(X) - y|| / ||y||`` falls to ``tol`` (default ``1e-6``); a run that has not converged after
``max_steps`` steps is refused, never returned.

As ``w -> oo`` the trained network is the kernel regression with the infinite-width NTK
(Jacot et al. 2018; docs/real_networks.md (RN.3)), and at finite width its test loss
fluctuates around it: the variance-limited regime in the width, docs/theory/regimes.md
(RG.3). :func:`trained_width_curve` measures both. :func:`trained_data_curve` is the
variance-limited regime in ``D`` for a small network of the same form, fitted to ``D >> P``
noisy samples of a teacher of its own architecture (docs/theory/regimes.md (RG.17)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.budget import check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_real, check_sorted_int_grid
from verify.models.two_layer import (
    _SW2,
    _phi,
    _width_data,
    empirical_ntk,
    first_order_term,
    init_two_layer,
    kernel_regression_loss,
)
from verify.networks.kernels import network_kernels

__all__ = ["DataCurve", "TrainedCurve", "TrainedNetwork", "forward", "train_two_layer",
           "trained_data_curve", "trained_width_curve"]

_OPS_PER_STEP_UNIT = 60.0   # floating-point work per training input, unit and step (measured)


def forward(X: np.ndarray, W: np.ndarray, v: np.ndarray, activation: str = "relu") -> np.ndarray:
    """The network's output ``f(X)`` (NTK parametrization of :mod:`verify.models.two_layer`)."""
    activation = check_choice("activation", activation, ("relu", "erf"))
    h = np.sqrt(_SW2 / X.shape[1]) * X @ W.T
    return np.sqrt(_SW2 / W.shape[0]) * _phi(activation, h)[0] @ v


def _gradients(X: np.ndarray, y: np.ndarray, W: np.ndarray, v: np.ndarray, activation: str
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The residual ``f(X) - y`` and the gradients of ``1/2 |f(X) - y|^2`` in ``W`` and ``v``."""
    a, b = np.sqrt(_SW2 / W.shape[1]), np.sqrt(_SW2 / W.shape[0])
    phi, dphi = _phi(activation, a * X @ W.T)               # (D, w)
    r = b * phi @ v - y
    grad_v = b * phi.T @ r
    grad_W = a * b * ((dphi * r[:, None]) * v).T @ X
    return r, grad_W, grad_v


@dataclass(frozen=True)
class TrainedNetwork:
    """The result of :func:`train_two_layer`: the trained parameters, the number of steps,
    the step size and the final relative training residual (at most the ``tol`` asked)."""

    W: np.ndarray
    v: np.ndarray
    steps: int
    lr: float
    residual: float


def train_two_layer(X: np.ndarray, y: np.ndarray, W: np.ndarray, v: np.ndarray, *,
                    activation: str = "relu", tol: float = 1e-6, max_steps: int = 200_000,
                    lr: float | None = None) -> TrainedNetwork:
    """Full-batch gradient descent on ``1/2 sum (f(X) - y)^2`` from ``(W, v)`` to convergence.

    ``lr`` defaults to ``1 / lambda_max`` of the empirical NTK ``Theta_w(X, X)`` at ``(W, v)``.
    Stops at the first step where ``||f(X) - y|| <= tol ||y||``; raises ``RuntimeError``
    (naming the residual reached) if that takes more than ``max_steps`` steps, or if the
    residual grows past its initial value (a divergent step size).
    """
    activation = check_choice("activation", activation, ("relu", "erf"))
    tol = check_real("tol", tol, gt=0, lt=1)
    max_steps = check_int("max_steps", max_steps, minimum=1)
    width = W.shape[0]
    check_seconds("max_steps", max_steps, _OPS_PER_STEP_UNIT * X.shape[0] * width * max_steps)
    if lr is None:
        lr = 1.0 / float(np.linalg.eigvalsh(empirical_ntk(X, X, W, v, activation))[-1])
    lr = check_real("lr", lr, gt=0)
    W, v = W.astype(float).copy(), v.astype(float).copy()
    target = float(np.linalg.norm(y)) * tol
    start = None
    for step in range(max_steps + 1):
        r, grad_W, grad_v = _gradients(X, y, W, v, activation)
        norm = float(np.linalg.norm(r))
        if start is None:
            start = norm
        if norm <= target:
            return TrainedNetwork(W, v, step, lr, norm / float(np.linalg.norm(y)))
        if not np.isfinite(norm) or norm > 10 * start:
            raise RuntimeError(f"gradient descent diverged (residual {norm:.3g} from "
                               f"{start:.3g}) at step {step} with lr = {lr:.3g}")
        v -= lr * grad_v
        W -= lr * grad_W
    raise RuntimeError(f"gradient descent did not reach the relative training residual "
                       f"{tol:g} in `max_steps` = {max_steps} steps (reached "
                       f"{norm / float(np.linalg.norm(y)):.3g}); raise `max_steps`")


@dataclass(frozen=True)
class TrainedCurve:
    """Trained networks against width (:func:`trained_width_curve`).

    Attributes
    ----------
    widths : tuple of int
    losses : ndarray, shape (seeds, len(widths))
        Test loss of the trained network.
    first_order : ndarray, shape (seeds, len(widths))
        The first-order term of (RG.1) in ``Theta_w - Theta_oo`` at the initialization
        (zero mean; the control variate of :class:`verify.models.two_layer.WidthCurve`).
    output_gap : ndarray, shape (seeds, len(widths))
        Root-mean-square difference on the test inputs between the trained network and
        the infinite-width NTK regression.
    linear_gap : ndarray, shape (seeds, len(widths))
        The same against the regression with the empirical NTK of the same initialization
        (the linearized network's limit).
    steps : ndarray, shape (seeds, len(widths))
        Gradient-descent steps to the residual ``tol``.
    infinite : float
        Test loss of the infinite-width NTK regression on the same data.
    """

    widths: tuple[int, ...]
    losses: np.ndarray
    first_order: np.ndarray
    output_gap: np.ndarray
    linear_gap: np.ndarray
    steps: np.ndarray
    infinite: float
    activation: str
    D: int
    tol: float
    seed: int

    @property
    def corrected(self) -> np.ndarray:
        """``losses - first_order``: unbiased for ``E L(w)``, positive."""
        return self.losses - self.first_order

    @property
    def excess(self) -> np.ndarray:
        """``corrected - infinite``: unbiased for ``E L(w) - L(oo)``."""
        return self.corrected - self.infinite


def trained_width_curve(widths: object, *, activation: str = "relu", D: int = 16, d0: int = 4,
                        n_test: int = 100, seeds: int = 8, seed: int = 0, tol: float = 1e-6,
                        max_steps: int = 200_000) -> TrainedCurve:
    """Train the network at each width from ``seeds`` initializations on fixed data.

    The data and the initializations are those of
    :func:`verify.models.two_layer.width_curve` with the same ``seed`` (child 0 the data,
    child ``k + 2`` initialization ``k``), so the two sweeps see the same networks at
    initialization.
    """
    grid = check_sorted_int_grid("widths", widths, minimum=2)
    activation = check_choice("activation", activation, ("relu", "erf"))
    D = check_int("D", D, minimum=2)
    seeds = check_int("seeds", seeds, minimum=2)
    children = np.random.SeedSequence(seed).spawn(seeds + 2)
    X, y = _width_data(D, check_int("n_test", n_test, minimum=1), check_int("d0", d0, minimum=3),
                       children[0])
    tr, te = slice(0, D), slice(D, None)
    inf = network_kernels(X, depth=1, activation=activation).ntk
    infinite = kernel_regression_loss(inf[tr, tr], inf[te, tr], y[tr], y[te])
    pred_inf = inf[te, tr] @ np.linalg.solve(inf[tr, tr], y[tr])
    shape = (seeds, len(grid))
    losses, first, gap, lin_gap, steps = (np.empty(shape) for _ in range(5))
    for s in range(seeds):
        rng = np.random.default_rng(children[s + 2])
        for i, w in enumerate(grid):
            W, v = init_two_layer(w, d0, rng)
            K = empirical_ntk(X, X[tr], W[: w // 2], v[: w // 2], activation)
            net = train_two_layer(X[tr], y[tr], W, v, activation=activation, tol=tol,
                                  max_steps=max_steps)
            out = forward(X[te], net.W, net.v, activation)
            lin = K[te] @ np.linalg.solve(K[tr], y[tr])
            losses[s, i] = float(np.mean((out - y[te]) ** 2))
            first[s, i] = first_order_term(inf[:, tr], K, y, D)
            gap[s, i] = float(np.sqrt(np.mean((out - pred_inf) ** 2)))
            lin_gap[s, i] = float(np.sqrt(np.mean((out - lin) ** 2)))
            steps[s, i] = net.steps
    return TrainedCurve(grid, losses, first, gap, lin_gap, steps, infinite, activation, D, tol,
                        seed)


def _jacobian(X: np.ndarray, W: np.ndarray, v: np.ndarray, activation: str) -> np.ndarray:
    """``d f(X) / d(W, v)``, shape ``(len(X), W.size + v.size)`` (``W`` row-major)."""
    a, b = np.sqrt(_SW2 / W.shape[1]), np.sqrt(_SW2 / W.shape[0])
    phi, dphi = _phi(activation, a * X @ W.T)
    jw = (a * b * dphi * v)[:, :, None] * X[:, None, :]     # (D, w, d0)
    return np.concatenate([jw.reshape(X.shape[0], -1), b * phi], axis=1)


@dataclass(frozen=True)
class DataCurve:
    """A small network fitted to ``D >> P`` noisy teacher samples (:func:`trained_data_curve`).

    ``excess`` has shape ``(seeds, len(D))``: the test excess ``E_x (f_hat - f*)^2`` on
    ``n_test`` fixed test inputs (nested training sets within a seed). ``n_params`` is the
    rank of the teacher's Fisher information ``E[grad f grad f^T]`` (the identifiable
    directions), ``noise_sd`` the label noise.
    """

    D: tuple[int, ...]
    excess: np.ndarray
    n_params: int
    noise_sd: float
    activation: str
    width: int
    seed: int


def trained_data_curve(D: object, *, activation: str = "relu", width: int = 4, d0: int = 4,
                       noise_sd: float = 0.5, seeds: int = 16, n_test: int = 20_000,
                       seed: int = 0) -> DataCurve:
    """The network of width ``width`` fitted to ``D`` noisy samples of a teacher of its own
    architecture, at each ``D`` (variance-limited in ``D``, docs/theory/regimes.md (RG.17)).

    The teacher's ``(W, v)`` are standard normal (child 0 of ``SeedSequence(seed)``, with the
    fixed test inputs); repetition ``k`` (child ``k + 1``) draws ``max(D)`` inputs uniform on
    the sphere of radius ``sqrt(d0)`` and labels ``f*(x) + noise_sd * N(0, 1)``, and fits
    every prefix of length ``D`` by least squares to convergence: Levenberg-Marquardt with
    the exact Jacobian (``scipy.optimize.least_squares``, tolerances ``1e-10`` on the cost,
    the step and the gradient, at most 2000 evaluations), started at the teacher (the local minimizer that the
    asymptotics describes; a fit that does not converge is refused).
    """
    from scipy.optimize import least_squares

    grid = check_sorted_int_grid("D", D, minimum=2)
    activation = check_choice("activation", activation, ("relu", "erf"))
    width = check_int("width", width, minimum=1)
    d0 = check_int("d0", d0, minimum=2)
    noise_sd = check_real("noise_sd", noise_sd, gt=0)
    seeds = check_int("seeds", seeds, minimum=2)
    n_test = check_int("n_test", n_test, minimum=1)
    n_theta = width * (d0 + 1)
    if grid[0] <= n_theta:
        raise ValueError(f"`D` must exceed the number of parameters P = {n_theta}; got "
                         f"{grid[0]}")
    children = np.random.SeedSequence(seed).spawn(seeds + 1)
    gen = np.random.default_rng(children[0])
    W0, v0 = gen.standard_normal((width, d0)), gen.standard_normal(width)
    theta0 = np.concatenate([W0.ravel(), v0])

    def sphere(g: np.random.Generator, n: int) -> np.ndarray:
        x = g.standard_normal((n, d0))
        return x * np.sqrt(d0) / np.linalg.norm(x, axis=1, keepdims=True)

    X_test = sphere(gen, n_test)
    f_test = forward(X_test, W0, v0, activation)
    J = _jacobian(X_test, W0, v0, activation)
    info = np.linalg.eigvalsh(J.T @ J / n_test)
    n_params = int((info > 1e-10 * info[-1]).sum())

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return theta[: width * d0].reshape(width, d0), theta[width * d0:]

    excess = np.empty((seeds, len(grid)))
    for s in range(seeds):
        g = np.random.default_rng(children[s + 1])
        X = sphere(g, grid[-1])
        y = forward(X, W0, v0, activation) + noise_sd * g.standard_normal(grid[-1])
        for i, n in enumerate(grid):
            Xn, yn = X[:n], y[:n]
            res = least_squares(lambda t, Xn=Xn, yn=yn: forward(Xn, *unpack(t), activation)
                                - yn, theta0,
                                jac=lambda t, Xn=Xn: _jacobian(Xn, *unpack(t), activation),
                                method="lm", ftol=1e-10, xtol=1e-10, gtol=1e-10,
                                max_nfev=2000)
            if res.status <= 0:
                raise RuntimeError(f"least squares did not converge at D = {n} "
                                   f"(repetition {s}): {res.message}")
            excess[s, i] = float(np.mean((forward(X_test, *unpack(res.x), activation)
                                          - f_test) ** 2))
    return DataCurve(grid, excess, n_params, noise_sd, activation, width, seed)
