"""verify.compare: exponent and value comparisons, their policies and the verdict helper."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from verify.compare import (
    REL_TOL,
    VERDICTS,
    Verdict,
    compare_exponent,
    compare_values,
    decide_verdict,
    intervals_overlap,
    summarize_verdicts,
)
from verify.fit import fit_power_law
from verify.output.tables import ScenarioRow

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


class TestVerdict:
    """decide_verdict is the one place a verdict is decided (agree only if every part does)."""

    def _parts(self, exponent_ok=True, values_ok=True):
        fit = fit_power_law(X, X ** -0.5)  # exact: zero-width interval at 0.5
        exp = compare_exponent(0.5 if exponent_ok else 0.7, fit, band=0.0, band_reason="r")
        mean = X ** -0.5 * (1.0 if values_ok else 1.1)
        val = compare_values(X ** -0.5, mean, 0 * X, rel_tol=REL_TOL, k_sigma=3)
        return exp, val

    def test_all_agree(self):
        exp, val = self._parts()
        v = decide_verdict(exp, val, {"peak": (True, "at D")})
        assert v == Verdict("agree") and v.agrees and v.reasons == () and v.message == "agree"
        assert decide_verdict(exp).label == "agree"

    @pytest.mark.parametrize(("exponent_ok", "values_ok", "check_ok", "n_reasons"),
                             [(False, True, True, 1), (True, False, True, 1),
                              (True, True, False, 1), (False, False, False, 3)])
    def test_any_failed_part_disagrees(self, exponent_ok, values_ok, check_ok, n_reasons):
        exp, val = self._parts(exponent_ok, values_ok)
        v = decide_verdict(exp, val, {"peak": (np.bool_(check_ok), "peak at P = 7")})
        assert v.label == "disagree" and not v.agrees and len(v.reasons) == n_reasons
        # reasons in the order exponent, values, checks, each naming its part
        prefixes = [p for p, ok in (("exponent: ", exponent_ok), ("values: ", values_ok),
                                    ("peak: ", check_ok)) if not ok]
        assert [r[:len(p)] for r, p in zip(v.reasons, prefixes, strict=True)] == prefixes
        assert v.failed_checks == (() if check_ok else ("peak: peak at P = 7",))
        assert v.message.startswith("disagree: ")

    def test_expected_discrepancy_shown_is_reported_not_failed(self):
        exp, val = self._parts()
        v = decide_verdict(exp, val, {"peak": (True, "at D")},
                           expected={"eq5": (True, "ratio 3.5")})
        assert v.agrees and v.expected == ("eq5: ratio 3.5",) and v.reasons == ()
        row = ScenarioRow.from_comparison("s", "r", exp, val, verdict=v)
        assert row.note == "expected discrepancy: eq5: ratio 3.5"

    def test_expected_discrepancy_not_shown_fails(self):
        exp, val = self._parts()
        v = decide_verdict(exp, val, expected={"eq5": (False, "ratio 1.0"),
                                               "other": (True, "ratio 2")})
        assert v.label == "disagree" and v.expected == ("other: ratio 2",)
        assert v.failed_checks == ("eq5 (expected discrepancy not shown): ratio 1.0",)
        assert v.reasons == v.failed_checks
        with pytest.raises(TypeError, match=r"`expected\['eq5'\]` must be a tuple"):
            decide_verdict(exp, val, expected={"eq5": ("yes", "x")})
        with pytest.raises(TypeError, match="`expected` must be a mapping"):
            decide_verdict(exp, val, expected=[("eq5", (True, "x"))])

    def test_values_none_is_not_compared(self):
        exp, _ = self._parts()
        assert decide_verdict(exp, None, None).agrees

    def test_skipped(self):
        v = Verdict.skipped("scikit-learn is not installed")
        assert v.label == "skipped" and v.reasons == ("scikit-learn is not installed",)
        with pytest.raises(ValueError, match="`reason` must be a non-empty string"):
            Verdict.skipped(" ")

    def test_validation(self):
        exp, val = self._parts()
        assert VERDICTS == ("agree", "disagree", "skipped")
        with pytest.raises(ValueError, match=r"`label` must be one of \['agree', 'disagree', "
                                             r"'skipped'\]; got 'ok'"):
            Verdict("ok")
        with pytest.raises(ValueError, match="a 'disagree' verdict needs at least one reason"):
            Verdict("disagree")
        with pytest.raises(ValueError, match="an 'agree' verdict has no failure reasons"):
            Verdict("agree", ("x",))
        with pytest.raises(TypeError, match="`reasons` must be a tuple of strings"):
            Verdict("disagree", "x")
        with pytest.raises(TypeError, match="`exponent` must be an ExponentComparison"):
            decide_verdict(0.5)
        with pytest.raises(TypeError, match="`values` must be a ValueComparison or None"):
            decide_verdict(exp, exp)
        with pytest.raises(TypeError, match=r"`checks\['peak'\]` must be a tuple \(passed"):
            decide_verdict(exp, val, {"peak": (1, "x")})
        with pytest.raises(TypeError, match="`checks` must be a mapping"):
            decide_verdict(exp, val, [("peak", (True, "x"))])

    def test_rel_tol_is_the_scenarios_floor(self):
        assert REL_TOL == 0.03


class TestIntervalsOverlap:
    @pytest.mark.parametrize(("a", "b", "expected"), [
        ((0.0, 1.0), (0.5, 2.0), True), ((0.0, 1.0), (1.0, 2.0), True),  # closed ends touch
        ((0.0, 1.0), (1.0 + 1e-12, 2.0), False), ((2.0, 3.0), (0.0, 1.0), False),
        ((0.0, 10.0), (2.0, 3.0), True), ((1.0, 1.0), (1.0, 1.0), True),
        ((0.0, float("inf")), (1e300, 1e301), True), ((-float("inf"), -1.0), (0.0, 1.0), False)])
    def test_rule_and_symmetry(self, a, b, expected):
        assert intervals_overlap(a, b) is expected
        assert intervals_overlap(b, a) is expected

    def test_validation(self):
        with pytest.raises(ValueError, match=r"`a` must have lo <= hi; got \(2.0, 1.0\)"):
            intervals_overlap((2.0, 1.0), (0.0, 1.0))
        with pytest.raises(ValueError, match=r"`b\[1\]` must be a real number, not NaN"):
            intervals_overlap((0.0, 1.0), (0.0, float("nan")))
        with pytest.raises(TypeError, match=r"`a` must be a pair \(lo, hi\)"):
            intervals_overlap(1.0, (0.0, 1.0))
