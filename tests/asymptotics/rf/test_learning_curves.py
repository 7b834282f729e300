"""Public API of asymptotics.rf.learning_curves: float vs mpmath, certified digits, properties."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import (
    LearningCurve,
    learning_curve,
    learning_curve_float,
    regime_label,
    solve_kappa,
)

CASES = [
    dict(spectrum=PowerLawSpectrum(1.5), target=Target.power_law(2.0)),
    dict(spectrum=PowerLawSpectrum(2.0, scale=0.3), target=Target.isotropic(2.0)),
    dict(spectrum=PowerLawSpectrum(3.0, size=5000), target=Target.power_law(1.6, scale=4.0)),
    dict(spectrum=ArraySpectrum(np.linspace(1, 0.01, 80) ** 2), target=Target.isotropic()),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("student", ["projection", "top"])
@pytest.mark.parametrize(("ridge", "noise"), [(0.0, 0.0), (0.0, 0.5), (1e-3, 0.1)])
def test_float_path_matches_mp_path(case, student, ridge, noise):
    D = np.array([5, 30, 30, 200, 1000, math.inf])
    P = np.array([20, 10, math.inf, 150, 40, 60])
    kw = dict(ridge=ridge, noise=noise, student=student, **CASES[case])
    fl = learning_curve_float(D, P, **kw)
    mp_ = learning_curve(D, P, dps=20, **kw)
    assert isinstance(mp_, LearningCurve)
    assert not np.isnan(fl).any()
    np.testing.assert_allclose(fl, mp_.loss_float, rtol=1e-11)


def test_float_path_broadcasts_and_keeps_shape():
    D = np.array([[10.0], [100.0]])
    P = np.array([5.0, 50.0, math.inf])
    out = learning_curve_float(D, P, PowerLawSpectrum(2.0), Target.power_law(2.0))
    assert out.shape == (2, 3)
    single = learning_curve_float(100.0, 50.0, PowerLawSpectrum(2.0), Target.power_law(2.0))
    assert single.shape == (1,) and single[0] == pytest.approx(out[1, 1], rel=1e-14)


@pytest.mark.parametrize("dps", [15, 30, 60])
def test_certified_digits_are_honest(dps):
    kw = dict(spectrum=PowerLawSpectrum(1.7), target=Target.power_law(2.4), ridge=1e-3,
              noise=0.2)
    D, P = [20, 300, 5000], [100, 100, math.inf]
    lc = learning_curve(D, P, dps=dps, **kw)
    ref = learning_curve(D, P, dps=dps + 25, **kw)
    with mpmath.workdps(dps + 25):
        for v, r, digits in zip(lc.loss, ref.loss, lc.certified_digits, strict=True):
            assert digits >= dps - 2
            assert abs(v / r - 1) < mpmath.mpf(10) ** (-digits + 1)


@pytest.mark.parametrize(("D", "P", "ridge"), [(100, math.inf, 0.0), (30, 70, 0.0),
                                               (500, 20, 0.1), (64, 64, 1e-2)])
def test_solve_kappa_satisfies_its_equation(D, P, ridge):
    spectrum = PowerLawSpectrum(1.8)
    sol = solve_kappa(D, P, spectrum, ridge=ridge, dps=50)
    # residual recomputed by an independent summation: mpmath.nsum over a Hurwitz-zeta-free
    # split: exact head to 5000 plus the tail by mpmath's own Euler-Maclaurin (sumem)
    with mpmath.workdps(60):
        k, b = sol.kappa, mpmath.mpf(1.8)
        head = mpmath.fsum(1 / (1 + k * mpmath.mpf(i) ** b) for i in range(1, 5001))
        tail = mpmath.sumem(lambda x: 1 / (1 + k * x ** b), [5001, mpmath.inf])
        df1 = head + tail
        lhs = k * (1 - df1 / D) * (1 - (df1 / P if math.isfinite(P) else 0))
        if ridge == 0:
            assert abs(df1 / min(D, P) - 1) < mpmath.mpf(10) ** -45
        else:
            assert abs(lhs / (mpmath.mpf(ridge) / D) - 1) < mpmath.mpf(10) ** -45


def test_regime_labels():
    assert regime_label(100, math.inf).startswith("kernel limit")
    assert regime_label(1000, 10).startswith("D >> P")
    assert regime_label(10, 1000).startswith("P >> D")
    assert regime_label(50, 50).startswith("interpolation peak")
    assert regime_label(50, 50, ridge=1.0).startswith("D ~ P")
    lc = learning_curve([1000, 50], [10, 50], PowerLawSpectrum(2.0), Target.isotropic(1.0), dps=10)
    assert lc.regime == (regime_label(1000, 10), regime_label(50, 50))


def test_input_validation():
    sp_, tg = PowerLawSpectrum(2.0), Target.power_law(2.0)
    with pytest.raises(ValueError, match=r"`D\[0\]` must be >= 1; got 0.5"):
        learning_curve_float([0.5], 10, sp_, tg)
    with pytest.raises(ValueError, match="`P\\[1\\]` must be a real number, not NaN"):
        learning_curve_float(10, [3, math.nan], sp_, tg)
    with pytest.raises(ValueError, match="`ridge` must be >= 0; got -1"):
        learning_curve_float(10, 10, sp_, tg, ridge=-1)
    with pytest.raises(ValueError, match="`student` must be one of"):
        learning_curve(10, 10, sp_, tg, student="random")
    with pytest.raises(ValueError, match="`D`, `P` and `ridge` must broadcast"):
        learning_curve_float([1, 2, 3], [4, 5], sp_, tg)
    with pytest.raises(ValueError, match="`dps` must be an integer >= 5; got 2"):
        learning_curve(10, 10, sp_, tg, dps=2)
    with pytest.raises(TypeError, match="`spectrum` must be a PowerLawSpectrum"):
        learning_curve_float(10, 10, [1.0, 0.5], tg)
    with pytest.raises(ValueError, match="whole numbers of eigenfeatures for student='top'"):
        learning_curve_float(10, 20.5, sp_, tg, student="top")
    with pytest.raises(ValueError, match="min\\(D, P\\) below the spectrum size"):
        solve_kappa(10, 10, ArraySpectrum([1.0, 0.5]))


_b = st.floats(1.2, 4.0)
_n = st.integers(2, 3000)


@given(b=_b, d1=_n, d2=_n)
def test_kernel_limit_loss_decreases_with_data(b, d1, d2):
    assume(d1 != d2)
    lo, hi = sorted((d1, d2))
    e = learning_curve_float([lo, hi], math.inf, PowerLawSpectrum(b), Target.isotropic(1.0))
    assert e[1] < e[0]


@given(b=_b, p=st.integers(1, 300), extra=st.integers(2, 2000), more=st.integers(1, 2000))
def test_underparameterized_loss_decreases_with_data(b, p, extra, more):
    D = np.array([p + extra, p + extra + more], dtype=float)
    e = learning_curve_float(D, p, PowerLawSpectrum(b), Target.isotropic(1.0))
    assert e[1] < e[0]


@given(b=_b, d=_n, p=st.one_of(_n, st.just(math.inf)), ridge=st.sampled_from([0.0, 1e-3, 1.0]),
       s1=st.floats(0, 2), s2=st.floats(0, 2))
def test_loss_increases_with_noise(b, d, p, ridge, s1, s2):
    assume(abs(s1 - s2) > 1e-6 and (ridge > 0 or d != p))
    lo, hi = sorted((s1, s2))
    kw = dict(spectrum=PowerLawSpectrum(b), target=Target.power_law(b + 0.3), ridge=ridge)
    assert learning_curve_float(d, p, noise=lo, **kw) < learning_curve_float(d, p, noise=hi, **kw)


@given(b=_b, d=_n, p=_n)
def test_isotropic_ridgeless_loss_is_symmetric_in_D_and_P(b, d, p):
    assume(d != p)
    kw = dict(spectrum=PowerLawSpectrum(b), target=Target.isotropic(1.0))
    e1, e2 = learning_curve_float(d, p, **kw), learning_curve_float(p, d, **kw)
    assert e1 == pytest.approx(e2, rel=1e-11)


def test_json_record_keeps_the_certified_digits():
    import json

    from asymptotics._lib.serialize import dumps

    lc = learning_curve([10, 50], [math.inf, 50], PowerLawSpectrum(2.0), Target.isotropic(1.0),
                        dps=40)
    rec = json.loads(dumps(lc))
    assert rec["loss"][1] == "inf" and rec["reasons"][1].startswith("interpolation peak")
    assert len(rec["loss"][0].replace("0.", "", 1)) == 40  # 40 significant digits, not 15
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(rec["loss"][0]) / lc.loss[0] - 1) < mpmath.mpf(10) ** -39


@pytest.mark.parametrize("b", [1.05, 8.0])
@pytest.mark.parametrize("a", [1.02, 20.0])
@pytest.mark.parametrize(("ridge", "noise"), [(0.0, 0.0), (1e-8, 0.0), (10.0, 1.0), (0.0, 1.0)])
def test_extreme_exponents_and_sizes(b, a, ridge, noise):
    # losses spanning 1e-111 .. 1e9; next to the peak (D = 1e7, P = D - 1) with a tiny ridge
    # the float path loses digits in P - df1 (~1e-9 absolute out of 1e7): tolerance 1e-9
    D = np.array([1, 2, 3, 1e3, 1e7, 1e7, math.inf])
    P = np.array([math.inf, 1, 1e6, 2, 1e7 - 1, math.inf, 5])
    kw = dict(spectrum=PowerLawSpectrum(b), target=Target.power_law(a), ridge=ridge, noise=noise)
    fl = learning_curve_float(D, P, **kw)
    mp_ = learning_curve(D, P, dps=16, **kw)
    assert min(mp_.certified_digits) >= 14
    np.testing.assert_allclose(fl, mp_.loss_float, rtol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("case", range(len(CASES)))
def test_hundred_digit_curves_are_certified(case):
    # bounded: 5 points at 100 and at 130 digits per case (~ a few seconds each)
    D = [7, 90, 400, 3000, math.inf]
    P = [math.inf, 60, 1000, 200, 80]
    lc = learning_curve(D, P, ridge=1e-2, noise=0.3, dps=100, **CASES[case])
    ref = learning_curve(D, P, ridge=1e-2, noise=0.3, dps=130, **CASES[case])
    assert min(lc.certified_digits) >= 97
    with mpmath.workdps(130):
        for v, r in zip(lc.loss, ref.loss, strict=True):
            if r == 0:  # D = inf with P >= S modes: the target is learned exactly
                assert v == 0
            else:
                assert abs(v / r - 1) < mpmath.mpf(10) ** -96


def test_astronomical_ridge_is_refused_not_nan():
    """ridge = 4.5e307 overflowed to inf - inf in the float path (found by the fuzz suite)."""
    import pytest

    from asymptotics.model import PowerLawSpectrum, Target
    from asymptotics.rf.learning_curves import learning_curve_float
    with pytest.raises(ValueError, match=r"`ridge` must be <= 1e\+100"):
        learning_curve_float([10.0], float("inf"), PowerLawSpectrum(2.0),
                             Target.isotropic(weight_variance=1.0), ridge=4.49423283715579e307)
