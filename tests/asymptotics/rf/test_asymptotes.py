"""Closed-form asymptotes (asymptotics.rf.asymptotes) vs sympy identities and the curves.

The sympy derivation is checked against the constants THEORY §2.2 states (C_b, the
Gamma-function prefactor, E0 -> b) and against mpmath quadrature; the asymptotes are checked
against high-precision curves: the relative error must fall at the order the correction
terms predict (docs §4.3).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf import asymptotes as A
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float


def test_beta_integrals_match_mpmath_beta():
    for m in (1, 2):
        for alpha in (0.3, 0.5, 0.9) + ((1.4, 1.8) if m == 2 else ()):
            sym = float(A.beta_integral(m).subs(A._alpha, alpha))
            # mpmath's Euler Beta function, B(alpha, m - alpha), as the independent route
            assert sym == pytest.approx(float(mpmath.beta(alpha, m - alpha)), rel=1e-13)


def test_derived_constants_are_the_stated_closed_forms():
    k = A.derived_constants()
    b = A.b
    assert sp.simplify(k["E0"] - b) == 0  # tempered amplification E0 -> b (THEORY §2.2)
    C_b = (sp.pi / b / sp.sin(sp.pi / b)) ** b
    iso = A.isotropic_ridgeless()
    assert sp.simplify(iso.prefactor - A.w * A.c * C_b) == 0
    assert iso.exponent == -(b - 1)
    assert sp.simplify(C_b.subs(b, 2) - sp.pi ** 2 / 4) == 0  # THEORY: C_2 = pi^2/4


@pytest.mark.parametrize(("a", "b"), [(2.2, 1.5), (1.5, 2.0), (3.0, 2.0), (4.5, 2.0)])
def test_data_limited_prefactor_equals_gamma_form(a, b):
    s, t = 1 / b, (a - 1) / b
    expected = (math.gamma(t) * math.gamma(2 - t)
                * (math.pi * s / math.sin(math.pi * s)) ** (a - 1))  # THEORY §2.2 boxed
    law = A.data_limited().bind(a=a, b=b, c=1.0, C=1.0, sigma2=0.0, w=1.0)
    assert law.prefactor_value == pytest.approx(expected, rel=1e-13)
    assert law.exponent_value == pytest.approx(-(a - 1))


def _rel_errors(lc):
    return np.array([float(v) / a_ - 1 for v, a_ in zip(lc.loss, lc.asymptote_loss,
                                                       strict=True)])


def test_isotropic_kernel_asymptote_first_correction_is_minus_b_over_2n():
    # E(n) = w n kappa_n with df1(kappa) = A1 kappa^-s - 1/2 + O(kappa) (Euler-Maclaurin at
    # the origin), so E/asymptote - 1 = -b/(2n) + O(n^-2) (docs (LC.17)).
    b = 2.5
    n = np.array([100, 400, 1600, 6400])
    lc = learning_curve(n, math.inf, PowerLawSpectrum(b), Target.isotropic(1.0), dps=20)
    assert lc.asymptote.name == "kernel data-limited"
    rel = _rel_errors(lc)
    resid = np.abs(n * rel + b / 2)
    slopes = np.diff(np.log(resid)) / np.diff(np.log(n))
    assert np.all(np.abs(n * rel + b / 2) < 2.0 / n * 10)
    np.testing.assert_allclose(slopes, -1.0, atol=0.15)


@pytest.mark.parametrize(("a", "b", "order"), [(2.0, 1.5, 1.0), (1.8, 2.0, 1.0),
                                                (5.5, 2.5, 0.5)])
def test_general_target_asymptote_error_falls_at_predicted_order(a, b, order):
    # corrections: kappa_n shift (order 1/n) and the sum-vs-integral term of B near the
    # origin (order n^-(2b+1-a)); predicted order = min(1, 2b + 1 - a) (docs (LC.17)).
    n = np.array([1e3, 4e3, 1.6e4, 6.4e4])
    lc = learning_curve(n, math.inf, PowerLawSpectrum(b), Target.power_law(a), dps=20)
    rel = np.abs(_rel_errors(lc))
    slopes = np.diff(np.log(rel)) / np.diff(np.log(n))
    assert min(order, 2 * b + 1 - a) == pytest.approx(order)
    np.testing.assert_allclose(slopes[-1], -order, atol=0.08)


def test_feature_limited_asymptote():
    a, b = 1.8, 2.0
    P = np.array([1e3, 4e3, 1.6e4])
    lc = learning_curve(math.inf, P, PowerLawSpectrum(b), Target.power_law(a), dps=20)
    assert lc.asymptote.name == "projection feature-limited"
    rel = np.abs(_rel_errors(lc))
    assert rel[-1] < 1e-3 and np.all(np.diff(rel) < 0)


def test_fast_target_saturates_at_two_b():
    a, b = 7.0, 2.0  # a - 1 > 2b: alpha_D = 2b (THEORY §2.2)
    n = np.array([1e3, 1e4])
    lc = learning_curve(n, math.inf, PowerLawSpectrum(b), Target.power_law(a), dps=20)
    assert lc.asymptote.exponent_value == -4.0
    assert np.all(np.abs(_rel_errors(lc)) < 5e-3)


def test_noise_floor_amplification_tends_to_b():
    b, s2 = 1.7, 0.3
    D = np.array([1e2, 1e4, 1e6])
    sp_ = PowerLawSpectrum(b)
    extra = (learning_curve_float(D, math.inf, sp_, Target.isotropic(1.0), noise=s2)
             - learning_curve_float(D, math.inf, sp_, Target.isotropic(1.0)))
    # sigma^2 (E0 - 1) -> sigma^2 (b - 1): tempered overfitting (THEORY §2.3)
    gaps = np.abs(extra / (s2 * (b - 1)) - 1)
    assert gaps[-1] < 1e-3 and np.all(np.diff(gaps) < 0)
    law = A.data_limited().bind(a=b, b=b, c=1.0, C=1.0, sigma2=s2, w=1.0)
    assert law.floor_value == pytest.approx(s2 * (b - 1))


def test_no_asymptote_for_ridge_or_array_spectra():
    lc = learning_curve([10, 20], math.inf, PowerLawSpectrum(2.0), Target.power_law(2.0),
                        ridge=0.1, dps=10)
    assert lc.asymptote is None and lc.asymptote_loss == (None, None)


def test_top_law_needs_more_samples_than_features():
    law = A.top_tail().bind(a=2.0, b=2.0, c=1.0, C=1.0, sigma2=0.0, w=1.0)
    with pytest.raises(ValueError, match="`D` > `P`"):
        law.value_at(10, 20)
    assert law.value_at(math.inf, 10) == pytest.approx(0.1)
