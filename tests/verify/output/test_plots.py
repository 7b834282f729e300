"""verify.output.plots: figure builders (pure: no files) and the optional-dependency error."""

from __future__ import annotations

import builtins
import io

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="matplotlib is an optional extra (`[plots]`)")

from matplotlib.figure import Figure

from verify.fit import fit_power_law
from verify.output import plots
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    FigureSeries,
    FigureSpec,
    Measurement,
    Prediction,
    Scenario,
)

X = np.geomspace(10, 1e4, 8)
MEAN = 2 * X ** -0.5
SE = 0.05 * MEAN


def _log_slopes(line) -> np.ndarray:
    xd, yd = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    return np.diff(np.log(yd)) / np.diff(np.log(xd))


def _labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_figure_contents():
    fit = fit_power_law(X, MEAN)
    fig = plots.loglog_figure(X, MEAN, SE, predicted_curve=(X, MEAN), predicted_slope=0.5,
                              fit=fit, title="var_D")
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "var_D"
    assert _labels(ax) == ["prediction", "predicted slope $-0.5$",
                           "fit $\\alpha = 0.5$, 95% CI [0.5, 0.5]", "simulation (mean ± s.e.)"]
    # the slope line is a pure power law with the predicted exponent (independent check)
    line = ax.get_lines()[1]
    np.testing.assert_allclose(_log_slopes(line), -0.5, rtol=1e-12)
    # the points are drawn where they are
    pts = ax.containers[0].lines[0]
    np.testing.assert_array_equal(pts.get_ydata(), MEAN)


def test_band_is_a_wedge_of_the_slopes_predicted_plus_shift_plus_minus_band():
    fit = fit_power_law(X, MEAN)
    fig = plots.loglog_figure(X, MEAN, SE, predicted_slope=0.4, shift=0.1, band=0.05, fit=fit,
                              title="t")
    (ax,) = fig.axes
    (wedge,) = [c for c in ax.collections if type(c).__name__ == "FillBetweenPolyCollection"]
    verts = wedge.get_paths()[0].vertices
    xs, ys = verts[:, 0], verts[:, 1]
    # the polygon's two long edges: log slopes -(0.5 - 0.05) and -(0.5 + 0.05), meeting at
    # the fit's value at the window's geometric middle (the pivot)
    x0 = np.sqrt(X[0] * X[-1])
    y0 = fit.predict(x0)[0]
    slopes = np.log(ys / y0) / np.log(xs / x0)
    slopes = slopes[np.abs(np.log(xs / x0)) > 0.1]
    np.testing.assert_allclose(sorted({round(s, 9) for s in slopes}), [-0.55, -0.45])
    labels = _labels(ax)
    assert "predicted slope $-0.5$ ± 0.05 (band)" in labels
    assert "asymptotic slope $-0.4$" in labels


def test_points_without_standard_errors_and_a_theory_only_curve():
    fig = plots.loglog_figure(X, MEAN, title="t")
    (ax,) = fig.axes
    assert not ax.containers  # no error bars at all
    assert _labels(ax) == ["simulation"]
    # a theory-only curve on the user's own axes: a line, no bars; a divergence is a gap
    ax2 = Figure().add_subplot()
    y = 1.0 / np.abs(X - 100.0)
    assert plots.plot_theory(ax2, X, y, label="1/|x - 100|") is ax2
    (line,) = ax2.get_lines()
    assert not ax2.containers
    np.testing.assert_array_equal(line.get_ydata(), y)
    with pytest.raises(ValueError, match="no finite positive value"):
        plots.plot_theory(ax2, X, np.full_like(X, np.inf))


def test_ax_is_drawn_on_and_its_figure_returned():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    out = plots.loglog_figure(X, MEAN, SE, predicted_slope=0.5, title="left", ax=left)
    assert out is fig and left.get_title() == "left" and not right.get_lines()
    with pytest.raises(TypeError, match="`ax` must be a matplotlib Axes"):
        plots.loglog_figure(X, MEAN, title="t", ax="axes")


def test_slope_labels_never_say_minus_zero():
    ax = Figure().add_subplot()
    plots.plot_slope_band(ax, (10, 100), (30, 1.0), -0.0, 0.0)
    plots.plot_slope_band(ax, (10, 100), (30, 1.0), 0.0, 0.0)
    plots.plot_slope_band(ax, (10, 100), (30, 1.0), -0.25, 0.0)
    assert [line.get_label() for line in ax.get_lines()] == ["predicted flat (exponent 0)"] * 2 \
        + ["predicted slope $+0.25$"]


