"""Eigenlearning outputs (issue #14, the peers' outputs): docs/theory/learning_curves.md (LC.21).

Checks, each by another route: the test MSE against the package's (LC.2)-(LC.3) kernel loss on
the repeated spectrum plus the noise floor; kappa against plain bisection
(``references.kappa_bisect``); degenerate levels against the same spectrum written out mode
by mode; the train and test MSE against a Monte Carlo of ridge regression on Gaussian
features (3000 draws; the deterministic equivalent is exact only as D grows, so the test MSE
differs by O(1/D): measured 1.1% at D = 60 with 10 modes, the train MSE by 0.06%).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from references import kappa_bisect

from asymptotics.model import ArraySpectrum, Target
from asymptotics.rf import eigenlearning, learning_curve_float

LAM = np.array([1.0, 0.5, 0.2, 0.05])
MULT = np.array([1, 2, 3, 4])
POW = np.array([0.5, 0.2, 0.1, 0.02])


def test_matches_the_loss_route_kappa_and_expanded_levels():
    D = np.array([3.0, 7.5, 9.9])
    ridge = 0.01 * D  # a ridge that scales with D, broadcast with it
    out = eigenlearning(D, LAM, POW, multiplicity=MULT, ridge=ridge, noise=0.1)
    lr, pr = np.repeat(LAM, MULT), np.repeat(POW, MULT)
    for i, d in enumerate(D):
        ref = learning_curve_float(d, math.inf, ArraySpectrum(lr), Target.array(pr),
                                   ridge=ridge[i], noise=0.1)[0]
        assert out.test_mse[i] == pytest.approx(ref + 0.1, rel=1e-12)
    flat = eigenlearning(D, lr, pr, ridge=ridge, noise=0.1)
    np.testing.assert_allclose(flat.kappa, out.kappa, rtol=1e-13)
    np.testing.assert_allclose(flat.test_mse, out.test_mse, rtol=1e-13)
    np.testing.assert_allclose(flat.learnability[:, [0, 1, 3, 6]], out.learnability, rtol=1e-13)
    ridgeless = eigenlearning(D, LAM, POW, multiplicity=MULT)
    for i, d in enumerate(D):
        assert ridgeless.kappa[i] == pytest.approx(kappa_bisect(lr, d), rel=1e-12)
        assert ridgeless.train_mse[i] == 0.0
    L = out.learnability
    assert out.target_learnability == pytest.approx((MULT * L * POW).sum(-1) / (MULT * POW).sum())
    np.testing.assert_allclose((MULT * out.mode_error).sum(-1) + out.E0 * 0.1, out.test_mse)


def test_train_and_test_error_against_ridge_regression():
    D, ridge, noise = 60, 2.0, 0.05
    out = eigenlearning(D, LAM, POW, multiplicity=MULT, ridge=ridge, noise=noise)
    rng = np.random.default_rng(20211)
    lr, pr = np.repeat(LAM, MULT), np.repeat(POW, MULT)
    w = np.sqrt(pr / lr)  # p_i = w_i^2 lambda_i
    X = rng.standard_normal((3000, D, lr.size)) * np.sqrt(lr)
    y = X @ w + math.sqrt(noise) * rng.standard_normal((3000, D))
    A = np.swapaxes(X, 1, 2) @ X + ridge * np.eye(lr.size)
    beta = np.linalg.solve(A, (np.swapaxes(X, 1, 2) @ y[..., None]))[..., 0]
    train = np.mean((np.einsum("rij,rj->ri", X, beta) - y) ** 2, axis=1)
    test = np.sum(lr * (beta - w) ** 2, axis=1) + noise
    se = train.std() / math.sqrt(train.size)
    assert abs(train.mean() - out.train_mse) < 4 * se + 0.005 * out.train_mse
    assert abs(test.mean() - out.test_mse) < 0.02 * out.test_mse  # O(1/D) at D = 60


@pytest.mark.parametrize("kw,match", [
    (dict(multiplicity=[1, 2]), "multiplicity"),
    (dict(multiplicity=[1, 0, 1, 1]), "multiplicity"),
    (dict(ridge=-1.0), "ridge"),
])
def test_refusals(kw, match):
    with pytest.raises(ValueError, match=match):
        eigenlearning(3.0, LAM, POW, **kw)
    with pytest.raises(ValueError, match="below the 4 modes"):
        eigenlearning(4.0, LAM, POW)
    with pytest.raises(ValueError, match="all zero"):
        eigenlearning(2.0, LAM, 0 * POW)
