"""Random-feature laws: exponents and prefactors against a numerical eigenlearning solution.

The numerical route solves the ridgeless self-consistent equation
``sum_i lambda_i/(lambda_i + kappa) = n`` (docs/theory/learning_curves.md (LC.1) with no
ridge) on ``M = 5e5`` modes plus the tail
integral beyond them, by bisection in ``log kappa``, and evaluates the learning curves
``E(n) = E_0 sum_i p_i kappa^2/(lambda_i+kappa)^2`` and ``L(N) = sum_i p_i kappa/(lambda_i+kappa)``
as sums (not the integrals the derivation uses).
"""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from references import kappa_bisect

from asymptotics.rf.laws import (
    data_limited_prefactor,
    feature_limited_prefactor,
    matched_prefactor,
    mode_integral,
    rf_exponents,
)

M = 500_000
IDX = np.arange(1, M + 1, dtype=np.float64)


@functools.lru_cache(maxsize=32)
def _kappa(b: float, count: float) -> float:
    lam = IDX**-b
    tail_x = (M + 0.5) ** (1 - b) / (b - 1)  # int_{M+1/2}^oo x^-b dx; lambda << kappa there
    return kappa_bisect(lam, count, lo=float(lam[-1]), hi=10.0, tail=lambda kap: tail_x / kap)


def _data_limited(a: float, b: float, n: float) -> float:
    kap, lam, p = _kappa(b, n), IDX**-b, IDX**-a
    df2 = np.sum((lam / (lam + kap)) ** 2)
    bias = np.sum(p * (kap / (lam + kap)) ** 2) + (M + 0.5) ** (1 - a) / (a - 1)
    return float(bias * n / (n - df2))


def _feature_limited(a: float, b: float, N: float) -> float:
    kap, lam, p = _kappa(b, N), IDX**-b, IDX**-a
    return float(np.sum(p * kap / (lam + kap)) + (M + 0.5) ** (1 - a) / (a - 1))


@pytest.mark.parametrize(("a", "b"), [(2.0, 2.0), (2.5, 2.0), (3.0, 2.5), (6.0, 2.0)])
def test_data_limited_law_matches_eigenlearning(a, b):
    rf = rf_exponents(b, a)
    sizes = (1000.0, 4000.0)
    errs = [_data_limited(a, b, n) for n in sizes]
    slope = np.log(errs[1] / errs[0]) / np.log(sizes[1] / sizes[0])
    # finite-n corrections to the slope are O(1/n) here; measured |deviation| < 0.01
    assert slope == pytest.approx(-rf.alpha_D.value, abs=0.02)
    # prefactor: measured relative deviation at n = 4000 below 1% (a = 6: 2.5%, slower approach)
    assert errs[1] * sizes[1] ** rf.alpha_D.value == pytest.approx(
        float(rf.alpha_D.prefactor), rel=0.04 if a == 6.0 else 0.015)


@pytest.mark.parametrize(("a", "b"), [(2.0, 2.0), (2.5, 2.0), (4.0, 2.0)])
def test_feature_limited_law_matches_eigenlearning(a, b):
    rf = rf_exponents(b, a)
    sizes = (1000.0, 4000.0)
    errs = [_feature_limited(a, b, N) for N in sizes]
    slope = np.log(errs[1] / errs[0]) / np.log(sizes[1] / sizes[0])
    assert slope == pytest.approx(-rf.alpha_P.value, abs=0.02)
    assert errs[1] * sizes[1] ** rf.alpha_P.value == pytest.approx(float(rf.alpha_P.prefactor),
                                                                   rel=0.015)


