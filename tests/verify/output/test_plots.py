"""verify.output.plots: figure builders (pure: no files) and the optional-dependency error."""

from __future__ import annotations

import builtins
import io

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="matplotlib is an optional extra (`[plots]`)")

from verify.fit import fit_power_law
from verify.output import plots

X = np.geomspace(10, 1e4, 8)
MEAN = 2 * X ** -0.5
SE = 0.05 * MEAN


def test_figure_contents():
    fit = fit_power_law(X, MEAN)
    fig = plots.loglog_figure(X, MEAN, SE, predicted_curve=(X, MEAN), predicted_slope=0.5,
                              fit=fit, title="var_D")
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "var_D"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["prediction", "predicted slope $-0.5$", "fit $\\alpha=0.5$",
                      "simulation (mean ± s.e.)"]
    # the slope line is a pure power law with the predicted exponent (independent check)
    line = ax.get_lines()[1]
    xd, yd = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    np.testing.assert_allclose(np.diff(np.log(yd)) / np.diff(np.log(xd)), -0.5, rtol=1e-12)
    # the points are drawn where they are
    pts = ax.containers[0].lines[0]
    np.testing.assert_array_equal(pts.get_ydata(), MEAN)


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


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'scaling-law-toolkit\[plots\]'"):
        plots.loglog_figure(X, MEAN, SE, title="t")


def test_outcome_figure_titles_the_prediction_and_the_measurement():
    from verify.scenarios.base import ComparisonSettings, Curve, Measurement, Prediction, Scenario

    def measure(quick, seed):
        curve = Curve.from_losses(X, np.stack([MEAN * 1.01, MEAN * 0.99]), xlabel="D",
                                  method="toy")
        return Measurement(curve=curve, config={}, predicted_curve=(X, MEAN),
                           comparison=ComparisonSettings(band=0.01, band_reason="toy",
                                                         shift=0.25))

    outcome = Scenario("toy", "toy", "toy", lambda: Prediction("a", "1/2", 0.5, "exact"),
                       measure).run(True, 0)
    figs = plots.outcome_figures([outcome])
    assert list(figs) == ["toy"]
    (ax,) = figs["toy"].axes
    assert ax.get_title() == "toy\npredicted 0.5 (0.75 on this window), measured 0.5"
    assert ax.get_xlabel() == "D" and ax.get_ylabel() == "loss"
