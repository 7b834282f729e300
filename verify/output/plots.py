"""Pure matplotlib figure builders (no file I/O; :mod:`verify.output.report` saves figures).

matplotlib is an optional dependency (the ``plots`` extra). It is imported lazily, and
a missing installation raises an ``ImportError`` that says how to install it. Figures are
built with ``matplotlib.figure.Figure`` directly, never ``pyplot``, so no global state or
interactive backend is involved and figures are freed like any Python object.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from asymptotics._lib.validation import check_real, check_real_array

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["loglog_figure", "outcome_figure", "outcome_figures", "require_matplotlib"]


def require_matplotlib() -> Any:
    """Return the ``matplotlib.figure`` module, or raise a clear ``ImportError``."""
    try:
        from matplotlib import figure
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError("figures need matplotlib, an optional dependency: install it with "
                          "`pip install 'scaling-law-toolkit[plots]'`") from exc
    return figure


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


def loglog_figure(x: object, mean: object, stderr: object, *,
                  predicted_curve: Sequence[object] | None = None,
                  predicted_slope: float | None = None, fit: object = None,
                  title: str, xlabel: str = "size", ylabel: str = "loss") -> Figure:
    """Log-log plot of a measured curve against its prediction.

    Draws the measured means with error bars (±1 standard error; a lower bar that would
    cross zero is drawn down to the axis edge, the point itself is never moved), the
    predicted curve if given, a reference line of slope :math:`-\\alpha_{\\rm pred}`
    anchored at the geometric middle of the data if ``predicted_slope`` is given, and the
    fitted power law over its window if ``fit`` (a ``PowerLawFit``) is given.

    Parameters
    ----------
    x, mean, stderr : array_like, shape (n,)
        Sizes and mean losses (positive), standard errors (non-negative).
    predicted_curve : (x, y), optional
        A dense predicted curve (positive arrays).
    predicted_slope : float, optional
        The predicted exponent :math:`\\alpha` (the line has slope :math:`-\\alpha`).
    fit : PowerLawFit, optional
        A fit whose curve :math:`A x^{-\\alpha} + L_\\infty` is drawn on its window.
    title, xlabel, ylabel : str
        Labels (keyword-only; ``title`` is required).

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = check_real_array("x", x, positive=True)
    mean = check_real_array("mean", mean, positive=True)
    stderr = check_real_array("stderr", stderr, nonnegative=True)
    for name, arr in (("mean", mean), ("stderr", stderr)):
        if arr.shape != x.shape:
            raise ValueError(f"`{name}` must have the shape of `x` {x.shape}; got {arr.shape}")
    curve = _curve_iv(predicted_curve)
    slope = None if predicted_slope is None else check_real("predicted_slope", predicted_slope)
    if not isinstance(title, str):
        raise TypeError(f"`title` must be a string; got {title!r}")
    figure = require_matplotlib()

    fig = figure.Figure(figsize=(5.0, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log", nonpositive="clip")
    lower = np.minimum(stderr, mean * (1 - 1e-9))  # display only: keep the bar's end positive
    ax.errorbar(x, mean, yerr=np.stack([lower, stderr]), fmt="o", ms=4, capsize=2,
                color="C0", label="simulation (mean ± s.e.)", zorder=3)
    if curve is not None:
        ax.plot(*curve, "-", color="C1", label="prediction")
    if slope is not None:
        x0, y0 = np.exp(np.log(x).mean()), np.exp(np.log(mean).mean())
        ax.plot(x, y0 * (x / x0) ** (-slope), "--", color="C2",
                label=f"predicted slope $-{slope:.4g}$")
    if fit is not None:
        lo, hi = max(fit.window[0], x[0]), min(fit.window[1], x[-1])
        xs = np.geomspace(lo, hi, 100)
        ax.plot(xs, fit.predict(xs), ":", color="C3",
                label=f"fit $\\alpha={fit.alpha:.4g}$")
    crossing = mean - stderr <= 0  # these bars run off the bottom edge instead of to 1e-9
    bottoms = np.concatenate([np.where(crossing, mean / 3, mean - stderr),
                              [] if curve is None else curve[1]])
    ax.set_ylim(bottom=bottoms.min() / 1.3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize="medium")
    from matplotlib.ticker import NullFormatter
    step = max(1, -(-len(x) // 7))          # at most 7 labels: one per measured size
    ax.set_xticks(x[::step], [f"{v:g}" for v in x[::step]], fontsize="small")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.legend(fontsize="small")
    return fig


def outcome_figure(outcome: Any) -> Figure:
    """The report's figure of one scenario outcome (a
    :class:`~verify.scenarios.base.ScenarioOutcome`): the measured curve, the predicted curve,
    the predicted slope and the fit, titled with the predicted exponent (and its value on the
    measured window when the comparison was shifted) and the measured one."""
    o = outcome
    shifted = (f" ({o.exponent.predicted + o.exponent.shift:.4g} on this window)"
               if o.exponent.shift else "")
    return loglog_figure(
        o.curve.x, o.curve.mean, o.curve.stderr, predicted_curve=o.predicted_curve,
        predicted_slope=o.exponent.predicted, fit=o.fit,
        title=f"{o.name}\npredicted {o.exponent.predicted:.4g}{shifted}"
              f", measured {o.fit.alpha:.4g}",
        xlabel=o.curve.xlabel, ylabel=o.curve.ylabel)


def outcome_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """``{name: outcome_figure(outcome)}`` for the report, in the order given."""
    return {o.name: outcome_figure(o) for o in outcomes}
