"""Exact teacher- and test-averaged losses of least squares, whole sweeps per factorization.

All routes evaluate, per seed and grid point, the conditional expectation
docs/simulator.md (SIM.5) of the excess loss over teacher weights, label noise, the
student-invisible part of the training inputs, and the test point:

.. math::

    L = \\rho^2 + \\mathrm{Tr}[\\Lambda_z (AZ - I) \\Sigma_\\theta (AZ - I)^T]
        + (\\rho^2 + \\sigma^2)\\, \\mathrm{Tr}[\\Lambda_z A A^T],

with ``Z`` the ``D x P`` student design, ``A`` the learned map ``theta = A y``, ``Lambda_z``
the student feature covariance, ``Sigma_theta`` the covariance of the best student weights
and ``rho^2`` the target power the student cannot represent. Arrays carry the seeds on a
leading axis ``c``. Each function returns ``(bias, noise_factor, cond)`` with
``L = rho^2 + bias + (rho^2 + sigma^2) noise_factor`` and ``cond`` a condition estimate of
the solve (ratio of extreme diagonal entries of ``R``, or of singular values).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
from scipy.linalg.lapack import dtrtri

__all__ = ["dual_or_primal_point", "overparam_d_sweep", "underparam_d_points",
           "underparam_p_sweep"]


def _tri_inv(r: np.ndarray) -> np.ndarray:
    """Inverse of an upper-triangular matrix (LAPACK ``dtrtri``); its leading blocks nest."""
    inv, info = dtrtri(r, lower=0)
    if info != 0:
        raise np.linalg.LinAlgError(f"singular triangular factor (dtrtri info={info})")
    return inv


def _diag_cond(r: np.ndarray) -> np.ndarray:
    """Running condition estimate ``max_{k<=j} |R_kk| / min_{k<=j} |R_kk|``, shape ``(c, m)``."""
    d = np.abs(np.diagonal(r, axis1=-2, axis2=-1))
    with np.errstate(divide="ignore"):
        return np.maximum.accumulate(d, axis=-1) / np.minimum.accumulate(d, axis=-1)


def underparam_p_sweep(n: np.ndarray, p_grid: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """``Tr[(N_P^T N_P)^{-1}]`` for all ``P`` in ``p_grid`` from ONE QR of ``N`` per seed.

    ``N_P`` are the first ``P`` columns of ``n`` (``c x D x P_max``, ``D >= P``). With
    ``N = Q R`` and ``T = R^{-1}`` upper triangular, ``(N_P^T N_P)^{-1} = T_P T_P^T`` and
    ``T_P`` is the leading block of ``T``, so the trace is the running sum of the squared
    column norms of ``T`` docs/simulator.md (SIM.6). Returns ``(trace, cond)``, each ``(c, len(p_grid))``.
    """
    r = np.linalg.qr(n, mode="r")
    colsq = np.stack([np.square(_tri_inv(rk)).sum(axis=0) for rk in r])
    idx = np.asarray(p_grid) - 1
    return np.cumsum(colsq, axis=-1)[:, idx], _diag_cond(r)[:, idx]


def underparam_d_points(n: np.ndarray, d_grid: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """``Tr[(N_D^T N_D)^{-1}]`` for the first ``D`` rows of ``n`` (``c x D_max x P``, ``D >= P``).

    The row-nested design has no single factorization serving every ``D``; each grid point
    costs one QR of its ``D x P`` block (``2 D P^2`` flops: the whole sweep costs about twice
    the QR of the largest block). Returns ``(trace, cond)``, each ``(c, len(d_grid))``.
    """
    tr, cond = [], []
    for d in d_grid:
        r = np.linalg.qr(n[:, :d, :], mode="r")                                   # docs/simulator.md (SIM.6)
        tr.append(np.stack([np.square(_tri_inv(rk)).sum() for rk in r]))
        cond.append(_diag_cond(r)[:, -1])
    return np.stack(tr, axis=1), np.stack(cond, axis=1)


def _quad(mat: np.ndarray, vecs_t: np.ndarray) -> np.ndarray:
    """``vecs_t @ mat`` for ``mat`` a diagonal (``(P,)``) or full (``(c, P, P)``) matrix."""
    return vecs_t * mat if mat.ndim == 1 else vecs_t @ mat


def _trace_prod(lam_z: np.ndarray, sig: np.ndarray | float) -> np.ndarray:
    """``Tr[Lambda_z Sigma_theta]``: shape ``(1,)`` for diagonal/scalar inputs, else ``(c,)``."""
    if np.ndim(sig) == 0:
        tr = lam_z.sum(-1) if lam_z.ndim == 1 else np.trace(lam_z, axis1=-2, axis2=-1)
        return np.atleast_1d(sig * tr)
    if lam_z.ndim == 1:
        return np.full(1, float(lam_z @ sig))
    return np.einsum("cij,cji->c", lam_z, sig)


def overparam_d_sweep(z: np.ndarray, lam_z: np.ndarray, sig: np.ndarray | float,
                      d_grid: list[int], need_noise: bool
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Min-norm least squares on the first ``D`` rows of ``z`` (``c x D_max x P``, ``D < P``).

    One QR ``Z^T = Q R`` per seed: ``Q``'s first ``D`` columns span the first ``D`` rows, so
    ``AZ - I = -(I - Q_D Q_D^T)`` for every ``D`` at once docs/simulator.md (SIM.7). With ``b_kl = q_k^T Lambda_z
    q_l`` and ``s_kl = q_k^T Sigma_theta q_l``, the bias is
    ``Tr[Lambda_z Sigma_theta] - 2 sum_{k<=D} q_k^T Lambda_z Sigma_theta q_k
    + sum_{k,l<=D} b_kl s_kl``; for ``Sigma_theta = c I`` it is ``c (Tr Lambda_z - sum_{k<=D}
    b_kk)`` docs/simulator.md (SIM.8). The noise factor ``Tr[Lambda_z Z_D^+ Z_D^{+T}] = Tr[T_D B_D T_D^T]`` with
    ``T_D = R_D^{-1}`` docs/simulator.md (SIM.9) costs one triangular inverse per grid point.
    """
    zt = np.swapaxes(z, -1, -2)
    r = np.linalg.qr(zt, mode="r")                                                # docs/simulator.md (SIM.7)
    qt = np.empty(z.shape)
    for k, (rk, zk) in enumerate(zip(r, z, strict=True)):                        # Q^T = R^-T Z
        qt[k] = sla.solve_triangular(rk, zk, trans="T", check_finite=False)
    idx = np.asarray(d_grid) - 1
    if np.ndim(sig) == 0 and not need_noise and lam_z.ndim == 1:
        # Bahri's teacher, top/kernel student, no noise: only diag(Q^T Lambda Q) is needed,
        # computed in place (no D_max x P temporary); docs/simulator.md (SIM.8)
        b_diag = np.square(qt, out=qt) @ lam_z
        bias = _trace_prod(lam_z, sig)[..., None] - sig * np.cumsum(b_diag, axis=-1)[:, idx]
        return bias, np.zeros_like(bias), _diag_cond(r)[:, idx]
    w1 = _quad(lam_z, qt)                                                         # Q^T Lambda_z
    b_diag = np.einsum("ckp,ckp->ck", w1, qt)
    b_full = w1 @ np.swapaxes(qt, -1, -2) if (need_noise or np.ndim(sig) > 0) else None
    if np.ndim(sig) == 0:                                                         # docs/simulator.md (SIM.8)
        bias = _trace_prod(lam_z, sig)[..., None] - sig * np.cumsum(b_diag, axis=-1)[:, idx]
    else:
        w2 = _quad(sig, qt)
        cross = np.einsum("ckp,ckp->ck", w1, w2)
        h = b_full * (w2 @ np.swapaxes(qt, -1, -2))
        incr = 2.0 * np.tril(h, -1).sum(axis=-1) + np.diagonal(h, axis1=-2, axis2=-1)
        bias = (_trace_prod(lam_z, sig)[..., None] - 2.0 * np.cumsum(cross, axis=-1)[:, idx]
                + np.cumsum(incr, axis=-1)[:, idx])
    noise = np.zeros_like(bias)
    if need_noise:
        for j, d in enumerate(d_grid):                                            # docs/simulator.md (SIM.9)
            t = np.stack([_tri_inv(rk[:d, :d]) for rk in r])
            noise[:, j] = np.einsum("cij,cij->c", t @ b_full[:, :d, :d], t)
    return bias, noise, _diag_cond(r)[:, idx]


