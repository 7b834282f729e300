"""Pure matplotlib figure builders (no file I/O; :mod:`verify.output.report` saves figures).

Every figure shows the claim its scenario checks (docs/fitting.md (CMP.1)): the measured
points with their standard errors, the theory, the fit over its window, and the predicted
slope with the band of the comparison drawn as a shaded wedge around it, pivoting on the
fit at the middle of the window; the fit agrees when its slope lies in the wedge within
its confidence interval. What a scenario adds is declared in its
:class:`~verify.scenarios.base.FigureSpec` (the outcome's ``extra["figure"]``): the
variance-limited figures draw the excess :math:`E - E_\\infty`, double descent is drawn
against :math:`P/D` across the peak, spectra show each seed's eigenvalues and the exact
spectrum at every rank. An outcome without one (a scenario module this file does not
know) gets the log-log figure of its measurement alone (the excess when its fit has an
offset).

The building blocks take ``ax=`` (:func:`plot_points`, :func:`plot_theory`,
:func:`plot_slope_band`, :func:`loglog_figure`, :func:`outcome_figure`) so users compose
their own figures; a theory curve is drawn without standard errors.

matplotlib is an optional dependency (the ``plots`` extra). It is imported lazily, and
a missing installation raises an ``ImportError`` that says how to install it. Figures are
built with ``matplotlib.figure.Figure`` directly, never ``pyplot``, so no global state or
interactive backend is involved and figures are freed like any Python object.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from asymptotics._lib.validation import check_real, check_real_array

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["loglog_figure", "outcome_figure", "outcome_figures", "overview_figure",
           "plot_points", "plot_slope_band", "plot_theory", "require_matplotlib"]

#: How each verdict is marked: (text, colour).
_MARKS = {"agree": ("\u2713 agree", "#1a7f37"), "disagree": ("\u2717 disagree", "#cf222e"),
          "skipped": ("\u2013 skipped", "0.35")}
_BAND_COLOR = "C2"


def require_matplotlib() -> Any:
    """Return the ``matplotlib.figure`` module, or raise a clear ``ImportError``."""
    try:
        from matplotlib import figure
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError("figures need matplotlib, an optional dependency: install it with "
                          "`pip install 'scaling-law-toolkit[plots]'`") from exc
    return figure


def _num(v: float, digits: int = 4) -> str:
    """``v`` to ``digits`` significant digits, never ``-0``."""
    text = f"{v:.{digits}g}"
    return "0" if text in ("-0", "0", "+0") else text


def _slope_text(alpha: float) -> str:
    """The slope ``-alpha`` of a log-log line, as a legend says it."""
    if _num(alpha) == "0":
        return "flat (exponent 0)"
    return f"slope $-{_num(alpha)}$" if alpha > 0 else f"slope $+{_num(-alpha)}$"


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (6.0, 4.4)) -> Axes:
    if ax is not None:
        if not hasattr(ax, "errorbar") or not hasattr(ax, "figure"):
            raise TypeError(f"`ax` must be a matplotlib Axes; got {type(ax).__name__}")
        return ax
    figure = require_matplotlib()
    return figure.Figure(figsize=figsize, layout="constrained").add_subplot()


def _loglog(ax: Axes) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log", nonpositive="clip")


def plot_points(ax: Axes, x: object, y: object, stderr: object = None, *,
                label: str = "simulation (mean \u00b1 s.e.)", color: str = "C0",
                marker: str = "o", filled: bool = True) -> Axes:
    """Simulated points on ``ax``, with ±1 standard-error bars when ``stderr`` is given.

    A lower bar that would cross zero runs off the bottom of a log axis (the point itself
    is never moved). Returns ``ax``.
    """
    x = check_real_array("x", x, positive=True)
    y = check_real_array("y", y, positive=True)
    if y.shape != x.shape:
        raise ValueError(f"`y` must have the shape of `x` {x.shape}; got {y.shape}")
    face = color if filled else "none"
    if stderr is None:
        ax.plot(x, y, marker, ms=4, color=color, mfc=face, ls="none", label=label, zorder=3)
        return ax
    se = check_real_array("stderr", stderr, nonnegative=True)
    if se.shape != x.shape:
        raise ValueError(f"`stderr` must have the shape of `x` {x.shape}; got {se.shape}")
    lower = np.minimum(se, y * (1 - 1e-9))  # display only: keep the bar's end positive
    ax.errorbar(x, y, yerr=np.stack([lower, se]), fmt=marker, ms=4, capsize=2, color=color,
                mfc=face, label=label, zorder=3)
    return ax


def plot_theory(ax: Axes, x: object, y: object, *, label: str = "theory",
                color: str = "C1", steps: bool = False, **style: Any) -> Axes:
    """A theory curve on ``ax``: a line, no error bars (``steps``: one level per ``x``,
    for a spectrum with degenerate eigenvalues). Non-finite or non-positive values (a
    divergence) are left as gaps. Returns ``ax``."""
    x = check_real_array("x", x, positive=True)
    y = np.asarray(y, dtype=float)
    if y.shape != x.shape:
        raise ValueError(f"`y` must have the shape of `x` {x.shape}; got {y.shape}")
    shown = np.where(np.isfinite(y) & (y > 0), y, np.nan)
    if not np.isfinite(shown).any():
        raise ValueError("`y` has no finite positive value to draw")
    ax.plot(x, shown, "-", color=color, label=label, lw=1.6,
            drawstyle="steps-mid" if steps else "default", **style)
    return ax


def plot_slope_band(ax: Axes, window: Sequence[float], pivot: Sequence[float], slope: float,
                    band: float = 0.0, *, label: str | None = None,
                    color: str = _BAND_COLOR) -> Axes:
    """The predicted slope ``-slope`` through ``pivot = (x0, y0)`` over ``window = (lo, hi)``,
    with the comparison's band drawn as the shaded wedge of the slopes
    ``-(slope ± band)`` (docs/fitting.md (CMP.1)). Returns ``ax``."""
    lo, hi = (check_real("window[0]", window[0], gt=0), check_real("window[1]", window[1], gt=0))
    x0, y0 = check_real("pivot[0]", pivot[0], gt=0), check_real("pivot[1]", pivot[1], gt=0)
    slope = check_real("slope", slope)
    band = check_real("band", band, ge=0)
    if not lo < hi:
        raise ValueError(f"`window` must have lo < hi; got ({lo!r}, {hi!r})")
    xs = np.geomspace(lo, hi, 60)
    if label is None:
        label = (f"predicted {_slope_text(slope)}"
                 + (f" \u00b1 {_num(band, 2)} (band)" if band > 0 else ""))
    if band > 0:
        steep, shallow = y0 * (xs / x0) ** (-(slope + band)), y0 * (xs / x0) ** (-(slope - band))
        ax.fill_between(xs, steep, shallow, color=color, alpha=0.22, lw=0, zorder=1)
    ax.plot(xs, y0 * (xs / x0) ** (-slope), "--", color=color, lw=1.4, label=label, zorder=2)
    return ax


def _xticks(ax: Axes, x: np.ndarray) -> None:
    from matplotlib.ticker import NullFormatter
    step = max(1, -(-len(x) // 7))          # at most 7 labels: one per measured size
    ax.set_xticks(x[::step], [f"{v:g}" for v in x[::step]], fontsize="small")
    ax.xaxis.set_minor_formatter(NullFormatter())


def _compact_ticks(ax: Axes, x: np.ndarray) -> None:
    from matplotlib.ticker import NullFormatter
    step = max(1, -(-len(x) // 3))          # a small panel: at most 3 size labels
    ax.set_xticks(x[::step], [f"{v:g}" for v in x[::step]])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(which="both", labelsize=6)


def _set_bottom(ax: Axes, y: np.ndarray, se: np.ndarray | None, extra: Sequence[np.ndarray]):
    if se is None:
        bottoms = [y]
    else:  # bars crossing zero run off the bottom edge instead of stretching it to 1e-9
        bottoms = [np.where(y - se <= 0, y / 3, y - se)]
    bottoms += [e[np.isfinite(e) & (e > 0)] for e in extra]
    values = np.concatenate(bottoms)
    if values.size:  # else matplotlib's own limits (nothing positive to show)
        ax.set_ylim(bottom=float(values.min()) / 1.3)


def loglog_figure(x: object, mean: object, stderr: object = None, *,
                  predicted_curve: Sequence[object] | None = None,
                  predicted_slope: float | None = None, fit: object = None,
                  band: float = 0.0, shift: float = 0.0,
                  title: str, xlabel: str = "size", ylabel: str = "excess error E",
                  ax: Axes | None = None) -> Figure:
    """Log-log plot of a measured curve against its prediction.

    Draws the measured means (with ±1 standard-error bars when ``stderr`` is given), the
    predicted curve if given, the predicted slope :math:`-(\\alpha_{\\rm pred} + s)` with
    its ``band`` as a shaded wedge over the fit's window, pivoting on the fit at the
    window's geometric middle (on the data's when there is no fit), the asymptotic slope
    :math:`-\\alpha_{\\rm pred}` too when ``shift`` ``s`` is not 0, and the fitted power
    law over its window if ``fit`` (a ``PowerLawFit``) is given.

    Parameters
    ----------
    x, mean : array_like, shape (n,)
        Sizes and mean losses (positive).
    stderr : array_like, shape (n,), optional
        Standard errors (non-negative); ``None``: points without bars.
    predicted_curve : (x, y), optional
        A predicted curve (positive arrays), drawn as a line.
    predicted_slope : float, optional
        The predicted exponent :math:`\\alpha` (the line has slope :math:`-\\alpha`).
    fit : PowerLawFit, optional
        A fit whose curve :math:`A x^{-\\alpha} + L_\\infty` is drawn on its window.
    band, shift : float
        The comparison's band and signed finite-window shift (docs/fitting.md (CMP.1)).
    title, xlabel, ylabel : str
        Labels (keyword-only; ``title`` is required).
    ax : matplotlib Axes, optional
        Draw on it (and return its figure) instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = check_real_array("x", x, positive=True)
    mean = check_real_array("mean", mean, positive=True)
    if mean.shape != x.shape:
        raise ValueError(f"`mean` must have the shape of `x` {x.shape}; got {mean.shape}")
    se = None
    if stderr is not None:
        se = check_real_array("stderr", stderr, nonnegative=True)
        if se.shape != x.shape:
            raise ValueError(f"`stderr` must have the shape of `x` {x.shape}; got {se.shape}")
    curve = _curve_iv(predicted_curve)
    slope = None if predicted_slope is None else check_real("predicted_slope", predicted_slope)
    band, shift = check_real("band", band, ge=0), check_real("shift", shift)
    if not isinstance(title, str):
        raise TypeError(f"`title` must be a string; got {title!r}")
    ax = _new_axes(ax)
    _loglog(ax)
    plot_points(ax, x, mean, se,
                label="simulation (mean \u00b1 s.e.)" if se is not None else "simulation")
    if curve is not None:
        plot_theory(ax, *curve, label="prediction")
    if slope is not None:
        window = _window(fit, x)
        x0 = math.sqrt(window[0] * window[1])
        y0 = float(fit.predict(x0)[0]) if fit is not None else \
            float(np.exp(np.interp(np.log(x0), np.log(x), np.log(mean))))
        plot_slope_band(ax, window, (x0, y0), slope + shift, band,
                        label=None if band or shift else f"predicted {_slope_text(slope)}")
        if shift:
            plot_slope_band(ax, window, (x0, y0), slope, 0.0, color="0.45",
                            label=f"asymptotic {_slope_text(slope)}")
    if fit is not None:
        xs = np.geomspace(*_window(fit, x), 100)
        ax.plot(xs, fit.predict(xs), ":", color="C3", lw=1.8, label=_fit_text(fit))
    _set_bottom(ax, mean, se, [] if curve is None else [curve[1]])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize="medium")
    _xticks(ax, x)
    ax.legend(fontsize="small")
    return ax.figure


