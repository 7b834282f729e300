"""Case analysis of one learning-curve point: kernel limit, projection, top-P, degenerate.

Private helper of :mod:`asymptotics.rf.learning_curves` (docs/theory/learning_curves.md (LC.9),
(LC.10); §3 there):
for each ``(D, P)`` it decides whether the point is regular (solve (LC.1), evaluate
(LC.2)-(LC.3)), the ridgeless interpolation peak (``inf``), the degenerate ridgeless case
``min(D, P) >= S`` of a finite spectrum (``kappa = 0``, (LC.9)), or a ``D = inf`` limit
(LC.10), and evaluates it with the float or the mp backend.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np

from asymptotics.rf.equivalent import loss_from_sums, solve_kappa_float, solve_kappa_mp
from asymptotics.rf.sums import SpectralModel, SumEvaluator

__all__ = ["KAPPA_MIN", "PEAK_REASON", "kappa_range_iv", "overfitting_factor", "point_mp",
           "projection_float"]

PEAK_REASON = ("interpolation peak: ridgeless with D = P < S, so 1 - gamma_1 = 0 and the "
               "variance diverges as max(D,P)/|D-P| (docs/theory/learning_curves.md (LC.8))")
_EDGE_REASON = ("ridgeless with D = S modes and label noise: ordinary least squares with as "
                "many samples as parameters diverges (docs/theory/learning_curves.md (LC.9))")


def _size(model: SpectralModel) -> float:
    if model.kind == "array":
        return float(len(model.lam))
    return math.inf if model.size is None else float(model.size)


#: Smallest renormalized ridge the float64 route represents with a margin (the normal
#: range ends at 2.2e-308; kappa^t and kappa/c appear in the sums, (LC.6)).
KAPPA_MIN = 1e-300


def kappa_range_iv(model: SpectralModel, kappa: np.ndarray, D: np.ndarray,
                    P: np.ndarray) -> None:
    """Refuse points whose kappa of (LC.1) is below :data:`KAPPA_MIN`: the float64 solve,
    which also seeds the mp route, cannot represent it (it would return garbage)."""
    low = ~(kappa >= KAPPA_MIN)
    if not low.any():
        return
    i = int(np.argmax(low))
    m = min(D[i], P[i])
    name = "D" if D[i] <= P[i] else "P"
    value = D[i] if name == "D" else P[i]
    rule = ""
    if model.kind == "powerlaw" and model.size is None:  # kappa_m ~ c (I_b/m)^b (RG.8)
        ib = (math.pi / model.b) / math.sin(math.pi / model.b)
        bound = ib * (model.c / KAPPA_MIN) ** (1 / model.b)
        rule = (f" (kappa ~ c (I_b/m)^b with m = min(D, P), docs/theory/regimes.md (RG.8): "
                f"keep m below about {bound:.3g} for b = {model.b:g})")
    raise ValueError(f"`{name}` = {value:g}: the renormalized ridge kappa of "
                     f"docs/theory/learning_curves.md (LC.1) at min(D, P) = {m:g} falls below "
                     f"{KAPPA_MIN:g}, outside float64, which seeds every solve{rule}")


def projection_float(model: SpectralModel, ev: SumEvaluator, D: np.ndarray, P: np.ndarray,
                     ridge: float, noise: float, *,
                     check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Float loss and kappa of the projection student (``P = inf``: kernel limit).

    ``check``: the residual check of :func:`asymptotics.rf.equivalent.solve_kappa_float`
    (off only where the float kappa merely seeds the mp route, which checks its own)."""
    S = _size(model)
    loss = np.full(D.shape, np.nan)
    kappa = np.zeros(D.shape)
    m = np.minimum(D, P)
    Dinf = np.isinf(D)
    # D = inf: L(P) = R(kappa_P) (LC.10); P >= S or P = inf: the target is fully learned.
    full = Dinf & (P >= S)
    loss[full] = 0.0
    feat = Dinf & ~full
    if feat.any():
        k = solve_kappa_float(ev, P[feat], P[feat], 0.0, check=check)
        kappa_range_iv(model, k, D[feat], P[feat])
        kappa[feat] = k
        loss[feat] = ev(k).R
    fin = ~Dinf
    if ridge == 0:
        degen = fin & (m >= S)  # docs/theory/learning_curves.md (LC.9)
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.where(D > S, noise * S / (D - S), np.inf if noise > 0 else 0.0)
        loss[degen] = val[degen]
        peak = fin & ~degen & (D == P)
        loss[peak] = np.inf
        reg = fin & ~degen & ~peak
    else:
        reg = fin
    if reg.any():
        k = solve_kappa_float(ev, D[reg], P[reg], ridge, check=check)
        kappa_range_iv(model, k, D[reg], P[reg])
        kappa[reg] = k
        s = ev(k)
        # ridgeless: (LC.1) says df1 = min(D, P) exactly; using it avoids the cancellation in
        # P - df1 and D - df1 next to the peak
        df1 = m[reg] if ridge == 0 else s.df1
        loss[reg] = loss_from_sums(df1, s.df2, s.R, s.B, D[reg], P[reg], noise)
    return loss, kappa


