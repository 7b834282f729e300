"""Spectral sums of the deterministic equivalent over finite or infinite spectra.

Implements docs/theory/learning_curves.md (LC.4)-(LC.6). Every learning-curve formula needs, at one value of the
renormalized ridge ``kappa``, the four sums (with ``L_i = lambda_i / (lambda_i + kappa)``)

.. math::

    \\mathrm{df}_1 = \\sum_i L_i,\\quad \\mathrm{df}_2 = \\sum_i L_i^2,\\quad
    R = \\sum_i p_i (1 - L_i),\\quad B = \\sum_i p_i (1 - L_i)^2 .

For an infinite power law ``lambda_i = c i^-b`` nothing is truncated: the first ``M - 1``
terms are summed exactly and the tail ``sum_{i >= M}`` is the Euler-Maclaurin formula
(LC.5): the tail integral in closed form (an incomplete Beta function, LC.6) plus the
Bernoulli corrections, whose derivatives come from exact power-series arithmetic in
``h = x - M``. A finite power law of size ``S`` uses ``T(M) - T(S + 1)``.

Two backends share the series arithmetic: ``float`` (numpy arrays of ``kappa``, vectorized)
and ``mp`` (one ``mpmath.mpf`` ``kappa`` at the evaluator's explicit ``dps``). The float
backend evaluates the tail integral by two convergent series and a Gauss-Legendre rule;
the mp backend by ``mpmath.hyp2f1``: two independent routes, compared in the tests.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.hurwitz import hurwitz_zeta

__all__ = ["DIRECT_MP", "SpectralModel", "SpectralSums", "SumEvaluator", "em_parameters",
           "prepare_model"]

_DIRECT_FLOAT = 4096  # finite power laws up to this size are summed term by term (float)
DIRECT_MP = 400  # ... and (mp backend)
_CHUNK = 1 << 21  # float head sums: at most this many (point, mode) entries at once
_TRACE_DPS = 15  # digits of the float trace (mpmath's default context, which it used to read)
_FLOAT_DPS = 16  # the float backend's (M, K) are those of em_parameters(16)
_BERNOULLI_MIN_DPS = 20  # Bernoulli ratios are computed at no fewer digits than this


@dataclass(frozen=True)
class SpectralSums:
    """``df1, df2, R, B`` at one ``kappa`` (floats/arrays or ``mpf``); ``R, B`` None if skipped."""

    df1: Any
    df2: Any
    R: Any = None
    B: Any = None


@dataclass(frozen=True)
class SpectralModel:
    """A spectrum and target normalized for summation.

    ``kind`` is ``"array"`` (finite ``lam``/``p`` arrays) or ``"powerlaw"`` (``lambda_i =
    c i^-b`` for ``i = 1..size``, ``size=None`` infinite). The target is ``iso`` (``p =
    w lambda``), ``power`` (``p_i = C i^-a``) or ``array`` (``p_i`` given for the first
    modes, zero beyond).
    """

    kind: str
    c: float = 1.0
    b: float = 2.0
    size: int | None = None
    lam: tuple[float, ...] | None = None
    target_kind: str = "iso"
    w: float = 1.0
    C: float = 1.0
    a: float = 2.0
    p: tuple[float, ...] | None = None

    @property
    def trace(self) -> float:
        """``sum_i lambda_i`` (finite because ``b > 1``), a float evaluated at 15 digits."""
        if self.kind == "array":
            return float(np.sum(self.lam))
        with mpmath.workdps(_TRACE_DPS):
            return float(self.c * _zeta_range(self.b, 1, self.size, _TRACE_DPS))

    def truncated(self, n: int) -> SpectralModel:
        """The model restricted to its first ``n`` modes (the top-``n`` student)."""
        if self.size is not None and n >= self.size:
            return self
        if self.kind == "array":
            p = None if self.p is None else self.p[:n]
            return SpectralModel("array", lam=self.lam[:n], target_kind=self.target_kind,
                                 w=self.w, C=self.C, a=self.a, p=p)
        p = None if self.p is None else self.p[:n]
        return SpectralModel("powerlaw", c=self.c, b=self.b, size=n,
                             target_kind=self.target_kind, w=self.w, C=self.C, a=self.a, p=p)

    def target_tail(self, n: int, dps: int) -> Any:
        """``T_n = sum_{i > n} p_i`` (an ``mpf`` at ``dps`` digits), the target power the
        top-``n`` student cannot represent (docs/theory/learning_curves.md (LC.11))."""
        with mpmath.workdps(dps):
            if self.size is not None and n >= self.size:
                out = mpmath.mpf(0)
            elif self.target_kind == "array":
                out = mpmath.fsum(mpmath.mpf(x) for x in self.p[n:])
            elif self.kind == "array":
                w = mpmath.mpf(self.w)
                out = mpmath.fsum(w * mpmath.mpf(x) for x in self.lam[n:])
            else:
                pre, e = ((self.w * mpmath.mpf(self.c), self.b) if self.target_kind == "iso"
                          else (mpmath.mpf(self.C), self.a))
                out = pre * _zeta_range(e, n + 1, self.size, dps)
            return out


#: ``log Y`` beyond which the float tails use the expansion in ``1/Y`` (``Y > 1e200``)
_FAR_LOG_Y = 460.0


@lru_cache(maxsize=256)
def _log_zeta(s: float, M: int) -> float:
    """``log zeta(s, M)`` as a float (the value itself may lie outside float64)."""
    with mpmath.workdps(20):
        return float(mpmath.log(hurwitz_zeta(s, M, 17).value))


#: a finite range of at most this many terms is summed term by term
_DIRECT_RANGE = 2000


def _zeta_range(e: Any, start: int, size: int | None, dps: int) -> Any:
    """``sum_{i = start}^{size} i^-e`` (``size=None``: to infinity) at ``dps`` digits, from
    the Hurwitz zeta with a bounded error (docs/theory/learning_curves.md (LC.20)), never
    from ``mpmath.zeta``, whose error at large ``e`` and ``start`` exceeds its precision."""
    with mpmath.workdps(dps):
        em = mpmath.mpf(e)
        if size is not None and size - start < _DIRECT_RANGE:
            return mpmath.fsum(mpmath.mpf(i) ** (-em) for i in range(start, size + 1))
        if size is None:
            return hurwitz_zeta(em, start, dps).value
        # zeta(e, start) - zeta(e, size + 1) cancels ~ -log10(1 - (start/(size+1))^(e-1))
        # digits; near r = 1, where 1 - r^t rounds, the bound 1 - r^t >= t (1 - r) r^t
        # (t = e - 1 > 0, r < 1) gives it: carry them as guard digits
        r = mpmath.mpf(start) / (size + 1)
        gap = 1 - r ** (em - 1)
        if gap < mpmath.mpf(10) ** -5:
            gap = (em - 1) * (1 - r) * r ** (em - 1)
        lost = -mpmath.log10(gap)
        work = dps + 3 + int(mpmath.ceil(max(lost, 0)))
        diff = hurwitz_zeta(em, start, work).value - hurwitz_zeta(em, size + 1, work).value
        return +diff


def prepare_model(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target) -> SpectralModel:
    """Normalize ``(spectrum, target)`` from :mod:`asymptotics.model` for the sums."""
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum):
        raise TypeError("`spectrum` must be a PowerLawSpectrum or ArraySpectrum; got "
                        f"{type(spectrum).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"`target` must be an asymptotics.model.Target; got {type(target).__name__}")
    if target.kind == "isotropic":
        tk = {"target_kind": "iso", "w": target.resolved_weight_variance(spectrum)}
    elif target.kind == "power_law":
        tk = {"target_kind": "power", "C": target.scale, "a": target.a}
    else:
        vals = tuple(target.values)
        if spectrum.is_finite and len(vals) < spectrum.size:
            raise ValueError(f"`target` values must cover the {spectrum.size} modes of the "
                             f"spectrum; got {len(vals)}")
        if spectrum.is_finite:
            vals = vals[: spectrum.size]
        tk = {"target_kind": "array", "p": vals}
    if isinstance(spectrum, ArraySpectrum):
        return SpectralModel("array", lam=spectrum.values, **tk)
    return SpectralModel("powerlaw", c=spectrum.scale, b=spectrum.b, size=spectrum.size, **tk)


# ----------------------------------------------------------------------------------------
# power-series arithmetic in h = x - M (coefficients: floats/arrays or mpf)
def _binomial_series(e: Any, m: Any, n: int) -> list:
    """Coefficients of ``(1 + h/m)**e`` up to ``h**(n-1)``."""
    out = [1]
    for j in range(1, n):
        out.append(out[-1] * (e - (j - 1)) / (j * m))
    return out


def _mul(f: list, g: list, em_only: bool = False) -> list:
    """Product series; ``em_only`` computes only the coefficients Euler-Maclaurin uses
    (order 0 and the odd orders), leaving 0 elsewhere."""
    n = len(f)
    return [0 if em_only and j % 2 == 0 and j else sum(f[k] * g[j - k] for k in range(j + 1))
            for j in range(n)]


def _reciprocal_one_plus(s: list) -> list:
    """Coefficients of ``1 / (1 + s(h))``."""
    r = [1 / (1 + s[0])]
    for j in range(1, len(s)):
        r.append(-r[0] * sum(s[k] * r[j - k] for k in range(1, j + 1)))
    return r


@lru_cache(maxsize=64)
def _bernoulli_ratios(K: int, dps: int) -> tuple:
    """``B_2k / (2k)`` for k = 1..K, as mpf at ``max(dps, 20)`` digits (the coefficients of
    docs/theory/learning_curves.md (LC.5))."""
    with mpmath.workdps(max(dps, _BERNOULLI_MIN_DPS)):
        return tuple(mpmath.bernoulli(2 * k) / (2 * k) for k in range(1, K + 1))


# ----------------------------------------------------------------------------------------
# tail integrals J(alpha, mm, Y) = int_Y^inf y^(alpha-1) (1+y)^(-mm) dy   (LC.6)
_GL_X, _GL_W = np.polynomial.legendre.leggauss(32)


def _j_float(alpha: float, mm: int, Y: np.ndarray) -> np.ndarray:
    """Float route: series in 1/y on [max(Y,2), inf), Gauss-Legendre on [1/2, 2], series in y below."""
    Y = np.asarray(Y, dtype=np.float64)
    lo = np.maximum(Y, 2.0)
    j = np.arange(60, dtype=np.float64)[:, None]
    binom = _binom_neg(mm, 60)[:, None]
    out = np.sum(binom * lo ** (alpha - mm - j) / (mm + j - alpha), axis=0)  # large-y series
    a_ = np.clip(Y, 0.5, 2.0)  # Gauss-Legendre on [clip(Y), 2]
    half = (2.0 - a_) / 2.0
    ys = a_[None, :] + half[None, :] * (_GL_X[:, None] + 1.0)
    out = out + half * np.sum(_GL_W[:, None] * ys ** (alpha - 1) * (1 + ys) ** (-mm), axis=0)
    small = Y < 0.5
    if small.any():
        ysm = Y[small]
        beta = alpha + j
        l2, ly = np.log(0.5), np.log(ysm)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            diff = np.where(beta == 0, l2 - ly, (np.expm1(beta * l2) - np.expm1(beta * ly)) / beta)
        out[small] += np.sum(binom * diff, axis=0)
    return out


@lru_cache(maxsize=8)
def _binom_neg(mm: int, n: int) -> np.ndarray:
    """``binom(-mm, j)`` for j < n (mm = 1: (-1)^j; mm = 2: (-1)^j (j + 1))."""
    j = np.arange(n, dtype=np.float64)
    return (-1.0) ** j * (j + 1.0 if mm == 2 else 1.0)


def _j_mp(alpha: Any, mm: int, Y: Any, dps: int) -> Any:
    """mp route at ``dps`` digits: ``T0^q/q 2F1(q, 1-alpha; q+1; T0)`` with ``T0 = 1/(1+Y)``,
    ``q = mm - alpha``."""
    with mpmath.workdps(dps):
        # T0 = 1/(1+Y) is near 1 for small Y; carry -log10(Y) extra digits so 1 - T0 = Y/(1+Y)
        # is exact to the working precision (else 2F1 near z = 1 loses them, or T0 rounds to 1)
        extra = int(-mpmath.log10(Y)) + 5 if Y < 1 else 0
        with mpmath.workdps(dps + extra):
            t0 = 1 / (1 + Y)
            q = mm - alpha
            val = t0 ** q / q * mpmath.hyp2f1(q, 1 - alpha, q + 1, t0)  # docs/theory/learning_curves.md (LC.6)
        return +val


def em_parameters(dps: int, variant: int = 0) -> tuple[int, int]:
    """Euler-Maclaurin cut ``M`` and Bernoulli-term count ``K`` for ``dps`` digits.

    The terms fall like ``(2k-1)! / (2 pi rho)^(2k)`` with ``rho ~ 0.6 M`` the distance to the
    nearest singularity of the summand (docs/theory/learning_curves.md (LC.5)). ``M = 3 dps``,
    ``K = dps/4 + 2`` reaches ``10^-dps`` (checked against ``M = 500, K = 50`` for
    b = 1.1 ... 8, a = 1.5 ... 20, dps = 26 ... 110); a long head is cheaper than a long
    power series. ``variant = 1`` moves both (the second, certifying evaluation).
    """
    return max(48, 3 * dps) + 12 * variant, max(6, dps // 4 + 2) + 3 * variant


# ----------------------------------------------------------------------------------------
class SumEvaluator:
    """Evaluate :class:`SpectralSums` at ``kappa`` for one model and backend.

    Parameters
    ----------
    model : SpectralModel
    backend : {"float", "mp"}
    dps : int, optional
        Decimal digits of the ``"mp"`` backend (required there, refused for ``"float"``):
        the evaluator builds and sums inside ``mpmath.workdps(dps)``, and takes ``kappa``
        as an ``mpf`` at that precision.
    M, K : int, optional
        Euler-Maclaurin cut (the head is ``i < M``) and number of Bernoulli terms.
    """

    def __init__(self, model: SpectralModel, backend: str = "float", M: int | None = None,
                 K: int | None = None, *, dps: int | None = None) -> None:
        if backend not in ("float", "mp"):
            raise ValueError(f"`backend` must be 'float' or 'mp'; got {backend!r}")
        if (backend == "mp") != (dps is not None):
            raise TypeError("`dps` must be given for backend='mp' and only for it; got "
                            f"backend={backend!r}, dps={dps!r}")
        self.model, self.backend, self.dps = model, backend, dps
        if backend == "mp":
            with mpmath.workdps(dps):
                self._build(model, M, K, dps)
        else:
            self._build(model, M, K, _FLOAT_DPS)

    def _build(self, model: SpectralModel, M: int | None, K: int | None, dps: int) -> None:
        mp = self.backend == "mp"
        self.M, self.K = (M, K) if M is not None and K is not None else em_parameters(dps)
        bern = _bernoulli_ratios(self.K, dps if mp else _BERNOULLI_MIN_DPS)
        self._bern = bern if mp else tuple(float(v) for v in bern)
        conv = mpmath.mpf if mp else float
        self._conv = conv
        size = model.size
        direct = model.kind == "array" or (size is not None and size <= (
            DIRECT_MP if mp else _DIRECT_FLOAT) + self.M)
        self._direct = direct
        n_head = (len(model.lam) if model.kind == "array" else size) if direct else self.M - 1
        if model.kind == "array":
            lam = [conv(x) for x in model.lam]
        else:
            c, b = conv(model.c), conv(model.b)
            lam = [c * conv(i) ** (-b) for i in range(1, n_head + 1)]
        self._lam = lam if mp else np.asarray(lam, dtype=np.float64)
        tk = model.target_kind
        if tk == "power":
            C, a = conv(model.C), conv(model.a)
            p = [C * conv(i) ** (-a) for i in range(1, n_head + 1)]
        elif tk == "array":
            p = [conv(x) for x in model.p[:n_head]]
            self._p_rest = model.p[n_head:]  # array target beyond the head
        else:  # isotropic: p = w lambda, summed like any target (B = w kappa (df1 - df2)
            w = conv(model.w)  # would cancel when kappa << every lambda)
            p = [w * x for x in lam]
        self._p = p if (p is None or mp) else np.asarray(p, dtype=np.float64)

    # -- public -------------------------------------------------------------------------
    def __call__(self, kappa: Any, target: bool = True) -> SpectralSums:
        """The sums at ``kappa`` (``target=False`` skips ``R, B``)."""
        if self.backend == "mp":
            with mpmath.workdps(self.dps):
                return self._sums(kappa, target)
        return self._sums(kappa, target)

    def _sums(self, kappa: Any, target: bool) -> SpectralSums:
        m = self.model
        need_p = target
        head = self._head(kappa, need_p)
        if self._direct or m.kind == "array":
            tot = head
        else:
            tail = self._tail(kappa, self.M, need_p)
            if m.size is not None:
                far = self._tail(kappa, m.size + 1, need_p)
                tail = [t - f for t, f in zip(tail, far, strict=True)]
            tot = [h + t for h, t in zip(head, tail, strict=True)]
        df1, df2 = tot[0], tot[1]
        if not target:
            return SpectralSums(df1, df2)
        R, B = tot[2], tot[3]
        if m.target_kind == "array" and not self._direct and len(self._p_rest):
            R, B = self._array_target_rest(kappa, R, B)
        return SpectralSums(df1, df2, R, B)

    # -- pieces -------------------------------------------------------------------------
    def _head(self, kappa: Any, need_p: bool) -> list:
        lam, p = self._lam, self._p
        if self.backend == "mp":
            Ls = [x / (x + kappa) for x in lam]
            out = [mpmath.fsum(Ls), mpmath.fsum(L * L for L in Ls)]
            if need_p:
                om = [kappa / (x + kappa) for x in lam[: len(p)]]  # not 1 - L: no cancellation
                out += [mpmath.fsum(q * o for q, o in zip(p, om, strict=True)),
                        mpmath.fsum(q * o * o for q, o in zip(p, om, strict=True))]
            return out
        kap = np.asarray(kappa, dtype=np.float64)
        flat = kap.reshape(-1)
        step = max(1, _CHUNK // max(lam.size, 1))  # bound the (points x modes) temporaries
        parts = [self._head_float(flat[i:i + step], need_p)
                 for i in range(0, max(flat.size, 1), step)]
        return [np.concatenate([q[j] for q in parts]).reshape(kap.shape)
                for j in range(len(parts[0]))]

    def _head_float(self, kappa: np.ndarray, need_p: bool) -> list:
        lam, p = self._lam, self._p
        k = kappa[:, None]
        L = lam / (lam + k)
        out = [L.sum(axis=-1), (L * L).sum(axis=-1)]
        if need_p:
            om = k / (lam[: p.size] + k)  # not 1 - L: no cancellation
            out += [(p * om).sum(axis=-1), (p * om * om).sum(axis=-1)]
        return out

    def _array_target_rest(self, kappa: Any, R: Any, B: Any) -> tuple:
        conv, c, b = self._conv, self._conv(self.model.c), self._conv(self.model.b)
        start = self.M
        for j, q in enumerate(self._p_rest):
            lam = c * conv(start + j) ** (-b)
            om = kappa / (lam + kappa)
            R, B = R + conv(q) * om, B + conv(q) * om * om
        return R, B

    def _tail(self, kappa: Any, M: int, need_p: bool) -> list:
        """``sum_{i >= M}`` of the four summands: Euler-Maclaurin (LC.5)."""
        mp = self.backend == "mp"
        if mp:
            return self._tail_em(kappa, M, need_p)
        with np.errstate(all="ignore"):  # entries with Y past float64 are replaced below
            out = self._tail_em(kappa, M, need_p)
            far = self._log_Y(kappa, M) > _FAR_LOG_Y
            if np.any(far):
                asym = self._tail_far(kappa, M, need_p)
                out = [np.where(far, f, o) for f, o in zip(asym, out, strict=True)]
        return out

    def _log_Y(self, kappa: Any, M: int) -> Any:
        """``log Y = log(kappa/c) + b log M`` (float), never overflowing."""
        return np.log(np.asarray(kappa, dtype=np.float64) / self.model.c) + (
            float(self.model.b) * math.log(M))

    def _tail_far(self, kappa: Any, M: int, need_p: bool) -> list:
        """The four tails where ``Y = kappa/lambda_M > e^460``: with ``x_i = lambda_i/kappa
        < 1/Y``, ``L = x - x^2 + ...`` and ``1 - L = 1 - x + ...``, so to relative ``1/Y``
        ``df1 = zeta(b, M)/u``, ``df2 = zeta(2b, M)/u^2``, ``R = C zeta(a, M) - C zeta(a+b,
        M)/u`` and ``B = C zeta(a, M) - 2 C zeta(a+b, M)/u`` (``u = kappa/c``; the zetas from
        :func:`asymptotics.rf.hurwitz.hurwitz_zeta`, in logs: docs/theory/learning_curves.md
        (LC.20))."""
        m = self.model
        lu = np.log(np.asarray(kappa, dtype=np.float64) / m.c)
        b = float(m.b)
        out = [np.exp(_log_zeta(b, M) - lu), np.exp(_log_zeta(2 * b, M) - 2 * lu)]
        if need_p and m.target_kind != "array":
            iso = m.target_kind == "iso"
            C, a = (m.w * m.c, b) if iso else (float(m.C), float(m.a))
            first = np.exp(math.log(C) + _log_zeta(a, M)) * np.ones_like(lu)
            second = np.exp(math.log(C) + _log_zeta(a + b, M) - lu)
            out += [first - second, first - 2 * second]
        elif need_p:
            out += [0 * lu, 0 * lu]
        return out

    def _tail_em(self, kappa: Any, M: int, need_p: bool) -> list:
        mp = self.backend == "mp"
        conv, m = self._conv, self.model
        c, b, Mm = conv(m.c), conv(m.b), conv(M)
        u = kappa / c
        if mp:
            Y = u * Mm ** b
        else:  # in logs: M^b overflows a Python float past ~1e308 (b >= 300 at M = 48 + 12)
            Y = np.exp(self._log_Y(kappa, M))
        n = 2 * self.K
        s = [Y * x for x in _binomial_series(b, Mm, n)]
        L = _reciprocal_one_plus(s)
        series = [L, _mul(L, L, True)]
        J = functools.partial(_j_mp, dps=self.dps) if mp else _j_float
        ub = u ** (-1 / b)
        integrals = [ub / b * J(1 / b, 1, Y), ub / b * J(1 / b, 2, Y)]  # docs/theory/learning_curves.md (LC.6)
        if need_p and m.target_kind != "array":
            iso = m.target_kind == "iso"
            C, a = (conv(m.w) * c, b) if iso else (conv(m.C), conv(m.a))
            t = (a - 1) / b
            pw = [C * Mm ** (-a) * x for x in _binomial_series(-a, Mm, n)]
            om = _mul(s, L)  # 1 - L = s / (1 + s)
            series += [_mul(pw, om, True), _mul(pw, _mul(om, om), True)]
            ut = u ** t
            integrals += [C / b * ut * J(1 - t, 1, Y), C / b * ut * J(2 - t, 2, Y)]  # docs/theory/learning_curves.md (LC.6)
        out = []
        for f, integral in zip(series, integrals, strict=True):
            corr = sum(br * f[2 * k + 1] for k, br in enumerate(self._bern))
            out.append(integral + f[0] / 2 - corr)  # docs/theory/learning_curves.md (LC.5)
        if need_p and m.target_kind == "array":  # an array target has no power-law tail:
            out[2:] = [0 * kappa, 0 * kappa]  # its modes beyond the head are added one by one
        return out
