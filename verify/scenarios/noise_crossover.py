"""Label noise and ridge: the noise crossover of Cui et al., and one pass over the data, C = 6PD (docs/dynamics_lab.md).

Filled in by its issue's work; empty until then.
"""

from __future__ import annotations

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

SCENARIOS: tuple = ()
QUICK: tuple[str, ...] = ()
PAPER: tuple = ()