def point_mp(model: SpectralModel, ev: SumEvaluator, D: float, P: float, ridge: float,
             noise: Any, guess: Any, *, dps: int) -> tuple:
    """One point at ``dps`` digits (``ev``: mp backend): ``(loss, kappa, reason-if-inf, E0,
    df1, R)``, the last three at the root for the outputs of
    :mod:`asymptotics.rf.outputs` (docs/theory/learning_curves.md (LC.22)): the overfitting
    factor ``1/(1 - gamma_1)`` of (LC.2), ``df1`` and ``R = sum_i p_i (1 - L_i)``."""
    with mpmath.workdps(dps):
        return _point_mp(model, ev, D, P, ridge, noise, guess, dps)


def _point_mp(model: SpectralModel, ev: SumEvaluator, D: float, P: float, ridge: float,
              noise: Any, guess: Any, dps: int) -> tuple:
    S = _size(model)
    zero, one, s2 = mpmath.mpf(0), mpmath.mpf(1), mpmath.mpf(noise)
    if math.isinf(D):  # infinite data: no overfitting, E0 = 1 (LC.10)
        if P >= S:
            return zero, zero, None, one, mpmath.mpf(S), zero
        k, _ = solve_kappa_mp(ev, P, P, 0.0, guess, dps=dps, residual=False)
        s = ev(k)
        return s.R, k, None, one, s.df1, s.R
    if ridge == 0 and min(D, P) >= S:  # kappa = 0, every mode learned (LC.9)
        e0 = mpmath.mpf(D) / (D - S) if D > S else mpmath.inf
        if D > S:
            return s2 * S / (D - S), zero, None, e0, mpmath.mpf(S), zero
        out = (mpmath.inf, zero, _EDGE_REASON) if noise > 0 else (zero, zero, None)
        return (*out, e0, mpmath.mpf(S), zero)
    k, _ = solve_kappa_mp(ev, D, P, ridge, guess, dps=dps, residual=False)
    s = ev(k)
    if ridge == 0 and D == P:  # the peak: kappa still solves (LC.1); E0 diverges (LC.8)
        return mpmath.inf, k, PEAK_REASON, mpmath.inf, mpmath.mpf(D), s.R
    Pm = P if math.isinf(P) else mpmath.mpf(P)
    df1 = mpmath.mpf(min(D, P)) if ridge == 0 else s.df1  # exact on the ridgeless branch
    loss = loss_from_sums(df1, s.df2, s.R, s.B, mpmath.mpf(D), Pm, s2)
    e0 = overfitting_factor(df1, s.df2, mpmath.mpf(D), Pm)
    return loss, k, (PEAK_REASON if mpmath.isinf(loss) else None), e0, df1, s.R