def _curve_iv(predicted_curve: object) -> tuple[np.ndarray, np.ndarray] | None:
    if predicted_curve is None:
        return None
    if not isinstance(predicted_curve, Sequence) or len(predicted_curve) != 2:
        raise TypeError("`predicted_curve` must be a pair (x, y) of arrays; got "
                        f"{type(predicted_curve).__name__}")
    cx = check_real_array("predicted_curve[0]", predicted_curve[0], min_size=2, positive=True)
    cy = check_real_array("predicted_curve[1]", predicted_curve[1], min_size=2, positive=True)
    if cx.shape != cy.shape:
        raise ValueError(f"`predicted_curve` x and y must have one shape; got {cx.shape} and "
                         f"{cy.shape}")
    return cx, cy


def _window(fit: Any, x: np.ndarray) -> tuple[float, float]:
    if fit is None:
        return float(x[0]), float(x[-1])
    return max(float(fit.window[0]), float(x[0])), min(float(fit.window[1]), float(x[-1]))


def _fit_text(fit: Any) -> str:
    lo, hi = fit.alpha_ci
    return (f"fit $\\alpha = {_num(fit.alpha)}$, {fit.confidence:.0%} CI "
            f"[{_num(lo, 3)}, {_num(hi, 3)}]")


# --------------------------------------------------------------------------------------
# Outcomes: the claim of one scenario, drawn from its measurement and its FigureSpec
# --------------------------------------------------------------------------------------
def _spec(outcome: Any) -> Any:
    from verify.scenarios.base import FigureSpec
    data = outcome.extra.get("figure") if isinstance(outcome.extra, dict) else None
    if data is not None:
        try:
            return FigureSpec.from_data(data)
        except (TypeError, ValueError) as exc:  # a figure never stops the report
            warnings.warn(f"{outcome.name}: `extra['figure']` is not a FigureSpec ({exc}); "
                          "drawing the default figure", RuntimeWarning, stacklevel=3)
    # a scenario this module does not know: its measurement alone
    return FigureSpec(kind="excess" if outcome.fit.offset_fitted else "loglog")


