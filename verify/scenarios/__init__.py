"""The default verification suite: each regime of the paper as a named scenario.

``SUITE`` maps a scenario's name to its :class:`~verify.scenarios.base.Scenario`; the
report command (``python -m verify``) runs all of them, or the ones named on the command
line. Every scenario takes ``(quick, seed)``: ``quick`` selects the reduced sizes used by
``python -m verify --quick`` (CI), and ``seed`` is the root seed of every random draw
(:func:`~verify.scenarios.seeds.suite_streams` derives every stream from it).
"""

from __future__ import annotations

from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    Measurement,
    Scenario,
    ScenarioOutcome,
    theory_shift,
)
from verify.scenarios.seeds import SuiteStreams, suite_streams

__all__ = ["QUICK", "ComparisonSettings", "Curve", "Measurement", "Scenario", "ScenarioOutcome",
           "SuiteStreams", "suite", "suite_streams", "theory_shift"]

#: The reduced suite of ``python -m verify --quick``: one scenario per regime (CI, < 30 s).
QUICK = ("variance-limited-D", "variance-limited-P", "rf-resolution-D-aK1",
         "rf-resolution-P-aK1", "rf-duality-break-D", "double-descent-ridge",
         "interp-lipschitz-d2", "interp-smooth-d3", "spectrum-relu-S2")


def suite() -> dict[str, Scenario]:
    """All scenarios in report order (imported lazily: the laboratory is heavy)."""
    from verify.scenarios import double_descent, manifolds, random_features, spectra

    out: dict[str, Scenario] = {}
    for module in (random_features, double_descent, manifolds, spectra):
        for scenario in module.SCENARIOS:
            out[scenario.name] = scenario
    return out
