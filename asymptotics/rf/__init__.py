"""The random-feature model: exponents, closed-form asymptotes and exact learning curves.

Docs: docs/theory/regimes.md (the exponents, :mod:`.laws`) and
docs/theory/learning_curves.md (the deterministic equivalent: :mod:`.sums`,
:mod:`.equivalent`, :mod:`.special_points`, :mod:`.asymptotes`, orchestrated by
:mod:`.learning_curves`; the peers' per-mode outputs: :mod:`.eigenlearning`, :mod:`.outputs`).
"""

from __future__ import annotations

from asymptotics.rf.eigenlearning import Eigenlearning as Eigenlearning
from asymptotics.rf.eigenlearning import eigenlearning as eigenlearning
from asymptotics.rf.equivalent import KappaResidualError as KappaResidualError
from asymptotics.rf.laws import RFExponents as RFExponents
from asymptotics.rf.laws import data_limited_prefactor as data_limited_prefactor
from asymptotics.rf.laws import feature_limited_prefactor as feature_limited_prefactor
from asymptotics.rf.laws import matched_prefactor as matched_prefactor
from asymptotics.rf.laws import rf_exponents as rf_exponents
from asymptotics.rf.learning_curves import KappaSolution as KappaSolution
from asymptotics.rf.learning_curves import LearningCurve as LearningCurve
from asymptotics.rf.learning_curves import learning_curve as learning_curve
from asymptotics.rf.learning_curves import learning_curve_float as learning_curve_float
from asymptotics.rf.learning_curves import solve_kappa as solve_kappa
from asymptotics.rf.outputs import CurveOutputs as CurveOutputs
from asymptotics.rf.outputs import learning_curve_outputs as learning_curve_outputs

__all__ = ["CurveOutputs", "Eigenlearning", "KappaResidualError", "KappaSolution",
           "LearningCurve", "RFExponents", "data_limited_prefactor", "eigenlearning",
           "feature_limited_prefactor", "learning_curve", "learning_curve_float",
           "learning_curve_outputs", "matched_prefactor", "rf_exponents", "solve_kappa"]
