"""The one file reader of the command lines: measured curves and point clouds.

* :func:`read_curve_csv` reads a learning curve for ``python -m verify fit``: a CSV file
  with a header naming the columns ``size``, ``loss`` and optionally ``seed``;
* :func:`read_table` reads named columns of a CSV or Parquet table for ``python -m verify
  fit FILE --x N,D --y loss --group seed``: sizes, losses and optional group labels;
* :func:`read_array` reads a numeric array for ``python -m verify dimension``: a ``.npy``
  file, a ``.npz`` archive holding one array, or a CSV table of numbers.

Arrays are read with ``numpy.load(..., allow_pickle=False)`` only, after the ``.npy``
header has been checked: an object array (whose data would be unpickled) is refused
before any of its data is read, so nothing a file supplies is ever executed. Every
problem is a one-line ``ValueError`` naming the file (and the line, for CSV), the rule
and what was found; the command lines print it with exit status 2.
"""

from __future__ import annotations

import csv
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["ARRAY_SUFFIXES", "TABLE_SUFFIXES", "CurveData", "TableData", "read_array",
           "read_curve_csv", "read_table"]

#: The file types :func:`read_array` reads.
ARRAY_SUFFIXES = (".npy", ".npz", ".csv")

#: The file types :func:`read_table` reads.
TABLE_SUFFIXES = (".csv", ".parquet", ".pq")

_COLUMNS = ("size", "loss", "seed")


