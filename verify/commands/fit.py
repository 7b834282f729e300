"""``python -m verify fit FILE.csv``: fit a measured learning curve and compare it.

The CSV file has a header row naming its columns, ``size`` and ``loss`` and optionally
``seed`` (names are case-insensitive; ``#`` lines and blank lines are skipped). Rows may
come in any order: they are sorted by size. Without a ``seed`` column each size may
appear once; with it, every seed must have the same sizes, the fit uses the mean over
seeds and the interval is a bootstrap over seeds (docs/fitting.md (FIT.6)). The file is
read by :func:`verify.readers.read_curve_csv`.

With ``--x`` (or ``--model``) it fits a scaling law instead (docs/fitting.md (FIT.9)-(FIT.16)):
named columns of a CSV or Parquet table (``--x N,D --y loss --group seed``, read by
:func:`verify.readers.read_table`), ``--model power|offset|broken|chinchilla|kaplan|rf``,
both interval routes, the warnings, ``--compute C1,C2`` for the compute-optimal allocation of a
Chinchilla fit, ``--theory B[,A]`` for the theory's allocation exponents beside the
fit's (docs/fitting.md (FIT.17)), ``--json``, ``--latex`` (a booktabs table of value ± error) and
``--figure PATH``.

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
HELP = ("fit a power law to your own measured curve (CSV) and compare; or, with --x, a scaling "
        "law (offset, broken, Chinchilla L(N, D)) to named columns of a CSV or Parquet table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="CSV with header: size,loss[,seed]; with --x a "
                        "CSV or Parquet table with named columns")
    law = parser.add_argument_group("scaling laws (named columns)")
    law.add_argument("--x", default=None, metavar="N[,D]", help="size column(s), e.g. N,D")
    law.add_argument("--y", default="loss", help="loss column (default loss)")
    law.add_argument("--group", default=None, help="seed or run column (optional)")
    law.add_argument("--model", default=None,
                     choices=("power", "offset", "broken", "chinchilla", "kaplan", "rf"),
                     help="law to fit (default power; chinchilla, kaplan and rf need --x N,D)")
    law.add_argument("--breaks", type=int, default=1, help="breaks of --model broken (1-3)")
    law.add_argument("--bootstrap", default="auto", choices=("auto", "cells", "groups", "none"),
                     help="cluster bootstrap route (default auto)")
    law.add_argument("--compute", type=parse_float_list, default=None, metavar="C1,C2",
                     help="compute budgets for the optimal allocation (chinchilla)")
    law.add_argument("--theory", type=parse_float_list, default=None, metavar="B[,A]",
                     help="the theory's allocation exponents for spectrum i^-B, target i^-A "
                          "(default A = B) beside the fit's (chinchilla; sizes read as P, t)")
    law.add_argument("--student", default="top", choices=("top", "projection", "ensemble"),
                     help="the student of --theory (default top)")
    law.add_argument("--figure", type=Path, default=None, metavar="PATH",
                     help="write the fit figure (PNG or PDF)")
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
    out.add_argument("--latex", action="store_true",
                     help="print the LaTeX table rows (with --x: a booktabs table of the law)")


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


def _law_options_iv(args: argparse.Namespace) -> None:
    from asymptotics._lib.validation import check_int, check_real

    if args.window is not None or args.predict is not None or args.band != 0.0:
        raise UsageError("verify fit: --window, --predict and --band are for the size,loss "
                         "curve fit, not with --x/--model")
    if args.x is None:
        raise UsageError("verify fit: --model needs --x naming the size column(s)")
    check_real("--confidence", args.confidence, gt=0, lt=1)
    check_int("--seed", args.seed, minimum=0)
    check_int("--resamples", args.resamples, minimum=49)
    check_int("--breaks", args.breaks, minimum=1)
    if args.breaks > 3:
        raise UsageError(f"verify fit: --breaks must be 1, 2 or 3; got {args.breaks}")
    for c in args.compute or []:
        check_real("--compute", c, gt=0)
    if args.compute is not None and args.model != "chinchilla":
        raise UsageError("verify fit: --compute needs --model chinchilla")
    if args.theory is not None:
        if args.model != "chinchilla":
            raise UsageError("verify fit: --theory needs --model chinchilla")
        if len(args.theory) not in (1, 2):
            raise UsageError(f"verify fit: --theory takes B or B,A; got {args.theory}")
        for name, value in zip(("--theory B", "--theory A"), args.theory, strict=False):
            check_real(name, value, gt=1)


def _law_latex(fit: Any) -> str:
    """A booktabs table: parameter, value \\pm half-width of the interval, interval."""
    from asymptotics._lib.latex import latex_escape, latex_name

    route = fit.interval_method.replace("-", " ")
    lines = ["\\begin{tabular}{lll}", "\\toprule",
             f"parameter & value & {fit.confidence:.0%} interval ({latex_escape(route)}) \\\\"
             .replace("%", "\\%"), "\\midrule"]
    for name, value in fit.params.items():
        lo, hi = fit.intervals[name]
        err = max(value - lo, hi - value)
        tex = "\\" + name if name in ("alpha", "beta") else latex_name(name)
        lines.append(f"${tex}$ & ${value:.6g} \\pm {err:.2g}$ & "
                     f"$[{lo:.6g}, {hi:.6g}]$ \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines)


def _theory_text(cmp: Any) -> list[str]:
    x_lo, x_hi = cmp.measured_x_interval
    y_lo, y_hi = cmp.measured_y_interval
    return [f"theory (student {cmp.student}, b = {cmp.b:.6g}, a = {cmp.a:.6g}; alpha_P = "
            f"{cmp.alpha_P:.6g}, alpha_t = {cmp.alpha_t:.6g}; docs/fitting.md (FIT.17)):",
            f"  P* ~ C^x: predicted x = {cmp.predicted_x:.6g}, measured {cmp.measured_x:.6g} "
            f"[{x_lo:.6g}, {x_hi:.6g}]",
            f"  L* - E ~ C^-y: predicted y = {cmp.predicted_y:.6g}, measured "
            f"{cmp.measured_y:.6g} [{y_lo:.6g}, {y_hi:.6g}]"]


def _law_text(fit: Any, path: Path, alloc: Any) -> list[str]:
    lines = [f"{fit.model} law fit of {path}: {fit.n_points} points in {fit.n_cells} size "
             f"cells, {fit.n_groups or 'no'} groups; summed Huber loss {fit.loss:.4g} "
             f"(delta {fit.delta:.3g} in log units), best of {fit.n_starts} starts "
             f"(next losses: {', '.join(f'{f:.3g}' for f, _ in fit.landscape[1:4]) or 'none'})"]
    for i, name in enumerate(fit.names):
        a = fit.analytic_intervals[i]
        b = fit.bootstrap_intervals[i] if fit.bootstrap_intervals else None
        lines.append(f"  {name:8s} = {fit.values[i]:.6g}   analytic [{a[0]:.6g}, {a[1]:.6g}]"
                     + (f"   bootstrap [{b[0]:.6g}, {b[1]:.6g}]" if b else ""))
    lines.append(f"intervals: {fit.confidence:.0%}, reported route {fit.interval_method}")
    if alloc is not None:
        for j, c in enumerate(alloc.compute):
            lines.append(f"C = {c:.3g}: N* = {alloc.n_opt[j]:.4g} [{alloc.n_interval[0][j]:.4g}, "
                         f"{alloc.n_interval[1][j]:.4g}], D* = {alloc.d_opt[j]:.4g} "
                         f"[{alloc.d_interval[0][j]:.4g}, {alloc.d_interval[1][j]:.4g}], L* = "
                         f"{alloc.loss_opt[j]:.5g} [{alloc.loss_interval[0][j]:.5g}, "
                         f"{alloc.loss_interval[1][j]:.5g}]")
    lines += [f"warning: {w}" for w in fit.warnings]
    return lines


def _run_law(args: argparse.Namespace) -> int:
    import numpy as np

    from asymptotics._lib.serialize import dumps
    from verify.fit import compute_optimal, fit_law, theory_allocation
    from verify.readers import read_table

    _law_options_iv(args)
    columns = [c.strip() for c in args.x.split(",")]
    table = read_table(args.file, x=columns, y=args.y, group=args.group)
    model = args.model or "power"
    try:
        fit = fit_law(x=np.array(table.x), y=np.array(table.y),
                      group=np.array(table.groups) if table.groups else None, model=model,
                      breaks=args.breaks, offset=args.offset, confidence=args.confidence,
                      bootstrap=None if args.bootstrap == "none" else args.bootstrap,
                      n_resamples=args.resamples, rng=args.seed, x_names=columns)
    except ValueError as exc:
        raise UsageError(f"verify fit: {args.file}: {exc}") from None
    alloc = None if args.compute is None else compute_optimal(fit, args.compute)
    theory = None
    if args.theory is not None:
        theory = theory_allocation(fit, *args.theory, student=args.student)
    if args.figure is not None:
        from verify.output.fit_figure import fit_figure
        fit_figure(fit, args.figure, allocation=alloc)
    if args.json:
        print(dumps({"file": str(args.file), "columns": {"x": columns, "y": args.y,
                                                         "group": args.group},
                     "params": fit.params, "intervals": fit.intervals, "fit": fit,
                     "allocation": alloc, "theory_allocation": theory, "exit_code": 0}))
    elif args.latex:
        print(_law_latex(fit))
    else:
        print("\n".join(_law_text(fit, args.file, alloc)
                        + ([] if theory is None else _theory_text(theory))))
        if args.figure is not None:
            print(f"figure: {args.figure}")
    return 0


def run(args: argparse.Namespace) -> int:
    import numpy as np

    if args.x is not None or args.model is not None:
        return _run_law(args)

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
        # the data row of each table (exponents; values and verdict)
        print("\n".join(lines[i + 1] for i, text in enumerate(lines) if text == "\\midrule"))
    else:
        print("\n".join(_describe(fit, data, args.file)))
        if comparison is not None:
            print(comparison.message)
    return status
