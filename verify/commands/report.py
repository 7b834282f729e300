"""``python -m verify [report]``: the default verification suite, as a report a paper can print.

For each scenario: derive the prediction (asymptotics), simulate (verify), fit, compare,
then print one table and write ``table.tex``, ``table.txt``, figures (PNG and PDF) and
``results.json`` into ``--out``. Exit status: 0 every scenario agrees, 1 any disagrees or
fails (named on stderr), 2 usage error (including a symbolic link inside ``--out``), 3 the
report could not be written (full disk, read-only file system, file too large: one line
naming the file).

On a terminal a progress bar advances within scenarios (:func:`verify.output.progress.tick`)
and while the figures are written; otherwise one line per scenario (name, verdict, time)
goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time

NAME = "report"
HELP = "run the verification suite (the default command) and write the report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", nargs="*", help="scenario names (default: all; see --list)")
    parser.add_argument("--suite", default="default", choices=("default", "paper"),
                        help="default: the verification report; paper: the full reproduction "
                             "of the paper's figures (slow, resumable)")
    parser.add_argument("--quick", action="store_true",
                        help="reduced sizes (the CI suite, under 30 s)")
    parser.add_argument("--out", default="verify-report",
                        help="output directory (default: ./verify-report)")
    parser.add_argument("--seed", type=int, default=0, help="root seed of every draw (default 0)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--no-figures", action="store_true", help="skip the figures")
    parser.add_argument("--fresh", action="store_true",
                        help="delete the checkpoints of an earlier interrupted run first")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON instead of the table")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (default 1: the suite is many small factorizations, "
                             "and oversubscribed BLAS threads made it 18x slower on a shared "
                             "2-core machine)")


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.cli import UsageError
    from asymptotics._lib.serialize import dumps
    from asymptotics._lib.validation import check_int
    from verify.compare import summarize_verdicts
    from verify.output.progress import ProgressBar
    from verify.output.report import CheckpointStore, write_report
    from verify.scenarios import quick_names, suite
    from verify.scenarios.runner import run_suite, select

    seed = check_int("seed", args.seed, minimum=0)
    threads = check_int("threads", args.threads, minimum=1)
    scenarios = suite(args.suite)
    if args.list:
        for s in scenarios.values():
            print(f"{s.name:28s} {s.regime:34s} {s.description}")
        return 0
    quick_default = quick_names() if args.quick and args.suite == "default" else ()
    chosen = select(scenarios, args.scenario or quick_default)
    figures_wanted = not args.no_figures
    if figures_wanted:
        try:
            import matplotlib
            matplotlib.use("Agg")
        except ImportError:
            print("verify: matplotlib is not installed; writing no figures "
                  "(pip install 'scaling-law-toolkit[plots]')", file=sys.stderr)
            figures_wanted = False
    from pathlib import Path
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"verify: `--out` must be a directory; got the file {str(out)!r}")
    store = CheckpointStore(out / ".checkpoints")
    if args.fresh:
        store.clear()        # refuses a symlinked .checkpoints (LinkRefused: exit 2)
    from threadpoolctl import threadpool_limits

    from verify.output.progress import liveness_line
    started = time.perf_counter()
    with threadpool_limits(limits=threads, user_api="blas"), \
            ProgressBar(len(chosen), "verify") as bar:
        finished = []

        def done(name: str, seconds: float, verdict: str) -> None:
            finished.append(name)
            bar.update(1)
            if not bar.enabled:
                print(liveness_line(len(finished), len(chosen), name, seconds, verdict),
                      file=sys.stderr, flush=True)

        result = run_suite(chosen, quick=args.quick, seed=seed, store=store, threads=threads,
                           suite=args.suite, on_start=bar.start, on_done=done)
    elapsed = time.perf_counter() - started
    outcomes = result.outcomes
    rows = [o.row for o in outcomes]
    records = {o.name: o.record() for o in outcomes}
    config = {"suite": args.suite, "quick": args.quick, "seed": seed, "blas_threads": threads,
              "scenarios": [s.name for s in chosen],
              "elapsed_s": elapsed, "errors": result.errors,
              "n_from_checkpoint": result.n_cached}
    figures = {}
    paths = None
    # one step for drawing (verify.output.plots may tick inside it), one per figure rendered
    with ProgressBar(1 + len(outcomes) if figures_wanted else 1, "figures") as fig_bar:
        if figures_wanted and outcomes:
            from verify.output.plots import outcome_figures
            fig_bar.start("drawing")
            figures = outcome_figures(outcomes)
        fig_bar.update(1)
        if rows:
            paths = write_report(out, rows, records, figures, config=config,
                                 seeds={"root": seed},
                                 on_figure=lambda name: fig_bar.update(1))
    verdicts = {o.name: o.agrees for o in outcomes}
    verdicts.update({name: False for name in result.errors})
    summary = summarize_verdicts(verdicts)
    if args.json:
        print(dumps({"rows": rows, "records": records, "configuration": config,
                     "exit_code": summary.exit_code}))
    else:
        from verify.output.tables import render_terminal
        if rows:
            print(render_terminal(rows))
        for o in outcomes:
            for reason in o.verdict.reasons:  # verify.compare.decide_verdict's reasons
                print(f"  {o.name}: {reason}")
        print(f"{summary.message} ({elapsed:.1f} s"
              + (f", {result.n_cached} from checkpoints" if result.n_cached else "") + ")")
        if paths is not None:
            print(f"report written to {paths.out_dir}")
    for name, err in result.errors.items():
        print(f"verify: scenario {name} failed: {err}", file=sys.stderr)
    if summary.exit_code:
        print(f"verify: {summary.message}", file=sys.stderr)
    return summary.exit_code
