"""``python -m verify spectrum``: empirical kernel spectrum and its decay exponent.

Two kinds of input:

* a manifold (default): runs :func:`verify.manifolds.spectrum.empirical_spectrum` (sampled
  Gram matrix, grid DFT on the torus, or Funk-Hecke on ``S^2``) and prints the fitted
  ``alpha_K`` in ``lambda_i ~ i^(-1-alpha_K)`` with its window and the theory's value from
  :func:`asymptotics.kernel_spectra.kernel_decay` (docs/laboratory_manifolds.md
  (LM.12)-(LM.16));
* real data (``--data digits|mnist|FILE``): loads, pools and puts the inputs on the sphere
  (:func:`verify.datasets.load.load_dataset`), takes the infinite-width NNGP or NTK kernel of a
  fully connected network (``--kernel nngp|ntk --depth L``) and prints the fitted
  ``alpha_K`` with its interval and window (:func:`verify.networks.spectrum.data_spectrum`,
  docs/real_networks.md (RN.10), (RN.11)). Real data have no theory value.
"""

from __future__ import annotations

import argparse

from asymptotics._lib.cli import UsageError, parse_int_list

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "spectrum"
HELP = "eigenvalue decay of a kernel on the torus, the sphere or real data, and its alpha_K"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kernel", default=None,
                        choices=("laplace", "matern", "gaussian", "arccos0", "arccos1", "ntk",
                                 "nngp"),
                        help="manifold kernel (default laplace), or with --data nngp "
                             "(default) or ntk")
    parser.add_argument("--domain", choices=("torus", "sphere"), default="torus")
    parser.add_argument("--d", type=int, default=2, help="manifold dimension (default 2)")
    parser.add_argument("--n", type=int, default=None,
                        help="sample size (sample), grid points (grid), eigenvalues "
                             "(funk_hecke); default 2000; with --data the seeded subset's "
                             "size (default min(2000, rows))")
    parser.add_argument("--method", choices=("sample", "grid", "funk_hecke"), default="sample")
    parser.add_argument("--window", type=parse_int_list, default=None, metavar="LO,HI",
                        help="ranks of the fit (default n/100, n/10)")
    parser.add_argument("--nu", type=float, default=1.5, help="Matérn smoothness")
    parser.add_argument("--ell", type=float, default=1.0, help="length scale (chordal)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default=None, metavar="digits|mnist|FILE",
                        help="real inputs: a bundled dataset or a .npy/.npz/.csv file")
    parser.add_argument("--pool", type=int, default=1,
                        help="with --data: average-pool images over POOL x POOL blocks")
    parser.add_argument("--depth", type=int, default=1,
                        help="with --data: hidden layers of the network (default 1)")
    parser.add_argument("--activation", choices=("relu", "erf"), default="relu")
    parser.add_argument("--weight-variance", type=float, default=2.0)
    parser.add_argument("--bias-variance", type=float, default=0.0)
    parser.add_argument("--solver", choices=("exact", "randomized"), default="exact",
                        help="--data: LAPACK on the top ranks (default), or randomized "
                             "subspace iteration (about 1.6x faster, relative error ~3e-3 "
                             "at the window's top rank)")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated time or memory exceeds its bound")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _run_data(args: argparse.Namespace, window: tuple[int, int] | None) -> int:
    from asymptotics._lib.serialize import dumps
    from verify.datasets import BUNDLED, load_dataset
    from verify.networks.spectrum import data_spectrum

    if args.method != "sample":
        raise UsageError(f"verify spectrum: --data takes the Gram matrix of the data; "
                         f"--method {args.method} is for manifolds")
    n = args.n
    if n is None and args.data in BUNDLED:
        n = min(2000, {"digits": 1797, "mnist": 5000}[args.data])
    data = load_dataset(args.data, pool=args.pool, n=n, seed=args.seed)
    res = data_spectrum(data, kernel=args.kernel or "nngp", depth=args.depth,
                        activation=args.activation, weight_variance=args.weight_variance,
                        bias_variance=args.bias_variance, window=window, force=args.force,
                        solver=args.solver)
    if args.json:
        keep = ("alpha", "alpha_ci", "window", "name", "n", "d", "pool", "seed", "kernel",
                "depth", "activation", "weight_variance", "bias_variance")
        # the solver is an argument, not a DataSpectrum field
        out = {k: getattr(res, k) for k in keep}
        out.update(eigenvalues=res.eigenvalues.tolist(), confidence=res.fit.confidence,
                   solver=args.solver,
                   ci_method=res.fit.ci_method, image_shape=data.image_shape)
        print(dumps(out))
        return 0
    shape = "x".join(map(str, data.image_shape)) if data.image_shape else f"d={data.d}"
    print(f"{res.kernel} kernel of a depth-{res.depth} {res.activation} network on {res.name} "
          f"({res.n} inputs, pool {res.pool}: {shape}, seed {res.seed})")
    print("leading eigenvalues of K/n: " + " ".join(f"{v:.4g}" for v in res.eigenvalues[:8]))
    print(f"fitted alpha_K = {res.alpha:.4f}, {res.fit.confidence:.0%} interval "
          f"[{res.alpha_ci[0]:.4f}, {res.alpha_ci[1]:.4f}] (ranks {res.window[0]}.."
          f"{res.window[1]}, log-spaced least squares)")
    return 0


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.serialize import dumps, to_jsonable
    from verify.manifolds.spectrum import empirical_spectrum, theory_alpha

    if args.window is not None and len(args.window) != 2:
        raise UsageError(f"verify spectrum: --window takes two ranks LO,HI; got {args.window}")
    window = None if args.window is None else tuple(args.window)
    if args.data is not None:
        return _run_data(args, window)
    res = empirical_spectrum(args.kernel or "laplace", args.domain, args.d,
                             2000 if args.n is None else args.n, seed=args.seed,
                             method=args.method, window=window,
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
