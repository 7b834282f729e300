"""``python -m verify fit FILE.csv``: fit a measured learning curve and compare it.

The CSV file has a header row naming its columns, ``size`` and ``loss`` and optionally
``seed`` (names are case-insensitive; ``#`` lines and blank lines are skipped). Rows may
come in any order: they are sorted by size. Without a ``seed`` column each size may
appear once; with it, every seed must have the same sizes, the fit uses the mean over
seeds and the interval is a bootstrap over seeds (docs/fitting.md (FIT.6)).

Exit status: 0 when there is no prediction or it agrees, 1 when it disagrees, 2 for a
usage error (malformed file, bad option), printed on one line.
"""

from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asymptotics._lib.cli import UsageError, parse_float_list

__all__ = ["HELP", "NAME", "CurveData", "add_arguments", "read_curve_csv", "run"]

NAME = "fit"
HELP = "fit a power law (optionally with offset) to your own measured curve (CSV) and compare"

_COLUMNS = ("size", "loss", "seed")


@dataclass(frozen=True)
class CurveData:
    """A curve read from CSV: sizes, per-seed losses (one row per seed), seed labels
    (empty when the file has no seed column)."""

    sizes: tuple[float, ...]
    losses: tuple[tuple[float, ...], ...]
    seeds: tuple[str, ...]


def _number(text: str, where: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: `{column}` must be a number; got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: `{column}` must be finite; got {text!r}")
    return value


def _header(row: list[str], path: Path) -> dict[str, int]:
    names = [c.strip().lower() for c in row]
    unknown = [n for n in names if n not in _COLUMNS]
    if unknown or len(set(names)) != len(names) or not {"size", "loss"} <= set(names):
        raise ValueError(f"{path}:1: the header must name the columns size, loss and optionally "
                         f"seed, each once; got {row!r}")
    return {n: i for i, n in enumerate(names)}


def read_curve_csv(path: str | Path) -> CurveData:
    """Read and check a curve file (see the module docstring for the format).

    Raises
    ------
    ValueError
        With ``file:line`` for a missing or bad header, a wrong number of fields, a value
        that is not a finite number, a repeated size (per seed), or seeds with different
        sizes. ``OSError`` if the file cannot be read.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [(n, row) for n, row in enumerate(csv.reader(handle), start=1)
                 if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"{path}: the file is empty; expected a header row and data rows")
    cols = _header(lines[0][1], path)
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="CSV with header: size,loss[,seed]")
    parser.add_argument("--predict", type=float, metavar="ALPHA",
                        help="predicted exponent to compare with")
    parser.add_argument("--band", type=float, default=0.0,
                        help="finite-size band added to both ends of the interval (default 0)")
    parser.add_argument("--band-reason", default=None,
                        help="why the band has its size (printed with the verdict)")
    parser.add_argument("--offset", action="store_true", help="fit L = A x^-alpha + L_inf")
    parser.add_argument("--window", type=parse_float_list, metavar="LO,HI",
                        help="fit only sizes in [LO, HI] (HI may be inf)")
    parser.add_argument("--confidence", type=float, default=0.95, help="default 0.95")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument("--resamples", type=int, default=999, help="bootstrap resamples")
    parser.add_argument("--name", default=None, help="row name for --latex (default: file stem)")
    parser.add_argument("--regime", default="measured", help="regime label for --latex")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the fit and comparison as JSON")
    out.add_argument("--latex", action="store_true", help="print the LaTeX table row")


def _describe(fit: Any, data: CurveData, path: Path) -> list[str]:
    from verify.output.tables import format_interval
    lo, hi = fit.alpha_ci
    if fit.ci_method == "bootstrap-seeds":
        how = (f"{fit.n_seeds} seeds, percentile bootstrap over seeds ({fit.n_resamples} "
               f"resamples, seed {fit.rng_seed})")
    else:
        how = "1 seed, least-squares interval (" + fit.ci_method + ")"
    lines = [f"fit of {path}: {fit.n_points} of {len(data.sizes)} points in window "
             f"[{fit.window[0]:g}, {fit.window[1]:g}], {how}",
             f"alpha = {format_interval(fit.alpha, lo, hi)}  "
             f"({fit.confidence:.0%} CI [{lo:.6g}, {hi:.6g}])",
             f"prefactor A = {fit.prefactor:.6g}"
             + (f", offset L_inf = {fit.offset:.6g} ± {fit.offset_stderr:.2g}"
                if fit.offset_fitted else "")]
    return lines


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from asymptotics._lib.serialize import dumps
    from verify.compare import compare_exponent
    from verify.fit import fit_power_law
    from verify.output.tables import ScenarioRow, render_latex

    if args.window is not None and len(args.window) != 2:
        raise UsageError(f"verify fit: --window must be LO,HI; got {args.window}")
    if args.predict is None and (args.latex or args.band != 0.0 or args.band_reason):
        raise UsageError("verify fit: --latex, --band and --band-reason need --predict")
    data = read_curve_csv(args.file)
    losses = np.array(data.losses)
    multi = losses.shape[0] > 1
    fit = fit_power_law(data.sizes, None if multi else losses[0], offset=args.offset,
                        window=None if args.window is None else tuple(args.window),
                        seeds_losses=losses if multi else None, confidence=args.confidence,
                        rng=args.seed, n_resamples=args.resamples)
    comparison = None
    if args.predict is not None:
        reason = args.band_reason or ("given with --band" if args.band else "no band given")
        comparison = compare_exponent(args.predict, fit, band=args.band, band_reason=reason)
    status = 0 if comparison is None or comparison.agrees else 1
    if args.json:
        print(dumps({"file": str(args.file), "sizes": data.sizes, "seeds": data.seeds,
                     "fit": fit, "comparison": comparison, "exit_code": status}))
    elif args.latex:
        row = ScenarioRow.from_comparison(args.name or args.file.stem, args.regime, comparison)
        lines = render_latex([row]).splitlines()
        print(lines[lines.index("\\midrule") + 1])  # the one data row
    else:
        print("\n".join(_describe(fit, data, args.file)))
        if comparison is not None:
            print(comparison.message)
    return status
