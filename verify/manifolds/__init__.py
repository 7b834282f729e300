"""Resolution-limited experiments on data manifolds (docs/laboratory_manifolds.md).

Sampling tori, spheres and embedded manifolds (:mod:`.sampling`, the one sampler), random
features and their learning curves on them (:mod:`.features`), nearest-neighbour and
piecewise-linear interpolation (:mod:`.interpolation`), nearest-neighbour distance moments
(:mod:`.nn_distance`), and kernel spectra on them (:mod:`.spectrum`). Each returns
measurements; the predictions they are compared with come from :mod:`asymptotics`.
"""

from __future__ import annotations

from verify.manifolds.features import ManifoldSweepResult as ManifoldSweepResult
from verify.manifolds.features import manifold_rf_sweep as manifold_rf_sweep
from verify.manifolds.interpolation import InterpolationResult as InterpolationResult
from verify.manifolds.interpolation import interpolation_sweep as interpolation_sweep
from verify.manifolds.nn_distance import NNDistanceResult as NNDistanceResult
from verify.manifolds.nn_distance import nn_distance_sweep as nn_distance_sweep
from verify.manifolds.spectrum import SpectrumResult as SpectrumResult
from verify.manifolds.spectrum import empirical_spectrum as empirical_spectrum

__all__ = ["InterpolationResult", "ManifoldSweepResult", "NNDistanceResult",
           "SpectrumResult", "empirical_spectrum", "interpolation_sweep",
           "manifold_rf_sweep", "nn_distance_sweep"]
