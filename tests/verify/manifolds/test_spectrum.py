"""Tests for verify.manifolds.spectrum: three routes to kernel eigenvalues and their decay exponent."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from verify.manifolds.sampling import embed_torus
from verify.manifolds.spectrum import (
    decay_fit,
    empirical_spectrum,
    funk_hecke_eigenvalues,
    kernel_matrix,
    matern,
    theory_alpha,
    torus_grid_eigenvalues,
)

# Decay band (stated before measuring): 3 OLS standard errors of the fitted slope plus a
# finite-window allowance of 10% of alpha_K. The allowance covers the two systematic
# effects of a rank window [i1, i2]: the head (next term of the spectral density,
# relative O(i1^(-2/d)) in the base) and the tail (aliasing on the grid, noise floor of
# the sampled Gram matrix, both growing as i2 -> n).
WINDOW_ALLOWANCE = 0.10


def _check(r):
    # the measurement (empirical_spectrum) against the prediction (theory_alpha, which
    # delegates to asymptotics.kernel_spectra.kernel_decay)
    alpha, se, theory = r.alpha, r.alpha_stderr, theory_alpha(r.kernel, r.domain, r.d)[0]
    assert abs(alpha - theory) <= 3 * se + WINDOW_ALLOWANCE * theory, (alpha, se, theory)


class TestKernels:
    def test_matern_closed_forms(self):
        r = np.linspace(0.0, 3.0, 31)
        np.testing.assert_allclose(matern(r, 0.5, 0.7), np.exp(-r / 0.7), rtol=1e-14)
        z = math.sqrt(3) * r / 0.7  # Rasmussen & Williams Eq. (4.17), nu = 3/2
        np.testing.assert_allclose(matern(r, 1.5, 0.7), (1 + z) * np.exp(-z), rtol=1e-12)
        z = math.sqrt(5) * r / 0.7  # nu = 5/2
        np.testing.assert_allclose(matern(r, 2.5, 0.7), (1 + z + z * z / 3) * np.exp(-z),
                                   rtol=1e-12)
        np.testing.assert_allclose(matern(r, math.inf, 0.7), np.exp(-r ** 2 / 0.98), rtol=1e-14)

    def test_funk_hecke_closed_forms(self):
        # mu_k = (1/2) int K(u) P_k(u) du (LM.15); by hand with int u arccos u = -pi/4,
        # int u^2 arccos u = pi/3, int sqrt(1-u^2) = pi/2 over [-1, 1]:
        # arccos0: mu_0 = 1/2, mu_1 = 1/8; arccos1: mu_0 = 3/8, mu_1 = 1/6.
        lam0 = funk_hecke_eigenvalues("arccos0", 3)
        assert lam0[0] == pytest.approx(0.5, rel=1e-12)
        np.testing.assert_allclose(lam0[1:4], 1 / 8, rtol=1e-12)
        lam1 = funk_hecke_eigenvalues("arccos1", 3)
        assert lam1[0] == pytest.approx(3 / 8, rel=1e-12)
        np.testing.assert_allclose(lam1[1:4], 1 / 6, rtol=1e-12)

    @pytest.mark.parametrize("kernel,diag", [("arccos1", 1.0), ("ntk", 2.0), ("laplace", 1.0)])
    def test_funk_hecke_mercer_trace(self, kernel, diag):
        # sum_k (2k+1) mu_k = K(1) (Mercer trace); truncation at k=200 leaves a tail of
        # at most ~ sum_{k>200} 2k * k^-3 = 1%.
        lam = funk_hecke_eigenvalues(kernel, 200, nodes=3000)
        assert lam.sum() == pytest.approx(diag, rel=0.01)


class TestRoutes:
    @pytest.mark.parametrize("d,N", [(1, 64), (2, 9)])
    @pytest.mark.parametrize("kernel", ["laplace", "matern", "gaussian"])
    def test_grid_dft_equals_dense_eigvalsh(self, d, N, kernel):
        axes = [np.arange(N) / N] * d
        theta = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
        e = embed_torus(theta)
        dense = np.linalg.eigvalsh(kernel_matrix(kernel, e, e))[::-1] / N ** d
        np.testing.assert_allclose(torus_grid_eigenvalues(kernel, d, N), dense, atol=1e-13)

    def _group_sums(self, lam, sizes):
        edges = np.cumsum([0, *sizes])
        return np.array([lam[a:b].sum() for a, b in itertools.pairwise(edges)])

    def test_sample_gram_vs_grid_dft_torus(self):
        # T^1, Laplace: degenerate groups {0}, {+-1}, {+-2}, ... Single-mode Rayleigh
        # quotients of K/n fluctuate with relative sd sqrt(Var(phi^2)/n) = sqrt(0.5/n) for
        # phi = sqrt(2) cos; with n = 800 that is 2.5%, and 4 sd = 10%.
        n = 800
        sample = empirical_spectrum("laplace", "torus", 1, n, seed=123).eigenvalues
        grid = torus_grid_eigenvalues("laplace", 1, 4096)
        sizes = [1, 2, 2, 2, 2, 2]
        np.testing.assert_allclose(self._group_sums(sample, sizes), self._group_sums(grid, sizes),
                                   rtol=4 * math.sqrt(0.5 / n))

    def test_sample_gram_vs_funk_hecke_sphere(self):
        # S^2, Laplace: degree blocks of size 2k+1; same 4-sd band as above (Legendre
        # harmonics have E[Y^4] <= 9/5 E[Y^2]^2, giving sd <= sqrt(0.8/n)).
        n = 800
        sample = empirical_spectrum("laplace", "sphere", 2, n, seed=321).eigenvalues
        exact = funk_hecke_eigenvalues("laplace", 10)
        sizes = [1, 3, 5, 7]
        np.testing.assert_allclose(self._group_sums(sample, sizes),
                                   self._group_sums(exact, sizes), rtol=4 * math.sqrt(0.8 / n))


class TestDecay:
    @pytest.mark.parametrize("kernel", ["laplace", "matern"])
    def test_torus_1d_sample(self, kernel):
        r = empirical_spectrum(kernel, "torus", 1, 1000, seed=1)
        _check(r)

    @pytest.mark.parametrize("kernel,d,N", [("laplace", 1, 8192), ("matern", 1, 8192),
                                            ("laplace", 2, 512), ("matern", 2, 512)])
    def test_torus_grid(self, kernel, d, N):
        n = N ** d
        r = empirical_spectrum(kernel, "torus", d, n, method="grid", window=(n // 400, n // 40))
        _check(r)

    @pytest.mark.parametrize("kernel", ["arccos1", "ntk", "arccos0", "laplace"])
    def test_sphere_funk_hecke(self, kernel):
        r = empirical_spectrum(kernel, "sphere", 2, 40000, method="funk_hecke",
                               window=(400, 4000))
        _check(r)

    @pytest.mark.slow
    @pytest.mark.parametrize("kernel,domain,n,window", [
        ("matern", "torus", 2500, (100, 500)), ("arccos1", "sphere", 2000, (100, 400))])
    def test_sample_2d(self, kernel, domain, n, window):
        r = empirical_spectrum(kernel, domain, 2, n, seed=2, window=window)
        _check(r)

    def test_fit_recovers_exact_power_law(self):
        lam = np.arange(1, 1001, dtype=float) ** -2.7
        alpha, se = decay_fit(lam, (10, 100))
        assert alpha == pytest.approx(1.7, abs=1e-12) and se < 1e-12

    @pytest.mark.parametrize("d", [1, 2, 3])
    def test_theory_table_matches_symbolic_derivation(self, d):
        from asymptotics.kernel_spectra import kernel_decay

        pairs = [("laplace", "torus", "laplace", {}), ("matern", "torus", "matern", {"nu": 1.5}),
                 ("arccos1", "sphere", "arccos", {"degree": 1}),
                 ("arccos0", "sphere", "arccos", {"degree": 0}),
                 ("ntk", "sphere", "relu_ntk", {}), ("gaussian", "torus", "gaussian", {})]
        for ours, domain, theirs, kw in pairs:
            sym = float(kernel_decay(theirs, d, **kw).exponent)
            assert theory_alpha(ours, domain, d, nu=1.5)[0] == sym


class TestResultAndValidation:
    def test_deterministic(self):
        a = empirical_spectrum("ntk", "sphere", 2, 100, seed=5)
        b = empirical_spectrum("ntk", "sphere", 2, 100, seed=5)
        c = empirical_spectrum("ntk", "sphere", 2, 100, seed=6)
        np.testing.assert_array_equal(a.eigenvalues, b.eigenvalues)
        assert not np.array_equal(a.eigenvalues, c.eigenvalues)
        assert a.seed == 5 and a.window == (8, 12)

    def test_errors(self):
        with pytest.raises(ValueError, match="`kernel` must be one of"):
            empirical_spectrum("ntk", "torus", 2, 100)
        with pytest.raises(ValueError, match="`domain` must be one of"):
            empirical_spectrum("laplace", "cube", 2, 100)
        with pytest.raises(ValueError, match="`method`='grid' needs domain='torus'"):
            empirical_spectrum("laplace", "sphere", 2, 100, method="grid")
        with pytest.raises(ValueError, match="`method`='funk_hecke' needs"):
            empirical_spectrum("laplace", "sphere", 3, 100, method="funk_hecke")
        with pytest.raises(ValueError, match="`n` must be an integer >= 16"):
            empirical_spectrum("laplace", "torus", 1, 4)
        with pytest.raises(ValueError, match="`window` must satisfy"):
            empirical_spectrum("laplace", "torus", 1, 100, window=(50, 500))
        with pytest.raises(ValueError, match="noise floor"):
            decay_fit(np.array([1.0, 0.5, 0.0, 0.0]), (1, 4))


class TestCommand:
    def test_json_and_text(self, capsys):
        import json

        from verify.__main__ import main

        assert main(["spectrum", "--kernel", "laplace", "--domain", "torus", "--d", "1",
                     "--n", "4096", "--method", "grid", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["theory"] == 1.0 and out["window"] == [40, 409]
        assert main(["spectrum", "--kernel", "arccos1", "--domain", "sphere", "--n", "200"]) == 0
        assert "theory alpha_K = 1.5000" in capsys.readouterr().out

    def test_bad_input_exits_2(self, capsys):
        from verify.__main__ import main

        assert main(["spectrum", "--kernel", "ntk", "--domain", "torus"]) == 2
        assert "`kernel` must be one of" in capsys.readouterr().err
        assert main(["spectrum", "--window", "1,2,3"]) == 2
        assert "two ranks" in capsys.readouterr().err