def _mark(outcome: Any) -> tuple[str, str]:
    return _MARKS.get(outcome.verdict.label, (outcome.verdict.label, "0.35"))


def _prediction_text(o: Any) -> str:
    e = o.exponent
    shifted = f" ({_num(e.predicted + e.shift)} on this window)" if e.shift else ""
    return f"predicted {_num(e.predicted)}{shifted}, measured {_num(o.fit.alpha)}"


def _draw_claim(ax: Axes, o: Any, spec: Any, *, compact: bool = False) -> None:
    """The fitted window on log-log axes: points, theory, fit, predicted slope and band."""
    _loglog(ax)
    x = np.asarray(o.curve.x, dtype=float)
    mean = np.asarray(o.curve.mean, dtype=float)
    se = np.asarray(o.curve.stderr, dtype=float)
    excess = spec.kind == "excess"
    # double descent: this scenario's colour on its P/D panel, for its points here too
    own = next((s.color for s in spec.series if s.stderr and s.color), "C0") \
        if spec.kind == "double_descent" else "C0"
    fitted_offset = float(o.fit.offset) if o.fit.offset_fitted else 0.0
    sub = fitted_offset if excess else 0.0
    y = mean - sub
    shown = y > 0
    lines: list[np.ndarray] = []
    if spec.kind == "spectrum" and o.curve.losses.ndim == 2 and not compact:
        per_seed = np.asarray(o.curve.losses, dtype=float)
        for k, row in enumerate(per_seed):
            ok = row > 0
            ax.plot(x[ok], row[ok], "_", ms=9, mew=1.2, color="k", alpha=0.7, zorder=5,
                    label=f"each of {len(per_seed)} seeds" if k == 0 else None)
    theory_offset = (spec.offset if spec.offset is not None else fitted_offset) if excess else 0.0
    dense = [s for s in spec.series if not s.stderr] if spec.kind != "double_descent" else []
    for k, s in enumerate(dense):
        ty = np.asarray(s.y) - theory_offset
        lines.append(ty)
        if (ty > 0).any():
            plot_theory(ax, s.x, ty, label=s.label if not excess else
                        f"{s.label} $-$ its $E_\\infty$", color=s.color or f"C{1 + k}",
                        steps=spec.kind == "spectrum")
    if not dense and o.predicted_curve is not None:
        ty = np.asarray(o.predicted_curve[1], dtype=float) - theory_offset
        lines.append(ty)
        if (ty > 0).sum() >= 2:
            plot_theory(ax, np.asarray(o.predicted_curve[0])[ty > 0], ty[ty > 0],
                        label="theory on the measured grid", marker=".",
                        color="C1" if own == "C0" else "0.3")
    if not compact:
        for s in spec.series:
            if s.stderr and spec.kind != "double_descent":
                plot_points(ax, s.x, s.y, s.stderr, label=s.label, color=s.color or "C4",
                            marker="s", filled=False)
    if shown.any():
        many = o.curve.losses.shape[0] if np.ndim(o.curve.losses) == 2 else 1
        small = bool((se[shown] < 0.04 * y[shown]).all())
        label = (f"simulation (mean \u00b1 s.e., {many} seeds"
                 + (", bars within the markers" if small else "") + ")")
        plot_points(ax, x[shown], y[shown], se[shown], label=label, color=own)
    window = _window(o.fit, x)
    x0 = math.sqrt(window[0] * window[1])
    y0 = float(o.fit.predict(x0)[0]) - sub
    e = o.exponent
    if y0 > 0:
        ends = np.array([window[0], window[1]])
        lines += [y0 * (ends / x0) ** (-(e.predicted + e.shift + k * e.band)) for k in (-1, 1)]
        plot_slope_band(ax, window, (x0, y0), e.predicted + e.shift, e.band,
                        label=(f"predicted {_slope_text(e.predicted + e.shift)}"
                               + (" on this window" if e.shift else "")
                               + (f" \u00b1 {_num(e.band, 2)} (band)" if e.band else "")))
        if e.shift and not compact:
            plot_slope_band(ax, window, (x0, y0), e.predicted, 0.0, color="0.45",
                            label=f"asymptotic {_slope_text(e.predicted)}")
    xs = np.geomspace(*window, 100)
    fy = o.fit.predict(xs) - sub
    ax.plot(xs[fy > 0], fy[fy > 0], ":", color="C3", lw=1.8, label=_fit_text(o.fit), zorder=4)
    _set_bottom(ax, y[shown] if shown.any() else fy[fy > 0],
                se[shown] if shown.any() else None, lines)
    if (~shown).any() and ax.get_ylim()[0] > 0:  # at or below the fitted offset: marked
        # on the bottom edge
        bottom = ax.get_ylim()[0]
        ax.plot(x[~shown], np.full((~shown).sum(), bottom * 1.15), "v", color="C0",
                ms=5, ls="none", label="mean $\\leq E_\\infty$ (not on a log axis)")
    ylabel = spec.ylabel or o.curve.ylabel
    if excess and not compact:
        ylabel = (ylabel.replace("$E$", "$E - E_\\infty$") if "$E$" in ylabel
                  else f"{ylabel} $- E_\\infty$")
        note = f"points, fit: $E_\\infty$ = {_num(fitted_offset)} (fitted)"
        if spec.offset is not None:
            note += (f"\ntheory: $E_\\infty$ = {_num(spec.offset)}"
                     + (f" ({spec.offset_source})" if spec.offset_source else ""))
        ax.text(0.02, 0.03, note, transform=ax.transAxes, fontsize="x-small", va="bottom",
                ha="left", color="0.25")
    if compact:
        _compact_ticks(ax, x)
        ax.set_xlabel(o.curve.xlabel, fontsize="x-small", labelpad=1)
        return
    ax.set_xlabel(o.curve.xlabel)
    ax.set_ylabel(ylabel)
    _xticks(ax, x)
    ax.legend(fontsize="x-small", loc="best")


