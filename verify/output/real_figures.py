"""Cross-scenario figures of the real-network experiment (docs/real_networks.md).

:func:`real_data_figures` draws nothing yet when no real-data scenario is in the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["real_data_figures"]


def real_data_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """The real-data summary figures for ``outcomes`` (empty when none apply)."""
    list(outcomes)
    return {}
