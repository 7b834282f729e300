"""Benchmark of the training-time axis (prints figures; not a pass/fail test).

1. The simulator (verify.simulator.dynamics.simulate_gd): the loss at 50 gradient-descent
   steps for one ``(D, P)`` and 8 seeds, against one static ridgeless sweep of the same
   sizes and seeds (:func:`verify.simulator.simulate_sweep`), timed in the same run (issue
   target: the time axis no slower than 2x the static sweep). Also against the plain
   baseline of stepping gradient descent 50 times on the label-to-weight map
   (:func:`verify.simulator.dynamics.gd_reference_loop`, one seed, scaled to 8).
2. The theory (asymptotics.dynamics.training_curve): a 50-point L(t) curve at 30 digits
   on an infinite power-law spectrum, against today's 50-point L(D) curve at 30 digits
   (:func:`asymptotics.learning_curve`), timed in the same run.

Run: ``python benchmarks/dynamics_time_axis.py``; wall and CPU (``process_time``) seconds.
"""

from __future__ import annotations

import math
import time

import numpy as np

from asymptotics import learning_curve
from asymptotics.dynamics import training_curve
from asymptotics.model import PowerLawSpectrum, Target
from verify.simulator import simulate_sweep
from verify.simulator.dynamics import gd_reference_loop, simulate_gd


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    spec, tgt = PowerLawSpectrum(1.5, size=1000), Target.power_law(2.0)
    D, P, seeds = 400, 300, 8
    steps = np.unique(np.round(np.geomspace(1, 1e5, 50)))
    _, w_s, c_s = _timed(lambda: simulate_sweep(spec, tgt, D=[D], P=P, seeds=seeds))
    _, w_g, c_g = _timed(lambda: simulate_gd(spec, tgt, D=D, P=P, t=steps, seeds=seeds,
                                             eta=0.5))
    _, w_l, c_l = _timed(lambda: gd_reference_loop(spec, tgt, D=D, P=P, steps=50, eta=0.5))
    print(f"simulator, D={D}, P={P}, S=1000, {seeds} seeds, {steps.size} times:")
    print(f"  static ridgeless sweep     {w_s:7.3f} s wall  {c_s:7.3f} s cpu")
    print(f"  GD time axis ({steps.size} times)    {w_g:7.3f} s wall  {c_g:7.3f} s cpu   "
          f"ratio {c_g / c_s:5.2f} x static (target <= 2)")
    print(f"  plain loop, 50 steps x 8   {8 * w_l:7.3f} s wall  {8 * c_l:7.3f} s cpu   "
          f"ratio {8 * c_l / c_g:5.1f} x the time axis")
    ts = [0, *np.geomspace(1, 1e9, 49)]
    ts = [float(round(t)) for t in ts]
    _, w_t, c_t = _timed(lambda: training_curve(ts, PowerLawSpectrum(2.0), Target.power_law(2.0),
                                                dps=30))
    Ds = np.geomspace(10, 1e6, 50)
    _, w_d, c_d = _timed(lambda: learning_curve(Ds, math.inf, PowerLawSpectrum(2.0),
                                                Target.power_law(2.0), dps=30))
    print("theory, 50 points at 30 digits, lambda_i = i^-2, p_i = i^-2:")
    print(f"  L(D) learning_curve        {w_d:7.3f} s wall  {c_d:7.3f} s cpu")
    print(f"  L(t) training_curve (gd)   {w_t:7.3f} s wall  {c_t:7.3f} s cpu   "
          f"ratio {c_t / c_d:5.2f} x L(D)")


if __name__ == "__main__":
    main()
