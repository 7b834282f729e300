"""Tests for verify.manifolds.features: manifold data, random features, the RF teacher-student sweep."""

from __future__ import annotations

import math

import numpy as np
import pytest

from verify.manifolds.features import (
    _draw,
    _manifold_rf_loop,
    _RFSweepConfig,
    manifold_rf_sweep,
    random_features,
)
from verify.manifolds.interpolation import loglog_slope
from verify.manifolds.sampling import sample_sphere
from verify.manifolds.spectrum import decay_fit, funk_hecke_eigenvalues, kernel_matrix


class TestFeatureKernels:
    @pytest.mark.parametrize("kind,kernel", [("relu", "arccos1"), ("laplace", "laplace"),
                                             ("matern", "matern"), ("gaussian", "gaussian")])
    def test_mean_feature_kernel(self, kind, kernel):
        # E_w[phi(x) phi(y)] = K(x, y) (LM.2)-(LM.3), Monte Carlo over S = 200000 features.
        # |phi phi'| <= 2 for Fourier features; E[(phi phi')^2] <= 4 E[relu(z)^4] = 6 for
        # ReLU; so 5 sd <= 5 sqrt(6/S) = 0.027.
        S = 200_000
        rng = np.random.default_rng(42)
        x = sample_sphere(6, 2, rng)
        fmap = random_features(kind, 3, S, rng, nu=1.5, ell=0.8)
        Phi = fmap(x)
        mc = Phi @ Phi.T / S
        exact = kernel_matrix(kernel, x, x, nu=1.5, ell=0.8)
        np.testing.assert_allclose(mc, exact, atol=5 * math.sqrt(6 / S))


class TestSweep:
    @pytest.mark.parametrize("domain,d,features", [("sphere", 2, "relu"), ("torus", 2, "relu")])
    @pytest.mark.parametrize("ridge", [0.0, 1e-3])
    @pytest.mark.parametrize("grids", [dict(D=[16, 32, 64, 128], P=64),
                                       dict(D=[16, 32, 64], P=None),
                                       dict(D=100, P=[8, 16, 32, 64]),
                                       dict(D=50, P=[16, 32, 64, 96])])
    def test_nested_factorization_equals_loop(self, domain, d, features, ridge, grids):
        # batched leading-block QR/Cholesky (LM.6) vs per-point lstsq / normal equations
        kw = dict(S=96, ridge=ridge, seeds=3, n_test=200, seed=1, **grids)
        res = manifold_rf_sweep(domain, d, features, **kw)
        loop = _manifold_rf_loop(domain, d, features, **kw)
        np.testing.assert_allclose(res.losses, loop, rtol=1e-7)

    def test_fourier_features_with_ridge_equal_loop(self):
        kw = dict(S=64, D=[8, 32, 128], P=48, ridge=1e-2, seeds=2, n_test=100, seed=3)
        np.testing.assert_allclose(manifold_rf_sweep("torus", 1, "matern", **kw).losses,
                                   _manifold_rf_loop("torus", 1, "matern", **kw), rtol=1e-7)

    def test_exact_teacher_average_vs_monte_carlo(self):
        # (LM.5): E_omega of the fitted loss is |G(x)|^2 / S exactly; check against 2000
        # explicit teachers omega ~ N(0, I/S), fitted one by one (4 standard errors).
        S, n, P, n_test = 40, 30, 25, 300
        res = manifold_rf_sweep("sphere", 2, "relu", S=S, D=[n], P=P, seeds=2, n_test=n_test,
                                seed=8)
        child = np.random.SeedSequence(8).spawn(2)[0]
        cfg = _RFSweepConfig.from_args("sphere", 2, "relu", S, [n], P, 0.0, 2, 8, n_test, 1.5,
                                       1.0)
        F_tr, F_te = _draw(cfg, child)
        omega = np.random.default_rng(99).standard_normal((S, 2000)) / math.sqrt(S)
        theta = np.linalg.lstsq(F_tr[:, :P], F_tr @ omega, rcond=None)[0]
        per_teacher = np.mean((F_te[:, :P] @ theta - F_te @ omega) ** 2, axis=0)
        se = per_teacher.std(ddof=1) / math.sqrt(per_teacher.size)
        assert abs(per_teacher.mean() - res.losses[0, 0]) < 4 * se

    def test_result_fields_and_determinism(self):
        kw = dict(S=32, D=[8, 16], seeds=2, n_test=50)
        a = manifold_rf_sweep("sphere", 2, "relu", seed=4, **kw)
        b = manifold_rf_sweep("sphere", 2, "relu", seed=4, **kw)
        c = manifold_rf_sweep("sphere", 2, "relu", seed=5, **kw)
        np.testing.assert_array_equal(a.losses, b.losses)
        assert not np.array_equal(a.losses, c.losses)
        assert a.axis == "D" and a.grid == (8, 16) and a.config["P"] == 32 and a.seed == 4
        assert a.losses.shape == a.test_stderr.shape == (2, 2) and "sampled" in a.note
        np.testing.assert_allclose(a.mean, a.losses.mean(axis=0))

    def test_errors(self):
        with pytest.raises(ValueError, match="exactly one of `D` and `P`"):
            manifold_rf_sweep("sphere", 2, "relu", D=10, P=10)
        with pytest.raises(ValueError, match="exactly one of `D` and `P`"):
            manifold_rf_sweep("sphere", 2, "relu", D=[10, 20], P=[5, 10])
        with pytest.raises(ValueError, match="`P` must be <= S=16"):
            manifold_rf_sweep("sphere", 2, "relu", S=16, D=10, P=[8, 32])
        with pytest.raises(ValueError, match="`features` must be one of"):
            manifold_rf_sweep("sphere", 2, "tanh", D=[10, 20])
        with pytest.raises(ValueError, match="`domain` must be one of"):
            manifold_rf_sweep("cube", 2, "relu", D=[10, 20])
        with pytest.raises(ValueError, match="`ridge` must be >= 0"):
            manifold_rf_sweep("sphere", 2, "relu", D=[10, 20], ridge=-1.0)
        with pytest.raises(ValueError, match="`D` must be strictly increasing"):
            manifold_rf_sweep("sphere", 2, "relu", D=[20, 10])


