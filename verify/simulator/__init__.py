"""The Gaussian-design simulator of the random-feature model (docs/simulator.md).

:mod:`.design` draws what must be drawn (training inputs, projection), :mod:`.simulate`
sweeps D or P with exact averages over teacher and test point (a validated
:class:`~verify.simulator.simulate.SimulationConfig` in, a
:class:`~verify.simulator.simulate.SimulationResult` out), :mod:`.nested` and :mod:`.dual`
are its nested-factorization and dual routes, and :mod:`.reference` holds the plain loops
and Monte Carlo it is tested against.
"""

from __future__ import annotations

from verify.simulator.design import GaussianDesign as GaussianDesign
from verify.simulator.design import make_design as make_design
from verify.simulator.reference import loop_losses as loop_losses
from verify.simulator.reference import monte_carlo_loss as monte_carlo_loss
from verify.simulator.simulate import SimulationConfig as SimulationConfig
from verify.simulator.simulate import SimulationResult as SimulationResult
from verify.simulator.simulate import SweepResult as SweepResult
from verify.simulator.simulate import run_simulation as run_simulation
from verify.simulator.simulate import simulate_sweep as simulate_sweep

__all__ = ["GaussianDesign", "SimulationConfig", "SimulationResult", "SweepResult",
           "loop_losses", "make_design", "monte_carlo_loss", "run_simulation",
           "simulate_sweep"]
