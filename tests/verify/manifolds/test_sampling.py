"""Tests for verify.manifolds.sampling, the one sampler: canonical embeddings and point clouds."""

from __future__ import annotations

import numpy as np
import pytest

from verify.manifolds.sampling import (
    EMBEDDINGS,
    embed_torus,
    embedded_dim,
    sample_embedded,
    sample_manifold,
    sample_sphere,
    sample_torus,
)


class TestData:
    def test_torus_and_embedding(self):
        rng = np.random.default_rng(1)
        th = sample_torus(500, 3, rng)
        assert th.shape == (500, 3) and th.min() >= 0 and th.max() < 1
        e = embed_torus(th)
        np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, rtol=1e-14)
        # stationarity (LM.1): |e(a) - e(b)| depends only on a - b (mod 1)
        shift = rng.random(3)
        np.testing.assert_allclose(np.linalg.norm(embed_torus(th[:10]) - embed_torus(th[10:20]),
                                                  axis=1),
                                   np.linalg.norm(embed_torus(th[:10] + shift)
                                                  - embed_torus(th[10:20] + shift), axis=1),
                                   rtol=1e-12)

    def test_sphere_uniform(self):
        x = sample_sphere(20000, 2, np.random.default_rng(2))
        np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-14)
        # uniform on S^2: each coordinate is U[-1, 1] (Archimedes), mean 0, variance 1/3;
        # 5 standard errors with n = 20000: 5 sqrt(1/3/n) = 0.02, 5 sqrt(4/45/n) = 0.011
        assert np.all(np.abs(x.mean(axis=0)) < 0.02)
        assert np.all(np.abs((x ** 2).mean(axis=0) - 1 / 3) < 0.011)

    @pytest.mark.parametrize("domain,d", [("torus", 3), ("sphere", 2)])
    def test_sample_embedded_is_the_embedding_of_the_domain_draw(self, domain, d):
        # one stream, one draw: the embedded sample is embed_torus(sample_torus) or
        # sample_sphere on the same generator state, bit for bit
        x = sample_embedded(domain, 40, d, np.random.default_rng(7))
        ref_rng = np.random.default_rng(7)
        ref = (embed_torus(sample_torus(40, d, ref_rng)) if domain == "torus"
               else sample_sphere(40, d, ref_rng))
        np.testing.assert_array_equal(x, ref)
        assert x.shape == (40, embedded_dim(domain, d))
        np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-14)

    def test_manifold_coordinates_are_the_torus_draw_of_their_stream(self):
        # sample_manifold's intrinsic coordinates are sample_torus on the first spawned stream
        s = sample_manifold(30, 2, seed=5)
        r_u = np.random.default_rng(np.random.SeedSequence(5).spawn(3)[0])
        np.testing.assert_array_equal(s.u, sample_torus(30, 2, r_u))


class TestManifolds:
    @pytest.mark.parametrize("embedding", EMBEDDINGS)
    def test_shapes_seed_and_embedding_is_injective_isometry_for_linear(self, embedding):
        a = sample_manifold(50, 3, embedding=embedding, seed=4)
        b = sample_manifold(50, 3, embedding=embedding, seed=4)
        np.testing.assert_array_equal(a.X, b.X)
        assert a.X.shape == (50, a.ambient) and a.u.shape == (50, 3)
        if embedding == "linear":  # orthonormal map: pairwise distances preserved
            dx = np.linalg.norm(a.X[:, None] - a.X[None], axis=-1)
            du = np.linalg.norm(a.u[:, None] - a.u[None], axis=-1)
            np.testing.assert_allclose(dx, du, atol=1e-12)

    def test_torus_embedding_distance_depends_only_on_coordinate_difference(self):
        # flat torus: |e(u) - e(v)|^2 = (2/d) sum_i (1 - cos 2 pi (u_i - v_i))  (ID.9)
        s = sample_manifold(20, 2, embedding="torus", seed=1)
        dx2 = np.sum((s.X[:, None] - s.X[None]) ** 2, axis=-1)
        du = s.u[:, None] - s.u[None]
        np.testing.assert_allclose(dx2, np.sum(1 - np.cos(2 * np.pi * du), axis=-1), atol=1e-12)

    def test_noise_has_requested_scale(self):
        clean = sample_manifold(4000, 2, ambient=6, seed=3)
        noisy = sample_manifold(4000, 2, ambient=6, noise=0.05, seed=3)
        assert np.std(noisy.X - clean.X) == pytest.approx(0.05, rel=0.03)

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="`ambient` must be an integer >= 6"):
            sample_manifold(10, 3, embedding="torus", ambient=5)
        with pytest.raises(ValueError, match="`embedding` must be one of"):
            sample_manifold(10, 3, embedding="sphere")
        with pytest.raises(ValueError, match="`noise` must be >= 0"):
            sample_manifold(10, 3, noise=-1.0)
