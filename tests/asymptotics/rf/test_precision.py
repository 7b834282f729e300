"""Precision (issue #6): every high-precision value agrees with a second evaluation at higher
precision to the digits it claims (learning curves, NN moments, tail expansions)."""

from __future__ import annotations

import math

import mpmath
import pytest
from references import unit_ball_volume_mp

from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.resolution import nn_distance_moment
from asymptotics.rf.learning_curves import learning_curve
from asymptotics.tails import hurwitz_tail


def _agree(v, ref, digits):
    with mpmath.workdps(digits + 30):
        return abs(mpmath.mpf(v) / mpmath.mpf(ref) - 1) <= mpmath.mpf(10) ** (-digits + 1)


@pytest.mark.parametrize("dps", [15, 40])
@pytest.mark.parametrize(("b", "target", "ridge"), [(2.0, Target.isotropic(1.0), 0.0),
                                                     (1.3, Target.power_law(2.2), 0.01),
                                                     (5.0, Target.power_law(1.1), 0.0)])
def test_learning_curve_certified_digits(dps, b, target, ridge):
    spec = PowerLawSpectrum(b)
    pts = ([20, 300, 5], [math.inf, 50, 40])
    lc = learning_curve(*pts, spec, target, ridge=ridge, dps=dps)
    ref = learning_curve(*pts, spec, target, ridge=ridge, dps=dps + 25)
    for v, r, digits in zip(lc.loss, ref.loss, lc.certified_digits, strict=True):
        assert digits >= 1
        assert _agree(v, r, digits)


@pytest.mark.parametrize(("D", "d", "k"), [(1, 1, 1), (10, 3, 2.5), (10**6, 7, 4), (37, 2, 0.5)])
@pytest.mark.parametrize("dps", [20, 100])
def test_nn_moment_digits(D, d, k, dps):
    m = nn_distance_moment(D, d, k, dps=dps)
    ref = nn_distance_moment(D, d, k, dps=dps + 40)
    assert m.digits >= dps - 2
    assert _agree(m.exact, ref.exact, m.digits)
    # an independent closed form: V_d^(-k/d) Gamma(1+k/d) Gamma(D+1)/Gamma(D+1+k/d)
    # (docs/theory/regimes.md (RG.5))
    with mpmath.workdps(dps + 30):
        Vd = unit_ball_volume_mp(d)
        q = mpmath.mpf(k) / d
        direct = Vd ** (-q) * mpmath.exp(mpmath.loggamma(1 + q) + mpmath.loggamma(D + 1)
                                          - mpmath.loggamma(D + 1 + q))
    assert _agree(m.exact, direct, m.digits)


@pytest.mark.parametrize(("s", "N"), [(2.5, 10**3), (1.5, 10**6), (3, 10**4)])
@pytest.mark.parametrize("dps", [30, 100])
def test_tail_evaluate_at_two_precisions(s, N, dps):
    tail = hurwitz_tail(s, order=4)
    v, ref = tail.evaluate(N, dps=dps), tail.evaluate(N, dps=dps + 40)
    assert _agree(v, ref, dps - 1)
