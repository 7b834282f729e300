"""Points on data manifolds of known dimension: the one sampler of the laboratory.

Two kinds of draw, both uniform in the manifold's own coordinates, with one argument
order (``n`` points, dimension ``d``, as in the shape ``(n, d)`` of the draw):

* **Canonical embeddings** from a caller's generator, for experiments that draw their
  inputs together with other random quantities from one stream (the random-feature
  sweep, the sampled kernel spectra; docs/laboratory_manifolds.md (LM.1)):
  :func:`sample_torus` (angles on the unit-volume torus ``[0, 1)^d``),
  :func:`embed_torus` (their cos/sin embedding on the unit sphere of ``R^(2d)``),
  :func:`sample_sphere` (uniform on ``S^d`` in ``R^(d+1)``) and :func:`sample_embedded`
  (either domain, embedded; :func:`embedded_dim` is its width).
* **Point clouds of known intrinsic dimension** rotated into an ambient space, for checking
  the dimension estimators (docs/dimension.md §3): :func:`sample_manifold` draws intrinsic
  coordinates ``u`` uniform on ``[0, 1)^d`` from its own seed and embeds them in
  ``ambient`` dimensions in one of three ways:

  - ``"linear"``: the unit cube through a random orthonormal map ``x = Q u`` (a flat
    manifold *with* boundary);
  - ``"torus"``: the flat torus through :func:`embed_torus`,
    ``u_i -> (cos 2 pi u_i, sin 2 pi u_i) / sqrt(d)``, then a random orthonormal map: a
    nonlinear embedding, isometric up to the scale ``2 pi / sqrt(d)``, with no boundary and
    uniform intrinsic density (docs/dimension.md (ID.9));
  - ``"swiss_roll"``: the first coordinate rolled up, ``t = 1.5 pi (1 + 2 u_1)``,
    ``(t cos t, t sin t) / (3 pi)``, the others kept, then a random orthonormal map
    (curved, non-uniform density along the roll).

  Optional isotropic Gaussian ``noise`` (standard deviation per ambient coordinate) makes
  the cloud full-dimensional at the smallest scales, which the scan should reveal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from asymptotics._lib.validation import check_choice, check_int, check_real

__all__ = [
    "DOMAINS",
    "EMBEDDINGS",
    "ManifoldSample",
    "embed_torus",
    "embedded_dim",
    "sample_embedded",
    "sample_manifold",
    "sample_sphere",
    "sample_torus",
]

DOMAINS = ("torus", "sphere")
EMBEDDINGS = ("linear", "torus", "swiss_roll")


# ----------------------------------------------------------------- canonical embeddings

def sample_torus(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform points on the unit-volume torus ``[0, 1)^d``, shape ``(n, d)``."""
    return rng.random((n, d))


