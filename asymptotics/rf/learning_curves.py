"""The whole learning curve L(D, P) of the random-feature model, at any precision.

Public entry points (docs/theory/learning_curves.md (LC.1)-(LC.11), (LC.17)):

* :func:`learning_curve_float`: float64, vectorized over broadcast ``D`` and ``P`` arrays,
  for dense curves (``P = inf``: the kernel limit; ``D = inf``: the feature-limited loss).
* :func:`learning_curve`: mpmath at ``dps`` digits; every value reports the digits it
  certifies (two evaluations at different precision *and* different Euler-Maclaurin cuts
  must agree), the interpolation peak is ``inf`` with its reason, and the closed-form
  asymptote of :mod:`asymptotics.rf.asymptotes` is attached.
* :func:`solve_kappa`: the renormalized ridge ``kappa`` of (LC.1) alone.

Conventions: ``ridge`` is ``delta`` on the sum loss (predictor ``z^T Z^T (Z Z^T + delta I)^-1
y``); ``noise`` is the label-noise variance; the loss is the excess test error
``E_x[(f - F)^2]`` of :mod:`asymptotics.model`. ``student="projection"``: ``z = P^-1/2 G F``
with Gaussian ``G`` (Bahri's random features); ``student="top"``: the top-``P`` eigenfeatures,
whose unexplained modes act as extra label noise ``sum_{i>P} p_i`` (LC.11).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from asymptotics._lib.budget import check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_real
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.asymptotes import Asymptote, curve_asymptote
from asymptotics.rf.equivalent import solve_kappa_float, solve_kappa_mp
from asymptotics.rf.special_points import kappa_range_iv, point_mp, projection_float
from asymptotics.rf.sums import (
    DIRECT_MP,
    SpectralModel,
    SumEvaluator,
    em_parameters,
    prepare_model,
)

__all__ = [
    "KappaSolution",
    "LearningCurve",
    "learning_curve",
    "learning_curve_float",
    "regime_label",
    "solve_kappa",
]

_GUARD = 10  # guard digits of the first evaluation; the second uses 2 * _GUARD
_TAIL_DPS = 20  # digits of the top-P tail T_P before the float path rounds it


@dataclass(frozen=True)
class LearningCurve:
    """Excess test loss along ``(D, P)`` points (docs/theory/learning_curves.md (LC.1)-(LC.11)).

    Attributes
    ----------
    D, P : tuple of float
        The points (``inf`` allowed: ``P = inf`` is the kernel limit).
    loss : tuple of mpmath.mpf
        ``E(D, P)`` rounded to ``dps`` digits; ``inf`` at the ridgeless peak.
    loss_float : numpy.ndarray
        ``float(loss)``.
    certified_digits : tuple of int
        Digits on which two evaluations (``dps+10`` digits with the default Euler-Maclaurin
        cut, ``dps+20`` with a larger cut and more Bernoulli terms) agree, capped at ``dps``.
    regime : tuple of str
        :func:`regime_label` of each point.
    reasons : tuple of (str or None)
        Why a value is ``inf``; None for finite values.
    kappa : tuple of mpmath.mpf
        The renormalized ridge at each point (0 where the spectrum is fully resolved).
    asymptote : Asymptote or None
        The closed-form leading-order law for this curve's setting, if one applies.
    asymptote_loss : tuple of (float or None)
        The asymptote evaluated at each point.
    E0 : tuple of mpmath.mpf
        The overfitting factor ``1/(1 - gamma_1)`` of (LC.2) (``inf`` at the peak; 1 at
        ``D = inf``), docs/theory/learning_curves.md (LC.22).
    train_loss : tuple of mpmath.mpf
        The train error ``(1 - df1/D)^2 (E + sigma^2)`` of (LC.22) (0 where the student
        interpolates).
    target_learnability : tuple of mpmath.mpf
        ``sum_i p_i L_i / sum_i p_i`` with ``L_i = lambda_i/(lambda_i + kappa)`` (LC.22).

    ``ridge`` is a float, or a tuple with one value per point when it was given as an array.
    E0, the train error and the learnability are computed in the second pass and carry no
    certificate of their own; :func:`asymptotics.rf.outputs.learning_curve_outputs` gives
    them in float64 with per-mode learnabilities and errors.
    """

    D: tuple
    P: tuple
    ridge: Any
    noise: float
    student: str
    dps: int
    loss: tuple
    loss_float: np.ndarray
    certified_digits: tuple
    regime: tuple
    reasons: tuple
    kappa: tuple
    asymptote: Asymptote | None
    asymptote_loss: tuple
    E0: tuple = ()
    train_loss: tuple = ()
    target_learnability: tuple = ()

    def to_dict(self) -> dict:
        """JSON-ready record; each mpmath value is written with its certified digits."""
        out = {f: getattr(self, f) for f in ("D", "P", "ridge", "noise", "student", "dps",
                                             "certified_digits", "regime", "reasons",
                                             "asymptote", "asymptote_loss")}
        out["loss"] = [_text(v, d) for v, d in zip(self.loss, self.certified_digits, strict=True)]
        out["kappa"] = [_text(v, d) for v, d in zip(self.kappa, self.certified_digits,
                                                    strict=True)]
        out["loss_float"] = self.loss_float
        for name in ("E0", "train_loss", "target_learnability"):
            out[name] = [_text(v, max(d, 1)) for v, d in zip(getattr(self, name),
                                                              self.certified_digits, strict=True)]
        return out


def _text(value: Any, digits: int) -> str:
    if mpmath.isinf(value):
        return "inf"
    return mpmath.nstr(value, max(digits, 1), strip_zeros=False)


@dataclass(frozen=True)
class KappaSolution:
    """``kappa`` solving (LC.1) at ``dps`` digits and the residual of the equation there."""

    D: float
    P: float
    ridge: float
    kappa: Any
    residual: Any
    dps: int


def _grid(name: str, value: Any) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(value, dtype=object if not isinstance(value, np.ndarray)
                                   else value.dtype))
    out = np.empty(arr.shape, dtype=np.float64)
    for idx, v in np.ndenumerate(arr):
        out[idx] = check_real(f"{name}{list(idx)}", v, ge=1.0, allow_inf=True)
    return out


_MAX_SCALE = 1e100
#: Smallest non-zero ridge: below it the kappa solve near the interpolation peak loses
#: D - df1 ~ sqrt(ridge) of (LC.1) to cancellation (measured at D = P = 100, b = 2: ridge
#: 1e-40 certifies 9 digits correctly, 1e-80 returned inf and 5e-324 a wrong value).
_MIN_RIDGE = 1e-40
#: Largest spectrum or target exponent: the float64 sums evaluate M^b and i^-b at the
#: Euler-Maclaurin cut M = 48 of (LC.5), which overflow past b ~ 183.
_MAX_EXPONENT = 100.0


def _ridge_iv(ridge: Any) -> float:
    # above ~1e100 the float path's products of kappa overflow (inf - inf; found by the
    # fuzz suite with ridge = 4.5e307): refuse rather than return NaN
    ridge = check_real("ridge", ridge, ge=0.0, le=_MAX_SCALE)
    if 0 < ridge < _MIN_RIDGE:
        raise ValueError(f"`ridge` must be 0 or >= {_MIN_RIDGE:g} (below it the kappa solve "
                         "near the interpolation peak loses D - df1 ~ sqrt(ridge) of "
                         "docs/theory/learning_curves.md (LC.1) to cancellation; ridge = 0 is "
                         f"the ridgeless limit); got {ridge!r}")
    return ridge


def _exponents_iv(model: SpectralModel) -> None:
    if model.kind != "powerlaw":
        return
    named = [("b", model.b)] + ([("a", model.a)] if model.target_kind == "power" else [])
    for name, value in named:
        if value > _MAX_EXPONENT:
            raise ValueError(f"`{name}` must be <= {_MAX_EXPONENT:g} for the learning-curve "
                             f"routes (the float64 sums take M^{name} and i^-{name} at the "
                             "Euler-Maclaurin cut M = 48 of docs/theory/learning_curves.md "
                             f"(LC.5), which overflow past ~183); got {value!r}")


def _ridge_grid(ridge: Any) -> tuple[np.ndarray, bool]:
    """``ridge`` as a float64 array (each entry checked by :func:`_ridge_iv`, named
    ``ridge[i]``) and whether it was a scalar."""
    if np.ndim(ridge) == 0 and not isinstance(ridge, list | tuple):
        return np.asarray(_ridge_iv(ridge)), True
    arr = np.asarray(ridge, dtype=object)
    if arr.size == 0:
        raise ValueError(f"`ridge` must not be empty (a scalar, or an array broadcast with "
                         f"`D` and `P`); got {ridge!r}")
    out = np.empty(arr.shape, dtype=np.float64)
    for idx, v in np.ndenumerate(arr):
        try:
            out[idx] = _ridge_iv(v)
        except (ValueError, TypeError) as exc:
            raise type(exc)(str(exc).replace("`ridge`", f"`ridge{list(idx)}`", 1)) from None
    return out, False


def _iv(D: Any, P: Any, spectrum: Any, target: Any, ridge: Any, noise: Any,
        student: Any) -> tuple:
    """Validated ``(D, P, model, ridge, noise, student)``; ``D``, ``P`` and ``ridge`` are
    float64 arrays of their broadcast shape (a ridge that scales with ``D`` is an array)."""
    Da, Pa = _grid("D", D), _grid("P", P)
    ra, _ = _ridge_grid(ridge)
    try:
        Da, Pa, ra = np.broadcast_arrays(Da, Pa, ra)
    except ValueError:
        raise ValueError(f"`D`, `P` and `ridge` must broadcast together; got shapes "
                         f"{Da.shape}, {Pa.shape} and {ra.shape}") from None
    noise = check_real("noise", noise, ge=0.0, le=_MAX_SCALE)
    student = check_choice("student", student, ("projection", "top"))
    if student == "top":
        frac = np.isfinite(Pa) & (Pa != np.floor(Pa))
        if frac.any():
            raise ValueError("`P` must be whole numbers of eigenfeatures for student='top'; "
                             f"got {Pa[frac].ravel()[0]!r}")
    model = prepare_model(spectrum, target)
    _exponents_iv(model)
    return (Da.astype(np.float64), Pa.astype(np.float64), model, ra.astype(np.float64),
            noise, student)


def learning_curve_float(D: Any, P: Any, spectrum: PowerLawSpectrum | ArraySpectrum,
                         target: Target, *, ridge: float = 0.0, noise: float = 0.0,
                         student: str = "projection") -> np.ndarray:
    """Excess test loss ``E(D, P)`` in float64, broadcast over ``D`` and ``P``.

    Parameters
    ----------
    D, P : array_like
        Samples and features (>= 1; ``inf`` allowed; non-integers are interpolated by the
        deterministic equivalent).
    spectrum, target : see :mod:`asymptotics.model`
    ridge : float or array_like
        ``delta >= 0`` on the sum loss, broadcast with ``D`` and ``P`` (a ridge that scales
        with ``D`` is an array).
    noise : float
        Label-noise variance ``sigma^2 >= 0``.
    student : {"projection", "top"}

    Returns
    -------
    numpy.ndarray
        Loss of the broadcast shape of ``D``, ``P`` and ``ridge``; ``inf`` at the ridgeless
        interpolation peak. :func:`asymptotics.rf.outputs.learning_curve_outputs` returns
        ``kappa``, the overfitting factor, the train error and the learnabilities with it.

    Examples
    --------
    Bahri's isotropic teacher on ``lambda_i = i^-2`` in the kernel limit, where
    ``E(D) -> (pi^2/4) / D`` (docs/theory/learning_curves.md (LC.15)):

    >>> from asymptotics.model import PowerLawSpectrum, Target
    >>> loss = learning_curve_float([100, 1000], float("inf"), PowerLawSpectrum(2.0),
    ...                             Target.isotropic(1.0))
    >>> [round(float(x), 6) for x in loss]
    [0.024429, 0.002465]
    """
    D, P, model, ridge, noise, student = _iv(D, P, spectrum, target, ridge, noise, student)
    return _float_finite(model, D, P, ridge, noise, student)


#: digits of the mp route that replaces a float64 value float64 cannot represent
_FALLBACK_DPS = 20


def _float_finite(model: SpectralModel, D: np.ndarray, P: np.ndarray, ridge: np.ndarray,
                  noise: float, student: str) -> np.ndarray:
    """The float path, never NaN: a point whose float64 evaluation overflows (the sums of
    (LC.5)-(LC.6) take ``M^b``, ``kappa^t`` and ``Y^alpha`` at extreme sizes, exponents and
    ridges) is evaluated by the mp route at 20 digits and rounded; a legitimate ``inf`` (the
    interpolation peak, (LC.8)-(LC.9)) comes back from that route as ``inf`` with its reason.
    A value neither route can give is a one-line ``ValueError``. ``ridge``: an array of the
    shape of ``D`` (one solve per distinct value)."""
    try:
        with np.errstate(all="ignore"):  # every non-finite value is re-evaluated below
            loss, kappa = _float_path(model, D, P, ridge, noise, student)
    except (OverflowError, FloatingPointError):  # a Python float power overflowed
        loss, kappa = np.full(D.shape, np.nan), np.full(D.shape, np.nan)
    bad = ~np.isfinite(loss)
    if bad.any():
        idx = np.nonzero(bad)
        guesses = [float(k) if np.isfinite(k) and k > 0 else 1.0 for k in kappa[idx]]
        out = _mp_path(model, D[idx], P[idx], ridge[idx], noise, student, guesses,
                       _FALLBACK_DPS, 0)
        values = np.array([float(r[0]) for r in out])
        if np.isnan(values).any():
            i = int(np.argmax(np.isnan(values)))
            raise ValueError(f"the loss at D = {D[idx][i]:g}, P = {P[idx][i]:g} is not "
                             "representable: float64 and the mp route both failed")
        loss = loss.copy()
        loss[idx] = values
    return loss


def _float_path(model: SpectralModel, D: np.ndarray, P: np.ndarray, ridge: Any,
                noise: float, student: str, check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Loss and kappa of the float route; ``ridge`` a scalar or an array of ``D``'s shape,
    solved once per distinct value (a ridge that scales with ``D``: one solve per point)."""
    ridge = np.broadcast_to(np.asarray(ridge, dtype=np.float64), D.shape)
    shape = D.shape
    D, P, ridge = D.ravel(), P.ravel(), ridge.ravel()
    loss, kappa = np.empty(D.shape), np.empty(D.shape)
    ev = SumEvaluator(model) if student == "projection" else None
    for r in np.unique(ridge):
        sel = ridge == r
        lo, ka = _float_path_one(model, ev, D[sel], P[sel], float(r), noise, student, check)
        loss[sel], kappa[sel] = lo, ka
    return loss.reshape(shape), kappa.reshape(shape)