def _draw_across_peak(ax: Axes, o: Any, spec: Any, companions: Sequence[Any] = (), *,
                      compact: bool = False) -> None:
    """Double descent: theory lines and simulated points against ``spec.xlabel`` (P/D)."""
    ax.set_xscale("log")
    ax.set_yscale("log", nonpositive="clip")
    points = []
    for s in spec.series:
        if not s.stderr:
            plot_theory(ax, s.x, s.y, label=s.label, color=s.color or "C1")
    for other, ospec in [(o, spec), *companions]:
        for s in ospec.series:
            if s.stderr:
                plot_points(ax, s.x, s.y, s.stderr, label=s.label, color=s.color or "C0",
                            marker="o" if other is o else "s", filled=other is o)
                points.append(np.asarray(s.y))
    if points:
        top = max(float(p.max()) for p in points)
        low = min(float(p.min()) for p in points)
        ax.set_ylim(low / 2.0, top * 3.0)
    if spec.vline is not None:
        ax.axvline(spec.vline, color="0.5", lw=0.8, ls="--",
                   label=None if compact else "interpolation threshold P = D")
    from matplotlib.ticker import FixedLocator, NullFormatter
    ticks = [t for t in (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
             if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks], fontsize="x-small" if compact else "small")
    ax.xaxis.set_minor_formatter(NullFormatter())
    if compact:
        ax.tick_params(which="both", labelsize=6)
        ax.set_xlabel(spec.xlabel or o.curve.xlabel, fontsize="x-small", labelpad=1)
        return
    ax.set_xlabel(spec.xlabel or o.curve.xlabel)
    ax.set_ylabel(spec.ylabel or o.curve.ylabel)
    ax.legend(fontsize="x-small", loc="best")