def test_bars_crossing_zero_do_not_stretch_the_axis():
    se = SE.copy()
    se[0] = 3 * MEAN[0]  # lower bar would cross zero
    fig = plots.loglog_figure(X, MEAN, se, title="t")
    bottom = fig.axes[0].get_ylim()[0]
    assert MEAN.min() / 2 < bottom < MEAN.min()  # not 1e-9: the crossing bar runs off the edge


def test_renders_to_png_and_pdf():
    fig = plots.loglog_figure(X, MEAN, SE, title="t")
    for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt)
        assert buf.getvalue().startswith(magic)


def test_input_validation():
    with pytest.raises(ValueError, match=r"`mean` must be positive"):
        plots.loglog_figure(X, -MEAN, SE, title="t")
    with pytest.raises(ValueError, match=r"`stderr` must have the shape of `x` \(8,\)"):
        plots.loglog_figure(X, MEAN, SE[:3], title="t")
    with pytest.raises(TypeError, match=r"`predicted_curve` must be a pair"):
        plots.loglog_figure(X, MEAN, SE, predicted_curve=X, title="t")
    with pytest.raises(TypeError):
        plots.loglog_figure(X, MEAN, SE)  # title is required
    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match=r"`window` must have lo < hi"):
        plots.plot_slope_band(ax, (10, 10), (10, 1), 1.0)
    with pytest.raises(ValueError, match=r"`band` must be"):
        plots.plot_slope_band(ax, (1, 10), (3, 1), 1.0, -0.1)
    with pytest.raises(ValueError, match=r"`outcomes` must hold at least one"):
        plots.overview_figure([])


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'scaling-law-toolkit\[plots\]'"):
        plots.loglog_figure(X, MEAN, SE, title="t")


# --- outcomes ---------------------------------------------------------------------------
def _outcome(name="toy", *, figure=None, offset=0.0, shift=0.25, exponent=0.5, group=""):
    """A toy scenario: L = 2 x^-0.5 (+ offset) times +-1% per seed."""

    def measure(quick, seed):
        base = 2 * X ** -0.5 + offset
        curve = Curve.from_losses(X, np.stack([base * 1.01, base * 0.99, base]), xlabel="D",
                                  method="toy")
        spec = figure if figure is not None or not group else FigureSpec(group=group,
                                                                         panel=f"panel {name}")
        return Measurement(curve=curve, config={}, predicted_curve=(X, base),
                           comparison=ComparisonSettings(band=0.01, band_reason="toy",
                                                         shift=shift, offset=offset > 0),
                           figure=spec)

    return Scenario(name, "toy", "toy", lambda: Prediction("a", "1/2", 0.5, "exact"),
                    measure).run(True, 0, predicted=exponent)


def test_outcome_figure_titles_the_verdict_the_prediction_and_the_measurement():
    outcome = _outcome()
    figs = plots.outcome_figures([outcome])
    assert list(figs) == ["overview", "toy"]
    (ax,) = figs["toy"].axes
    assert ax.get_title(loc="left") == "toy\npredicted 0.5 (0.75 on this window), measured 0.5"
    # shift 0.25 with band 0.01: 0.75 is outside the fit's interval around 0.5
    assert ax.get_title(loc="right") == "✗ disagree\n"
    assert ax.get_xlabel() == "D" and ax.get_ylabel() == "loss"
    good = _outcome(shift=0.0)
    (ax,) = plots.outcome_figure(good).axes
    assert ax.get_title(loc="right") == "✓ agree\n"


def test_an_unknown_scenario_gets_a_default_figure_and_an_offset_fit_its_excess():
    # no FigureSpec at all (a scenario module plots.py does not know): the measurement alone
    outcome = _outcome(offset=0.3, shift=0.0)
    assert "figure" not in outcome.extra and outcome.fit.offset_fitted
    (ax,) = plots.outcome_figure(outcome).axes
    assert ax.get_ylabel() == "loss $- E_\\infty$"
    pts = ax.containers[-1].lines[0]
    # the points are the means minus the *fitted* offset (computed here from the outcome)
    expected = np.asarray(outcome.curve.mean) - outcome.fit.offset
    np.testing.assert_allclose(pts.get_ydata(), expected[expected > 0], rtol=1e-12)
    # and the fit is then a pure power law of slope -alpha
    (fit_line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("fit")]
    np.testing.assert_allclose(_log_slopes(fit_line), -outcome.fit.alpha, rtol=1e-9)
    assert "0.3" in " ".join(t.get_text() for t in ax.texts)  # the E_inf used is stated


