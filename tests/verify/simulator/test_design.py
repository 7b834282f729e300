"""Tests of verify.simulator.design: the model specification and the per-seed draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator.design import (
    draw_designs,
    make_design,
    residual_power,
    seed_streams,
)


def test_make_design_tabulates_spectrum_and_powers():
    spec = PowerLawSpectrum(2.0, size=10)
    d = make_design(spec, Target.isotropic(), "top")
    np.testing.assert_array_equal(d.lam, spec.eigenvalues())
    np.testing.assert_allclose(d.powers, spec.eigenvalues() / 10)  # Bahri: p_i = lambda_i / S
    assert d.isotropic_weights == pytest.approx(0.1) and d.size == 10
    assert make_design(spec, Target.power_law(1.5)).isotropic_weights is None


def test_make_design_validation():
    with pytest.raises(ValueError, match=r"`student` must be one of \['projection', 'top'\]"):
        make_design(PowerLawSpectrum(2.0, size=4), Target.isotropic(), "random")
    with pytest.raises(TypeError, match=r"`target` must be an asymptotics.model.Target"):
        make_design(PowerLawSpectrum(2.0, size=4), 0.5)


def test_projection_draw_is_a_qr_of_the_projected_features():
    spec = PowerLawSpectrum(1.5, size=40)
    d = make_design(spec, Target.power_law(2.0), "projection")
    streams = seed_streams(4, 2)
    draw = draw_designs(d, streams, d_max=7, p_max=9)
    assert draw.n.shape == (2, 7, 9) and draw.r.shape == (2, 9, 9) and not draw.diagonal
    for k, stream in enumerate(streams):
        rng = np.random.default_rng(stream)
        g = rng.standard_normal((9, 40))                  # the projection is drawn first
        np.testing.assert_array_equal(draw.n[k], rng.standard_normal((7, 9)))
        vt = np.sqrt(d.lam)[:, None] * g.T
        np.testing.assert_allclose(draw.qt[k].T @ draw.r[k], vt, atol=1e-13)   # V^T = Q R
        np.testing.assert_allclose(draw.qt[k] @ draw.qt[k].T, np.eye(9), atol=1e-12)
        np.testing.assert_array_equal(draw.v[k], g * np.sqrt(d.lam))      # V = G Lambda^1/2
        assert np.allclose(np.tril(draw.r[k], -1), 0)
        # phi_kk = sum_i p_i Q_ik^2 by an explicit loop
        phi = [sum(d.powers[i] * draw.qt[k, j, i] ** 2 for i in range(40)) for j in range(9)]
        np.testing.assert_allclose(draw.phi_diag[k], phi, rtol=1e-12)


def test_leading_block_of_r_is_the_factor_of_the_first_p_features():
    # the nesting property the P sweep relies on: QR of the first P columns gives R[:P, :P]
    d = make_design(PowerLawSpectrum(2.0, size=30), Target.isotropic(), "projection")
    rng = np.random.default_rng(8)
    vt = np.sqrt(d.lam)[:, None] * rng.standard_normal((12, 30)).T
    r = np.linalg.qr(vt, mode="r")
    for p in (1, 5, 11):
        np.testing.assert_allclose(np.linalg.qr(vt[:, :p], mode="r"), r[:p, :p], atol=1e-13)


def test_projection_q_stays_orthonormal_for_ill_conditioned_features():
    # lambda from 1 to 1e-40: cond(V) ~ 1e20. Householder Q is orthonormal to rounding (a
    # triangular solve Q^T = R^-T V would not be), so Phi_kk and rho^2 stay in [0, sum p].
    d = make_design(ArraySpectrum(np.logspace(0, -40, 12)), Target.isotropic(), "projection")
    draw = draw_designs(d, seed_streams(5, 2), d_max=3, p_max=10)
    for k in range(2):
        np.testing.assert_allclose(draw.qt[k] @ draw.qt[k].T, np.eye(10), atol=1e-14)
        np.testing.assert_allclose(draw.qt[k].T @ draw.r[k], draw.v[k].T, rtol=0,
                                   atol=1e-14 * np.abs(draw.v[k]).max())
    rho2 = np.stack([residual_power(d, draw, p) for p in range(1, 11)])
    total = d.powers.sum()
    assert np.all(rho2 >= 0) and np.all(rho2 <= total * (1 + 1e-14))
    assert np.all(np.diff(rho2, axis=0) <= 1e-15 * total)  # more features, less residual


def test_top_draw_is_diagonal_and_residual_is_the_tail_sum():
    spec = PowerLawSpectrum(2.0, size=20)
    d = make_design(spec, Target.isotropic(), "top")
    draw = draw_designs(d, seed_streams(0, 3), d_max=5, p_max=8)
    assert draw.diagonal and draw.qt is None and draw.v is None
    np.testing.assert_array_equal(draw.r, np.sqrt(spec.eigenvalues(8)))
    np.testing.assert_allclose(residual_power(d, draw, 8), d.powers[8:].sum(), rtol=1e-15)
    d_full = make_design(spec, Target.isotropic(), "top")
    draw_full = draw_designs(d_full, seed_streams(0, 1), d_max=2, p_max=20)
    assert residual_power(d_full, draw_full, 20).tolist() == [0.0]


def test_projection_spanning_everything_leaves_no_residual():
    d = make_design(ArraySpectrum([1.0, 0.3, 0.1, 0.01]), Target.isotropic(), "projection")
    draw = draw_designs(d, seed_streams(1, 4), d_max=3, p_max=4)
    rho2 = residual_power(d, draw, 4)
    assert np.all(rho2 >= 0) and np.all(rho2 < 1e-15)


def test_draw_validation():
    d = make_design(PowerLawSpectrum(2.0, size=6), Target.isotropic(), "top")
    with pytest.raises(ValueError, match=r"`p_max` must be an integer <= 6; got 7"):
        draw_designs(d, seed_streams(0, 1), d_max=2, p_max=7)
    with pytest.raises(ValueError, match=r"`d_max` must be a positive integer; got 0"):
        draw_designs(d, seed_streams(0, 1), d_max=0, p_max=2)


@given(s=st.integers(2, 24), frac=st.floats(0.05, 1.0), a=st.floats(1.1, 4.0),
       seed=st.integers(0, 2**32 - 1))
def test_residual_power_matches_the_population_regression(s, frac, a, seed):
    # rho^2(P) from the QR route equals the normal-equations residual of regressing the
    # teacher on the P projected features: sum p_i - Tr[Lambda_z^{-1} W Lambda Sigma Lambda W^T]
    p = max(1, int(frac * s))
    d = make_design(PowerLawSpectrum(1.5, size=s), Target.power_law(a), "projection")
    stream = seed_streams(seed, 1)
    draw = draw_designs(d, stream, d_max=1, p_max=p)
    g = np.random.default_rng(stream[0]).standard_normal((p, s))
    sig = d.powers / d.lam
    lam_z = (g * d.lam) @ g.T
    cross = (g * (d.lam * sig * d.lam)) @ g.T
    ref = d.powers.sum() - np.trace(np.linalg.solve(lam_z, cross))
    scale = d.powers.sum() * np.linalg.cond(lam_z)
    assert abs(residual_power(d, draw, p)[0] - ref) <= 1e-13 * scale
