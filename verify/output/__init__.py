"""Rendering and writing: tables, figures, the report directory, progress.

:mod:`.tables` and :mod:`.plots` only render; :mod:`.report` is the one writer of the
report directory (and ships the JSON schemas of what it writes); :mod:`.progress` is the
progress bar, which long computations advance with :func:`~verify.output.progress.tick`.
"""

from __future__ import annotations

from verify.output.progress import tick as tick
from verify.output.report import ReportPaths as ReportPaths
from verify.output.report import json_schema as json_schema
from verify.output.report import validate_json as validate_json
from verify.output.report import write_report as write_report
from verify.output.tables import ScenarioRow as ScenarioRow
from verify.output.tables import render_latex as render_latex
from verify.output.tables import render_terminal as render_terminal

__all__ = ["ReportPaths", "ScenarioRow", "json_schema", "render_latex", "render_terminal",
           "tick", "validate_json", "write_report"]
