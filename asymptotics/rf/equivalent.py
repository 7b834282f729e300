"""The random-feature deterministic equivalent: the kappa fixed point and the test loss.

Implements docs/theory/learning_curves.md (LC.1)-(LC.4) and (LC.7): with ``n = D``
samples, ``N = P`` features and ridge ``delta`` on the sum loss, the renormalized ridge
``kappa`` solves

.. math::

    \\kappa\\Big(1 - \\frac{\\mathrm{df}_1(\\kappa)}{D}\\Big)\\Big(1 - \\frac{\\mathrm{df}_1(\\kappa)}{P}\\Big)
    = \\frac{\\delta}{D}

(``P = inf``: the kernel limit; ``delta = 0``: ``df1(kappa) = min(D, P)``), and the excess test
loss is the Bach / Atanasov-Zavatone-Veth-Pehlevan form

.. math::

    E = \\frac{d\\,B + (1-d)\\,R + \\sigma^2}{1-\\gamma_1} - \\sigma^2,\\quad
    d = \\frac{P-\\mathrm{df}_1}{P-\\mathrm{df}_2},\\quad
    \\gamma_1 = \\frac{\\mathrm{df}_1 - d(\\mathrm{df}_1-\\mathrm{df}_2)}{D}.

The Simon-Karkada-Ghosh-Belkin ``(kappa, gamma)`` form (LC.7) is implemented separately in
:func:`simon_loss_mp`, with its own two-dimensional root finder, as the independent route.
Both backends (float arrays, mpmath scalars) share :func:`loss_from_sums`.
"""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from asymptotics.rf.sums import SpectralModel, SumEvaluator

__all__ = ["KappaResidualError", "kappa_bracket", "kappa_residual", "loss_from_sums", "simon_loss_mp", "solve_kappa_float",
           "solve_kappa_mp"]


class KappaResidualError(ArithmeticError, ValueError):
    """A solved ``kappa`` whose residual of (LC.1) exceeds the stated bound: an error, never
    a number (docs/theory/learning_curves.md (LC.19)). A ``ValueError`` too, so the command
    line reports it on one line."""


_LOG2 = math.log(2.0)


def _log_gap(S: int, m: float) -> float:
    """``log(S - m)`` for an integer ``S > m``, exact in rational arithmetic (no cast of
    ``S`` to a machine integer or a float before the subtraction)."""
    return math.log(Fraction(S) - Fraction(m))


def kappa_bracket(model: SpectralModel, D: np.ndarray, P: np.ndarray,
                  ridge: float) -> tuple[np.ndarray, np.ndarray]:
    """A bracket ``[lo, hi]`` in ``log kappa`` holding the root of (LC.1), by construction.

    Valid for every real ``D, P >= 1`` up to the largest float (sizes never pass through a
    machine integer; every bound is formed in logs). ``hi = log(2 tr/m + 4 delta/D)`` makes
    ``df1 <= m/2`` (``tr`` replaced by an upper bound). Below, ``df1 >= n - kappa sum_{i<=n}
    1/lambda_i`` for any ``n`` modes, so ``kappa = (n - m) / sum_{i<=n} 1/lambda_i`` makes
    ``df1 >= m``: ``n = ceil(2m)`` where the spectrum has ``3m`` modes, else ``n = S`` (the
    exact gap ``S - m``); with a ridge, ``kappa <= delta/D`` also makes the left side of
    (LC.1) smaller than ``delta/D``. Both ends carry a factor-2 margin against rounding
    (docs/theory/learning_curves.md (LC.19), proof there).
    """
    D = np.asarray(D, dtype=np.float64)
    P = np.asarray(P, dtype=np.float64)
    m = np.minimum(D, P)
    with np.errstate(divide="ignore"):
        log_m = np.log(m)
        log_D = np.log(D)
    log_tr = _log_trace_bound(model)
    up = _LOG2 + log_tr - log_m
    if ridge > 0:
        up = np.logaddexp(up, 2 * _LOG2 + math.log(ridge) - log_D)
    hi = up + _LOG2 + 1e-12 * np.abs(up)
    lo = _ridgeless_lower(model, m, log_m)
    if ridge > 0:
        lo = np.maximum(lo, math.log(ridge) - log_D)
    lo = lo - _LOG2 - 1e-12 * np.abs(lo)
    return lo, hi


