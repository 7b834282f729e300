"""The only writer of the report directory: tables, figures, ``results.json``, checkpoints.

:func:`write_report` renders everything in memory first (tables, figure bytes, strict
JSON), so invalid input such as a NaN fails before any file is touched. Each file is then
written atomically: to a temporary file in the same directory, flushed and synced, then
moved over the target with ``os.replace`` (a reader sees the old file or the new one,
never half of one). The old ``results.json`` is removed before anything else is written and
the new one is written last, so its presence means the report is complete and an
interrupted rewrite never leaves new tables beside old results. The writer follows no
symbolic link it did not create (:func:`refuse_link`). Layout of ``out_dir``::

    table.tex            booktabs tabular (verify.output.tables.render_latex)
    table.txt            the terminal table (verify.output.tables.render_terminal)
    figures/NAME.png     each figure, raster
    figures/NAME.pdf     each figure, vector
    results.json         every number: rows, records, configuration, seeds, versions
    .checkpoints/*.json  finished scenarios of an interrupted run (CheckpointStore)

:class:`CheckpointStore` keeps the checkpoints: one strict-JSON file per scenario, written
atomically, with a format version, the key it was computed under (scenario, suite,
``--quick``, seed, BLAS threads, toolkit version) and a SHA-256 content digest of the payload
inside. Its numbers are exact (``asymptotics._lib.codec``); reading checks the format, the
key and the digest, then validates every tagged value before decoding, and runs no code: a
file that is damaged or edited (digest mismatch), foreign (another key), of another format
version (the pickles of earlier versions are never loaded) or a symbolic link raises
:class:`CheckpointError`, and the caller recomputes.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import math
import os
import platform
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from asymptotics._lib.codec import decode_result, encode_result
from asymptotics._lib.files import TMP_SUFFIX, atomic_write
from asymptotics._lib.serialize import dumps
from verify.output.tables import ScenarioRow, render_latex, render_terminal

__all__ = ["CHECKPOINT_FORMAT", "SCHEMA", "CheckpointError", "CheckpointStore", "LinkRefused",
           "ReportPaths", "content_digest", "json_schema", "package_versions", "refuse_link",
           "validate_json", "write_report"]

SCHEMA = "scaling-law-toolkit/report/1"
_FIGURE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PACKAGES = ("numpy", "scipy", "sympy", "mpmath", "matplotlib", "tqdm")


class LinkRefused(ValueError):
    """A path of the report directory is a symbolic link the writer did not create."""


def refuse_link(path: str | os.PathLike[str]) -> None:
    """Raise :class:`LinkRefused` when ``path`` is a symbolic link (dangling or not).

    The report directory's own entries (``figures/``, the tables, ``results.json``,
    ``.checkpoints``) are only ever created by this module as plain files and directories;
    a link there was put by someone else, and writing or deleting through it would touch
    files outside the report.
    """
    if os.path.islink(path):
        raise LinkRefused(f"refusing to follow the symbolic link {str(path)!r} (the report "
                          f"writer creates no links; remove it or choose another --out)")


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
                 seeds: Any = None,
                 on_figure: Callable[[str], None] | None = None) -> ReportPaths:
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
    on_figure : callable (name) -> None, optional
        Called after each figure is rendered to PNG and PDF bytes (the progress bar's step).

    Returns
    -------
    ReportPaths

    Raises
    ------
    LinkRefused
        When ``figures/``, a report file or ``.checkpoints`` inside ``out_dir`` is a
        symbolic link: the writer follows no link it did not create.
    OSError
        A failed write (full disk, read-only file system, file too large) is raised as is;
        ``results.json`` has then been removed, so the directory reads as incomplete.
    """
    out, rows, figures = _report_iv(out_dir, rows, records, figures)
    out = out.resolve()
    figure_files = {}
    for name, fig in figures.items():  # rendering is the slow part: tick per figure
        figure_files[name] = _figure_bytes(name, fig)
        if on_figure is not None:
            on_figure(name)
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
    for entry in ("figures", "table.tex", "table.txt", "results.json", ".checkpoints"):
        refuse_link(out / entry)
    # the report is replaced as a unit: without results.json it reads as incomplete, so an
    # interrupted rewrite never leaves new tables beside the old results
    (out / "results.json").unlink(missing_ok=True)
    written = []
    if figure_files:
        (out / "figures").mkdir(exist_ok=True)
        for name in figure_files:
            for suffix in (".png", ".pdf"):
                refuse_link(out / "figures" / f"{name}{suffix}")
    for name, (png, pdf) in figure_files.items():
        written.append((name, atomic_write(out / "figures" / f"{name}.png", png),
                        atomic_write(out / "figures" / f"{name}.pdf", pdf)))
    table_tex = atomic_write(out / "table.tex", tex)
    table_txt = atomic_write(out / "table.txt", txt)
    results = atomic_write(out / "results.json", text_json)  # last: marks the report complete
    return ReportPaths(out_dir=out, table_tex=table_tex, table_txt=table_txt,
                       results_json=results, figures=tuple(written))