def outcome_figure(outcome: Any, *, ax: Axes | None = None,
                   companions: Iterable[Any] = ()) -> Figure:
    """The report's figure of one scenario outcome (a
    :class:`~verify.scenarios.base.ScenarioOutcome`), titled with the verdict, the predicted
    exponent (and its value on the measured window when the comparison was shifted) and the
    measured one.

    The claim's panel: points, theory, the fit and the predicted slope with the band
    around it (docs/fitting.md (CMP.1)); ``"excess"`` figures draw :math:`E - E_\\infty`.
    A ``"double_descent"`` figure adds, on the left, the loss against :math:`P/D` across
    the peak with the theory lines and the simulated points of its ``companions`` (other
    outcomes of its group) too. With ``ax``, only the main panel is drawn, on ``ax``.
    """
    o = outcome
    spec = _spec(o)
    companions = [(c, _spec(c)) for c in companions if c is not o]
    text, color = _mark(o)
    two = spec.kind == "double_descent" and ax is None
    if ax is None:
        figure = require_matplotlib()
        fig = figure.Figure(figsize=(10.5, 4.4) if two else (6.0, 4.6), layout="constrained")
        axes = fig.subplots(1, 2) if two else [fig.add_subplot()]
    else:
        axes = [_new_axes(ax)]
    if spec.kind == "double_descent":
        _draw_across_peak(axes[0], o, spec, companions)
        if two:
            _draw_claim(axes[1], o, spec)
            axes[1].set_title(f"fitted window: {o.curve.xlabel}", fontsize="small")
    else:
        _draw_claim(axes[0], o, spec)
    head = f"{o.name}" + (f" ({spec.panel})" if spec.panel and ax is None else "")
    target = axes[0].figure if two else axes[0]
    if two:
        target.suptitle(f"{head}: {_prediction_text(o)}", fontsize="medium")
        axes[0].set_title(text, loc="right", color=color, fontsize="medium",
                          fontweight="bold")
    else:
        axes[0].set_title(f"{head}\n{_prediction_text(o)}", fontsize="medium", loc="left")
        axes[0].set_title(f"{text}\n", loc="right", color=color, fontsize="medium",
                          fontweight="bold")   # on the name's line, clear of the numbers
    return axes[0].figure


