"""Pooling against a plain loop; the seeded subset; centring and the sphere."""

from __future__ import annotations

import numpy as np
import pytest

from verify.datasets.preprocess import average_pool, seeded_subset, to_sphere


def test_average_pool_equals_the_loop_over_blocks():
    images = np.random.default_rng(0).standard_normal((3, 6, 4))
    pooled = average_pool(images, 2)
    ref = np.empty((3, 3, 2))
    for i in range(3):
        for r in range(3):
            for c in range(2):
                ref[i, r, c] = images[i, 2 * r:2 * r + 2, 2 * c:2 * c + 2].mean()
    np.testing.assert_allclose(pooled, ref, rtol=1e-14)
    np.testing.assert_array_equal(average_pool(images, 1), images)


def test_average_pool_refuses_a_window_that_does_not_divide():
    with pytest.raises(ValueError, match=r"`pool` must divide the image sides 28x28 of img "
                                         r"\(one of \[1, 2, 4, 7, 14, 28\]\); got 3"):
        average_pool(np.zeros((1, 28, 28)), 3, name="img")
    with pytest.raises(ValueError, match="needs images"):
        average_pool(np.zeros((4, 5)), 2)


def test_seeded_subset_is_reproducible_sorted_and_distinct():
    a, b = seeded_subset(100, 10, 3), seeded_subset(100, 10, 3)
    np.testing.assert_array_equal(a, b)
    assert len(set(a)) == 10 and np.all(np.diff(a) > 0)
    assert not np.array_equal(a, seeded_subset(100, 10, 4))
    np.testing.assert_array_equal(seeded_subset(5, None, 0), np.arange(5))
    with pytest.raises(ValueError, match="`n`"):
        seeded_subset(5, 6, 0)


def test_to_sphere_centres_then_scales_to_radius_sqrt_d():
    x = np.random.default_rng(1).standard_normal((20, 7)) + 5.0
    s = to_sphere(x)
    np.testing.assert_allclose(np.linalg.norm(s, axis=1), np.sqrt(7), rtol=1e-13)
    # the direction is that of the centred row
    c = x - x.mean(axis=0)
    np.testing.assert_allclose(s[3] / np.linalg.norm(s[3]), c[3] / np.linalg.norm(c[3]))
    with pytest.raises(ValueError, match="row 1 is zero after centring"):
        to_sphere(np.array([[1.0, 2.0], [0.0, 0.0]]), center=False)
