"""Sphere spectra of deep ReLU kernels: quadrature vs the Legendre route, the recursion vs
the laboratory's network kernels, multiplicities, decay, and the sampled Gram matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import gammaln

from asymptotics.sphere_spectra import (
    network_kernel_of_cosine,
    sphere_decay,
    sphere_eigenvalues,
    sphere_multiplicity,
)


@pytest.mark.parametrize("kind,lab", [("nngp", "arccos1"), ("ntk", "ntk")])
def test_p3_equals_the_legendre_route(kind, lab):
    # Independent route: verify.manifolds.spectrum's Legendre (Bonnet) Funk-Hecke on S^2 of
    # kappa_1 and the two-layer NTK; the depth-one network kernels are twice those (K^1 = 2u).
    from verify.manifolds.spectrum import funk_hecke_eigenvalues

    mu = sphere_eigenvalues(3, 40, depth=1, kind=kind)
    ref = funk_hecke_eigenvalues(lab, 40)
    mine = np.sort(np.repeat(mu, 2 * np.arange(41) + 1))[::-1]
    np.testing.assert_allclose(mine[:200], 2 * ref[:200], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("kind", ["nngp", "ntk"])
def test_recursion_equals_the_network_kernels(kind):
    # verify.networks.network_kernels (the general recursion with diagonals) on inputs of
    # norm sqrt(p) against the cosine-only recursion (KS.10).
    from verify.networks import network_kernels

    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 6))
    x *= np.sqrt(6) / np.linalg.norm(x, axis=1, keepdims=True)
    k = network_kernels(x, depth=3)
    u = np.clip(x @ x.T / 6, -1, 1)
    off = ~np.eye(30, dtype=bool)
    np.testing.assert_allclose(network_kernel_of_cosine(u, 3, kind)[off],
                               getattr(k, kind)[off], rtol=1e-10)


@pytest.mark.parametrize("p", [3, 4, 7])
def test_multiplicities_count_the_harmonics(p):
    # sum_{k <= K} N(p, k) = dim of polynomials of degree <= K on S^(p-1)
    # = C(K + p - 1, p - 1) + C(K + p - 2, p - 1)
    K = 12
    total = sphere_multiplicity(p, np.arange(K + 1)).sum()
    assert total == math.comb(K + p - 1, p - 1) + math.comb(K + p - 2, p - 1)
    if p == 3:
        np.testing.assert_array_equal(sphere_multiplicity(3, np.arange(5)), [1, 3, 5, 7, 9])


@pytest.mark.parametrize("p", [3, 5, 8])
@pytest.mark.parametrize("kind", ["nngp", "ntk"])
def test_decay_matches_the_gamma_ratio_of_the_singular_term(p, kind):
    # (KS.5): the Funk-Hecke coefficient of (1 - u)^beta is Gamma(k - beta)/Gamma(k + beta +
    # p - 1), exponent -(2 beta + p - 1) (KS.6). Its log-log slope over even k in [32, 128]
    # is the reference; the quadrature eigenvalues of the depth-2 kernel must follow it to
    # 0.02 (the analytic remainder and the next singular term (1 - u)^(beta + 1) move it by
    # O(k^-2); measured <= 0.009).
    dec = sphere_decay(p, kind)
    k = np.arange(129)
    sel = (k >= 32) & (k % 2 == 0)
    mu = sphere_eigenvalues(p, 128, depth=2, kind=kind)[sel]
    assert np.all(mu > 0)
    slope = np.polyfit(np.log(k[sel]), np.log(mu), 1)[0]
    ref = np.polyfit(np.log(k[sel]), gammaln(k[sel] - dec.beta)
                     - gammaln(k[sel] + dec.beta + p - 1), 1)[0]
    assert abs(slope - ref) < 0.02
    assert dec.mu_exponent == 2 * dec.beta + p - 1
    assert dec.alpha_K == pytest.approx(2 * dec.beta / (p - 1))


def test_top_eigenvalues_against_the_sampled_gram_matrix():
    # 1000 uniform points on S^4 (p = 5): the eigenvalues of K/n estimate mu_0 (once) and
    # mu_1 (p = 5 times). Monte Carlo error of a Gram eigenvalue ~ sqrt(2/n) ~ 4.5 %: 10 %
    # for mu_0 and for the mean of the degree-1 block (sampling splits the degenerate block
    # itself by ~ sqrt(p/n) ~ 7 % around that mean, measured 10 % at the edge).
    rng = np.random.default_rng(11)
    x = rng.standard_normal((1000, 5))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    gram = network_kernel_of_cosine(np.clip(x @ x.T, -1, 1), 2, "nngp")
    lam = np.linalg.eigvalsh(gram / 1000)[::-1]
    mu = sphere_eigenvalues(5, 2, depth=2)
    assert lam[0] == pytest.approx(mu[0], rel=0.1)
    assert np.mean(lam[1:6]) == pytest.approx(mu[1], rel=0.1)
    assert lam[6] < 0.5 * mu[1]  # the block ends after p = 5 eigenvalues (mu_2 << mu_1)


def test_validation():
    with pytest.raises(ValueError, match="`p`"):
        sphere_eigenvalues(2, 5)
    with pytest.raises(ValueError, match="`kind`"):
        sphere_decay(4, "rbf")


def test_mehler_spectrum_sums_to_one_and_matches_the_sampled_gram_matrix():
    from asymptotics.sphere_spectra import gaussian_rbf_eigenvalues

    # the trace: sum over all eigenfunctions of mu_k = k(x, x) = 1 (geometric series)
    mu, mult = gaussian_rbf_eigenvalues(3, 400, length_scale=0.7, data_std=1.3)
    assert float(np.sum(mu * mult)) == pytest.approx(1.0, rel=1e-10)
    assert list(mult[:4]) == [1, 3, 6, 10]
    # against the plain route: eigenvalues of K / n for n = 1000 Gaussian points in d = 2,
    # summed over each degree's block (degrees 0..3, multiplicities 1, 2, 3, 4; the ratio
    # B = 0.59 between degrees keeps the blocks apart). A sampled eigenvalue's relative
    # error is about sqrt(Var phi^2 / n) = sqrt(2 / n) for a Gaussian-like eigenfunction:
    # within 3 of those (measured over seeds 5..10: at most 5.5 %)
    d, n = 2, 1000
    x = 1.3 * np.random.default_rng(5).standard_normal((n, d))
    sq = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    emp = np.linalg.eigvalsh(np.exp(-sq / (2 * 0.7**2)) / n)[::-1][:10]
    mu, mult = gaussian_rbf_eigenvalues(d, 3, length_scale=0.7, data_std=1.3)
    blocks = np.add.reduceat(emp, [0, 1, 3, 6])
    np.testing.assert_allclose(blocks, mu * mult, rtol=3 * np.sqrt(2 / n))
    with pytest.raises(ValueError, match="`length_scale`"):
        gaussian_rbf_eigenvalues(2, 3, length_scale=0.0)