@dataclass(frozen=True)
class CurveData:
    """A curve read from CSV: sizes, per-seed losses (one row per seed), seed labels
    (empty when the file has no seed column)."""

    sizes: tuple[float, ...]
    losses: tuple[tuple[float, ...], ...]
    seeds: tuple[str, ...]


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """``(line number, cells)`` of the non-blank, non-``#`` lines of a UTF-8 CSV file."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return [(n, row) for n, row in enumerate(csv.reader(handle), start=1)
                    if row and any(c.strip() for c in row)
                    and not row[0].lstrip().startswith("#")]
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: must be UTF-8 text (a CSV file); got the byte "
                         f"{exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}"
                         ) from None
    except csv.Error as exc:
        raise ValueError(f"{path}: must be a CSV file; the csv parser says: {exc}") from None


# ---- curves -------------------------------------------------------------------------

def _number(text: str, where: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: `{column}` must be a number; got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: `{column}` must be finite; got {text!r}")
    return value


def _header(row: list[str], path: Path, lineno: int) -> dict[str, int]:
    names = [c.strip().lower() for c in row]
    unknown = [n for n in names if n not in _COLUMNS]
    if unknown or len(set(names)) != len(names) or not {"size", "loss"} <= set(names):
        raise ValueError(f"{path}:{lineno}: the header must name the columns size, loss and "
                         f"optionally seed, each once; got {row!r}")
    return {n: i for i, n in enumerate(names)}


def read_curve_csv(path: str | Path) -> CurveData:
    """Read and check a curve file.

    The file has a header row naming its columns, ``size`` and ``loss`` and optionally
    ``seed`` (names are case-insensitive; ``#`` lines and blank lines are skipped). Rows
    may come in any order: they are sorted by size. Without a ``seed`` column each size
    may appear once; with it, every seed must have the same sizes.

    Raises
    ------
    ValueError
        With ``file:line`` for a missing or bad header, a wrong number of fields, a value
        that is not a finite number, a repeated size (per seed), or seeds with different
        sizes; with the file for text that is not UTF-8. ``OSError`` if the file cannot be
        read.
    """
    path = Path(path)
    lines = _csv_rows(path)
    if not lines:
        raise ValueError(f"{path}: the file is empty; expected a header row and data rows")
    cols = _header(lines[0][1], path, lines[0][0])
    by_seed: dict[str, dict[float, float]] = {}
    for n, row in lines[1:]:
        where = f"{path}:{n}"
        if len(row) != len(cols):
            raise ValueError(f"{where}: expected {len(cols)} fields like the header; got "
                             f"{len(row)}: {row!r}")
        size = _number(row[cols["size"]], where, "size")
        loss = _number(row[cols["loss"]], where, "loss")
        seed = row[cols["seed"]].strip() if "seed" in cols else ""
        curve = by_seed.setdefault(seed, {})
        if size in curve:
            extra = f" for seed {seed!r}" if seed else " (add a seed column for repeats)"
            raise ValueError(f"{where}: size {size:g} appears twice{extra}")
        curve[size] = loss
    if not by_seed:
        raise ValueError(f"{path}: no data rows after the header")
    seeds = list(by_seed)
    sizes = sorted(by_seed[seeds[0]])
    for seed in seeds[1:]:
        if sorted(by_seed[seed]) != sizes:
            raise ValueError(f"{path}: seed {seed!r} has sizes {sorted(by_seed[seed])}, seed "
                             f"{seeds[0]!r} has {sizes}; every seed needs the same sizes")
    losses = tuple(tuple(by_seed[s][x] for x in sizes) for s in seeds)
    return CurveData(sizes=tuple(sizes), losses=losses,
                     seeds=tuple(seeds) if "seed" in cols else ())


# ---- named tables (CSV or Parquet) ------------------------------------------------------

@dataclass(frozen=True)
class TableData:
    """Columns read by :func:`read_table`: sizes ``x`` (one tuple per row, one value per
    ``x`` column), losses ``y``, group labels (empty without a group column) and the file's
    line (CSV) or row (Parquet, from 1) of each row."""

    x_columns: tuple[str, ...]
    y_column: str
    x: tuple[tuple[float, ...], ...]
    y: tuple[float, ...]
    groups: tuple[str, ...]
    lines: tuple[int, ...]


def _cell_value(text: object, where: str, column: str, positive: bool) -> float:
    if isinstance(text, bool) or text is None:
        raise ValueError(f"{where}: column `{column}` must be a number; got {text!r}")
    try:
        value = float(text.strip() if isinstance(text, str) else text)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: column `{column}` must be a number; got {text!r}") from None
    if math.isnan(value):
        raise ValueError(f"{where}: column `{column}` must be a number; got NaN ({text!r})")
    if not math.isfinite(value):
        raise ValueError(f"{where}: column `{column}` must be finite; got {text!r}")
    if positive and not value > 0:
        raise ValueError(f"{where}: column `{column}` must be positive (a size or a loss, "
                         f"fitted on a log scale); got {text!r}")
    return value


def _table_cells(path: Path, wanted: list[str]) -> tuple[list[int], list[list[object]], str]:
    """``(line numbers, rows of the wanted columns, 'line' or 'row')`` of a CSV/Parquet file."""
    if path.suffix.lower() == ".csv":
        lines = _csv_rows(path)
        if not lines:
            raise ValueError(f"{path}: the file is empty; expected a header row and data rows")
        head_no, head = lines[0]
        names = [c.strip() for c in head]
        lower = [n.lower() for n in names]
        idx = []
        for w in wanted:
            if w in names:
                idx.append(names.index(w))
            elif w.lower() in lower and lower.count(w.lower()) == 1:
                idx.append(lower.index(w.lower()))
            else:
                raise ValueError(f"{path}:{head_no}: no column `{w}` in the header; the "
                                 f"columns are {names}")
        rows, numbers = [], []
        for n, row in lines[1:]:
            if len(row) != len(names):
                raise ValueError(f"{path}:{n}: expected {len(names)} fields like the header; "
                                 f"got {len(row)}: {row!r}")
            rows.append([row[i] for i in idx])
            numbers.append(n)
        return numbers, rows, "line"
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow), or "
                         "save the table as CSV") from None
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises its own error types for a bad file
        raise ValueError(f"{path}: not a readable Parquet file: "
                         f"{' '.join(str(exc).split())}") from None
    for w in wanted:
        if w not in table.column_names:
            raise ValueError(f"{path}: no column `{w}`; the columns are {table.column_names}")
    cols = [table.column(w).to_pylist() for w in wanted]
    return list(range(1, table.num_rows + 1)), [list(r) for r in zip(*cols, strict=True)], "row"


def read_table(path: str | Path, *, x: list[str] | tuple[str, ...], y: str,
               group: str | None = None) -> TableData:
    """Read named size, loss and group columns of a CSV or Parquet table.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file (header row; ``#`` lines and blank lines skipped; names matched
        exactly, else case-insensitively) or a ``.parquet`` file.
    x : list of str
        The size columns (``["N"]`` or ``["N", "D"]``).
    y : str
        The loss column.
    group : str, optional
        The seed or run column (any text).

    Returns
    -------
    TableData

    Raises
    ------
    ValueError
        One line naming the file, the line (CSV) or row (Parquet) and the column: a
        missing column, text or NaN in a numeric column, a non-positive or infinite size or
        loss, no data rows, a size column with one distinct value. ``OSError`` if the file
        cannot be opened.
    """
    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise ValueError(f"{path}: must end in one of {', '.join(TABLE_SUFFIXES)}")
    x = list(x)
    if not x or len(set(x)) != len(x) or y in x or (group is not None and group in [*x, y]):
        raise ValueError(f"{path}: the size columns {x}, loss column {y!r} and group column "
                         f"{group!r} must be distinct and at least one size column given")
    wanted = [*x, y] + ([group] if group is not None else [])
    numbers, rows, unit = _table_cells(path, wanted)
    if not rows:
        raise ValueError(f"{path}: no data rows")
    xs, ys, gs = [], [], []
    for n, row in zip(numbers, rows, strict=True):
        where = f"{path}:{n}" if unit == "line" else f"{path}: row {n}"
        xs.append(tuple(_cell_value(row[j], where, x[j], True) for j in range(len(x))))
        ys.append(_cell_value(row[len(x)], where, y, True))
        if group is not None:
            gs.append(str(row[-1]).strip())
    for j, name in enumerate(x):
        if len({r[j] for r in xs}) < 2:
            raise ValueError(f"{path}: column `{name}` has one distinct value ({xs[0][j]:g}); "
                             "a scaling law needs at least two sizes")
    return TableData(x_columns=tuple(x), y_column=y, x=tuple(xs), y=tuple(ys),
                     groups=tuple(gs), lines=tuple(numbers))


# ---- arrays -------------------------------------------------------------------------

def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _numeric_csv(path: Path, name: str) -> np.ndarray:
    """A table of numbers, one optional header line (the first, if not numeric)."""
    rows: list[list[float]] = []
    width = None
    for pos, (lineno, cells) in enumerate(_csv_rows(path)):
        cells = [c.strip() for c in cells]
        if not all(_is_number(c) for c in cells):
            if pos == 0:
                continue  # a header line
            bad = next(c for c in cells if not _is_number(c))
            raise ValueError(f"malformed CSV {path}: line {lineno}: {bad!r} is not a number")
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            raise ValueError(f"malformed CSV {path}: line {lineno} has {len(cells)} "
                             f"columns, expected {width}")
        rows.append([float(c) for c in cells])
    if not rows:
        raise ValueError(f"`{name}` {path} contains no data rows")
    return np.array(rows, dtype=np.float64)


def _header_dtype(fh) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from a ``.npy`` header (format 1.0 or 2.0), reading nothing else."""
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    else:
        raise ValueError(f"unsupported .npy format version {version[0]}.{version[1]} "
                         "(1.0 and 2.0 are read)")
    return shape, dtype


def _check_dtype(dtype: np.dtype, path: Path, name: str, what: str) -> None:
    if dtype.hasobject:
        raise ValueError(f"`{name}` {path} holds {what} of Python objects (dtype {dtype}), which "
                         "only unpickling could read; refused (allow_pickle=False): save a "
                         "numeric array")
    if not (np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)):
        raise ValueError(f"`{name}` {path} must hold a real numeric array; got {what} of "
                         f"dtype {dtype}")


