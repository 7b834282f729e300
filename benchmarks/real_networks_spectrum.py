"""Benchmark of verify.networks.spectrum (prints figures; not a pass/fail test).

Where the time of an ``n``-image spectrum goes, and which eigensolver route is faster when
only the top ranks are needed. On pooled MNIST (pool 4, ``d = 49``), depth-3 ReLU NNGP:

* the Gram matrix by the kernel recursion (:func:`verify.networks.network_kernels`, in
  place), against the textbook expression of the same recursion (a new array per
  operation, ``sin(arccos(rho))``) in the same run;
* the plain route: the full decomposition ``numpy.linalg.eigvalsh``;
* ``top_eigenpairs`` (``scipy.linalg.eigh`` with ``subset_by_index``, driver ``evr``);
* ``scipy.sparse.linalg.eigsh`` (ARPACK's Lanczos) for the top ``k``;
* :func:`verify.networks.spectrum.randomized_top_eigenvalues` (subspace iteration,
  docs/real_networks.md (RN.18));

for ``k = n / 10`` (the default fit window's upper end). Each line gives the CPU-time ratio
against the plain route measured in the same run, the largest relative error of the top
``k`` eigenvalues against it, and the ``alpha_K`` each route's eigenvalues give on the
default window. CPU seconds (``process_time``) are the one-core figure on a loaded machine.

Run: ``OMP_NUM_THREADS=1 python benchmarks/real_networks_spectrum.py [n]`` (default 2000;
5000 is all of the bundled MNIST).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import scipy.sparse.linalg

from verify.datasets import load_dataset
from verify.manifolds.spectrum import default_window
from verify.networks import network_kernels
from verify.networks.spectrum import fit_alpha_k, randomized_top_eigenvalues, top_eigenpairs


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def plain_relu_kernels(x: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(RN.1)-(RN.4) for ReLU, sigma_w^2 = 2, sigma_b = 0, written as the equations read."""
    k = 2.0 * (x @ x.T) / x.shape[1]
    theta = k.copy()
    for _ in range(depth):
        kd = np.diag(k).copy()
        norm = np.sqrt(np.outer(kd, kd))
        ang = np.arccos(np.clip(k / norm, -1.0, 1.0))
        np.fill_diagonal(ang, 0.0)
        k_new = 2.0 * norm / (2 * np.pi) * (np.sin(ang) + (np.pi - ang) * np.cos(ang))
        theta = k_new + 2.0 * (np.pi - ang) / (2 * np.pi) * theta
        k = k_new
    return k, theta


def main(n: int = 2000) -> None:
    data, w, c = _timed(lambda: load_dataset("mnist", pool=4, n=n, seed=0))
    print(f"n = {n}: load and pool MNIST: {w:.2f} s wall, {c:.2f} s cpu")
    kern, w, c = _timed(lambda: network_kernels(data.x, depth=3))
    print(f"Gram matrix by the kernel recursion (depth 3, NNGP and NTK): {w:.2f} s wall, "
          f"{c:.2f} s cpu")
    (k_plain, t_plain), wp, cp = _timed(lambda: plain_relu_kernels(data.x, 3))
    diff = max(np.max(np.abs(k_plain - kern.nngp)) / np.max(kern.nngp),
               np.max(np.abs(t_plain - kern.ntk)) / np.max(kern.ntk))
    print(f"the same by the textbook expression (plain route): {wp:.2f} s wall, {cp:.2f} s "
          f"cpu; ratio plain/in-place = {cp / c:.2f} (cpu); max rel. difference {diff:.1e}")
    del k_plain, t_plain
    gram = kern.nngp
    window = default_window(n)
    k = window[1]
    full, wf, cf = _timed(lambda: np.linalg.eigvalsh(gram)[::-1])
    a_full = fit_alpha_k(full / n, window)[0]
    print(f"full eigvalsh (plain route): {wf:.2f} s wall, {cf:.2f} s cpu; alpha_K "
          f"{a_full:.4f} on ranks {window[0]}..{window[1]}")
    routes = {
        f"eigh subset_by_index (evr), top {k}": lambda: top_eigenpairs(gram, k)[0],
        f"eigsh (ARPACK Lanczos), top {k}": lambda: np.sort(scipy.sparse.linalg.eigsh(
            gram, k=k, which="LA", return_eigenvectors=False))[::-1],
        f"randomized (default), top {k}, power 2, oversample {k // 2}":
            lambda: randomized_top_eigenvalues(gram, k),
        f"randomized, top {k}, power 1, oversample {k}": lambda: randomized_top_eigenvalues(
            gram, k, power=1, oversample=k),
        f"randomized, top {k}, power 3, oversample {k}": lambda: randomized_top_eigenvalues(
            gram, k, power=3, oversample=k),
    }
    for name, fn in routes.items():
        top, wt, ct = _timed(fn)
        err = np.max(np.abs(top - full[:k]) / full[:k])
        alpha = fit_alpha_k(top / n, window)[0]
        print(f"{name}: {wt:.2f} s wall, {ct:.2f} s cpu; ratio plain/route = {cf / ct:.2f} "
              f"(cpu); max rel. error {err:.1e}; alpha_K {alpha:.4f} "
              f"({alpha - a_full:+.1e})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
