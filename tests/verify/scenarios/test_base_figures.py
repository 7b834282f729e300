"""What scenarios declare for their figures (FigureSpec): validated, stored exactly, and
the theory it draws checked by a second route. No verdict depends on it."""

from __future__ import annotations

import numpy as np
import pytest

from asymptotics._lib.codec import decode_result, encode_result
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float
from verify.scenarios import suite
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    FigureSeries,
    FigureSpec,
    Measurement,
    Prediction,
    Scenario,
    ScenarioOutcome,
)

X = np.array([10.0, 20.0, 40.0, 80.0])


def test_figure_spec_is_validated():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        FigureSpec(kind="pie")
    with pytest.raises(ValueError, match="`x` must be finite positive"):
        FigureSeries("s", [0.0, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="`x` and `y` must have one length"):
        FigureSeries("s", [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="`stderr` must be empty or one finite"):
        FigureSeries("s", [1.0, 2.0], [1.0, 2.0], [0.1])
    with pytest.raises(ValueError, match="`offset` must be"):
        FigureSpec(kind="excess", offset=-1.0)
    with pytest.raises(TypeError, match="`series` must hold FigureSeries"):
        FigureSpec(series=({"label": "s"},))
    with pytest.raises(ValueError, match="unknown fields"):
        FigureSpec.from_data({"kind": "loglog", "colour": "red"})


def test_an_outcome_keeps_its_figure_exactly_through_a_checkpoint():
    spec = FigureSpec(kind="excess", ylabel="excess error $E$", offset=0.25,
                      offset_source="exact", group="g", panel="p",
                      series=(FigureSeries("theory", X, 1 / X, color="C1"),
                              FigureSeries("points", X, 2 / X, 0.1 / X)))

    def measure(quick, seed):
        curve = Curve.from_losses(X, np.stack([1 / X + 0.25, 1.01 / X + 0.25]), xlabel="D",
                                  method="toy")
        return Measurement(curve=curve, config={}, figure=spec,
                           comparison=ComparisonSettings(band=0.1, band_reason="toy",
                                                         offset=True))

    out = Scenario("toy", "toy", "toy", lambda: Prediction("a", "1", 1.0, "exact"),
                   measure).run(True, 0)
    back = ScenarioOutcome.from_data(decode_result(encode_result(out.to_data())))
    assert FigureSpec.from_data(back.extra["figure"]) == spec
    without = Scenario("toy", "toy", "toy", lambda: Prediction("a", "1", 1.0, "exact"),
                       lambda q, s: Measurement(measure(q, s).curve, measure(q, s).comparison,
                                                {})).run(True, 0)
    assert "figure" not in without.extra
    # the figure changes no number of the comparison
    assert without.exponent == out.exponent and without.fit == out.fit


def test_variance_limited_figure_states_the_exact_limit_of_the_theory():
    m = suite()["variance-limited-D"].measure(True, 0)
    spec = m.figure
    assert spec.kind == "excess" and m.comparison.offset
    # second route: at D = inf the top-16 student learns its 16 modes exactly, so E_inf is
    # the teacher power outside them, (1/S) sum_{i > 16} lambda_i (Target.isotropic():
    # weight variance 1/S per mode; lambda_i = i^-2, S = 512 in --quick)
    lam = np.arange(1, 513, dtype=float) ** -2.0
    np.testing.assert_allclose(spec.offset, lam[16:].sum() / 512, rtol=1e-10)
    (line,) = spec.series
    assert len(line.x) == 60 and line.x[0] == m.curve.x[0] and line.x[-1] == m.curve.x[-1]
    # the dense line passes through the theory on the measured grid (its ends coincide)
    np.testing.assert_allclose([line.y[0], line.y[-1]],
                               [m.predicted_curve[1][0], m.predicted_curve[1][-1]], rtol=1e-12)


def test_double_descent_figure_spans_the_peak_with_both_theories():
    m = suite()["double-descent-ridge"].measure(True, 0)
    spec = m.figure
    assert spec.kind == "double_descent" and spec.vline == 1.0 and spec.xlabel == "P/D"
    ridgeless, ridge, points = spec.series
    assert not ridgeless.stderr and not ridge.stderr and points.stderr
    r = np.asarray(ridgeless.x)
    assert r.min() < 0.5 and r.max() > 1.5 and np.sum(r < 1) >= 100 and np.sum(r > 1) >= 100
    # second route, docs/theory/learning_curves.md (LC.8): the ridgeless curve is
    # E_inf(min(D, P)) max(D, P) / |D - P| with E_inf(n) the kernel limit at n samples
    D = m.config["D"]
    spec_, target = PowerLawSpectrum(2.0, size=m.config["S"]), Target.isotropic()
    P = r * D
    n = np.minimum(P, D)
    closed = learning_curve_float(n, np.full_like(n, np.inf), spec_, target) \
        * np.maximum(P, D) / np.abs(D - P)
    np.testing.assert_allclose(ridgeless.y, closed, rtol=1e-6)
    # the ridge curve stays finite (and below the ridgeless one) at the threshold
    near = np.abs(r - 1) < 0.01
    assert (np.asarray(ridge.y)[near] < np.asarray(ridgeless.y)[near]).all()
    # the simulated points: the whole grid, both sides of P = D
    np.testing.assert_array_equal(points.x, np.asarray(m.extra["full_grid_P"]) / D)
    assert min(points.x) < 1 < max(points.x)


@pytest.mark.slow  # the spectrum scenario's measurement: 1-8 s on a shared machine
def test_spectrum_figure_draws_the_exact_spectrum_at_every_rank():
    m = suite()["spectrum-relu-S2"].measure(True, 0)
    exact, half = m.figure.series
    ranks = np.asarray(m.config["ranks"])
    np.testing.assert_array_equal(exact.x, np.arange(ranks[0], ranks[-1] + 1))
    assert np.all(np.diff(exact.y) <= 0)           # a sorted operator spectrum
    # at the measured ranks it is the exact spectrum the comparison used
    at = np.isin(np.asarray(exact.x), ranks)
    np.testing.assert_array_equal(np.asarray(exact.y)[at], m.predicted_curve[1])
    np.testing.assert_allclose(half.y, np.mean(m.extra["half_sample_eigenvalues"], axis=0))
