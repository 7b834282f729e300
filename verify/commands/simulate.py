"""``python -m verify simulate``: exact-average least-squares losses over a D or P grid.

Examples::

    python -m verify simulate --S 1024 --b 2 --D 16,32,64,128 --kernel
    python -m verify simulate --S 1024 --b 2 --D 4096 --P 16,32,64 --student projection
    python -m verify simulate --S 512 --b 2 --a 1.5 --D 8,16,32 --P 64 --ridge 1e-3 --json
"""

from __future__ import annotations

import argparse

from asymptotics._lib.cli import UsageError, parse_int_list

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "simulate"
HELP = ("simulate the Gaussian-design random-feature model: mean loss and standard error per "
        "grid point (exact teacher/test averages, nested sweeps)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--S", type=int, default=1024, help="number of teacher features (1024)")
    parser.add_argument("--b", type=float, default=2.0,
                        help="spectrum exponent: lambda_i = i^(-b), b > 1 (default 2)")
    parser.add_argument("--a", type=float, default=None,
                        help="power-law target p_i = i^(-a); default: Bahri's isotropic "
                             "teacher omega ~ N(0, I/S)")
    parser.add_argument("--D", type=parse_int_list, required=True, metavar="D[,D...]",
                        help="training-set size(s); a list makes D the swept axis")
    parser.add_argument("--P", type=parse_int_list, default=None, metavar="P[,P...]",
                        help="student feature count(s); a list makes P the swept axis")
    parser.add_argument("--kernel", action="store_true",
                        help="kernel limit: the student uses all S features (no --P)")
    parser.add_argument("--student", choices=("projection", "top"), default="projection")
    parser.add_argument("--ridge", type=float, default=0.0, help="ridge on the sum loss (0)")
    parser.add_argument("--noise", type=float, default=0.0, help="label-noise variance (0)")
    parser.add_argument("--seeds", type=int, default=8, help="number of seeds (8)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (0)")
    parser.add_argument("--chunk-size", type=int, default=None,
                        help="seeds per batch (memory only; never changes a number)")
    parser.add_argument("--p-route", choices=("auto", "dual", "per_point"), default="auto",
                        help="route for a projection student's P > D points of a P sweep: the "
                             "nested D x D dual, the per-point primal, or auto (cheaper; "
                             "default); never changes a number beyond rounding")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated memory or time exceeds the bounds "
                             "(4 GiB, 600 s of estimated work); by default refused up front")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _axes(args: argparse.Namespace) -> tuple[object, object]:
    if args.kernel:
        if args.P is not None:
            raise UsageError("verify simulate: error: --kernel and --P are exclusive")
        if len(args.D) < 2:
            raise UsageError("verify simulate: error: the kernel limit sweeps D: give --D as a "
                             "list of at least two sizes")
        return args.D, None
    if args.P is None:
        raise UsageError("verify simulate: error: give --P (or --kernel for all S features)")
    d_list, p_list = len(args.D) > 1, len(args.P) > 1
    if d_list and p_list:
        raise UsageError("verify simulate: error: only one of --D and --P may be a list")
    if p_list or not d_list:
        return args.D[0], args.P
    return args.D, args.P[0]


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from asymptotics._lib.serialize import dumps
    from verify.simulator.simulate import SimulationConfig, run_simulation

    d, p = _axes(args)
    config = SimulationConfig.from_json({
        "b": args.b, "S": args.S, "a": args.a, "D": d, "P": p, "student": args.student,
        "ridge": args.ridge, "noise": args.noise, "seeds": args.seeds, "seed": args.seed,
        "chunk_size": args.chunk_size, "p_route": args.p_route})
    res = run_simulation(config, force=args.force)
    if args.json:
        print(dumps(res))
        return 0
    fixed = f"D = {res.D}" if res.axis == "P" else (
        "P = S (kernel limit)" if res.P is None else f"P = {res.P}")
    print(f"# {config.kind} student, S = {config.size}, {fixed}, ridge = {config.ridge:g}, "
          f"noise = {config.noise:g}, {res.n_seeds} seeds (root seed {res.seed})")
    print(f"# {res.method}")
    print(f"{res.axis:>8}  {'mean loss':>12}  {'std error':>10}  {'95% interval':>25}  "
          "of      flag")
    n = len(res.grid)
    kinds = res.ci_kind or ("mean",) * n
    tails = res.tail_reasons or ("",) * n
    ci = res.ci if res.ci is not None else np.full((n, 2), np.nan)
    for j, (v, m, se, why) in enumerate(zip(res.grid, res.mean, res.stderr, res.flag_reasons,
                                            strict=True)):
        # heavy-tailed points quote the median's order-statistic interval (docs/simulator.md)
        note = "; ".join(x for x in (why, tails[j]) if x)
        print(f"{v:>8}  {m:>12.6e}  {se:>10.3e}  [{ci[j, 0]:>11.4e}, {ci[j, 1]:>11.4e}]  "
              f"{kinds[j]:<6}  {note}")
    return 0
