"""The digits claim across seeds (docs/dimension.md §5, rows "20 directions").

For seeds 0..4: :func:`verify.dimension.digits.digits_check` on the smooth target with 20
target directions on 8 shared splits (ID.14); prints each seed's mean exponent, its
interval, the spread across directions and the split standard error, whether it meets
``2/d_TwoNN``, and the pooled mean of the seed means with a Student-t interval.

    python benchmarks/dimension_digits_seeds.py [--seeds 5] [--directions 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from verify.dimension.digits import digits_check


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--directions", type=int, default=20)
    args = ap.parse_args()
    means = []
    for seed in range(args.seeds):
        t0 = time.perf_counter()
        r = digits_check(target="smooth", directions=args.directions, seed=seed)
        means.append(r.exponent_mean)
        lo, hi = r.exponent_mean_ci
        print(f"seed {seed}: mean {r.exponent_mean:.4f} [{lo:.4f}, {hi:.4f}]  direction sd "
              f"{r.direction_sd:.4f} (range {min(r.direction_exponents):.3f}-"
              f"{max(r.direction_exponents):.3f})  split s.e. {r.split_se:.4f}  2/d "
              f"{r.matched.exponent:.4f} [{r.matched.ci[0]:.4f}, {r.matched.ci[1]:.4f}]  "
              f"consistent {r.consistent_with_matched}  ({time.perf_counter() - t0:.1f} s)",
              flush=True)
    m, se = float(np.mean(means)), float(np.std(means, ddof=1) / np.sqrt(len(means)))
    t = float(stats.t.ppf(0.975, len(means) - 1))
    print(f"pooled over {len(means)} seeds: {m:.4f} [{m - t * se:.4f}, {m + t * se:.4f}]")


if __name__ == "__main__":
    main()
