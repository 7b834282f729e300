"""Rendering and writing: tables, figures, the report directory, progress.

:mod:`.tables` and :mod:`.plots` only render; :mod:`.report` is the one writer of the
report directory; :mod:`.progress` is the progress bar.
"""

from __future__ import annotations

from verify.output.report import ReportPaths as ReportPaths
from verify.output.report import write_report as write_report
from verify.output.tables import ScenarioRow as ScenarioRow
from verify.output.tables import render_latex as render_latex
from verify.output.tables import render_terminal as render_terminal

__all__ = ["ReportPaths", "ScenarioRow", "render_latex", "render_terminal", "write_report"]