def overview_figure(outcomes: Iterable[Any], *, ncols: int | None = None) -> Figure:
    """One small panel per outcome (its claim, as in :func:`outcome_figure`), the verdict
    marked in each panel's title and frame: the report's first page (``ncols`` by default
    ``ceil(sqrt(n))`` between 4 and 7, so the grid keeps a page's proportions)."""
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("`outcomes` must hold at least one outcome")
    if ncols is None:
        ncols = min(7, max(4, math.ceil(math.sqrt(len(outcomes)))))
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"`ncols` must be a positive integer; got {ncols!r}")
    figure = require_matplotlib()
    ncols = min(ncols, len(outcomes))
    nrows = -(-len(outcomes) // ncols)
    width, height = 2.6 * ncols, 2.25 * nrows + 0.5
    # fixed margins, not the constrained layout: its solver took ~10 s for 12 panels
    fig = figure.Figure(figsize=(width, height))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False, gridspec_kw={
        "left": 0.5 / width, "right": 1 - 0.12 / width, "bottom": 0.4 / height,
        "top": 1 - 0.85 / height, "wspace": 0.42, "hspace": 0.62})).ravel()
    agree = 0
    for ax, o in zip(axes, outcomes, strict=False):
        spec = _spec(o)
        if spec.kind == "double_descent":
            _draw_across_peak(ax, o, spec, compact=True)
        else:
            _draw_claim(ax, o, spec, compact=True)
        text, color = _mark(o)
        agree += o.verdict.label == "agree"
        ax.set_title(f"{o.name}\n{text}", fontsize="x-small", color=color)
        for side in ax.spines.values():
            side.set_edgecolor(color)
            side.set_linewidth(1.4)
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    fig.suptitle(f"{agree} of {len(outcomes)} scenarios agree with the theory "
                 "(points: simulation; dotted: fit; dashed and shaded: predicted slope and "
                 "band)", fontsize="small")
    return fig


