"""Preparing real inputs as the paper does: pooling, a seeded subset, centring, the sphere.

docs/real_networks.md §2: images are average-pooled over ``pool x pool`` blocks (RN.8),
a fixed subset of ``n`` rows is drawn from a seed, the subset's mean input is subtracted and
every row is scaled to the sphere of radius ``sqrt(d)`` (RN.9), so that the first layer of
(RN.6) sees ``K^1(x, x) = sigma_w^2 + sigma_b^2`` at every input.
"""

from __future__ import annotations

import numpy as np

from asymptotics._lib.validation import check_int

__all__ = ["average_pool", "seeded_subset", "to_sphere"]


def average_pool(images: np.ndarray, pool: int, *, name: str = "images") -> np.ndarray:
    """Average over non-overlapping ``pool x pool`` blocks: ``(N, h, w) -> (N, h/pool, w/pool)``.

    docs/real_networks.md (RN.8). ``pool`` must divide both sides (28x28 MNIST: 1, 2, 4, 7,
    14, 28; 8x8 digits: 1, 2, 4, 8).
    """
    pool = check_int("pool", pool, minimum=1)
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3:
        raise ValueError(f"`pool` needs images (a 3-d array N x height x width) in {name}; "
                         f"got shape {images.shape}")
    n, h, w = images.shape
    if h % pool or w % pool:
        sides = sorted({k for k in range(1, max(h, w) + 1) if h % k == 0 and w % k == 0})
        raise ValueError(f"`pool` must divide the image sides {h}x{w} of {name} (one of "
                         f"{sides}); got {pool}")
    return images.reshape(n, h // pool, pool, w // pool, pool).mean(axis=(2, 4))  # (RN.8)


def seeded_subset(n_total: int, n: int | None, seed: int) -> np.ndarray:
    """Sorted indices of ``n`` of ``n_total`` rows drawn without replacement from ``seed``."""
    if n is None:
        return np.arange(n_total)
    n = check_int("n", n, minimum=2, maximum=n_total)
    rng = np.random.default_rng(np.random.SeedSequence(check_int("seed", seed, minimum=0)))
    return np.sort(rng.choice(n_total, size=n, replace=False))


def to_sphere(x: np.ndarray, *, center: bool = True, name: str = "X") -> np.ndarray:
    """Subtract the mean row (if ``center``) and scale each row to norm ``sqrt(d)``,
    docs/real_networks.md (RN.9).

    A row that is zero after centring has no direction: refused, naming the row.
    """
    x = np.asarray(x, dtype=np.float64)
    if center:
        x = x - x.mean(axis=0)  # (RN.9)
    norms = np.linalg.norm(x, axis=1)
    zero = np.flatnonzero(norms <= 1e-12 * max(float(norms.max(initial=0.0)), 1e-300))
    if zero.size:
        raise ValueError(f"{name}: row {zero[0]} is zero after centring; it has no direction "
                         "on the sphere (drop constant rows or pass center=False)")
    return x * (np.sqrt(x.shape[1]) / norms)[:, None]  # (RN.9)
