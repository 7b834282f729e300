"""The finite-data dynamics scenarios: declarations, helpers, and (slow) runs that agree and a
wrong exponent that does not."""

from __future__ import annotations

import math

import numpy as np
import pytest

from verify.scenarios import finite_data_dynamics as fdd


def test_declarations():
    assert [s.name for s in fdd.SCENARIOS] == ["finite-data-time-curve"]
    assert fdd.QUICK == ("finite-data-time-curve",)
    assert [s.name for s in fdd.PAPER] == ["early-stopping-loss"]


def test_one_over_d_tolerance_scales_the_small_run():
    dev = np.array([0.01, -0.04, 0.02])
    assert fdd.one_over_d_tolerance(dev, 16, 32) == pytest.approx(2 * 0.04 * 16 / 32)
    assert fdd.one_over_d_tolerance(dev, 16, 64) == pytest.approx(0.02)


def test_parabolic_minimum_is_exact_for_a_parabola_in_log_t():
    t = np.geomspace(1.0, 1e3, 40)
    u0 = math.log(37.0)
    loss = 0.3 + 0.02 * (np.log(t) - u0) ** 2
    ts, ls = fdd._minimum(t, loss)
    assert ts == pytest.approx(37.0, rel=1e-10) and ls == pytest.approx(0.3, rel=1e-12)


@pytest.mark.slow
def test_time_curve_agrees_and_a_wrong_exponent_does_not():
    sc = fdd.SCENARIOS[0]
    out = sc.run(True, 0)
    assert out.verdict.label == "agree", out.exponent.message
    assert out.values is not None and out.exponent.band > 0
    wrong = sc.run(True, 0, predicted=(2.0 - 1.0) / 1.5)     # the population exponent (DY.6)
    assert wrong.verdict.label != "agree"


@pytest.mark.slow
def test_early_stopping_quick_run_agrees():
    out = fdd.PAPER[0].run(True, 0)
    assert out.verdict.label == "agree", out.exponent.message
    assert out.extra["checks"]["t_star_slope"]["passed"]