def _float_path_one(model: SpectralModel, ev: SumEvaluator | None, D: np.ndarray,
                    P: np.ndarray, ridge: float, noise: float, student: str,
                    check: bool) -> tuple[np.ndarray, np.ndarray]:
    if student == "projection":
        return projection_float(model, ev, D, P, ridge, noise, check=check)
    loss, kappa = np.empty(D.shape), np.empty(D.shape)
    for p in np.unique(P):  # top-P student: one truncated model per P (LC.11)
        sel = P == p
        sub, tail_mp = _top_model(model, p, _TAIL_DPS)
        tail = float(tail_mp)
        inf = np.full(int(sel.sum()), np.inf)
        lo, ka = projection_float(sub, SumEvaluator(sub), D[sel], inf, ridge, noise + tail,
                                  check=check)
        loss[sel], kappa[sel] = lo + tail, ka
    return loss, kappa


def _top_model(model: SpectralModel, p: float, dps: int) -> tuple[SpectralModel, Any]:
    """The top-``p`` student's model and its unexplained power ``T_p`` (an mpf at ``dps``)."""
    if math.isinf(p):
        return model, mpmath.mpf(0)
    n = int(p)
    return model.truncated(n), model.target_tail(n, dps)  # docs/theory/learning_curves.md (LC.11)


