"""Compute-optimal allocation of a fitted Chinchilla law: docs/fitting.md (FIT.14).

And the theory's allocation beside it (FIT.17): the exponents that
:func:`asymptotics.dynamics.laws.compute_optimal` derives, next to those of the fitted law.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from asymptotics._lib.validation import check_real, check_real_array
from verify.fit._numeric import _exp
from verify.fit.law import LawFit

__all__ = ["Allocation", "AllocationComparison", "compute_optimal", "theory_allocation"]


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


# ---- the theory's allocation beside the measured one (FIT.17) ----------------------------

@dataclass(frozen=True)
class AllocationComparison:
    """:func:`theory_allocation`: the measured allocation exponents of a fitted separable
    law beside those the theory derives (docs/theory/dynamics.md (DY.8)).

    The fitted law's two sizes are read as the theory's parameters ``P`` (first column)
    and steps ``t`` (second) with compute ``C = P t``.

    Attributes
    ----------
    measured_x, predicted_x : float
        :math:`P^* \\propto C^{x}`: the fit's :math:`\\beta/(\\alpha+\\beta)` (FIT.17) and the
        theory's :math:`\\alpha_t/(\\alpha_P+\\alpha_t)`.
    measured_y, predicted_y : float
        :math:`L^* - E \\propto C^{-y}`: the fit's :math:`\\alpha\\beta/(\\alpha+\\beta)` and the
        theory's :math:`\\alpha_P\\alpha_t/(\\alpha_P+\\alpha_t)`.
    measured_x_interval, measured_y_interval : tuple of float
        At the fit's confidence: bootstrap percentiles when the bootstrap ran (at its
        expanded level), else the delta method on the covariance.
    alpha_P, alpha_t : float
        The theory's single-resource exponents behind the prediction.
    a, b, student : float, float, str
        The target and spectrum exponents and the student of the prediction.
    confidence : float
        Level of the measured intervals.
    """

    measured_x: float
    measured_x_interval: tuple[float, float]
    predicted_x: float
    measured_y: float
    measured_y_interval: tuple[float, float]
    predicted_y: float
    alpha_P: float
    alpha_t: float
    a: float
    b: float
    student: str
    confidence: float


def _allocation_exponents(theta) -> tuple[float, float]:
    """``x = beta/(alpha+beta)`` and ``y = alpha beta/(alpha+beta)`` of (FIT.17)."""
    a, b = float(theta[2]), float(theta[4])
    return b / (a + b), a * b / (a + b)


def theory_allocation(fit: LawFit, b: float, a: float | None = None, *,
                      student: str = "top") -> AllocationComparison:
    """The theory's compute-optimal exponents beside those of a fitted separable law (FIT.17).

    Parameters
    ----------
    fit : LawFit
        A ``"chinchilla"`` fit whose sizes are parameters ``P`` and steps ``t``.
    b : float
        The spectrum exponent, :math:`\\lambda_i \\propto i^{-b}`, ``b > 1``.
    a : float, optional
        The target exponent, :math:`p_i \\propto i^{-a}` (default ``b``, the isotropic
        teacher).
    student : str
        The student of :func:`asymptotics.dynamics.laws.compute_optimal` (``"top"``,
        ``"projection"`` or ``"ensemble"``).

    Returns
    -------
    AllocationComparison
        Both sets of exponents; whether they agree is for :mod:`verify.compare` to say.
    """
    from asymptotics.dynamics import compute_optimal as theory_compute_optimal

    if not isinstance(fit, LawFit) or fit.model != "chinchilla":
        raise ValueError("`fit` must be a LawFit of the 'chinchilla' model; got "
                         f"{getattr(fit, 'model', type(fit).__name__)!r}")
    bb = check_real("b", b, gt=1)
    aa = bb if a is None else check_real("a", a, gt=1)
    theory = theory_compute_optimal(bb, aa, student=student)
    theta = np.array(fit.theta)
    x, y = _allocation_exponents(theta)
    if fit.bootstrap_thetas:
        q = 0.5 + fit.bootstrap_level / 2  # the expanded level (FIT.12)
        sims = np.array([_allocation_exponents(t) for t in fit.bootstrap_thetas])
        lo = np.minimum(np.quantile(sims, 1 - q, axis=0), [x, y])
        hi = np.maximum(np.quantile(sims, q, axis=0), [x, y])
    else:  # delta method: the exponents depend on alpha = theta[2] and beta = theta[4]
        al, be = theta[2], theta[4]
        s = al + be
        grads = np.zeros((2, 5))
        grads[0, 2], grads[0, 4] = -be / s ** 2, al / s ** 2
        grads[1, 2], grads[1, 4] = (be / s) ** 2, (al / s) ** 2
        cov = np.array(fit.covariance)
        with np.errstate(invalid="ignore"):
            se = np.sqrt(np.maximum(np.einsum("ci,ij,cj->c", grads, cov, grads), 0.0))
        z = float(stats.t.ppf(0.5 + fit.confidence / 2, max(fit.n_points - 5, 1)))
        lo, hi = np.array([x, y]) - z * se, np.array([x, y]) + z * se
    return AllocationComparison(
        measured_x=x, measured_x_interval=(float(lo[0]), float(hi[0])),
        predicted_x=float(theory.x), measured_y=y,
        measured_y_interval=(float(lo[1]), float(hi[1])), predicted_y=float(theory.y),
        alpha_P=float(theory.alpha_P), alpha_t=float(theory.alpha_t), a=aa, b=bb,
        student=theory.student, confidence=fit.confidence)