def test_excess_theory_is_minus_the_declared_exact_offset():
    line = FigureSeries("theory", X, 2 * X ** -0.5 + 0.3, color="C1")
    spec = FigureSpec(kind="excess", ylabel="excess error $E$", offset=0.3,
                      offset_source="at D = inf", series=(line,))
    (ax,) = plots.outcome_figure(_outcome(offset=0.3, figure=spec, shift=0.0)).axes
    (theory,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("theory")]
    np.testing.assert_allclose(theory.get_ydata(), 2 * X ** -0.5, rtol=1e-9)
    assert ax.get_ylabel() == "excess error $E - E_\\infty$"
    assert "at D = inf" in ax.texts[0].get_text()


def test_groups_get_a_side_by_side_figure_and_the_overview_marks_each_verdict():
    a, b = _outcome("a", group="pair", shift=0.0), _outcome("b", group="pair")
    figs = plots.outcome_figures([a, b])
    assert list(figs) == ["overview", "a", "b", "pair"]
    left, right = figs["pair"].axes
    assert left.get_title(loc="left").startswith("panel a\n")
    assert right.get_title(loc="right") == "✗ disagree\n"
    over = figs["overview"]
    visible = [ax for ax in over.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["a\n✓ agree", "b\n✗ disagree"]
    assert visible[0].spines["left"].get_edgecolor()[:3] != visible[1].spines["left"] \
        .get_edgecolor()[:3]
    assert over.get_suptitle().startswith("1 of 2 scenarios agree")


def test_double_descent_panel_draws_companions_points_across_the_peak():
    ratio = np.array([0.5, 0.9, 1.1, 2.0])

    def spec(color, y):
        return FigureSpec(kind="double_descent", xlabel="P/D", group="dd", vline=1.0,
                          series=(FigureSeries("theory", ratio, 1 / np.abs(ratio - 1),
                                               color="C0"),
                                  FigureSeries(f"sim {color}", ratio, y, 0.1 * y,
                                               color=color)))
    a = _outcome("dd-a", figure=spec("C0", 1 / np.abs(ratio - 1)), shift=0.0)
    b = _outcome("dd-b", figure=spec("C1", np.ones(4)), shift=0.0)
    figs = plots.outcome_figures([a, b])
    assert "dd" not in figs  # one axis with both, not a panel figure
    across, window = figs["dd-a"].axes
    assert across.get_xlabel() == "P/D" and window.get_xlabel() == "D"
    assert [t.get_text() for t in across.get_legend().get_texts()] == [
        "theory", "interpolation threshold P = D", "sim C0", "sim C1"]
    (vline,) = [ln for ln in across.get_lines() if ln.get_label().startswith("interp")]
    assert list(vline.get_xdata()) == [1.0, 1.0]


# --- any measurement a new scenario module may return gets a figure -------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(3, 7), seeds=st.integers(1, 4), alpha=st.floats(-1.0, 3.0),
       offset=st.sampled_from([0.0, 1e-3, 10.0]), fit_offset=st.booleans(),
       noise=st.floats(0.0, 0.5), band=st.floats(0.0, 2.0), shift=st.floats(-1.0, 1.0),
       theory=st.booleans(), seed=st.integers(0, 2**16))
def test_any_measurement_gets_a_default_figure(n, seeds, alpha, offset, fit_offset, noise,
                                               band, shift, theory, seed):
    from hypothesis import assume
    x = np.geomspace(4, 4 * 2 ** (n - 1), n)
    if fit_offset:  # verify.fit's offset fit of noisy offset-dominated data takes ~40 s
        offset, noise = 1e-3, min(noise, 0.05)
    rng = np.random.default_rng(seed)
    losses = (x ** -alpha + offset) * np.exp(noise * rng.standard_normal((seeds, n)))

    def measure(quick, s):
        curve = Curve.from_losses(x, losses, xlabel="D", method="random")
        return Measurement(curve=curve, config={},
                           predicted_curve=(x, x ** -alpha + offset) if theory else None,
                           comparison=ComparisonSettings(band=band, band_reason="random",
                                                         shift=shift, offset=fit_offset))

    scenario = Scenario("new-module-case", "r", "r",
                        lambda: Prediction("a", "a", alpha, "by construction"), measure)
    try:
        outcome = scenario.run(True, 0)
    except (ValueError, ArithmeticError):  # the fitter refuses: no outcome, no figure
        assume(False)
    figs = plots.outcome_figures([outcome])
    assert list(figs) == ["overview", "new-module-case"]
    figs["new-module-case"].savefig(io.BytesIO(), format="png", dpi=20)  # labels render
