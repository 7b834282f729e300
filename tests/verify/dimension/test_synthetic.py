"""The estimate -> predict -> measure loop on manifolds of known dimension (verify.dimension.synthetic).

Two routes to the exponent: ``2 / d_hat`` from the estimated dimension, and the slope of a
measured held-out 1-NN learning curve; plus ``2 / d_true``.
"""

from __future__ import annotations

import numpy as np
import pytest

from verify.compare import intervals_overlap
from verify.dimension.synthetic import estimator_bias, smooth_target, synthetic_check


class TestSmoothTarget:
    def test_smooth_target_formula(self):
        u = np.array([[0.25, 0.0]])
        assert smooth_target(u)[0] == pytest.approx((np.sin(np.pi / 2 + 1) + np.sin(2)) / np.sqrt(2))


class TestLoop:
    @pytest.mark.parametrize("d", [2, 3])
    def test_measured_exponent_matches_two_over_estimated_d(self, d):
        # Torus (no boundary), 1-NN + squared loss: L ~ D^(-2/d). Measured once: d=2
        # measured 0.995 vs 2/d_hat 0.98; d=3 0.654 vs 0.65. Band 10% covers the
        # finite-D curvature of the slope and the scatter over 4 splits.
        chk = synthetic_check(d, sizes=(100, 300, 1000, 3000), n_test=1000, n_estimate=3000,
                              seed=d)
        assert abs(chk.relative_gap) < 0.10
        assert abs(chk.curve.fit.alpha - chk.ideal_exponent) < 0.10 * chk.ideal_exponent
        assert chk.prediction.c == 2 and chk.prediction.model == "piecewise_constant"
        # verify.compare decides: measured and predicted intervals overlap, "agree"
        assert chk.intervals_overlap is intervals_overlap(chk.curve.fit.alpha_ci,
                                                          chk.prediction.ci)
        assert chk.verdict.label == ("agree" if chk.intervals_overlap else "disagree")

    def test_verdict_names_both_intervals_when_they_miss(self):
        from dataclasses import replace

        chk = synthetic_check(2, sizes=(100, 300, 1000), n_test=300, n_estimate=500,
                              n_splits=2, seed=1)
        missed = replace(chk, intervals_overlap=False)
        assert missed.verdict.label == "disagree"
        assert "misses the predicted 2/d_hat interval" in missed.verdict.reasons[0]


@pytest.mark.slow
class TestLoopHighDimension:
    @pytest.mark.parametrize("d", [4, 6, 8, 10])
    def test_loop_and_report_the_drift(self, d):
        # Measured once (seed 0, docs/dimension.md §4): the 1-NN slope drifts below 2/d at
        # large d (finite D: the neighbour distance is not small against the target's
        # period), TwoNN on the torus reads high, so both sides drift the same way.
        # Bands: measured slope within 20% of 2/d; the gap to 2/d_hat within 25%.
        chk = synthetic_check(d, embedding="torus", seed=0)
        assert abs(chk.curve.fit.alpha / chk.ideal_exponent - 1) < 0.20
        assert abs(chk.relative_gap) < 0.25


@pytest.mark.slow
class TestBias:
    # Relative bias of the mean over 4 seeds, n = 2000, measured once (docs/dimension.md
    # §4 table). Bands: the measured value +- 5 points. The direction is the point: on a
    # cube (boundary) and the swiss roll both estimators read low, increasingly with d; on
    # the curved torus embedding they read high.
    @pytest.mark.parametrize(("embedding", "estimator", "d", "band"), [
        ("linear", "twonn", 2, (-0.05, 0.05)), ("linear", "twonn", 10, (-0.21, -0.11)),
        ("linear", "mle", 10, (-0.23, -0.13)), ("swiss_roll", "twonn", 10, (-0.22, -0.12)),
        ("torus", "twonn", 10, (0.13, 0.23)), ("torus", "mle", 10, (0.21, 0.31)),
    ])
    def test_bias_direction_and_size(self, embedding, estimator, d, band):
        row = estimator_bias(d, embedding=embedding, estimator=estimator)
        assert band[0] < row.relative_bias < band[1]

    def test_requires_two_seeds(self):
        with pytest.raises(ValueError, match="at least 2 seeds"):
            estimator_bias(2, seeds=(0,))
