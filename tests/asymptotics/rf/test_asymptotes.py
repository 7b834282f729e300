"""Closed-form asymptotes (asymptotics.rf.asymptotes) vs sympy identities and the curves.

The sympy derivation is checked against the closed forms the docs state (C_b of
docs/theory/regimes.md (RG.11), the Gamma-function prefactor of docs/theory/learning_curves.md
(LC.15), E0 -> b of (LC.14)), against the independent derivation of asymptotics.rf.laws
(same exponents and prefactors on a grid of rational and irrational (a, b)), and against
high-precision curves: the relative error must fall at the order the correction terms
predict (docs/theory/learning_curves.md (LC.17)). The Beta integral itself is tested in
test_integrals.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf import asymptotes as A
from asymptotics.rf import laws
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float


def test_derived_constants_are_the_stated_closed_forms():
    k = A.derived_constants()
    b = A.b
    assert sp.simplify(k["E0"] - b) == 0  # tempered amplification E0 -> b (LC.14)
    C_b = (sp.pi / b / sp.sin(sp.pi / b)) ** b
    iso = A.isotropic_ridgeless()
    assert sp.simplify(iso.prefactor - A.w * A.c * C_b) == 0
    assert iso.exponent == b - 1  # decay exponent: loss ~ C min(D,P)^-(b-1) (LC.8)
    assert sp.simplify(C_b.subs(b, 2) - sp.pi ** 2 / 4) == 0  # (RG.11) at b = 2: C_2 = pi^2/4


@pytest.mark.parametrize(("a", "b"), [(2.2, 1.5), (1.5, 2.0), (3.0, 2.0), (4.5, 2.0)])
def test_data_limited_prefactor_equals_gamma_form(a, b):
    s, t = 1 / b, (a - 1) / b
    expected = (math.gamma(t) * math.gamma(2 - t)
                * (math.pi * s / math.sin(math.pi * s)) ** (a - 1))  # (LC.15), (RG.9)
    law = A.data_limited().bind(a=a, b=b, c=1.0, C=1.0, sigma2=0.0, w=1.0)
    assert law.prefactor_value == pytest.approx(expected, rel=1e-13)
    assert law.exponent_value == pytest.approx(a - 1)


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
    a, b = 7.0, 2.0  # a - 1 > 2b: alpha_D = 2b (docs/theory/regimes.md (RG.9), (LC.18))
    n = np.array([1e3, 1e4])
    lc = learning_curve(n, math.inf, PowerLawSpectrum(b), Target.power_law(a), dps=20)
    assert lc.asymptote.exponent_value == 4.0
    assert np.all(np.abs(_rel_errors(lc)) < 5e-3)


def test_noise_floor_amplification_tends_to_b():
    b, s2 = 1.7, 0.3
    D = np.array([1e2, 1e4, 1e6])
    sp_ = PowerLawSpectrum(b)
    extra = (learning_curve_float(D, math.inf, sp_, Target.isotropic(1.0), noise=s2)
             - learning_curve_float(D, math.inf, sp_, Target.isotropic(1.0)))
    # sigma^2 (E0 - 1) -> sigma^2 (b - 1): tempered overfitting ((LC.15); Mallinar et al. 2022)
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


# (a, b) with 1 < a < b + 1 (both laws apply) or b + 1 <= a < 2b + 1 (data-limited only) or
# a > 2b + 1 (the fast-target law), in rationals and in irrationals (sympy keeps them exact)
_GRID = [(sp.Rational(11, 5), sp.Rational(3, 2)), (sp.Rational(3, 2), sp.Integer(2)),
         (sp.Integer(3), sp.Integer(2)), (sp.Rational(9, 2), sp.Integer(2)),
         (sp.Rational(37, 10), sp.Rational(7, 4)), (sp.Integer(8), sp.Integer(2)),
         (1 + sp.sqrt(2), sp.pi / 2), (sp.E, sp.sqrt(3)), (sp.pi + 3, sp.sqrt(2)),
         (sp.Rational(3, 2), sp.GoldenRatio)]


def _agree(x: sp.Expr, y: sp.Expr) -> bool:
    return abs(sp.N(x - y, 40)) <= sp.Float("1e-30") * abs(sp.N(y, 40))


def _at(expr: sp.Expr, vals: dict) -> sp.Expr:
    """``expr`` at ``vals``; at a removable 0/0 (t = 1: I_2(2 - t) = pi(t-1)/sin(pi t)) the
    limit in ``a``, as Asymptote.prefactor_value takes it."""
    value = expr.subs(vals)
    if not value.has(sp.nan, sp.zoo):
        return value
    rest = {k: v for k, v in vals.items() if k != A.a}
    return sp.limit(expr.subs(rest), A.a, vals[A.a])


@pytest.mark.parametrize(("a", "b"), _GRID, ids=[f"a={a},b={b}" for a, b in _GRID])
def test_laws_and_asymptotes_agree_on_exponent_and_prefactor(a, b):
    # two derivations of the same leading-order laws: laws.py differentiates log L (RG.8)-(RG.11),
    # asymptotes.py substitutes kappa_n into the Beta-integral sums (LC.13)-(LC.18); both use
    # the decay convention loss ~ C x**(-exponent) of asymptotics.derivation.Derivation
    rf = laws.rf_exponents(b, a)
    vals = {A.a: a, A.b: b, A.c: 1, A.C: 1, A.w: 1, A.sigma2: 0}
    t = (a - 1) / b
    kernel = A.data_limited() if t < 2 else A.data_limited_fast_target()
    assert sp.simplify(kernel.exponent.subs(vals) - rf.alpha_D.exponent) == 0
    assert _agree(_at(kernel.prefactor, vals), rf.alpha_D.prefactor)
    if t < 1:
        feature = A.feature_limited()
        assert sp.simplify(feature.exponent.subs(vals) - rf.alpha_P.exponent) == 0
        assert _agree(_at(feature.prefactor, vals), rf.alpha_P.prefactor)
    else:  # a >= b + 1: the feature-limited exponent saturates at b (RG.10)
        assert rf.alpha_P.exponent == b
    iso, matched = A.isotropic_ridgeless(), laws.rf_exponents(b)
    assert sp.simplify(iso.exponent.subs(vals) - matched.alpha_D.exponent) == 0
    assert _agree(_at(iso.prefactor, vals), laws.matched_prefactor(b))
