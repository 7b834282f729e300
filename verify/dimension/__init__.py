"""Intrinsic dimension of data and the exponents it implies (docs/dimension.md).

Neighbour distances (:mod:`.knn`), the TwoNN and MLE estimators (:mod:`.estimate`), the
nearest-neighbour learning curve (:mod:`.nn_curve`), checks on synthetic manifolds
(:mod:`.synthetic`) and on scikit-learn's digits (:mod:`.digits`).
"""

from __future__ import annotations

from verify.dimension.digits import DigitsCheck as DigitsCheck
from verify.dimension.digits import digits_check as digits_check
from verify.dimension.estimate import DimensionEstimate as DimensionEstimate
from verify.dimension.estimate import ExponentPrediction as ExponentPrediction
from verify.dimension.estimate import estimate_dimension as estimate_dimension
from verify.dimension.estimate import predicted_exponents as predicted_exponents
from verify.dimension.nn_curve import NNLearningCurve as NNLearningCurve
from verify.dimension.nn_curve import nn_learning_curve as nn_learning_curve
from verify.dimension.synthetic import SyntheticCheck as SyntheticCheck
from verify.dimension.synthetic import synthetic_check as synthetic_check

__all__ = ["DigitsCheck", "DimensionEstimate", "ExponentPrediction", "NNLearningCurve",
           "SyntheticCheck", "digits_check", "estimate_dimension", "nn_learning_curve",
           "predicted_exponents", "synthetic_check"]
