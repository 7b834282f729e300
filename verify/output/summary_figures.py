"""Figures drawn across scenarios: one figure from the outcomes of several.

Some of the paper's figures compare scenarios rather than show one: Fig. 2b plots the
measured alpha_D and alpha_P of many real-data runs against their alpha_K, and the
compute-optimal frontier is drawn over the loss landscape of a whole (P, t) grid. Each
builder named in :data:`BUILDERS` takes the report's outcomes and returns
``{name: Figure}``; it returns an empty mapping when the scenarios it draws are not in the
report, so the default report, ``--quick`` and ``--suite paper`` each get the figures
their scenarios support. :func:`~verify.output.plots.outcome_figures` adds them after the
per-scenario figures.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["BUILDERS", "summary_figures"]

#: The cross-scenario figure builders, ``"module:function"``, in the order drawn.
BUILDERS = ("verify.output.real_figures:real_data_figures",
            "verify.output.dynamics_figures:dynamics_figures")


def summary_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """Every builder's figures for ``outcomes`` (names must not repeat across builders)."""
    outcomes = list(outcomes)
    out: dict[str, Figure] = {}
    for entry in BUILDERS:
        module, _, function = entry.partition(":")
        figures = getattr(importlib.import_module(module), function)(outcomes)
        for name, fig in figures.items():
            if name in out:
                raise RuntimeError(f"summary figure {name!r} is built twice ({entry})")
            out[name] = fig
    return out