def solve_kappa(D: float, P: float, spectrum: PowerLawSpectrum | ArraySpectrum,
                target: Target | None = None, *, ridge: float = 0.0,
                dps: int = 30, force: bool = False) -> KappaSolution:
    """Solve (LC.1) for ``kappa`` at ``dps`` digits (projection student; ``P = inf``: kernel).

    Requires ``min(D, P)`` below the spectrum size (otherwise ``kappa = 0`` exactly, (LC.9))
    and ``D`` finite. The residual is that of ``g(log kappa)`` in docs/theory/learning_curves.md (LC.1).
    A request whose estimated work exceeds :data:`asymptotics._lib.budget.SECONDS_BOUND` is
    refused unless ``force``.
    """
    D = check_real("D", D, ge=1.0)
    P = check_real("P", P, ge=1.0, allow_inf=True)
    ridge = _ridge_iv(ridge)
    dps = check_int("dps", dps, minimum=5, maximum=10_000)
    model = prepare_model(spectrum, target if target is not None else Target.power_law(2.0))
    _exponents_iv(model)
    S = len(model.lam) if model.kind == "array" else (model.size or math.inf)
    if ridge == 0 and min(D, P) >= S:
        raise ValueError(f"`D` and `P` must leave min(D, P) below the spectrum size {S} for a "
                         f"ridgeless kappa > 0; got D={D}, P={P}")
    Dv, Pv = np.array([D]), np.array([P])
    kf = solve_kappa_float(SumEvaluator(model), Dv, Pv, ridge)
    kappa_range_iv(model, kf, Dv, Pv)
    _budget_iv(model, kf, dps, force)  # one pass of the two it estimates: a safe bound
    guess = float(kf[0])
    work = dps + _GUARD
    k, res = solve_kappa_mp(SumEvaluator(model, "mp", dps=work), D, P, ridge, guess, dps=work)
    return KappaSolution(D, P, ridge, k, res, dps)


