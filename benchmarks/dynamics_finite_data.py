"""Benchmark of the finite-D training-time curve (prints figures; not a pass/fail test).

1. Quadrature: :func:`asymptotics.dynamics.finite_data_curve` at 32 ... 256 nodes against a
   1024-node reference (docs/theory/dynamics.md, the table of section 6), with the digits
   each run certifies.
2. Speed: a 50-point L(D, t) curve against 50 ridgeless finite-D points of
   :func:`asymptotics.rf.learning_curves.learning_curve_float` (the static baseline at the
   same D) and against the simulator :func:`verify.simulator.dynamics.simulate_gd` at the
   same sizes (64 seeds), timed in the same run.
3. The 1/D correction: ``D * (simulated mean / curve - 1)`` at D = 16, 32, 64 (M = 4D; the
   table of docs/dynamics_lab.md).

Run: ``python benchmarks/dynamics_finite_data.py``; CPU seconds (``process_time``).
"""

from __future__ import annotations

import math
import time

import numpy as np

from asymptotics.dynamics import finite_data_curve
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float
from verify.simulator.dynamics import simulate_gd


def _cpu(fn):
    c = time.process_time()
    out = fn()
    return out, time.process_time() - c


def quadrature() -> None:
    spec, tgt = PowerLawSpectrum(1.5, size=400), Target.power_law(2.0)
    ts = [10, 100, 1000, 10000, math.inf]
    ref = finite_data_curve(ts, spec, tgt, D=100, noise=0.1, nodes=1024).loss
    print("nodes  CPU s  rel. error at t = 10, 1e2, 1e3, 1e4, inf   certified digits")
    for n in (32, 64, 128, 256):
        r, c = _cpu(lambda n=n: finite_data_curve(ts, spec, tgt, D=100, noise=0.1, nodes=n))
        err = ", ".join(f"{x:.1e}" for x in np.abs(r.loss / ref - 1))
        print(f"{n:5d}  {c:5.2f}  {err}   {' '.join(map(str, r.certified_digits))}")


def speed() -> None:
    spec, tgt = PowerLawSpectrum(1.5, size=400), Target.power_law(2.0)
    D = 100
    ts = np.unique(np.round(np.geomspace(1, 1e5, 50)))
    _, c_curve = _cpu(lambda: finite_data_curve(ts, spec, tgt, D=D, eta=0.5, noise=0.1))
    _, c_static = _cpu(lambda: [learning_curve_float(D, math.inf, spec, tgt, noise=0.1)
                                for _ in range(50)])
    _, c_sim = _cpu(lambda: simulate_gd(spec, tgt, D=D, P=None, t=ts, eta=0.5, noise=0.1,
                                        seeds=64, seed=0))
    print(f"50-point L(D={D}, t) curve, M=400: {c_curve:.2f} CPU s")
    print(f"50 ridgeless finite-D points (learning_curve_float): {c_static:.2f} CPU s; "
          f"ratio {c_curve / c_static:.2f}")
    print(f"simulate_gd, same sizes, 64 seeds, 50 steps: {c_sim:.2f} CPU s; "
          f"ratio curve / simulation {c_curve / c_sim:.3f}")


def one_over_d() -> None:
    tgt = Target.power_law(2.0)
    ts = np.unique(np.round(np.geomspace(2, 2000, 12)))
    print("D   seeds  D*delta (min..max over 12 steps)  D*se (min..max)")
    for D, seeds in ((16, 256), (32, 128), (64, 64)):
        spec = PowerLawSpectrum(1.5, size=4 * D)
        th = finite_data_curve(ts, spec, tgt, D=D, eta=0.5)
        sim = simulate_gd(spec, tgt, D=D, P=None, t=ts, eta=0.5, seeds=seeds, seed=3)
        dd, se = D * (sim.mean / th.loss - 1), D * sim.stderr / th.loss
        print(f"{D:3d} {seeds:5d}  {dd.min():.2f} .. {dd.max():.2f}   {se.min():.2f} .. "
              f"{se.max():.2f}")


def main() -> None:
    quadrature()
    speed()
    one_over_d()


if __name__ == "__main__":
    main()
