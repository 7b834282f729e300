"""A two-layer network in NTK parametrization: empirical-NTK regression at finite width.

The network (no biases, the parametrization of :mod:`verify.networks.kernels`, depth 1)

.. math:: f(x) = \\frac{\\sigma_w}{\\sqrt{w}} \\sum_{j=1}^{w} v_j\\,
          \\phi\\!\\left(\\frac{\\sigma_w}{\\sqrt{d_0}} W_j \\cdot x\\right)

with standard normal ``W`` and ``v``, initialized antisymmetrically: the units come in pairs
``(W_j, v_j)``, ``(W_j, -v_j)``, so the initial output is exactly 0. Its empirical NTK is
``J J^T`` with ``J`` the Jacobian in all parameters; for this network the contraction is

.. math:: \\Theta_w(x, x') = \\frac{\\sigma_w^2}{w}\\sum_j \\phi(h_j)\\phi(h'_j)
          + \\frac{\\sigma_w^4\\, x\\cdot x'}{w\\, d_0} \\sum_j v_j^2 \\phi'(h_j)\\phi'(h'_j),

(the explicit Jacobian is built in the tests and agrees). Gradient flow on the squared loss
of the linearized network from a zero output converges to the kernel regression
``f(x) = Theta_w(x, X) Theta_w(X, X)^-1 y`` (the linearized network's exact solution), and
as ``w -> oo`` ``Theta_w`` tends to the infinite-width NTK of
:func:`verify.networks.kernels.network_kernels` (docs/real_networks.md (RN.1)-(RN.3)). At fixed
``D`` the test loss fluctuates around its infinite-width value with variance ``O(1/w)`` over
initializations: ``L(w) - L(oo) ~ 1/w``, Theorem 1 in the width (docs/theory/regimes.md (RG.3)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from asymptotics._lib.budget import check_memory
from asymptotics._lib.validation import (
    check_choice,
    check_int,
    check_real_array,
    check_sorted_int_grid,
)
from verify.networks.kernels import network_kernels

__all__ = ["WidthCurve", "WidthPrefactor", "empirical_ntk", "first_order_term",
           "init_two_layer", "kernel_regression_loss", "width_curve", "width_prefactor"]

_SW2 = 2.0  # sigma_w^2 of the network_kernels default


def _phi(activation: str, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if activation == "relu":
        return np.maximum(h, 0.0), (h > 0).astype(float)
    return erf(h), 2 / np.sqrt(np.pi) * np.exp(-h**2)


def init_two_layer(width: int, d0: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Antisymmetric initialization ``(W, v)``: ``W`` of shape ``(width, d0)``, ``v``
    ``(width,)``, units ``j`` and ``j + width/2`` sharing ``W_j`` with opposite ``v_j``."""
    width = check_int("width", width, minimum=2)
    if width % 2:
        raise ValueError(f"`width` must be even for the antisymmetric (zero-output) "
                         f"initialization; got {width}")
    half_w = rng.standard_normal((width // 2, d0))
    half_v = rng.standard_normal(width // 2)
    return np.concatenate([half_w, half_w]), np.concatenate([half_v, -half_v])


def empirical_ntk(X: np.ndarray, Y: np.ndarray, W: np.ndarray, v: np.ndarray,
                  activation: str = "relu") -> np.ndarray:
    """``Theta_w(X, Y)`` of the network ``(W, v)`` (the module's contraction of ``J J^T``)."""
    activation = check_choice("activation", activation, ("relu", "erf"))
    width, d0 = W.shape
    hx = np.sqrt(_SW2 / d0) * X @ W.T
    hy = np.sqrt(_SW2 / d0) * Y @ W.T
    px, dx = _phi(activation, hx)
    py, dy = _phi(activation, hy)
    readout = _SW2 / width * px @ py.T
    hidden = _SW2**2 / (width * d0) * (X @ Y.T) * ((dx * v**2) @ dy.T)
    return readout + hidden


def kernel_regression_loss(K_train: np.ndarray, K_test: np.ndarray, y_train: np.ndarray,
                           y_test: np.ndarray) -> float:
    """Mean squared test error of the ridgeless kernel regression ``K_test K_train^-1 y``."""
    pred = K_test @ np.linalg.solve(K_train, y_train)
    return float(np.mean((pred - y_test) ** 2))


@dataclass(frozen=True)
class WidthCurve:
    """Test losses of empirical-NTK regression against width (:func:`width_curve`).

    Attributes
    ----------
    widths : tuple of int
    losses, first_order : ndarray, shape (seeds, len(widths))
        The test loss of each initialization and the first-order term of (RG.1) in
        ``Theta_w - Theta_oo`` (:func:`first_order_term`; zero mean over initializations).
    corrected : ndarray, shape (seeds, len(widths))
        ``losses - first_order``: the test loss with its zero-mean first-order fluctuation
        removed (a control variate: the same mean ``E L(w)``, per-seed spread ``O(1/w)``
        around it instead of ``O(1/sqrt(w))``). Positive (a loss plus ``O(1/w)``).
    excess : ndarray, shape (seeds, len(widths))
        ``corrected - infinite``: unbiased for ``E L(w) - L(oo)``, ``O(1/w)`` per seed but
        of either sign (the second-order term is an indefinite quadratic form).
    infinite : float
        The test loss of the regression with the infinite-width NTK on the same data (exact).
    prefactor : WidthPrefactor
        The predicted ``lim w (E L(w) - L(oo))`` of (RG.16) on the same data.
    """

    widths: tuple[int, ...]
    losses: np.ndarray
    first_order: np.ndarray
    infinite: float
    prefactor: WidthPrefactor
    activation: str
    D: int
    d0: int
    n_test: int
    seed: int

    @property
    def corrected(self) -> np.ndarray:
        return self.losses - self.first_order

    @property
    def excess(self) -> np.ndarray:
        return self.corrected - self.infinite


def _target(X: np.ndarray) -> np.ndarray:
    return np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] * X[:, 2]


def _width_data(D: int, n_test: int, d0: int, stream: np.random.SeedSequence
                ) -> tuple[np.ndarray, np.ndarray]:
    """``D + n_test`` inputs uniform on the sphere of radius ``sqrt(d0)`` and the target."""
    data = np.random.default_rng(stream)
    X = data.standard_normal((D + n_test, d0))
    X *= np.sqrt(d0) / np.linalg.norm(X, axis=1, keepdims=True)
    return X, _target(X)


def _unit_terms(X: np.ndarray, D: int, K: np.ndarray, W: np.ndarray, v: np.ndarray,
                activation: str, alpha: np.ndarray, K_inv: np.ndarray, residual: np.ndarray
                ) -> np.ndarray:
    """``Q(u_j, u_j)`` for each unit ``j`` of ``(W, v)``: the second-order term of the test
    loss (docs/theory/regimes.md (RG.16)) at the one-unit kernel deviation
    ``u_j = theta_j - Theta_oo`` (``theta_j`` the kernel of unit ``j`` alone, width 1)."""
    d0 = X.shape[1]
    h = np.sqrt(_SW2 / d0) * X @ W.T                      # (N, m)
    p, dp = _phi(activation, h)
    tr, te = slice(0, D), slice(D, None)

    def apply(z: np.ndarray) -> np.ndarray:              # u_j z_j for every unit: (N, m)
        readout = _SW2 * p * (p[tr] * z).sum(axis=0)
        hidden = _SW2**2 / d0 * v**2 * dp * (X @ (X[tr].T @ (dp[tr] * z)))
        return readout + hidden - K @ z

    a = apply(np.broadcast_to(alpha[:, None], (D, W.shape[0])))
    g = K_inv @ a[tr]
    first = a[te] - K[te] @ g                             # p1 of (RG.16)
    ug = apply(g)
    second = K[te] @ (K_inv @ ug[tr]) - ug[te]            # p2 of (RG.16)
    return (first**2).mean(axis=0) + 2 * (residual[:, None] * second).mean(axis=0)


@dataclass(frozen=True)
class WidthPrefactor:
    """The predicted ``lim w (E L(w) - L(oo)) = 2 E_u Q(u, u)`` (docs/theory/regimes.md
    (RG.16)), a Monte Carlo average over ``units`` independent single units, and its
    standard error."""

    value: float
    stderr: float
    units: int


def width_prefactor(X: np.ndarray, y: np.ndarray, D: int, *, activation: str = "relu",
                    units: int = 40_000, rng: np.random.Generator | int = 0,
                    chunk: int = 10_000) -> WidthPrefactor:
    """``2 E_u Q(u, u)`` of (RG.16): the prefactor of ``L(w) - L(oo) ~ c / w``.

    ``X`` holds the ``D`` training inputs first, then the test inputs; ``y`` their targets.
    ``Q`` is the second-order term of the test loss of kernel regression in the kernel, at
    the infinite-width NTK; ``u = theta_1 - Theta_oo`` the deviation of one unit's kernel.
    With ``w / 2`` independent antisymmetric pairs (two equal unit kernels each),
    ``Theta_w - Theta_oo`` is the mean of ``w / 2`` independent copies of ``u``, so
    ``E Q(Theta_w - Theta_oo) = 2 E Q(u, u) / w`` exactly and the cubic and higher terms are
    ``O(w^-2)``. An independent route to the width sweep's ``w (L(w) - L(oo))``.
    """
    activation = check_choice("activation", activation, ("relu", "erf"))
    D = check_int("D", D, minimum=2)
    units = check_int("units", units, minimum=2)
    chunk = check_int("chunk", chunk, minimum=1)
    X = check_real_array("X", X, ndim=2)
    if X.shape[0] <= D:
        raise ValueError(f"`X` must hold the D = {D} training inputs and at least one test "
                         f"input; got {X.shape[0]} rows")
    y = check_real_array("y", y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"`y` must have shape ({X.shape[0]},); got {y.shape}")
    check_memory("units", units, 8.0 * 8 * X.shape[0] * min(chunk, units))
    gen = np.random.default_rng(rng)
    K = network_kernels(X, depth=1, activation=activation).ntk[:, :D]
    K_inv = np.linalg.inv(K[:D])
    alpha = K_inv @ y[:D]
    residual = K[D:] @ alpha - y[D:]
    q = np.concatenate([
        _unit_terms(X, D, K, gen.standard_normal((m, X.shape[1])), gen.standard_normal(m),
                    activation, alpha, K_inv, residual)
        for m in (min(chunk, units - s) for s in range(0, units, chunk))])
    return WidthPrefactor(float(2 * q.mean()), float(2 * q.std(ddof=1) / np.sqrt(units)),
                          units)


def width_curve(widths: object, *, activation: str = "relu", D: int = 16, d0: int = 4,
                n_test: int = 100, seeds: int = 8, seed: int = 0,
                units: int = 20_000) -> WidthCurve:
    """Empirical-NTK regression at each width, ``seeds`` initializations, fixed data.

    The streams are ``SeedSequence(seed).spawn(seeds + 2)``: child 0 draws the data (``D``
    training and ``n_test`` test inputs uniform on the sphere of radius ``sqrt(d0)``, target
    ``sin(2 x_1) + x_2 x_3 / 2``), child 1 the ``units`` single units of
    :func:`width_prefactor`, child ``k + 2`` initialization ``k`` (a fresh draw at every
    width, so the widths are independent). Widths at which the empirical kernel of the
    training inputs is singular (``w / 2 < D`` distinct units can leave it so) are refused.
    """
    grid = check_sorted_int_grid("widths", widths, minimum=2)
    activation = check_choice("activation", activation, ("relu", "erf"))
    D = check_int("D", D, minimum=2)
    d0 = check_int("d0", d0, minimum=3)
    n_test = check_int("n_test", n_test, minimum=1)
    seeds = check_int("seeds", seeds, minimum=2)
    if grid[0] < D:
        raise ValueError(f"`widths` must be at least D = {D} (a full-rank empirical kernel "
                         f"on the training inputs); got {grid[0]}")
    check_memory("widths", grid[-1], 8.0 * 4 * (D + n_test) * grid[-1])
    children = np.random.SeedSequence(seed).spawn(seeds + 2)
    X, y = _width_data(D, n_test, d0, children[0])
    tr, te = slice(0, D), slice(D, None)
    inf = network_kernels(X, depth=1, activation=activation).ntk
    infinite = kernel_regression_loss(inf[tr, tr], inf[te, tr], y[tr], y[te])
    prefactor = width_prefactor(X, y, D, activation=activation, units=units,
                                rng=np.random.default_rng(children[1]))
    losses = np.empty((seeds, len(grid)))
    first = np.empty((seeds, len(grid)))
    for s in range(seeds):
        rng = np.random.default_rng(children[s + 2])
        for i, w in enumerate(grid):
            W, v = init_two_layer(w, d0, rng)
            # the two units of a pair have one kernel: the first halves give Theta_w exactly
            K = empirical_ntk(X, X[tr], W[: w // 2], v[: w // 2], activation)
            losses[s, i] = kernel_regression_loss(K[tr], K[te], y[tr], y[te])
            first[s, i] = first_order_term(inf[:, tr], K, y, D)
    return WidthCurve(grid, losses, first, infinite, prefactor, activation, D, d0, n_test,
                      seed)


def first_order_term(K_inf: np.ndarray, K_w: np.ndarray, y: np.ndarray, D: int) -> float:
    """The first-order term ``dL[K_w - K_inf]`` of the test loss at the infinite-width kernel,
    both kernels of shape ``(N, D)`` (all inputs against the ``D`` training inputs, which
    come first)
    (docs/theory/regimes.md (RG.1)): zero in expectation over initializations, since
    ``E[Theta_w] = Theta_oo`` exactly (an average of independent units)."""
    tr, te = slice(0, D), slice(D, None)
    alpha = np.linalg.solve(K_inf[tr], y[tr])
    pred = K_inf[te] @ alpha
    delta = K_w - K_inf
    dpred = delta[te] @ alpha - K_inf[te] @ np.linalg.solve(K_inf[tr], delta[tr] @ alpha)
    return float(2 * np.mean((pred - y[te]) * dpred))
