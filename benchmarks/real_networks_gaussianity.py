"""Why the deterministic equivalent misses pool-7 depth-1 (docs/real_networks.md §5).

Measurements, not a pass/fail test. For depth-1 and depth-3 ReLU NNGP kernels on ``N``
pooled MNIST images (pool 2, 4, 7), the kernel-limit loss ``L(D, inf)`` of (RN.13) on
``D = 16..256`` (seeds 0-7) is compared with the deterministic equivalent on the same
empirical spectrum, for three designs with that one spectrum:

* ``real``: the network's eigenfeatures on the images (the experiment);
* ``gauss``: rows drawn as ``N(0, Lambda)`` vectors (the equivalent's own model);
* ``haar``: the eigenvectors replaced by Haar-random ones on the same ``N`` atoms
  (:func:`verify.networks.experiment.rotated_population`: the same finite population and
  sampling without replacement).

Each line prints the largest ``|loss / equivalent - 1|`` over ``D`` and the value at
``D = 256`` for each design, and the mean fourth moment of the eigenfunctions on ranks
16-256 (:func:`verify.networks.experiment.eigenfunction_kurtosis`; 3 for Gaussian features).

Run: ``OMP_NUM_THREADS=1 python benchmarks/real_networks_gaussianity.py`` (about a minute
of CPU); ``... 7,1,1000 7,1,4000`` for other ``pool,depth,N``.
"""

from __future__ import annotations

import sys

import numpy as np

from asymptotics.model import ArraySpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float
from verify.networks.experiment import (
    cached_population,
    eigenfunction_kurtosis,
    rotated_population,
    simulate_losses,
)

D = np.array([16, 25, 40, 64, 102, 161, 256], dtype=float)
SEEDS = tuple(range(8))


def gaussian_rows(lam: np.ndarray) -> np.ndarray:
    """Mean over the seeds of (RN.13) with rows ``N(0, Lambda)``, nested in ``D``."""
    rng = np.random.default_rng(1)
    out = np.zeros((len(SEEDS), D.size))
    for s in range(len(SEEDS)):
        z = rng.standard_normal((int(D[-1]), lam.size)) * np.sqrt(lam)
        q, _ = np.linalg.qr(z.T)
        captured = np.cumsum(lam @ q**2)
        out[s] = lam.sum() - captured[D.astype(int) - 1]
    return out.mean(axis=0)


def main(specs: list[str]) -> None:
    inf = np.full_like(D, np.inf)
    for spec in specs:
        pool, depth, n = (int(v) for v in spec.split(","))
        pop = cached_population("mnist", pool, n, 0, "nngp", depth, "relu", 0.0)
        theory = learning_curve_float(D, inf, ArraySpectrum(pop.eigenvalues),
                                      Target.isotropic(1.0))
        designs = {"real": simulate_losses(pop, D, inf, SEEDS).mean(axis=0),
                   "gauss": gaussian_rows(pop.eigenvalues),
                   "haar": simulate_losses(rotated_population(pop), D, inf, SEEDS).mean(0)}
        text = "; ".join(f"{k} max {np.max(np.abs(v / theory - 1)):.3f}, at 256 "
                         f"{v[-1] / theory[-1] - 1:+.3f}" for k, v in designs.items())
        print(f"pool {pool} depth {depth} N {n}: E[u^4] "
              f"{eigenfunction_kurtosis(pop, (16, 256)):.2f}; {text}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["7,1,2000", "7,3,2000", "4,1,2000", "4,3,2000", "2,1,2000",
                          "2,3,2000"])
