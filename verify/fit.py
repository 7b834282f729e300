"""Power-law fits of measured learning curves, with confidence intervals.

Implements docs/fitting.md: the pure power law :math:`L = A x^{-\\alpha}` fitted by
weighted least squares in log-log space (FIT.1-FIT.3), the power law with an offset
:math:`L = A x^{-\\alpha} + L_\\infty` fitted by multi-start nonlinear least squares seeded
from a profile over :math:`L_\\infty` (FIT.4-FIT.5), a bootstrap over seeds (FIT.6) and
local slopes :math:`d\\log L/d\\log x` (FIT.7). Data must be positive and finite (nothing is
shifted by an epsilon); unsorted or repeated sizes are refused, not silently reordered.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from asymptotics._lib.budget import check_memory, check_seconds
from asymptotics._lib.validation import check_int, check_real, check_real_array

__all__ = ["EXTRAPOLATION_DECADES", "MISFIT_P", "MODELS", "Allocation", "LawFit", "LawPrediction",
           "LogLogLine", "PowerLawFit", "compute_optimal", "fit_law", "fit_power_law",
           "local_slopes", "loglog_line"]

_EPS = float(np.finfo(float).eps)
_TOL = 1e-15  # least_squares ftol/xtol/gtol: above machine epsilon, so exact data converge fully
_LOG_MAX = math.log(np.finfo(float).max)
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
    if np.linalg.matrix_rank(J) < 3:
        stderr = np.full(3, math.inf)  # the three parameters are not separately determined
    else:
        stderr = np.sqrt(np.diag(np.linalg.inv(J.T @ J)) * scale) * units
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


# =========================================================================================
# Scaling laws: one- and two-variable model forms fitted in log space (FIT.9)-(FIT.14)
# =========================================================================================

#: The model forms :func:`fit_law` fits (``"broken"`` takes ``breaks=k``).
MODELS = ("power", "offset", "broken", "chinchilla")

#: Extrapolation past this many decades beyond the fitted range draws a warning (FIT.13).
EXTRAPOLATION_DECADES = 1.0

#: Misspecification tests (FIT.12) warn below this p-value.
MISFIT_P = 1e-3

_MIN_CLUSTERS = 10   # fewer resampling units than this: the bootstrap interval is rough
_HUBER_K = 1.345     # Huber's tuning constant: 95% efficiency at the normal
_ROUNDING_RESIDUAL = 1e-9  # rms log residual below this: exact up to rounding
_RUNS = 8            # L-BFGS-B runs: from the starts of lowest initial loss


def _lse(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log sum_k exp(t_k)`` over the last axis and the softmax weights (no overflow)."""
    top = terms.max(axis=-1, keepdims=True)
    e = np.exp(terms - top)
    s = e.sum(axis=-1, keepdims=True)
    return (top + np.log(s))[..., 0], e / s


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


