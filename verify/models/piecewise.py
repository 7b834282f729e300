"""Piecewise models with ``P`` knots on the circle, fitted by least squares (Theorem 3).

A model with ``P`` parameters: the values at ``P`` knots of the unit circle ``T^1 = [0, 1)``,
joined piecewise-linearly (periodic hat functions) or held constant on each cell
``[k_j, k_{j+1})``. It is fitted by least squares (``scipy.sparse``: the normal equations are
cyclic banded) to a training set much larger than ``P``, so the fit is the model's best
approximation of the target and the test loss is resolution-limited in ``P``: ``L ~
P^(-c/d)`` with ``c = n_L m`` (docs/theory/regimes.md (RG.7), Bahri et al. Theorem 3):
``4`` for squared loss with the piecewise-linear model, ``2`` with the piecewise-constant one.

Knots are a jittered grid, ``k_j = (j + U_j)/P`` with ``U_j`` uniform on ``[1/4, 3/4]``:
spacings in ``[P^-1/2, 3 P^-1/2]``, so that every cell holds training points (for
Poisson knots the smallest spacing is ``~ P^-2`` and cells go empty); the exponent of (RG.7)
depends only on the spacing scaling as ``P^(-1/d)``. The training set is stratified: one
uniform point in each of ``N`` equal strata. The test loss is the exact mean squared error
over the circle, by Gauss-Legendre quadrature on every cell (the fit is a polynomial
there and the target smooth).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy import sparse
from scipy.sparse.linalg import spsolve

from asymptotics._lib.budget import check_memory
from asymptotics._lib.validation import check_choice, check_int

__all__ = ["PIECEWISE_MODELS", "PiecewiseFit", "fit_piecewise", "jittered_knots",
           "piecewise_loss", "resolution_curve", "smooth_target", "stratified_points"]

#: The models of :func:`fit_piecewise` (names of :data:`asymptotics.resolution.MODELS`).
PIECEWISE_MODELS = ("piecewise_constant", "piecewise_linear")
_GL_NODES = 8


@dataclass(frozen=True)
class PiecewiseFit:
    """A fitted piecewise model: sorted ``knots`` in ``[0, 1)`` and the ``values`` there
    (the constant on ``[k_j, k_{j+1})`` for the piecewise-constant model)."""

    model: str
    knots: np.ndarray
    values: np.ndarray

    def __call__(self, x: object) -> np.ndarray:
        return _evaluate(self.model, self.knots, self.values, np.asarray(x, dtype=float) % 1.0)


def smooth_target(x: object) -> np.ndarray:
    """The smooth periodic target ``F(x) = sin(2 pi x) + 0.3 cos(6 pi x + 0.5)``."""
    x = np.asarray(x, dtype=float)
    return np.sin(2 * np.pi * x) + 0.3 * np.cos(6 * np.pi * x + 0.5)


def jittered_knots(P: int, rng: np.random.Generator) -> np.ndarray:
    """``(j + U_j)/P``, ``U_j ~ U[1/4, 3/4]``: ``P`` sorted knots with spacings in ``[1/(2P), 3/(2P)]``."""
    P = check_int("P", P, minimum=2)
    return (np.arange(P) + rng.uniform(0.25, 0.75, P)) / P


def _cells(knots: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell index ``j`` (``k_j <= x < k_{j+1}``, cyclic) and the local coordinate ``t``."""
    P = len(knots)
    j = np.searchsorted(knots, x, side="right") - 1          # -1: before the first knot
    j = np.where(j < 0, P - 1, j)
    left = knots[j] - (x < knots[0]) * 1.0                   # the wrapped cell starts at k_P - 1
    width = np.diff(np.append(knots, knots[0] + 1.0))[j]
    return j, (x - left) / width


def _evaluate(model, knots, values, x):
    j, t = _cells(knots, x)
    if model == "piecewise_constant":
        return values[j]
    return (1 - t) * values[j] + t * values[(j + 1) % len(knots)]


def _design(model: str, knots: np.ndarray, x: np.ndarray) -> sparse.csr_matrix:
    P, N = len(knots), len(x)
    j, t = _cells(knots, x)
    rows = np.arange(N)
    if model == "piecewise_constant":
        return sparse.csr_matrix((np.ones(N), (rows, j)), shape=(N, P))
    return sparse.csr_matrix((np.concatenate([1 - t, t]),
                              (np.concatenate([rows, rows]), np.concatenate([j, (j + 1) % P]))),
                             shape=(N, P))