def _log_trace_bound(model: SpectralModel) -> float:
    """``log`` of an upper bound on ``tr = sum_i lambda_i`` (power law: ``c b/(b-1)``)."""
    if model.kind == "array":
        ll = np.log(np.asarray(model.lam, dtype=np.float64))
        return float(np.logaddexp.reduce(ll))
    b = float(model.b)
    return math.log(model.c) + math.log1p(1.0 / (b - 1.0))  # zeta(b) <= 1 + 1/(b-1)


def _ridgeless_lower(model: SpectralModel, m: np.ndarray, log_m: np.ndarray) -> np.ndarray:
    """``log kappa`` where ``df1 >= m`` (``-inf`` where ``m >= S``: no such kappa)."""
    lo = np.full(m.shape, -np.inf)
    if model.kind == "array":
        lam = np.sort(np.asarray(model.lam, dtype=np.float64))[::-1]
        S = lam.size
        # log sum_{i<=n} 1/lambda_(i), n = 1..S, without overflow
        log_inv = np.logaddexp.accumulate(-np.log(lam))
        for idx in zip(*np.nonzero(m < S), strict=True):
            mv = float(m[idx])
            n1 = min(S, math.floor(mv) + 1)
            cand = [_log_gap(n1, mv) - log_inv[n1 - 1], _log_gap(S, mv) - log_inv[S - 1]]
            lo[idx] = max(cand)
        return lo
    c, b = float(model.c), float(model.b)
    S = model.size
    # sum_{i<=n} i^b <= n^(b+1): kappa = c (n - m) / n^(b+1)
    # 3m below S with a margin for the rounding of float(S) (S may exceed any machine integer)
    S_float = math.inf if S is None else (float(S) if S.bit_length() < 1000 else math.inf)
    big = m <= S_float * (1 - 1e-15) / 3.0  # 3m would overflow near the largest float
    with np.errstate(divide="ignore", over="ignore"):
        # n = ceil(2m) <= 2m + 1 <= 3m and n - m >= m
        lo = np.where(big, math.log(c) + log_m - (b + 1) * (math.log(3.0) + log_m), lo)
    if S is not None:
        for idx in zip(*np.nonzero(~big), strict=True):
            mv = float(m[idx])
            if mv < S:  # Python int against float: an exact comparison
                lo[idx] = math.log(c) + _log_gap(S, mv) - (b + 1) * math.log(S)
    return lo


def _g(df1: Any, df2: Any, ell: Any, D: Any, P: Any, ridge: float, ln: Any) -> tuple:
    """The increasing function of ``ell = log kappa`` whose zero is (LC.1), and its slope."""
    dd = df1 - df2  # = -d df1 / d ell
    if ridge == 0:
        m = min(D, P) if not isinstance(D, np.ndarray) else np.minimum(D, P)
        return ln(m) - ln(df1), dd / df1
    gD, gP = D - df1, P - df1
    inv = 1 / gD + (1 / gP if not _isinf(P) else 0)
    g = ell + ln(gD) - ln(ridge) + (ln(gP) - ln(P) if not _isinf(P) else 0)
    return g, 1 + dd * inv


#: Stated residual bound of the float64 kappa, in units of the rounding scale of g
#: (docs/theory/learning_curves.md (LC.19)); the mp bound is ``10^-(digits - 8)`` likewise.
FLOAT_RESIDUAL = 1e-10
_MP_RESIDUAL_DIGITS = 8


def _residual_scale(df1: Any, ell: Any, dg: Any, D: Any, P: Any, ridge: float) -> Any:
    """``1 + |ell| g' + df1 |dg/d df1|``: how far rounding of ``ell`` and of the sum ``df1``
    (each relative) moves ``g`` (the rounding scale of the residual, (LC.19))."""
    if ridge == 0:
        return 2 + abs(ell) * abs(dg)
    sens = df1 / (D - df1) + (0 if _isinf(P) else df1 / (P - df1))
    return 1 + abs(ell) * abs(dg) + abs(sens)


