"""Fits of measured learning curves and scaling laws, with honest intervals (docs/fitting.md).

:mod:`.power` fits one curve by a power law (with an optional offset) in log-log space,
the one log-log slope estimator of the package; :mod:`.laws` holds the law forms of
:func:`~verify.fit.law.fit_law` (one variable: power, offset, smoothly broken; two: Chinchilla),
:mod:`.estimate` the robust multi-start fit in log space, :mod:`.intervals` the analytic
covariance and the cluster bootstrap, :mod:`.diagnostics` the misspecification tests and
the extrapolation distance, :mod:`.law` the fit itself and its result, and
:mod:`.allocation` the compute-optimal allocation of a fitted two-variable law and the
theory's allocation beside it.
"""

from __future__ import annotations

from verify.fit.allocation import Allocation as Allocation
from verify.fit.allocation import AllocationComparison as AllocationComparison
from verify.fit.allocation import compute_optimal as compute_optimal
from verify.fit.allocation import theory_allocation as theory_allocation
from verify.fit.diagnostics import EXTRAPOLATION_DECADES as EXTRAPOLATION_DECADES
from verify.fit.diagnostics import MISFIT_P as MISFIT_P
from verify.fit.law import LawFit as LawFit
from verify.fit.law import LawPrediction as LawPrediction
from verify.fit.law import fit_law as fit_law
from verify.fit.laws import MODELS as MODELS
from verify.fit.laws import TWO_VARIABLE as TWO_VARIABLE
from verify.fit.power import LogLogLine as LogLogLine
from verify.fit.power import PowerLawFit as PowerLawFit
from verify.fit.power import fit_power_law as fit_power_law
from verify.fit.power import local_slopes as local_slopes
from verify.fit.power import loglog_line as loglog_line

__all__ = ["EXTRAPOLATION_DECADES", "MISFIT_P", "MODELS", "TWO_VARIABLE", "Allocation",
           "AllocationComparison", "LawFit", "LawPrediction", "LogLogLine", "PowerLawFit",
           "compute_optimal", "fit_law", "fit_power_law", "local_slopes", "loglog_line",
           "theory_allocation"]
