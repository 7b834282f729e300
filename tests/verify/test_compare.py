"""verify.compare: exponent and value comparisons, their policies and the verdict helper."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from verify.compare import compare_exponent, compare_values, summarize_verdicts
from verify.fit import fit_power_law

X = np.geomspace(10, 1e4, 12)
BAND_REASON = "test band"


def _noisy_fit(alpha=0.5, sigma=0.02, seed=25982435982346983):
    rng = np.random.default_rng(seed)
    return fit_power_law(X, 3 * X ** (-alpha) * np.exp(sigma * rng.standard_normal(X.size)))


class TestCompareExponent:
    def test_correct_prediction_agrees(self):
        fit = _noisy_fit()
        cmp = compare_exponent(sympy.Rational(1, 2), fit, band=0.0, band_reason=BAND_REASON)
        assert cmp.agrees and cmp.distance == 0.0
        assert cmp.predicted == 0.5 and cmp.deviation == pytest.approx(fit.alpha - 0.5)
        assert "band ±0" in cmp.message and BAND_REASON in cmp.message

    @pytest.mark.parametrize("shift", [0.2, -0.2])
    def test_wrong_prediction_is_caught(self, shift):
        fit = _noisy_fit()
        cmp = compare_exponent(0.5 + shift, fit, band=0.02, band_reason=BAND_REASON)
        assert not cmp.agrees
        # independent route: distance from the widened interval, by hand
        lo, hi = fit.alpha_ci
        expected = (lo - 0.02) - (0.5 + shift) if shift < 0 else (0.5 + shift) - (hi + 0.02)
        assert cmp.distance == pytest.approx(expected, abs=1e-15)
        assert "DISAGREE" in cmp.message

    def test_band_is_what_rescues_a_systematic_offset(self):
        fit = fit_power_law(X, X ** -0.55)  # exact: CI has zero width
        assert not compare_exponent(0.5, fit, band=0.04, band_reason="r").agrees
        assert compare_exponent(0.5, fit, band=0.05 + 1e-12, band_reason="r").agrees

    def test_input_validation(self):
        fit = _noisy_fit()
        with pytest.raises(ValueError, match=r"`band` must be >= 0; got -0.1"):
            compare_exponent(0.5, fit, band=-0.1, band_reason=BAND_REASON)
        with pytest.raises(ValueError, match="`band_reason` must be a non-empty string"):
            compare_exponent(0.5, fit, band=0.1, band_reason="  ")
        with pytest.raises(TypeError, match="`fit` must be a PowerLawFit"):
            compare_exponent(0.5, 0.49, band=0.1, band_reason=BAND_REASON)
        with pytest.raises(ValueError, match="`predicted` must be a real number, not NaN"):
            compare_exponent(float("nan"), fit, band=0.1, band_reason=BAND_REASON)
        with pytest.raises(TypeError):
            compare_exponent(0.5, fit, 0.1, BAND_REASON)  # band is keyword-only


class TestCompareValues:
    def test_policy_point_by_point(self):
        pred = np.array([1.0, 1.0, 1.0, 1.0])
        mean = np.array([1.0, 1.029, 1.005, 0.9])
        se = np.array([0.01, 0.01, 0.0, 0.01])
        cmp = compare_values(pred, mean, se, rel_tol=0.01, k_sigma=3)
        # by hand: thresholds max(3*se, 0.01) = [0.03, 0.03, 0.01, 0.03]
        np.testing.assert_allclose(cmp.thresholds, [0.03, 0.03, 0.01, 0.03])
        assert cmp.point_agrees == (True, True, True, False)
        assert not cmp.agrees and cmp.worst_index == 3
        assert cmp.max_rel_dev == pytest.approx(-0.1) and cmp.max_rel_dev_stderr == 0.01
        assert "max(3*stderr, 0.01)" in cmp.message and "DISAGREE at 1 of 4" in cmp.message

    def test_vectorized_matches_loop(self):
        rng = np.random.default_rng(3)
        pred = rng.uniform(0.1, 2, 50)
        mean = pred * (1 + 0.02 * rng.standard_normal(50))
        se = rng.uniform(0, 0.02, 50) * pred
        cmp = compare_values(pred, mean, se, rel_tol=0.01, k_sigma=2)
        for i in range(50):
            d = mean[i] / pred[i] - 1
            assert cmp.point_agrees[i] == (abs(d) <= max(2 * se[i] / pred[i], 0.01))
        assert cmp.agrees == all(cmp.point_agrees)

    def test_zero_threshold_only_exact_agrees(self):
        cmp = compare_values([1.0, 2.0], [1.0, 2.0], [0.0, 0.0], rel_tol=0.0, k_sigma=1)
        assert cmp.agrees and cmp.max_rel_dev == 0.0
        cmp = compare_values([1.0, 2.0], [1.0, 2.5], [0.0, 0.0], rel_tol=0.0, k_sigma=1)
        assert not cmp.agrees and cmp.worst_index == 1

    def test_input_validation(self):
        with pytest.raises(ValueError, match=r"`predicted` must be positive"):
            compare_values([0.0, 1.0], [1.0, 1.0], [0.1, 0.1], rel_tol=0.1, k_sigma=2)
        with pytest.raises(ValueError, match=r"`stderr` must be non-negative"):
            compare_values([1.0, 1.0], [1.0, 1.0], [-0.1, 0.1], rel_tol=0.1, k_sigma=2)
        with pytest.raises(ValueError, match=r"`mean` must have the shape of `predicted` \(2,\)"):
            compare_values([1.0, 1.0], [1.0], [0.1, 0.1], rel_tol=0.1, k_sigma=2)
        with pytest.raises(ValueError, match=r"`k_sigma` must be > 0; got 0"):
            compare_values([1.0], [1.0], [0.1], rel_tol=0.1, k_sigma=0)
        with pytest.raises(ValueError, match=r"`mean` must contain only finite numbers"):
            compare_values([1.0], [float("inf")], [0.1], rel_tol=0.1, k_sigma=1)


class TestSummarizeVerdicts:
    def test_exit_codes(self):
        assert summarize_verdicts({"a": True, "b": True}).exit_code == 0
        s = summarize_verdicts({"a": True, "b": False, "c": False})
        assert s.exit_code == 1 and s.disagreeing == ("b", "c")
        assert s.message == "2 of 3 disagree: b, c"

    def test_validation(self):
        with pytest.raises(ValueError, match="at least one entry"):
            summarize_verdicts({})
        with pytest.raises(TypeError, match=r"`verdicts\['a'\]` must be a bool; got 1"):
            summarize_verdicts({"a": 1})
