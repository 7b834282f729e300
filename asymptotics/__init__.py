"""asymptotics: the theory of neural scaling laws, derived with sympy and evaluated with mpmath.

This package never imports :mod:`verify` (the laboratory). Public names are
re-exported here as modules land; see ``docs/`` for the equations they implement.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
