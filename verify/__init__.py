"""verify: the laboratory that checks :mod:`asymptotics` against simulation.

It simulates the random-feature teacher-student model and the resolution-limited
experiments, fits power laws, compares measurements with predictions and writes
reports. It imports :mod:`asymptotics` for the predictions, never the reverse.
"""

from __future__ import annotations

from asymptotics import __version__ as __version__

__all__ = ["__version__"]
