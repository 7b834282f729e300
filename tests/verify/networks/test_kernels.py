"""Infinite-width kernels: closed-form expectations against quadrature, fixed points of the
recursion, and the finite-width Gram converging like width^-1/2."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from verify.networks import network_kernels, nngp_features, ntk_gram, random_network
from verify.networks.kernels import erf_expectations, relu_expectations

COV = [(1.0, 1.0, 0.3), (2.0, 0.5, -0.6), (0.7, 1.3, 0.9)]


def _pdf(k11, k22, k12):
    return stats.multivariate_normal(mean=[0, 0], cov=[[k11, k12], [k12, k22]]).pdf


@pytest.mark.parametrize("k11,k22,k12", COV)
def test_relu_expectations_against_the_quadrant_integral(k11, k22, k12):
    # Independent route: scipy's dblquad of the bivariate normal density over the
    # positive quadrant (where relu and its derivative are nonzero).
    pdf = _pdf(k11, k22, k12)
    value, deriv = relu_expectations(np.array(k11), np.array(k22), np.array(k12))
    # the quadrant up to 9 standard deviations (the Gaussian tail beyond is < 1e-18)
    a, b = 9 * np.sqrt(k11), 9 * np.sqrt(k22)
    ref_v = integrate.dblquad(lambda v, u: u * v * pdf([u, v]), 0, a, 0, b,
                              epsrel=1e-9)[0]
    ref_d = integrate.dblquad(lambda v, u: pdf([u, v]), 0, a, 0, b, epsrel=1e-9)[0]
    assert value == pytest.approx(ref_v, rel=1e-6)
    assert deriv == pytest.approx(ref_d, rel=1e-6)


@pytest.mark.parametrize("k11,k22,k12", COV)
def test_erf_expectations_against_gauss_hermite(k11, k22, k12):
    # Independent route: 2-d Gauss-Hermite quadrature (80 nodes; erf is entire, so it
    # converges fast) of u = sqrt(k11) z1, v = (k12 z1 + sqrt(k11 k22 - k12^2) z2)/sqrt(k11).
    z, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    z1, z2 = np.meshgrid(z, z, indexing="ij")
    ww = np.outer(w, w)
    u = np.sqrt(k11) * z1
    v = (k12 * z1 + np.sqrt(k11 * k22 - k12**2) * z2) / np.sqrt(k11)
    dphi = lambda t: 2 / np.sqrt(np.pi) * np.exp(-t * t)  # noqa: E731
    value, deriv = erf_expectations(np.array(k11), np.array(k22), np.array(k12))
    assert value == pytest.approx(np.sum(ww * special.erf(u) * special.erf(v)), rel=1e-9)
    assert deriv == pytest.approx(np.sum(ww * dphi(u) * dphi(v)), rel=1e-9)


def test_relu_he_fixed_point_on_the_diagonal():
    # sigma_w^2 = 2, sigma_b = 0: E[relu(u)^2] = K/2, so K(x, x) = 2|x|^2/d0 at every
    # layer, and E[step^2] = 1/2 gives Theta(x, x) = (L + 1) K(x, x) by (RN.3).
    x = np.random.default_rng(3).standard_normal((5, 7))
    for depth in (1, 3):
        k = network_kernels(x, depth=depth)
        base = 2 * np.sum(x * x, axis=1) / 7
        np.testing.assert_allclose(np.diag(k.nngp), base, rtol=1e-12)
        np.testing.assert_allclose(np.diag(k.ntk), (depth + 1) * base, rtol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_cross_kernel_is_the_block_of_the_joint_kernel(activation):
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    both = network_kernels(np.vstack([x, y]), depth=2, activation=activation,
                           bias_variance=0.3)
    cross = network_kernels(x, y, depth=2, activation=activation, bias_variance=0.3)
    np.testing.assert_allclose(cross.nngp, both.nngp[:4, 4:], rtol=1e-12)
    np.testing.assert_allclose(cross.ntk, both.ntk[:4, 4:], rtol=1e-12)
    assert cross.nngp.shape == (4, 6)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_finite_width_gram_converges_like_inverse_sqrt_width(activation):
    # Relative Frobenius error of the finite-width Gram, averaged over 4 seeds, at widths
    # 64..2048; a Monte Carlo average over `width` independent units has standard error
    # ~ width^-1/2, so the fitted log-log slope must be -1/2. Band 0.15: over five sets of
    # 4 seeds (8 inputs, 6 widths) the 20 fitted slopes ranged over [-0.61, -0.39] with a
    # standard deviation of ~0.06; 0.15 is 2.5 of those.
    x = np.random.default_rng(5).standard_normal((8, 6))
    exact = network_kernels(x, depth=2, activation=activation, bias_variance=0.1)
    widths = np.array([64, 128, 256, 512, 1024, 2048])
    err_k, err_t = [], []
    for w in widths:
        ek, et = [], []
        for seed in range(4):
            net = random_network(6, depth=2, width=int(w), activation=activation,
                                 bias_variance=0.1, seed=seed)
            f = nngp_features(net, x)
            ek.append(np.linalg.norm(f @ f.T - exact.nngp) / np.linalg.norm(exact.nngp))
            et.append(np.linalg.norm(ntk_gram(net, x) - exact.ntk) / np.linalg.norm(exact.ntk))
        err_k.append(np.mean(ek))
        err_t.append(np.mean(et))
    for err in (err_k, err_t):
        slope = np.polyfit(np.log(widths), np.log(err), 1)[0]
        assert abs(slope + 0.5) < 0.15, slope


def test_network_kernels_validates_its_inputs():
    x = np.ones((3, 2))
    with pytest.raises(ValueError, match="`depth`"):
        network_kernels(x, depth=0)
    with pytest.raises(ValueError, match="`activation`"):
        network_kernels(x, depth=1, activation="tanh")
    with pytest.raises(ValueError, match="`weight_variance`"):
        network_kernels(x, depth=1, weight_variance=0.0)
    with pytest.raises(ValueError, match="`X` must be finite"):
        network_kernels(np.array([[np.nan, 1.0]]), depth=1)
    with pytest.raises(ValueError, match="`X` must be a 2-d"):
        network_kernels(np.ones(3), depth=1)
    with pytest.raises(ValueError, match="`Y` must have the same number of columns"):
        network_kernels(x, np.ones((2, 3)), depth=1)
    with pytest.raises(TypeError, match="`X` must be a real numeric array"):
        network_kernels(np.array([["a"]]), depth=1)
