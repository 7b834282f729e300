"""The loss along training time of gradient descent on the population loss, at any precision.

Setting (docs/theory/dynamics.md (DY.1)-(DY.4)): the teacher of :mod:`asymptotics.model`
(population covariance ``diag(lambda_i)``, target power ``p_i``), a student started at zero
and trained by full-batch gradient descent with step ``eta`` on the population loss
``(1/2) E_x[(f - F)^2]`` (infinite data, ``D = inf``). Each eigenmode's error is multiplied
by ``1 - eta lambda_i`` per step, so the excess test loss after ``t`` steps is the filtered
sum (DY.2); gradient flow (``method="flow"``, time ``t`` in units of ``1/eta``) replaces the
filter by ``exp(-eta lambda_i t)`` (DY.3). The student is the kernel limit (``P = inf``, every
mode) or the top-``P`` eigenfeatures, whose unexplained power ``sum_{i>P} p_i`` is never
learned (DY.4); at ``t = inf`` the loss is the ridgeless ``D = inf`` curve of
:func:`asymptotics.rf.learning_curves.learning_curve` (tested equal).

Public entry points:

* :func:`training_curve`: mpmath at ``dps`` digits, each value with the digits it certifies
  (two evaluations at ``dps + 10`` and ``dps + 20`` digits with different Euler-Maclaurin
  cuts must agree).
* :func:`training_curve_float`: float64, for dense grids (the scenarios' iso-compute sweeps).

Applicability: ``D = inf`` (the population loss). At finite ``D`` the empirical covariance
does not commute with the population one and the loss needs the two-point deterministic
equivalent (a double contour integral over the resolvent): for the kernel limit on a finite
spectrum that is :func:`asymptotics.dynamics.finite_data.finite_data_curve`
(docs/theory/dynamics.md (DY.16), float64), whose ``D = inf`` limit is this module's float
path (tested). Random features at finite ``P`` and finite ``D`` are not implemented; the
projection student at finite ``P`` is refused here for the same reason, and both are measured
by :mod:`verify.simulator.dynamics`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from asymptotics._lib.budget import check_memory, check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_real
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target

__all__ = ["METHODS", "TrainingCurve", "stable_step", "training_curve", "training_curve_float"]

#: Training rules: full-batch gradient descent and gradient flow.
METHODS = ("gd", "flow")

_GUARD = 10          # guard digits of the first evaluation; the second uses 2 * _GUARD
_CUTS = (40, 64)     # Euler-Maclaurin cut of the first and second evaluation
_MAX_DIRECT = 200_000  # modes summed term by term in mpmath (finite spectra, top-P heads)
_MP_RATE = 2e5       # mpmath operations per second at low precision (asymptotics.rf)
_TAIL_OPS = 4000     # operations of one Euler-Maclaurin tail (quad + Taylor), measured ~0.05 s
_FLOAT_CUT = 4096    # head of the float64 path for infinite spectra


@dataclass(frozen=True)
class TrainingCurve:
    """Excess test loss at training times ``t`` (docs/theory/dynamics.md (DY.2)-(DY.4)).

    Attributes
    ----------
    t : tuple of float
        Steps (``method="gd"``) or flow time in units of ``1/eta`` (``"flow"``); ``inf``
        allowed.
    P : float
        Features of the top-``P`` student (``inf``: the kernel limit).
    eta : float
        Step size.
    method : str
        One of :data:`METHODS`.
    dps : int
        Digits requested.
    loss : tuple of mpmath.mpf
        ``L(t)`` rounded to ``dps`` digits.
    loss_float : numpy.ndarray
        ``float(loss)``.
    certified_digits : tuple of int
        Digits on which the two evaluations agree, capped at ``dps``.
    floor : mpmath.mpf
        The ``t = inf`` value ``sum_{i>P} p_i`` (0 for the kernel limit), (DY.4).
    """

    t: tuple
    P: float
    eta: float
    method: str
    dps: int
    loss: tuple
    loss_float: np.ndarray
    certified_digits: tuple
    floor: Any

    def to_dict(self) -> dict:
        """JSON-ready record; each mpmath value written with its certified digits."""
        return {"t": list(self.t), "P": self.P, "eta": self.eta, "method": self.method,
                "dps": self.dps, "certified_digits": list(self.certified_digits),
                "loss": [mpmath.nstr(v, max(d, 1), strip_zeros=False)
                         for v, d in zip(self.loss, self.certified_digits, strict=True)],
                "loss_float": self.loss_float,
                "floor": mpmath.nstr(self.floor, self.dps)}


@dataclass(frozen=True)
class _Model:
    """The spectrum and target reduced to what the filtered sums need."""

    kind: str          # "array": finite modes lam/p; "powerlaw": lam = c k^-b, p = cp k^-a
    lam: np.ndarray | None
    p: np.ndarray | None
    c: float = 1.0
    b: float = 2.0
    cp: float = 1.0
    a: float = 2.0


def _model(spectrum: Any, target: Any) -> _Model:
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum):
        raise TypeError("`spectrum` must be a PowerLawSpectrum or ArraySpectrum; got "
                        f"{type(spectrum).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"`target` must be a Target; got {type(target).__name__}")
    if isinstance(spectrum, PowerLawSpectrum) and spectrum.size is None:
        if target.kind == "isotropic":
            w = target.resolved_weight_variance(spectrum)
            return _Model("powerlaw", None, None, spectrum.scale, spectrum.b,
                          w * spectrum.scale, spectrum.b)
        if target.kind == "power_law":
            return _Model("powerlaw", None, None, spectrum.scale, spectrum.b, target.scale,
                          float(target.a))
        raise ValueError("`target` of kind 'array' needs a finite spectrum (an ArraySpectrum or "
                         "a PowerLawSpectrum with `size`); got an infinite power law")
    lam = spectrum.eigenvalues()
    if lam.size > _MAX_DIRECT:
        raise ValueError(f"`spectrum` must have at most {_MAX_DIRECT} modes for the direct sums "
                         f"of docs/theory/dynamics.md (DY.2); got {lam.size}")
    return _Model("array", lam, target.powers(spectrum))


def stable_step(spectrum: PowerLawSpectrum | ArraySpectrum) -> float:
    """The largest stable step ``2 / lambda_max`` of gradient descent (docs/theory/dynamics.md
    (DY.2): every factor ``|1 - eta lambda_i|`` must stay below 1)."""
    lam_max = spectrum.scale if isinstance(spectrum, PowerLawSpectrum) else \
        float(np.max(spectrum.eigenvalues()))
    return 2.0 / lam_max


def _iv(t: Any, spectrum: Any, target: Any, P: Any, eta: Any, method: Any,
        student: Any) -> tuple:
    method = check_choice("method", method, METHODS)
    student = check_choice("student", student, ("top", "projection"))
    P = check_real("P", P, ge=1.0, allow_inf=True)
    if student == "projection" and not math.isinf(P):
        raise ValueError("`student` 'projection' at finite `P` has no exact population "
                         "time axis here (its loss needs the two-point deterministic "
                         "equivalent of Bordelon et al. 2024); use student='top', P = inf, or "
                         f"the simulator verify.simulator.dynamics; got P={P!r}")
    if not math.isinf(P) and P != math.floor(P):
        raise ValueError(f"`P` must be a whole number of eigenfeatures; got {P!r}")
    model = _model(spectrum, target)
    eta = check_real("eta", eta, gt=0.0)
    limit = stable_step(spectrum)
    if method == "gd" and not eta < limit:
        raise ValueError(f"`eta` must be < 2 / lambda_max = {limit:g} for gradient descent to "
                         "converge (docs/theory/dynamics.md (DY.2): |1 - eta lambda_1| < 1); "
                         f"got {eta!r}")
    arr = np.atleast_1d(np.asarray(t, dtype=object))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`t` must be a number or a non-empty 1-d list; got shape {arr.shape}")
    ts = []
    for j, v in enumerate(arr):
        v = check_real(f"t[{j}]", v, ge=0.0, allow_inf=True)
        if method == "gd" and math.isfinite(v) and v != math.floor(v):
            raise ValueError(f"`t[{j}]` must be a whole number of gradient-descent steps; "
                             f"got {v!r}")
        if math.isfinite(v) and v > 1e300:
            raise ValueError(f"`t[{j}]` must be <= 1e300 or inf; got {v!r}")
        ts.append(v)
    return tuple(ts), model, P, eta, method


# ---------------------------------------------------------------------------- mpmath path

def _filter_mp(method: str, eta: Any, t: Any):
    """The per-mode factor of the loss, (DY.2) for gd, (DY.3) for flow."""
    if method == "gd":
        two_t = 2 * t
        return lambda lam: (1 - eta * lam) ** two_t    # docs/theory/dynamics.md (DY.2)
    return lambda lam: mpmath.exp(-2 * eta * t * lam)  # docs/theory/dynamics.md (DY.3)


def _floor_mp(model: _Model, P: float) -> Any:
    """``sum_{i>P} p_i``: the power the top-``P`` student never learns (DY.4)."""
    if math.isinf(P):
        return mpmath.mpf(0)
    n = int(P)
    if model.kind == "array":
        return mpmath.fsum(mpmath.mpf(float(x)) for x in model.p[n:])
    return mpmath.mpf(model.cp) * mpmath.zeta(mpmath.mpf(model.a), n + 1)  # Hurwitz zeta


def _point_mp(model: _Model, P: float, eta: Any, t: float, method: str, cut: int) -> Any:
    floor = _floor_mp(model, P)
    if math.isinf(t):
        return floor
    tt = mpmath.mpf(t)
    filt = _filter_mp(method, mpmath.mpf(eta), tt)
    if model.kind == "array":
        n = model.lam.size if math.isinf(P) else min(int(P), model.lam.size)
        return mpmath.fsum(mpmath.mpf(float(p)) * filt(mpmath.mpf(float(lam)))
                           for lam, p in zip(model.lam[:n], model.p[:n], strict=True)) + floor
    c, b = mpmath.mpf(model.c), mpmath.mpf(model.b)
    cp, a = mpmath.mpf(model.cp), mpmath.mpf(model.a)

    def f(k):
        return cp * k ** (-a) * filt(c * k ** (-b))

    if not math.isinf(P):
        n = int(P)
        return mpmath.fsum(f(mpmath.mpf(k)) for k in range(1, n + 1)) + floor
    head = mpmath.fsum(f(mpmath.mpf(k)) for k in range(1, cut))
    if method == "flow":
        # int_M^inf cp k^-a exp(-2 eta t c k^-b) dk = (cp/b) (2 eta c t)^(-s) gamma(s, X_M),
        # s = (a-1)/b, X_M = 2 eta c t M^-b (u = 2 eta c t k^-b; docs/theory/dynamics.md (DY.6))
        s_exp = (a - 1) / b
        if t == 0:
            integral = cp * mpmath.mpf(cut) ** (1 - a) / (a - 1)
        else:
            X = 2 * mpmath.mpf(eta) * c * tt
            integral = cp / b * X ** (-s_exp) * mpmath.gammainc(s_exp, 0, X * cut ** (-b))
    else:
        integral = _gd_tail_integral(cp, a, c, b, mpmath.mpf(eta), tt, cut)
    tail = integral + _em_corrections(model, eta, tt, method, cut)  # docs/theory/dynamics.md (DY.5)
    return head + tail


def _gd_tail_integral(cp: Any, a: Any, c: Any, b: Any, eta: Any, t: Any, cut: int) -> Any:
    """``int_M^inf cp k^-a (1 - eta c k^-b)^(2t) dk`` in closed form, the integral of (DY.5)
    for gradient descent: with ``u = eta c k^-b`` it is ``(cp/b) (eta c)^-s B_x(s, 2t+1)``,
    ``s = (a-1)/b``, ``x = eta c M^-b`` (the incomplete beta function). ``B_x`` is the
    complete ``B(s, 2t+1)`` where the rest ``int_x^1 u^(s-1) (1-u)^(2t) du <= max(x^(s-1), 1)
    (1-x)^(2t+1)/(2t+1)`` is below the working precision, else the series of positive terms
    ``x^s (1-x)^(2t+1)/s sum_n (s+2t+1)_n/(s+1)_n x^n`` (NIST DLMF 8.17.8), summed to the
    working precision. It replaces a tanh-sinh quadrature that took 60% of a curve's time."""
    s_exp = (a - 1) / b
    q = 2 * t + 1
    x = eta * c * mpmath.mpf(cut) ** (-b)
    pre = cp / b * (eta * c) ** (-s_exp)
    eps = mpmath.mpf(10) ** (-mpmath.mp.dps)
    complete = mpmath.beta(s_exp, q)
    rest = max(x ** (s_exp - 1), 1) * (1 - x) ** q / q
    if rest < eps * complete:
        return pre * complete
    term = total = mpmath.mpf(1)
    n = 0
    while True:  # ratio (s+q+n) x/(s+1+n): terms grow while n < ~ q x, then fall
        ratio = (s_exp + q + n) / (s_exp + 1 + n) * x
        term *= ratio
        total += term
        n += 1
        if ratio < 0.5 and term < eps * total:
            break
    return pre * x ** s_exp * (1 - x) ** q / s_exp * total