def overfitting_factor(df1: Any, df2: Any, D: Any, P: Any) -> Any:
    """``E0 = 1/(1 - gamma_1) = D/(D - df1 + d (df1 - df2))`` of (LC.2)-(LC.3) (``inf`` where
    ``1 - gamma_1 <= 0``); scalar (mpf or float) or arrays; ``P = inf``: ``d = 1``."""
    if isinstance(df1, np.ndarray):
        Pa = np.asarray(P, dtype=np.float64)
        Pinf = np.isinf(Pa)
        Pe = np.where(Pinf, 1.0, Pa)
        gap = df1 - df2
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(Pinf | (gap == 0), 1.0, (Pe - df1) / np.where(Pinf, 1.0, Pe - df2))
        denom = D - df1 + d * gap  # (LC.3): D (1 - gamma_1), cancellation-free
        pos = denom > 0
        return np.where(pos, D / np.where(pos, denom, 1.0), np.inf)
    gap = df1 - df2
    d = 1 if (_inf(P) or gap == 0) else (P - df1) / (P - df2)
    denom = D - df1 + d * gap
    if denom <= 0:
        return mpmath.inf if isinstance(denom, mpmath.mpf) else math.inf
    return D / denom


def _inf(x: Any) -> bool:
    return isinstance(x, float | int) and math.isinf(x)


def outputs_float(model: SpectralModel, ev: SumEvaluator, D: np.ndarray, P: np.ndarray,
                  ridge: float, kappa: np.ndarray) -> tuple:
    """``(kappa, E0, d, df1, R)`` of the projection student at the float roots ``kappa`` of
    :func:`projection_float` (``P = inf``: kernel limit), for the outputs of (LC.22).

    The cases follow :func:`projection_float`: ``kappa = 0`` where every mode is learned
    (``D = inf`` with ``P >= S``, or the ridgeless ``min(D, P) >= S`` of (LC.9)); ``E0 = 1``
    at ``D = inf`` (LC.10); the ridgeless peak, whose loss is ``inf``, gets its ``kappa``
    solved here (``df1 = D``) and ``E0 = inf``."""
    S = _size(model)
    kappa = np.array(kappa, dtype=np.float64)
    E0 = np.ones(D.shape)
    d = np.ones(D.shape)
    df1 = np.full(D.shape, S)
    R = np.zeros(D.shape)
    m = np.minimum(D, P)
    Dinf = np.isinf(D)
    zero = (Dinf & (P >= S)) | (~Dinf & (ridge == 0) & (m >= S))
    kappa[zero] = 0.0
    fin0 = zero & ~Dinf
    with np.errstate(divide="ignore"):
        E0[fin0] = np.where(D[fin0] > S, D[fin0] / (D[fin0] - S), np.inf)  # (LC.9)
    peak = ~Dinf & ~zero & (ridge == 0) & (D == P)
    if peak.any():
        kappa[peak] = solve_kappa_float(ev, D[peak], P[peak], 0.0)
    rest = ~zero
    if rest.any():
        s = ev(kappa[rest])
        R[rest] = s.R
        # ridgeless (and D = inf, whose root has df1 = P): df1 = min(D, P) exactly (LC.1)
        f1 = m[rest] if ridge == 0 else np.where(Dinf[rest], m[rest], s.df1)
        df1[rest] = f1
        Dr, Pr = D[rest], P[rest]
        e0 = overfitting_factor(f1, s.df2, Dr, Pr)
        E0[rest] = np.where(Dinf[rest], 1.0, e0)
        gap = f1 - s.df2
        Pinf = np.isinf(Pr)
        Pe = np.where(Pinf, 1.0, Pr)
        with np.errstate(divide="ignore", invalid="ignore"):
            dd = np.where(Pinf | (gap == 0), 1.0, (Pe - f1) / np.where(Pinf, 1.0, Pe - s.df2))
        d[rest] = np.where(Dinf[rest], 0.0, dd)  # (LC.3); D = inf: df1 = P, d = 0 (LC.10)
    E0[peak] = np.inf
    return kappa, E0, d, df1, R
