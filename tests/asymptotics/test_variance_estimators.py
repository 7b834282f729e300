"""The estimator prefactors of asymptotics.variance (docs/theory/regimes.md (RG.13)-(RG.14))
against Monte Carlo of the same models: H and J estimated from draws at the truth."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from asymptotics.symbols import P
from asymptotics.variance import huber_threshold, likelihood_excess, noise_scale, sandwich_excess


def _quad(expr: sp.Expr) -> float:
    """Evaluate every Integral of ``expr`` by ``mpmath.quad`` (sympy's evalf is slow here)."""

    def one(integral: sp.Integral) -> sp.Float:
        (var, lo, hi), = integral.limits
        g = sp.lambdify(var, integral.function, "mpmath")
        with mp.workdps(20):
            return sp.Float(mp.quad(g, [lo, 1, 4, mp.inf if hi == sp.oo else hi]), 20)

    return float(expr.replace(lambda e: isinstance(e, sp.Integral), one))


def _sandwich_trace(H: np.ndarray, J: np.ndarray) -> float:
    return float(np.trace(np.linalg.solve(H, J)))


def test_likelihood_prefactor_is_half_the_trace_of_the_information_identity():
    """Well-specified logistic model: H (expected Hessian) and J (score covariance) by Monte
    Carlo at theta*; tr(H^-1 J) -> P, so the prefactor P/2 of (RG.13)."""
    der = likelihood_excess()
    assert der.exponent == 1 and der.prefactor == P / 2
    rng = np.random.default_rng(20261202)
    p, n = 4, 400_000
    theta = 0.6 * rng.standard_normal(p)
    X = rng.standard_normal((n, p))
    prob = 1 / (1 + np.exp(-X @ theta))
    y = (rng.random(n) < prob).astype(float)
    H = (X * (prob * (1 - prob))[:, None]).T @ X / n
    score = X * (y - prob)[:, None]
    J = score.T @ score / n
    # Monte Carlo error of tr(H^-1 J) at n = 4e5: ~ sqrt(2 p / n) * p ~ 0.02 (measured 0.005)
    assert _sandwich_trace(H, J) == pytest.approx(float(2 * der.prefactor.subs(P, p)), abs=0.06)


@pytest.mark.parametrize("c, sigma", [(1.0, 1.0), (0.5, 2.0)])
def test_huber_sandwich_closed_form_against_monte_carlo(c, sigma):
    der = sandwich_excess("huber")
    assert der.exponent == 1
    rng = np.random.default_rng(9)
    p, n = 3, 400_000
    X = rng.standard_normal((n, p))
    eps = sigma * rng.standard_normal(n)
    psi = np.clip(eps, -c, c)                              # Huber score at the truth
    H = (X * (np.abs(eps) <= c)[:, None]).T @ X / n
    J = (X * (psi**2)[:, None]).T @ X / n
    pre = float(der.prefactor.subs({P: p, huber_threshold: c, noise_scale: sigma}))
    assert pre == pytest.approx(_sandwich_trace(H, J) / 2, rel=0.02)


def test_squared_and_quartic_prefactors_exact():
    s = noise_scale
    assert sp.simplify(sandwich_excess("squared").prefactor - P * s**2) == 0
    # quartic: psi = 4 e^3, psi' = 12 e^2: E[16 e^6] / E[12 e^2] = 16 * 15 s^6 / (12 s^2)
    assert sp.simplify(sandwich_excess("quartic").prefactor - 10 * P * s**4) == 0


@pytest.mark.slow
def test_log_cosh_prefactor_as_exact_integral_against_monte_carlo():
    der = sandwich_excess("log_cosh")
    assert der.prefactor.has(sp.Integral)
    value = _quad(der.prefactor.subs({P: 2, noise_scale: 1}))
    z = np.random.default_rng(4).standard_normal(2_000_000)
    mc = 2 * np.mean(np.tanh(z) ** 2) / (2 * np.mean(1 / np.cosh(z) ** 2))
    assert value == pytest.approx(mc, rel=3e-3)


def test_sandwich_refusals():
    with pytest.raises(ValueError, match="Theorem 1"):
        sandwich_excess("absolute")
    with pytest.raises(ValueError, match="likelihood_excess"):
        sandwich_excess("logistic")
    with pytest.raises(ValueError, match="even in f - y"):
        sandwich_excess("(f - y)**2 + (f - y)**3/10")


@pytest.mark.slow
def test_pseudo_huber_prefactor_finite_and_positive():
    value = _quad(sandwich_excess("pseudo_huber").prefactor.subs({P: 1, noise_scale: 1}))
    assert math.isfinite(value) and value > 0
