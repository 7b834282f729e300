"""The kernel limit's per-mode outputs, as the eigenlearning codes return them.

docs/theory/learning_curves.md (LC.21), after Simon et al. (2021) and Canatar et al.
(2021): for kernel ridge regression with ``D`` samples on a
finite spectrum given as levels ``(lambda_k, multiplicity m_k)`` with per-mode target power
``p_k``, ridge ``delta`` on the sum loss and label noise ``sigma^2``,

.. math::

    \\sum_k m_k\\frac{\\lambda_k}{\\lambda_k+\\kappa}+\\frac{\\delta}{\\kappa}=D,\\quad
    \\mathcal L_k=\\frac{\\lambda_k}{\\lambda_k+\\kappa},\\quad
    \\mathcal E_0=\\frac{D}{D-\\sum_k m_k\\mathcal L_k^2},

    E_\\mathrm{test}=\\mathcal E_0\\Big(\\sum_k m_k(1-\\mathcal L_k)^2p_k+\\sigma^2\\Big),\\quad
    E_\\mathrm{train}=\\Big(\\frac{\\delta}{D\\kappa}\\Big)^2E_\\mathrm{test}.

``kappa`` is solved by :func:`asymptotics.rf.equivalent.solve_kappa_float` (bracket and
residual check of (LC.19)) on the spectrum with every level repeated ``m_k`` times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asymptotics._lib.validation import check_real, check_real_array
from asymptotics.rf.equivalent import solve_kappa_float
from asymptotics.rf.sums import SpectralModel, SumEvaluator

__all__ = ["Eigenlearning", "eigenlearning"]


@dataclass(frozen=True)
class Eigenlearning:
    """Kernel-limit outputs at each ``D`` (arrays of the broadcast shape of ``D`` and ridge;
    per-level arrays carry one more, last, axis over the levels).

    Attributes
    ----------
    D, ridge : numpy.ndarray
    kappa : numpy.ndarray
        The renormalized ridge of (LC.21).
    E0 : numpy.ndarray
        The overfitting factor ``D / (D - sum m_k L_k^2)``.
    learnability : numpy.ndarray
        ``L_k = lambda_k / (lambda_k + kappa)`` per level.
    target_learnability : numpy.ndarray
        ``sum m_k L_k p_k / sum m_k p_k`` of the given target.
    mode_error : numpy.ndarray
        Per-level contribution ``E0 (1 - L_k)^2 p_k`` to the test error (per mode of the level).
    test_mse, train_mse : numpy.ndarray
        ``E_test`` (with the noise floor: eigenlearning's MSE) and ``E_train``.
    """

    D: np.ndarray
    ridge: np.ndarray
    kappa: np.ndarray
    E0: np.ndarray
    learnability: np.ndarray
    target_learnability: np.ndarray
    mode_error: np.ndarray
    test_mse: np.ndarray
    train_mse: np.ndarray


def eigenlearning(D, eigenvalues, target_power, *, multiplicity=None, ridge=0.0,
                  noise: float = 0.0) -> Eigenlearning:
    """Eigenlearning outputs of the kernel limit, float64, broadcast over ``D`` and ``ridge``.

    Parameters
    ----------
    D : array_like
        Sample counts (>= 1, finite; non-integers allowed).
    eigenvalues, target_power : array_like
        The levels ``lambda_k > 0`` and the target power ``p_k >= 0`` per mode of level ``k``.
    multiplicity : array_like of int, optional
        ``m_k >= 1`` per level (default 1: every eigenvalue its own level).
    ridge : array_like
        ``delta >= 0`` (broadcast with ``D``; a ridge that scales with ``D`` is an array);
        ridgeless needs ``D < sum m_k``.
    noise : float
        Label-noise variance ``sigma^2``.
    """
    lam = check_real_array("eigenvalues", eigenvalues, positive=True)
    p = check_real_array("target_power", target_power, nonnegative=True)
    if p.shape != lam.shape:
        raise ValueError(f"`target_power` must have one value per level ({lam.size}); got "
                         f"{p.size}")
    if not p.any():
        raise ValueError("`target_power` must not be all zero (its learnability is "
                         "undefined); got all zeros")
    m = (np.ones(lam.shape, dtype=np.int64) if multiplicity is None
         else np.asarray(multiplicity))
    if m.shape != lam.shape or m.dtype.kind not in "iu" or (m < 1).any():
        raise ValueError("`multiplicity` must be one integer >= 1 per level; got "
                         f"{np.asarray(multiplicity)!r}")
    noise = check_real("noise", noise, ge=0.0)
    arrays = []
    for name, value in (("D", D), ("ridge", ridge)):
        try:
            arrays.append(np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must be a number or an array of numbers; got "
                            f"{value!r}") from None
    try:
        Dv, rv = np.broadcast_arrays(*arrays)
    except ValueError:
        raise ValueError(f"`ridge` must broadcast with `D`; got shapes {arrays[1].shape} and "
                         f"{arrays[0].shape}") from None
    if not (np.isfinite(Dv).all() and (Dv >= 1).all()):
        raise ValueError(f"`D` must be finite and >= 1; got {np.asarray(D)!r}")
    if not (np.isfinite(rv).all() and (rv >= 0).all()):
        raise ValueError(f"`ridge` must be finite and >= 0; got {np.asarray(ridge)!r}")
    S = int(m.sum())
    if ((rv == 0) & (Dv >= S)).any():
        raise ValueError(f"`D` must be below the {S} modes where the ridge is 0; got D = "
                         f"{float(Dv[(rv == 0) & (Dv >= S)].ravel()[0]):g}")
    model = SpectralModel("array", lam=tuple(float(x) for x in np.repeat(lam, m)),
                          target_kind="array", p=tuple(float(x) for x in np.repeat(p, m)))
    ev = SumEvaluator(model)
    kappa = np.empty(Dv.shape)
    for r in np.unique(rv):  # one vectorized solve per ridge value (LC.1) with P = inf
        sel = rv == r
        kappa[sel] = solve_kappa_float(ev, Dv[sel], np.full(int(sel.sum()), np.inf), float(r))
    L = lam / (lam + kappa[..., None])  # (LC.21)
    df2 = (m * L * L).sum(axis=-1)
    E0 = Dv / (Dv - df2)
    mode_error = E0[..., None] * (1 - L) ** 2 * p
    test = E0 * ((m * (1 - L) ** 2 * p).sum(axis=-1) + noise)
    train = (rv / (Dv * kappa)) ** 2 * test  # Simon et al. (2021); (LC.21)
    tl = (m * L * p).sum(axis=-1) / float((m * p).sum())
    return Eigenlearning(D=Dv, ridge=rv, kappa=kappa, E0=E0, learnability=L,
                         target_learnability=tl, mode_error=mode_error, test_mse=test,
                         train_mse=train)
