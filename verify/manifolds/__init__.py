"""Resolution-limited experiments on data manifolds (docs/laboratory_manifolds.md).

Sampling tori, spheres and embedded manifolds (:mod:`.sampling`), random features and their
learning curves on them (:mod:`.features`), nearest-neighbour and piecewise-linear
interpolation (:mod:`.interpolation`), and kernel spectra on them (:mod:`.spectrum`).
"""

from __future__ import annotations

from verify.manifolds.features import ManifoldSweepResult as ManifoldSweepResult
from verify.manifolds.features import manifold_rf_sweep as manifold_rf_sweep
from verify.manifolds.interpolation import InterpolationResult as InterpolationResult
from verify.manifolds.interpolation import NNDistanceResult as NNDistanceResult
from verify.manifolds.interpolation import interpolation_sweep as interpolation_sweep
from verify.manifolds.interpolation import nn_distance_sweep as nn_distance_sweep
from verify.manifolds.spectrum import SpectrumResult as SpectrumResult
from verify.manifolds.spectrum import empirical_spectrum as empirical_spectrum

__all__ = ["InterpolationResult", "ManifoldSweepResult", "NNDistanceResult",
           "SpectrumResult", "empirical_spectrum", "interpolation_sweep",
           "manifold_rf_sweep", "nn_distance_sweep"]
