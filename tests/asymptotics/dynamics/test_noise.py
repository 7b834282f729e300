"""The label-noise crossover of asymptotics.dynamics.noise against independent routes.

Routes: Cui et al. 2021's published rates on the same inputs (capacity alpha = b, source
r = (a-1)/(2b)); the Bayes-optimal ridge of a Gaussian prior (delta = sigma^2/w, exact for
the isotropic teacher); hand evaluations of the Beta integrals; the discrete
deterministic-equivalent curve (Euler-Maclaurin sums, minimized over the ridge by
``optimal_ridge_curve``) against the continuum scaling function (DY.35), which it must
approach as sigma^2 -> 0; numerical log-slopes of the minimized curve against the rates.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from asymptotics.dynamics.noise import crossover_scaling, noise_crossover, optimal_ridge_curve
from asymptotics.model import PowerLawSpectrum, Target


def _slope(D: np.ndarray, loss: np.ndarray) -> np.ndarray:
    return -np.diff(np.log(loss)) / np.diff(np.log(D))


def _cui_rates(a: float, b: float) -> tuple[float, float, float, float]:
    """Cui et al. 2021 in their variables: noiseless 2 alpha min(r,1), noisy
    2 alpha min(r,1)/(1 + 2 alpha min(r,1)), crossover n* ~ sigma^(-1/(alpha min(r,1))) (in
    sigma, so (sigma^2)^(-1/(2 alpha min(r,1)))), ridge lambda ~ n^-ell,
    ell = alpha/(1 + 2 alpha min(r,1)) on the mean loss (delta = lambda D)."""
    alpha, r = b, (a - 1) / (2 * b)
    q = 2 * alpha * min(r, 1.0)
    return q, q / (1 + q), 1 / q, 1 - alpha / (1 + q)


def test_isotropic_teacher_closed_forms():
    nc = noise_crossover(2, 2)
    assert nc.m == 1 and nc.noisy.exponent == sp.Rational(1, 2)
    # hand: c1 = I_1(1/2)/2 = pi/2, c2 = I_2(1/2)/2 = pi/4, A = I_2(3/2)/2 = pi/4
    # D_x = (c1^2 m A/(c2 rho))^(1/m) = pi^2/(4 rho); E* = 2 sqrt(A c2 rho/D) = (pi/2) sqrt
    assert sp.simplify(nc.crossover.prefactor - sp.pi ** 2 / 4) == 0
    assert sp.simplify(nc.noisy.prefactor - sp.pi / 2) == 0
    # Bayes: w ~ N(0, I) with noise sigma^2 has posterior mean = ridge sigma^2 at every D
    assert nc.ridge.exponent == 0 and sp.simplify(nc.ridge.prefactor - 1) == 0
    assert nc.noiseless.exponent == 1
    assert nc.to_dict()["noisy"]["exponent"] == "1/2"


def test_minimized_curve_finds_the_bayes_ridge():
    # the numerical minimizer knows nothing of Bayes: it must land on delta = sigma^2
    r = optimal_ridge_curve([30.0, 3000.0], PowerLawSpectrum(2.0), Target.power_law(2.0),
                            noise=0.01)
    np.testing.assert_allclose(r.ridge, 0.01, rtol=1e-5)


def test_published_rates_and_refusals():
    for a, b in ((3.0, 2.0), (6.0, 1.5)):          # r < 1 and saturated r > 1
        nc = noise_crossover(b, a)
        q, noisy, cross, ridge_growth = _cui_rates(a, b)
        assert float(nc.m) == pytest.approx(q)
        assert float(nc.noisy.exponent) == pytest.approx(noisy)
        assert float(nc.crossover.exponent) == pytest.approx(cross)
        assert -float(nc.ridge.exponent) == pytest.approx(ridge_growth)
    with pytest.raises(ValueError, match="1 \\+ 2b"):
        noise_crossover(1.5, 4)
    with pytest.raises(ValueError, match="noise"):
        noise_crossover(2, 3).crossover_size(0.0)
    with pytest.raises(ValueError, match="`D`"):
        optimal_ridge_curve([0.5], PowerLawSpectrum(2.0), Target.power_law(2.0), noise=0.1)


def test_discrete_curve_approaches_the_continuum_crossover():
    # a = 3, b = 2 (m = 2): the ratio to the scaling form (DY.35) at X = D/D_x = 0.3, 3
    # was 0.980, 0.997 at sigma^2 = 1e-4 and 0.9998, 0.99997 at 1e-8 (measured):
    # the discrete-sum corrections shrink as the crossover moves to more modes
    nc = noise_crossover(2, 3)
    spec, tgt = PowerLawSpectrum(2.0), Target.power_law(3.0)
    errs = []
    for s2 in (1e-4, 1e-8):
        D = nc.crossover_size(s2) * np.array([0.3, 3.0])
        r = optimal_ridge_curve(D, spec, tgt, noise=s2)
        errs.append(np.max(np.abs(r.loss / nc.scaled_loss(D, s2) - 1)))
    assert errs[1] < errs[0] / 30 and errs[1] < 1e-3


def test_scaling_function_has_both_rates():
    F = crossover_scaling(np.array([1e-4, 1e-3, 1e4, 1e5]), 2, 3)
    X = np.array([1e-4, 1e-3, 1e4, 1e5])
    slopes = _slope(X, X ** -2.0 * F)              # E ~ X^-m F(X)
    assert slopes[0] == pytest.approx(2.0, abs=1e-3)       # noiseless m
    assert slopes[2] == pytest.approx(2 / 3, abs=1e-2)     # noisy m/(m+1)


def test_high_precision_value_at_the_minimum():
    r = optimal_ridge_curve([1e4], PowerLawSpectrum(2.0), Target.power_law(3.0), noise=1e-3,
                            dps=20)
    assert r.certified_digits[0] >= 15
    with mpmath.workdps(20):
        assert abs(float(r.loss_mp[0]) / r.loss[0] - 1) < 1e-10


def _noise_for(nc, Dx: float) -> float:
    """The noise variance whose crossover size (DY.34) is ``Dx`` (keeps every size finite
    and below 1e12 whatever m is)."""
    return (float(nc.crossover.prefactor) / Dx) ** float(nc.m)


@pytest.mark.slow
@settings(max_examples=4, deadline=None)
@given(b=st.floats(1.2, 3.0), a=st.floats(1.5, 8.0))
def test_rates_against_log_slopes(b, a):
    assume(abs(a - 1 - 2 * b) > 0.3)
    a, b = round(a, 1), round(b, 1)
    nc = noise_crossover(b, a)
    m, y = float(nc.m), float(nc.noisy.exponent)
    q, noisy, cross, _ = _cui_rates(a, b)
    assert (m, y, float(nc.crossover.exponent)) == pytest.approx((q, noisy, cross))
    spec, tgt = PowerLawSpectrum(b), Target.power_law(a)
    s2 = _noise_for(nc, 1e3)
    Dx = nc.crossover_size(s2)
    # noisy rate: deep in the noisy regime, where the continuum form's own slope
    # approaches y; the discrete slope must match the continuum's to 2e-3
    X = np.array([1e5, 1e6])
    r = optimal_ridge_curve(Dx * X, spec, tgt, noise=s2)
    slope = _slope(Dx * X, r.loss)[0]
    cont = _slope(X, X ** -m * crossover_scaling(X, b, a))[0]
    assert abs(slope - cont) < 2e-3
    assert abs(slope - y) < abs(cont - y) + 2e-3 and abs(cont - y) < 0.05
    # the optimal ridge grows as D^(1 - b/(m+1)) (DY.33); the balance (DY.30) drops terms
    # of relative order X^(-1/(m+1)) (the discrete head) and df2/D ~ X^(-m/(m+1)), so the
    # local exponent may differ by about the larger of them (0.005 measured at m = 0.5,
    # against 0.022)
    g = float(np.log(r.ridge[1] / r.ridge[0]) / math.log(10))
    tol = float(X[0]) ** (-min(1.0, m) / (m + 1))
    assert g == pytest.approx(-float(nc.ridge.exponent), abs=tol)
    np.testing.assert_allclose(r.ridge, nc.optimal_ridge(Dx * X, s2), rtol=10 * tol)
    # the crossover: the bend sits at D_x for every noise level (collapse with -1/m onto
    # the continuum form (DY.35); the discrete equivalent's gap from it shrinks with D_x:
    # the discrete head is a relative O(1/D) and the next bias term O(D^-|a-1-2b|) at
    # kappa ~ D^-b, so a 100-fold D_x cuts it by 100^min(1, |a-1-2b|); measured 13x at
    # b = 2.5, a = 6.5, where that is 10x)
    order = min(1.0, abs(a - 1 - 2 * b))
    gaps = []
    for target in (1e2, 1e4):
        s2b = _noise_for(nc, target)
        Db = nc.crossover_size(s2b) * np.array([0.3, 3.0])
        rb = optimal_ridge_curve(Db, spec, tgt, noise=s2b)
        gaps.append(float(np.max(np.abs(rb.loss / nc.scaled_loss(Db, s2b) - 1))))
    assert gaps[1] < 2.0 * gaps[0] * 100.0 ** (-order)
