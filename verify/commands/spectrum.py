"""``python -m verify spectrum``: empirical kernel spectrum and its decay exponent.

Runs :func:`verify.manifolds.spectrum.empirical_spectrum` (sampled Gram matrix, grid DFT on the
torus, or Funk-Hecke on ``S^2``) and prints the fitted ``alpha_K`` in
``lambda_i ~ i^(-1-alpha_K)`` with its window and the theory's value from
:func:`asymptotics.kernel_spectra.kernel_decay` (docs/laboratory_manifolds.md (LM.12)-(LM.16)).
"""

from __future__ import annotations

import argparse

from asymptotics._lib.cli import UsageError, parse_int_list

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "spectrum"
HELP = "eigenvalue decay of a kernel on the torus or sphere vs the theory's alpha_K"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kernel", default="laplace",
                        choices=("laplace", "matern", "gaussian", "arccos0", "arccos1", "ntk"))
    parser.add_argument("--domain", choices=("torus", "sphere"), default="torus")
    parser.add_argument("--d", type=int, default=2, help="manifold dimension (default 2)")
    parser.add_argument("--n", type=int, default=2000,
                        help="sample size (sample), grid points (grid), eigenvalues (funk_hecke)")
    parser.add_argument("--method", choices=("sample", "grid", "funk_hecke"), default="sample")
    parser.add_argument("--window", type=parse_int_list, default=None, metavar="LO,HI",
                        help="ranks of the fit (default n/100, n/10)")
    parser.add_argument("--nu", type=float, default=1.5, help="Matérn smoothness")
    parser.add_argument("--ell", type=float, default=1.0, help="length scale (chordal)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated time or memory exceeds its bound")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.serialize import dumps, to_jsonable
    from verify.manifolds.spectrum import empirical_spectrum, theory_alpha

    if args.window is not None and len(args.window) != 2:
        raise UsageError(f"verify spectrum: --window takes two ranks LO,HI; got {args.window}")
    res = empirical_spectrum(args.kernel, args.domain, args.d, args.n, seed=args.seed,
                             method=args.method,
                             window=None if args.window is None else tuple(args.window),
                             nu=args.nu, ell=args.ell, force=args.force)
    theory, reason = theory_alpha(res.kernel, res.domain, res.d, args.nu)
    if args.json:
        print(dumps({**to_jsonable(res), "theory": theory, "theory_reason": reason}))
        return 0
    where = "T" if res.domain == "torus" else "S"
    seed = f", seed {res.seed}" if res.seed is not None else ""
    print(f"{res.kernel} kernel on {where}^{res.d}: {res.n} eigenvalues by {res.method}{seed}")
    print("leading eigenvalues: " + " ".join(f"{v:.4g}" for v in res.eigenvalues[:8]))
    print(f"fitted alpha_K = {res.alpha:.4f} +- {res.alpha_stderr:.4f} "
          f"(ranks {res.window[0]}..{res.window[1]}, log-spaced least squares)")
    print(f"theory alpha_K = {theory:.4f} ({reason})")
    return 0
