"""The model-size scenarios (Theorem 3 on T^2, T^3): declared, agree, fail for a wrong exponent."""

from __future__ import annotations

import pytest

from verify.compare import compare_exponent
from verify.scenarios import model_size as ms
from verify.scenarios import quick_names, suite

BY_NAME = {s.name: s for s in ms.SCENARIOS}
PAPER = {s.name: s for s in ms.PAPER}


def test_declared_in_the_suites():
    assert set(BY_NAME) <= set(suite("default"))
    assert set(PAPER) <= set(suite("paper"))
    assert set(ms.QUICK) <= set(quick_names()) and set(ms.QUICK) <= set(BY_NAME)


def test_prediction_is_the_c_of_the_data_axis():
    """(RG.7): alpha_P = c/d with the c of the D-axis law (4 piecewise linear, 2 constant)."""
    for s in ms.SCENARIOS:
        d = int(s.name.split("-T")[1][0])
        c = 4 if "linear" in s.name else 2
        assert float(s.prediction().value) == pytest.approx(c / d, abs=1e-15)


def test_quick_agrees_and_a_wrong_exponent_disagrees():
    scenario = BY_NAME["resolution-P-mesh-linear-T2"]
    outcome = scenario.run(True, 0)
    assert outcome.agrees, outcome.exponent.message
    # the same measurement refuses the piecewise-constant exponent 2/d = 1
    wrong = compare_exponent(1.0, outcome.fit, band=outcome.exponent.band,
                             band_reason=outcome.exponent.band_reason)
    assert not wrong.agrees


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_default_scenarios_agree(name):
    outcome = BY_NAME[name].run(False, 0)
    assert outcome.agrees, outcome.exponent.message