def _group_figure(members: Sequence[Any]) -> Figure:
    figure = require_matplotlib()
    fig = figure.Figure(figsize=(5.6 * len(members), 4.6), layout="constrained")
    axes = fig.subplots(1, len(members))
    for ax, o in zip(axes, members, strict=True):
        outcome_figure(o, ax=ax)
        spec = _spec(o)
        text, color = _mark(o)
        ax.set_title(f"{spec.panel or o.name}\n{_prediction_text(o)}", fontsize="small",
                     loc="left")
        ax.set_title(f"{text}\n", loc="right", color=color, fontsize="small",
                     fontweight="bold")
    fig.suptitle(", ".join(o.name for o in members), fontsize="medium")
    return fig


def outcome_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """The report's figures: ``"overview"`` (:func:`overview_figure`), then
    ``{name: outcome_figure(outcome)}`` in the order given, then one side-by-side figure
    per group of two or more outcomes (:attr:`~verify.scenarios.base.FigureSpec.group`,
    e.g. the duality break's D and P panels). Double-descent outcomes of one group draw
    each other's simulated points on their P/D panel instead. Last come the figures drawn
    across scenarios (:func:`~verify.output.summary_figures.summary_figures`)."""
    outcomes = list(outcomes)
    if not outcomes:
        return {}
    specs = {o.name: _spec(o) for o in outcomes}
    groups: dict[str, list[Any]] = {}
    for o in outcomes:
        if specs[o.name].group:
            groups.setdefault(specs[o.name].group, []).append(o)
    from verify.output.progress import tick

    out = {"overview": overview_figure(outcomes)}
    for i, o in enumerate(outcomes):
        spec = specs[o.name]
        mates = groups.get(spec.group, []) if spec.kind == "double_descent" else []
        out[o.name] = outcome_figure(o, companions=mates)
        tick(i + 1, of=len(outcomes))       # the figures bar's drawing step (a no-op without)
    for name, members in groups.items():
        if len(members) >= 2 and any(specs[o.name].kind != "double_descent" for o in members):
            key = name if name not in out else f"{name}-panels"
            out[key] = _group_figure(members)
    from verify.output.summary_figures import summary_figures

    for name, fig in summary_figures(outcomes).items():
        out[name if name not in out else f"{name}-summary"] = fig
    return out
