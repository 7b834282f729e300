"""The noise-crossover scenarios: declared as the suite expects, and able to disagree.

The measurements themselves are the checks (simulation against the deterministic equivalent
and the derived rates); here: the registry shape (cheap), and behind ``slow`` a full run that
agrees with the derived exponent and disagrees with a deliberately wrong one.
"""

from __future__ import annotations

import pytest

from verify.scenarios import noise_crossover as mod


def test_declarations():
    names = [s.name for s in mod.SCENARIOS] + [s.name for s in mod.PAPER]
    assert names == ["noise-optimal-ridge-rate", "noise-crossover-collapse"]
    assert set(mod.QUICK) <= {s.name for s in mod.SCENARIOS}
    assert float(mod.SCENARIOS[0].prediction().exponent) == 0.5     # m/(m+1), m = 1 (DY.32)
    assert mod.PAPER[0].prediction().value == 1.0             # m * (1/m) (DY.34)


@pytest.mark.slow
def test_rate_scenario_agrees_and_can_disagree():
    sc = mod.SCENARIOS[0]
    out = sc.run(False, 0)
    assert out.verdict.label == "agree", out.row.note
    # the noiseless rate m = 1 is what a ridgeless, noise-free curve would show: wrong here
    assert sc.run(False, 0, predicted=1.0).verdict.label == "disagree"
