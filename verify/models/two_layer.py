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
from asymptotics._lib.validation import check_choice, check_int, check_sorted_int_grid
from verify.networks.kernels import network_kernels

__all__ = ["WidthCurve", "empirical_ntk", "first_order_term", "init_two_layer",
           "kernel_regression_loss", "width_curve"]

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

    ``losses`` has shape ``(seeds, len(widths))``; ``infinite`` is the test loss of the
    regression with the infinite-width NTK on the same data; ``corrected`` is
    ``losses - infinite - first_order_term``: the same excess with its zero-mean first-order
    fluctuation removed (a control variate: same mean, per-seed spread O(1/w) instead of
    O(1/sqrt(w))).
    """

    widths: tuple[int, ...]
    losses: np.ndarray
    corrected: np.ndarray
    infinite: float
    activation: str
    D: int
    d0: int
    seed: int


def _target(X: np.ndarray) -> np.ndarray:
    return np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] * X[:, 2]


def width_curve(widths: object, *, activation: str = "relu", D: int = 24, d0: int = 4,
                n_test: int = 400, seeds: int = 8, seed: int = 0) -> WidthCurve:
    """Empirical-NTK regression at each width, ``seeds`` initializations, fixed data.

    The data (``D`` training and ``n_test`` test inputs uniform on the sphere of radius
    ``sqrt(d0)``, target ``sin(2 x_1) + x_2 x_3 / 2``) come from
    ``SeedSequence(seed).spawn(seeds + 1)[seeds]``, initialization ``k`` from child ``k``.
    """
    grid = check_sorted_int_grid("widths", widths, minimum=2)
    activation = check_choice("activation", activation, ("relu", "erf"))
    D = check_int("D", D, minimum=2)
    d0 = check_int("d0", d0, minimum=3)
    n_test = check_int("n_test", n_test, minimum=1)
    seeds = check_int("seeds", seeds, minimum=2)
    check_memory("widths", grid[-1], 8.0 * 4 * (D + n_test) * grid[-1])
    children = np.random.SeedSequence(seed).spawn(seeds + 1)
    data = np.random.default_rng(children[seeds])
    X = data.standard_normal((D + n_test, d0))
    X *= np.sqrt(d0) / np.linalg.norm(X, axis=1, keepdims=True)
    y = _target(X)
    tr, te = slice(0, D), slice(D, None)
    inf = network_kernels(X, depth=1, activation=activation).ntk
    infinite = kernel_regression_loss(inf[tr, tr], inf[te, tr], y[tr], y[te])
    losses = np.empty((seeds, len(grid)))
    corrected = np.empty((seeds, len(grid)))
    for s in range(seeds):
        rng = np.random.default_rng(children[s])
        for i, w in enumerate(grid):
            W, v = init_two_layer(w, d0, rng)
            K = empirical_ntk(X, X[tr], W, v, activation)
            losses[s, i] = kernel_regression_loss(K[tr], K[te], y[tr], y[te])
            corrected[s, i] = losses[s, i] - infinite - first_order_term(inf[:, tr], K, y, D)
    return WidthCurve(grid, losses, corrected, infinite, activation, D, d0, seed)


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
