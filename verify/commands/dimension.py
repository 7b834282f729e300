"""``python -m verify dimension``: intrinsic dimension of a dataset and the exponents it predicts.

``python -m verify dimension FILE`` reads points (rows) from a ``.npy`` array, a ``.npz``
archive of one array or a ``.csv`` file (comma-separated numbers; one optional header line; ``#`` comments and
blank lines skipped), estimates ``d`` with its bootstrap interval, prints the scale scan
``k -> d`` and the resolution-limited exponents ``c/d`` with intervals
(docs/dimension.md §6). ``python -m verify dimension --digits`` runs the check on the
handwritten digits bundled with scikit-learn (an optional extra).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

from asymptotics._lib.cli import UsageError, parse_int_list
from verify.readers import read_array

__all__ = ["HELP", "NAME", "add_arguments", "read_points", "run"]

NAME = "dimension"
HELP = "estimate the intrinsic dimension of a dataset (.npy/.csv or --digits) and predict c/d"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="points, one per row: a .npy array (n, D), a one-array .npz or a .csv file")
    parser.add_argument("--digits", action="store_true",
                        help="check the bundled scikit-learn digits: estimate d and compare "
                             "c/d with a measured 1-NN learning-curve exponent")
    parser.add_argument("--target", choices=("onehot", "smooth"), default="onehot",
                        help="with --digits: regression target (default onehot)")
    parser.add_argument("--directions", type=int, default=None,
                        help="with --digits --target smooth: average the exponent over this "
                             "many target directions (default 20; docs/dimension.md (ID.14))")
    parser.add_argument("--estimator", choices=("twonn", "mle"), default="twonn")
    parser.add_argument("--k", type=parse_int_list, default=None, metavar="LO,HI",
                        help="neighbourhood range (mle: averaged k; twonn: decimation scan)")
    parser.add_argument("--bootstrap", type=int, default=200, help="resamples (default 200)")
    parser.add_argument("--interval", choices=("subsample", "bootstrap"), default="subsample",
                        help="interval on d: disjoint random subsamples (default; "
                             "docs/dimension.md (ID.13)) or the point bootstrap")
    parser.add_argument("--merge", type=float, default=None, metavar="TOL",
                        help="merge points closer than TOL (data units) before estimating: "
                             "the remedy for a near-duplicate warning")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--loss", default="squared", help="loss for c/d (default squared)")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated time or memory exceeds its bound "
                             "(docs/dimension.md §6)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _check_file_size(path: str, force: bool) -> None:
    """Refuse, before reading, a file whose points would not fit the memory bound: reading
    and converting to float64 holds up to four times the file's size (a CSV's text)."""
    from asymptotics._lib.budget import check_memory

    try:
        size = os.path.getsize(path)
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    check_memory("FILE", path, 4.0 * size, force=force,
                 hint="pass --force to read it anyway")


def read_points(path: str) -> np.ndarray:
    """Read a point cloud from ``path`` (``.npy``, one-array ``.npz`` or ``.csv``) with
    :func:`verify.readers.read_array`; errors are one-line ValueErrors."""
    return read_array(path, name="FILE")


def _print_estimate(est, preds, out) -> None:
    lo, hi = est.ci
    how = (f"{est.blocks} subsamples" if est.interval == "subsample"
           else f"bootstrap {est.bootstrap}")
    print(f"intrinsic dimension ({est.estimator}): d = {est.d:.3f}  "
          f"[{lo:.3f}, {hi:.3f}] at {est.confidence:.0%} ({how}, "
          f"seed {est.seed}); {est.n_points} points, {est.n_duplicates} duplicates", file=out)
    if est.interval == "subsample" and est.ci_bootstrap is not None:
        blo, bhi = est.ci_bootstrap
        print(f"  point bootstrap ({est.bootstrap}; ignores shared neighbours, too narrow): "
              f"[{blo:.3f}, {bhi:.3f}]", file=out)
    for w in est.warnings:
        print(f"  warning: {w}", file=out)
    label = "k (decimation)" if est.estimator == "twonn" else "k (neighbours)"
    print(f"scan: {label} -> d", file=out)
    for k, d in est.scan.items():
        print(f"  {k:>5d}  {d:8.3f}", file=out)
    print("predicted resolution-limited exponents alpha = c/d:", file=out)
    for p in preds:
        print(f"  {p.loss:>8s} {p.model:<20s} c = {p.c}  alpha = {p.exponent:.4f}  "
              f"[{p.ci[0]:.4f}, {p.ci[1]:.4f}]", file=out)


def _run_digits(args) -> int:
    from asymptotics._lib.serialize import dumps
    from verify.dimension.digits import MissingOptionalDependency, digits_check
    try:
        res = digits_check(estimator=args.estimator, target=args.target,
                           bootstrap=args.bootstrap, seed=args.seed, force=args.force,
                           directions=args.directions)
    except MissingOptionalDependency as exc:
        raise UsageError(f"verify dimension --digits: {exc}") from None
    if args.json:
        print(dumps(res))
        return 0
    _print_estimate(res.estimate, res.predictions, sys.stdout)
    fit = res.curve.fit
    print(f"measured 1-NN learning curve ({res.target} target, {res.curve.n_splits} splits, "
          f"{res.curve.n_test} test images):", file=sys.stdout)
    for D, L in zip(res.curve.sizes, res.curve.losses.mean(axis=0), strict=True):
        print(f"  D = {D:>5d}  L = {L:.5f}", file=sys.stdout)
    print(f"  alpha = {fit.alpha:.4f} [{fit.alpha_ci[0]:.4f}, {fit.alpha_ci[1]:.4f}]  "
          f"(relative rms residual of the power law {fit.residual_rms:.3f})", file=sys.stdout)
    if res.directions > 1:
        print(f"  over {res.directions} target directions: mean alpha = {res.exponent_mean:.4f} "
              f"[{res.exponent_mean_ci[0]:.4f}, {res.exponent_mean_ci[1]:.4f}]; spread across "
              f"directions (sd) {res.direction_sd:.4f}, across splits (s.e.) "
              f"{res.split_se:.4f}; range {min(res.direction_exponents):.4f}-"
              f"{max(res.direction_exponents):.4f}", file=sys.stdout)
    print(res.summary, file=sys.stdout)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.digits == (args.file is not None):
        raise UsageError("verify dimension: give exactly one of FILE or --digits")
    if args.k is not None and len(args.k) != 2:
        raise UsageError(f"verify dimension: --k must be LO,HI (two integers); got {args.k}")
    if args.digits:
        if args.k is not None:
            raise UsageError("verify dimension: --k is not used with --digits")
        return _run_digits(args)
    from asymptotics._lib.serialize import dumps
    from verify.dimension.estimate import estimate_dimension, predicted_exponents
    _check_file_size(args.file, args.force)
    X = read_points(args.file)
    est = estimate_dimension(X, estimator=args.estimator,
                             k=None if args.k is None else tuple(args.k),
                             bootstrap=args.bootstrap, confidence=args.confidence,
                             seed=args.seed, force=args.force, interval=args.interval,
                             merge=args.merge)
    preds = predicted_exponents(est, loss=args.loss)
    if args.json:
        print(dumps({"estimate": est, "predictions": preds}))
    else:
        _print_estimate(est, preds, sys.stdout)
    return 0
