"""Mesh models on T^2 and T^3 (verify.models.mesh): periodic Delaunay, exactness, least squares."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.interpolate import LinearNDInterpolator
from scipy.spatial import KDTree

from asymptotics._lib.budget import BudgetExceeded
from verify.models.mesh import (
    MeshFit,
    fit_mesh,
    jittered_lattice,
    mesh_design,
    mesh_loss,
    mesh_resolution_curve,
    periodic_delaunay,
    stratified_torus_points,
    torus_smooth_target,
)

CASES = [(2, 7, 40), (3, 4, 16)]     # (d, lattice side n, training side): P = n^d


@pytest.fixture(scope="module", params=CASES, ids=["T2", "T3"])
def mesh_case(request):
    d, n, side = request.param
    rng = np.random.default_rng(20261202 + d)
    mesh = periodic_delaunay(jittered_lattice(n, d, rng))
    return d, mesh, stratified_torus_points(side, d, rng), rng


def test_simplices_tile_the_torus_once(mesh_case):
    """Fundamental simplices: positive volumes summing to 1, every node used, no repeats."""
    d, mesh, _, _ = mesh_case
    v = mesh.vertices
    vol = np.abs(np.linalg.det(v[:, 1:] - v[:, :1]))
    assert (vol > 0).all()
    assert vol.sum() / (2 if d == 2 else 6) == pytest.approx(1.0, abs=1e-12)
    assert set(np.unique(mesh.simplices)) == set(range(len(mesh.nodes)))
    # Euler characteristic of the torus: V - E + F = 0 (d = 2); 6 P tetrahedra-ish in 3-d
    if d == 2:
        edges = {tuple(sorted(e)) for s in mesh.simplices for e in
                 ((s[0], s[1]), (s[1], s[2]), (s[0], s[2]))}
        assert len(mesh.nodes) - len(edges) + len(mesh.simplices) == 0


@pytest.mark.parametrize("model", ["piecewise_linear", "piecewise_constant"])
def test_exact_on_targets_of_the_model(mesh_case, model):
    """A target in the model's own space (a mesh function) is recovered exactly."""
    _, mesh, x, rng = mesh_case
    truth = MeshFit(model, mesh.nodes, rng.standard_normal(len(mesh.nodes)), mesh)
    fit = fit_mesh(model, mesh, x, truth(x))
    np.testing.assert_allclose(fit.values, truth.values, atol=1e-11)
    if model == "piecewise_linear":
        assert mesh_loss(fit, truth)[0] < 1e-22


def test_linear_evaluation_against_scipy_delaunay_interpolation(mesh_case):
    """Barycentric evaluation against LinearNDInterpolator on all 3^d periodic images (its
    own Delaunay triangulation; unique for points in general position)."""
    d, mesh, x, rng = mesh_case
    values = rng.standard_normal(len(mesh.nodes))
    shifts = np.array(np.meshgrid(*[[-1.0, 0.0, 1.0]] * d)).reshape(d, -1).T
    images = (mesh.nodes[None] + shifts[:, None]).reshape(-1, d)
    ref = LinearNDInterpolator(images, np.tile(values, len(shifts)))(x[:300])
    fit = MeshFit("piecewise_linear", mesh.nodes, values, mesh)
    np.testing.assert_allclose(fit(x[:300]), ref, atol=1e-12)


def test_continuous_across_the_periodic_seam(mesh_case):
    """f(eps, y) and f(1 - eps, y) meet: the triangulation is periodic, not clipped."""
    d, mesh, _, rng = mesh_case
    fit = MeshFit("piecewise_linear", mesh.nodes, rng.standard_normal(len(mesh.nodes)), mesh)
    y = rng.random((200, d))
    for axis in range(d):
        lo, hi = y.copy(), y.copy()
        lo[:, axis], hi[:, axis] = 1e-10, 1 - 1e-10
        assert np.abs(fit(lo) - fit(hi)).max() < 1e-7


@pytest.mark.parametrize("model", ["piecewise_linear", "piecewise_constant"])
def test_least_squares_against_a_dense_solve(model):
    rng = np.random.default_rng(5)
    nodes = jittered_lattice(5, 2, rng)
    x = stratified_torus_points(20, 2, rng)
    y = torus_smooth_target(x) + 0.1 * rng.standard_normal(len(x))
    fit = fit_mesh(model, nodes, x, y)
    dense = mesh_design(model, periodic_delaunay(nodes), x).toarray()
    ref = np.linalg.lstsq(dense, y, rcond=None)[0]
    np.testing.assert_allclose(fit.values, ref, atol=1e-10)
    # the design's rows: barycentric weights sum to 1; the nearest node's indicator
    np.testing.assert_allclose(dense.sum(axis=1), 1.0, atol=1e-12)
    if model == "piecewise_constant":
        _, j = KDTree(nodes, boxsize=1.0).query(x)
        assert (dense.argmax(axis=1) == j).all()


