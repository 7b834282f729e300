"""verify: the laboratory that checks :mod:`asymptotics` against simulation.

It simulates the random-feature teacher-student model and the resolution-limited
experiments, fits power laws, compares measurements with predictions and writes
reports. It imports :mod:`asymptotics` for the predictions, never the reverse.

The names below are the entry points a user needs; import them from here
(``from verify import simulate_sweep, fit_power_law``). Each is loaded on first use from
the subpackage that owns it, so ``import verify`` stays cheap: it loads neither the
simulator nor scipy's optimizers nor matplotlib until they are asked for.

========================  =================================================================
simulator                 ``simulate_sweep``, ``SweepResult``
fitting                   ``fit_power_law``, ``PowerLawFit``, ``local_slopes``,
                          ``fit_law``, ``LawFit``, ``compute_optimal``,
                          ``Allocation``
comparison                ``compare_exponent``, ``compare_values``,
                          ``ExponentComparison``, ``ValueComparison``,
                          ``Verdict``
data manifolds            ``interpolation_sweep``, ``nn_distance_sweep``,
                          ``empirical_spectrum``, ``manifold_rf_sweep``
real data and networks    ``load_dataset``, ``Dataset``, ``network_kernels``,
                          ``data_spectrum``
intrinsic dimension       ``estimate_dimension``, ``predicted_exponents``,
                          ``nn_learning_curve``
sweeps                    ``run_sweep``, ``grid``, ``assign_seeds``,
                          ``SweepCache``
output                    ``write_report``, ``render_terminal``,
                          ``render_latex``, ``ScenarioRow``, ``loglog_figure``
========================  =================================================================
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from asymptotics import __version__ as __version__

#: Where each public name lives: the public face of the subpackage (or module) that owns it.
_EXPORTS: dict[str, str] = {
    # the simulator
    "SweepResult": "verify.simulator",
    "simulate_sweep": "verify.simulator",
    # fitting
    "PowerLawFit": "verify.fit",
    "fit_power_law": "verify.fit",
    "local_slopes": "verify.fit",
    "Allocation": "verify.fit",
    "LawFit": "verify.fit",
    "compute_optimal": "verify.fit",
    "fit_law": "verify.fit",
    # real data and the kernels of networks
    "Dataset": "verify.datasets",
    "load_dataset": "verify.datasets",
    "network_kernels": "verify.networks",
    "data_spectrum": "verify.networks.spectrum",
    # comparison: every verdict and tolerance
    "ExponentComparison": "verify.compare",
    "ValueComparison": "verify.compare",
    "Verdict": "verify.compare",
    "compare_exponent": "verify.compare",
    "compare_values": "verify.compare",
    # data manifolds
    "InterpolationResult": "verify.manifolds",
    "ManifoldSweepResult": "verify.manifolds",
    "NNDistanceResult": "verify.manifolds",
    "SpectrumResult": "verify.manifolds",
    "empirical_spectrum": "verify.manifolds",
    "interpolation_sweep": "verify.manifolds",
    "manifold_rf_sweep": "verify.manifolds",
    "nn_distance_sweep": "verify.manifolds",
    # intrinsic dimension
    "DimensionEstimate": "verify.dimension",
    "estimate_dimension": "verify.dimension",
    "nn_learning_curve": "verify.dimension",
    "predicted_exponents": "verify.dimension",
    # sweeps
    "SweepCache": "verify.sweeps",
    "assign_seeds": "verify.sweeps",
    "grid": "verify.sweeps",
    "run_sweep": "verify.sweeps",
    # output (matplotlib is imported only when a figure is drawn)
    "ScenarioRow": "verify.output",
    "render_latex": "verify.output",
    "render_terminal": "verify.output",
    "write_report": "verify.output",
    "loglog_figure": "verify.output.plots",
}

__all__ = [
    "Allocation",
    "Dataset",
    "DimensionEstimate",
    "ExponentComparison",
    "InterpolationResult",
    "LawFit",
    "ManifoldSweepResult",
    "NNDistanceResult",
    "PowerLawFit",
    "ScenarioRow",
    "SpectrumResult",
    "SweepCache",
    "SweepResult",
    "ValueComparison",
    "Verdict",
    "__version__",
    "assign_seeds",
    "compare_exponent",
    "compare_values",
    "compute_optimal",
    "data_spectrum",
    "empirical_spectrum",
    "estimate_dimension",
    "fit_law",
    "fit_power_law",
    "grid",
    "interpolation_sweep",
    "load_dataset",
    "local_slopes",
    "loglog_figure",
    "manifold_rf_sweep",
    "network_kernels",
    "nn_distance_sweep",
    "nn_learning_curve",
    "predicted_exponents",
    "render_latex",
    "render_terminal",
    "run_sweep",
    "simulate_sweep",
    "write_report",
]


def __getattr__(name: str) -> Any:
    """Load a public name from the subpackage that owns it, on first use (PEP 562)."""
    try:
        owner = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'verify' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(owner), name)
    globals()[name] = value     # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:   # static analysers see the same names as eager imports
    from verify.compare import (
        ExponentComparison,
        ValueComparison,
        Verdict,
        compare_exponent,
        compare_values,
    )
    from verify.datasets import Dataset, load_dataset
    from verify.dimension import (
        DimensionEstimate,
        estimate_dimension,
        nn_learning_curve,
        predicted_exponents,
    )
    from verify.fit import (
        Allocation,
        LawFit,
        PowerLawFit,
        compute_optimal,
        fit_law,
        fit_power_law,
        local_slopes,
    )
    from verify.manifolds import (
        InterpolationResult,
        ManifoldSweepResult,
        NNDistanceResult,
        SpectrumResult,
        empirical_spectrum,
        interpolation_sweep,
        manifold_rf_sweep,
        nn_distance_sweep,
    )
    from verify.networks import network_kernels
    from verify.networks.spectrum import data_spectrum
    from verify.output import ScenarioRow, render_latex, render_terminal, write_report
    from verify.output.plots import loglog_figure
    from verify.simulator import SweepResult, simulate_sweep
    from verify.sweeps import SweepCache, assign_seeds, grid, run_sweep