def _npy(path: Path, name: str) -> np.ndarray:
    with path.open("rb") as fh:
        try:
            shape, dtype = _header_dtype(fh)
        except (ValueError, EOFError, SyntaxError, TypeError) as exc:
            raise ValueError(f"`{name}` {path} is not a readable .npy array: "
                             f"{' '.join(str(exc).split())}") from None
        _check_dtype(dtype, path, name, "an array")
        need = math.prod(shape) * dtype.itemsize
        have = os.fstat(fh.fileno()).st_size - fh.tell()
    if need > have:
        raise ValueError(f"`{name}` {path} is not a readable .npy array: its header promises "
                         f"shape {shape} of {dtype} ({need} bytes) but {have} bytes follow")
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, EOFError, OSError) as exc:
        raise ValueError(f"`{name}` {path} is not a readable .npy array: "
                         f"{' '.join(str(exc).split())}") from None


def _npz(path: Path, name: str) -> np.ndarray:
    try:
        with np.load(path, allow_pickle=False) as archive:
            keys = list(archive.files)
            if len(keys) != 1:
                raise ValueError(f"`{name}` {path} must hold exactly one array; got "
                                 f"{len(keys)}: {keys}")
            with archive.zip.open(keys[0] + ".npy") as member:
                _, dtype = _header_dtype(member)
            _check_dtype(dtype, path, name, f"the array {keys[0]!r}")
            return archive[keys[0]]
    except (zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise ValueError(f"`{name}` {path} is not a readable .npz archive: "
                         f"{' '.join(str(exc).split())}") from None
    except ValueError as exc:
        if str(exc).startswith(f"`{name}` {path}"):
            raise
        raise ValueError(f"`{name}` {path} is not a readable .npz archive: "
                         f"{' '.join(str(exc).split())}") from None


def read_array(path: str | Path, *, name: str = "FILE") -> np.ndarray:
    """Read a numeric array from a ``.npy`` file, a one-array ``.npz`` archive or a CSV table.

    Parameters
    ----------
    path : str or Path
        The file; its suffix (case-insensitive) picks the format, one of
        :data:`ARRAY_SUFFIXES`.
    name : str
        How the messages name the file's role (the command-line argument).

    Returns
    -------
    numpy.ndarray
        As stored (``.npy``/``.npz``: integer or floating dtype) or float64 (CSV: one row per
        line, one optional header line, ``#`` comments and blank lines skipped).

    Raises
    ------
    ValueError
        One line naming the file: an unknown suffix, an empty file, a malformed header or
        truncated data, an object array (refused before anything is unpickled), a non-numeric
        dtype, an archive with other than one array, a malformed CSV line. ``OSError`` if the
        file cannot be opened.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in ARRAY_SUFFIXES:
        raise ValueError(f"`{name}` must end in .npy or .csv or .npz; got {str(path)!r}")
    if path.stat().st_size == 0:
        raise ValueError(f"`{name}` {path} is empty")
    if ext == ".npy":
        return _npy(path, name)
    if ext == ".npz":
        return _npz(path, name)
    return _numeric_csv(path, name)
