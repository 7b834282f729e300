"""Scenarios as data: a declared prediction, a measurement, and compare's verdict."""

from __future__ import annotations

import numpy as np
import pytest

from verify.compare import REL_TOL, decide_verdict
from verify.scenarios import seeds
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    Measurement,
    Prediction,
    Scenario,
    ScenarioOutcome,
)
from verify.scenarios.random_features import finite_size_tolerance

X = np.array([10.0, 20.0, 40.0, 80.0, 160.0])


def _toy(checks=(), rel_tol=None, exponent=0.5) -> Scenario:
    """L = 2 x^-0.5 times small per-seed noise (seeded), predicted exponent ``exponent``."""

    def measure(quick: bool, seed: int) -> Measurement:
        rng = np.random.default_rng(seed)
        losses = 2 * X ** -0.5 * (1 + 1e-3 * rng.standard_normal((4, X.size)))
        curve = Curve.from_losses(X, losses, xlabel="D", method="toy")
        return Measurement(curve=curve, config={"quick": quick}, predicted_curve=(X, 2 * X ** -0.5),
                           comparison=ComparisonSettings(band=0.01, band_reason="toy band",
                                                         rel_tol=rel_tol, checks=checks))

    return Scenario("toy", "toy regime", "a power law", lambda: Prediction(
        "alpha", "1/2", exponent, "exact by construction"), measure)


def test_the_verdict_is_compares():
    out = _toy(rel_tol=REL_TOL).run(True, 0)
    assert isinstance(out, ScenarioOutcome)
    assert out.agrees and out.row.verdict == "agree" and out.verdict.label == "agree"
    assert out.verdict == decide_verdict(out.exponent, out.values, {})
    assert out.values is not None and out.values.rel_tol == REL_TOL
    assert out.row.note == "toy band"
    assert out.config == {"quick": True, "seed": 0}
    assert out.prediction["value_used"] == 0.5


def test_a_failed_check_disagrees_with_its_message_as_the_note():
    out = _toy(checks=(("peak", False, "largest loss at P = 3"),)).run(True, 0)
    assert not out.agrees and out.row.verdict == "disagree"
    assert out.verdict.failed_checks == ("peak: largest loss at P = 3",)
    assert out.row.note == "peak: largest loss at P = 3"
    assert out.extra["checks"] == {"peak": {"passed": False, "message": "largest loss at P = 3"}}


def test_a_wrong_prediction_disagrees():
    out = _toy().run(True, 0, predicted=0.7)
    assert not out.agrees and out.exponent.distance > 0
    assert out.verdict.reasons[0].startswith("exponent: ")


def test_comparison_settings_are_validated():
    with pytest.raises(ValueError, match="`band` must be"):
        ComparisonSettings(band=-1.0, band_reason="x")
    with pytest.raises(ValueError, match="`band_reason` must be a non-empty string"):
        ComparisonSettings(band=0.1, band_reason=" ")
    with pytest.raises(TypeError, match="`checks` entries must be"):
        ComparisonSettings(band=0.1, band_reason="x", checks=(("peak", "yes", "m"),))
    settings = ComparisonSettings(band=0.1, band_reason="x", checks=(("a", np.True_, "m"),))
    assert settings.checks == (("a", True, "m"),) and type(settings.checks[0][1]) is bool
    with pytest.raises(AttributeError):
        settings.band = 0.2  # frozen


def test_value_tolerance_floor_is_compares():
    big = np.array([1e6, 2e6])
    assert finite_size_tolerance(big, np.full(2, np.inf)) == REL_TOL
    # (VR.5): 1/min(D, P, |D - P|) where it is larger
    assert finite_size_tolerance(np.array([64.0]), np.array([32.0])) == 1 / 32


class TestSeeds:
    def test_streams_are_the_documented_derivations(self):
        s = seeds.suite_streams(7)
        assert s.lab_seed() == 7
        a, b = s.fit_rng(0).random(5), np.random.default_rng(7).random(5)
        assert np.array_equal(a, b)
        assert np.array_equal(s.fit_rng(1).random(5), np.random.default_rng(8).random(5))
        children = np.random.SeedSequence(7).spawn(3)
        assert s.sample_seeds(3) == tuple(int(c.generate_state(1)[0]) for c in children)
        assert s.sample_seeds(2) == s.sample_seeds(3)[:2]   # prefix-stable

    def test_validation(self):
        with pytest.raises(ValueError, match="`seed` must be an integer >= 0"):
            seeds.suite_streams(-1)
        with pytest.raises(ValueError, match="`index` must be an integer >= 0"):
            seeds.suite_streams(0).fit_rng(-1)
