"""Models with ``P`` parameters on a periodic mesh of ``P`` nodes of the torus ``T^d`` (Theorem 3).

The two- and three-dimensional versions of :mod:`verify.models.piecewise`. A model with
``P`` parameters, its values at ``P`` nodes of ``T^d = [0, 1)^d``, is fitted by least squares
(``scipy.sparse``) to a training set much larger than ``P`` with a smooth target, so its test
loss is resolution-limited in ``P``: ``L ~ P^(-c/d)``, ``c = n_L m`` (docs/theory/regimes.md
(RG.7), Bahri et al. Theorem 3), the same ``c`` as in ``D``:

* ``"piecewise_linear"``: the nodes' hat functions on their periodic Delaunay triangulation
  (linear on every simplex; ``m = 2``, ``c = 4`` for squared loss);
* ``"piecewise_constant"``: constant on each node's periodic Voronoi cell (nearest node;
  ``m = 1``, ``c = 2``).

Periodicity is handled exactly, not by clipping. :func:`periodic_delaunay` triangulates the
nodes together with their periodic images within a margin of the cube and keeps a simplex only
if its circumball lies inside the region where the images are complete. There the empty-ball
property is the same for the extended set and the periodic one, so every kept simplex belongs
to the periodic Delaunay triangulation. The simplices whose centroid lies in ``[0, 1)^d`` are
one copy of each periodic simplex: their volumes must sum to 1, which is checked. If the margin
is too small it is doubled, up to full ``3^d`` images, and a node set that still fails (too few
nodes, a simplex with two images of one node) is refused.

Nodes are a jittered lattice by default: ``n^d`` nodes ``(k + U_k)/n`` with ``U_k`` uniform on
``[1/4, 3/4]^d``. Every cell then holds training points, and the spacing scales as ``P^(-1/d)``,
which is all (RG.7) uses. The training set is stratified, one uniform point per cell of a
regular grid. The piecewise-linear test loss is the exact mean squared error over the torus: a
collapsed Gauss-Legendre rule on every simplex, where the fit is linear and the target smooth.
The Voronoi model's test loss is a stratified sample average with its standard error, because
its cells are not simplices.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy import sparse
from scipy.sparse.linalg import splu
from scipy.spatial import Delaunay, KDTree, QhullError

from asymptotics._lib.budget import check_memory, check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_sorted_int_grid

__all__ = ["MESH_MODELS", "MeshFit", "PeriodicMesh", "fit_mesh", "jittered_lattice",
           "mesh_design", "mesh_loss", "mesh_resolution_curve", "periodic_delaunay",
           "stratified_torus_points", "torus_smooth_target"]

#: The models of :func:`fit_mesh` (names of :data:`asymptotics.resolution.MODELS`).
MESH_MODELS = ("piecewise_constant", "piecewise_linear")
_DIMENSIONS = (2, 3)
_GL_NODES = 4            # per collapsed direction: exact for polynomials of degree 7


@dataclass(frozen=True)
class PeriodicMesh:
    """The periodic Delaunay triangulation of ``nodes`` on ``[0, 1)^d``.

    Attributes
    ----------
    nodes : numpy.ndarray, shape (P, d)
    simplices : numpy.ndarray, shape (M, d + 1)
        Node indices of one copy of every periodic simplex (the one with centroid in the cube).
    vertices : numpy.ndarray, shape (M, d + 1, d)
        Their unwrapped vertex coordinates (possibly outside the cube).
    margin : float
        The image margin that made the triangulation consistent.
    """

    nodes: np.ndarray
    simplices: np.ndarray
    vertices: np.ndarray
    margin: float
    _tri: Delaunay
    _image_of: np.ndarray

    def locate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Node indices ``(n, d + 1)`` and barycentric weights ``(n, d + 1)`` of points in the cube."""
        x = np.asarray(x, dtype=float) % 1.0
        s = self._tri.find_simplex(x)
        if (s < 0).any():  # pragma: no cover - the images cover the cube by construction
            raise RuntimeError(f"{int((s < 0).sum())} points fell outside the periodic images")
        t = self._tri.transform[s]                                   # (n, d + 1, d)
        d = x.shape[1]
        b = np.einsum("nij,nj->ni", t[:, :d], x - t[:, d])
        weights = np.concatenate([b, 1 - b.sum(axis=1, keepdims=True)], axis=1)
        return self._image_of[self._tri.simplices[s]], weights


