"""Intrinsic-dimension estimators (verify.dimension.estimate, verify.dimension.knn).

Independent routes: the estimators' per-point statistics against their exact
distributions on a Poisson process (log-ratios ~ Exp(d)); vectorized vs loop
implementations; the multinomial bootstrap vs explicit index resampling; invariances
(rotation, translation, scaling, duplicates) by Hypothesis.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.dimension import knn
from verify.dimension.estimate import (
    DimensionEstimate,
    estimate_dimension,
    predicted_exponents,
)
from verify.manifolds.sampling import sample_manifold


def _torus_points(n: int, d: int, seed: int) -> np.ndarray:
    """Uniform points on the flat unit d-torus, tiled 3^d so distances are periodic.

    Only used through the KD-tree helper below, which queries the central copy.
    """
    return np.random.default_rng(seed).random((n, d))


def _periodic_neighbor_distances(U: np.ndarray, k: int) -> np.ndarray:
    """Neighbour distances on the flat torus (scipy's ``boxsize``): a boundary-free Poisson
    process, on which log-ratios are exactly Exp(d) up to O(k/n) (docs/dimension.md (ID.1))."""
    from scipy.spatial import KDTree
    dist, _ = KDTree(U, boxsize=1.0).query(U, k=k + 1)
    return dist[:, 1:]


class TestPerPointStatistics:
    @pytest.mark.parametrize("d", [1, 3, 7])
    def test_twonn_log_ratio_is_exponential_with_rate_d(self, d):
        # log(T2/T1) ~ Exp(d): mean 1/d, variance 1/d^2 (ID.2). n = 20000 gives a
        # standard error of the mean of (1/d)/sqrt(n) = 0.7% of 1/d; band: 5 SE.
        T = _periodic_neighbor_distances(_torus_points(20000, d, seed=d), 2)
        logmu = knn.twonn_log_ratios(T)
        se = (1 / d) / np.sqrt(logmu.size)
        assert abs(logmu.mean() - 1 / d) < 5 * se
        assert abs(logmu.std() - 1 / d) < 0.05 / d

    @pytest.mark.parametrize("d", [2, 5])
    def test_mle_inverse_is_unbiased_for_one_over_d(self, d):
        # 1/m_k(x) is a mean of k-1 i.i.d. Exp(d) terms (ID.3): mean 1/d exactly.
        ks = np.array([2, 5, 12])
        T = _periodic_neighbor_distances(_torus_points(20000, d, seed=10 + d), 12)
        inv = knn.mle_inverse_estimates(T, ks)
        # SE of the mean <= (1/d)/sqrt(n) (neighbourhoods overlap, so allow 5 SE).
        assert np.all(np.abs(inv.mean(axis=0) - 1 / d) < 5 * (1 / d) / np.sqrt(20000))
        # variance shrinks like 1/(k-1): Var = 1/(d^2 (k-1)) for independent terms
        assert np.all(np.abs(inv.var(axis=0) * d**2 * (ks - 1) - 1) < 0.1)

    def test_mle_inverse_vectorized_equals_loop(self):
        rng = np.random.default_rng(3)
        T = np.sort(rng.random((7, 9)) + 0.1, axis=1)
        ks = np.array([2, 4, 9])
        loop = np.array([[np.mean([np.log(T[i, k - 1] / T[i, j]) for j in range(k - 1)])
                          for k in ks] for i in range(7)])
        np.testing.assert_allclose(knn.mle_inverse_estimates(T, ks), loop, rtol=1e-13)

    def test_bootstrap_means_match_index_resampling(self):
        # multinomial weights @ values / n  ==  values[idx].mean() for the same counts
        values = np.random.default_rng(4).random((50, 3))
        rng = np.random.default_rng(5)
        means = knn.bootstrap_means(values, 20, rng)
        counts = np.random.default_rng(5).multinomial(50, np.full(50, 1 / 50), size=20)
        loop = np.array([np.repeat(values, c, axis=0).mean(axis=0) for c in counts])
        np.testing.assert_allclose(means, loop, rtol=1e-12)


class TestKnownManifolds:
    # Bands: measured once with these seeds and n (docs/dimension.md §4 has the full bias
    # table). The cube's boundary makes both estimators read low; the band is the bias
    # measured across seeds (|bias| < 5% at d <= 3, < 15% at d = 6) plus 3 bootstrap SE.
    @pytest.mark.parametrize("estimator", ["twonn", "mle"])
    @pytest.mark.parametrize(("d", "rel_band"), [(2, 0.06), (3, 0.08), (6, 0.18)])
    def test_linear_embedding_recovers_d(self, estimator, d, rel_band):
        X = sample_manifold(3000, d, ambient=2 * d + 3, embedding="linear", seed=d).X
        est = estimate_dimension(X, estimator=estimator, bootstrap=100, seed=1)
        assert abs(est.d - d) < rel_band * d
        assert est.ci[0] <= est.d <= est.ci[1]

    @pytest.mark.parametrize("embedding", ["torus", "swiss_roll"])
    @pytest.mark.parametrize("estimator", ["twonn", "mle"])
    def test_nonlinear_embeddings_recover_low_d(self, embedding, estimator):
        X = sample_manifold(3000, 3, embedding=embedding, seed=7).X
        est = estimate_dimension(X, estimator=estimator, bootstrap=100)
        assert abs(est.d - 3) < 0.3

    def test_interval_covers_truth_on_boundary_free_poisson_process(self):
        # On the flat torus with periodic distances TwoNN is the exact MLE of an
        # exponential rate; its 95% bootstrap interval should cover d. One draw: a
        # failure here has probability ~5% only if the interval is right, so use the
        # scipy boxsize route and 5 seeds, requiring >= 4 covers (P(fail) ~ 2%).
        covers = 0
        for seed in range(5):
            T = _periodic_neighbor_distances(_torus_points(3000, 4, seed=100 + seed), 2)
            logmu = knn.twonn_log_ratios(T)
            boot = knn.inverse_of_mean(knn.bootstrap_means(logmu, 400,
                                                           np.random.default_rng(seed)))
            lo, hi = np.quantile(boot, [0.025, 0.975])
            covers += lo <= 4 <= hi
        assert covers >= 4

    @pytest.mark.parametrize("estimator", ["twonn", "mle"])
    def test_scan_sees_through_small_ambient_noise(self, estimator):
        # Noise 2e-3 per coordinate on a unit 2-square in 12 dims: at the nearest-neighbour
        # scale (~0.008) the noise (~0.007 in distance) makes the cloud look ~4-dimensional;
        # at k = 128 neighbours (or 128-fold decimation, scale ~0.09) it reads 2. Measured
        # once (seed 2): twonn 4.20 -> 1.97, mle 4.20 -> 2.00; bands below are wider than
        # the bootstrap spread of the scan (~0.05).
        s = sample_manifold(4000, 2, ambient=12, embedding="linear", noise=2e-3, seed=2)
        lo = 1 if estimator == "twonn" else 2
        est = estimate_dimension(s.X, estimator=estimator, k=(lo, 128), bootstrap=20)
        assert est.scan[lo] > 3.5
        assert abs(est.scan[128] - 2) < 0.2

    def test_mle_at_k2_is_twonn(self):
        # Levina-Bickel with k = 2 averages log(T2/T1) over points and inverts: TwoNN (ID.2-4)
        X = sample_manifold(500, 3, embedding="swiss_roll", seed=4).X
        a = estimate_dimension(X, estimator="twonn", k=(1, 1), bootstrap=10)
        b = estimate_dimension(X, estimator="mle", k=(2, 2), bootstrap=10)
        assert b.d == pytest.approx(a.d, rel=1e-13)
        assert b.scan[2] == pytest.approx(a.scan[1], rel=1e-13)


class TestDuplicatesAndDegenerate:
    def test_duplicates_are_dropped_counted_and_reported(self):
        X = sample_manifold(500, 2, seed=1).X
        Xd = np.concatenate([X, X[:7], X[3:5]])
        a = estimate_dimension(X)
        b = estimate_dimension(Xd)
        assert b.n_duplicates == 9 and b.n_points == 509
        assert b.d == a.d and b.ci == a.ci
        assert any("9 duplicate rows" in w for w in b.warnings)

    def test_duplicates_raise_on_request(self):
        X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
        with pytest.raises(ValueError, match=r"`X` has 1 duplicate rows .* duplicates='raise'"):
            estimate_dimension(X, duplicates="raise")

    def test_lattice_gives_infinite_estimate_with_reason(self):
        # every point of a square lattice's interior has T1 = T2, so log mu = 0: d = inf
        g = np.arange(12.0)
        X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
        X = X[(X > 0).all(1) & (X < 11).all(1)]  # interior only: all T1 == T2 == 1
        est = estimate_dimension(X, bootstrap=20)
        assert est.d == np.inf and est.ci == (np.inf, np.inf)
        assert any("infinite estimate" in w for w in est.warnings)
        (p,) = predicted_exponents(est, model="piecewise_linear")
        assert p.exponent == 0.0


class TestInputValidation:
    @pytest.mark.parametrize(("X", "exc", "match"), [
        (np.zeros(5), ValueError, r"`X` must be a 2-dimensional array; got shape \(5,\)"),
        (np.array([[0.0, 1.0], [np.nan, 1.0], [2.0, 3.0]]), ValueError,
         r"`X` must contain only finite numbers; entry \(1, 0\)"),
        (np.zeros((0, 3)), ValueError, "at least 1 entries"),
        (np.random.default_rng(0).random((2, 3)), ValueError,
         r"at least 3 distinct points .* got 2 distinct of 2 rows"),
        ("abc", TypeError, "`X` must be an array of real numbers"),
    ])
    def test_bad_points(self, X, exc, match):
        with pytest.raises(exc, match=match):
            estimate_dimension(X, k=(1, 1))

    def test_too_few_points_for_k(self):
        X = np.random.default_rng(0).random((15, 3))
        with pytest.raises(ValueError, match=r"at least 21 distinct points \(more than k_hi=20"):
            estimate_dimension(X, estimator="mle")
        with pytest.raises(ValueError, match=r"at least 48 distinct points .* 16-fold"):
            estimate_dimension(X, estimator="twonn")

    @pytest.mark.parametrize(("kwargs", "exc", "match"), [
        ({"estimator": "pca"}, ValueError, r"`estimator` must be one of \['twonn', 'mle'\]"),
        ({"k": (1, 5), "estimator": "mle"}, ValueError, "`k\\[0\\]` must be an integer >= 2"),
        ({"k": (6, 5)}, ValueError, r"`k` must satisfy lo <= hi; got k=\(6, 5\)"),
        ({"k": 5}, TypeError, "`k` must be a pair"),
        ({"bootstrap": 3}, ValueError, "`bootstrap` must be an integer >= 10"),
        ({"confidence": 1.0}, ValueError, "`confidence` must be < 1"),
        ({"seed": -1}, ValueError, "`seed` must be an integer >= 0"),
        ({"duplicates": "keep"}, ValueError, "`duplicates` must be one of"),
    ])
    def test_bad_settings(self, kwargs, exc, match):
        X = np.random.default_rng(0).random((100, 3))
        with pytest.raises(exc, match=match):
            estimate_dimension(X, **kwargs)


def _rotation(dim: int, seed: int) -> np.ndarray:
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return q


class TestInvariances:
    @given(seed=st.integers(0, 2**31), scale=st.floats(1e-3, 1e3),
           shift=st.floats(-1e3, 1e3), estimator=st.sampled_from(["twonn", "mle"]))
    def test_rotation_translation_scaling(self, seed, scale, shift, estimator):
        X = sample_manifold(300, 2, ambient=5, embedding="swiss_roll", seed=seed % 1000).X
        Y = scale * X @ _rotation(5, seed) + shift
        kw = {"estimator": estimator, "k": (2, 6), "bootstrap": 30, "seed": 3}
        a, b = estimate_dimension(X, **kw), estimate_dimension(Y, **kw)
        # exact in arithmetic; rounding in the rotated coordinates moves log-ratios by
        # ~1e-12 relative (shift 1e3 on coordinates ~1 costs 3 digits: 1e-16 * 1e3 / 1e-3)
        assert b.d == pytest.approx(a.d, rel=1e-6)
        assert b.ci == pytest.approx(a.ci, rel=1e-6)
        assert list(b.scan.values()) == pytest.approx(list(a.scan.values()), rel=1e-6)

    @given(seed=st.integers(0, 2**31), n_dup=st.integers(1, 40))
    def test_duplicates_do_not_change_estimate(self, seed, n_dup):
        rng = np.random.default_rng(seed)
        X = sample_manifold(200, 3, seed=seed % 1000).X
        extra = X[rng.integers(0, 200, n_dup)]
        Xd = np.concatenate([X, extra])[np.argsort(np.r_[np.arange(200),
                                                         rng.integers(0, 200, n_dup) + 0.5])]
        a = estimate_dimension(X, k=(1, 4), bootstrap=20)
        b = estimate_dimension(Xd, k=(1, 4), bootstrap=20)
        assert b.n_duplicates == n_dup
        assert b.d == pytest.approx(a.d, rel=1e-12)


class TestPredictedExponents:
    def test_interval_maps_endpoints_and_values(self):
        est = DimensionEstimate(d=4.0, ci=(3.5, 5.0), estimator="twonn", n_points=10,
                                n_duplicates=0, scan={1: 4.0}, k=(1, 1), bootstrap=10,
                                confidence=0.9, seed=0)
        by_model = {p.model: p for p in predicted_exponents(est)}
        assert by_model["piecewise_linear"].c == 4
        assert by_model["piecewise_linear"].exponent == 1.0
        assert by_model["piecewise_linear"].ci == (4 / 5.0, 4 / 3.5)
        assert by_model["piecewise_constant"].ci == (2 / 5.0, 2 / 3.5)
        assert by_model["lipschitz"].c == 2

    def test_agrees_with_asymptotics_resolution_when_present(self):
        resolution = pytest.importorskip("asymptotics.resolution")
        est = estimate_dimension(sample_manifold(400, 3, seed=0).X, bootstrap=20)
        for p in predicted_exponents(est):
            law = resolution.resolution_exponent(3, loss="squared", model=p.model)
            assert p.c / 3 == pytest.approx(float(law.value), rel=1e-12)

    def test_bad_arguments(self):
        with pytest.raises(TypeError, match="`estimate` must be a DimensionEstimate"):
            predicted_exponents(3.0)
        est = estimate_dimension(sample_manifold(100, 2, seed=0).X, bootstrap=10, k=(1, 2))
        with pytest.raises(ValueError, match="`model` must be one of"):
            predicted_exponents(est, model="cubic")
        with pytest.raises(ValueError, match=r"`loss` must be one of .* got 'nonsense'"):
            predicted_exponents(est, loss="nonsense")
        with pytest.raises(TypeError, match="`loss` must be a string"):
            predicted_exponents(est, loss=2)

    def test_absolute_loss_halves_c(self):
        # order 1 at the minimum instead of 2 (docs/theory/regimes.md (RG.7a)): c = 2 for piecewise linear
        est = estimate_dimension(sample_manifold(100, 2, seed=0).X, bootstrap=10, k=(1, 2))
        (p,) = predicted_exponents(est, loss="absolute", model="piecewise_linear")
        assert p.c == 2 and p.exponent == 2 / est.d


# ---------------------------------------------------- the subsample interval (ID.13)

class TestSubsampleInterval:
    def test_interval_is_student_t_on_the_blocks_log_estimates(self):
        # Independent route: redo the random split with the same stream (third child of
        # SeedSequence(seed)), estimate each block by a plain loop over the per-point
        # log-ratios, and build the t interval with scipy.stats.t.interval.
        from scipy import stats
        X = sample_manifold(700, 3, embedding="torus", seed=4).X
        est = estimate_dimension(X, k=(1, 1), bootstrap=10, seed=9)
        assert est.interval == "subsample" and est.blocks == 10
        rng = np.random.default_rng(np.random.SeedSequence(9).spawn(3)[2])
        order = rng.permutation(700)
        logs = []
        for blk in np.array_split(order, 10):
            Y = X[blk]
            dist = np.sqrt(((Y[:, None, :] - Y[None, :, :]) ** 2).sum(-1))
            np.fill_diagonal(dist, np.inf)
            t1, t2 = np.sort(dist, axis=1)[:, :2].T
            logs.append(np.log(Y.shape[0] / np.log(t2 / t1).sum()))
        assert np.log(est.block_estimates) == pytest.approx(logs, rel=1e-10)
        lo, hi = stats.t.interval(0.95, 9, loc=np.log(est.d),
                                  scale=np.std(logs, ddof=1) / np.sqrt(10))
        assert est.ci == pytest.approx((np.exp(lo), np.exp(hi)), rel=1e-10)

    def test_bootstrap_interval_still_available(self):
        X = sample_manifold(500, 2, seed=1).X
        a = estimate_dimension(X, k=(1, 1), bootstrap=50, seed=2)
        b = estimate_dimension(X, k=(1, 1), bootstrap=50, seed=2, interval="bootstrap")
        assert b.interval == "bootstrap" and b.ci == a.ci_bootstrap == b.ci_bootstrap
        assert a.d == b.d and a.ci != b.ci

    def test_too_few_points_fall_back_with_warning(self):
        X = np.random.default_rng(0).random((5, 2))  # 5 points: no two blocks of 3
        est = estimate_dimension(X, k=(1, 1), bootstrap=10)
        assert est.blocks == 0 and est.interval == "bootstrap"
        assert any("too few points (5) for two subsamples" in w for w in est.warnings)

    def test_bad_interval_name(self):
        with pytest.raises(ValueError, match="`interval` must be one of"):
            estimate_dimension(np.random.default_rng(0).random((50, 2)), k=(1, 1),
                               interval="jackknife")

    def test_block_spread_matches_replicate_spread(self):
        # The claim behind (ID.13): the blocks' variance / b estimates Var(log d_hat) at n.
        # 60 independent tori (n = 1000, d = 2): the replicates' sd of log d_hat against
        # the rms of the blocks' se. The point bootstrap's se, for contrast, is too small
        # (measured 1.14-1.26x too narrow, docs/dimension.md §2). Band: the sd of an sd
        # from 60 replicates is ~9%, the rms of 60 block se's ~3%: 30% is ~3 sigma.
        ests, ses, boot = [], [], []
        for r in range(60):
            e = estimate_dimension(sample_manifold(1000, 2, embedding="torus", seed=500 + r).X,
                                   k=(1, 1), bootstrap=100, seed=r)
            ests.append(np.log(e.d))
            ses.append(np.std(np.log(e.block_estimates), ddof=1) / np.sqrt(e.blocks))
            boot.append(np.log(e.ci_bootstrap[1] / e.ci_bootstrap[0]) / (2 * 1.96))
        sd = np.std(ests, ddof=1)
        rms = np.sqrt(np.mean(np.square(ses)))
        assert rms == pytest.approx(sd, rel=0.3)
        assert np.mean(boot) < rms


@pytest.mark.slow
class TestCoverage:
    # >= 200 replicates per case, n = 1000 (seeds 20000 + r): the nominal 95% subsample
    # interval must hold the target in a share of replicates inside the binomial band
    # (99.5% two-sided, 200 draws at p = 0.95: [0.90, 0.985]). Target: the true d where
    # the bias at n = 1000 (docs/dimension.md §4) is under 1/4 of the estimate's sd, and
    # the estimator's own mean at n = 1000 (average of the replicates) everywhere: a
    # sampling interval cannot see bias. Full table: benchmarks/dimension_coverage.py.
    REPS = 200

    @pytest.mark.parametrize(("embedding", "estimator", "d", "target"), [
        ("torus", "twonn", 2, "true"),
        ("linear", "twonn", 2, "true"),
        ("torus", "mle", 2, "true"),
        ("torus", "twonn", 6, "mean"),
        ("linear", "mle", 8, "mean"),
    ])
    def test_coverage_within_binomial_band(self, embedding, estimator, d, target):
        from scipy import stats
        est, lo, hi = [], [], []
        for r in range(self.REPS):
            X = sample_manifold(1000, d, embedding=embedding, seed=20000 + r).X
            e = estimate_dimension(X, estimator=estimator,
                                   k=(1, 1) if estimator == "twonn" else None,
                                   bootstrap=10, seed=r)
            est.append(e.d)
            lo.append(e.ci[0])
            hi.append(e.ci[1])
        ref = d if target == "true" else float(np.mean(est))
        cov = np.mean((np.array(lo) <= ref) & (ref <= np.array(hi)))
        band = stats.binom.ppf([0.0025, 0.9975], self.REPS, 0.95) / self.REPS
        assert band[0] <= cov <= band[1], (cov, band)


# ------------------------------------- degenerate inputs (issue: wrong outputs, no warning)

class TestDegenerateInputs:
    X = sample_manifold(1000, 2, seed=0).X

    def test_complex_points_are_refused(self):
        with pytest.raises(TypeError, match="`X` must be real; got complex entries"):
            estimate_dimension(self.X * (1 + 1j), k=(1, 1))

    def test_collinear_points_warn(self):
        # 100 evenly spaced points on a line in R^3: every interior T1 = T2, d = 72.1
        # (1/mean of two non-zero end log-ratios). The rank check names the cause.
        line = np.linspace(0.0, 1.0, 100)[:, None] * np.array([1.0, 2.0, 3.0])
        est = estimate_dimension(line, k=(1, 1), bootstrap=10)
        assert any("span only 1 dimension(s)" in w for w in est.warnings)
        ok = estimate_dimension(self.X, k=(1, 1), bootstrap=10)
        assert not any("span only" in w for w in ok.warnings)

    @pytest.mark.parametrize("scale", [1e308 / 2.0, 1e-310, 2.0 ** -1060])
    def test_extreme_scales_give_the_same_estimate(self, scale):
        # scaled by 1e308 squared distances overflow, by 1e-310 they underflow; both read
        # d = inf before. Standardizing by powers of two keeps the ratios (subnormal
        # inputs lose digits themselves: 1e-310 keeps ~14, 2^-1060 ~ 7 of the spread).
        Y = self.X / np.abs(self.X).max() * scale
        a = estimate_dimension(self.X, k=(1, 1), bootstrap=10)
        b = estimate_dimension(Y, k=(1, 1), bootstrap=10)
        tol = 1e-12 if scale > 1e-300 else 1e-3
        assert b.d == pytest.approx(a.d, rel=tol)
        assert not b.warnings

    def test_large_offset_warns_about_lost_digits(self):
        a = estimate_dimension(self.X, k=(1, 1), bootstrap=10)
        b = estimate_dimension(self.X + 1e12, k=(1, 1), bootstrap=10)
        # 1e12 on coordinates of spread ~1 leaves ~4 digits: d moves by < 1% here ...
        assert b.d == pytest.approx(a.d, rel=0.01)
        assert any("significant digits" in w for w in b.warnings)
        # ... and small offsets are silent
        assert not estimate_dimension(self.X + 1e3, k=(1, 1), bootstrap=10).warnings

    @pytest.mark.parametrize("eps", [1e-15, 1e-9, 1e-6])
    @pytest.mark.parametrize("estimator", ["twonn", "mle"])
    def test_near_duplicates_are_detected_and_merged(self, eps, estimator):
        # 200 copies perturbed by eps: TwoNN reads 0.10-0.31 and MLE 0.79-1.32 instead of
        # 2.1 (measured); the warning counts the 400 points, merge=10 eps undoes it exactly.
        rng = np.random.default_rng(1)
        Y = np.concatenate([self.X, self.X[:200] + eps * rng.standard_normal((200, 4))])
        kw = {"estimator": estimator, "k": (1, 1) if estimator == "twonn" else None,
              "bootstrap": 10}
        base = estimate_dimension(self.X, **kw)
        bad = estimate_dimension(Y, **kw)
        assert bad.d < 0.7 * base.d
        assert any(w.startswith("400 points have a nearest neighbour closer")
                   for w in bad.warnings)
        merged = estimate_dimension(Y, merge=10 * eps, **kw)
        assert merged.d == pytest.approx(base.d, rel=1e-12)
        assert merged.n_points == 1200
        assert any("merged 200 points" in w for w in merged.warnings)
        assert not any("nearest neighbour closer" in w for w in base.warnings)

    def test_merge_is_transitive_and_keeps_first(self):
        X = np.array([[0.0, 0.0], [1e-7, 0.0], [2e-7, 0.0], [1.0, 1.0], [5.0, 0.0]])
        kept, n = knn.merge_close(X, 1.5e-7)
        assert n == 2
        np.testing.assert_array_equal(kept, X[[0, 3, 4]])

    def test_too_few_points_names_the_k_1_1_way_out(self):
        X = np.random.default_rng(0).random((20, 3))
        with pytest.raises(ValueError, match=r"k=\(1, 1\) \(command line: --k 1,1\) skips"):
            estimate_dimension(X)
        assert estimate_dimension(X, k=(1, 1), bootstrap=10).n_points == 20


class TestBruteForceRoute:
    def test_brute_force_equals_kdtree(self):
        # Independent route: scipy's KDTree on the same points (20 columns > BRUTE_DIM),
        # with a near-duplicate pair at 1e-15 whose distance the GEMM alone would lose.
        from scipy.spatial import KDTree
        X = np.random.default_rng(3).random((600, 20))
        X[1] = X[0] + 1e-15 * np.eye(20)[0] * 4
        got = knn.neighbor_distances(X, 4)
        ref = KDTree(X).query(X, k=5)[0][:, 1:]
        np.testing.assert_allclose(got, ref, rtol=1e-12)
        assert got[0, 0] == pytest.approx(abs(X[1, 0] - X[0, 0]), rel=1e-12)
        assert knn.BRUTE_DIM < 20

    def test_estimates_agree_across_routes(self, monkeypatch):
        X = sample_manifold(800, 3, ambient=24, embedding="torus", seed=2).X
        a = estimate_dimension(X, k=(1, 4), bootstrap=10)
        monkeypatch.setattr(knn, "BRUTE_DIM", 10**6)  # force the kd-tree everywhere
        b = estimate_dimension(X, k=(1, 4), bootstrap=10)
        assert a.d == pytest.approx(b.d, rel=1e-12)
        assert list(a.scan.values()) == pytest.approx(list(b.scan.values()), rel=1e-12)
