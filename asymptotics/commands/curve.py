"""``python -m asymptotics curve``: the learning curve E(D, P) at any precision.

Spectrum ``lambda_i = i^-b`` (``--size S`` for a finite one), target ``p_i = i^-a`` (or
Bahri's isotropic teacher ``p_i = w lambda_i`` when ``--a`` is omitted). ``--D`` and ``--P``
are comma lists (``inf`` allowed): paired when of equal length or when one has a single
value, every combination with ``--grid``. Prints the loss with its certified digits, the
closed-form asymptote at each point and Bahri's regime, or ``--json``.

With ``--t`` (comma list of steps, ``inf`` allowed) the command prints the loss along
training time instead: full-batch gradient descent with step ``--eta`` (``--method flow``:
gradient flow) from zero on the population loss, ``D = inf`` (``--D`` may be omitted or
``inf``), for the kernel limit or the top-``P`` student (asymptotics.dynamics.curves,
docs/theory/dynamics.md (DY.2)-(DY.4)); one ``--P`` value. With one finite ``--D`` it is the
finite-data curve of the kernel limit (asymptotics.dynamics.finite_data, (DY.14)-(DY.18),
float64 with the quadrature's digits; needs ``--size``; ``--noise`` allowed).

A request is checked before it runs: exponents, ridge and sizes the float64 seed cannot
represent are refused, and so is mpmath work estimated past the time bound of
:mod:`asymptotics._lib.budget` (``--force`` runs it anyway); each refusal is one line on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from asymptotics._lib.cli import UsageError, parse_float_list

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "curve"
HELP = "learning curve E(D, P) of the random-feature model at any precision, with asymptotes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--b", type=float, default=2.0,
                        help="spectrum exponent b > 1, lambda_i = i^-b (Bahri: 1 + alpha_K)")
    parser.add_argument("--a", type=float, default=None,
                        help="target exponent a > 1, p_i = i^-a (default: isotropic teacher)")
    parser.add_argument("--weight-variance", type=float, default=1.0,
                        help="isotropic teacher's E[omega_i^2] (default 1)")
    parser.add_argument("--size", type=int, default=None,
                        help="number of modes S (default: infinitely many)")
    parser.add_argument("--D", type=parse_float_list, default=None,
                        help="training-set sizes, comma separated (inf allowed); required "
                             "unless --t is given")
    parser.add_argument("--P", type=parse_float_list, default=[math.inf],
                        help="feature counts, comma separated (default inf: kernel limit)")
    parser.add_argument("--grid", action="store_true", help="every (D, P) combination")
    parser.add_argument("--ridge", type=float, default=0.0, help="ridge delta on the sum loss")
    parser.add_argument("--noise", type=float, default=0.0, help="label-noise variance")
    parser.add_argument("--student", choices=("projection", "top"), default="projection",
                        help="Gaussian random projection (Bahri) or top-P eigenfeatures")
    parser.add_argument("--t", type=parse_float_list, default=None,
                        help="training steps, comma separated (inf allowed): the loss along "
                             "gradient-descent time at D = inf")
    parser.add_argument("--eta", type=float, default=1.0,
                        help="gradient-descent step size (default 1; < 2/lambda_1)")
    parser.add_argument("--method", choices=("gd", "flow"), default="gd",
                        help="with --t: gradient descent (default) or gradient flow")
    parser.add_argument("--dps", type=int, default=30, help="decimal digits (default 30)")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated work exceeds the time bound "
                             "(asymptotics._lib.budget.SECONDS_BOUND)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _points(D: list[float], P: list[float], grid: bool) -> tuple[list[float], list[float]]:
    if grid:
        return [d for d in D for _ in P], [p for _ in D for p in P]
    if len(D) == len(P):
        return D, P
    if len(P) == 1:
        return D, P * len(D)
    if len(D) == 1:
        return D * len(P), P
    raise UsageError(f"curve: --D and --P must have equal lengths, or one value, or use --grid; "
                     f"got {len(D)} and {len(P)} values")


def run(args: argparse.Namespace) -> int:
    import mpmath

    from asymptotics._lib.serialize import dumps
    from asymptotics.model import PowerLawSpectrum, Target
    from asymptotics.rf.learning_curves import learning_curve

    spectrum = PowerLawSpectrum(args.b, size=args.size)
    target = (Target.isotropic(args.weight_variance) if args.a is None
              else Target.power_law(args.a))
    if getattr(args, "t", None) is not None:
        return _run_time(args, spectrum, target)
    if args.D is None:
        raise UsageError("curve: --D is required (or --t for the loss along training time)")
    D, P = _points(args.D, args.P, args.grid)
    lc = learning_curve(D, P, spectrum, target, ridge=args.ridge, noise=args.noise,
                        student=args.student, dps=args.dps, force=args.force)
    if args.json:
        print(dumps(_record(lc)))
        return 0
    print(f"{'D':>10} {'P':>10}  {'loss':<{args.dps + 8}} {'digits':>6}  {'asymptote':>12}  regime")
    for i in range(len(lc.D)):
        text = mpmath.nstr(lc.loss[i], max(lc.certified_digits[i], 1)) \
            if not mpmath.isinf(lc.loss[i]) else "inf"
        asym = lc.asymptote_loss[i]
        atext = "-" if asym is None else f"{asym:.6g}"
        print(f"{lc.D[i]:>10g} {lc.P[i]:>10g}  {text:<{args.dps + 8}} "
              f"{lc.certified_digits[i]:>6}  {atext:>12}  {lc.regime[i]}")
        if lc.reasons[i]:
            print(f"{'':>23}inf: {lc.reasons[i]}")
    if lc.asymptote is not None:
        A = lc.asymptote
        print(f"asymptote ({A.name}, docs {A.equation}): loss ~ {A.prefactor_value:.10g} * "
              f"{A.variable}^({-A.exponent_value:g}) + {A.floor_value:g}   [{A.conditions}]")
    else:
        print("asymptote: none applies to this setting (ridge, finite spectrum or mixed points)")
    return 0


def _run_time(args: argparse.Namespace, spectrum: Any, target: Any) -> int:
    import mpmath

    from asymptotics._lib.serialize import dumps
    from asymptotics.dynamics.curves import training_curve

    if args.D is not None and any(not math.isinf(d) for d in args.D):
        return _run_finite_time(args, spectrum, target)
    if len(args.P) != 1:
        raise UsageError(f"curve: --t takes one --P value; got {len(args.P)}")
    if args.ridge != 0 or args.noise != 0:
        raise UsageError("curve: --t trains without ridge, and label noise does not enter the "
                         "population loss (D = inf); drop --ridge/--noise")
    lc = training_curve(args.t, spectrum, target, P=args.P[0], eta=args.eta,
                        method=args.method, student=args.student, dps=args.dps,
                        force=args.force)
    if args.json:
        print(dumps(lc.to_dict()))
        return 0
    print(f"{args.method}, eta = {args.eta:g}, D = inf, P = {lc.P:g} "
          f"({'kernel limit' if math.isinf(lc.P) else 'top-P student'})")
    print(f"{'t':>12}  {'loss':<{args.dps + 8}} {'digits':>6}")
    for t, v, d in zip(lc.t, lc.loss, lc.certified_digits, strict=True):
        print(f"{t:>12g}  {mpmath.nstr(v, max(d, 1)):<{args.dps + 8}} {d:>6}")
    return 0


def _run_finite_time(args: argparse.Namespace, spectrum: Any, target: Any) -> int:
    from asymptotics._lib.serialize import dumps
    from asymptotics.dynamics.finite_data import finite_data_curve

    if len(args.D) != 1:
        raise UsageError(f"curve: --t with a finite --D takes one --D value; got {len(args.D)}")
    if len(args.P) != 1 or not math.isinf(args.P[0]):
        raise UsageError("curve: --t with a finite --D is the kernel limit (P = inf); random "
                         f"features at finite P and D along time are not derived; got --P "
                         f"{','.join(f'{p:g}' for p in args.P)}")
    if args.size is None:
        raise UsageError("curve: --t with a finite --D needs a finite spectrum (--size S): the "
                         "contour of docs/theory/dynamics.md (DY.16) sums the modes")
    if args.ridge != 0:
        raise UsageError("curve: --t trains without ridge (early stopping is the "
                         "regularizer); drop --ridge")
    fc = finite_data_curve(args.t, spectrum, target, D=args.D[0], eta=args.eta,
                           method=args.method, noise=args.noise)
    if args.json:
        print(dumps(fc.to_dict()))
        return 0
    print(f"{args.method}, eta = {args.eta:g}, D = {fc.D:g}, P = inf (kernel limit), "
          f"noise = {fc.noise:g}, float64 (digits: the quadrature's)")
    print(f"{'t':>12}  {'loss':<24} {'digits':>6}  {'train':<24}")
    for t, v, d, tr in zip(fc.t, fc.loss, fc.certified_digits, fc.train, strict=True):
        print(f"{t:>12g}  {float(v):<24.{max(int(d), 1)}g} {int(d):>6}  {float(tr):<24.10g}")
    return 0


def _record(lc: Any) -> dict:
    import mpmath

    points = []
    for i in range(len(lc.D)):
        digits = max(lc.certified_digits[i], 1)
        points.append({
            "D": lc.D[i], "P": lc.P[i],
            "loss": "inf" if mpmath.isinf(lc.loss[i]) else mpmath.nstr(lc.loss[i], digits),
            "certified_digits": lc.certified_digits[i], "kappa": mpmath.nstr(lc.kappa[i], digits),
            "regime": lc.regime[i], "reason": lc.reasons[i], "asymptote": lc.asymptote_loss[i],
        })
        for name in ("E0", "train_loss", "target_learnability"):   # docs (LC.22)
            values = getattr(lc, name, ())
            if values:
                points[-1][name] = mpmath.nstr(values[i], digits)
    return {"ridge": lc.ridge, "noise": lc.noise, "student": lc.student, "dps": lc.dps,
            "points": points, "asymptote": lc.asymptote}