def test_quadrature_loss_against_a_stratified_average():
    """The collapsed Gauss rule on every simplex against 400^2 stratified test points."""
    rng = np.random.default_rng(8)
    nodes = jittered_lattice(6, 2, rng)
    x = stratified_torus_points(40, 2, rng)
    fit = fit_mesh("piecewise_linear", nodes, x, torus_smooth_target(x))
    exact = mesh_loss(fit, torus_smooth_target)[0]
    t = stratified_torus_points(400, 2, rng)
    e2 = (fit(t) - torus_smooth_target(t)) ** 2
    assert abs(e2.mean() - exact) < 4 * e2.std() / 400    # iid bound; stratified is tighter
    assert abs(e2.mean() - exact) > 0                     # a different route, not the same sum
    # the Voronoi model's sampled loss carries its standard error
    pc = fit_mesh("piecewise_constant", nodes, x, torus_smooth_target(x))
    mean, se = mesh_loss(pc, torus_smooth_target, rng=rng, n_side=200)
    ref = ((pc(t) - torus_smooth_target(t)) ** 2)
    assert abs(mean - ref.mean()) < 5 * np.hypot(se, ref.std() / 400)


def test_bad_configurations_refused():
    rng = np.random.default_rng(1)
    nodes = jittered_lattice(5, 2, rng)
    with pytest.raises(ValueError, match=r"`nodes`.*\[0, 1\)"):
        periodic_delaunay(nodes + 1.0)
    with pytest.raises(ValueError, match=r"at least 2\^d = 8"):
        periodic_delaunay(rng.random((5, 3)))
    with pytest.raises(ValueError, match=r"d in \[2, 3\]"):
        periodic_delaunay(rng.random((50, 4)))
    half = stratified_torus_points(30, 2, rng) * [0.5, 1.0]          # nothing in x_1 > 1/2
    for model in ("piecewise_linear", "piecewise_constant"):
        with pytest.raises(ValueError, match=r"every basis\s+function.*not unique"):
            fit_mesh(model, nodes, half, np.zeros(len(half)))
    with pytest.raises(ValueError, match="`model`"):
        fit_mesh("cubic", nodes, half, np.zeros(len(half)))
    with pytest.raises(ValueError, match="`y` must be finite"):
        fit_mesh("piecewise_constant", nodes, half, np.zeros(3))
    with pytest.raises(ValueError, match="`mesh` must be the PeriodicMesh"):
        MeshFit("piecewise_linear", nodes, np.zeros(25))
    # a sweep past the time bound is refused before any work (200^3 nodes, 10 repetitions)
    with pytest.raises(BudgetExceeded, match="`n`"):
        mesh_resolution_curve("piecewise_linear", 3, [200], seeds=10, seed=0)
    with pytest.raises(ValueError, match="`d`"):
        mesh_resolution_curve("piecewise_linear", 4, [3], seeds=1, seed=0)


@pytest.mark.slow
@pytest.mark.parametrize("model, d, sides, c", [
    ("piecewise_linear", 2, [16, 32], 4), ("piecewise_constant", 2, [16, 32], 2),
    ("piecewise_linear", 3, [6, 10], 4), ("piecewise_constant", 3, [6, 10], 2)])
def test_local_slope_of_the_model_size_law(model, d, sides, c):
    """(RG.7) in P: the local slope between two lattice sizes is near c/d; the band is the
    pre-asymptotic drift measured in docs/beyond_squared.md (at most 0.1 here)."""
    losses, _ = mesh_resolution_curve(model, d, sides, seeds=3, seed=11)
    m = losses.mean(axis=0)
    slope = np.log(m[0] / m[1]) / (d * np.log(sides[1] / sides[0]))
    assert slope == pytest.approx(c / d, abs=0.1)


@pytest.mark.slow
@given(seed=st.integers(0, 2**32 - 1), d=st.sampled_from([2, 3]), n=st.integers(2, 6),
       lattice=st.booleans())
def test_periodic_mesh_property(seed, d, n, lattice):
    """Any node set is either refused with the density message or triangulated periodically:
    the fundamental simplices tile the torus once and hat functions meet across the seam."""
    rng = np.random.default_rng(seed)
    nodes = jittered_lattice(n, d, rng) if lattice else rng.random((n ** d, d))
    try:
        mesh = periodic_delaunay(nodes)
    except ValueError as err:
        assert "dense enough" in str(err) or "general position" in str(err)
        return
    v = mesh.vertices
    vol = np.abs(np.linalg.det(v[:, 1:] - v[:, :1])).sum() / (2 if d == 2 else 6)
    assert vol == pytest.approx(1.0, abs=1e-9)
    fit = MeshFit("piecewise_linear", mesh.nodes, rng.standard_normal(len(nodes)), mesh)
    y = rng.random((50, d))
    lo, hi = y.copy(), y.copy()
    lo[:, 0], hi[:, 0] = 1e-10, 1 - 1e-10
    assert np.abs(fit(lo) - fit(hi)).max() < 1e-6
