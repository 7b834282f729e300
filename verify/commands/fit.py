"""``python -m verify fit FILE.csv``: fit a measured learning curve and compare it.

The CSV file has a header row naming its columns, ``size`` and ``loss`` and optionally
``seed`` (names are case-insensitive; ``#`` lines and blank lines are skipped). Rows may
come in any order: they are sorted by size. Without a ``seed`` column each size may
appear once; with it, every seed must have the same sizes, the fit uses the mean over
seeds and the interval is a bootstrap over seeds (docs/fitting.md (FIT.6)). The file is
read by :func:`verify.readers.read_curve_csv`.

Exit status: 0 when there is no prediction or it agrees, 1 when it disagrees, 2 for a
usage error (malformed file, bad option), printed on one line.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from asymptotics._lib.cli import UsageError, parse_float_list
from verify.readers import CurveData, read_curve_csv

__all__ = ["HELP", "NAME", "CurveData", "add_arguments", "read_curve_csv", "run"]

NAME = "fit"
HELP = "fit a power law (optionally with offset) to your own measured curve (CSV) and compare"


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


def _options_iv(args: argparse.Namespace) -> None:
    """Check every numeric option before the file is read; errors name the option."""
    from asymptotics._lib.validation import check_int, check_real

    if args.window is not None:
        if len(args.window) != 2:
            raise UsageError(f"verify fit: --window must be LO,HI; got {args.window}")
        lo = check_real("--window LO", args.window[0], gt=0)
        hi = check_real("--window HI", args.window[1], gt=0, allow_inf=True)
        if not hi > lo:
            raise UsageError(f"verify fit: --window must have LO < HI; got {lo:g},{hi:g}")
    if args.predict is not None:
        check_real("--predict", args.predict)
    check_real("--band", args.band, ge=0)
    check_real("--confidence", args.confidence, gt=0, lt=1)
    check_int("--seed", args.seed, minimum=0)
    check_int("--resamples", args.resamples, minimum=99)
    if args.predict is None and (args.latex or args.band != 0.0 or args.band_reason):
        raise UsageError("verify fit: --latex, --band and --band-reason need --predict")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from asymptotics._lib.budget import BudgetExceeded
    from asymptotics._lib.serialize import dumps
    from verify.compare import compare_exponent
    from verify.fit import fit_power_law
    from verify.output.tables import ScenarioRow, render_latex

    _options_iv(args)
    data = read_curve_csv(args.file)
    losses = np.array(data.losses)
    multi = losses.shape[0] > 1
    try:
        fit = fit_power_law(data.sizes, None if multi else losses[0], offset=args.offset,
                            window=None if args.window is None else tuple(args.window),
                            seeds_losses=losses if multi else None, confidence=args.confidence,
                            rng=args.seed, n_resamples=args.resamples)
    except BudgetExceeded as exc:  # name the option, not the library's parameter
        raise BudgetExceeded("--resamples", exc.value, exc.what, exc.estimate, exc.bound,
                             exc.hint) from None
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
