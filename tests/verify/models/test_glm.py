"""Exact GLM fits (verify.models.glm) against scipy's optimizer, lstsq and the separation LP."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize
from scipy.special import logsumexp

from verify.models.glm import fit_m_estimator, fit_softmax, separation_direction


def _softmax_data(rng, D, p, K, scale=0.8):
    X = rng.standard_normal((D, p))
    theta = scale * rng.standard_normal((p, K - 1))
    logits = np.c_[np.zeros(D), X @ theta]
    prob = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    labels = np.array([rng.choice(K, p=q) for q in prob])
    return X, labels


def _nll(X, labels, K):
    D, p = X.shape

    def f(t):
        logits = np.c_[np.zeros(D), X @ t.reshape(p, K - 1)]
        return float((logsumexp(logits, axis=1) - logits[np.arange(D), labels]).mean())

    return f


@pytest.mark.parametrize("K", [2, 3])
def test_softmax_mle_matches_scipy_minimize(K):
    rng = np.random.default_rng(20261201)
    X, labels = _softmax_data(rng, 150, 3, K)
    fit = fit_softmax(X, labels, K)
    ref = optimize.minimize(_nll(X, labels, K), np.zeros(3 * (K - 1)), method="BFGS",
                            options={"gtol": 1e-11})
    # BFGS stops at gtol 1e-11 on the gradient: parameters agree to ~1e-7 (measured 4e-8)
    np.testing.assert_allclose(fit.theta.ravel(), ref.x, atol=1e-6)
    assert fit.loss == pytest.approx(ref.fun, rel=1e-12)
    assert fit.decrement < 1e-20


def test_softmax_batched_equals_one_by_one():
    rng = np.random.default_rng(7)
    data = [_softmax_data(rng, 80, 2, 3) for _ in range(3)]
    X = np.stack([d[0] for d in data])
    labels = np.stack([d[1] for d in data])
    batch = fit_softmax(X, labels, 3)
    for s, (x, lab) in enumerate(data):
        np.testing.assert_allclose(batch.theta[s], fit_softmax(x, lab, 3).theta, atol=1e-10)


def test_huber_matches_scipy_and_squared_matches_lstsq():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((120, 3))
    y = X @ np.array([0.5, -1.0, 0.2]) + rng.standard_t(3, size=120)
    fit = fit_m_estimator(X, y, "huber", threshold=1.0)

    def huber(t):
        e = X @ t - y
        return float(np.where(np.abs(e) <= 1, e**2 / 2, np.abs(e) - 0.5).mean())

    ref = optimize.minimize(huber, np.zeros(3), method="BFGS", options={"gtol": 1e-12})
    np.testing.assert_allclose(fit.theta, ref.x, atol=1e-6)
    assert fit.loss == pytest.approx(ref.fun, rel=1e-12)
    ls = fit_m_estimator(X, y, "squared")
    np.testing.assert_allclose(ls.theta, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-12)


def test_separable_data_refused_with_the_reason():
    X = np.array([[1.0, 0.2], [2.0, 1.0], [0.5, -0.3], [-1.0, 0.5], [-2.0, -1.0], [-0.4, 2.0]])
    labels = np.array([1, 1, 1, 0, 0, 0])           # separated by x_1 = 0
    direction = separation_direction(X, labels)
    assert direction is not None
    margins = (2 * labels - 1) * (X @ direction[:, 0])
    assert (margins >= -1e-12).all() and margins.sum() > 0
    with pytest.raises(ValueError, match=r"separable.*does not exist"):
        fit_softmax(X, labels)


def test_quasi_separated_multiclass_refused():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 2))
    labels = np.where(X[:, 0] > 0, 2, rng.integers(0, 2, 60))  # class 2 cut off by x_1 > 0
    assert separation_direction(X, labels, 3) is not None
    with pytest.raises(ValueError, match="separable"):
        fit_softmax(X, labels, 3)


def test_overlapping_classes_have_no_separating_direction():
    rng = np.random.default_rng(5)
    X, labels = _softmax_data(rng, 200, 3, 3)
    assert separation_direction(X, labels, 3) is None


def test_bad_configurations_refused():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3))
    with pytest.raises(ValueError, match=r"p \(K - 1\) = 6 >= D = 5"):
        fit_softmax(X, np.array([0, 1, 2, 0, 1]), 3)
    with pytest.raises(ValueError, match="no sample of class 2"):
        fit_softmax(rng.standard_normal((20, 2)), np.arange(20) % 2, 3)
    with pytest.raises(ValueError, match="p = 3 >= D = 3"):
        fit_m_estimator(X[:3], np.zeros(3))
    with pytest.raises(ValueError, match="`labels` must lie in"):
        fit_softmax(X, np.array([0, 1, 5, 0, 1]), 3)
    with pytest.raises(ValueError, match="`threshold`"):
        fit_m_estimator(X, np.zeros(5), threshold=0.0)
    with pytest.raises(ValueError, match="`X` must have shape"):
        fit_softmax(np.zeros(4), np.zeros(4, int))
