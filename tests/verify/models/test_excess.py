"""Exact Gaussian excess losses (verify.models.excess) against quadrature and Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.special import logsumexp

from verify.models import excess as ex


def _mc_kl(rng, theta, theta_hat, n):
    X = rng.standard_normal((n, theta.shape[0]))
    a = np.c_[np.zeros(n), X @ theta]
    b = np.c_[np.zeros(n), X @ theta_hat]
    pa = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    kl = logsumexp(b, axis=1) - logsumexp(a, axis=1) - (pa * (b - a)).sum(axis=1)
    return kl.mean(), kl.std() / math.sqrt(n)


@pytest.mark.parametrize("K", [2, 3])
def test_softmax_excess_matches_monte_carlo(K):
    rng = np.random.default_rng(42)
    theta = 0.6 * rng.standard_normal((5, K - 1))
    theta_hat = theta + 0.1 * rng.standard_normal((5, K - 1))
    exact = ex.softmax_excess(theta, theta_hat)
    mean, se = _mc_kl(rng, theta, theta_hat, 200_000)
    assert abs(exact - mean) < 4 * se


def test_softmax_rule_converged_against_a_finer_rule(monkeypatch):
    rng = np.random.default_rng(1)
    theta = 0.6 * rng.standard_normal((4, 2))
    theta_hat = theta + 0.05 * rng.standard_normal((3, 4, 2))
    coarse = ex.softmax_excess(theta, theta_hat)
    monkeypatch.setitem(ex._NODES, 4, 16)
    ex._gauss_rule.cache_clear()
    try:
        fine = ex.softmax_excess(theta, theta_hat)
    finally:
        ex._gauss_rule.cache_clear()
    # 10 vs 16 points per dimension: measured agreement 1e-6 relative at this scale
    np.testing.assert_allclose(coarse, fine, rtol=1e-5)


def test_softmax_excess_zero_at_the_truth_and_refusals():
    theta = np.array([[0.3, -0.2], [0.1, 0.5]])
    assert ex.softmax_excess(theta, theta) == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError, match="`theta_hat` must have shape"):
        ex.softmax_excess(theta, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="K <= 3"):
        ex.softmax_excess(np.zeros((4, 3)), np.zeros((4, 3)))


@pytest.mark.parametrize("tau", [0.3, 1.0, 2.5])
def test_gaussian_mean_huber_against_quadrature(tau):
    def integrand(z):
        e = tau * z
        rho = e**2 / 2 if abs(e) <= 1 else abs(e) - 0.5
        return rho * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    ref = integrate.quad(integrand, -np.inf, np.inf, points=None, limit=200, epsabs=1e-13)[0]
    assert float(ex.gaussian_mean_loss("huber", tau)) == pytest.approx(ref, rel=1e-9)


def test_regression_excess_squared_and_absolute():
    assert float(ex.regression_excess("squared", 0.2, noise_sd=1.0)) == pytest.approx(0.04)
    # E_x |x . Delta| by Monte Carlo for Delta = (0.3, 0.4): |Delta| = 0.5
    rng = np.random.default_rng(2)
    x = rng.standard_normal((400_000, 2))
    mc = np.abs(x @ np.array([0.3, 0.4]))
    assert abs(float(ex.absolute_error(0.5)) - mc.mean()) < 4 * mc.std() / math.sqrt(len(mc))
