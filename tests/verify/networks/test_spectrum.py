"""Data spectra: the partial eigensolver against the full one, the fit against exact power
laws, and the network kernel against the manifold laboratory's arc-cosine kernels."""

from __future__ import annotations

import numpy as np
import pytest

from asymptotics._lib.budget import BudgetExceeded
from verify.datasets import load_dataset
from verify.manifolds.sampling import sample_embedded
from verify.manifolds.spectrum import kernel_matrix
from verify.networks import network_kernels
from verify.networks.spectrum import (
    data_spectrum,
    fit_alpha_k,
    randomized_top_eigenvalues,
    top_eigenpairs,
)


def test_top_eigenpairs_match_the_full_decomposition():
    a = np.random.default_rng(0).standard_normal((120, 120))
    k = a @ a.T
    full_val, full_vec = np.linalg.eigh(k)
    lam, vec = top_eigenpairs(k, 15, vectors=True)
    np.testing.assert_allclose(lam, full_val[::-1][:15], rtol=1e-10)
    # eigenvectors up to sign
    overlap = np.abs(np.sum(vec * full_vec[:, ::-1][:, :15], axis=0))
    np.testing.assert_allclose(overlap, 1.0, rtol=1e-8)
    assert top_eigenpairs(k, 15)[1] is None


@pytest.mark.parametrize("alpha", [0.1, 0.5, 2.0])
def test_fit_alpha_k_recovers_an_exact_power_law(alpha):
    lam = 3.0 * np.arange(1, 501, dtype=float) ** (-1 - alpha)
    a, ci, _ = fit_alpha_k(lam, (5, 500))
    assert a == pytest.approx(alpha, abs=1e-10)
    assert ci[0] <= alpha <= ci[1]
    with pytest.raises(ValueError, match="`window`"):
        fit_alpha_k(lam, (5, 501))
    with pytest.raises(ValueError, match="must be positive"):
        fit_alpha_k(np.r_[lam[:10], np.zeros(5)], (2, 15))


def test_depth_one_kernels_are_the_arc_cosine_kernels_on_the_sphere():
    # Independent route: verify.manifolds.spectrum's arc-cosine kernel and two-layer ReLU
    # NTK of u = x.y on unit vectors. With sigma_w^2 = 2 and inputs of norm sqrt(d0),
    # K^1(x, x) = 2, so (RN.4) gives K = 2 kappa_1(u) and Theta = 2 (kappa_1 + u kappa_0).
    x = sample_embedded("sphere", 50, 2, np.random.default_rng(1))
    # The reference evaluates arccos(x.x) on the diagonal, where x.x = 1 - ulp gives
    # theta ~ 1.5e-8 and an error ~ 3e-9 in kappa_0 (network_kernels uses theta = 0 there,
    # docs/real_networks.md §1): the diagonal is compared at 1e-8, the rest at 1e-10.
    k = network_kernels(np.sqrt(3) * x, depth=1)
    off = ~np.eye(50, dtype=bool)
    for mine, ref in ((k.nngp, 2 * kernel_matrix("arccos1", x, x)),
                      (k.ntk, 2 * kernel_matrix("ntk", x, x))):
        np.testing.assert_allclose(mine[off], ref[off], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(np.diag(mine), np.diag(ref), rtol=1e-8)


def test_digits_spectrum_top_ranks_equal_the_full_spectrum():
    d = load_dataset("digits", pool=2, n=400, seed=1)
    s = data_spectrum(d, kernel="ntk", depth=2, window=(4, 40), eigenvectors=True)
    gram = network_kernels(d.x, depth=2).ntk
    np.testing.assert_allclose(s.eigenvalues, np.linalg.eigvalsh(gram)[::-1][:40] / 400,
                               rtol=1e-9)
    assert s.eigenvectors.shape == (400, 40) and s.name == "digits" and s.pool == 2
    assert s.alpha_ci[0] < s.alpha < s.alpha_ci[1] and s.window == (4, 40)


def test_data_spectrum_refuses_up_front():
    with pytest.raises(BudgetExceeded, match="`n`"):
        data_spectrum(np.zeros((40000, 2)) + np.arange(2), window=(10, 100))
    with pytest.raises(ValueError, match="at least 16 rows"):
        data_spectrum(np.eye(5))
    with pytest.raises(ValueError, match="`kernel`"):
        data_spectrum(np.eye(20), kernel="rbf")


def test_randomized_top_eigenvalues_against_a_known_spectrum():
    # K = V diag(lambda) V^T with lambda_i = i^-(1 + 0.35) (the slow decay of pooled MNIST,
    # depth 3) and a Haar V: the Ritz values are lower bounds, and with power 3 and
    # oversampling k the relative error at rank i is about (lambda_(2k) / lambda_i)^6,
    # (1/2)^(6 * 1.35) = 4e-3 at i = k; far below at the head
    n, k = 400, 40
    lam = np.arange(1, n + 1, dtype=float) ** -1.35
    v, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((n, n)))
    K = (v * lam) @ v.T
    top = randomized_top_eigenvalues(K, k, oversample=k, power=3, seed=1)
    rel = 1 - top / lam[:k]
    assert np.all(rel > -1e-12) and rel[-1] < 4e-3 and rel[:10].max() < 1e-6
    # alpha_K on ranks 4..40 moves by less than 1e-3
    assert abs(fit_alpha_k(top, (4, 40))[0] - 0.35) < 1e-3
    # no saving left (l >= n / 2): the exact route
    np.testing.assert_allclose(randomized_top_eigenvalues(K, 150), lam[:150], rtol=1e-10)
    with pytest.raises(ValueError, match="`eigenvectors`"):
        data_spectrum(load_dataset("digits", n=100, seed=0), solver="randomized",
                      eigenvectors=True, window=(4, 10))
    with pytest.raises(ValueError, match="`solver`"):
        data_spectrum(load_dataset("digits", n=100, seed=0), solver="lanczos")
