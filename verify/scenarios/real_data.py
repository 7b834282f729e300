"""The paper's own experiments: random features of real networks on real images (Figs. 2 and 3).

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