#: mpmath operations per second at low precision on one core (about 5 us for a multiply-add
#: at 15-100 digits, measured on the project's small machine)
_MP_RATE = 2e5
#: sum evaluations per point and pass: up to 8 Newton steps (LC.1), usually 3, + the sums
_EVALS_PER_POINT = 4


def _mp_weight(digits: float) -> float:
    """Cost of one mpmath operation at ``digits`` relative to one at 15 digits (measured
    4.8, 7.9, 16 and 62 us per multiply-add at 100, 500, 1000 and 3000 digits)."""
    return 1.0 + (digits / 600.0) ** 1.6


def _mp_operations(model: SpectralModel, kappas: np.ndarray, dps: int) -> float:
    """Estimated mpmath operations of the two certified passes of :func:`learning_curve`.

    One sum evaluation (docs/theory/learning_curves.md (LC.5)) costs a head of ``M`` (or
    ``S``) terms, about 4 operations each, and power-series products of ``2K`` terms, about
    ``1.5 (2K)^2``; the tail integrals (LC.6) run at ``-log10(Y)`` extra digits for small
    ``Y = (kappa/c) M^b``. Calibrated against measured runs (one point, b = 2 and 1.5, at
    480 and 960 digits: 3.8-5.9 s and 11-29 s; estimated 7.1 s and 48 s), so it errs on
    the slow side by up to two.
    """
    total = 0.0
    size = len(model.lam) if model.kind == "array" else model.size
    for variant, work in ((0, dps + _GUARD), (1, dps + 2 * _GUARD)):
        M, K = em_parameters(work, variant)
        direct = model.kind == "array" or (size is not None and size <= DIRECT_MP + M)
        head = size if direct else M
        series = 0.0 if direct else 1.5 * (2 * K) ** 2 * (1 if size is None else 2)
        per_point = (4.0 * head + series) * _mp_weight(work)
        if not direct and model.kind == "powerlaw":
            with np.errstate(divide="ignore"):
                logY = np.log10(np.maximum(kappas, 1e-300) / model.c) + model.b * math.log10(M)
            extra = np.maximum(0.0, -logY)
            # four hypergeometric tails per evaluation, ~3 (digits) terms each
            per_point = per_point + 4 * 3 * (work + extra) * _mp_weight(work + extra)
        total += float(np.sum(np.broadcast_to(per_point, kappas.shape))) * _EVALS_PER_POINT
    return total


