"""Independent reference routes shared by the tests (``import references``).

A reference route computes a quantity the package computes, by a way that shares no code
with it: a plain bisection where the package runs a safeguarded Newton iteration, the
closed form of a volume where the package derives it with sympy. A route needed by one
test lives in that test; one needed by several lives here, once, so that two tests that
check the package against "the same independent route" really use the same one.

* :func:`kappa_bisect`: the self-consistent ``kappa`` of the deterministic equivalent,
  ``sum_i lambda_i / (lambda_i + kappa) (+ tail(kappa)) = m``
  (docs/theory/learning_curves.md (LC.1) at zero ridge), by bisection in ``log kappa``;
  used by the theory's property tests, the leading-order laws' tests and the
  simulator's slow statistical tests;
* :func:`unit_ball_volume_mp`: ``V_d = pi^(d/2) / Gamma(d/2 + 1)`` in mpmath
  (docs/theory/kernel_spectra.md (KS.2)), for the nearest-neighbour moment's closed form
  and its survival integral.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import numpy as np

__all__ = ["kappa_bisect", "unit_ball_volume_mp"]


def kappa_bisect(lam: np.ndarray, m: float, *, lo: float = 1e-300, hi: float = 1e300,
                 tail: Callable[[float], float] | None = None, rtol: float = 1e-15,
                 max_iter: int = 4000) -> float:
    """Solve ``sum_i lam_i / (lam_i + kappa) + tail(kappa) = m`` for ``kappa`` by bisection.

    The left side decreases in ``kappa``, so the root is bracketed by ``[lo, hi]`` whenever
    the sum exceeds ``m`` at ``lo`` and falls below it at ``hi``; each step halves the
    bracket in ``log kappa`` (geometric midpoint) until ``hi / lo - 1 < rtol`` or after
    ``max_iter`` steps. No Newton step, no ridge, no safeguard: the package's
    ``solve_kappa_float`` shares nothing with it.

    Parameters
    ----------
    lam : ndarray
        The eigenvalues (positive).
    m : float
        The count: ``D`` (data-limited), ``P`` (feature-limited) or ``min(D, P)``.
    lo, hi : float
        The initial bracket.
    tail : callable, optional
        A correction added to the sum, e.g. the integral of the modes beyond ``lam``.
    rtol : float
        The relative width of the final bracket.
    max_iter : int
        The most bisection steps.

    Returns
    -------
    float
        The geometric midpoint of the final bracket.
    """
    lam = np.asarray(lam, dtype=np.float64)
    for _ in range(max_iter):
        mid = math.sqrt(lo) * math.sqrt(hi)
        df1 = float(np.sum(lam / (lam + mid)))
        if tail is not None:
            df1 += tail(mid)
        if df1 > m:
            lo = mid
        else:
            hi = mid
        if hi / lo - 1 < rtol:
            break
    return math.sqrt(lo) * math.sqrt(hi)


def unit_ball_volume_mp(d: int | float) -> mpmath.mpf:
    """``V_d = pi^(d/2) / Gamma(d/2 + 1)`` at mpmath's working precision (the caller's)."""
    half = mpmath.mpf(d) / 2
    return mpmath.pi ** half / mpmath.gamma(half + 1)