# --------------------------------------------------------------------------------------
# The JSON schemas of results.json and of `python -m verify --json`
# --------------------------------------------------------------------------------------
_SCHEMAS = {"results": "schema_results.json", "stdout": "schema_stdout.json"}


def json_schema(which: str = "results") -> dict[str, Any]:
    """The JSON schema (draft 2020-12) shipped with the package: ``"results"`` documents
    every field of ``results.json``, ``"stdout"`` every field ``python -m verify --json``
    prints. Numbers are JSON numbers; only the infinities are the strings ``"inf"`` and
    ``"-inf"`` (``#/$defs/number``)."""
    if which not in _SCHEMAS:
        raise ValueError(f"`which` must be one of {list(_SCHEMAS)}; got {which!r}")
    from importlib import resources

    text = resources.files("verify.output").joinpath(_SCHEMAS[which]).read_text("utf-8")
    return json.loads(text)


_JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES[name])


def validate_json(data: Any, schema: Mapping[str, Any], *, root: Mapping[str, Any] | None = None,
                  where: str = "$") -> None:
    """Check ``data`` against ``schema``; raise ``ValueError`` naming the first failing path.

    The subset of JSON Schema the shipped schemas use (``jsonschema`` is not a
    dependency): ``type``, ``enum``, ``const``, ``properties``, ``required``,
    ``additionalProperties`` (boolean or schema), ``items``, ``minItems``, ``maxItems``,
    ``minimum``, ``oneOf``, ``allOf`` and local ``$ref`` (``#/$defs/NAME``). Any other
    keyword is refused, so a schema cannot silently ask for a check that is not made.
    """
    root = schema if root is None else root
    known = {"$schema", "$id", "$defs", "title", "description", "type", "enum", "const",
             "properties", "required", "additionalProperties", "items", "minItems",
             "maxItems", "minimum", "oneOf", "allOf", "$ref"}
    unknown = set(schema) - known
    if unknown:
        raise ValueError(f"schema at {where} uses unsupported keywords {sorted(unknown)}")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/") or ref[8:] not in root.get("$defs", {}):
            raise ValueError(f"schema at {where}: unknown $ref {ref!r}")
        validate_json(data, root["$defs"][ref[8:]], root=root, where=where)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(data, t) for t in types):
            raise ValueError(f"{where}: must be {' or '.join(types)}; got "
                             f"{type(data).__name__} {data!r:.60}")
    if "enum" in schema and not any(data == e and type(data) is type(e) for e in schema["enum"]):
        raise ValueError(f"{where}: must be one of {schema['enum']}; got {data!r:.60}")
    if "const" in schema and data != schema["const"]:
        raise ValueError(f"{where}: must be {schema['const']!r}; got {data!r:.60}")
    if "minimum" in schema and _is_type(data, "number") and data < schema["minimum"]:
        raise ValueError(f"{where}: must be >= {schema['minimum']}; got {data!r}")
    for sub in schema.get("allOf", ()):
        validate_json(data, sub, root=root, where=where)
    if "oneOf" in schema:
        passed, reasons = 0, []
        for sub in schema["oneOf"]:
            try:
                validate_json(data, sub, root=root, where=where)
                passed += 1
            except ValueError as exc:
                reasons.append(str(exc))
        if passed != 1:
            raise ValueError(f"{where}: must match exactly one of {len(schema['oneOf'])} "
                             f"alternatives; matched {passed} ({'; '.join(reasons)[:300]})")
    if isinstance(data, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in data:
                raise ValueError(f"{where}: the field {key!r} is required")
        extra = schema.get("additionalProperties", True)
        for key, value in data.items():
            if key in props:
                validate_json(value, props[key], root=root, where=f"{where}.{key}")
            elif extra is False:
                raise ValueError(f"{where}: the field {key!r} is not documented in the schema")
            elif isinstance(extra, Mapping):
                validate_json(value, extra, root=root, where=f"{where}.{key}")
    if isinstance(data, list):
        if len(data) < schema.get("minItems", 0) or len(data) > schema.get("maxItems", len(data)):
            raise ValueError(f"{where}: has {len(data)} items, outside "
                             f"[{schema.get('minItems', 0)}, {schema.get('maxItems', 'inf')}]")
        if "items" in schema:
            for k, value in enumerate(data):
                validate_json(value, schema["items"], root=root, where=f"{where}[{k}]")


# --------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------
#: The format of a checkpoint file; a file of any other format is recomputed.
CHECKPOINT_FORMAT = "scaling-law-toolkit/checkpoint/2"
#: A checkpoint larger than this is not read (the suite's largest is well under 1 MiB).
CHECKPOINT_MAX_BYTES = 64 * 2**20
_STEM = re.compile(r"^[0-9a-f]{32}$")
_CHECKPOINT_FILE = re.compile(r"^[0-9a-f]{32}\.(json|pkl)$")
_CHECKPOINT_TMP = re.compile(r"^\.[0-9a-f]{32}\.json\.")  # atomic_write's temporary files
_DTYPE = re.compile(r"^[<>|=]?(b1|[iu][1248]|f[248])$")
_FLOAT_TAGS = {"inf", "-inf", "nan"}


def content_digest(payload: Any) -> str:
    """SHA-256 of the canonical strict JSON of an encoded payload (sorted keys, no spaces):
    the digest a checkpoint stores and that reading it recomputes."""
    text = json.dumps(payload, allow_nan=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


class CheckpointError(ValueError):
    """A checkpoint that is not used: damaged, foreign or of an old format (``path``, why)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _check_tagged(data: Any, where: str = "payload", depth: int = 0) -> None:
    """Refuse anything ``asymptotics._lib.codec.encode_result`` would not have written:
    every ``"__"`` key is one of its tags, exactly, with a well-formed value."""
    if depth > 64:
        raise ValueError(f"{where}: nested deeper than 64 levels")
    if isinstance(data, list):
        for i, v in enumerate(data):
            _check_tagged(v, f"{where}[{i}]", depth + 1)
        return
    if not isinstance(data, dict):
        if data is None or isinstance(data, bool | int | str):
            return
        if isinstance(data, float) and math.isfinite(data):
            return
        raise ValueError(f"{where}: unexpected value {data!r:.40}")
    tags = [k for k in data if k.startswith("__")]
    if not tags:
        for k, v in data.items():
            _check_tagged(v, f"{where}[{k!r}]", depth + 1)
        return
    if len(data) != 1 or tags[0] not in ("__float__", "__tuple__", "__ndarray__"):
        raise ValueError(f"{where}: unknown tag {tags[0]!r:.40} (keys {sorted(data)[:4]})")
    tag, value = tags[0], data[tags[0]]
    if tag == "__float__":
        if value not in _FLOAT_TAGS:
            raise ValueError(f"{where}: `__float__` must be one of {sorted(_FLOAT_TAGS)}; got "
                             f"{value!r:.40}")
    elif tag == "__tuple__":
        if not isinstance(value, list):
            raise ValueError(f"{where}: `__tuple__` must hold a list")
        _check_tagged(value, where, depth + 1)
    else:
        if not (isinstance(value, dict) and set(value) == {"dtype", "shape", "data"}
                and isinstance(value["dtype"], str) and _DTYPE.match(value["dtype"])
                and isinstance(value["shape"], list) and len(value["shape"]) <= 8
                and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                        for n in value["shape"])
                and isinstance(value["data"], list)
                and math.prod(value["shape"]) == len(value["data"])):
            raise ValueError(f"{where}: malformed `__ndarray__` (dtype b1/i/u/f, shape, data "
                             f"of shape's size)")
        for i, v in enumerate(value["data"]):
            if not (isinstance(v, bool | int | float) or
                    (isinstance(v, dict) and set(v) == {"__float__"}
                     and v["__float__"] in _FLOAT_TAGS)):
                raise ValueError(f"{where}: `__ndarray__` entry {i} is not a number")


@dataclass(frozen=True)
class CheckpointStore:
    """The checkpoints of a report, one JSON file per key under ``directory``.

    ``stem`` names a file (32 lowercase hex digits, e.g. a hash of the key); ``key`` is the
    JSON mapping a checkpoint must have been written under to be read back (the scenario,
    ``--quick``, the seed and the toolkit version). The store is the only code that writes or
    deletes these files.
    """

    directory: Path

    def __post_init__(self) -> None:
        if not isinstance(self.directory, str | os.PathLike):
            raise TypeError(f"`directory` must be a path; got {self.directory!r}")
        object.__setattr__(self, "directory", Path(self.directory))

    def path(self, stem: str) -> Path:
        """The checkpoint file of ``stem``."""
        if not isinstance(stem, str) or not _STEM.match(stem):
            raise ValueError(f"`stem` must be 32 lowercase hex digits; got {stem!r}")
        return self.directory / f"{stem}.json"

    def write(self, stem: str, key: Mapping[str, Any], payload: Any) -> Path:
        """Store ``payload`` (data ``asymptotics._lib.codec.encode_result`` takes) under
        ``key``, atomically; an old-format file of the same stem is removed."""
        path = self.path(stem)
        encoded = encode_result(payload, "payload")
        document = {"format": CHECKPOINT_FORMAT, "key": dict(key),
                    "digest": content_digest(encoded), "payload": encoded}
        text = json.dumps(document, allow_nan=False, separators=(",", ":")) + "\n"
        refuse_link(self.directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        refuse_link(path)
        atomic_write(path, text)
        path.with_suffix(".pkl").unlink(missing_ok=True)
        return path

    def read(self, stem: str, key: Mapping[str, Any]) -> Any:
        """The payload stored under ``key``, or ``None`` when there is no checkpoint.

        Raises
        ------
        CheckpointError
            For an old-format (pickle) file, which is never opened, and for a file that is
            damaged (not strict JSON, malformed, too large) or foreign (another format or
            key).
        """
        path = self.path(stem)
        if os.path.islink(self.directory) or os.path.islink(path):
            raise CheckpointError(path, "a symbolic link, never followed")
        legacy = path.with_suffix(".pkl")
        if legacy.exists():
            raise CheckpointError(legacy, "old-format (pickle) checkpoint, never loaded")
        if not path.exists():
            return None
        try:
            size = path.stat().st_size
            if size > CHECKPOINT_MAX_BYTES:
                raise ValueError(f"{size} bytes, more than {CHECKPOINT_MAX_BYTES}")
            document = json.loads(path.read_bytes().decode("utf-8"),
                                  parse_constant=_refuse_constant)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise CheckpointError(path, f"damaged ({type(exc).__name__}: {exc})"[:200]) \
                from None
        if isinstance(document, dict) and "format" in document \
                and document["format"] != CHECKPOINT_FORMAT:
            raise CheckpointError(path, f"foreign format {document['format']!r:.60} (another "
                                        f"version), expected {CHECKPOINT_FORMAT!r}")
        if not isinstance(document, dict) or \
                set(document) != {"format", "key", "digest", "payload"}:
            raise CheckpointError(path, "damaged (not a checkpoint: keys must be format, key, "
                                        "digest, payload)")
        if document["key"] != dict(key):
            raise CheckpointError(path, f"foreign key {document['key']!r:.160}")
        try:
            digest = content_digest(document["payload"])
        except (ValueError, TypeError, RecursionError) as exc:
            raise CheckpointError(path, f"damaged payload ({exc})"[:200]) from None
        if document["digest"] != digest:
            raise CheckpointError(path, "content digest mismatch (the payload was edited or "
                                        "damaged after it was written)")
        try:
            _check_tagged(document["payload"])
            return decode_result(document["payload"])
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            raise CheckpointError(path, f"damaged payload ({exc})"[:200]) from None

    def clear(self) -> int:
        """Delete every checkpoint file (and leftover temporary file); return how many.

        A ``directory`` that is a symbolic link is refused (:class:`LinkRefused`): deleting
        through it would delete files elsewhere.
        """
        refuse_link(self.directory)
        if not self.directory.is_dir():
            return 0
        removed = 0
        for entry in self.directory.iterdir():
            name = entry.name
            ours = _CHECKPOINT_FILE.match(name) or (_CHECKPOINT_TMP.match(name)
                                                    and name.endswith(TMP_SUFFIX))
            if ours and entry.is_file() and not entry.is_symlink():
                entry.unlink()
                removed += 1
        return removed


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"non-strict JSON constant {token}")
