"""Benchmark of asymptotics.rf.learning_curves (prints figures; not a pass/fail test).

1. A 50-point learning curve at 30 digits for an infinite power-law spectrum (target:
   under 2 s on one core), against a plain baseline measured in the same run: the same 50
   kappa equations solved at 30 digits by ``mpmath.findroot`` on a truncated spectrum of
   ``BASE_MODES`` modes summed term by term (which is also *wrong*: truncation bias).
2. The float64 path: points per second for a dense curve (target: >= 1,000 points/s),
   against a plain per-point scipy ``brentq`` on a truncated numpy spectrum.
3. The float64 kappa solve with a ridge (``solve_kappa_float``, ridge > 0, finite ``P``) on a
   50-point curve: vectorized Newton sweeps and time, against the same 50 ridge equations
   (docs/theory/learning_curves.md (LC.1)) solved one by one by ``brentq`` on a truncated
   spectrum. (Before the converged-step fix this solve took 55 sweeps instead of ~10.)

Run: ``python benchmarks/bench_learning_curves.py``. Both wall and CPU (``process_time``)
seconds are printed: on a loaded machine the CPU time is the one-core figure.
"""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np
from scipy.optimize import brentq

from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.asymptotes import data_limited
from asymptotics.rf.equivalent import solve_kappa_float
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float
from asymptotics.rf.sums import SumEvaluator, prepare_model

BASE_MODES = 2000


def _baseline_mp(D: np.ndarray, b: float) -> float:
    t0 = time.perf_counter()
    with mpmath.workdps(40):
        lam = [mpmath.mpf(i) ** -mpmath.mpf(b) for i in range(1, BASE_MODES + 1)]
        for d in D:
            mpmath.findroot(lambda lk, d=d: mpmath.fsum(x / (x + mpmath.exp(lk)) for x in lam) - d,
                            math.log((2.4 / float(d)) ** b))
    return time.perf_counter() - t0


def _baseline_float(D: np.ndarray, b: float) -> float:
    lam = np.arange(1, 200_001, dtype=float) ** -b
    t0 = time.perf_counter()
    for d in D:
        brentq(lambda k, d=d: np.sum(lam / (lam + k)) - d, 1e-30, 10.0)
    return time.perf_counter() - t0


def _baseline_ridge(D: np.ndarray, P: float, ridge: float, b: float) -> float:
    """brentq on kappa (1 - df1/D)(1 - df1/P) = ridge/D (LC.1), 2e5 truncated modes, per point."""
    lam = np.arange(1, 200_001, dtype=float) ** -b
    t0 = time.perf_counter()
    for d in D:
        def g(lk: float, d: float = d) -> float:
            k = math.exp(lk)
            df1 = np.sum(lam / (lam + k))
            return lk + math.log(max(d - df1, 1e-300)) + math.log(max(1 - df1 / P, 1e-300)) \
                - math.log(ridge)
        brentq(g, math.log(1e-30), math.log(10.0))
    return time.perf_counter() - t0


class _Counting:
    def __init__(self, ev: SumEvaluator) -> None:
        self.ev, self.model, self.calls = ev, ev.model, 0

    def __call__(self, kappa: np.ndarray, target: bool = True) -> object:
        self.calls += 1
        return self.ev(kappa, target)


def _ridge_line(spectrum: PowerLawSpectrum, target: Target, D: np.ndarray) -> None:
    P, ridge, reps = 300.0, 1e-3, 20
    ev = _Counting(SumEvaluator(prepare_model(spectrum, target)))
    solve_kappa_float(ev, D, np.full(D.shape, P), ridge)  # warm-up (and the sweep count)
    sweeps = ev.calls
    t0 = time.perf_counter()
    for _ in range(reps):
        solve_kappa_float(ev, D, np.full(D.shape, P), ridge)
    t_ours = (time.perf_counter() - t0) / reps
    t_base = _baseline_ridge(D[:10], P, ridge, spectrum.b) * len(D) / 10
    print(f"float64 kappa with ridge {ridge:g}, P = {P:g}: {len(D)} points in {sweeps} "
          f"vectorized Newton sweeps, {t_ours * 1e3:.1f} ms")
    print(f"  baseline (brentq on 2e5 truncated modes, extrapolated from 10 points): "
          f"{t_base * 1e3:.0f} ms; ratio baseline/ours = {t_base / t_ours:.0f}")


def main() -> None:
    spectrum, target = PowerLawSpectrum(1.5), Target.power_law(2.2)
    data_limited()  # the sympy derivation is cached; time the numerics
    D = np.unique(np.round(np.logspace(1, 5, 50)))
    t0, c0 = time.perf_counter(), time.process_time()
    lc = learning_curve(D, math.inf, spectrum, target, dps=30)
    t_mp, c_mp = time.perf_counter() - t0, time.process_time() - c0
    t_base = _baseline_mp(D[:10], 1.5) * len(D) / 10
    print(f"mpmath path: {len(D)} points at 30 digits (min certified "
          f"{min(lc.certified_digits)}) in {t_mp:.2f} s wall, {c_mp:.2f} s CPU of one core  "
          "[target < 2 s; on a shared machine the CPU time is the single-core figure]")
    print(f"  baseline (findroot on {BASE_MODES} truncated modes, 40 digits, extrapolated from "
          f"10 points): {t_base:.2f} s; ratio baseline/ours = {t_base / t_mp:.1f}")

    Df = np.logspace(1, 6, 20_000)
    learning_curve_float(Df[:10], math.inf, spectrum, target)
    t0 = time.perf_counter()
    learning_curve_float(Df, math.inf, spectrum, target)
    t_f = time.perf_counter() - t0
    Pf = np.full(Df.shape, 300.0)
    t0 = time.perf_counter()
    learning_curve_float(Df, Pf, spectrum, target, ridge=1e-3, noise=0.1)
    t_rf = time.perf_counter() - t0
    t_fb = _baseline_float(Df[:20], 1.5) * len(Df) / 20
    print(f"float64 path: kernel limit {len(Df) / t_f:,.0f} points/s, random features with "
          f"ridge and noise {len(Df) / t_rf:,.0f} points/s  [target >= 1,000]")
    print(f"  baseline (brentq on 2e5 truncated modes, extrapolated from 20 points): "
          f"{len(Df) / t_fb:,.0f} points/s; ratio ours/baseline = {t_fb / t_f:.0f}")
    _ridge_line(spectrum, target, D)


if __name__ == "__main__":
    main()