def kappa_residual(ev: SumEvaluator, kappa: Any, D: Any, P: Any, ridge: float,
                   eps: Any = None) -> tuple:
    """``(g, scale)`` of (LC.1) at ``kappa`` for one point: the residual ``g(log kappa)`` (the
    log of the two sides' ratio) and its rounding scale; ``ev`` decides the backend (an mp
    evaluator works at its own digits).

    With a ridge, where ``df1`` has reached ``min(D, P)`` at this precision, or where
    ``g > 0`` while the ridgeless residual is within ``eps * scale`` (``eps``: the relative
    rounding, default that of (LC.19) for the backend), the ridge moves the root by less than
    the rounding of ``df1``: the root lies between the ridgeless root and ``kappa``, and the
    ridgeless residual is returned instead (LC.19).
    """
    mp = ev.backend == "mp"
    ctx = mpmath.workdps(ev.dps) if mp else contextlib.nullcontext()
    with ctx:
        conv = mpmath.mpf if mp else float
        ln = mpmath.log if mp else math.log
        if eps is None:
            eps = mpmath.mpf(10) ** (_MP_RESIDUAL_DIGITS - ev.dps) if mp else FLOAT_RESIDUAL
        Dm = conv(D)
        Pm = P if _isinf(P) else conv(P)
        k = mpmath.mpf(kappa) if mp else float(kappa)
        s = ev(k if mp else np.array([k]), target=False)
        df1 = s.df1 if mp else float(s.df1[0])
        df2 = s.df2 if mp else float(s.df2[0])
        ell = ln(k)
        g0, dg0 = _g(df1, df2, ell, Dm, Pm, 0, ln)
        scale0 = _residual_scale(df1, ell, dg0, Dm, Pm, 0)
        if ridge == 0 or Dm - df1 <= 0 or (not _isinf(P) and Pm - df1 <= 0):
            return g0, scale0
        g, dg = _g(df1, df2, ell, Dm, Pm, ridge, ln)
        if g > 0 and abs(g0) <= eps * scale0:
            return g0, scale0
        return g, _residual_scale(df1, ell, dg, Dm, Pm, ridge)


def _residual_error(D: Any, P: Any, ridge: float, kappa: Any, g: Any, bound: Any,
                    route: str) -> KappaResidualError:
    return KappaResidualError(
        f"kappa = {mpmath.nstr(mpmath.mpf(kappa), 8)} at D = {float(D):g}, P = {float(P):g}, "
        f"ridge = {ridge:g} fails its residual check ({route}): |g| = "
        f"{mpmath.nstr(abs(mpmath.mpf(g)), 3)} above the bound {mpmath.nstr(mpmath.mpf(bound), 3)} "
        "of docs/theory/learning_curves.md (LC.19); the value is refused, not returned")


def _isinf(x: Any) -> bool:
    return isinstance(x, float | int) and math.isinf(x)


_STALL = 1e-10  # relative Newton step below which a step that fails to shrink is rounding noise