def _grid(n: int, d: int) -> np.ndarray:
    """The ``n^d`` integer points of ``{0..n-1}^d`` as floats, last coordinate fastest."""
    return np.indices((n,) * d, dtype=float).reshape(d, -1).T


def jittered_lattice(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n^d`` nodes ``(k + U_k)/n``, ``k`` in ``{0..n-1}^d``, ``U_k ~ U[1/4, 3/4]^d``."""
    n = check_int("n", n, minimum=2)
    d = check_int("d", d, minimum=1)
    grid = _grid(n, d)
    return (grid + rng.uniform(0.25, 0.75, grid.shape)) / n


def stratified_torus_points(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """One uniform point in each of the ``n^d`` cells of the regular grid of ``[0, 1)^d``."""
    n = check_int("n", n, minimum=1)
    d = check_int("d", d, minimum=1)
    grid = _grid(n, d)
    return (grid + rng.random(grid.shape)) / n


def torus_smooth_target(x: object) -> np.ndarray:
    """The smooth target of the ``D``-axis torus checks (docs/laboratory_manifolds.md (LM.7)):
    ``sum_j sin(2 pi x_j + c_j) + cos(2 pi (x_1 - x_2))``, ``c_j = 0.3 + 0.37 j``."""
    from verify.manifolds.interpolation import torus_target

    return torus_target(np.asarray(x, dtype=float), "smooth")


def _images(nodes: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    d = nodes.shape[1]
    shifts = np.array(list(itertools.product((0.0, -1.0, 1.0), repeat=d)))
    pts = (nodes[None] + shifts[:, None]).reshape(-1, d)
    idx = np.tile(np.arange(len(nodes)), len(shifts))
    keep = np.all((pts > -margin) & (pts < 1 + margin), axis=1)
    return pts[keep], idx[keep]


def _circumballs(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centres ``(M, d)`` and radii ``(M,)`` of the circumspheres of simplices ``v (M, d+1, d)``."""
    a = v[:, 1:] - v[:, :1]                                          # (M, d, d)
    rhs = 0.5 * (a**2).sum(axis=2)
    det = np.linalg.det(a)
    flat = np.abs(det) <= 1e-12 * np.abs(a).max(axis=(1, 2)) ** a.shape[1]
    a = np.where(flat[:, None, None], np.eye(a.shape[1]), a)       # qhull's slivers on the hull
    c = np.linalg.solve(a, rhs[..., None])[..., 0]
    radius = np.where(flat, np.inf, np.linalg.norm(c, axis=1))
    return np.where(flat[:, None], v.mean(axis=1), v[:, 0] + c), radius


def periodic_delaunay(nodes: object) -> PeriodicMesh:
    """The periodic Delaunay triangulation of ``P`` nodes in ``[0, 1)^d`` (``d`` = 2 or 3).

    Raises
    ------
    ValueError
        Nodes outside the cube, repeated or degenerate nodes, or too few nodes for a periodic
        triangulation (a simplex joining two images of one node, or no margin below 1 that
        makes the images complete around every simplex).
    """
    x = _nodes_iv(nodes)
    P, d = x.shape
    check_memory("nodes", P, 8.0 * 3**d * P * (d + 1) * 8)
    margin = min(1.0, 2.0 * P ** (-1.0 / d))
    while True:
        pts, idx = _images(x, margin)
        try:
            tri = Delaunay(pts)
        except QhullError as err:
            raise ValueError(f"`nodes` must be in general position for a Delaunay mesh; qhull "
                             f"refused them: {str(err).splitlines()[0]}") from None
        v = pts[tri.simplices]
        centre, radius = _circumballs(v)
        # the simplices that may hold a point of the cube (bounding box meets it)
        near = np.all((v.max(axis=1) >= 0) & (v.min(axis=1) <= 1), axis=1)
        inside = np.all((centre - radius[:, None] > -margin)
                        & (centre + radius[:, None] < 1 + margin), axis=1)
        if inside[near].all() or margin >= 1.0:
            break
        margin = min(1.0, 2 * margin)
    centroid = v.mean(axis=1)                   # docs/beyond_squared.md (MS.1)
    fundamental = np.all((centroid >= 0) & (centroid < 1), axis=1)
    simplices = idx[tri.simplices[fundamental]]
    volume = np.abs(np.linalg.det(v[fundamental, 1:] - v[fundamental, :1])).sum() / math.factorial(d)
    repeated = (np.sort(simplices, axis=1)[:, 1:] == np.sort(simplices, axis=1)[:, :-1]).any()
    if not inside[near].all() or repeated or abs(volume - 1.0) > 1e-9:
        raise ValueError(f"`nodes` ({P} in d = {d}) must be dense enough for a periodic Delaunay "
                         f"mesh: the triangulation of their images is not periodic (covered "
                         f"volume {volume:.12g}, a simplex with two images of one node: "
                         f"{bool(repeated)})")
    return PeriodicMesh(x, simplices, v[fundamental], margin, tri, idx)


@dataclass(frozen=True)
class MeshFit:
    """A fitted mesh model: ``values`` at the ``nodes`` (hat-function coefficients on
    ``mesh`` for ``"piecewise_linear"``, the constant on each periodic Voronoi cell for
    ``"piecewise_constant"``, which needs no triangulation: ``mesh`` is then ``None``)."""

    model: str
    nodes: np.ndarray
    values: np.ndarray
    mesh: PeriodicMesh | None = None

    def __post_init__(self) -> None:
        check_choice("model", self.model, MESH_MODELS)
        if self.model == "piecewise_linear" and not isinstance(self.mesh, PeriodicMesh):
            raise ValueError("`mesh` must be the PeriodicMesh of a piecewise-linear fit; got "
                             f"{type(self.mesh).__name__}")

    @functools.cached_property
    def _tree(self) -> KDTree:
        return KDTree(self.nodes, boxsize=1.0)

    def __call__(self, x: object) -> np.ndarray:
        x = np.asarray(x, dtype=float) % 1.0
        if self.model == "piecewise_constant":
            _, j = self._tree.query(x)
            return self.values[j]
        j, w = self.mesh.locate(x)
        return (w * self.values[j]).sum(axis=1)


def _nodes_iv(nodes: object) -> np.ndarray:
    x = np.asarray(nodes, dtype=float)
    if x.ndim != 2 or x.shape[1] not in _DIMENSIONS or not np.isfinite(x).all():
        raise ValueError(f"`nodes` must be a finite (P, d) array with d in {list(_DIMENSIONS)}; "
                         f"got shape {x.shape}")
    P, d = x.shape
    if P < 2 ** d or (x < 0).any() or (x >= 1).any():
        raise ValueError(f"`nodes` must be at least 2^d = {2 ** d} points in [0, 1)^{d}; got "
                         f"{P} points in [{x.min():.3g}, {x.max():.3g}]")
    return x


def _mesh_iv(model: object, mesh: object) -> tuple[str, np.ndarray, PeriodicMesh | None]:
    """``(model, nodes, mesh)``: the Delaunay mesh only where the model needs it."""
    model = check_choice("model", model, MESH_MODELS)
    if isinstance(mesh, PeriodicMesh):
        return model, mesh.nodes, mesh
    nodes = _nodes_iv(mesh)
    return model, nodes, (periodic_delaunay(nodes) if model == "piecewise_linear" else None)


def mesh_design(model: str, mesh: PeriodicMesh | np.ndarray, x: object) -> sparse.csr_matrix:
    """The sparse ``(N, P)`` design matrix of the model at training inputs ``x`` (taken mod 1):
    barycentric weights of the ``d + 1`` vertices (linear) or the nearest node's indicator."""
    model, nodes, mesh = _mesh_iv(model, mesh)
    return _design(model, nodes, mesh, x)


def _design(model, nodes, mesh, x):
    xx = np.asarray(x, dtype=float)
    d = nodes.shape[1]
    if xx.ndim != 2 or xx.shape[1] != d or not np.isfinite(xx).all():
        raise ValueError(f"`x` must be a finite (N, {d}) array; got shape {xx.shape}")
    N, P = len(xx), len(nodes)
    if model == "piecewise_constant":
        _, j = KDTree(nodes, boxsize=1.0).query(xx % 1.0)
        return sparse.csr_matrix((np.ones(N), (np.arange(N), j)), shape=(N, P))
    j, w = mesh.locate(xx)
    rows = np.repeat(np.arange(N), d + 1)
    return sparse.csr_matrix((w.ravel(), (rows, j.ravel())), shape=(N, P))


def fit_mesh(model: str, mesh: PeriodicMesh | np.ndarray, x: object, y: object) -> MeshFit:
    """Least-squares fit of the mesh model to ``(x, y)`` by the sparse normal equations.

    Parameters
    ----------
    model : {"piecewise_constant", "piecewise_linear"}
    mesh : PeriodicMesh or array_like, shape (P, d)
        The mesh, or its nodes (then triangulated by :func:`periodic_delaunay`).
    x : array_like, shape (N, d)
        Training inputs on the torus (taken mod 1).
    y : array_like, shape (N,)
        Finite targets.

    Returns
    -------
    MeshFit

    Raises
    ------
    ValueError
        A basis function (Voronoi cell, hat function) without a training point, or a
        rank-deficient design: the least-squares fit is not unique.
    """
    model, nodes, mesh = _mesh_iv(model, mesh)
    yy = np.asarray(y, dtype=float)
    xx = np.asarray(x, dtype=float)
    if yy.ndim != 1 or len(yy) != len(xx) or not np.isfinite(yy).all():
        raise ValueError(f"`y` must be finite, one value per row of `x` ({len(xx)}); got shape "
                         f"{yy.shape}")
    check_memory("x", len(xx), 8.0 * len(xx) * (4 * nodes.shape[1] + 12))
    A = _design(model, nodes, mesh, xx)
    counts = np.diff(A.tocsc().indptr)
    if (counts == 0).any():
        where = int(np.flatnonzero(counts == 0)[0])
        raise ValueError(f"`x` must put a training point in the support of every basis "
                         f"function: the {'cell' if model == 'piecewise_constant' else 'hat'} "
                         f"of node {where} {np.round(nodes[where], 4).tolist()} has none, "
                         "so the least-squares fit is not unique")
    rhs = A.T @ yy
    if model == "piecewise_constant":                 # diagonal normal equations: cell means
        return MeshFit(model, nodes, rhs / np.asarray(A.sum(axis=0)).ravel())
    lu = splu((A.T @ A).tocsc())
    pivots = np.abs(lu.U.diagonal())
    if pivots.min() <= 1e-12 * pivots.max():
        raise ValueError(f"`x` leaves the piecewise-linear design rank-deficient (pivot ratio "
                         f"{pivots.min() / pivots.max():.3g}): the least-squares fit is not unique")
    return MeshFit(model, nodes, lu.solve(rhs), mesh)


def _simplex_rule(d: int) -> tuple[np.ndarray, np.ndarray]:
    """Collapsed (conical-product) Gauss-Legendre rule on the reference simplex: barycentric
    points ``(n, d + 1)`` and weights summing to ``1/d!``."""
    z, w = leggauss(_GL_NODES)
    z, w = (z + 1) / 2, w / 2
    pts, wts = [], []
    for i in itertools.product(range(_GL_NODES), repeat=d):
        u = z[list(i)]
        # docs/beyond_squared.md (MS.2): x_1 = u_1, x_2 = u_2 (1 - u_1),
        # x_3 = u_3 (1 - u_1)(1 - u_2)
        scale = np.cumprod(np.concatenate([[1.0], 1 - u[:-1]]))
        coords = u * scale
        jac = np.prod([(1 - u[k]) ** (d - 1 - k) for k in range(d - 1)]) if d > 1 else 1.0
        pts.append(np.concatenate([[1 - coords.sum()], coords]))
        wts.append(np.prod(w[list(i)]) * jac)
    return np.array(pts), np.array(wts)


def mesh_loss(fit: MeshFit, target: Callable[[np.ndarray], np.ndarray], *,
              rng: np.random.Generator | None = None, n_side: int | None = None
              ) -> tuple[float, float]:
    """``int_{T^d} (fit - target)^2``, with its standard error.

    Piecewise-linear: the collapsed Gauss-Legendre rule (4 points per direction) on every
    simplex of the mesh; exact up to the rule's error on a smooth integrand, standard error 0.
    Piecewise-constant: the mean over ``n_side^d`` stratified points (one per grid cell,
    ``n_side`` by default ``4 P^(1/d)``, drawn from ``rng``), with the standard error of that
    mean (an upper bound for stratified sampling).
    """
    mesh = fit.mesh
    d = fit.nodes.shape[1]
    if fit.model == "piecewise_linear":
        bary, w = _simplex_rule(d)
        v = mesh.vertices                                             # (M, d + 1, d)
        x = np.einsum("qi,mid->mqd", bary, v)
        vol = np.abs(np.linalg.det(v[:, 1:] - v[:, :1]))              # d! |simplex|
        f = (bary @ fit.values[mesh.simplices].T).T                   # (M, q): linear on each
        err = f - target(x.reshape(-1, d) % 1.0).reshape(f.shape)
        return float((vol[:, None] * w * err**2).sum()), 0.0
    if rng is None:
        raise ValueError("`rng` must be a numpy Generator for the sampled Voronoi test loss; "
                         "got None")
    n = n_side or 4 * round(len(fit.nodes) ** (1.0 / d))
    x = stratified_torus_points(n, d, rng)
    e2 = (fit(x) - target(x)) ** 2
    return float(e2.mean()), float(e2.std(ddof=1) / math.sqrt(len(e2)))


def mesh_resolution_curve(model: str, d: int, n: object, *, seeds: int, seed: int,
                          per_node: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Test losses and their standard errors ``(seeds, len(n))`` of :func:`fit_mesh` on
    :func:`torus_smooth_target` with ``P = n^d`` jittered-lattice nodes, trained on about
    ``per_node * P`` stratified points; repetition ``k`` draws from
    ``SeedSequence(seed).spawn(seeds)[k]``."""
    model = check_choice("model", model, MESH_MODELS)
    d = check_int("d", d, minimum=2, maximum=3)
    grid = check_sorted_int_grid("n", n, minimum=3 if d == 2 else 2)
    seeds = check_int("seeds", seeds, minimum=1)
    per_node = check_int("per_node", per_node, minimum=1)
    total = seeds * sum(per_node * m**d for m in grid)
    check_seconds("n", grid[-1], 3e3 * total * (d + 1) ** 2)
    losses, stderr = np.empty((seeds, len(grid))), np.empty((seeds, len(grid)))
    for s, child in enumerate(np.random.SeedSequence(seed).spawn(seeds)):
        rng = np.random.default_rng(child)
        for i, m in enumerate(grid):
            nodes = jittered_lattice(m, d, rng)
            mesh = periodic_delaunay(nodes) if model == "piecewise_linear" else nodes
            side = max(1, round((per_node * m**d) ** (1.0 / d)))
            x = stratified_torus_points(side, d, rng)
            fit = fit_mesh(model, mesh, x, torus_smooth_target(x))
            losses[s, i], stderr[s, i] = mesh_loss(fit, torus_smooth_target, rng=rng)
    return losses, stderr
