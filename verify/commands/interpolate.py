"""``python -m verify interpolate``: resolution-limited interpolation exponents on the d-torus.

Runs :func:`verify.manifolds.interpolation.interpolation_sweep` (nearest-neighbour or piecewise-linear
interpolation of a smooth or kinked periodic target, sampled test set) and prints the
mean loss with its standard error per ``D``, the fitted exponent and the expected
``c/d`` from :func:`asymptotics.resolution.resolution_exponent` (docs/laboratory_manifolds.md
(LM.8)-(LM.10)).
"""

from __future__ import annotations

import argparse

from asymptotics._lib.cli import parse_int_list

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "interpolate"
HELP = "nearest-neighbour / piecewise-linear interpolation on the d-torus: loss vs D and c/d"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--d", type=int, default=2, help="torus dimension (default 2)")
    parser.add_argument("--method", choices=("nearest", "linear", "local_linear"),
                        default="nearest")
    parser.add_argument("--loss", choices=("squared", "absolute"), default="squared")
    parser.add_argument("--target", choices=("smooth", "kink"), default="smooth")
    parser.add_argument("--D", type=parse_int_list, default=[100, 200, 400, 800],
                        metavar="D1,D2,...", help="increasing training-set sizes")
    parser.add_argument("--seeds", type=int, default=8, help="independent repetitions")
    parser.add_argument("--n-test", type=int, default=2000, help="test points per seed")
    parser.add_argument("--seed", type=int, default=0, help="root seed")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated time or memory exceeds its bound")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.serialize import dumps
    from verify.fit import fit_power_law
    from verify.manifolds.interpolation import expected_exponent, interpolation_sweep

    res = interpolation_sweep(args.d, args.D, method=args.method, loss=args.loss,
                              target=args.target, n_test=args.n_test, seeds=args.seeds,
                              seed=args.seed, force=args.force)
    fit = fit_power_law(res.grid, seeds_losses=res.losses, rng=args.seed)
    expected, reason = expected_exponent(args.method, args.loss, args.target, args.d)
    if args.json:
        print(dumps({"result": res, "power_law_fit": fit,
                     "expected": {"exponent": expected, "reason": reason}}))
        return 0
    c = res.config
    print(f"interpolation on T^{c['d']}: method={c['method']} loss={c['loss']} "
          f"target={c['target']} seeds={c['seeds']} (seed {res.seed}); {res.note}")
    print(f"{'D':>8} {'mean loss':>13} {'stderr':>11}")
    for D, m, s in zip(res.grid, res.mean, res.stderr, strict=True):
        print(f"{D:>8d} {m:>13.6e} {s:>11.3e}")
    print(f"exponent (mean per-seed log-log slope): {res.exponent:.4f} +- "
          f"{res.exponent_stderr:.4f}")
    lo, hi = fit.alpha_ci
    print(f"power-law fit of the mean (verify.fit, bootstrap over seeds): {fit.alpha:.4f} "
          f"[{lo:.4f}, {hi:.4f}] at {fit.confidence:.0%}")
    print(f"expected c/d = {expected:.4f} ({reason})")
    return 0
