"""Training time and compute: gradient-descent learning curves and their exponents.

Docs: docs/theory/dynamics.md. :mod:`.curves` evaluates the loss along training time at any
precision (population loss, kernel limit or top-``P`` student); :mod:`.laws` derives the
time-limited exponent, the bottleneck over ``(t, D, P)`` and the compute-optimal split of
``C = P t`` as :class:`~asymptotics.derivation.Derivation` objects; :mod:`.sgd` is the exact
mean-square recursion of one-pass SGD on Gaussian inputs; :mod:`.finite_data` is the loss along
time at finite ``D`` (kernel limit, two-point deterministic equivalent) and :mod:`.stopping` its
early-stopping optimum and law; :mod:`.noise` is the label-noise crossover of kernel ridge
regression (noiseless and optimal-ridge noisy rates, the crossover size); :mod:`.onepass` is
one-pass SGD's loss and compute-optimal split for ``C = 6 P D``.
"""

from __future__ import annotations

from asymptotics.dynamics.curves import TrainingCurve as TrainingCurve
from asymptotics.dynamics.curves import stable_step as stable_step
from asymptotics.dynamics.curves import training_curve as training_curve
from asymptotics.dynamics.curves import training_curve_float as training_curve_float
from asymptotics.dynamics.finite_data import FiniteDataCurve as FiniteDataCurve
from asymptotics.dynamics.finite_data import finite_data_curve as finite_data_curve
from asymptotics.dynamics.laws import ComputeOptimal as ComputeOptimal
from asymptotics.dynamics.laws import DynamicsDerivation as DynamicsDerivation
from asymptotics.dynamics.laws import bottleneck_exponent as bottleneck_exponent
from asymptotics.dynamics.laws import compute_optimal as compute_optimal
from asymptotics.dynamics.laws import time_exponent as time_exponent
from asymptotics.dynamics.noise import NoiseCrossover as NoiseCrossover
from asymptotics.dynamics.noise import OptimalRidgeCurve as OptimalRidgeCurve
from asymptotics.dynamics.noise import crossover_scaling as crossover_scaling
from asymptotics.dynamics.noise import noise_crossover as noise_crossover
from asymptotics.dynamics.noise import optimal_ridge_curve as optimal_ridge_curve
from asymptotics.dynamics.onepass import OnePassOptimal as OnePassOptimal
from asymptotics.dynamics.onepass import one_pass_compute_optimal as one_pass_compute_optimal
from asymptotics.dynamics.onepass import one_pass_loss as one_pass_loss
from asymptotics.dynamics.sgd import SGDCurve as SGDCurve
from asymptotics.dynamics.sgd import sgd_curve as sgd_curve
from asymptotics.dynamics.sgd import sgd_radius as sgd_radius
from asymptotics.dynamics.stopping import EarlyStopping as EarlyStopping
from asymptotics.dynamics.stopping import StoppingLaw as StoppingLaw
from asymptotics.dynamics.stopping import early_stopping as early_stopping
from asymptotics.dynamics.stopping import stopping_exponents as stopping_exponents

__all__ = ["ComputeOptimal", "DynamicsDerivation", "EarlyStopping", "FiniteDataCurve",
           "NoiseCrossover", "OnePassOptimal", "OptimalRidgeCurve", "SGDCurve",
           "StoppingLaw", "TrainingCurve", "bottleneck_exponent", "compute_optimal",
           "crossover_scaling", "early_stopping", "finite_data_curve",
           "noise_crossover", "one_pass_compute_optimal", "one_pass_loss",
           "optimal_ridge_curve", "sgd_curve", "sgd_radius", "stable_step",
           "stopping_exponents", "time_exponent", "training_curve",
           "training_curve_float"]