def solve_kappa_float(ev: SumEvaluator, D: np.ndarray, P: np.ndarray, ridge: float,
                      tol: float = 4e-16, maxiter: int = 200, *,
                      check: bool = True) -> np.ndarray:
    """Vectorized bracketed Newton in ``log kappa`` for (LC.1); needs ``min(D, P) < S``.

    ``D`` finite, ``P`` finite or ``inf`` (same shape). Returns ``kappa`` (float64 array).
    With ``check`` (the default) every returned ``kappa`` above ``1e-300`` is evaluated once
    more and its residual must satisfy ``|g| <= FLOAT_RESIDUAL * scale`` of (LC.19), else
    :class:`KappaResidualError`; ``check=False`` is for seeds of the mp solver, which checks
    its own root.
    """
    D = np.asarray(D, dtype=np.float64)
    P = np.asarray(P, dtype=np.float64)
    lo, hi = kappa_bracket(ev.model, D, P, ridge)
    x = 0.5 * (lo + hi)
    Pinf = np.isinf(P)
    Pe = np.where(Pinf, 1.0, P)
    m = np.minimum(D, P)
    prev = np.full(x.shape, np.inf)
    for _ in range(maxiter):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            s = ev(np.exp(x), target=False)  # exp(x) = 0 (kappa below float64): g = -inf
        with np.errstate(divide="ignore", invalid="ignore"):
            # ridgeless residual log m - log df1 (LC.1); with a ridge it is the Newton
            # surrogate where g = -inf (df1 >= min(D, P): kappa below the ridgeless root,
            # itself below the ridge root), which the bracket then safeguards
            g0, dg0 = np.log(m) - np.log(s.df1), (s.df1 - s.df2) / s.df1
            if ridge == 0:
                g, dg, ok = g0, dg0, np.ones(x.shape, dtype=bool)
            else:
                gD, gP = D - s.df1, Pe - s.df1
                ok = (gD > 0) & ((gP > 0) | Pinf)
                g = np.where(ok, x + np.log(np.where(ok, gD, 1.0)) - math.log(ridge)
                             + np.where(Pinf, 0.0, np.log1p(-np.where(ok, s.df1, 0) / Pe)), -np.inf)
                dg = 1 + (s.df1 - s.df2) * (1 / gD + np.where(Pinf, 0.0, 1 / gP))
        lo = np.where(g < 0, x, lo)
        hi = np.where(g > 0, x, hi)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # left of the root g ~ log(D - df1) is concave and Newton on it crawls; there the
            # step is Newton's on exp(g) - 1 instead, which has no log singularity
            step = np.where((g < 0) & (ridge > 0), np.expm1(-g) / dg, -g / dg)
            xn = np.where(ok, x + step, x - g0 / dg0)
        # a converged step (below tol, often below one ulp: xn == x, which the update above
        # has just made a bracket end) is accepted; only a real escape from the bracket, or
        # a non-finite step, falls back to bisection
        size = np.abs(xn - x)
        scale = np.maximum(1.0, np.abs(x))
        floor = np.maximum(tol * scale, 4 * np.spacing(np.abs(x)))  # tol, or 4 ulps of x
        converged = ok & np.isfinite(xn) & (size <= floor)
        # at the rounding floor of g the steps stop shrinking (quadratic convergence would
        # at least halve them): that point is as converged as float64 allows
        stalled = ok & np.isfinite(xn) & (size >= 0.5 * prev) & (size <= _STALL * scale)
        bad = ~converged & (~np.isfinite(xn) | (xn <= lo) | (xn >= hi))
        xn = np.where(bad, 0.5 * (lo + hi), xn)
        done = converged | stalled | (g == 0) | (hi - lo <= floor)  # ... or the bracket closed
        prev = np.where(bad, np.inf, size)
        x = xn
        if done.all():
            break
    kappa = np.exp(x)
    if check:
        _check_float(ev, kappa, D, P, ridge)
    return kappa


_CHECK_MIN = 1e-300  # = special_points.KAPPA_MIN: smaller kappas are refused there, by range


def _check_float(ev: SumEvaluator, kappa: np.ndarray, D: np.ndarray, P: np.ndarray,
                 ridge: float) -> None:
    """Raise :class:`KappaResidualError` where the float residual of (LC.1) fails (LC.19)."""
    sel = kappa >= _CHECK_MIN
    if not sel.any():
        return
    k, Ds, Ps = kappa[sel], D[sel], P[sel]
    s = ev(k, target=False)
    ell = np.log(k)
    Pinf = np.isinf(Ps)
    Pe = np.where(Pinf, 1.0, Ps)
    dd = s.df1 - s.df2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if ridge == 0:
            g = np.log(np.minimum(Ds, Ps)) - np.log(s.df1)
            scale = 2 + np.abs(ell) * np.abs(dd / s.df1)
        else:
            gD, gP = Ds - s.df1, Pe - s.df1
            ok = (gD > 0) & ((gP > 0) | Pinf)
            g = np.where(ok, ell + np.log(np.where(ok, gD, 1.0)) - math.log(ridge)
                         + np.where(Pinf, 0.0, np.log1p(-np.where(ok, s.df1, 0) / Pe)),
                         -np.inf)
            inv = 1 / gD + np.where(Pinf, 0.0, 1 / gP)
            sens = s.df1 * np.abs(inv)
            scale = 1 + np.abs(ell) * np.abs(1 + dd * inv) + sens
            # df1 reached min(D, P) in float64, or g > 0 while the ridgeless residual is
            # within rounding: the ridge moves the root by less than the rounding of df1,
            # and the ridgeless residual is the one to check (LC.19, kappa_residual)
            g0 = np.log(np.minimum(Ds, Ps)) - np.log(s.df1)
            scale0 = 2 + np.abs(ell) * np.abs(dd / s.df1)
            below = ~ok | ((g > 0) & (np.abs(g0) <= FLOAT_RESIDUAL * scale0))
            g, scale = np.where(below, g0, g), np.where(below, scale0, scale)
    bound = FLOAT_RESIDUAL * scale
    bad = ~(np.abs(g) <= bound)
    if bad.any():
        i = int(np.argmax(bad))
        raise _residual_error(Ds[i], Ps[i], ridge, k[i], g[i], bound[i], "float64")


