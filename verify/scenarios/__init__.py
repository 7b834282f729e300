"""The default verification suite: each regime of the paper as a named scenario.

:func:`suite` maps a scenario's name to its :class:`~verify.scenarios.base.Scenario`; the
report command (``python -m verify``) runs all of them, or the ones named on the command
line. Each scenario module declares three tuples: ``SCENARIOS`` (the default report),
``QUICK`` (names of its scenarios in ``--quick``) and ``PAPER`` (the full reproduction of
the paper's figures, ``python -m verify --suite paper``). Every scenario takes ``(quick, seed)``: ``quick`` selects the reduced sizes used by
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

__all__ = ["MODULES", "QUICK", "SUITES", "ComparisonSettings", "Curve", "Measurement", "Scenario", "ScenarioOutcome",
           "SuiteStreams", "quick_names", "suite", "suite_streams", "theory_shift"]

#: The scenario modules, in report order (each declares SCENARIOS, QUICK and PAPER).
MODULES = ("random_features", "double_descent", "manifolds", "spectra", "real_data",
           "beyond_squared", "model_size", "estimates", "dynamics", "finite_data_dynamics",
           "noise_crossover")

#: The suites ``python -m verify --suite NAME`` runs.
SUITES = ("default", "paper")

#: The reduced suite of ``python -m verify --quick`` from the original modules: one scenario
#: per regime (CI, < 30 s); :func:`quick_names` adds each module's own ``QUICK``.
QUICK = ("variance-limited-D", "variance-limited-P", "rf-resolution-D-aK1",
         "rf-resolution-P-aK1", "rf-duality-break-D", "double-descent-ridge",
         "interp-lipschitz-d2", "interp-smooth-d3", "spectrum-relu-S2")


def _modules() -> list:
    import importlib

    return [importlib.import_module(f"verify.scenarios.{name}") for name in MODULES]


def suite(name: str = "default") -> dict[str, Scenario]:
    """The scenarios of suite ``name`` in report order (imported lazily: the lab is heavy)."""
    if name not in SUITES:
        raise ValueError(f"`suite` must be one of {list(SUITES)}; got {name!r}")
    attr = "SCENARIOS" if name == "default" else "PAPER"
    out: dict[str, Scenario] = {}
    for module in _modules():
        for scenario in getattr(module, attr, ()):
            if scenario.name in out:
                raise RuntimeError(f"scenario name {scenario.name!r} is declared twice")
            out[scenario.name] = scenario
    return out


def quick_names() -> tuple[str, ...]:
    """The names ``python -m verify --quick`` runs: :data:`QUICK` and every module's QUICK."""
    names = list(QUICK)
    for module in _modules():
        names += [n for n in getattr(module, "QUICK", ()) if n not in names]
    return tuple(names)
