"""Parameter sweeps with a content-addressed cache and any executor (docs/sweeps.md).

:mod:`.run` runs a task over a grid of configurations; :mod:`.cache` stores each result as
validated JSON under a key of its configuration; :mod:`.tasks` holds the built-in tasks (the
simulator, a least-squares workload).
"""

from __future__ import annotations

from verify.sweeps.cache import SweepCache as SweepCache
from verify.sweeps.run import SweepError as SweepError
from verify.sweeps.run import SweepRun as SweepRun
from verify.sweeps.run import assign_seeds as assign_seeds
from verify.sweeps.run import derive_seed as derive_seed
from verify.sweeps.run import grid as grid
from verify.sweeps.run import run_sweep as run_sweep
from verify.sweeps.tasks import lstsq_task as lstsq_task
from verify.sweeps.tasks import simulate_task as simulate_task

__all__ = ["SweepCache", "SweepError", "SweepRun", "assign_seeds", "derive_seed",
           "grid", "lstsq_task", "run_sweep", "simulate_task"]
