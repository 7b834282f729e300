"""Finite data along training time: the finite-D curve against simulation, and early stopping (docs/dynamics_lab.md).

Filled in by its issue's work; empty until then.
"""

from __future__ import annotations

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

SCENARIOS: tuple = ()
QUICK: tuple[str, ...] = ()
PAPER: tuple = ()
