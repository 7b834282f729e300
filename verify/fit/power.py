"""Power-law fits of one measured learning curve, with confidence intervals.

Implements docs/fitting.md: the pure power law :math:`L = A x^{-\\alpha}` fitted by
weighted least squares in log-log space (FIT.1-FIT.3), the power law with an offset
:math:`L = A x^{-\\alpha} + L_\\infty` fitted by multi-start nonlinear least squares seeded
from a profile over :math:`L_\\infty` (FIT.4-FIT.5), a bootstrap over seeds (FIT.6) and
local slopes :math:`d\\log L/d\\log x` (FIT.7). Data must be positive and finite (nothing is
shifted by an epsilon); unsorted or repeated sizes are refused, not silently reordered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from asymptotics._lib.budget import check_memory, check_seconds
from asymptotics._lib.validation import check_int, check_real, check_real_array
from verify.fit._numeric import _EPS, _LOG_MAX, _TOL

__all__ = ["LogLogLine", "PowerLawFit", "fit_power_law", "local_slopes", "loglog_line"]

_MIN_REL_ERR = 1e-100  # y_err/y below this: weights (y/y_err)^2 > 1e200, chi2 could overflow


@dataclass(frozen=True)
class PowerLawFit:
    """The result of :func:`fit_power_law`.

    Attributes
    ----------
    alpha : float
        The fitted exponent :math:`\\alpha` in :math:`L = A x^{-\\alpha} (+ L_\\infty)`.
    alpha_ci : tuple of float
        The ``confidence`` interval for ``alpha`` (FIT.3 analytic, or FIT.6 bootstrap).
    alpha_stderr, analytic_stderr : float
        Standard error of ``alpha`` from the route of ``alpha_ci``; and from the least-squares
        covariance (FIT.3 / FIT.5), always computed, also when the bootstrap ran.
    numerical_error : float
        A bound on the rounding error of ``alpha`` (FIT.8); ``alpha_ci`` is widened by it, so
        exact data give an interval containing the exact exponent, not one that just misses.
    prefactor, offset, offset_stderr : float
        :math:`A`, :math:`L_\\infty` and its standard error (both ``0.0`` when not fitted).
    offset_fitted : bool
        Whether :math:`L_\\infty` was a free parameter.
    window : tuple of float
        The inclusive range of ``x`` used.
    method : str
        ``"wls-loglog"`` (FIT.1) or ``"multistart-least-squares"`` (FIT.4).
    ci_method : str
        ``"t"`` (unit weights, Student-t), ``"normal-scaled"`` (given errors, FIT.3) or
        ``"bootstrap-seeds"`` (FIT.6).
    confidence : float
        The level of ``alpha_ci``.
    n_points, dof : int
        Points inside the window; degrees of freedom (points minus parameters).
    chi2, residual_rms : float
        :math:`\\chi^2` in the fit's residual metric (FIT.2 / FIT.4); root-mean-square
        relative residual :math:`\\sqrt{\\overline{(\\hat L/L - 1)^2}}`.
    n_starts, n_seeds, n_resamples : int
        Starting points tried (1 for the linear fit); seeds and bootstrap resamples behind
        ``alpha_ci`` (0 when analytic).
    rng_seed : int or None
        The bootstrap seed (``None`` if a ``Generator`` was passed in or no bootstrap ran).
    x, y : tuple of float
        The data inside the window that the fit used.
    """

    alpha: float
    alpha_ci: tuple[float, float]
    alpha_stderr: float
    analytic_stderr: float
    numerical_error: float
    prefactor: float
    offset: float
    offset_fitted: bool
    offset_stderr: float
    window: tuple[float, float]
    method: str
    ci_method: str
    confidence: float
    n_points: int
    dof: int
    chi2: float
    residual_rms: float
    n_starts: int
    n_seeds: int
    n_resamples: int
    rng_seed: int | None
    x: tuple[float, ...]
    y: tuple[float, ...]

    def predict(self, x: object) -> np.ndarray:
        """The fitted curve :math:`A x^{-\\alpha} + L_\\infty` at ``x`` (positive)."""
        xs = check_real_array("x", np.atleast_1d(np.asarray(x, dtype=float)), positive=True)
        return self.prefactor * xs ** (-self.alpha) + self.offset


def _strictly_increasing(name: str, x: np.ndarray) -> None:
    steps = np.diff(x)
    if (steps == 0).any():
        i = int(np.argwhere(steps == 0)[0][0])
        raise ValueError(f"`{name}` must not repeat a size (average repeated measurements "
                         f"first); entry {i + 1} repeats {float(x[i])!r}")
    if (steps < 0).any():
        i = int(np.argwhere(steps < 0)[0][0])
        raise ValueError(f"`{name}` must be strictly increasing (sort the data first); entry "
                         f"{i + 1} is {float(x[i + 1])!r} after {float(x[i])!r}")


def _like_x(name: str, value: object, x: np.ndarray) -> np.ndarray:
    arr = check_real_array(name, value, positive=True)
    if arr.shape != x.shape:
        raise ValueError(f"`{name}` must have the shape of `x` {x.shape}; got shape {arr.shape}")
    return arr


def _window_iv(window: object, x: np.ndarray) -> tuple[float, float]:
    if window is None:
        return float(x[0]), float(x[-1])
    if isinstance(window, str) or not isinstance(window, Sequence) or len(window) != 2:
        raise TypeError(f"`window` must be a pair (lo, hi); got {window!r}")
    lo = check_real("window[0]", window[0], gt=0)
    hi = check_real("window[1]", window[1], gt=0, allow_inf=True)
    if not hi > lo:
        raise ValueError(f"`window` must have lo < hi; got ({lo!r}, {hi!r})")
    return lo, hi


def _initial_iv(initial: object, offset: bool) -> np.ndarray | None:
    if initial is None:
        return None
    if not offset:
        raise ValueError(f"`initial` is a starting point for offset=True only; got {initial!r}")
    if isinstance(initial, str) or not isinstance(initial, Sequence) or len(initial) != 3:
        raise TypeError(f"`initial` must be a triple (A, alpha, L_inf); got {initial!r}")
    return np.array([math.log(check_real("initial[0] (A)", initial[0], gt=0)),
                     check_real("initial[1] (alpha)", initial[1]),
                     check_real("initial[2] (L_inf)", initial[2])])


def _fit_iv(x, y, y_err, window, offset, seeds_losses, confidence, n_resamples):
    x = check_real_array("x", x, min_size=1, positive=True)
    _strictly_increasing("x", x)
    if not isinstance(offset, bool):
        raise TypeError(f"`offset` must be a bool; got {offset!r} ({type(offset).__name__})")
    confidence = check_real("confidence", confidence, gt=0, lt=1)
    n_resamples = check_int("n_resamples", n_resamples, minimum=99)
    seeds = None
    if seeds_losses is not None:
        seeds = check_real_array("seeds_losses", seeds_losses, ndim=2, positive=True)
        if seeds.shape[1] != x.size or seeds.shape[0] < 2:
            raise ValueError(f"`seeds_losses` must have shape (n_seeds >= 2, {x.size}); got "
                             f"shape {seeds.shape}")
        mean = seeds.mean(axis=0)
        y = mean if y is None else _like_x("y", y, x)
        if not np.allclose(y, mean, rtol=1e-9, atol=0):
            raise ValueError("`y` must equal the mean over seeds of `seeds_losses` (or be None); "
                             f"got y={y!r}")
    elif y is None:
        raise ValueError("`y` must be given when `seeds_losses` is None; got None")
    y = _like_x("y", y, x)
    y_err = None if y_err is None else _like_x("y_err", y_err, x)
    if y_err is not None and (y_err < _MIN_REL_ERR * y).any():
        i = int(np.argwhere(y_err < _MIN_REL_ERR * y)[0][0])
        raise ValueError(f"`y_err` must be at least {_MIN_REL_ERR:g} times `y` (a smaller "
                         f"relative error is no measurement, and the weights (y/y_err)^2 would "
                         f"overflow); entry {i} is {float(y_err[i])!r} for y = {float(y[i])!r}")
    lo, hi = _window_iv(window, x)
    keep = (x >= lo) & (x <= hi)
    need = 4 if offset else 3  # one degree of freedom left for the error estimate
    if keep.sum() < need:
        raise ValueError(f"too few points: the fit needs at least {need} points of `x` inside "
                         f"`window` ({lo!r}, {hi!r}); got {int(keep.sum())}")
    return (x[keep], y[keep], None if y_err is None else y_err[keep], (lo, hi), offset,
            None if seeds is None else seeds[:, keep], confidence, n_resamples)


def _rng_iv(rng: object) -> tuple[np.random.Generator, int | None]:
    if isinstance(rng, np.random.Generator):
        return rng, None
    if rng is None:
        seed = int(np.random.SeedSequence().entropy)  # fresh, but recorded in the result
    else:
        seed = check_int("rng", rng, minimum=0)
    return np.random.default_rng(seed), seed


@dataclass(frozen=True)
class LogLogLine:
    """A weighted least-squares line through :math:`(\\log x_i, \\log y_i)`: (FIT.1)-(FIT.2).

    The result of :func:`loglog_line`, the one log-log slope estimator of the package (the
    power-law fit, the per-seed slopes of :mod:`verify.manifolds.interpolation` and the
    eigenvalue decay of :mod:`verify.manifolds.spectrum` all use it). For a batch of
    curves (``y`` of shape ``(B, n)``) ``slope``, ``intercept``, ``chi2`` and
    ``numerical_error`` are arrays of shape ``(B,)``, else floats.

    Attributes
    ----------
    slope, intercept : float or ndarray
        :math:`\\hat b_1` and :math:`\\hat b_0` of :math:`\\log y = b_0 + b_1 \\log x`
        (a decaying power law has ``slope = -alpha``).
    chi2 : float or ndarray
        :math:`\\sum_i w_i e_i^2` with the residuals :math:`e_i` (FIT.2).
    sxx : float
        :math:`S = \\sum_i w_i (u_i - \\bar u)^2`: ``1/sxx`` is the variance factor of the
        slope, ``chi2/(n-2)/sxx`` its ordinary least-squares variance.
    mean_log_x : float
        The weighted mean :math:`\\bar u` of :math:`u_i = \\log x_i`.
    n : int
        Number of points.
    numerical_error : float or ndarray
        The floating-point error bound (FIT.8) of ``slope``.
    """

    slope: float | np.ndarray
    intercept: float | np.ndarray
    chi2: float | np.ndarray
    sxx: float
    mean_log_x: float
    n: int
    numerical_error: float | np.ndarray


def _gamma(k: int) -> float:
    """:math:`\\gamma_k = k u/(1 - k u)`, u the unit roundoff (Higham 2002, Lemma 3.1)."""
    unit = _EPS / 2
    return k * unit / (1 - k * unit)


def _loglog_line(u: np.ndarray, v: np.ndarray, w: np.ndarray, *, data_rel_error: float,
                 weights_given: bool) -> LogLogLine:
    """(FIT.1) by centred sums, on logs ``u`` (n,), ``v`` (n,) or (B, n), weights ``w``.

    Centring both coordinates first makes the computed slope accurate to a few rounding
    units of the data's own conditioning (no normal-equation solve, whose condition number
    grows like ``(mean log x / spread of log x)^2``); (FIT.8) bounds what remains.
    """
    total = w.sum()
    m = (w * u).sum() / total
    d = u - m
    wd = w * d
    sxx = float(wd @ d)
    q = (v * w).sum(axis=-1) / total
    r = v - (q[..., None] if v.ndim == 2 else q)
    slope = (r @ wd) / sxx
    intercept = q - slope * m
    e = r - (slope[..., None] if v.ndim == 2 else slope) * d
    chi2 = (e * w) @ e if v.ndim == 1 else ((e * w) * e).sum(axis=-1)  # docs/fitting.md (FIT.2)
    # docs/fitting.md (FIT.8): first-order floating-point error of the slope
    n = u.size
    c = np.abs(wd) / sxx                       # |d slope / d v_i|
    wu = w * np.abs(u) / sxx
    abs_e, abs_slope = np.abs(e), np.abs(slope)
    bound = (data_rel_error * c.sum()                                  # the data's own rounding
             + 2 * _EPS * (np.abs(v) @ c)                              # log y_i (2 ulp)
             + 2 * _EPS * (abs_e @ wu + abs_slope * (np.abs(d) @ wu))  # log x_i (2 ulp)
             + 2 * _gamma(n + 4) * (np.abs(r) @ c)                     # centred sums, division
             + _gamma(n) ** 2 * (float(w @ np.abs(u)) / total) * ((np.abs(v) @ w) / sxx))
    if weights_given:                                                  # w_i = (y_i/s_i)^2
        bound = bound + 3 * _EPS * (abs_e @ (np.abs(wd) / sxx))
    if v.ndim == 1:
        slope, intercept, chi2, bound = float(slope), float(intercept), float(chi2), float(bound)
    return LogLogLine(slope=slope, intercept=intercept, chi2=chi2, sxx=sxx, mean_log_x=float(m),
                      n=int(n), numerical_error=bound)


def loglog_line(x: object, y: object, *, weights: object = None,
                data_rel_error: float | None = None) -> LogLogLine:
    """Weighted least-squares line of :math:`\\log y` on :math:`\\log x` (FIT.1)-(FIT.2).

    Parameters
    ----------
    x : array_like, shape (n,), n >= 2
        Positive finite abscissae (not necessarily sorted, but not all equal).
    y : array_like, shape (n,) or (B, n)
        Positive finite ordinates; a 2-D array is a batch of ``B`` curves on the same ``x``,
        fitted at once (per-seed slopes, say).
    weights : array_like, shape (n,), optional
        Positive weights :math:`w_i` (default 1): for standard errors :math:`s_i` of
        :math:`y_i`, :math:`w_i = (y_i/s_i)^2` (the delta method).
    data_rel_error : float, optional
        The relative error :math:`\\eta` each :math:`y_i` is assumed to carry as a float
        (FIT.8); default :math:`2\\varepsilon`, a value computed from an exact law by a few
        correctly rounded operations.

    Returns
    -------
    LogLogLine

    Examples
    --------
    >>> x = np.array([1.0, 2, 4, 8]); round(loglog_line(x, 3 * x**-0.5).slope, 12)
    -0.5
    """
    x = check_real_array("x", x, min_size=2, positive=True)
    try:
        two_d = np.ndim(y) == 2
    except ValueError:  # ragged nested sequences: let the checker name the problem
        two_d = False
    y = check_real_array("y", y, ndim=2 if two_d else 1, positive=True)
    if y.shape[-1] != x.size:
        raise ValueError(f"`y` must have {x.size} values per curve like `x`; got shape {y.shape}")
    u = np.log(x)
    if np.ptp(u) == 0:
        raise ValueError(f"`x` must not be all equal, nor so close that their logarithms are "
                         f"(the slope is undefined); got {x!r}")
    w = np.ones_like(u) if weights is None else check_real_array("weights", weights, positive=True)
    if w.shape != x.shape:
        raise ValueError(f"`weights` must have the shape of `x` {x.shape}; got shape {w.shape}")
    eta = 2 * _EPS if data_rel_error is None else check_real("data_rel_error", data_rel_error, ge=0)
    return _loglog_line(u, np.log(y), w, data_rel_error=eta, weights_given=weights is not None)


def _prefactor(log_a: float) -> float:
    """``exp(log A)``, refused where ``A`` is beyond the float range (no silent inf)."""
    if not log_a < _LOG_MAX:
        raise ValueError(f"the fitted prefactor A = exp({float(log_a):.6g}) is beyond the float "
                         f"range; divide `x` (or `y`) by a constant: the exponent does not depend "
                         f"on their units")
    return math.exp(log_a)


def _linear_fit(x, y, y_err):
    u, v = np.log(x), np.log(y)
    w = np.ones_like(u) if y_err is None else (y / y_err) ** 2  # s_log = y_err / y (delta method)
    line = _loglog_line(u, v, w, data_rel_error=2 * _EPS, weights_given=y_err is not None)
    dof = x.size - 2
    scale = line.chi2 / dof if y_err is None else max(1.0, line.chi2 / dof)  # (FIT.3)
    stderr = math.sqrt(scale / line.sxx)
    return {"alpha": -line.slope, "prefactor": _prefactor(line.intercept), "offset": 0.0,
            "offset_stderr": 0.0, "stderr": stderr, "numerical": line.numerical_error,
            "chi2": line.chi2, "dof": dof, "n_starts": 1, "weights": w}


def _offset_residuals(theta, u, y, s):
    return (np.exp(theta[0] - theta[1] * u) + theta[2] - y) / s  # docs/fitting.md (FIT.4)


def _offset_jacobian(theta, u, y, s):
    power = np.exp(theta[0] - theta[1] * u)
    return np.stack([power, -u * power, np.ones_like(u)], axis=1) / s[:, None]


def _profile_starts(u, y, s, extra):
    """Starting points from a profile over L_inf: docs/fitting.md (FIT.5)."""
    ymin = float(y.min())  # every grid value is below min(y), so log(y - c) exists
    grid = np.concatenate([ymin * (1 - np.geomspace(1e-6, 1, 13)), -ymin * np.array([0.5, 2.0])])
    shifted = y - grid[:, None]
    keep = (shifted > 0).all(axis=1)  # y - c underflows to 0 for subnormal y: drop that c
    grid = grid[keep]
    line = _loglog_line(u, np.log(shifted[keep]), (y / s) ** 2, data_rel_error=0.0,
                        weights_given=True)  # one batched fit
    thetas = np.stack([line.intercept, -line.slope, grid], axis=1)
    with np.errstate(over="ignore", invalid="ignore"):  # a start may overflow: cost inf
        costs = [float((_offset_residuals(t, u, y, s) ** 2).sum()) for t in thetas]
    costs = [c if math.isfinite(c) else math.inf for c in costs]
    return [thetas[i] for i in np.argsort(costs)[:3]] + list(extra)


def _least_squares(theta0, u, y, s):
    """One Levenberg-Marquardt run; a start that wanders into overflow is given up (None)."""
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            res = optimize.least_squares(_offset_residuals, theta0, jac=_offset_jacobian,
                                         args=(u, y, s), method="lm", ftol=_TOL, xtol=_TOL,
                                         gtol=_TOL, max_nfev=2000)
        except ValueError:  # residuals not finite at the start itself
            return None
    ok = np.isfinite(res.x).all() and np.isfinite(res.cost) and np.isfinite(res.jac).all()
    return res if ok else None


def _offset_fit(x, y, y_err, initial):
    u = np.log(x)
    s = y if y_err is None else y_err  # relative residuals without given errors
    starts = _profile_starts(u, y, s, [] if initial is None else [initial])
    runs = [r for r in (_least_squares(t, u, y, s) for t in starts) if r is not None]
    if not runs:
        raise ValueError("the offset fit diverged from every starting point; check `y` "
                         f"(got y={y!r})")
    best = min(runs, key=lambda r: r.cost)
    theta, chi2, dof = best.x, 2 * float(best.cost), x.size - 3
    scale = chi2 / dof if y_err is None else max(1.0, chi2 / dof)  # docs/fitting.md (FIT.5)
    # the offset's column carries the units of y: scale it to O(1) before the rank and the
    # inverse, so losses near 1e308 or 1e-300 give the same interval as losses near 1
    units = np.array([1.0, 1.0, float(np.median(s))])
    J = best.jac * units
    # (J^T J)^-1 from the SVD of J itself: forming J^T J squares the condition number, and
    # its inverse can fail for a J that matrix_rank still calls full rank
    _, sv, vt = np.linalg.svd(J, full_matrices=False)
    if sv.size < 3 or sv[-1] <= sv[0] * max(J.shape) * np.finfo(float).eps:
        stderr = np.full(3, math.inf)  # the three parameters are not separately determined
    else:
        stderr = np.sqrt(np.sum((vt / sv[:, None]) ** 2, axis=0) * scale) * units
    return {"alpha": float(theta[1]), "prefactor": _prefactor(theta[0]), "offset": float(theta[2]),
            "offset_stderr": float(stderr[2]), "stderr": float(stderr[1]), "chi2": chi2,
            # LM stops when the relative step is below xtol: docs/fitting.md (FIT.8)
            "numerical": 10 * _TOL * max(1.0, abs(float(theta[1]))),
            "dof": dof, "n_starts": len(starts), "theta": theta, "s": s}


# Cost model of the vectorized bootstrap (measured on one core: ~10 us per resample for 16
# seeds x 12 sizes without offset, 0.4-0.75 ms per resample with offset, where every
# resample is a Levenberg-Marquardt run): operations per element of the resampled
# (n_seeds + 10) x n arrays, and per offset run.
_OPS_PER_ELEMENT = 100
_OPS_PER_OFFSET_RUN = 2e6


def _bootstrap_cost_iv(n_resamples: int, n_seeds: int, n: int, offset: bool) -> None:
    """Refuse a bootstrap whose memory or time estimate exceeds the bounds of
    :mod:`asymptotics._lib.budget`, before any resample is drawn."""
    # scipy.stats.bootstrap draws every resample at once: the (B, n_seeds) indices, the
    # (B, n_seeds, n) resampled losses, and ~10 (B, n) arrays of the batched fit
    elements = n_resamples * (n_seeds * n + 10 * n + 2 * n_seeds)
    hint = "use fewer resamples (the default is 999)"
    check_memory("n_resamples", n_resamples, 8.0 * elements, hint=hint)
    operations = _OPS_PER_ELEMENT * elements + (_OPS_PER_OFFSET_RUN * n_resamples if offset
                                                else 0.0)
    check_seconds("n_resamples", n_resamples, operations, hint=hint)


def _bootstrap_alpha(x, seeds, y_err, offset, core, confidence, n_resamples, gen):
    """Expanded percentile bootstrap over seeds of the exponent: docs/fitting.md (FIT.6)."""
    n_seeds = seeds.shape[0]
    # Hesterberg (2015) expanded percentile: level 2 Phi(sqrt(n/(n-1)) t_{n-1}) - 1 corrects
    # the small-sample narrowness of the plain percentile interval (FIT.6)
    z = math.sqrt(n_seeds / (n_seeds - 1)) * stats.t.ppf(0.5 + confidence / 2, n_seeds - 1)
    level = 2 * stats.norm.cdf(z) - 1

    def statistic(idx, axis=-1):
        idx = np.asarray(idx, dtype=np.intp)
        means = seeds[idx].mean(axis=-2)  # (..., n_points): the mean curve of each resample
        flat = means.reshape(-1, x.size)
        if not offset:
            out = -_loglog_line(np.log(x), np.log(flat), core["weights"], data_rel_error=0.0,
                                weights_given=True).slope
        else:
            u = np.log(x)
            runs = [_least_squares(core["theta"], u, m, core["s"]) for m in flat]
            # a resample whose warm start fails gets the full multi-start fit
            out = np.array([_offset_fit(x, m, y_err, None)["alpha"] if r is None else r.x[1]
                            for m, r in zip(flat, runs, strict=True)])
        return out.reshape(means.shape[:-1])

    res = stats.bootstrap((np.arange(n_seeds),), statistic, n_resamples=n_resamples,
                          confidence_level=level, method="percentile", vectorized=True,
                          rng=gen)
    ci = res.confidence_interval
    return (float(ci.low), float(ci.high)), float(res.standard_error), res.bootstrap_distribution


def fit_power_law(x: object, y: object = None, *, y_err: object = None,
                  window: Sequence[float] | None = None, offset: bool = False,
                  seeds_losses: object = None, confidence: float = 0.95,
                  rng: np.random.Generator | int | None = None,
                  initial: Sequence[float] | None = None,
                  n_resamples: int = 999) -> PowerLawFit:
    """Fit :math:`L = A x^{-\\alpha}` (or :math:`A x^{-\\alpha} + L_\\infty`) to a curve.

    Parameters
    ----------
    x : array_like, shape (n,)
        Sizes (data set size, parameters, width), positive, strictly increasing.
    y : array_like, shape (n,), optional
        Losses, positive and finite; if omitted, the mean of ``seeds_losses`` (if both are
        given they must agree).
    y_err : array_like, shape (n,), optional
        Standard errors of ``y``, positive and at least ``1e-100 * y``. They weight the fit
        (FIT.1) and make the analytic interval a normal interval with the
        :math:`\\max(1, \\chi^2/\\nu)` scale (FIT.3).
    window : (lo, hi), optional
        Inclusive range of ``x`` to fit (``hi`` may be ``inf``).
    offset : bool
        Fit :math:`L_\\infty` too (multi-start least squares, FIT.4-FIT.5).
    seeds_losses : array_like, shape (n_seeds, n), optional
        Per-seed losses; the interval is then an expanded percentile bootstrap over seeds
        (FIT.6).
    confidence : float
        Confidence level of ``alpha_ci``, in (0, 1).
    rng : numpy.random.Generator or int, optional
        Bootstrap generator or seed (recorded in the result). ``None`` draws a fresh seed
        and records it.
    initial : (A, alpha, L_inf), optional
        An extra start for the offset fit; the profile starts always run too and the lowest
        cost wins, so a bad guess cannot stop the fit.
    n_resamples : int
        Bootstrap resamples (>= 99). A bootstrap whose estimated memory or time exceeds
        the bounds of :mod:`asymptotics._lib.budget` is refused before it starts.

    Returns
    -------
    PowerLawFit

    Raises
    ------
    ValueError
        Non-positive, non-finite, unsorted or repeated data; mismatched shapes; fewer than
        3 (4 with ``offset``) points in the window; an estimate outside the central 95% of
        its own bootstrap distribution (skewed resampled fits from too few seeds).
    asymptotics._lib.budget.BudgetExceeded
        (a ``ValueError``) ``n_resamples`` so large that the bootstrap would exceed the
        memory or time bound; the message names the parameter, the estimate and the bound.

    Examples
    --------
    >>> x = np.array([10.0, 20, 40, 80]); round(fit_power_law(x, 3 * x**-0.5).alpha, 12)
    0.5
    """
    (x, y, y_err, win, offset, seeds, confidence,
     n_resamples) = _fit_iv(x, y, y_err, window, offset, seeds_losses, confidence, n_resamples)
    initial = _initial_iv(initial, offset)
    if rng is not None and not isinstance(rng, np.random.Generator):
        check_int("rng", rng, minimum=0)  # validated even when no bootstrap will use it
    if seeds is not None:
        _bootstrap_cost_iv(n_resamples, seeds.shape[0], x.size, offset)
    core = _offset_fit(x, y, y_err, initial) if offset else _linear_fit(x, y, y_err)
    alpha, stderr, dof, num = core["alpha"], core["stderr"], core["dof"], core["numerical"]
    seed, n_seeds, used_resamples, se = None, 0, 0, stderr
    if seeds is not None:
        gen, seed = _rng_iv(rng)
        ci, se, dist = _bootstrap_alpha(x, seeds, y_err, offset, core, confidence,
                                        n_resamples, gen)
        # skew: the estimate outside the central 95% of its own bootstrap distribution (then
        # every interval at >= 95% excludes it); a narrower percentile interval (confidence
        # < 0.95) may legitimately exclude it and is returned as it is
        rank = float(np.mean(dist < alpha - num) + 0.5 * np.mean(np.abs(dist - alpha) <= num))
        if not 0.025 <= rank <= 0.975:
            raise ValueError(
                f"the estimate alpha = {alpha:.6g} lies outside the central 95% of its own "
                f"bootstrap distribution over seeds (at quantile {rank:.3g}; interval "
                f"[{ci[0]:.6g}, {ci[1]:.6g}]): the resampled fits are skewed (too few seeds, "
                f"{seeds.shape[0]}, for this fit{' with an offset' if offset else ''}); use more "
                f"seeds, or fit the mean curve without seeds_losses for the analytic interval")
        ci_method, n_seeds, used_resamples = "bootstrap-seeds", seeds.shape[0], n_resamples
    else:  # docs/fitting.md (FIT.3): Student-t with unit weights, normal with given errors
        ci_method = "t" if y_err is None else "normal-scaled"
        dist = stats.t(dof) if y_err is None else stats.norm()
        q = float(dist.ppf(0.5 + confidence / 2))
        ci = (alpha - q * stderr, alpha + q * stderr)
    ci = (ci[0] - num, ci[1] + num)  # docs/fitting.md (FIT.8)
    model = core["prefactor"] * x ** (-alpha) + core["offset"]
    return PowerLawFit(
        alpha=alpha, alpha_ci=(float(ci[0]), float(ci[1])), alpha_stderr=float(se),
        analytic_stderr=float(stderr), numerical_error=float(num), prefactor=core["prefactor"],
        offset=core["offset"], offset_fitted=offset, offset_stderr=core["offset_stderr"], window=win,
        method="multistart-least-squares" if offset else "wls-loglog", ci_method=ci_method,
        confidence=confidence, n_points=int(x.size), dof=int(dof), chi2=float(core["chi2"]),
        residual_rms=float(np.sqrt(np.mean((model / y - 1) ** 2))), n_starts=core["n_starts"],
        n_seeds=int(n_seeds), n_resamples=int(used_resamples), rng_seed=seed,
        x=tuple(map(float, x)), y=tuple(map(float, y)))


def local_slopes(x: object, y: object) -> np.ndarray:
    """Local logarithmic slopes :math:`d\\log L/d\\log x` of a curve (FIT.7).

    Second-order finite differences on the (possibly non-uniform) grid of
    :math:`\\log x` (``numpy.gradient``, one-sided second order at the ends). For a pure
    power law the result is exactly :math:`-\\alpha` at every point; a drift of the slopes
    shows where a single power law stops describing the curve.

    Parameters
    ----------
    x, y : array_like, shape (n,), n >= 3
        Positive finite sizes (strictly increasing) and losses.

    Returns
    -------
    numpy.ndarray, shape (n,)
        The slopes (negative for a decaying loss).
    """
    x = check_real_array("x", x, min_size=3, positive=True)
    _strictly_increasing("x", x)
    y = _like_x("y", y, x)
    return np.gradient(np.log(y), np.log(x), edge_order=2)  # docs/fitting.md (FIT.7)

