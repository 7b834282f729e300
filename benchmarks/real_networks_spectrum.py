"""Benchmark of verify.networks.spectrum (prints figures; not a pass/fail test).

The top-``k`` eigenvalues of a depth-3 ReLU NNGP Gram matrix on pooled MNIST (pool 4,
``d = 49``) by :func:`verify.networks.spectrum.top_eigenpairs` (``scipy.linalg.eigh`` with
``subset_by_index``, driver ``evr``), against the plain route measured in the same run: the
full decomposition ``numpy.linalg.eigvalsh``; and the kernel recursion's time. Both wall and
CPU (``process_time``) seconds are printed: on a loaded machine the CPU time is the
one-core figure.

Run: ``OMP_NUM_THREADS=1 python benchmarks/real_networks_spectrum.py [n]`` (default 2000).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from verify.datasets import load_dataset
from verify.networks import network_kernels
from verify.networks.spectrum import top_eigenpairs


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main(n: int = 2000) -> None:
    data = load_dataset("mnist", pool=4, n=n, seed=0)
    kern, w, c = _timed(lambda: network_kernels(data.x, depth=3))
    print(f"n = {n}: kernel recursion (depth 3): {w:.2f} s wall, {c:.2f} s cpu")
    gram = kern.nngp
    full, wf, cf = _timed(lambda: np.linalg.eigvalsh(gram)[::-1])
    print(f"full eigvalsh (plain route):      {wf:.2f} s wall, {cf:.2f} s cpu")
    for k in (n // 10, n // 4):
        top, wt, ct = _timed(lambda k=k: top_eigenpairs(gram, k)[0])
        err = np.max(np.abs(top - full[:k]) / full[:k])
        print(f"top {k:5d} by eigh(subset_by_index): {wt:.2f} s wall, {ct:.2f} s cpu; "
              f"ratio full/top = {cf / ct:.2f} (cpu); max rel. difference {err:.1e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