def sample_sphere(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform points on ``S^d`` (normalized Gaussians), shape ``(n, d + 1)``."""
    g = rng.standard_normal((n, d + 1))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def embed_torus(theta: np.ndarray) -> np.ndarray:
    """Embed torus angles ``theta`` (``(..., d)``, period 1) on the unit sphere of ``R^(2d)``.

    ``e(theta) = (cos 2 pi theta_1, sin 2 pi theta_1, ...) / sqrt(d)``,
    docs/laboratory_manifolds.md (LM.1); ``|e(theta) - e(theta')|`` depends only on
    ``theta - theta'``, so every kernel of it is stationary on the torus.
    """
    d = theta.shape[-1]
    ang = 2.0 * np.pi * theta
    out = np.stack([np.cos(ang), np.sin(ang)], axis=-1)  # docs/laboratory_manifolds.md (LM.1)
    return out.reshape(*theta.shape[:-1], 2 * d) / math.sqrt(d)


def embedded_dim(domain: str, d: int) -> int:
    """Width of :func:`sample_embedded`'s points: ``2d`` (torus) or ``d + 1`` (sphere)."""
    return 2 * d if domain == "torus" else d + 1


def sample_embedded(domain: str, n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform points of ``domain`` (``"torus"`` or ``"sphere"``), already embedded.

    Unit vectors of shape ``(n, embedded_dim(domain, d))``: :func:`embed_torus` of
    :func:`sample_torus`, or :func:`sample_sphere`. The draws come from ``rng`` (the
    caller's stream); ``domain`` is not validated here (the callers validate it).
    """
    if domain == "torus":
        return embed_torus(sample_torus(n, d, rng))
    return sample_sphere(n, d, rng)


# ------------------------------------------------- point clouds for the dimension checks

@dataclass(frozen=True)
class ManifoldSample:
    """Points on a manifold of known dimension.

    Attributes
    ----------
    X : numpy.ndarray, shape (n, ambient)
        The embedded (and possibly noisy) points.
    u : numpy.ndarray, shape (n, d)
        Their intrinsic coordinates, uniform on ``[0, 1)^d``.
    d, ambient : int
        Intrinsic and ambient dimension.
    embedding : str
        One of :data:`EMBEDDINGS`.
    noise : float
        Standard deviation of the ambient Gaussian noise.
    seed : int
        Reproduces the sample (coordinates, embedding and noise streams).
    """

    X: np.ndarray
    u: np.ndarray
    d: int
    ambient: int
    embedding: str
    noise: float
    seed: int


def _embedded_width(d: int, embedding: str) -> int:
    return {"linear": d, "torus": 2 * d, "swiss_roll": d + 1}[embedding]


def _chart(u: np.ndarray, embedding: str) -> np.ndarray:
    if embedding == "linear":
        return u
    if embedding == "torus":
        return embed_torus(u)  # docs/dimension.md (ID.9): flat torus, isometric up to scale
    t = 1.5 * np.pi * (1.0 + 2.0 * u[:, :1])
    roll = np.concatenate([t * np.cos(t), t * np.sin(t)], axis=1) / (3.0 * np.pi)
    return np.concatenate([roll, u[:, 1:]], axis=1)


def sample_manifold(n: int, d: int, *, ambient: int | None = None,
                    embedding: str = "linear", noise: float = 0.0,
                    seed: int = 0) -> ManifoldSample:
    """Draw ``n`` points on a ``d``-dimensional manifold embedded in ``ambient`` dimensions.

    Parameters
    ----------
    n, d : int
        Number of points (>= 1) and intrinsic dimension (>= 1).
    ambient : int, optional
        Ambient dimension, at least the chart's width (``d``, ``2d`` or ``d + 1`` for
        linear, torus, swiss_roll); default twice that width.
    embedding : {"linear", "torus", "swiss_roll"}
        See the module docstring.
    noise : float
        Standard deviation of isotropic Gaussian noise added in the ambient space (>= 0).
    seed : int
        Seed; coordinates, the orthonormal map and the noise use independent streams.

    Returns
    -------
    ManifoldSample
    """
    n = check_int("n", n, minimum=1)
    d = check_int("d", d, minimum=1)
    embedding = check_choice("embedding", embedding, EMBEDDINGS)
    width = _embedded_width(d, embedding)
    ambient = 2 * width if ambient is None else check_int("ambient", ambient, minimum=width)
    noise = check_real("noise", noise, ge=0.0)
    seed = check_int("seed", seed, minimum=0)
    r_u, r_q, r_noise = (np.random.default_rng(s)
                         for s in np.random.SeedSequence(seed).spawn(3))
    u = sample_torus(n, d, r_u)
    q, r = np.linalg.qr(r_q.standard_normal((ambient, width)))
    q = q * np.sign(np.diag(r))  # Haar-distributed orthonormal columns
    X = _chart(u, embedding) @ q.T
    if noise > 0:
        X = X + noise * r_noise.standard_normal(X.shape)
    return ManifoldSample(X=X, u=u, d=d, ambient=ambient, embedding=embedding, noise=noise,
                          seed=seed)