def _series_mul(x: list, y: list, n: int) -> list:
    return [mpmath.fdot(x[:m + 1], y[m::-1]) for m in range(n)]


def _series_exp(x: list, n: int) -> list:
    """exp of a power series (x[0] included): e' = x' e, coefficient by coefficient."""
    e = [mpmath.exp(x[0])] + [mpmath.mpf(0)] * (n - 1)
    jx = [j * x[j] for j in range(n)]
    for m in range(1, n):
        e[m] = mpmath.fdot(jx[1:m + 1], e[m - 1::-1]) / m
    return e


def _series_log1m(x: list, n: int) -> list:
    """log(1 - x(h)) as a power series: l' = -x' / (1 - x)."""
    one_minus = [1 - x[0]] + [-v for v in x[1:n]]
    l_ = [mpmath.log(one_minus[0])] + [mpmath.mpf(0)] * (n - 1)
    jl = [mpmath.mpf(0)] * n
    for m in range(1, n):  # (1 - x) l' = -x'  ->  m l_m (1-x0) = -m x_m - sum j l_j om_{m-j}
        acc = -m * x[m] - (mpmath.fdot(jl[1:m], one_minus[m - 1:0:-1]) if m > 1 else 0)
        l_[m] = acc / (m * one_minus[0])
        jl[m] = m * l_[m]
    return l_