def solve_kappa_mp(ev: SumEvaluator, D: float, P: float, ridge: float, guess: Any, *,
                   dps: int, maxiter: int = 100, residual: bool = True) -> tuple[Any, Any]:
    """Newton for (LC.1) at ``dps`` digits from ``guess`` (bracketed fallback).

    ``ev`` is an mp :class:`asymptotics.rf.sums.SumEvaluator` (at ``dps`` digits or more).
    Returns ``(kappa, residual)`` with the residual of ``g(log kappa)`` at the root (one more
    sum evaluation). The residual is always checked: ``|g| > 10^-(dps - 8) * scale`` (LC.19)
    raises :class:`KappaResidualError`; ``residual=False`` only drops it from the result.
    """
    with mpmath.workdps(dps):
        eps = mpmath.mpf(10) ** (_MP_RESIDUAL_DIGITS - dps)
        for newton in (True, False):  # Newton from the guess; then the bracket alone
            k, _ = _solve_kappa_mp(ev, D, P, ridge, guess, dps, maxiter, newton)
            g, scale = kappa_residual(ev, k, D, P, ridge, eps)
            if abs(g) <= eps * scale:
                return k, (g if residual else None)
        raise _residual_error(D, P, ridge, k, g, eps * scale, f"{dps} digits")