@pytest.mark.slow
@pytest.mark.parametrize("axis", ["D", "P"])
def test_relu_sphere_exponent_matches_kernel_decay(axis):
    # Bahri et al. Eq. (3): alpha_D = alpha_P = alpha_K over the same range of ranks.
    # The kernel's exponent over ranks [25, 400] comes from the exact Funk-Hecke route
    # (it is pre-asymptotic there: ~1.6 vs the asymptotic 3/2, see test_spectrum).
    # Band: 3 standard errors of the mean per-seed slope + 10% of alpha_K.
    grid = [25, 50, 100, 200, 400]
    kw = dict(D=grid) if axis == "D" else dict(D=3000, P=grid)
    res = manifold_rf_sweep("sphere", 2, "relu", S=1500, seeds=4, n_test=1000, seed=3, **kw)
    alpha, se = loglog_slope(res.grid, res.losses)
    alpha_k = decay_fit(funk_hecke_eigenvalues("arccos1", 60), (25, 400))[0]
    assert abs(alpha - alpha_k) <= 3 * se + 0.1 * alpha_k, (alpha, se, alpha_k)


def test_teacher_rank_warning():
    # Matérn-3/2 Fourier features on T^1: almost all frequencies are small, so 200
    # features span only a few dozen dimensions on the circle (measured: ~40 at S=1500)
    res = manifold_rf_sweep("torus", 1, "matern", S=200, D=[10, 150], seeds=2, n_test=300)
    assert max(res.teacher_rank) < 150 and "WARNING" in res.note
    ok = manifold_rf_sweep("sphere", 2, "relu", S=64, D=[8, 16], seeds=2, n_test=100)
    assert min(ok.teacher_rank) == 64 and "WARNING" not in ok.note
