"""The paper's closed-form estimates against simulation: the Eq. (5) tail sum and the finite-size duality (docs/beyond_squared.md).

Filled in by its issue's work; empty until then.
"""

from __future__ import annotations

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

SCENARIOS: tuple = ()
QUICK: tuple[str, ...] = ()
PAPER: tuple = ()
