"""Compute-optimal allocation of a fitted Chinchilla law: docs/fitting.md (FIT.14)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from asymptotics._lib.validation import check_real, check_real_array
from verify.fit._numeric import _exp
from verify.fit.law import LawFit

__all__ = ["Allocation", "compute_optimal"]


@dataclass(frozen=True)
class Allocation:
    """:func:`compute_optimal`: the compute-optimal sizes of a fitted Chinchilla law.

    Attributes
    ----------
    compute : ndarray
        The budgets :math:`C`.
    n_opt, d_opt, loss_opt : ndarray
        :math:`N^*(C)`, :math:`D^*(C)`, :math:`L^*(C)` (FIT.14).
    n_interval, d_interval, loss_interval : tuple of ndarray
        ``(low, high)`` at the fit's confidence (bootstrap if it ran, else delta method).
    exponent_n, exponent_d : float
        :math:`N^* \\propto C^{a}`, :math:`D^* \\propto C^{b}`: ``a = beta/(alpha+beta)``.
    flops_per_token : float
        ``k`` in :math:`C = k N D`.
    """

    compute: np.ndarray
    n_opt: np.ndarray
    d_opt: np.ndarray
    loss_opt: np.ndarray
    n_interval: tuple[np.ndarray, np.ndarray]
    d_interval: tuple[np.ndarray, np.ndarray]
    loss_interval: tuple[np.ndarray, np.ndarray]
    exponent_n: float
    exponent_d: float
    flops_per_token: float


def _allocation_logs(theta: np.ndarray, log_c: np.ndarray, k: float):
    """``log N*, log D*, log L*`` of (FIT.14), all in log space."""
    le, la, a, lb, b = theta
    log_g = (math.log(a) + la - math.log(b) - lb) / (a + b)
    s = log_c - math.log(k)
    ln = log_g + b / (a + b) * s
    ld = s - ln
    ll = np.logaddexp(np.logaddexp(le, la - a * ln), lb - b * ld)
    return ln, ld, ll


def compute_optimal(fit: LawFit, compute: object, *, flops_per_token: float = 6.0
                    ) -> Allocation:
    """Compute-optimal :math:`N^*, D^*, L^*` under :math:`C = k N D` (FIT.14).

    Parameters
    ----------
    fit : LawFit
        A ``"chinchilla"`` fit.
    compute : array_like
        Budgets :math:`C > 0` (FLOPs), any magnitude up to the float range.
    flops_per_token : float
        ``k`` (default 6, the usual forward-and-backward count).

    Returns
    -------
    Allocation
    """
    if not isinstance(fit, LawFit) or fit.model != "chinchilla":
        raise ValueError("`fit` must be a LawFit of the 'chinchilla' model; got "
                         f"{getattr(fit, 'model', type(fit).__name__)!r}")
    C = check_real_array("compute", np.atleast_1d(np.asarray(compute, dtype=float)),
                         positive=True)
    k = check_real("flops_per_token", flops_per_token, gt=0)
    log_c = np.log(C)
    theta = np.array(fit.theta)
    ln, ld, ll = _allocation_logs(theta, log_c, k)
    q = 0.5 + fit.confidence / 2
    if fit.bootstrap_thetas:
        q = 0.5 + fit.bootstrap_level / 2  # the expanded level (FIT.12)
        sims = np.array([np.stack(_allocation_logs(np.array(t), log_c, k))
                         for t in fit.bootstrap_thetas])
        lo = np.minimum(np.quantile(sims, 1 - q, axis=0), np.stack([ln, ld, ll]))
        hi = np.maximum(np.quantile(sims, q, axis=0), np.stack([ln, ld, ll]))
    else:  # delta method with central differences of (FIT.14) in theta
        cov = np.array(fit.covariance)
        grads = []
        for i in range(5):
            h = 1e-6 * max(1.0, abs(theta[i]))
            tp, tm = theta.copy(), theta.copy()
            tp[i] += h
            tm[i] -= h
            grads.append((np.stack(_allocation_logs(tp, log_c, k))
                          - np.stack(_allocation_logs(tm, log_c, k))) / (2 * h))
        g = np.stack(grads, axis=-1)  # (3, m, 5)
        with np.errstate(invalid="ignore"):
            se = np.sqrt(np.maximum(np.einsum("cmi,ij,cmj->cm", g, cov, g), 0.0))
        z = float(stats.t.ppf(q, max(fit.n_points - 5, 1)))
        mid = np.stack([ln, ld, ll])
        lo, hi = mid - z * se, mid + z * se
    a, b = theta[2], theta[4]
    return Allocation(compute=C, n_opt=_exp(ln), d_opt=_exp(ld), loss_opt=_exp(ll),
                      n_interval=(_exp(lo[0]), _exp(hi[0])), d_interval=(_exp(lo[1]), _exp(hi[1])),
                      loss_interval=(_exp(lo[2]), _exp(hi[2])),
                      exponent_n=float(b / (a + b)), exponent_d=float(a / (a + b)),
                      flops_per_token=k)
