"""Benchmark: the vectorized exact-average simulator against the plain Monte-Carlo method.

Reference sweeps (lambda_i = i^-2, Bahri's isotropic teacher):
  (a) kernel limit (student = all S features), D at 12 log-spaced values up to D_max;
  (b) D fixed, Gaussian-projection student, P at 12 log-spaced values up to P_max.
  (c) the over-parameterized side: D = 16, projection student, P at 8 log-spaced values from
      128 to S = 2048 (the variance-limited-in-width experiment). Also timed: the same sweep by
      the per-point primal route (``p_route="per_point"``, same run), against which the dual
      route (docs/simulator.md (SIM.12)-(SIM.13)) is compared.
Baseline: per grid point and seed, draw everything (omega, the training set, the projection),
fit with numpy.linalg.lstsq and evaluate on 2,000 fresh test points
(verify.simulator.reference.monte_carlo_loss).

Figure of merit: the time to reach 1% relative standard error of the mean at every grid
point = (per-seed time) x (seeds needed), the seeds needed being max over the grid of
(sd / mean / 0.01)^2 with sd the per-seed standard deviation measured in this run (the
baseline runs few seeds, so its need is extrapolated from that variance). Second figure: the
simulator's per-seed time over the time of its unavoidable linear algebra (one Householder
QR of the largest matrix per seed and axis, timed here on a matrix of the same shape).

Usage::

    python benchmarks/bench_simulate.py            # the reference S = 4096: ~2-3 minutes
    python benchmarks/bench_simulate.py --quick    # reduced scale (S = 1024): seconds
    python benchmarks/bench_simulate.py --cases c  # only case (c)

BLAS threads: ``--threads`` (default 1) is set before numpy is imported; with 2 shared cores,
multi-threaded OpenBLAS QR was measured 2-20x slower than single-threaded here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="reduced scale: S = 1024, grids 16..512, D = 1024 (seconds)")
    ap.add_argument("--seeds", type=int, default=4, help="simulator seeds (4)")
    ap.add_argument("--baseline-seeds", type=int, default=2, help="baseline seeds (2)")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (1)")
    ap.add_argument("--cases", default="abc", help="which sweeps to run, e.g. 'c' (abc)")
    return ap.parse_args()


def _grid(lo: int, hi: int, n: int = 12) -> list[int]:
    import numpy as np
    return sorted({round(float(v)) for v in np.geomspace(lo, hi, n)})


def _seeds_needed(losses, target_rse: float = 0.01) -> float:
    import numpy as np
    rse1 = losses.std(axis=0, ddof=1) / losses.mean(axis=0)   # relative sd of one seed
    return float(np.max(np.square(rse1 / target_rse)))


def _qr_time(shape: tuple[int, int], seed: int = 0) -> float:
    import numpy as np
    a = np.random.default_rng(seed).standard_normal(shape)
    t = time.perf_counter()
    np.linalg.qr(a, mode="r")
    return time.perf_counter() - t


def _qr_times(shapes: list[tuple[int, int]]) -> float:
    """Seconds for one QR of each shape (the shared machine is noisy: min of two runs)."""
    return sum(min(_qr_time(sh), _qr_time(sh, seed=1)) for sh in shapes)


def _run_sim(spec, target, seeds, **kw):
    import tracemalloc

    from verify.simulator.simulate import simulate_sweep
    tracemalloc.start()
    t = time.perf_counter()
    res = simulate_sweep(spec, target, seeds=seeds, seed=0, **kw)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return res, elapsed / seeds, peak


def _run_baseline(spec, target, seeds, axis, grid, fixed, student):
    import numpy as np

    from verify.simulator.reference import monte_carlo_loss
    rng = np.random.default_rng(12345)
    out = np.empty((seeds, len(grid)))
    t = time.perf_counter()
    for k in range(seeds):
        for j, v in enumerate(grid):
            d, p = (v, fixed) if axis == "D" else (fixed, v)
            out[k, j] = monte_carlo_loss(spec, target, D=d, P=p, student=student, ridge=0.0,
                                         noise=0.0, rng=rng, n_test=2000)
    return out, (time.perf_counter() - t) / seeds


def main() -> int:
    args = _args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np

    from asymptotics.model import PowerLawSpectrum, Target

    s = 1024 if args.quick else 4096
    top = 512 if args.quick else 2048
    d_fixed = 1024 if args.quick else 4096
    s_c = 512 if args.quick else 2048
    target = Target.isotropic()
    spec, spec_c = PowerLawSpectrum(2.0, size=s), PowerLawSpectrum(2.0, size=s_c)
    grid_c = _grid(s_c // 16, s_c, 8)
    cases = [
        ("(a) kernel, D sweep", spec, "D", _grid(16, top), None, "top", [(s, top)]),
        ("(b) projection, P sweep", spec, "P", _grid(16, top), d_fixed, "projection",
         [(d_fixed, top), (s, top)]),
        (f"(c) proj., D=16, P>D (S={s_c})", spec_c, "P", grid_c, 16, "projection",
         [(16, s_c), (s_c, s_c)]),
    ]
    cases = [c for c, key in zip(cases, "abc", strict=True) if key in args.cases]
    print(f"lambda_i = i^-2, isotropic teacher; {args.seeds} simulator seeds, "
          f"{args.baseline_seeds} baseline seeds (extrapolated); BLAS threads = {args.threads} "
          f"(OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS set to {args.threads})")
    rows, routes = [], []
    for name, sp, axis, grid, fixed, student, qr_shapes in cases:
        kw = dict(D=grid, P=fixed) if axis == "D" else dict(D=fixed, P=grid)
        if student == "projection":
            kw["student"] = "projection"
        t_qr_before = _qr_times(qr_shapes)
        res, t_sim, peak = _run_sim(sp, target, args.seeds, **kw)
        t_qr = min(t_qr_before, _qr_times(qr_shapes))
        if name.startswith("(c)"):
            old, t_old, peak_old = _run_sim(sp, target, args.seeds, p_route="per_point", **kw)
            _, t_sim2, _ = _run_sim(sp, target, args.seeds, **kw)   # noise: min of two
            t_sim = min(t_sim, t_sim2)
            routes.append((name, t_sim, t_old, peak, peak_old,
                           float(np.max(np.abs(res.losses / old.losses - 1)))))
        base, t_base = _run_baseline(sp, target, args.baseline_seeds, axis, grid, fixed,
                                     student)
        n_sim, n_base = _seeds_needed(res.losses), _seeds_needed(base)
        rows.append((name, t_sim, n_sim, t_base, n_base, t_qr, peak, res.flags.any()))
        rel = np.abs(res.mean / base.mean(axis=0) - 1)
        print(f"{name}: S = {sp.size}, grid {grid[0]}..{grid[-1]} ({len(grid)} points); "
              f"simulator mean vs baseline mean: max |rel diff| = {rel.max():.2f} "
              f"(baseline noise ~ {np.max(base.std(0, ddof=1) / base.mean(0)):.2f}/sqrt(seeds))")
    print()
    hdr = (f"{'sweep':<30}{'sim s/seed':>11}{'sim seeds':>10}{'sim T(1%)':>11}"
           f"{'base s/seed':>12}{'base seeds':>11}{'base T(1%)':>12}{'speedup':>9}"
           f"{'QR s':>8}{'sim/QR':>8}{'peak MiB':>9}")
    print(hdr)
    for name, t_sim, n_sim, t_base, n_base, t_qr, peak, flagged in rows:
        ts, tb = t_sim * max(n_sim, 1.0), t_base * max(n_base, 1.0)
        print(f"{name:<30}{t_sim:>11.3f}{n_sim:>10.1f}{ts:>11.2f}{t_base:>12.3f}{n_base:>11.0f}"
              f"{tb:>12.1f}{tb / ts:>9.0f}{t_qr:>8.3f}{t_sim / t_qr:>8.2f}{peak / 2**20:>9.0f}"
              + ("  (flagged points)" if flagged else ""))
    print("\nT(1%) = per-seed time x seeds needed for 1% relative standard error at every "
          "point (at least 1 seed); QR s = Householder QR (mode 'r') of the largest matrix per "
          "seed and axis ((b), (c): the training design D x P_max and the projection "
          "S x P_max), min of 4 runs around the simulator's; peak = tracemalloc peak of the "
          "simulator call.")
    for name, t_new, t_old, peak, peak_old, rel in routes:
        print(f"\n{name}: dual route {t_new:.3f} s/seed (min of 2 runs), per-point "
              f"primal route {t_old:.3f} s/seed (same run): {t_old / t_new:.2f}x faster; peak "
              f"{peak / 2**20:.0f} vs {peak_old / 2**20:.0f} MiB; max |rel diff| of the losses "
              f"{rel:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
