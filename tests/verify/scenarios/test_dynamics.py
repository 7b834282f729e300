"""The dynamics scenarios: declarations, and (slow) a quick run of each agreeing."""

from __future__ import annotations

import numpy as np
import pytest

from asymptotics.model import PowerLawSpectrum
from verify.scenarios import dynamics


def test_declarations():
    names = [s.name for s in dynamics.SCENARIOS]
    assert names == ["dynamics-time-limited", "dynamics-compute-optimal-L",
                     "dynamics-compute-optimal-P"]
    assert set(dynamics.QUICK) <= set(names)
    assert [s.name for s in dynamics.PAPER] == ["dynamics-single-P", "dynamics-ensemble-P",
                                                "dynamics-sgd-time"]
    assert dynamics.PAPER[0].prediction().value == 1.5      # min(a-1, b)
    assert dynamics.PAPER[1].prediction().value == 2.5      # min(a-1, 2b)
    assert dynamics.SCENARIOS[0].prediction().value == 0.5
    assert dynamics.SCENARIOS[1].prediction().value == pytest.approx(1 / 3)
    assert dynamics.SCENARIOS[2].prediction().value == pytest.approx(-1 / 3)


def test_finite_data_deviation_is_the_df2_factor():
    lam = PowerLawSpectrum(2.0, size=100).eigenvalues()
    delta = dynamics.finite_data_deviation(lam, 50, 1.0, np.array([1.0, 100.0]))
    kappa = 1 / 200.0
    df2 = sum((x / (x + kappa)) ** 2 for x in lam)
    assert delta[1] == pytest.approx((df2 / 50) / (1 - df2 / 50), rel=1e-12)
    assert delta[0] < delta[1]


def test_projection_equivalent_limits():
    lam = PowerLawSpectrum(1.5, size=400).eigenvalues()
    p = lam * 0 + np.arange(1, 401) ** -3.5
    single, ens = dynamics.projection_equivalent(lam, p, np.array([10, 40]))
    assert np.all(ens < single) and np.all(np.diff(single) < 0)


@pytest.mark.slow
@pytest.mark.parametrize("index", [0, 1, 2, 3, 4, 5])
def test_quick_runs_agree(index):
    scenario = (*dynamics.SCENARIOS, *dynamics.PAPER)[index]
    outcome = scenario.run(True, 0)
    assert outcome.verdict.label == "agree", outcome.exponent.message
    assert outcome.exponent.band > 0 and outcome.exponent.band_reason