def _budget_iv(model: SpectralModel, kappas: np.ndarray, dps: int, force: bool) -> None:
    ops = _mp_operations(model, kappas, dps)
    check_seconds("dps", dps, ops, rate=_MP_RATE, force=force,
                  hint=f"{kappas.size} point(s) at {dps} digits, two certified passes; lower "
                       "`dps` or the number of points, or pass force=True (--force) to run it")


def regime_label(D: float, P: float, ridge: float = 0.0) -> str:
    """Bahri et al.'s regime of a point (ratio 10 separates "much larger"; docs §5)."""
    if math.isinf(P) and math.isinf(D):
        return "no bottleneck (D = P = inf)"
    if math.isinf(P):
        return "kernel limit P = inf: resolution-limited in D"
    if math.isinf(D):
        return "D = inf: resolution-limited in P"
    if ridge == 0 and D == P:
        return "interpolation peak (D = P, ridgeless)"
    D, P = float(D), float(P)  # Python floats: 10 * P overflows to inf without a warning
    if D >= 10 * P:
        return "D >> P: resolution-limited in P, variance-limited in D"
    if P >= 10 * D:
        return "P >> D: resolution-limited in D, variance-limited in P"
    return "D ~ P: crossover near the interpolation peak"


def learning_curve(D: Any, P: Any, spectrum: PowerLawSpectrum | ArraySpectrum,
                   target: Target, *, ridge: float = 0.0, noise: float = 0.0,
                   student: str = "projection", dps: int = 30,
                   force: bool = False) -> LearningCurve:
    """Excess test loss ``E(D, P)`` at ``dps`` digits with certified digits per point.

    Parameters are those of :func:`learning_curve_float` plus ``dps`` (>= 5) and ``force``.
    ``D`` and ``P`` are broadcast and flattened into points. The mpmath work is estimated
    from ``dps``, the points and the spectrum before it starts (after the float64 pass that
    seeds it); past :data:`asymptotics._lib.budget.SECONDS_BOUND` the request is refused with
    :class:`asymptotics._lib.budget.BudgetExceeded` unless ``force``.

    Returns
    -------
    LearningCurve
    """
    Da, Pa, model, ra, noise, student = _iv(D, P, spectrum, target, ridge, noise, student)
    scalar = _ridge_grid(ridge)[1]
    dps = check_int("dps", dps, minimum=5, maximum=10_000)
    Da, Pa, ra = Da.ravel(), Pa.ravel(), ra.ravel()
    try:  # float64 seeds only: the mp route checks its own roots, and starts from the
        with np.errstate(all="ignore"):  # bracket where a seed is not finite
            _, kf = _float_path(model, Da, Pa, ra, noise, student, check=False)
    except (OverflowError, FloatingPointError):
        kf = np.full(Da.shape, np.nan)
    kf = np.where(np.isfinite(kf) & (kf > 0), kf, 1.0)
    _budget_iv(model, kf, dps, force)
    first = _mp_path(model, Da, Pa, ra, noise, student, list(kf), dps + _GUARD, 0)
    second = _mp_path(model, Da, Pa, ra, noise, student, [r[1] for r in first],
                      dps + 2 * _GUARD, 1)
    losses, digits, reasons, kappas, extras = [], [], [], [], []
    with mpmath.workdps(dps):
        for one, two in zip(first, second, strict=True):
            digits.append(_agreement(one[0], two[0], dps))
            losses.append(+two[0])
            kappas.append(+two[1])
            reasons.append(one[2])
            extras.append(tuple(+v for v in two[3:]))
    r_max = float(ra.max()) if ra.size else 0.0
    asym = curve_asymptote(model, Da, Pa, r_max, noise, student)
    avals = tuple(None if asym is None else asym.value_at(d, p) for d, p in zip(Da, Pa,
                                                                               strict=True))
    return LearningCurve(
        D=tuple(float(x) for x in Da), P=tuple(float(x) for x in Pa),
        ridge=float(ra[0]) if scalar else tuple(float(x) for x in ra),
        noise=noise, student=student, dps=dps, loss=tuple(losses),
        loss_float=np.array([float(v) for v in losses]), certified_digits=tuple(digits),
        regime=tuple(regime_label(d, p, r) for d, p, r in zip(Da, Pa, ra, strict=True)),
        reasons=tuple(reasons), kappa=tuple(kappas), asymptote=asym, asymptote_loss=avals,
        E0=tuple(e[0] for e in extras), train_loss=tuple(e[1] for e in extras),
        target_learnability=tuple(e[2] for e in extras))


