"""Full-batch gradient descent of the two-layer network (verify.models.training): the gradient
against finite differences of the loss, convergence to the stated residual, refusals, and
(slow) the trained network's output approaching the infinite-width NTK regression."""

from __future__ import annotations

import numpy as np
import pytest

from verify.fit import fit_power_law
from verify.models.training import (
    _gradients,
    forward,
    train_two_layer,
    trained_data_curve,
    trained_width_curve,
)
from verify.models.two_layer import init_two_layer


def _loss(X, y, W, v, activation):
    return 0.5 * float(np.sum((forward(X, W, v, activation) - y) ** 2))


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_gradient_against_finite_differences_of_the_loss(activation):
    """The gradient descent's gradient against central differences of 1/2 |f(X) - y|^2
    (step 1e-6; f is smooth away from ReLU's kinks, error ~1e-9)."""
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((5, 3)), rng.standard_normal(5)
    W, v = init_two_layer(6, 3, rng)
    W = W + 0.1 * rng.standard_normal(W.shape)   # off the zero-output point
    r, grad_W, grad_v = _gradients(X, y, W, v, activation)
    np.testing.assert_allclose(r, forward(X, W, v, activation) - y, atol=1e-14)
    params = np.concatenate([W.ravel(), v])
    grad = np.empty_like(params)
    for i in range(params.size):
        e = np.zeros_like(params)
        e[i] = 1e-6
        up, dn = params + e, params - e
        grad[i] = (_loss(X, y, up[:W.size].reshape(W.shape), up[W.size:], activation)
                   - _loss(X, y, dn[:W.size].reshape(W.shape), dn[W.size:], activation)) / 2e-6
    np.testing.assert_allclose(np.concatenate([grad_W.ravel(), grad_v]), grad, rtol=1e-6,
                               atol=1e-8)


def test_converges_to_interpolation_and_states_its_residual():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((8, 4))
    X *= 2 / np.linalg.norm(X, axis=1, keepdims=True)
    y = np.sin(X[:, 0])
    W, v = init_two_layer(256, 4, rng)
    assert np.abs(forward(X, W, v)).max() < 1e-14          # zero-output initialization
    net = train_two_layer(X, y, W, v, tol=1e-6)
    assert net.residual <= 1e-6
    assert np.linalg.norm(forward(X, net.W, net.v) - y) <= 1e-6 * np.linalg.norm(y)


def test_refusals():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((4, 3)), rng.standard_normal(4)
    W, v = init_two_layer(8, 3, rng)
    with pytest.raises(RuntimeError, match="did not reach"):
        train_two_layer(X, y, W, v, tol=1e-9, max_steps=3)
    with pytest.raises(RuntimeError, match="diverged"):
        train_two_layer(X, y, W, v, lr=50.0)
    with pytest.raises(ValueError, match="tol"):
        train_two_layer(X, y, W, v, tol=0.0)


@pytest.mark.slow
def test_trained_output_approaches_the_ntk_regression():
    """Jacot et al. 2018: the trained network tends to the infinite-width NTK regression.
    Measured rate: the RMS test-output gap falls as w^-1/2 (its fit's 99% interval contains
    0.5), and the gap to the same initialization's empirical-NTK regression (the linearized
    network) falls faster, so the kernel's fluctuation, not training nonlinearity,
    dominates at large width."""
    c = trained_width_curve([64, 256, 1024], activation="relu", seeds=4, seed=0)
    x = np.array(c.widths, float)
    gap = c.output_gap.mean(axis=0)
    se = c.output_gap.std(axis=0, ddof=1) / 2
    fit = fit_power_law(x, gap, y_err=se, confidence=0.99)
    assert fit.alpha_ci[0] <= 0.5 <= fit.alpha_ci[1], (fit.alpha, fit.alpha_ci)
    lin = c.linear_gap.mean(axis=0)
    assert (np.diff(np.log(lin)) < np.diff(np.log(gap))).all(), (lin, gap)
    assert (lin < gap).all()


def test_data_curve_rank_and_refusals():
    """A ReLU unit's rescaling W_j -> c W_j, v_j -> v_j / c leaves f unchanged: the Fisher
    information of a width-2 network on d0 = 3 inputs has rank 2 * 3 = 6 of 8 parameters."""
    c = trained_data_curve([40, 80], width=2, d0=3, seeds=2, n_test=500, seed=1)
    assert c.n_params == 6
    assert c.excess.shape == (2, 2) and (c.excess > 0).all()
    with pytest.raises(ValueError, match="number of parameters"):
        trained_data_curve([8, 80], width=2, d0=3, seeds=2)


@pytest.mark.slow
def test_data_curve_prefactor_matches_the_rank():
    """(RG.17): D E(f_hat - f*)^2 -> sigma^2 rank(I); 24 repetitions at D = 800 and 1600
    (mean within 4 standard errors of sigma^2 rank I = 0.25 * 16 = 4)."""
    c = trained_data_curve([800, 1600], seeds=24, n_test=5000, seed=3)
    d_ex = np.array(c.D) * c.excess
    mean, se = d_ex.mean(axis=0), d_ex.std(axis=0, ddof=1) / np.sqrt(24)
    assert c.n_params == 16
    assert (np.abs(mean - c.noise_sd**2 * c.n_params) < 4 * se).all(), (mean, se)
