"""The Gaussian-design simulator of the random-feature model (docs/simulator.md).

:mod:`.design` draws what must be drawn (training inputs, projection), :mod:`.simulate`
sweeps D or P with exact averages over teacher and test point (a validated
:class:`~verify.simulator.simulate.SimulationConfig` in, a
:class:`~verify.simulator.simulate.SimulationResult` out), :mod:`.nested` and :mod:`.dual`
are its nested-factorization and dual routes, and :mod:`.reference` holds the plain loops
and Monte Carlo it is tested against; :mod:`.dynamics` is the time axis (gradient descent or
flow at every step from one SVD per size and seed, the ensemble's population loss, one-pass
SGD).
"""

from __future__ import annotations

from verify.simulator.design import GaussianDesign as GaussianDesign
from verify.simulator.design import make_design as make_design
from verify.simulator.dynamics import EnsembleLoss as EnsembleLoss
from verify.simulator.dynamics import GDResult as GDResult
from verify.simulator.dynamics import ensemble_population_loss as ensemble_population_loss
from verify.simulator.dynamics import gd_reference_loop as gd_reference_loop
from verify.simulator.dynamics import simulate_gd as simulate_gd
from verify.simulator.dynamics import simulate_sgd as simulate_sgd
from verify.simulator.reference import loop_losses as loop_losses
from verify.simulator.reference import monte_carlo_loss as monte_carlo_loss
from verify.simulator.simulate import SimulationConfig as SimulationConfig
from verify.simulator.simulate import SimulationResult as SimulationResult
from verify.simulator.simulate import SweepResult as SweepResult
from verify.simulator.simulate import run_simulation as run_simulation
from verify.simulator.simulate import simulate_sweep as simulate_sweep

__all__ = ["EnsembleLoss", "GDResult", "GaussianDesign", "SimulationConfig",
           "SimulationResult", "SweepResult", "ensemble_population_loss", "gd_reference_loop",
           "loop_losses", "make_design", "monte_carlo_loss", "run_simulation", "simulate_gd",
           "simulate_sgd", "simulate_sweep"]
