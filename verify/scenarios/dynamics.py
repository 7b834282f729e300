"""Training time and compute: gradient-descent and SGD learning curves, compute-optimal laws.

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.
"""

from __future__ import annotations

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

#: The scenarios of the default report.
SCENARIOS: tuple = ()
#: Names of the scenarios ``python -m verify --quick`` runs.
QUICK: tuple[str, ...] = ()
#: The scenarios of ``python -m verify --suite paper``.
PAPER: tuple = ()
