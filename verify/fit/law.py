"""The scaling-law fit :func:`fit_law` and its result :class:`LawFit` (FIT.9)-(FIT.13).

One- and two-variable law forms (:mod:`verify.fit.laws`) fitted in log space by the
robust multi-start fit (:mod:`verify.fit.estimate`), with analytic and cluster-bootstrap
intervals (:mod:`verify.fit.intervals`) and misspecification and extrapolation
diagnostics (:mod:`verify.fit.diagnostics`); see docs/fitting.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from asymptotics._lib.validation import check_int, check_real, check_real_array
from verify.fit._numeric import _exp
from verify.fit.diagnostics import (
    EXTRAPOLATION_DECADES,
    MISFIT_P,
    _cells,
    _extrapolation,
    _misfit_tests,
)
from verify.fit.estimate import _HUBER_K, _multistart
from verify.fit.intervals import (
    _MIN_CLUSTERS,
    _cluster_bootstrap,
    _covariance,
    _expanded_level,
)
from verify.fit.laws import MODELS, TWO_VARIABLE, _Law, _natural

__all__ = ["LawFit", "LawPrediction", "fit_law"]


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
        One line per query past :data:`~verify.fit.diagnostics.EXTRAPOLATION_DECADES`.
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
        One of :data:`~verify.fit.laws.MODELS`.
    names, values : tuple
        Natural parameter names (``A``, ``alpha``, ``E``, ...) and fitted values.
    theta : tuple of float
        The fitted parameters in the fitting parametrization (logs of the scales).
    analytic_intervals : tuple of (float, float)
        Intervals from Huber's Gauss-Newton covariance (FIT.12), Student-t quantile.
    bootstrap_intervals : tuple of (float, float) or None
        Expanded percentile intervals of the cluster bootstrap (FIT.12), ``None`` if not
        run.
    bootstrap_level : float or None
        The percentile level behind them, above ``confidence`` for few clusters (FIT.12):
        :meth:`predict` and :func:`~verify.fit.allocation.compute_optimal` use it too.
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
    bootstrap_level: float | None = None

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
            q = 0.5 + self.bootstrap_level / 2
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
        Sizes, positive and finite: one column (``N``) or two (``N, D`` for the forms
        of :data:`~verify.fit.laws.TWO_VARIABLE`).
    y : array_like, shape (n,)
        Losses, positive and finite; rows may repeat a size (seeds).
    group : array_like, shape (n,), optional
        Seed or run labels; with ``bootstrap="groups"`` whole groups are resampled.
    model : str
        One of :data:`~verify.fit.laws.MODELS`: ``"power"`` :math:`A x^{-\\alpha}`,
        ``"offset"`` :math:`E + A x^{-\\alpha}`, ``"broken"`` (FIT.9) with ``breaks``
        breaks and an optional ``offset``, ``"chinchilla"``
        :math:`E + A N^{-\\alpha} + B D^{-\\beta}` (FIT.10), ``"kaplan"``
        :math:`((N_c/N)^{\\alpha_N/\\alpha_D} + D_c/D)^{\\alpha_D}` (FIT.15), ``"rf"``
        :math:`A \\min(P,D)^{-\\alpha} \\max(P,D)/|P-D|` (FIT.16).
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
    dims = 2 if model in TWO_VARIABLE else 1
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
    if model == "rf" and (U[:, 0] == U[:, 1]).any():
        i = int(np.flatnonzero(U[:, 0] == U[:, 1])[0])
        raise ValueError(f"the rf law diverges at {columns[0]} = {columns[1]} (FIT.16); row {i} "
                         f"has both {float(X[i, 0])!r}: drop the rows at the peak")
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
    b_iv, level = None, None
    if route is not None:
        units = cells if route == "cells" else np.unique(G, return_inverse=True)[1].ravel()
        n_units = int(units.max()) + 1
        boot = _cluster_bootstrap(law, theta, U, v, delta, bounds, units, n_resamples, rng)
        if len(boot) < n_resamples // 2:
            raise ValueError(f"only {len(boot)} of {n_resamples} bootstrap resamples could "
                             "identify the law; use more cells or bootstrap=None")
        B = np.array(boot)
        level = _expanded_level(confidence, n_units)  # docs/fitting.md (FIT.12)
        q = 0.5 + level / 2
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
        breaks=k, offset=law.offset, bootstrap_level=level)
