"""Coverage of the intrinsic-dimension intervals (docs/dimension.md §2, table "coverage").

For each case (embedding, estimator, d) draw ``reps`` independent point clouds of ``n``
points (``verify.manifolds.sampling.sample_manifold``, seeds 10000 + r), estimate ``d``
with :func:`verify.dimension.estimate.estimate_dimension` and count how often each
nominal 95% interval holds the true ``d`` and the estimator's own mean at this ``n``
(the average of the ``reps`` estimates: what a sampling interval can promise). Also
printed: the spread of ``log d_hat`` over replicates against the mean half-width/1.96 of
each interval (ratio > 1: too narrow).

    python benchmarks/dimension_coverage.py [--reps 200] [--n 1000] [--quick]

Binomial reference: with 200 replicates at 0.95, 99% of runs land in [0.91, 0.985].
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from verify.dimension.estimate import estimate_dimension
from verify.manifolds.sampling import sample_manifold

CASES = [(emb, est, d) for est in ("twonn", "mle") for emb in ("torus", "linear")
         for d in (2, 4, 6, 8)]


def coverage(embedding: str, estimator: str, d: int, reps: int, n: int) -> dict:
    """Coverage of the subsample and bootstrap intervals over ``reps`` replicates."""
    rows = []
    for r in range(reps):
        X = sample_manifold(n, d, embedding=embedding, seed=10000 + r).X
        e = estimate_dimension(X, estimator=estimator,
                               k=(1, 1) if estimator == "twonn" else None,
                               bootstrap=200, seed=r, force=True)
        rows.append((e.d, *e.ci, *e.ci_bootstrap))
    a = np.array(rows)
    mean = a[:, 0].mean()
    sd_log = np.log(a[:, 0]).std(ddof=1)
    out = {"mean": mean, "sd_log": sd_log}
    for name, lo, hi in (("subsample", a[:, 1], a[:, 2]), ("bootstrap", a[:, 3], a[:, 4])):
        out[name] = (np.mean((lo <= d) & (d <= hi)), np.mean((lo <= mean) & (mean <= hi)),
                     sd_log / np.mean(np.log(hi / lo) / (2 * 1.959964)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--quick", action="store_true", help="d = 2, 4 on tori only")
    args = ap.parse_args()
    cases = [c for c in CASES if c[0] == "torus" and c[2] <= 4] if args.quick else CASES
    lo, hi = (stats.binom.ppf(q, args.reps, 0.95) / args.reps for q in (0.005, 0.995))
    print(f"n = {args.n}, {args.reps} replicates, nominal 0.95 (99% binomial band "
          f"[{lo:.3f}, {hi:.3f}])")
    print("embedding estimator d | mean d_hat | subsample: cov(d) cov(mean) spread/width | "
          "bootstrap: cov(d) cov(mean) spread/width | s")
    for emb, est, d in cases:
        t0 = time.perf_counter()
        c = coverage(emb, est, d, args.reps, args.n)
        s, b = c["subsample"], c["bootstrap"]
        print(f"{emb:>7s} {est:>5s} {d} | {c['mean']:6.3f} | {s[0]:.3f} {s[1]:.3f} {s[2]:.2f} | "
              f"{b[0]:.3f} {b[1]:.3f} {b[2]:.2f} | {time.perf_counter() - t0:.0f}", flush=True)


if __name__ == "__main__":
    main()
