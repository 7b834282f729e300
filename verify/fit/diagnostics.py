"""Diagnostics of a fitted law: misspecification tests and extrapolation distance (FIT.13).

A replicate lack-of-fit F test and a residual-curvature F test (docs/fitting.md), and the
distance in decades of a query outside the fitted range of sizes.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["EXTRAPOLATION_DECADES", "MISFIT_P"]

#: Extrapolation past this many decades beyond the fitted range draws a warning (FIT.13).
EXTRAPOLATION_DECADES = 1.0

#: Misspecification tests (FIT.12) warn below this p-value.
MISFIT_P = 1e-3

_ROUNDING_RESIDUAL = 1e-9  # rms log residual below this: exact up to rounding


def _extrapolation(U: np.ndarray, hull) -> np.ndarray:
    """Decades outside the per-variable fitted range, the largest over variables (FIT.13)."""
    lo = np.log([h[0] for h in hull])
    hi = np.log([h[1] for h in hull])
    out = np.maximum(np.maximum(lo - U, U - hi), 0.0).max(axis=1)
    return out / math.log(10)


def _cells(U: np.ndarray) -> np.ndarray:
    """The index of each row's distinct size cell."""
    return np.unique(U, axis=0, return_inverse=True)[1].ravel()


def _misfit_tests(law, theta, U, v, cells) -> tuple[float | None, float | None]:
    """Replicate lack-of-fit and residual-curvature p-values (FIT.13)."""
    r = v - law.log_f(theta, U)[0]
    n, p = U.shape[0], len(theta)
    c = int(cells.max()) + 1
    if float(np.sqrt(np.mean(r * r))) < _ROUNDING_RESIDUAL:
        return None, None  # an exact fit to rounding: no misfit to detect
    means = np.bincount(cells, weights=r, minlength=c) / np.bincount(cells, minlength=c)
    lof = None
    if n > c and c > p:
        ss_pe = float(((r - means[cells]) ** 2).sum())
        ss_lof = float((np.bincount(cells, minlength=c) * means ** 2).sum())
        if ss_pe > 0:
            F = (ss_lof / (c - p)) / (ss_pe / (n - c))
            lof = float(stats.f.sf(F, c - p, n - c))
    # curvature: the cell-mean residuals against quadratic and cubic terms in log x
    Uc = np.unique(U, axis=0)
    Z = (Uc - Uc.mean(axis=0)) / np.where(np.ptp(Uc, axis=0) > 0, np.ptp(Uc, axis=0), 1.0)
    feats = [np.ones(c)] + [Z[:, j] for j in range(Z.shape[1])]
    extra = [Z[:, j] ** 2 for j in range(Z.shape[1])] + \
        ([Z[:, 0] ** 3] if Z.shape[1] == 1 else [Z[:, 0] * Z[:, 1]])
    order = np.unique(U, axis=0, return_inverse=True)[1].ravel()
    m = np.bincount(order, weights=r, minlength=c) / np.bincount(order, minlength=c)
    w = np.bincount(order, minlength=c).astype(float)
    X0, X1 = np.stack(feats, axis=1), np.stack(feats + extra, axis=1)
    curv = None
    dof1 = c - X1.shape[1]
    if dof1 >= 2 and c > p + len(extra):
        sw = np.sqrt(w)
        rss = [float(((sw * (m - M @ np.linalg.lstsq(M * sw[:, None], m * sw, rcond=None)[0]))
                      ** 2).sum()) for M in (X0, X1)]
        # with replicates, the within-cell variance is the error scale; else the fit's own
        if n > c:
            s2 = float(((r - means[cells]) ** 2).sum()) / (n - c)
            dof_e = n - c
        else:
            s2 = rss[1] / dof1
            dof_e = dof1
        if s2 > 0:
            F = ((rss[0] - rss[1]) / len(extra)) / s2
            curv = float(stats.f.sf(F, len(extra), dof_e))
    return lof, curv

