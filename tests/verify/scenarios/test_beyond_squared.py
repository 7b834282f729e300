"""The beyond-squared scenarios: verdicts that agree, and that fail for a wrong prediction."""

from __future__ import annotations

import numpy as np
import pytest

from verify.compare import compare_exponent
from verify.scenarios import beyond_squared as bs
from verify.scenarios import quick_names, suite

BY_NAME = {s.name: s for s in bs.SCENARIOS}


def test_declared_in_the_suites():
    names = set(suite("default"))
    assert set(BY_NAME) <= names
    assert set(bs.QUICK) <= set(quick_names())
    assert {s.name for s in bs.PAPER} <= set(suite("paper"))


def test_prefactor_interval_recovers_exact_data():
    D = np.array([100.0, 200.0, 400.0, 800.0])
    rng = np.random.default_rng(0)
    a = 2.0 + 0.1 * rng.standard_normal(50)   # per-repetition intercepts, B = 30
    excess = (a[:, None] + 30.0 / D) / D
    mean, se, lo, hi = bs.prefactor_interval(D, excess)
    assert mean == pytest.approx(a.mean(), rel=1e-12)
    assert se == pytest.approx(a.std(ddof=1) / np.sqrt(50), rel=1e-10)
    assert lo < mean < hi


def test_logistic_quick_agrees_and_a_wrong_exponent_disagrees():
    scenario = BY_NAME["glm-logistic-D"]
    outcome = scenario.run(True, 0)
    assert outcome.agrees, outcome.exponent.message
    assert outcome.extra["checks"]["prefactor"]["passed"]
    wrong = scenario.run(True, 0, predicted=2.0)
    assert not wrong.agrees


def test_absolute_error_exponent_is_one_half_not_one():
    scenario = BY_NAME["glm-absolute-D"]
    assert float(scenario.prediction().value) == 0.5
    outcome = scenario.run(True, 0)
    assert outcome.agrees, outcome.exponent.message
    # Theorem 1's exponent is refused by the same measurement
    assert not scenario.run(True, 0, predicted=1.0).agrees


def test_offset_window_excludes_a_pre_asymptotic_bump():
    """Synthetic excess (3/x)(1 + 40/x) with 2% noise per seed: the power-law fit at the
    known offset rejects the small sizes by chi^2; a pure 3/x is accepted from the start."""
    x = np.array([8.0, 16, 32, 64, 128, 256, 512, 1024, 2048])
    rng = np.random.default_rng(11)
    noise = 1 + 0.02 * rng.standard_normal((40, x.size))
    k, tried = bs.offset_window(x, 3 / x * (1 + 40 / x) * noise)
    assert 2 <= k <= 5, tried
    assert all(p < 0.05 for _, _, p in tried[:k])
    k_pure, _ = bs.offset_window(x, 3 / x * noise)
    assert k_pure <= 1


def test_width_scenario_agrees_and_a_wrong_exponent_disagrees():
    outcome = BY_NAME["width-NTK-relu-W"].run(True, 0)
    assert outcome.agrees, (outcome.exponent.message, outcome.extra["checks"])
    assert outcome.extra["checks"]["prefactor"]["passed"]
    # the same fit refuses alpha_W = 2 (the comparison rule of the verdict, (CMP.1))
    e = outcome.exponent
    assert not compare_exponent(2.0, outcome.fit, band=e.band, band_reason=e.band_reason).agrees


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_default_scenarios_agree(name):
    outcome = BY_NAME[name].run(False, 0)
    assert outcome.agrees, (outcome.exponent.message, outcome.extra["checks"])


@pytest.mark.slow
def test_trained_data_scenario_agrees_and_refuses_a_wrong_exponent():
    scenario = {s.name: s for s in bs.PAPER}["trained-relu-D"]
    outcome = scenario.run(True, 0)
    assert outcome.agrees, (outcome.exponent.message, outcome.extra["checks"])
    e = outcome.exponent
    assert not compare_exponent(2.0, outcome.fit, band=e.band, band_reason=e.band_reason).agrees