def _binomial_series(power: Any, M: Any, n: int) -> list:
    """Coefficients of (M + h)^power = M^power (1 + h/M)^power in h."""
    out = [M ** power]
    for m in range(1, n):
        out.append(out[-1] * (power - m + 1) / (m * M))
    return out


def _em_corrections(model: _Model, eta: Any, t: Any, method: str, cut: int) -> Any:
    """``f(M)/2 - sum_j B_2j/(2j)! f^(2j-1)(M)`` of the Euler-Maclaurin formula (DY.5).

    The derivatives of ``f(k) = C k^-a g(c k^-b)`` at ``M`` come from power-series
    arithmetic in ``h = k - M`` (binomial series, then ``log`` and ``exp`` of series), not
    from finite differences; terms are added while they still matter at the working
    precision (their size falls like ``(2 pi M)^(-2j) (2j)!``).
    """
    n = 2 * int(mpmath.mp.dps * 0.7 + 12)
    M = mpmath.mpf(cut)
    c, b, cp, a = (mpmath.mpf(v) for v in (model.c, model.b, model.cp, model.a))
    lam = [c * v for v in _binomial_series(-b, M, n)]
    if method == "gd":
        log_g = [2 * t * v for v in _series_log1m([eta * v for v in lam], n)]
    else:
        log_g = [-2 * eta * t * v for v in lam]
    f = _series_mul([cp * v for v in _binomial_series(-a, M, n)], _series_exp(log_g, n), n)
    total = f[0] / 2
    eps = mpmath.mpf(10) ** (-mpmath.mp.dps)
    for j in range(1, n // 2):
        m = 2 * j - 1  # f^(m)(M) = m! f[m]
        term = mpmath.bernoulli(2 * j) / mpmath.factorial(2 * j) * mpmath.factorial(m) * f[m]
        total -= term
        if abs(term) < eps * abs(total) and j > 2:
            break
    return total


def _agreement(v1: Any, v2: Any, dps: int) -> int:
    if v1 == v2:
        return dps
    scale = max(abs(v1), abs(v2))
    if scale == 0:
        return dps
    return int(max(0, min(dps, math.floor(-mpmath.log10(abs(v1 - v2) / scale)))))


def _operations(model: _Model, P: float, n_points: int, dps: int) -> float:
    if model.kind == "array":
        per = model.lam.size if math.isinf(P) else min(int(P), model.lam.size)
    elif math.isinf(P):
        per = sum(_CUTS) + 2 * _TAIL_OPS
    else:
        per = 2 * int(P)
    return 3.0 * per * n_points * (1.0 + ((dps + 2 * _GUARD) / 600.0) ** 1.6)


def training_curve(t: Any, spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
                   P: float = math.inf, eta: float = 1.0, method: str = "gd",
                   student: str = "top", dps: int = 30, force: bool = False) -> TrainingCurve:
    """Excess test loss after ``t`` steps of gradient descent from zero (``D = inf``).

    Parameters
    ----------
    t : float or sequence of float
        Steps (whole numbers for ``method="gd"``) or flow time (``"flow"``), ``>= 0``;
        ``inf`` gives the converged (ridgeless) loss.
    spectrum, target : see :mod:`asymptotics.model`
    P : float
        Eigenfeatures of the top-``P`` student; ``inf`` (default) is the kernel limit.
    eta : float
        Step size; gradient descent needs ``eta < 2 / lambda_max`` (:func:`stable_step`).
    method : {"gd", "flow"}
    student : {"top", "projection"}
        ``"projection"`` is accepted only with ``P = inf``, where both students coincide.
    dps : int
        Decimal digits (>= 5).
    force : bool
        Run past the time bound of :mod:`asymptotics._lib.budget`.

    Returns
    -------
    TrainingCurve

    Notes
    -----
    The sum is (DY.2)/(DY.3) of docs/theory/dynamics.md, the top-``P`` floor (DY.4); an
    infinite power-law spectrum is summed term by term up to a cut and by Euler-Maclaurin
    beyond it (DY.5). The time-limited law (DY.6) is its large-``t`` limit.

    References
    ----------
    Bordelon et al. 2024 (the spectral filter of gradient descent on random-feature models).

    Examples
    --------
    The late-time law (DY.6) on ``lambda_i = i^-2``, ``p_i = i^-2``: ``L ~ (1/2) Gamma(1/2)
    (2 t)^(-1/2)``:

    >>> from asymptotics.model import PowerLawSpectrum, Target
    >>> lc = training_curve([1e6], PowerLawSpectrum(2.0), Target.power_law(2.0), dps=20)
    >>> mpmath.nstr(lc.loss[0], 8), lc.certified_digits[0]
    ('0.00062665695', 20)
    """
    ts, model, P, eta, method = _iv(t, spectrum, target, P, eta, method, student)
    dps = check_int("dps", dps, minimum=5, maximum=2000)
    check_seconds("dps", dps, _operations(model, P, len(ts), dps), rate=_MP_RATE, force=force,
                  hint=f"{len(ts)} time(s) at {dps} digits, two certified passes; lower `dps`, "
                       "the number of times or P, or pass force=True (--force)")
    passes = []
    for variant, cut in enumerate(_CUTS):
        with mpmath.workdps(dps + _GUARD * (variant + 1)):
            passes.append([_point_mp(model, P, eta, v, method, cut) for v in ts])
    with mpmath.workdps(dps):
        loss = tuple(+v for v in passes[1])
        digits = tuple(_agreement(v1, v2, dps) for v1, v2 in zip(*passes, strict=True))
        floor = +_floor_mp(model, P)
    return TrainingCurve(t=ts, P=P, eta=eta, method=method, dps=dps, loss=loss,
                         loss_float=np.array([float(v) for v in loss]),
                         certified_digits=digits, floor=floor)


# ---------------------------------------------------------------------------- float path

def _filter_np(method: str, eta: float, t: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """(DY.2) / (DY.3) on a (times, modes) grid, in log space (no underflow warnings)."""
    with np.errstate(divide="ignore"):
        if method == "gd":
            log_f = np.log(np.abs(1.0 - eta * lam))                 # (DY.2)
        else:
            log_f = -eta * lam                                      # (DY.3)
    tt = np.where(np.isinf(t), 0.0, t)[:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.exp(2.0 * tt * log_f[None, :])
    out = np.where((t == 0.0)[:, None], 1.0, out)  # 0^0 = 1: at t = 0 nothing is learned
    return np.where(np.isinf(t)[:, None] & (lam > 0)[None, :], 0.0, out)


def training_curve_float(t: Any, spectrum: PowerLawSpectrum | ArraySpectrum, target: Target,
                         *, P: Any = math.inf, eta: float = 1.0, method: str = "gd",
                         student: str = "top") -> np.ndarray:
    """:func:`training_curve` in float64, broadcast over ``t`` and ``P`` (``P`` finite or inf).

    Returns an array of shape ``broadcast(t, P)``. An infinite power-law spectrum with
    ``P = inf`` is summed directly over the first 4096 modes and by a float64
    Euler-Maclaurin tail (integral by :func:`scipy.integrate.quad`, first correction term)
    beyond; agreement with the mpmath path is tested to 1e-9 relative.
    """
    from scipy.special import zeta

    try:
        t_arr, P_arr = np.broadcast_arrays(_float_grid("t", t), _float_grid("P", P))
    except ValueError:
        raise ValueError(f"`t` and `P` must broadcast together; got shapes {np.shape(t)} and "
                         f"{np.shape(P)}") from None
    flat_t, flat_P = t_arr.ravel(), P_arr.ravel()
    out = np.empty(flat_t.shape)
    for p in np.unique(flat_P):
        sel = flat_P == p
        ts, model, PP, eta_v, meth = _iv(list(flat_t[sel]), spectrum, target, p, eta, method,
                                         student)
        tv = np.array(ts)
        if model.kind == "array":
            n = model.lam.size if math.isinf(PP) else min(int(PP), model.lam.size)
            lam, pw = model.lam[:n], model.p[:n]
            floor = float(np.sum(model.p[n:]))
            out[sel] = _filter_np(meth, eta_v, tv, lam) @ pw + floor
            continue
        n = _FLOAT_CUT if math.isinf(PP) else int(PP)
        check_memory("P", PP, 8.0 * n * (tv.size + 3),
                     hint="the float path sums the first P modes of a top-P student term by "
                          "term; lower P or the number of times")
        k = np.arange(1, n + 1, dtype=float)
        lam, pw = model.c * k ** (-model.b), model.cp * k ** (-model.a)
        head = _filter_np(meth, eta_v, tv, lam) @ pw
        if not math.isinf(PP):
            out[sel] = head + model.cp * float(zeta(model.a, n + 1))   # (DY.4)
            continue
        tails = [_float_tail(model, meth, eta_v, v, n + 1) for v in tv]
        out[sel] = head + np.array(tails)
    return out.reshape(t_arr.shape)


def _float_grid(name: str, value: Any) -> np.ndarray:
    """``value`` as a non-empty float64 array, or a one-line error naming ``name``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a number or an array of numbers; got "
                        f"{value!r}") from None
    if arr.size == 0:
        raise ValueError(f"`{name}` must not be empty; got {value!r}")
    return arr


def _float_tail(model: _Model, method: str, eta: float, t: float, cut: int) -> float:
    """``sum_{k>=cut} f(k)`` in float64: quad integral plus the first Euler-Maclaurin terms
    (DY.5)."""
    from scipy.integrate import quad
    if math.isinf(t):
        return 0.0

    def f(x: float) -> float:
        lam = np.array([model.c * x ** (-model.b)])
        return float(model.cp * x ** (-model.a) * _filter_np(method, eta, np.array([t]), lam)[0, 0])

    kstar = (2 * eta * model.c * t) ** (1 / model.b) if t > 0 else 0.0
    pts = [cut, *sorted(x for x in (kstar / 3, kstar, 3 * kstar) if x > cut)]
    integral = sum(quad(f, lo, hi, limit=200, epsrel=1e-13)[0]
                   for lo, hi in itertools.pairwise(pts))
    integral += quad(f, pts[-1], np.inf, limit=200, epsrel=1e-13)[0]
    h = 1e-3 * cut
    deriv = (f(cut + h) - f(cut - h)) / (2 * h)
    return integral + f(cut) / 2 - deriv / 12  # docs/theory/dynamics.md (DY.5), first terms
