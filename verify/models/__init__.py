"""Models beyond the linear random-feature student, fitted exactly (docs/beyond_squared.md).

:mod:`.glm` fits softmax (logistic) regression and Huber/least-squares regression by
Newton's method and refuses data where the estimate does not exist; :mod:`.excess` holds
the exact population excess losses for Gaussian features; :mod:`.curves` sweeps the
training-set size for the variance-limited checks (docs/theory/regimes.md (RG.13)-(RG.15));
:mod:`.piecewise` fits ``P``-knot piecewise models on the circle for the model-size law of
Theorem 3 (RG.7), and :mod:`.mesh` its two- and three-dimensional versions on the periodic
Delaunay mesh (piecewise linear) or Voronoi cells (piecewise constant) of ``P`` nodes;
:mod:`.two_layer` is the two-layer network in NTK parametrization, its
empirical NTK at a zero-output initialization, the width sweep of kernel regression and
the single-unit prefactor of ``L(w) - L(oo)`` (RG.16); :mod:`.training` trains it by full-batch
gradient descent to a stated training residual.
"""

from __future__ import annotations

from verify.models.curves import GLM_MODELS as GLM_MODELS
from verify.models.curves import GLMCurve as GLMCurve
from verify.models.curves import glm_learning_curve as glm_learning_curve
from verify.models.excess import regression_excess as regression_excess
from verify.models.excess import softmax_excess as softmax_excess
from verify.models.glm import GLMFit as GLMFit
from verify.models.glm import fit_m_estimator as fit_m_estimator
from verify.models.glm import fit_softmax as fit_softmax
from verify.models.glm import separation_direction as separation_direction
from verify.models.mesh import MeshFit as MeshFit
from verify.models.mesh import PeriodicMesh as PeriodicMesh
from verify.models.mesh import fit_mesh as fit_mesh
from verify.models.mesh import mesh_resolution_curve as mesh_resolution_curve
from verify.models.mesh import periodic_delaunay as periodic_delaunay
from verify.models.piecewise import PiecewiseFit as PiecewiseFit
from verify.models.piecewise import fit_piecewise as fit_piecewise
from verify.models.piecewise import resolution_curve as resolution_curve
from verify.models.training import DataCurve as DataCurve
from verify.models.training import TrainedCurve as TrainedCurve
from verify.models.training import train_two_layer as train_two_layer
from verify.models.training import trained_data_curve as trained_data_curve
from verify.models.training import trained_width_curve as trained_width_curve
from verify.models.two_layer import WidthCurve as WidthCurve
from verify.models.two_layer import empirical_ntk as empirical_ntk
from verify.models.two_layer import width_curve as width_curve
from verify.models.two_layer import width_prefactor as width_prefactor

__all__ = ["GLM_MODELS", "DataCurve", "GLMCurve", "GLMFit", "MeshFit", "PeriodicMesh",
           "PiecewiseFit", "TrainedCurve", "WidthCurve", "empirical_ntk", "fit_m_estimator",
           "fit_mesh", "fit_piecewise", "fit_softmax", "glm_learning_curve",
           "mesh_resolution_curve", "periodic_delaunay", "regression_excess",
           "resolution_curve", "separation_direction", "softmax_excess", "train_two_layer",
           "trained_data_curve", "trained_width_curve", "width_curve", "width_prefactor"]
