"""Numerical edges (issue #6): the peak P = D, P > S, D = 1, extreme alpha_K, 100 digits.

No NaN anywhere; a mathematically infinite value is ``inf`` with its reason.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float


@pytest.mark.parametrize("alpha_K", [0.05, 1.0, 8.0])
@pytest.mark.parametrize("student", ["projection", "top"])
def test_edges_float_path_has_no_nan(alpha_K, student):
    spec = PowerLawSpectrum(1 + alpha_K, size=64)
    D = np.array([1, 1, 2, 10, 10, 64, 64, 100, 1, math.inf])[:, None]
    P = np.array([1, 10, 2, 10, 100, 64, 200, 100, math.inf, 5])[:, None]
    for tgt in (Target.isotropic(), Target.power_law(1.5)):
        loss = learning_curve_float(D, P, spec, tgt, student=student)
        assert not np.isnan(loss).any()
        assert (loss >= 0).all()
        peak = (D == P).ravel()
        if student == "projection":  # ridgeless D = P < S: the interpolation peak is inf
            assert np.isinf(loss.ravel()[peak & (D.ravel() < 64)]).all()


@pytest.mark.parametrize("alpha_K", [0.05, 8.0])
def test_peak_is_inf_with_reason_at_100_digits(alpha_K):
    spec = PowerLawSpectrum(1 + alpha_K)
    lc = learning_curve([1, 7, 7, 50], [1, 7, 20, 10], spec, Target.power_law(2.0), dps=100)
    for v, why, d, p in zip(lc.loss, lc.reasons, lc.D, lc.P, strict=True):
        if d == p:
            assert math.isinf(v) and why, (d, p, why)
        else:
            assert not math.isnan(v) and math.isfinite(v) and why is None
            assert v > 0


def test_beyond_the_spectrum_size_is_finite_and_ridge_removes_the_peak():
    spec = PowerLawSpectrum(2.0, size=32)
    loss = learning_curve_float([10, 40, 40], [50, 50, 10], spec, Target.isotropic())
    assert np.isfinite(loss).all() and (loss >= 0).all()
    ridged = learning_curve_float([10], [10], spec, Target.isotropic(), ridge=1e-6)
    assert np.isfinite(ridged).all() and ridged[0] > 0