@dataclass(frozen=True)
class _Law:
    """A model form in its fitting parametrization ``theta`` (logs of positive scales).

    ``log_f(theta, U)`` returns ``log L`` at the log-sizes ``U`` (n, d) and its Jacobian
    (n, p): every form is a log-sum-exp of terms linear in ``log x`` (FIT.9)-(FIT.10), so
    nothing is exponentiated before the logarithm is taken.
    """

    name: str
    dims: int
    breaks: int = 0
    offset: bool = False

    @property
    def theta_names(self) -> tuple[str, ...]:
        if self.name == "power":
            return ("log_A", "alpha")
        if self.name == "offset":
            return ("log_A", "alpha", "log_E")
        if self.name == "chinchilla":
            return ("log_E", "log_A", "alpha", "log_B", "beta")
        out = ["log_A", "alpha_0"]
        for i in range(1, self.breaks + 1):
            out += [f"log_d_{i}", f"c_{i}", f"log_f_{i}"]
        return tuple(out + (["log_E"] if self.offset else []))

    @property
    def names(self) -> tuple[str, ...]:
        """Natural parameter names (``log_X`` of the fit reported as ``X``)."""
        return tuple(n[4:] if n.startswith("log_") else n for n in self.theta_names)

    @property
    def logged(self) -> np.ndarray:
        return np.array([n.startswith("log_") for n in self.theta_names])

    def log_f(self, theta: np.ndarray, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, p = U.shape[0], len(theta)
        u = U[:, 0]
        if self.name == "power":  # docs/fitting.md (FIT.9)
            return theta[0] - theta[1] * u, np.stack([np.ones(n), -u], axis=1)
        if self.name == "offset":  # docs/fitting.md (FIT.9)
            terms = np.stack([theta[0] - theta[1] * u, np.full(n, theta[2])], axis=1)
            lf, w = _lse(terms)
            return lf, np.stack([w[:, 0], -u * w[:, 0], w[:, 1]], axis=1)
        if self.name == "chinchilla":  # docs/fitting.md (FIT.10)
            v = U[:, 1]
            terms = np.stack([np.full(n, theta[0]), theta[1] - theta[2] * u,
                              theta[3] - theta[4] * v], axis=1)
            lf, w = _lse(terms)
            return lf, np.stack([w[:, 0], w[:, 1], -u * w[:, 1], w[:, 2], -v * w[:, 2]], axis=1)
        # smoothly broken power law, docs/fitting.md (FIT.9)
        jac = np.zeros((n, p))
        t = theta[0] - theta[1] * u
        jac[:, 0], jac[:, 1] = 1.0, -u
        for i in range(self.breaks):
            ld, c, lfs = theta[2 + 3 * i: 5 + 3 * i]
            f = math.exp(lfs)
            z = (u - ld) / f
            sp, sg = _softplus(z), _sigmoid(z)
            t = t - c * f * sp
            jac[:, 2 + 3 * i] = c * sg
            jac[:, 3 + 3 * i] = -f * sp
            jac[:, 4 + 3 * i] = -c * f * (sp - z * sg)
        if not self.offset:
            return t, jac
        lf, w = _lse(np.stack([t, np.full(n, theta[-1])], axis=1))
        jac = jac * w[:, :1]
        jac[:, -1] = w[:, 1]
        return lf, jac

    def bounds(self, U: np.ndarray, v: np.ndarray) -> list[tuple[float, float]]:
        lo, hi = float(U[:, 0].min()), float(U[:, 0].max())
        reach = 50.0 + 20.0 * float(np.abs(U).max())  # |exponent| <= 20 times log x
        big = (float(v.min()) - reach, float(v.max()) + reach)
        if self.name == "power":
            return [big, (-20.0, 20.0)]
        if self.name == "offset":
            return [big, (1e-6, 20.0), big]
        if self.name == "chinchilla":
            return [big, big, (1e-6, 20.0), big, (1e-6, 20.0)]
        out = [big, (-20.0, 20.0)]
        for _ in range(self.breaks):  # a break inside the data; sharpness 1/100 .. 10 decades
            out += [(lo, hi), (-20.0, 20.0), (math.log(0.01), math.log(10 * math.log(10)))]
        return out + ([big] if self.offset else [])

    def min_cells(self) -> int:
        return len(self.theta_names) + 1

    def starts(self, U: np.ndarray, v: np.ndarray) -> list[np.ndarray]:
        """A grid of starting points (FIT.11): the linear parameters by least squares."""
        u = U[:, 0]
        ymin = float(v.min())  # log of the smallest loss
        fracs = np.log([0.05, 0.3, 0.6, 0.9, 0.99, 0.999])
        if self.name == "power":
            line = _loglog_line(u, v, np.ones_like(u), data_rel_error=0.0, weights_given=False)
            base = np.array([line.intercept, -line.slope])
            return [base] + [base + np.array([0.0, d]) for d in (-0.5, 0.5)]
        if self.name == "offset":
            out = []
            for lf in fracs:
                le = ymin + lf
                shifted = np.log(-np.expm1(le - v)) + v  # log(y - E), y > E
                line = _loglog_line(u, shifted, np.ones_like(u), data_rel_error=0.0,
                                    weights_given=False)
                out.append(np.array([line.intercept, max(-line.slope, 1e-3), le]))
            return out
        if self.name == "chinchilla":
            out = []
            w = U[:, 1]
            for lf in fracs[1:4]:
                le = ymin + lf
                rest = np.exp(v - le) - 1.0  # (y - E)/E > 0
                for a in (0.2, 0.5, 1.0):
                    for b in (0.2, 0.5, 1.0):
                        M = np.stack([np.exp(-a * (u - u.mean())), np.exp(-b * (w - w.mean()))],
                                     axis=1)
                        coef = optimize.nnls(M, rest)[0]
                        coef = np.maximum(coef, 1e-6 * max(float(rest.mean()), 1e-300))
                        out.append(np.array([le, le + math.log(coef[0]) + a * u.mean(), a,
                                             le + math.log(coef[1]) + b * w.mean(), b]))
            return out
        # broken: breaks at quantile combinations of log x, slopes from the pieces
        grid = np.quantile(u, np.linspace(0.15, 0.85, 3 + self.breaks))
        out = []
        for locs in itertools.combinations(grid, self.breaks):
            edges = [-np.inf, *locs, np.inf]
            slopes = []
            for a, b in itertools.pairwise(edges):
                m = (u >= a) & (u <= b)
                if m.sum() >= 2 and np.ptp(u[m]) > 0:
                    slopes.append(_loglog_line(u[m], v[m], np.ones(int(m.sum())),
                                               data_rel_error=0.0, weights_given=False))
                else:
                    slopes.append(None)
            if slopes[0] is None or any(s is None for s in slopes):
                continue
            for lfs in (math.log(0.1), math.log(1.0)):
                theta = [slopes[0].intercept, -slopes[0].slope]
                prev = -slopes[0].slope
                for loc, s in zip(locs, slopes[1:], strict=True):
                    theta += [float(loc), -s.slope - prev, lfs]
                    prev = -s.slope
                if self.offset:
                    for lf in fracs[:3]:
                        out.append(np.array([*theta, ymin + lf]))
                else:
                    out.append(np.array(theta))
        return out


def _huber(r: np.ndarray, delta: float) -> tuple[float, np.ndarray]:
    """The summed Huber loss of the log residuals and its derivative psi (FIT.11)."""
    a = np.abs(r)
    inside = a <= delta
    rho = np.where(inside, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(rho.sum()), np.clip(r, -delta, delta)


def _lbfgs(law: _Law, theta0, U, v, delta, bounds):
    def objective(theta):
        lf, jac = law.log_f(theta, U)
        r = v - lf
        loss, psi = _huber(r, delta)
        return loss, -(jac.T @ psi)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        res = optimize.minimize(objective, np.clip(theta0, *np.array(bounds).T), jac=True,
                                method="L-BFGS-B", bounds=bounds,
                                options={"maxiter": 3000, "ftol": 1e-15, "gtol": 1e-13})
    return res if np.isfinite(res.fun) and np.isfinite(res.x).all() else None


def _polish(law: _Law, theta0, U, v, delta, bounds):
    """The same summed Huber objective by trust-region least squares, to full precision."""
    lo, hi = np.array(bounds).T
    theta0 = np.clip(theta0, lo + 1e-12 * np.maximum(1, abs(lo)), hi - 1e-12 * np.maximum(1, abs(hi)))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        res = optimize.least_squares(lambda t: law.log_f(t, U)[0] - v, theta0,
                                     jac=lambda t: law.log_f(t, U)[1], bounds=(lo, hi),
                                     method="trf", loss="huber", f_scale=delta,
                                     ftol=_TOL, xtol=_TOL, gtol=_TOL, max_nfev=500)
    return res.x


def _multistart(law, U, v, delta, bounds, starts):
    """The best starts by L-BFGS-B on the summed loss; the best optimum polished (FIT.11)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        first = [_huber(v - law.log_f(np.clip(s, *np.array(bounds).T), U)[0], delta)[0]
                 for s in starts]
    first = [f if math.isfinite(f) else math.inf for f in first]
    starts = [starts[i] for i in np.argsort(first, kind="stable")[:_RUNS]]
    runs = [r for r in (_lbfgs(law, s, U, v, delta, bounds) for s in starts) if r is not None]
    if not runs:
        raise ValueError(f"the {law.name} fit diverged from every one of its {len(starts)} "
                         "starting points; check the data")
    runs.sort(key=lambda r: r.fun)
    best = _polish(law, runs[0].x, U, v, delta, bounds)
    loss = _huber(v - law.log_f(best, U)[0], delta)[0]
    if loss > runs[0].fun:
        best, loss = runs[0].x, float(runs[0].fun)
    return best, loss, [(float(r.fun), tuple(map(float, r.x))) for r in runs]


def _covariance(law, theta, U, v, delta):
    """Huber's Gauss-Newton covariance of ``theta``: docs/fitting.md (FIT.12).

    ``inf`` entries where the parameters are not determined; for ``delta`` above every
    residual it is the least-squares ``s^2 (J^T J)^-1``.
    """
    lf, J = law.log_f(theta, U)
    r = v - lf
    n, p = J.shape
    dpsi = (np.abs(r) <= delta).astype(float)
    psi = np.clip(r, -delta, delta)
    m = float(dpsi.mean())
    if n <= p or m == 0 or np.linalg.matrix_rank(J) < p:
        return np.full((p, p), np.inf)
    K = 1 + (p / n) * float(dpsi.var()) / m ** 2
    s2 = float(psi @ psi) / (n - p)
    return K ** 2 * s2 / m ** 2 * np.linalg.pinv(J.T @ J)


@dataclass(frozen=True)
class LawPrediction:
    """:meth:`LawFit.predict`: the fitted law at ``x`` with its interval (FIT.13).

    Attributes
    ----------
    x : ndarray, shape (m, d)
        The query points.
    value, low, high : ndarray, shape (m,)
        The fitted law and the ``confidence`` interval of the fitted mean law.
    extrapolation : ndarray, shape (m,)
        Decades outside the fitted range (0 inside; the largest over the variables).
    warnings : tuple of str
        One line per query past :data:`EXTRAPOLATION_DECADES`.
    """

    x: np.ndarray
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    extrapolation: np.ndarray
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class LawFit:
    """The result of :func:`fit_law`: a scaling law fitted in log space (FIT.9)-(FIT.13).

    Attributes
    ----------
    model : str
        One of :data:`MODELS`.
    names, values : tuple
        Natural parameter names (``A``, ``alpha``, ``E``, ...) and fitted values.
    theta : tuple of float
        The fitted parameters in the fitting parametrization (logs of the scales).
    analytic_intervals : tuple of (float, float)
        Intervals from Huber's Gauss-Newton covariance (FIT.12), Student-t quantile.
    bootstrap_intervals : tuple of (float, float) or None
        Percentile intervals of the cluster bootstrap (FIT.12), ``None`` if not run.
    interval_method : str
        The route of :attr:`intervals`: ``"bootstrap-cells"``, ``"bootstrap-groups"`` or
        ``"analytic"``.
    confidence : float
        Level of every interval.
    covariance : tuple of tuple of float
        Covariance of ``theta`` (FIT.12).
    bootstrap_thetas : tuple of tuple of float
        The refitted ``theta`` of every bootstrap resample (empty if none ran).
    loss, delta : float
        The summed Huber loss at the optimum and the Huber threshold (log units).
    landscape : tuple of (float, tuple)
        ``(loss, theta)`` of every start's optimum, best first: the neighbours' losses.
    n_starts, n_points, n_cells, n_groups : int
        Starting points; data points; distinct size cells; groups (seeds), 0 if none.
    lack_of_fit_p, curvature_p : float
        p-values of the replicate lack-of-fit test and of the residual-curvature test
        (FIT.13); ``None`` where the test does not apply (too few cells or no replicates,
        or residuals at the rounding level).
    hull : tuple of (float, float)
        Per variable, the fitted range of sizes.
    warnings : tuple of str
        Misspecification, too few seeds or cells, a flat landscape.
    x, y : tuple
        The data (rows of sizes; losses).
    """

    model: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    theta: tuple[float, ...]
    analytic_intervals: tuple[tuple[float, float], ...]
    bootstrap_intervals: tuple[tuple[float, float], ...] | None
    interval_method: str
    confidence: float
    covariance: tuple[tuple[float, ...], ...]
    bootstrap_thetas: tuple[tuple[float, ...], ...]
    loss: float
    delta: float
    landscape: tuple[tuple[float, tuple[float, ...]], ...]
    n_starts: int
    n_points: int
    n_cells: int
    n_groups: int
    lack_of_fit_p: float | None
    curvature_p: float | None
    hull: tuple[tuple[float, float], ...]
    warnings: tuple[str, ...]
    x: tuple[tuple[float, ...], ...]
    y: tuple[float, ...]
    breaks: int = 0
    offset: bool = False

    @property
    def params(self) -> dict[str, float]:
        """``{name: value}`` of the natural parameters."""
        return dict(zip(self.names, self.values, strict=True))

    @property
    def intervals(self) -> dict[str, tuple[float, float]]:
        """``{name: (low, high)}`` by :attr:`interval_method`."""
        iv = self.bootstrap_intervals if self.interval_method != "analytic" else \
            self.analytic_intervals
        return dict(zip(self.names, iv, strict=True))

    def _law(self) -> _Law:
        return _Law(self.model, len(self.hull), self.breaks, self.offset)

    def predict(self, x: object) -> LawPrediction:
        """The law at ``x`` (shape (m,) or (m, d)), its interval and extrapolation (FIT.13).

        The interval is the bootstrap percentile interval of the predicted law when the
        bootstrap ran, else the delta method on the covariance, both in log space.
        """
        law = self._law()
        X = np.asarray(x, dtype=float)
        X = X.reshape(-1, 1) if X.ndim <= 1 and law.dims == 1 else np.atleast_2d(X)
        X = check_real_array("x", X, ndim=2, positive=True)
        if X.shape[1] != law.dims:
            raise ValueError(f"`x` must have {law.dims} column(s) like the fitted data; got "
                             f"shape {X.shape}")
        U = np.log(X)
        lf, J = law.log_f(np.array(self.theta), U)
        q = 0.5 + self.confidence / 2
        if self.bootstrap_thetas:
            boot = np.array([law.log_f(np.array(t), U)[0] for t in self.bootstrap_thetas])
            lo = np.minimum(np.quantile(boot, 1 - q, axis=0), lf)
            hi = np.maximum(np.quantile(boot, q, axis=0), lf)
        else:
            cov = np.array(self.covariance)
            with np.errstate(invalid="ignore"):
                se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", J, cov, J), 0.0))
            t = float(stats.t.ppf(q, max(self.n_points - len(self.theta), 1)))
            lo, hi = lf - t * se, lf + t * se
        dist = _extrapolation(U, self.hull)
        warn = tuple(f"x = {tuple(map(float, X[i]))} is {dist[i]:.2g} decades outside the "
                     f"fitted range (warning threshold {EXTRAPOLATION_DECADES:g}): the law is "
                     "extrapolated" for i in np.flatnonzero(dist > EXTRAPOLATION_DECADES))
        return LawPrediction(x=X, value=_exp(lf), low=_exp(lo), high=_exp(hi),
                             extrapolation=dist, warnings=warn)

    def to_frame(self):
        """The parameters and both intervals as a ``pandas.DataFrame`` (pandas must be
        installed; the bootstrap columns are empty, NaN, when no bootstrap ran)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("LawFit.to_frame needs pandas (pip install pandas); the same "
                              "numbers are in .params and .intervals") from None
        rows = []
        for i, name in enumerate(self.names):
            a = self.analytic_intervals[i]
            b = self.bootstrap_intervals[i] if self.bootstrap_intervals else (np.nan, np.nan)
            rows.append({"parameter": name, "value": self.values[i], "analytic_low": a[0],
                         "analytic_high": a[1], "bootstrap_low": b[0], "bootstrap_high": b[1]})
        return pd.DataFrame(rows).set_index("parameter")


def _exp(a: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        out = np.exp(a)
    if np.isinf(out).any():
        raise ValueError("the predicted loss is beyond the float range (log L = "
                         f"{float(np.max(a)):.6g}); rescale the losses")
    return out


def _extrapolation(U: np.ndarray, hull) -> np.ndarray:
    """Decades outside the per-variable fitted range, the largest over variables (FIT.13)."""
    lo = np.log([h[0] for h in hull])
    hi = np.log([h[1] for h in hull])
    out = np.maximum(np.maximum(lo - U, U - hi), 0.0).max(axis=1)
    return out / math.log(10)


def _natural(law: _Law, theta: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.where(law.logged, np.exp(np.where(law.logged, theta, 0.0)), theta)


def _law_inputs(data, x, y, group):
    """Arrays (n, d), (n,), group labels or None, from arrays or a DataFrame's columns."""
    if data is not None:
        cols = getattr(data, "columns", None)
        if cols is None:
            raise TypeError(f"`data` must be a pandas DataFrame (or None); got "
                            f"{type(data).__name__}")
        names = [x] if isinstance(x, str) else list(x or [])
        for c in [*names, y] + ([group] if group is not None else []):
            if c not in cols:
                raise ValueError(f"`data` has no column {c!r}; columns are {list(cols)}")
        X = np.column_stack([np.asarray(data[c], dtype=float) for c in names])
        Y = np.asarray(data[y], dtype=float)
        G = None if group is None else np.asarray(data[group]).astype(str)
    else:
        X = np.asarray(x, dtype=float)
        X = X.reshape(-1, 1) if X.ndim == 1 else X
        Y = np.asarray(y, dtype=float)
        G = None if group is None else np.asarray(group).astype(str)
    X = check_real_array("x", X, ndim=2, positive=True)
    Y = check_real_array("y", Y, positive=True)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one loss per row of `x` ({X.shape[0]}); got {Y.size}")
    if G is not None and G.shape != Y.shape:
        raise ValueError(f"`group` must have one label per loss ({Y.size}); got {G.size}")
    names = tuple(names) if data is not None else tuple(f"x[:, {j}]" for j in range(X.shape[1]))
    return X, Y, G, names


def _cells(U: np.ndarray) -> np.ndarray:
    """The index of each row's distinct size cell."""
    return np.unique(U, axis=0, return_inverse=True)[1].ravel()


def _misfit_tests(law, theta, U, v, cells) -> tuple[float | None, float | None]:
    """Replicate lack-of-fit and residual-curvature p-values (FIT.13)."""
    r = v - law.log_f(theta, U)[0]
    n, p = U.shape[0], len(theta)
    c = int(cells.max()) + 1
    if float(np.sqrt(np.mean(r * r))) < _ROUNDING_RESIDUAL:
        return None, None  # an exact fit to rounding: no misfit to detect
    means = np.bincount(cells, weights=r, minlength=c) / np.bincount(cells, minlength=c)
    lof = None
    if n > c and c > p:
        ss_pe = float(((r - means[cells]) ** 2).sum())
        ss_lof = float((np.bincount(cells, minlength=c) * means ** 2).sum())
        if ss_pe > 0:
            F = (ss_lof / (c - p)) / (ss_pe / (n - c))
            lof = float(stats.f.sf(F, c - p, n - c))
    # curvature: the cell-mean residuals against quadratic and cubic terms in log x
    Uc = np.unique(U, axis=0)
    Z = (Uc - Uc.mean(axis=0)) / np.where(np.ptp(Uc, axis=0) > 0, np.ptp(Uc, axis=0), 1.0)
    feats = [np.ones(c)] + [Z[:, j] for j in range(Z.shape[1])]
    extra = [Z[:, j] ** 2 for j in range(Z.shape[1])] + \
        ([Z[:, 0] ** 3] if Z.shape[1] == 1 else [Z[:, 0] * Z[:, 1]])
    order = np.unique(U, axis=0, return_inverse=True)[1].ravel()
    m = np.bincount(order, weights=r, minlength=c) / np.bincount(order, minlength=c)
    w = np.bincount(order, minlength=c).astype(float)
    X0, X1 = np.stack(feats, axis=1), np.stack(feats + extra, axis=1)
    curv = None
    dof1 = c - X1.shape[1]
    if dof1 >= 2 and c > p + len(extra):
        sw = np.sqrt(w)
        rss = [float(((sw * (m - M @ np.linalg.lstsq(M * sw[:, None], m * sw, rcond=None)[0]))
                      ** 2).sum()) for M in (X0, X1)]
        # with replicates, the within-cell variance is the error scale; else the fit's own
        if n > c:
            s2 = float(((r - means[cells]) ** 2).sum()) / (n - c)
            dof_e = n - c
        else:
            s2 = rss[1] / dof1
            dof_e = dof1
        if s2 > 0:
            F = ((rss[0] - rss[1]) / len(extra)) / s2
            curv = float(stats.f.sf(F, len(extra), dof_e))
    return lof, curv


def fit_law(data: object = None, *, x: object = None, y: object = None,
            group: object = None, model: str = "power", breaks: int = 1,
            offset: bool = False, delta: float | None = None, confidence: float = 0.95,
            bootstrap: str | None = "auto", n_resamples: int = 199,
            rng: int | np.random.Generator | None = 0,
            x_names: Sequence[str] | None = None) -> LawFit:
    """Fit a scaling law in log space, robustly, from a grid of starts (FIT.9)-(FIT.13).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        With it, ``x`` (a column name or list of names), ``y`` and ``group`` are columns.
    x : array_like, shape (n,) or (n, d)
        Sizes, positive and finite: one column (``N``) or two (``N, D`` for chinchilla).
    y : array_like, shape (n,)
        Losses, positive and finite; rows may repeat a size (seeds).
    group : array_like, shape (n,), optional
        Seed or run labels; with ``bootstrap="groups"`` whole groups are resampled.
    model : str
        One of :data:`MODELS`: ``"power"`` :math:`A x^{-\\alpha}`, ``"offset"``
        :math:`E + A x^{-\\alpha}`, ``"broken"`` (FIT.9) with ``breaks`` breaks and an
        optional ``offset``, ``"chinchilla"`` :math:`E + A N^{-\\alpha} + B D^{-\\beta}`
        (FIT.10).
    breaks : int
        Number of breaks of the broken power law (1 to 3).
    offset : bool
        Add an offset ``E`` to the broken power law.
    delta : float, optional
        Huber threshold in log units (FIT.11). ``None``: :math:`1.345\\hat\\sigma`, with
        :math:`\\hat\\sigma` the median-absolute-deviation scale of a least-squares fit's
        residuals.
    confidence : float
        Level of every interval, in (0, 1).
    bootstrap : {"auto", "cells", "groups", None}
        Cluster bootstrap route (FIT.12): resample size cells (all rows of a cell
        together), or groups (seeds). ``"auto"``: groups when there are at least 10, else
        cells. ``None``: the analytic intervals only.
    n_resamples : int
        Bootstrap resamples (>= 49).
    rng : int or numpy.random.Generator, optional
        Bootstrap seed.
    x_names : sequence of str, optional
        Names of the size columns for the messages (default: the DataFrame's columns, or
        ``x[:, j]``).

    Returns
    -------
    LawFit

    Raises
    ------
    ValueError
        Non-positive or non-finite data, fewer distinct size cells than the model needs
        (identifiability), an unknown model.

    Examples
    --------
    >>> N = np.geomspace(1e6, 1e9, 6); D = np.geomspace(1e8, 1e11, 6)
    >>> NN, DD = (a.ravel() for a in np.meshgrid(N, D))
    >>> L = 1.7 + 400 * NN**-0.34 + 410 * DD**-0.28
    >>> fit = fit_law(x=np.column_stack([NN, DD]), y=L, model="chinchilla", bootstrap=None)
    >>> round(fit.params["alpha"], 6), round(fit.params["E"], 6)
    (0.34, 1.7)
    """
    if model not in MODELS:
        raise ValueError(f"`model` must be one of {MODELS}; got {model!r}")
    X, Y, G, columns = _law_inputs(data, x, y, group)
    if x_names is not None:
        columns = tuple(map(str, x_names))
        if len(columns) != X.shape[1]:
            raise ValueError(f"`x_names` must name the {X.shape[1]} size column(s); got "
                             f"{x_names!r}")
    dims = 2 if model == "chinchilla" else 1
    if X.shape[1] != dims:
        raise ValueError(f"model {model!r} needs {dims} size column(s) in `x`; got "
                         f"{X.shape[1]}")
    k = check_int("breaks", breaks, minimum=1) if model == "broken" else 0
    if k > 3:
        raise ValueError(f"`breaks` must be at most 3; got {k}")
    if not isinstance(offset, bool):
        raise TypeError(f"`offset` must be a bool; got {offset!r}")
    confidence = check_real("confidence", confidence, gt=0, lt=1)
    n_resamples = check_int("n_resamples", n_resamples, minimum=49)
    if bootstrap not in ("auto", "cells", "groups", None):
        raise ValueError(f"`bootstrap` must be 'auto', 'cells', 'groups' or None; got "
                         f"{bootstrap!r}")
    law = _Law(model, dims, k, offset and model == "broken")
    U, v = np.log(X), np.log(Y)  # everything below works on logs: no overflow (FIT.11)
    cells = _cells(U)
    n_cells = int(cells.max()) + 1
    for j in range(dims):
        distinct = np.unique(U[:, j]).size
        need = 3 if model != "power" else 2
        if distinct < need:
            raise ValueError(f"size column {columns[j]} has {distinct} distinct value(s); the "
                             f"{model} law needs at least {need} to be identifiable")
    if n_cells < law.min_cells():
        raise ValueError(f"the {model} law has {len(law.theta_names)} parameters and needs "
                         f"at least {law.min_cells()} distinct size cells; got {n_cells}")
    bounds = law.bounds(U, v)
    starts = law.starts(U, v)
    ls_delta = float(np.ptp(v)) * 10 + 1.0  # above every residual: least squares
    theta, _, first = _multistart(law, U, v, ls_delta, bounds, starts)
    if delta is None:
        r = v - law.log_f(theta, U)[0]
        sigma = 1.4826 * float(np.median(np.abs(r - np.median(r))))
        delta = max(_HUBER_K * sigma, 1e-12)
    else:
        delta = check_real("delta", delta, gt=0)
    theta, loss, landscape = _multistart(law, U, v, delta, bounds,
                                         [theta] + [np.array(t) for _, t in first[1:4]])
    cov = _covariance(law, theta, U, v, delta)
    p = len(theta)
    tq = float(stats.t.ppf(0.5 + confidence / 2, max(U.shape[0] - p, 1)))
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    a_lo, a_hi = _natural(law, theta - tq * se), _natural(law, theta + tq * se)
    values = _natural(law, theta)
    if not np.isfinite(values).all():
        bad = ", ".join(np.array(law.names)[~np.isfinite(values)])
        raise ValueError(f"the fitted {bad} is beyond the float range (log = "
                         f"{float(np.max(theta[law.logged])):.6g}); divide the sizes or the "
                         "losses by a constant")
    warnings: list[str] = []
    # the bootstrap: resampling units are cells or groups (FIT.12)
    n_groups = 0 if G is None else int(np.unique(G).size)
    route = bootstrap
    if route == "auto":
        route = "groups" if n_groups >= _MIN_CLUSTERS else "cells"
    if route == "groups" and G is None:
        raise ValueError("`bootstrap='groups'` needs `group` labels")
    boot: list[tuple[float, ...]] = []
    b_iv = None
    if route is not None:
        units = cells if route == "cells" else np.unique(G, return_inverse=True)[1].ravel()
        n_units = int(units.max()) + 1
        check_seconds("n_resamples", n_resamples, 2e5 * n_resamples * (1 + U.shape[0] / 50),
                      hint="use fewer resamples")
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
            check_int("rng", rng, minimum=0) if rng is not None else None)
        members = [np.flatnonzero(units == i) for i in range(n_units)]
        for _ in range(n_resamples):
            pick = gen.integers(0, n_units, n_units)
            idx = np.concatenate([members[i] for i in pick])
            Ub, vb = U[idx], v[idx]
            if any(np.unique(Ub[:, j]).size < 2 for j in range(dims)):
                continue  # a resample that cannot identify the law
            boot.append(tuple(map(float, _polish(law, theta, Ub, vb, delta, bounds))))
        if len(boot) < n_resamples // 2:
            raise ValueError(f"only {len(boot)} of {n_resamples} bootstrap resamples could "
                             "identify the law; use more cells or bootstrap=None")
        B = np.array(boot)
        q = 0.5 + confidence / 2
        lo_t, hi_t = np.quantile(B, 1 - q, axis=0), np.quantile(B, q, axis=0)
        outside = (theta < lo_t) | (theta > hi_t)
        if outside.any():
            warnings.append("the estimate of " + ", ".join(np.array(law.names)[outside])
                            + " lies outside its bootstrap percentile interval (a skewed or "
                            "biased bootstrap distribution); prefer the analytic interval")
        b_iv = tuple(zip(map(float, _natural(law, lo_t)), map(float, _natural(law, hi_t)),
                         strict=True))
        if n_units < _MIN_CLUSTERS:
            warnings.append(f"only {n_units} {'size cells' if route == 'cells' else 'seeds'} "
                            f"to resample (fewer than {_MIN_CLUSTERS}): the bootstrap "
                            "interval is rough; add seeds or sizes")
    if G is not None and n_groups < 3:
        warnings.append(f"only {n_groups} seed(s): too few seeds for the seed-to-seed "
                        "spread, and so the intervals, to mean much (use at least 3)")
    if not np.isfinite(se).all():
        warnings.append("the covariance is singular: some parameters are not determined "
                        "by these data (analytic intervals are infinite)")
    lof, curv = _misfit_tests(law, theta, U, v, cells)
    for label, pv in (("lack-of-fit (replicates)", lof), ("residual-curvature", curv)):
        if pv is not None and pv < MISFIT_P:
            warnings.append(f"the {model} law looks misspecified: {label} test p = {pv:.2g} "
                            f"(< {MISFIT_P:g}); try another model form")
    rivals = [t for f, t in landscape[1:]
              if f <= loss * 1.01 + 1e-12 * delta ** 2
              and np.max(np.abs(np.array(t) - theta) / np.maximum(np.abs(theta), 1e-3)) > 0.1]
    if rivals:
        warnings.append(f"{len(rivals)} other start(s) reached a loss within 1% of the best "
                        "with parameters over 10% away: the landscape is flat or multimodal")
    hull = tuple((float(X[:, j].min()), float(X[:, j].max())) for j in range(dims))
    return LawFit(
        model=model, names=law.names, values=tuple(map(float, values)),
        theta=tuple(map(float, theta)),
        analytic_intervals=tuple(zip(map(float, a_lo), map(float, a_hi), strict=True)),
        bootstrap_intervals=b_iv,
        interval_method="analytic" if route is None else f"bootstrap-{route}",
        confidence=confidence, covariance=tuple(map(tuple, cov.tolist())),
        bootstrap_thetas=tuple(boot), loss=float(loss), delta=float(delta),
        landscape=tuple(landscape), n_starts=len(starts), n_points=int(U.shape[0]),
        n_cells=n_cells, n_groups=n_groups, lack_of_fit_p=lof, curvature_p=curv, hull=hull,
        warnings=tuple(warnings), x=tuple(map(tuple, X.tolist())), y=tuple(map(float, Y)),
        breaks=k, offset=law.offset)


# ---- compute-optimal allocation (FIT.14) -------------------------------------------------

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
