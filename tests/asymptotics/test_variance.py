"""Variance-limited regime (Theorem 1): the Taylor coefficient against numerical routes."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial.hermite_e import hermegauss

from asymptotics.symbols import f, fbar, v, y
from asymptotics.variance import LOSSES, huber_threshold, variance_limited

SMOOTH = ["squared", "huber", "logistic", "log_cosh", "pseudo_huber", "quartic"]
POINT = {fbar: 0.3, y: -0.2, huber_threshold: 1.0, v: 1.0}


def _loss_fn(name):
    expr = LOSSES[name].subs({y: POINT[y], huber_threshold: POINT[huber_threshold]})
    return sp.lambdify(f, expr, "numpy")


def _gauss_excess(loss, mean: float, sigma: float) -> float:
    """E[l(mean + sigma Z)] - l(mean) by 80-point Gauss–Hermite quadrature (smooth losses)."""
    z, w = hermegauss(80)
    return float(np.sum(w * loss(mean + sigma * z)) / math.sqrt(2 * math.pi) - loss(mean))


@pytest.mark.parametrize("name", SMOOTH)
def test_coefficient_matches_second_difference(name):
    der = variance_limited(name)
    assert der.holds and der.exponent == 1
    coeff = float(der.prefactor.subs(POINT))
    loss, m, h = _loss_fn(name), POINT[fbar], 1e-4
    second_difference = (loss(m + h) - 2 * loss(m) + loss(m - h)) / h**2
    assert coeff == pytest.approx(second_difference / 2, rel=1e-5)


@pytest.mark.parametrize("name", ["squared", "logistic", "log_cosh", "pseudo_huber"])
def test_excess_loss_decays_as_one_over_size(name):
    """Gaussian fluctuations of variance v/D: numerical E[l] - l(fbar) and its log-slope."""
    der = variance_limited(name, axis="data")
    loss, m = _loss_fn(name), POINT[fbar]
    sizes = np.array([1e3, 2e3, 4e3])
    excess = np.array([_gauss_excess(loss, m, math.sqrt(1 / size)) for size in sizes])
    slope = np.polyfit(np.log(sizes), np.log(excess), 1)[0]
    # corrections are O(Var) relative: at Var = 1e-3 the slope is within 2e-3 of -1
    assert slope == pytest.approx(-der.value, abs=2e-3)
    assert excess[-1] * sizes[-1] == pytest.approx(float(der.prefactor.subs(POINT)), rel=2e-3)


def test_first_order_term_vanishes_and_steps_present():
    der = variance_limited("logistic", axis="width")
    steps = dict(der.steps)
    assert steps["first-order term in expectation, E[delta] = 0"] == 0
    assert der.quantity == "alpha_W" and der.regime == "variance-limited (width)"
    assert "Var(f_hat) = O(1/W)" in " ".join(der.conditions)


def test_absolute_error_fails_theorem_and_says_why():
    der = variance_limited("absolute")
    assert not der.holds
    assert der.exponent == sp.Rational(1, 2)
    assert any("Dirac delta" in c for c in der.conditions)
    # E|sigma Z| = sigma sqrt(2/pi): mpmath quadrature split at the kink
    with mp.workdps(30):
        mean_abs = mp.quad(lambda z: abs(z) * mp.npdf(z), [-mp.inf, 0, mp.inf])
        assert float(der.prefactor.subs(v, 1)) == pytest.approx(float(mean_abs), rel=1e-12)


def test_user_expression_and_aliases():
    der = variance_limited(3 * (f - y) ** 2)
    assert sp.simplify(der.prefactor - 3 * v) == 0
    assert variance_limited("mse").prefactor == variance_limited("squared").prefactor
    assert not variance_limited("L1").holds


@settings(max_examples=20)
@given(m=st.floats(-4, 4), target=st.floats(-4, 4))
def test_logistic_coefficient_is_bounded_and_positive(m, target):
    coeff = LOGISTIC_COEFF(m, target)
    assert 0 < coeff <= 0.125 + 1e-15  # 1/2 * sigmoid' <= 1/8
    h = 1e-4  # and it is the second difference of the loss itself, at any point
    loss = sp.lambdify(f, LOSSES["logistic"].subs(y, target), "math")
    assert coeff == pytest.approx((loss(m + h) - 2 * loss(m) + loss(m - h)) / (2 * h**2),
                                  rel=1e-4, abs=1e-9)


LOGISTIC_COEFF = sp.lambdify((fbar, y), variance_limited("logistic").prefactor.subs(v, 1), "math")


def test_input_validation():
    with pytest.raises(ValueError, match=r"`loss` must be one of .*got 'hinge'"):
        variance_limited("hinge")
    with pytest.raises(ValueError, match=r"`axis` must be one of \['data', 'width'\]; got 'depth'"):
        variance_limited("squared", axis="depth")
    with pytest.raises(ValueError, match="does not contain f"):
        variance_limited(y**2)
    with pytest.raises(TypeError, match="`loss` must be a string"):
        variance_limited(3)
