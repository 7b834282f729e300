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


@pytest.mark.parametrize("ambient", [5, 200])
def test_results_do_not_read_the_ambient_precision(ambient):
    # precision travels as an explicit `dps` (issue 11): a caller's global mp.dps changes
    # nothing, in the mp route or in the float route (whose bracket uses the spectrum's trace)
    from asymptotics.rf.learning_curves import learning_curve_float
    from asymptotics.rf.sums import SumEvaluator, prepare_model

    args = ([20, 300, 40], [math.inf, 50, 40], PowerLawSpectrum(1.3), Target.power_law(2.2))
    top = ([30, 80], [5, 20], PowerLawSpectrum(2.0, size=64), Target.power_law(1.5))
    ref = learning_curve(*args, ridge=0.01, dps=20)
    ref_f = learning_curve_float(*args, ridge=0.01)
    ref_top = learning_curve_float(*top, noise=0.2, student="top")
    model = prepare_model(PowerLawSpectrum(1.7), Target.power_law(2.4))
    with mpmath.workdps(30):
        kappa = mpmath.mpf("1e-3")  # the same input at both ambient precisions
        ref_s = SumEvaluator(model, "mp", dps=30)(kappa)
    saved = mpmath.mp.dps
    try:
        mpmath.mp.dps = ambient
        lc = learning_curve(*args, ridge=0.01, dps=20)
        lf = learning_curve_float(*args, ridge=0.01)
        lt = learning_curve_float(*top, noise=0.2, student="top")
        s = SumEvaluator(model, "mp", dps=30)(kappa)
    finally:
        mpmath.mp.dps = saved
    assert lc.loss == ref.loss and lc.kappa == ref.kappa
    assert lc.certified_digits == ref.certified_digits
    assert (lf == ref_f).all() and (lt == ref_top).all()
    assert (s.df1, s.df2, s.R, s.B) == (ref_s.df1, ref_s.df2, ref_s.R, ref_s.B)