def dual_or_primal_point(z: np.ndarray, lam_z: np.ndarray, sig: np.ndarray | float,
                         ridge: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One grid point by the thin SVD ``Z = U diag(s) W^T`` (any ``D``, ``P``; ridge or not).

    The ridge predictor ``A = Z^T (Z Z^T + ridge I)^{-1}`` has
    ``AZ = W diag(h) W^T`` with ``h = s^2 / (s^2 + ridge)`` and ``A A^T = W diag(s^2 /
    (s^2 + ridge)^2) W^T`` docs/simulator.md (SIM.10). With ``b = W^T Lambda_z W`` and ``g = W^T Sigma_theta W``:
    for ``D >= P`` (``W`` square) ``AZ - I = -W diag(1 - h) W^T`` and the bias is
    ``sum_kl (1-h_k)(1-h_l) b_kl g_lk`` (no cancellation); for ``D < P`` it is
    ``Tr[Lambda_z Sigma_theta] - 2 sum_k h_k (W^T Lambda_z Sigma_theta W)_kk
    + sum_kl h_k h_l b_kl g_lk``. Ridgeless (``ridge = 0``) is the pseudo-inverse.
    """
    _, s, wt = np.linalg.svd(z, full_matrices=False)
    s2 = np.square(s)
    with np.errstate(divide="ignore"):
        h = s2 / (s2 + ridge) if ridge > 0 else np.ones_like(s2)
        noise_w = s2 / np.square(s2 + ridge)
    w1 = _quad(lam_z, wt)
    b = w1 @ np.swapaxes(wt, -1, -2)
    if np.ndim(sig) == 0:
        w2 = sig * wt
    else:
        w2 = _quad(sig, wt)
    g = w2 @ np.swapaxes(wt, -1, -2)
    d, p = z.shape[-2:]
    if d >= p:
        one_minus_h = ridge / (s2 + ridge) if ridge > 0 else np.zeros_like(s2)
        m = one_minus_h[:, :, None] * one_minus_h[:, None, :]
        bias = np.einsum("ckl,ckl,clk->c", m, b, g)
    else:
        m = h[:, :, None] * h[:, None, :]
        cross = np.einsum("ckp,ckp->ck", w1, w2)
        bias = _trace_prod(lam_z, sig) - 2.0 * (h * cross).sum(-1) + np.einsum("ckl,ckl,clk->c", m, b, g)
    noise = (np.diagonal(b, axis1=-2, axis2=-1) * noise_w).sum(-1)
    with np.errstate(divide="ignore"):
        cond = np.sqrt((s2[:, 0] + ridge) / (s2[:, -1] + ridge))
    return bias, noise, cond
