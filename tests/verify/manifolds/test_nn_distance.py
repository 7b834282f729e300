"""Tests for verify.manifolds.nn_distance: measured nearest-neighbour distance moments on the torus."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from verify.manifolds.nn_distance import nn_distance_sweep, nn_moment_exact


class TestNNDistance:
    @pytest.mark.parametrize("d", [1, 2, 3])
    @pytest.mark.parametrize("k", [1, 2])
    def test_moments_match_exact_formula(self, d, k):
        # 24 independent seeds x 300 test points per D; error from the spread of the
        # per-seed means. 4 sigma: a false alarm has probability ~6e-5 per comparison.
        res = nn_distance_sweep(d, [10, 100, 1000], k=k, n_test=300, seeds=24, seed=11)
        z = (res.mean - nn_moment_exact(d, res.grid, k)) / res.stderr
        assert np.all(np.abs(z) < 4), z

    @pytest.mark.parametrize("d,D,k", [(1, 10, 1), (2, 100, 2), (3, 1000, 1.5), (5, 37, 3)])
    def test_exact_law_is_asymptotics_law(self, d, D, k):
        # the delegate is asymptotics.resolution's mpmath law (RG.5) rounded to float, exactly
        from asymptotics.resolution import nn_distance_moment

        ref = float(nn_distance_moment(D, d, k=k).exact)
        assert nn_moment_exact(d, [D], k)[0] == ref

    def test_validation(self):
        with pytest.raises(ValueError, match="`k` must be > 0"):
            nn_distance_sweep(2, [10, 20], k=0, n_test=10, seeds=2)
        with pytest.raises(ValueError, match="`D` must be strictly increasing"):
            nn_distance_sweep(2, [20, 10], n_test=10, seeds=2)

    def test_matches_mpmath_gamma_ratio(self):
        # the Gamma-ratio moment, docs/theory/regimes.md (RG.5), written out in mpmath here:
        # an independent route to the law the delegate evaluates
        d, D, k = 2, 50, 1
        # V_d from the project's one unit-ball volume (exact sympy, tested on its own)
        from asymptotics.resolution import unit_ball_volume

        vd = mpmath.mpf(str(unit_ball_volume(d).evalf(40)))
        ref = vd ** (-mpmath.mpf(k) / d) * mpmath.gamma(1 + mpmath.mpf(k) / d) \
            * mpmath.gamma(D + 1) / mpmath.gamma(D + 1 + mpmath.mpf(k) / d)
        assert nn_moment_exact(d, [D], k)[0] == pytest.approx(float(ref), rel=1e-12)
        assert math.isfinite(float(ref))
