"""The only writer of files: the LaTeX and text tables, the figures and ``results.json``.

:func:`write_report` renders everything in memory first (tables, figure bytes, strict
JSON), so invalid input such as a NaN fails before any file is touched. Each file is then
written atomically: to a temporary file in the same directory, flushed and synced, then
moved over the target with ``os.replace`` (a reader sees the old file or the new one,
never half of one). ``results.json`` is written last: its presence means the report is
complete. Layout of ``out_dir``::

    table.tex            booktabs tabular (verify.output.tables.render_latex)
    table.txt            the terminal table (verify.output.tables.render_terminal)
    figures/NAME.png     each figure, raster
    figures/NAME.pdf     each figure, vector
    results.json         every number: rows, records, configuration, seeds, versions
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from asymptotics._lib.files import atomic_write
from asymptotics._lib.serialize import dumps
from verify.output.tables import ScenarioRow, render_latex, render_terminal

__all__ = ["SCHEMA", "ReportPaths", "package_versions", "write_report"]

SCHEMA = "scaling-law-toolkit/report/1"
_FIGURE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PACKAGES = ("numpy", "scipy", "sympy", "mpmath", "matplotlib", "tqdm")


@dataclass(frozen=True)
class ReportPaths:
    """Where :func:`write_report` wrote each file (absolute paths)."""

    out_dir: Path
    table_tex: Path
    table_txt: Path
    results_json: Path
    figures: tuple[tuple[str, Path, Path], ...]  # (name, png, pdf)


def package_versions() -> dict[str, str]:
    """Versions of Python, the toolkit and its numerical dependencies (no imports needed)."""
    from asymptotics import __version__
    versions = {"python": platform.python_version(), "toolkit": __version__,
                "platform": platform.platform()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _figure_bytes(name: str, fig: Any) -> tuple[bytes, bytes]:
    if not hasattr(fig, "savefig"):
        raise TypeError(f"`figures[{name!r}]` must be a matplotlib Figure; got "
                        f"{type(fig).__name__}")
    out = []
    for fmt, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=150, metadata=meta)
        out.append(buffer.getvalue())
    return out[0], out[1]


def _report_iv(out_dir, rows, records, figures):
    if not isinstance(out_dir, str | os.PathLike):
        raise TypeError(f"`out_dir` must be a path; got {out_dir!r}")
    if isinstance(rows, ScenarioRow) or not isinstance(rows, Sequence) or not all(
            isinstance(r, ScenarioRow) for r in rows):
        raise TypeError(f"`rows` must be a sequence of ScenarioRow; got {rows!r:.80}")
    if not isinstance(records, Mapping | Sequence) or isinstance(records, str | bytes):
        raise TypeError(f"`records` must be a mapping or a sequence of JSON-ready records; got "
                        f"{type(records).__name__}")
    figures = {} if figures is None else figures
    if not isinstance(figures, Mapping):
        raise TypeError(f"`figures` must be a mapping name -> Figure; got "
                        f"{type(figures).__name__}")
    for name in figures:
        if not isinstance(name, str) or not _FIGURE_NAME.match(name):
            raise ValueError(f"`figures` names must be file-name safe ([A-Za-z0-9_.-], not "
                             f"starting with '.', '_' or '-'); got {name!r}")
    return Path(out_dir), list(rows), figures


def write_report(out_dir: str | os.PathLike[str], rows: Sequence[ScenarioRow],
                 records: Mapping[str, Any] | Sequence[Any],
                 figures: Mapping[str, Any] | None = None, *,
                 config: Mapping[str, Any] | None = None,
                 seeds: Any = None) -> ReportPaths:
    """Write the report files into ``out_dir`` (created if missing).

    Parameters
    ----------
    out_dir : path
        Target directory.
    rows : sequence of ScenarioRow
        One row per scenario (the table).
    records : mapping or sequence
        JSON-ready data behind the rows (fits, comparisons, curves): dataclasses, numpy
        arrays and mpmath/sympy numbers are converted by ``asymptotics._lib.serialize``. NaN is
        refused (``ValueError``) before anything is written.
    figures : mapping name -> matplotlib Figure, optional
        Saved as ``figures/NAME.png`` and ``figures/NAME.pdf``.
    config : mapping, optional
        The configuration that produced the report.
    seeds : optional
        The seeds used (any JSON-ready structure).

    Returns
    -------
    ReportPaths
    """
    out, rows, figures = _report_iv(out_dir, rows, records, figures)
    out = out.resolve()
    figure_files = {name: _figure_bytes(name, fig) for name, fig in figures.items()}
    figure_index = {name: {"png": f"figures/{name}.png", "pdf": f"figures/{name}.pdf"}
                    for name in figures}
    document = {
        "schema": SCHEMA,
        "created_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "configuration": {} if config is None else config,
        "seeds": seeds,
        "rows": [asdict(r) for r in rows],
        "records": records,
        "files": {"table_tex": "table.tex", "table_txt": "table.txt", "figures": figure_index},
    }
    text_json = dumps(document) + "\n"  # strict JSON: raises on NaN before any write
    tex, txt = render_latex(rows), render_terminal(rows)

    out.mkdir(parents=True, exist_ok=True)
    written = []
    if figure_files:
        (out / "figures").mkdir(exist_ok=True)
    for name, (png, pdf) in figure_files.items():
        written.append((name, atomic_write(out / "figures" / f"{name}.png", png),
                        atomic_write(out / "figures" / f"{name}.pdf", pdf)))
    table_tex = atomic_write(out / "table.tex", tex)
    table_txt = atomic_write(out / "table.txt", txt)
    results = atomic_write(out / "results.json", text_json)  # last: marks the report complete
    return ReportPaths(out_dir=out, table_tex=table_tex, table_txt=table_txt,
                       results_json=results, figures=tuple(written))
