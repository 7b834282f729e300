"""asymptotics: the theory of neural scaling laws, derived with sympy and evaluated with mpmath.

This package never imports :mod:`verify` (the laboratory). The public names below are the
ones a user needs; each lives in the module named after its concept (see ``docs/``). The
training-time names (:mod:`asymptotics.dynamics`) load on first use (PEP 562), so that
``import asymptotics`` does not import that subpackage and the scipy some of it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from asymptotics.derivation import REGIMES as REGIMES
from asymptotics.derivation import Derivation as Derivation
from asymptotics.kernel_spectra import kernel_decay as kernel_decay
from asymptotics.kernel_spectra import smoothness_bound as smoothness_bound
from asymptotics.model import ArraySpectrum as ArraySpectrum
from asymptotics.model import PowerLawSpectrum as PowerLawSpectrum
from asymptotics.model import Target as Target
from asymptotics.resolution import nn_distance_law as nn_distance_law
from asymptotics.resolution import nn_distance_moment as nn_distance_moment
from asymptotics.resolution import resolution_exponent as resolution_exponent
from asymptotics.rf.eigenlearning import eigenlearning as eigenlearning
from asymptotics.rf.equivalent import KappaResidualError as KappaResidualError
from asymptotics.rf.laws import data_limited_prefactor as data_limited_prefactor
from asymptotics.rf.laws import feature_limited_prefactor as feature_limited_prefactor
from asymptotics.rf.laws import matched_prefactor as matched_prefactor
from asymptotics.rf.laws import rf_exponents as rf_exponents
from asymptotics.rf.learning_curves import learning_curve as learning_curve
from asymptotics.rf.learning_curves import learning_curve_float as learning_curve_float
from asymptotics.rf.learning_curves import solve_kappa as solve_kappa
from asymptotics.rf.outputs import learning_curve_outputs as learning_curve_outputs
from asymptotics.tails import euler_maclaurin_tail as euler_maclaurin_tail
from asymptotics.tails import hurwitz_tail as hurwitz_tail
from asymptotics.tails import tail_law as tail_law
from asymptotics.variance import variance_limited as variance_limited

__all__ = [
    "REGIMES",
    "ArraySpectrum",
    "Derivation",
    "KappaResidualError",
    "PowerLawSpectrum",
    "Target",
    "__version__",
    "bottleneck_exponent",
    "compute_optimal",
    "data_limited_prefactor",
    "eigenlearning",
    "euler_maclaurin_tail",
    "feature_limited_prefactor",
    "hurwitz_tail",
    "kernel_decay",
    "learning_curve",
    "learning_curve_float",
    "learning_curve_outputs",
    "matched_prefactor",
    "nn_distance_law",
    "nn_distance_moment",
    "resolution_exponent",
    "rf_exponents",
    "smoothness_bound",
    "solve_kappa",
    "tail_law",
    "time_exponent",
    "training_curve",
    "training_curve_float",
    "variance_limited",
]


#: Public names loaded on first use, and the module that owns each.
_LAZY = {"training_curve": "asymptotics.dynamics.curves",
         "training_curve_float": "asymptotics.dynamics.curves",
         "bottleneck_exponent": "asymptotics.dynamics.laws",
         "compute_optimal": "asymptotics.dynamics.laws",
         "time_exponent": "asymptotics.dynamics.laws"}


def __getattr__(name: str) -> Any:
    """Load a training-time name from :mod:`asymptotics.dynamics` on first use (PEP 562)."""
    try:
        owner = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'asymptotics' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(owner), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # static analysers see the same names as eager imports
    from asymptotics.dynamics.curves import training_curve, training_curve_float
    from asymptotics.dynamics.laws import bottleneck_exponent, compute_optimal, time_exponent