def _solve_kappa_mp(ev: SumEvaluator, D: float, P: float, ridge: float, guess: Any, dps: int,
                    maxiter: int, newton: bool = True) -> tuple[Any, Any]:
    Pm = P if _isinf(P) else mpmath.mpf(P)
    Dm = mpmath.mpf(D)

    def g_of(ell: Any) -> tuple:
        s = ev(mpmath.exp(ell), target=False)
        if ridge != 0 and (Dm - s.df1 <= 0 or (not _isinf(P) and Pm - s.df1 <= 0)):
            # past the branch: the ridgeless residual (<= 0 here) steers towards it, as in
            # the float solver; the ridge root lies right of the ridgeless one
            return _g(s.df1, s.df2, ell, Dm, Pm, 0, mpmath.log)
        return _g(s.df1, s.df2, ell, Dm, Pm, ridge, mpmath.log)

    x = mpmath.log(mpmath.mpf(guess))
    # Newton from the float guess: quadratic convergence, so a step below
    # 10^-(digits/2 + 3) leaves an error below 10^-digits after it is applied.
    small = mpmath.mpf(10) ** (-(dps // 2 + 3))
    prev = mpmath.inf
    for _ in range(8 if newton else 0):
        g, dg = g_of(x)
        if g == 0:
            return mpmath.exp(x), g
        step = -g / dg if mpmath.isfinite(g) and dg > 0 else mpmath.inf
        if not abs(step) < min(prev, 1):
            break  # not converging from the guess: fall back to the bracket
        x, prev = x + step, abs(step)
        if prev < small:
            return mpmath.exp(x), None
    blo, bhi = kappa_bracket(ev.model, np.array([float(D)]), np.array([float(P)]), ridge)
    lo, hi = mpmath.mpf(float(blo[0])), mpmath.mpf(float(bhi[0]))
    x = (lo + hi) / 2
    eps = mpmath.mpf(2) ** (-mpmath.libmp.dps_to_prec(dps) + 4)
    for _ in range(maxiter + 4 * dps):  # bisection alone needs ~ log2(width) + 3.3 dps
        g, dg = g_of(x)
        if g < 0:
            lo = x
        elif g > 0:
            hi = x
        xn = x - g / dg if mpmath.isfinite(g) and dg != 0 else (lo + hi) / 2
        if not lo < xn < hi:
            xn = (lo + hi) / 2
        if abs(xn - x) <= eps * max(1, abs(x)) or g == 0:
            x = xn
            break
        x = xn
    return mpmath.exp(x), None


def loss_from_sums(df1: Any, df2: Any, R: Any, B: Any, D: Any, P: Any, noise: Any) -> Any:
    """Excess loss (LC.2)-(LC.3) from the sums at the root ``kappa`` (P may be inf).

    Returns ``inf`` (float or mpf) where ``1 - gamma_1 <= 0`` (the interpolation peak).
    """
    if isinstance(df1, np.ndarray):
        return _loss_from_sums_array(df1, df2, R, B, np.asarray(D, dtype=np.float64),
                                     np.asarray(P, dtype=np.float64), noise)
    if _isinf(P):
        gamma1, denom = df2 / D, (D - df2) / D  # (LC.3) with d = 1: 1 - gamma_1 = 1/E0
        num = B
    else:
        d = (P - df1) / (P - df2)  # (LC.3), AZP form
        gamma1 = (df1 - d * (df1 - df2)) / D
        denom = (D - df1 + d * (df1 - df2)) / D  # 1 - gamma_1 without cancelling 1 - df1/D
        num = d * B + (1 - d) * R
    if denom <= 0:
        return mpmath.inf if isinstance(denom, mpmath.mpf) else math.inf
    # (num + sigma^2)/(1 - gamma_1) - sigma^2, with the sigma^2 terms combined exactly
    return (num + noise * gamma1) / denom


def _loss_from_sums_array(df1: np.ndarray, df2: np.ndarray, R: np.ndarray, B: np.ndarray,
                          D: np.ndarray, P: np.ndarray, noise: float) -> np.ndarray:
    """Vectorized (LC.2)-(LC.3); ``P = inf`` entries use ``d = 1`` (the kernel limit)."""
    Pinf = np.isinf(P)
    Pe = np.where(Pinf, 1.0, P)
    d = np.where(Pinf, 1.0, (Pe - df1) / np.where(Pinf, 1.0, Pe - df2))  # (LC.3)
    gamma1 = (df1 - d * (df1 - df2)) / D
    denom = (D - df1 + d * (df1 - df2)) / D  # 1 - gamma_1 (LC.3), cancellation-free
    num = d * B + (1 - d) * R + noise * gamma1
    pos = denom > 0
    return np.where(pos, num / np.where(pos, denom, 1.0), np.inf)


def simon_loss_mp(ev: SumEvaluator, D: int, P: int, ridge: float, noise: float,
                  guess: tuple[float, float], *, dps: int) -> Any:
    """Excess loss in the Simon et al. (2023) ``(kappa, gamma)`` form (LC.7), ridge > 0.

    Solves ``D = sum L_i(gamma) + delta/kappa`` and ``P = sum L_i(gamma) + P kappa/gamma``
    with ``mpmath.findroot`` (two unknowns, log variables), then
    ``MSE = E0 (sum_i [(1-L_i) - kappa L_i/(lambda_i+gamma) P/(P-q)] p_i + sigma^2)`` with
    ``E0 = 1/(1-x)``, ``x = (q(P-2z)+z^2)/(D(P-q))``; returns ``MSE - sigma^2`` at ``dps``
    digits (``ev``: an mp :class:`asymptotics.rf.sums.SumEvaluator`).
    """
    with mpmath.workdps(dps):
        return _simon_loss_mp(ev, D, P, ridge, noise, guess)


def _simon_loss_mp(ev: SumEvaluator, D: int, P: int, ridge: float, noise: float,
                   guess: tuple[float, float]) -> Any:
    Dm, Pm, dl, s2 = (mpmath.mpf(v) for v in (D, P, ridge, noise))

    def eqs(lk: Any, lg: Any) -> list:
        k, gm = mpmath.exp(lk), mpmath.exp(lg)
        z = ev(gm, target=False).df1
        return [(z + dl / k) / Dm - 1, (z + Pm * k / gm) / Pm - 1]

    lk, lg = mpmath.findroot(eqs, (mpmath.log(guess[0]), mpmath.log(guess[1])), maxsteps=200)
    k, gm = mpmath.exp(lk), mpmath.exp(lg)
    s = ev(gm)
    z, q = s.df1, s.df2
    x = (q * (Pm - 2 * z) + z * z) / (Dm * (Pm - q))  # Simon et al. (LC.7)
    weighted = s.R - k * (s.R - s.B) / gm * Pm / (Pm - q)  # sum p_i L_i/(lam_i+g) = (R-B)/g
    return (weighted + s2) / (1 - x) - s2