def _agreement(v1: Any, v2: Any, dps: int) -> int:
    if mpmath.isinf(v1) or mpmath.isinf(v2):
        return dps if v1 == v2 else 0
    if v1 == v2:
        return dps
    scale = max(abs(v1), abs(v2))
    return int(max(0, min(dps, math.floor(-mpmath.log10(abs(v1 - v2) / scale)))))


def _mp_path(model: SpectralModel, D: np.ndarray, P: np.ndarray, ridge: Any, noise: float,
             student: str, guesses: list, work: int, variant: int) -> list:
    """Per point ``(loss, kappa, reason, E0, train, target learnability)`` at ``work``
    digits (docs/theory/learning_curves.md (LC.22)); ``ridge`` scalar or one per point."""
    ridge = np.broadcast_to(np.asarray(ridge, dtype=np.float64), D.shape)
    out = []
    with mpmath.workdps(work):
        M, K = em_parameters(work, variant)  # the second evaluation moves the cut
        cache: dict = {}
        total = model.target_tail(0, work)  # sum_i p_i, the target's power
        for d, p, r, g in zip(D, P, ridge, guesses, strict=True):
            if student == "projection":
                sub, tail, pp = model, mpmath.mpf(0), p
            else:
                sub, tail = _top_model(model, p, work)
                pp = math.inf
            key = id(sub) if student == "projection" else p
            if key not in cache:
                cache[key] = SumEvaluator(sub, "mp", M=M, K=K, dps=work)
            s2 = mpmath.mpf(noise) + tail
            loss, k, why, e0, df1, R = point_mp(sub, cache[key], d, pp, float(r), s2,
                                                g if g > 0 else 1.0, dps=work)
            loss = loss + tail if not mpmath.isinf(loss) else loss
            out.append((loss, k, why, e0, _train(df1, d, loss, noise), 1 - (R + tail) / total))
    return out


def _train(df1: Any, D: float, loss: Any, noise: Any) -> Any:
    """``E_train = (1 - df1/D)^2 (E + sigma^2)`` (LC.22); 0 where the student interpolates
    (``df1 = D``: ridgeless with ``D <= P``, the peak included)."""
    gap = 1 - df1 / D  # D = inf: 1
    if gap <= 0:
        return 0 * gap if not isinstance(gap, np.ndarray) else np.zeros_like(gap)
    return gap * gap * (loss + noise)
