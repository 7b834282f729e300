"""Label noise and ridge along training time: the noise crossover and the optimal stopping time (docs/dynamics_lab.md).

Filled in by its issue's work; empty until then.
"""

from __future__ import annotations

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

SCENARIOS: tuple = ()
QUICK: tuple[str, ...] = ()
PAPER: tuple = ()
