"""What the peers' eigenlearning codes return, on the random-feature learning curves.

docs/theory/learning_curves.md (LC.22): at the root ``kappa`` of (LC.1) every point of a
learning curve also has the learnabilities ``L_i = lambda_i / (lambda_i + kappa)``, the
overfitting factor ``E0 = 1/(1 - gamma_1)`` of (LC.2)-(LC.3), the train error
``E_train = (1 - df1/D)^2 (E + sigma^2)`` and the learnability ``sum_i p_i L_i / sum_i p_i``
of the target. In the kernel limit these are Simon et al. (2021)'s eigenlearning outputs
(:func:`asymptotics.rf.eigenlearning.eigenlearning`, (LC.21)); at finite ``P`` they are
Simon et al. (2023)'s random-feature eigenframework (LC.7), whose ``gamma`` is this
project's ``kappa`` and whose ``delta / (D kappa_s)`` is ``1 - df1/D``.

:func:`learning_curve_outputs` is the float64 route, broadcast over ``D``, ``P`` and
``ridge`` like :func:`asymptotics.rf.learning_curves.learning_curve_float`; the mp route's
:class:`asymptotics.rf.learning_curves.LearningCurve` carries ``E0``, ``train_loss`` and
``target_learnability`` per point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asymptotics._lib.validation import check_real_array
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import (
    _FALLBACK_DPS,
    _TAIL_DPS,
    _float_path,
    _iv,
    _mp_path,
    _top_model,
    _train,
)
from asymptotics.rf.special_points import outputs_float
from asymptotics.rf.sums import SpectralModel, SumEvaluator

__all__ = ["CurveOutputs", "learning_curve_outputs"]


@dataclass(frozen=True)
class CurveOutputs:
    """Float64 outputs of a learning curve at each point (arrays of the broadcast shape of
    ``D``, ``P`` and ``ridge``), docs/theory/learning_curves.md (LC.22).

    Attributes
    ----------
    D, P, ridge : numpy.ndarray
    noise : float
    student : str
    loss : numpy.ndarray
        The excess test loss ``E`` of :func:`asymptotics.rf.learning_curves.learning_curve_float`.
    kappa : numpy.ndarray
        The renormalized ridge of (LC.1) (0 where every mode is learned; solved at the peak).
    E0 : numpy.ndarray
        The overfitting factor ``1/(1 - gamma_1)`` (``inf`` at the ridgeless peak, 1 at
        ``D = inf``).
    feature_factor : numpy.ndarray
        ``d = (P - df1)/(P - df2)`` of (LC.3) (1 in the kernel limit and for the top-P
        student, 0 at ``D = inf``).
    train_loss : numpy.ndarray
        ``(1 - df1/D)^2 (E + sigma^2)``: 0 where the student interpolates (ridgeless,
        ``D <= P``).
    test_mse : numpy.ndarray
        ``E + sigma^2`` (eigenlearning's test MSE, with the noise floor).
    target_learnability : numpy.ndarray
        ``sum_i p_i L_i / sum_i p_i`` of the curve's target.
    """

    D: np.ndarray
    P: np.ndarray
    ridge: np.ndarray
    noise: float
    student: str
    loss: np.ndarray
    kappa: np.ndarray
    E0: np.ndarray
    feature_factor: np.ndarray
    train_loss: np.ndarray
    test_mse: np.ndarray
    target_learnability: np.ndarray
    _model: SpectralModel = field(repr=False, compare=False)

    def learnability(self, modes: Any) -> np.ndarray:
        """``L_i = lambda_i / (lambda_i + kappa)`` of modes ``i`` (1-based), shape
        ``(*self.D.shape, len(modes))``; the top-P student does not learn ``i > P`` (0)."""
        idx = _modes_iv(modes, self._model)
        lam = _eigenvalues(self._model, idx)
        k = self.kappa[..., None]
        L = lam / (lam + k)  # (LC.22)
        if self.student == "top":
            L = np.where(idx <= self.P[..., None], L, 0.0)
        return L

    def mode_error(self, modes: Any) -> np.ndarray:
        """Each mode's contribution ``E0 [d (1 - L_i)^2 + (1 - d)(1 - L_i)] p_i`` to the
        test MSE (LC.22); over all modes they sum to ``E + sigma^2 - E0 sigma^2``."""
        idx = _modes_iv(modes, self._model)
        L = self.learnability(idx)
        p = _target_power(self._model, idx)
        d = self.feature_factor[..., None]
        with np.errstate(invalid="ignore"):  # E0 = inf at the peak: every error is inf
            out = self.E0[..., None] * (d * (1 - L) ** 2 + (1 - d) * (1 - L)) * p
        return np.where(p == 0, 0.0, out)


def _modes_iv(modes: Any, model: SpectralModel) -> np.ndarray:
    arr = check_real_array("modes", np.atleast_1d(modes), positive=True)
    if (arr != np.floor(arr)).any():
        raise ValueError(f"`modes` must be whole mode numbers >= 1; got {modes!r}")
    S = len(model.lam) if model.kind == "array" else model.size
    if S is not None and arr.max() > S:
        raise ValueError(f"`modes` must be <= the {S} modes of the spectrum; got "
                         f"{arr.max():g}")
    return arr


def _eigenvalues(model: SpectralModel, idx: np.ndarray) -> np.ndarray:
    if model.kind == "array":
        return np.asarray(model.lam)[idx.astype(np.int64) - 1]
    return model.c * idx ** -model.b  # lambda_i = c i^-b


def _target_power(model: SpectralModel, idx: np.ndarray) -> np.ndarray:
    if model.target_kind == "iso":
        return model.w * _eigenvalues(model, idx)  # p_i = w lambda_i
    if model.target_kind == "power":
        return model.C * idx ** -model.a  # p_i = C i^-a
    p = np.asarray(model.p)
    j = idx.astype(np.int64) - 1
    return np.where(j < p.size, p[np.minimum(j, p.size - 1)], 0.0)


def learning_curve_outputs(D: Any, P: Any, spectrum: PowerLawSpectrum | ArraySpectrum,
                           target: Target, *, ridge: Any = 0.0, noise: float = 0.0,
                           student: str = "projection") -> CurveOutputs:
    """The learning curve's loss with ``kappa``, ``E0``, train error and learnabilities.

    Parameters are those of :func:`asymptotics.rf.learning_curves.learning_curve_float`
    (``ridge`` may be an array broadcast with ``D`` and ``P``). A point float64 cannot
    evaluate is computed by the mp route at 20 digits, as there; nothing is NaN.

    Examples
    --------
    The kernel limit on 50 modes equals eigenlearning on the same levels:

    >>> import numpy as np
    >>> from asymptotics.model import ArraySpectrum, Target
    >>> lam = 1.0 / np.arange(1, 51) ** 2
    >>> out = learning_curve_outputs([10, 20], np.inf, ArraySpectrum(lam),
    ...                              Target.array(lam), ridge=[1e-3, 2e-3])
    >>> [round(float(x), 6) for x in out.target_learnability]
    [0.885821, 0.951771]
    """
    Da, Pa, model, ra, noise, student = _iv(D, P, spectrum, target, ridge, noise, student)
    shape = Da.shape
    Dv, Pv, rv = Da.ravel(), Pa.ravel(), ra.ravel()
    n = Dv.size
    kappa, E0, df1, R, loss, tl, train = (np.full(n, np.nan) for _ in range(7))
    d = np.ones(n)
    with np.errstate(all="ignore"):
        try:
            loss, k0 = _float_path(model, Dv, Pv, rv, noise, student)
            tails = np.zeros(n)
            for r in np.unique(rv):
                for key in (np.unique(Pv) if student == "top" else [None]):
                    sel = (rv == r) if key is None else (rv == r) & (Pv == key)
                    if key is None:
                        sub, Pe, tail = model, Pv[sel], 0.0
                    else:
                        sub, tail_mp = _top_model(model, key, _TAIL_DPS)
                        Pe, tail = np.full(int(sel.sum()), np.inf), float(tail_mp)
                    out = outputs_float(sub, SumEvaluator(sub), Dv[sel], Pe, float(r), k0[sel])
                    kappa[sel], E0[sel], d[sel], df1[sel], R[sel] = out
                    tails[sel] = tail
            total = float(model.target_tail(0, _TAIL_DPS))
            tl = 1 - (R + tails) / total
            train = np.array([float(_train(f, x, v, noise)) for f, x, v in zip(df1, Dv, loss,
                                                                              strict=True)])
        except (OverflowError, FloatingPointError):
            loss = np.full(n, np.nan)
    # the peak's inf loss and anything float64 could not represent: the mp route decides
    bad = ~(np.isfinite(loss) & np.isfinite(kappa) & ~np.isnan(E0) & np.isfinite(tl)
            & np.isfinite(train))
    if bad.any():
        idx = np.nonzero(bad)[0]
        guesses = [float(k) if np.isfinite(k) and k > 0 else 1.0 for k in kappa[idx]]
        rows = _mp_path(model, Dv[idx], Pv[idx], rv[idx], noise, student, guesses,
                        _FALLBACK_DPS, 0)
        for i, row in zip(idx, rows, strict=True):
            loss[i], kappa[i], E0[i], train[i], tl[i] = (float(row[j]) for j in (0, 1, 3, 4, 5))
            if not math.isfinite(loss[i]) and row[2] is None:
                raise ValueError(f"the loss at D = {Dv[i]:g}, P = {Pv[i]:g} is not "
                                 "representable: float64 and the mp route both failed")
    if student == "top":
        d[:] = 1.0
    return CurveOutputs(D=Da, P=Pa, ridge=ra, noise=noise, student=student,
                        loss=loss.reshape(shape), kappa=kappa.reshape(shape),
                        E0=E0.reshape(shape), feature_factor=d.reshape(shape),
                        train_loss=train.reshape(shape), test_mse=(loss + noise).reshape(shape),
                        target_learnability=tl.reshape(shape), _model=model)