def fit_piecewise(model: str, knots: object, x: object, y: object) -> PiecewiseFit:
    """Least-squares fit of the piecewise model with the given knots to ``(x, y)``.

    Parameters
    ----------
    model : {"piecewise_constant", "piecewise_linear"}
    knots : array_like, shape (P,)
        Strictly increasing knots in ``[0, 1)``.
    x, y : array_like, shape (N,)
        Training inputs on the circle (taken mod 1) and targets.

    Returns
    -------
    PiecewiseFit

    Raises
    ------
    ValueError
        A cell (piecewise-constant) or a hat function's support (piecewise-linear) without a
        training point: the least-squares fit is not unique.
    """
    model = check_choice("model", model, PIECEWISE_MODELS)
    k = np.asarray(knots, dtype=float)
    if k.ndim != 1 or len(k) < 2 or not (np.diff(k) > 0).all() or k[0] < 0 or k[-1] >= 1:
        raise ValueError(f"`knots` must be at least 2 strictly increasing numbers in [0, 1); "
                         f"got shape {k.shape}")
    xx = np.asarray(x, dtype=float) % 1.0
    yy = np.asarray(y, dtype=float)
    if xx.ndim != 1 or yy.shape != xx.shape or not np.isfinite(yy).all():
        raise ValueError(f"`x` and `y` must be finite 1-d arrays of one length; got shapes "
                         f"{np.shape(x)} and {np.shape(y)}")
    check_memory("x", len(xx), 48.0 * len(xx))
    A = _design(model, k, xx)
    gram = (A.T @ A).tocsc()
    counts = np.asarray(abs(A).sum(axis=0)).ravel()
    if (counts == 0).any():
        where = int(np.flatnonzero(counts == 0)[0])
        raise ValueError(f"`x` must put a training point in every cell: the "
                         f"{'cell' if model == 'piecewise_constant' else 'hat function'} at "
                         f"knot {where} ({k[where]:.6g}) has none, so the least-squares fit "
                         "is not unique")
    values = spsolve(gram, A.T @ yy)                          # normal equations, sparse
    return PiecewiseFit(model, k, np.asarray(values, dtype=float))


def piecewise_loss(fit: PiecewiseFit, target: Callable[[np.ndarray], np.ndarray]) -> float:
    """``int_0^1 (fit(x) - target(x))^2 dx``: Gauss-Legendre with 8 points on every cell."""
    z, w = leggauss(_GL_NODES)
    left = fit.knots
    width = np.diff(np.append(left, left[0] + 1.0))
    x = left[:, None] + width[:, None] * (z + 1) / 2          # (P, nodes), may pass 1 on the last
    err = fit(x.ravel() % 1.0).reshape(x.shape) - target(x % 1.0)
    return float(np.sum(width[:, None] * w / 2 * err**2))


def stratified_points(N: int, rng: np.random.Generator) -> np.ndarray:
    """One uniform point in each of ``N`` equal strata of the circle."""
    N = check_int("N", N, minimum=1)
    return (np.arange(N) + rng.random(N)) / N


def resolution_curve(model: str, P: object, *, seeds: int, seed: int, per_cell: int = 64
                     ) -> np.ndarray:
    """Test losses ``(seeds, len(P))`` of :func:`fit_piecewise` on :func:`smooth_target`,
    trained on ``per_cell * P`` stratified points; repetition ``k`` draws from
    ``SeedSequence(seed).spawn(seeds)[k]``."""
    grid = [check_int("P", p, minimum=2) for p in P]
    seeds = check_int("seeds", seeds, minimum=1)
    out = np.empty((seeds, len(grid)))
    for s, child in enumerate(np.random.SeedSequence(seed).spawn(seeds)):
        rng = np.random.default_rng(child)
        for i, p in enumerate(grid):
            x = stratified_points(per_cell * p, rng)
            fit = fit_piecewise(model, jittered_knots(p, rng), x, smooth_target(x))
            out[s, i] = piecewise_loss(fit, smooth_target)
    return out
