"""asymptotics: the theory of neural scaling laws, derived with sympy and evaluated with mpmath.

This package never imports :mod:`verify` (the laboratory). The public names below are the
ones a user needs; each lives in the module named after its concept (see ``docs/``).
"""

from __future__ import annotations

__version__ = "0.1.0"

from asymptotics.derivation import REGIMES as REGIMES
from asymptotics.derivation import Derivation as Derivation
from asymptotics.dynamics.curves import training_curve as training_curve
from asymptotics.dynamics.curves import training_curve_float as training_curve_float
from asymptotics.dynamics.laws import bottleneck_exponent as bottleneck_exponent
from asymptotics.dynamics.laws import compute_optimal as compute_optimal
from asymptotics.dynamics.laws import time_exponent as time_exponent
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
