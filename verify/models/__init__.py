"""Models beyond the linear random-feature student, fitted exactly (docs/beyond_squared.md).

:mod:`.glm` fits softmax (logistic) regression and Huber/least-squares regression by
Newton's method and refuses data where the estimate does not exist; :mod:`.excess` holds
the exact population excess losses for Gaussian features; :mod:`.curves` sweeps the
training-set size for the variance-limited checks (docs/theory/regimes.md (RG.13)-(RG.15)).
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

__all__ = ["GLM_MODELS", "GLMCurve", "GLMFit", "fit_m_estimator", "fit_softmax",
           "glm_learning_curve", "regression_excess", "separation_direction",
           "softmax_excess"]
