"""Theorem 3 in two and three dimensions: Delaunay-mesh interpolants with P points, resolution-limited in P (docs/beyond_squared.md).

Filled in by its issue's work; empty until then.
"""

from __future__ import annotations

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

SCENARIOS: tuple = ()
QUICK: tuple[str, ...] = ()
PAPER: tuple = ()