def test_matched_prefactor_closed_forms():
    assert matched_prefactor(2) == sp.pi**2 / 4  # docs/theory/regimes.md (RG.11) at b = 2
    with mp.workdps(30):
        for b in (1.25, 2, 3.5, 7):
            s = mp.mpf(1) / b  # C_b = [Gamma(1+s) Gamma(1-s)]^b: (RG.11) with Euler's reflection
            ref = (mp.gamma(1 + s) * mp.gamma(1 - s)) ** b
            assert abs(sp.N(matched_prefactor(b), 30) - sp.Float(str(ref), 30)) < 1e-25
            # int_0^oo dx/(1+x^b) with x = e^t: a smooth integrand decaying exponentially
            integral = mp.quad(lambda t, b=b: mp.exp(t) / (1 + mp.exp(b * t)),
                               [-mp.inf, 0, mp.inf])
            assert abs(sp.N(mode_integral(b), 30) - sp.Float(str(integral), 30)) < 1e-20
    # matched teacher: data- and feature-limited prefactors both equal C_b
    for b in (1.5, 2, 3):
        assert sp.simplify(data_limited_prefactor(b, b) - matched_prefactor(b)) == 0
        assert sp.simplify(feature_limited_prefactor(b, b) - matched_prefactor(b)) == 0


def test_bahri_isotropic_teacher():
    rf = rf_exponents(3)
    assert rf.alpha_D.exponent == rf.alpha_P.exponent == 2  # alpha_K = b - 1
    assert rf.duality_holds
    assert rf.alpha_D.prefactor == rf.alpha_P.prefactor == matched_prefactor(3)
    assert rf.variance_D.exponent == rf.variance_P.exponent == 1
    assert rf.variance_D.regime == "variance-limited (data)"


@settings(max_examples=15)
@given(b=st.fractions(min_value="21/20", max_value=4, max_denominator=20),
       a=st.fractions(min_value="21/20", max_value=12, max_denominator=20))
def test_exponent_formulas_and_duality(b, a):
    bb, aa = sp.Rational(b.numerator, b.denominator), sp.Rational(a.numerator, a.denominator)
    rf = rf_exponents(bb, aa)
    assert rf.alpha_D.exponent == sp.Min(aa - 1, 2 * bb)
    assert rf.alpha_P.exponent == sp.Min(aa - 1, bb)
    assert rf.duality_holds == (aa - 1 <= bb) == (rf.alpha_D.exponent == rf.alpha_P.exponent)
    assert rf.alpha_D.exponent > 0 and rf.alpha_P.exponent > 0
    if rf.alpha_D.prefactor is not None:
        assert not rf.alpha_D.prefactor.has(sp.nan, sp.zoo) and rf.alpha_D.prefactor > 0


def test_input_validation():
    with pytest.raises(ValueError, match=r"`b` must be > 1 \(a spectrum .* summable .*\); got 1"):
        rf_exponents(1)
    with pytest.raises(ValueError, match=r"`a` must be > 1 .*got 0.5"):
        rf_exponents(2, 0.5)
    with pytest.raises(TypeError, match=r"`b` must be a real number; got 'x'"):
        rf_exponents("x")
    with pytest.raises(ValueError, match=r"`a` must be < 2b \+ 1"):
        data_limited_prefactor(6, 2)
    with pytest.raises(ValueError, match=r"`a` must be < b \+ 1"):
        feature_limited_prefactor(3, 2)


def test_float_noise_is_read_as_the_decimal_meant():
    """5.7 + 0.4 == 6.1000000000000005 used to become a 17-digit rational and hang sympy
    (found by the fuzz suite); it is read as 61/10 and derives in well under a second."""
    import sympy as sp

    from asymptotics.rf.laws import rf_exponents
    laws = rf_exponents(5.7 + 0.4, 10.85)
    assert laws.b == sp.Rational(61, 10)
    assert laws.alpha_P.exponent == sp.Rational(61, 10)     # min(a - 1, b) = b


def test_long_rational_exponent_is_refused_not_hung():
    import pytest

    from asymptotics.rf.laws import rf_exponents
    with pytest.raises(ValueError, match="`b` must be a rational with denominator <= 10000"):
        rf_exponents(1.23456789012, 5.5)
