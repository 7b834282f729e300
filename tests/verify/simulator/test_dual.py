"""Tests of the dual route of the P sweep (verify.simulator.dual, docs/simulator.md (SIM.12)-(SIM.13)).

The dual route (``p_route="dual"``; ``"auto"``, the default, uses it wherever it is cheaper)
is checked against two independent routes on the same draws: the primal per-point route of the simulator (``p_route="per_point"``: SVD of
``Z``, ``Sigma_theta`` through ``R^{-1} Phi R^{-T}``, SIM.10) and the plain loop
(``verify.simulator.reference.loop_losses``: normal equations from the projection itself,
``numpy.linalg.pinv``), then against plain Monte Carlo over teacher, noise, inputs and test
points.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator.design import draw_designs, make_design, seed_streams
from verify.simulator.dual import dual_is_cheaper, dual_p_sweep
from verify.simulator.reference import loop_losses, monte_carlo_loss
from verify.simulator.simulate import COND_LIMIT, SimulationConfig, simulate_sweep

SPEC = PowerLawSpectrum(2.0, size=48)
TARGETS = [Target.isotropic(), Target.power_law(1.5)]
TARGET_IDS = ["isotropic", "powerlaw"]


# ------------------------------------------------------------------ dual == primal == loop
@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
@pytest.mark.parametrize("ridge", [0.0, 1e-6, 0.03])
@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_dual_route_equals_per_point_route_and_loop(target, ridge, noise):
    # P <= S/2 keeps cond(Lambda_z) < 1e5 for the loop's normal equations (as in
    # tests/verify/simulator/test_simulate.py), so all three routes carry ~1e-11 relative rounding.
    grid = [3, 6, 8, 10, 11, 15, 20, 24]     # under-parameterized, the peak, over-parameterized
    kw = dict(student="projection", ridge=ridge, noise=noise, seeds=3, seed=5)
    dual = simulate_sweep(SPEC, target, D=6, P=grid, p_route="dual", **kw)
    primal = simulate_sweep(SPEC, target, D=6, P=grid, p_route="per_point", **kw)
    ref = loop_losses(SPEC, target, axis="P", grid=grid, fixed=6, **kw)
    assert dual.config.p_route == "dual" and primal.config.p_route == "per_point"
    np.testing.assert_allclose(dual.losses, primal.losses, rtol=1e-10, atol=0)
    np.testing.assert_allclose(dual.losses, ref, rtol=1e-10, atol=0)
    # the condition estimates are the singular-value ratios of Z either way
    np.testing.assert_allclose(dual.cond, primal.cond, rtol=1e-8)
    np.testing.assert_array_equal(dual.flags, primal.flags)


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
def test_dual_route_up_to_all_features(target):
    # P up to S (the projection is square): beyond the loop's reach, dual vs primal only.
    spec = PowerLawSpectrum(1.6, size=40)
    grid = [14, 20, 31, 40]
    kw = dict(student="projection", ridge=0.0, noise=0.05, seeds=2, seed=2)
    dual = simulate_sweep(spec, target, D=9, P=grid, p_route="dual", **kw)
    primal = simulate_sweep(spec, target, D=9, P=grid, p_route="per_point", **kw)
    np.testing.assert_allclose(dual.losses, primal.losses, rtol=1e-10, atol=0)


def test_auto_route_uses_the_dual_on_a_suffix_and_agrees():
    # D = 16, S = 400: the primal is cheaper just above D (P = 17, 20: flop model by hand,
    # about 3.9e5 and 5.4e5 against the dual's 7.4e5), the dual further out
    spec, grid = PowerLawSpectrum(2.0, size=400), [8, 17, 20, 26, 40, 64]
    chosen = [dual_is_cheaper(16, p, 400) for p in grid]
    assert chosen == [False, False, False, True, True, True]
    kw = dict(D=16, P=grid, noise=0.1, ridge=1e-3, seeds=2, seed=4)
    auto = simulate_sweep(spec, Target.power_law(1.5), **kw)
    assert auto.config.p_route == "auto"
    for route in ("dual", "per_point"):
        other = simulate_sweep(spec, Target.power_law(1.5), p_route=route, **kw)
        np.testing.assert_allclose(auto.losses, other.losses, rtol=1e-10, atol=0)
    # which route ran: the primal points are bitwise those of the per-point route, the dual
    # ones differ from it by rounding
    assert np.array_equal(auto.losses[:, :3], other.losses[:, :3])
    assert not np.array_equal(auto.losses[:, 3:], other.losses[:, 3:])


@given(d=st.integers(1, 4000), s=st.integers(1, 10**5), p1=st.integers(1, 10**5),
       p2=st.integers(1, 10**5))
def test_dual_choice_is_monotone_in_p(d, s, p1, p2):
    # the primal cost grows with P and the dual cost does not: once cheaper, always cheaper
    lo, hi = sorted((p1, p2))
    if dual_is_cheaper(d, lo, s):
        assert dual_is_cheaper(d, hi, s)
    assert not dual_is_cheaper(d, min(lo, d), s)   # never for P <= D


def test_top_student_keeps_its_route():
    # the dual route is for the projection student; the top student's P sweep is unchanged
    kw = dict(student="top", noise=0.1, seeds=2, seed=1)
    a = simulate_sweep(SPEC, Target.power_law(1.5), D=6, P=[10, 20], **kw)
    b = simulate_sweep(SPEC, Target.power_law(1.5), D=6, P=[10, 20], p_route="per_point", **kw)
    assert np.array_equal(a.losses, b.losses)


# ------------------------------------------------------------------ the function itself
def _draw(seeds=2, d=5, p_max=20, s=30):
    design = make_design(PowerLawSpectrum(1.7, size=s), Target.power_law(2.1), "projection")
    return design, draw_designs(design, seed_streams(7, seeds), d_max=d, p_max=p_max)


def test_dual_p_sweep_matches_teacher_space_matrices():
    # Independent route: build the S x S learned map explicitly, M = V_P^T A N_P Q_P^T with
    # A = Z^+ (numpy pinv) or the ridge solve, and evaluate E||(M - Pi_P) u||^2 with
    # Cov(u) = diag(p), plus the noise factor ||V_P^T A||_F^2 / P.
    design, draw = _draw()
    grid, ridge = [6, 11, 20], 0.02
    bias, fac, _ = dual_p_sweep(draw.v, draw.qt, draw.r, draw.n, design.powers,
                                       draw.phi_diag, grid, ridge)
    dp = np.diag(design.powers)
    for k in range(2):
        for j, p in enumerate(grid):
            q_p = draw.qt[k, :p].T
            xt = draw.n[k, :, :p] @ q_p.T                       # visible whitened inputs
            z = xt @ draw.v[k, :p].T / np.sqrt(p)                 # Z = Xt Lambda^1/2 G_P^T / sqrt(P)
            a = z.T @ np.linalg.inv(z @ z.T + ridge * np.eye(5))
            h = draw.v[k, :p].T @ a / np.sqrt(p)                  # labels -> whitened weights
            e = h @ xt - q_p @ q_p.T
            assert bias[k, j] == pytest.approx(np.trace(e @ dp @ e.T), rel=1e-10)
            assert fac[k, j] == pytest.approx(np.sum(h * h), rel=1e-10)


def test_dual_p_sweep_validation():
    design, draw = _draw()
    args = (draw.v, draw.qt, draw.r, draw.n, design.powers, draw.phi_diag)
    with pytest.raises(ValueError, match=r"`p_grid` must hold only P > D = 5.*got 5"):
        dual_p_sweep(*args, [5, 9], 0.0)
    with pytest.raises(ValueError, match=r"`p_grid` must not exceed the drawn P_max = 20; got 21"):
        dual_p_sweep(*args, [9, 21], 0.0)
    with pytest.raises(ValueError, match=r"`p_grid` must be strictly increasing"):
        dual_p_sweep(*args, [9, 8], 0.0)
    with pytest.raises(ValueError, match=r"`ridge` must be >= 0; got -1.0"):
        dual_p_sweep(*args, [9], -1.0)
    with pytest.raises(ValueError, match=r"`qt` must have shape \(2, 20, 30\).*got \(2, 19, 30\)"):
        dual_p_sweep(draw.v, draw.qt[:, :19], *args[2:], [9], 0.0)
    with pytest.raises(ValueError, match=r"`p_route` must be one of \['auto', 'dual', 'per_point'\]"):
        simulate_sweep(SPEC, Target.isotropic(), D=4, P=[8], p_route="nested")


# ------------------------------------------------------------------ determinism and memory
@pytest.mark.parametrize("ridge", [0.0, 0.01])
def test_dual_route_bitwise_identical_whatever_the_chunking(ridge):
    kw = dict(D=7, P=[4, 8, 12, 20, 30], student="projection", ridge=ridge, noise=0.1, seed=3,
              p_route="dual")
    runs = [simulate_sweep(SPEC, Target.power_law(1.5), seeds=5, chunk_size=c, **kw)
            for c in (None, 1, 2, 3)]
    for other in runs[1:]:
        assert np.array_equal(runs[0].losses, other.losses)
        assert np.array_equal(runs[0].cond, other.cond)
    fewer = simulate_sweep(SPEC, Target.power_law(1.5), seeds=2, **kw)
    assert np.array_equal(runs[0].losses[:2], fewer.losses)  # seed k = stream k


def test_dual_route_stays_within_the_chunk_memory_estimate():
    # tracemalloc sees numpy's buffers; the chunk of 2 seeds must fit the per-seed estimate
    # that sizes chunks (SimulationConfig.chunk / CHUNK_BUDGET), which counts 3 P_max x S arrays per seed.
    spec = PowerLawSpectrum(2.0, size=512)
    per_seed = 8 * (6 * 8 * 512 + 4 * 512 * 512 + 3 * 512 * 512)
    config = SimulationConfig(spec, Target.isotropic(), D=8, P=[64, 512], seeds=10**6)
    assert config.chunk == (1 << 30) // per_seed  # the formula tested
    tracemalloc.start()
    simulate_sweep(spec, Target.isotropic(), D=8, P=[64, 128, 256, 512], seeds=2,
                   chunk_size=2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 * per_seed, (peak, per_seed)


# ------------------------------------------------------------------ flags
def test_peak_and_ill_conditioning_flags_on_the_dual_route():
    res = simulate_sweep(SPEC, Target.isotropic(), D=20, P=[21, 22, 23, 24, 40], seeds=3,
                         p_route="dual")
    assert res.flags.tolist() == [True, True, True, False, False]
    assert "mean loss is infinite" in res.flag_reasons[0]
    assert "infinite variance" in res.flag_reasons[1]
    # eigenvalues down to 1e-40: Z's singular values span far more than COND_LIMIT
    spec = ArraySpectrum(np.logspace(0, -40, 12))
    bad = simulate_sweep(spec, Target.isotropic(), D=6, P=[10, 12], seeds=2, p_route="dual")
    assert bad.cond.min() > COND_LIMIT
    assert bad.flags.all() and all("ill-conditioned" in w for w in bad.flag_reasons)


# ------------------------------------------------------------------ exact vs Monte Carlo
@pytest.mark.parametrize("ridge", [0.0, 0.2])
def test_dual_sweep_matches_monte_carlo(ridge):
    spec, target, noise, d, grid = PowerLawSpectrum(1.8, size=32), Target.power_law(2.0), 0.05, 6, [11, 24]
    n = 400
    res = simulate_sweep(spec, target, D=d, P=grid, student="projection", ridge=ridge,
                         noise=noise, seeds=n, seed=31)
    rng = np.random.default_rng(20250102)
    for j, p in enumerate(grid):
        mc = np.array([monte_carlo_loss(spec, target, D=d, P=p, student="projection",
                                        ridge=ridge, noise=noise, rng=rng, n_test=400)
                       for _ in range(n)])
        se = np.hypot(res.stderr[j], mc.std(ddof=1) / np.sqrt(n))
        # 4 combined standard errors: a fluke has probability ~6e-5 per point
        assert abs(res.mean[j] - mc.mean()) < 4 * se, (p, res.mean[j], mc.mean(), se)
        assert res.losses[:, j].std() < mc.std()  # exact averaging removes variance


# ------------------------------------------------------------------ property: dual == primal
@settings(max_examples=25)
@given(s=st.integers(8, 40), b=st.floats(1.2, 3.0), a=st.one_of(st.none(), st.floats(1.2, 3.0)),
       ridge=st.sampled_from([0.0, 1e-4, 0.3]), noise=st.sampled_from([0.0, 0.2]),
       seed=st.integers(0, 2**31), data=st.data())
def test_dual_equals_per_point_property(s, b, a, ridge, noise, seed, data):
    # Both routes are exact and backward-stable in Z's singular values; ridgeless points keep
    # P - D > 3 (finite variance, cond(Z) moderate).
    spec = PowerLawSpectrum(b, size=s)
    target = Target.isotropic() if a is None else Target.power_law(a)
    d = data.draw(st.integers(1, s - 1), label="D")
    pool = [p for p in range(1, s + 1) if ridge > 0 or abs(p - d) > 3]
    assume(pool)
    grid = sorted(data.draw(st.sets(st.sampled_from(pool), min_size=1, max_size=4), label="P"))
    kw = dict(student="projection", ridge=ridge, noise=noise, seeds=2, seed=seed)
    dual = simulate_sweep(spec, target, D=d, P=grid, p_route="dual", **kw)
    primal = simulate_sweep(spec, target, D=d, P=grid, p_route="per_point", **kw)
    np.testing.assert_allclose(dual.losses, primal.losses, rtol=1e-8, atol=1e-300)
