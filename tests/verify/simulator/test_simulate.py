"""Tests of verify.simulator.simulate: the exact-average, nested, seed-batched least-squares simulator.

Every check compares two independent routes: the nested vectorized sweep against a plain
per-point loop (verify.simulator.reference.loop_losses), the exact trace average against plain
Monte Carlo over teacher weights and test points, and the simulator against the exact Gaussian
identity E[L] = (D-1)/(D-P-1) sum_{n>P} p_n (docs/theory/regimes.md (RG.12);
docs/simulator.md (SIM.11)).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator.reference import loop_losses, monte_carlo_loss
from verify.simulator.simulate import COND_LIMIT, SweepResult, simulate_sweep

SPEC = PowerLawSpectrum(2.0, size=48)


# ------------------------------------------------------------------ vectorized == loop
CASES = [  # (student, axis, grid, fixed); projection grids keep P <= S/2 (see below)
    ("top", "D", [3, 8, 19, 20, 21, 30, 60], 20),
    ("top", "P", [2, 10, 25, 29, 30, 31, 40, 48], 30),
    ("projection", "D", [3, 8, 15, 16, 17, 30, 60], 16),
    ("projection", "P", [2, 5, 11, 12, 13, 18, 24], 12),
]


@pytest.mark.parametrize("student,axis,grid,fixed", CASES)
@pytest.mark.parametrize("target", [Target.isotropic(), Target.power_law(1.5)],
                         ids=["isotropic", "powerlaw"])
@pytest.mark.parametrize("ridge", [0.0, 0.03])
def test_sweep_equals_plain_loop(student, axis, grid, fixed, target, ridge):
    # The loop recomputes Lambda_z, Sigma_theta and rho^2 from the projection by the normal
    # equations (condition number cond(Lambda_z)); for P <= S/2 here cond(Lambda_z) < 1e5, so
    # both routes carry ~1e-11 relative rounding: 1e-10 is the promised agreement.
    kw = dict(student=student, ridge=ridge, noise=0.1, seeds=3, seed=11)
    d, p = (grid, fixed) if axis == "D" else (fixed, grid)
    res = simulate_sweep(SPEC, target, D=d, P=p, **kw)
    ref = loop_losses(SPEC, target, axis=axis, grid=grid, fixed=fixed, **kw)
    np.testing.assert_allclose(res.losses, ref, rtol=1e-10, atol=0)


def test_kernel_limit_equals_loop_with_all_features():
    grid = [2, 5, 20, 47]
    res = simulate_sweep(SPEC, Target.power_law(2.5), D=grid, P=None, noise=0.02, seeds=2)
    ref = loop_losses(SPEC, Target.power_law(2.5), axis="D", grid=grid, fixed=SPEC.size,
                      student="top", ridge=0.0, noise=0.02, seeds=2, seed=0)
    np.testing.assert_allclose(res.losses, ref, rtol=1e-10)
    assert res.config.kind == "kernel" and res.config.to_dict()["student"] == "kernel"


# ------------------------------------------------------------------ determinism
@pytest.mark.parametrize("kw", [
    dict(D=[4, 9, 30], P=12, student="projection", ridge=0.0),
    dict(D=25, P=[3, 10, 25, 40], student="projection", ridge=0.01),
    dict(D=[5, 40], P=None, ridge=0.0),
])
def test_bitwise_identical_whatever_the_chunking(kw):
    runs = [simulate_sweep(SPEC, Target.isotropic(), seeds=5, seed=3, noise=0.1,
                           chunk_size=c, **kw) for c in (None, 1, 2, 3)]
    for other in runs[1:]:
        assert np.array_equal(runs[0].losses, other.losses)
    again = simulate_sweep(SPEC, Target.isotropic(), seeds=5, seed=3, noise=0.1, **kw)
    assert np.array_equal(runs[0].losses, again.losses)
    fewer = simulate_sweep(SPEC, Target.isotropic(), seeds=2, seed=3, noise=0.1, **kw)
    assert np.array_equal(runs[0].losses[:2], fewer.losses)  # seed k = stream k
    other_seed = simulate_sweep(SPEC, Target.isotropic(), seeds=5, seed=4, noise=0.1, **kw)
    assert not np.array_equal(runs[0].losses, other_seed.losses)


# ------------------------------------------------------------------ exact identities
def test_top_p_gaussian_identity_within_standard_error():
    # E[L] = (D-1)/(D-P-1) * sum_{n>P} p_n for the top-P student, D > P + 1 (SIM.11).
    spec = PowerLawSpectrum(2.0, size=256)
    target = Target.isotropic()
    p, grid = 10, [16, 20, 40, 80, 160]
    res = simulate_sweep(spec, target, D=grid, P=p, student="top", seeds=400, seed=2)
    tail = float(target.powers(spec)[p:].sum())
    exact = np.array([(d - 1) / (d - p - 1) * tail for d in grid])
    z = (res.mean - exact) / res.stderr
    assert np.all(np.abs(z) < 4), z  # 4 standard errors: a fluke has probability ~3e-4 here


def test_identity_with_noise_and_power_law_target():
    # With label noise sigma^2 the residual acts as extra noise: E[L] = rho^2 + (rho^2 +
    # sigma^2) P / (D - P - 1) (SIM.11 with the noise term of SIM.5).
    spec, target = PowerLawSpectrum(1.5, size=100), Target.power_law(2.2)
    p, grid, noise = 6, [12, 24, 48], 0.3
    res = simulate_sweep(spec, target, D=grid, P=p, student="top", noise=noise, seeds=400)
    rho2 = float(target.powers(spec)[p:].sum())
    exact = np.array([rho2 + (rho2 + noise) * p / (d - p - 1) for d in grid])
    assert np.all(np.abs(res.mean - exact) < 4 * res.stderr)


def test_projection_underparameterized_identity():
    # Same identity for the random projection, conditional on it: each seed's rho^2(P) is
    # recovered from the D -> infinity limit of the formula, L * (D-P-1)/(D-1).
    spec, target = PowerLawSpectrum(2.0, size=64), Target.isotropic()
    res = simulate_sweep(spec, target, D=[14, 28, 56, 112], P=8, seeds=300, seed=9)
    scaled = res.losses * np.array([(d - 8 - 1) / (d - 1) for d in res.grid])
    # after rescaling, every column estimates the same E[rho^2(8)]; compare the extremes
    diff = scaled[:, 0] - scaled[:, -1]
    assert abs(diff.mean()) < 4 * diff.std(ddof=1) / np.sqrt(diff.size)


def test_kernel_limit_noiseless_zero_once_all_features_are_resolved():
    spec = ArraySpectrum([1.0, 0.5, 0.25, 0.125])
    res = simulate_sweep(spec, Target.isotropic(), D=[1, 2, 3, 4, 8], P=None, seeds=3)
    assert np.all(res.losses[:, -2:] == 0.0)  # D >= S: the interpolant is the teacher
    assert np.all(res.losses[:, :3] > 0.0)


# ------------------------------------------------------------------ exact vs Monte Carlo
@pytest.mark.parametrize("student,D,P,ridge", [
    ("projection", 16, 6, 0.0),
    ("projection", 6, 16, 0.0),
    ("projection", 10, 10, 0.5),
    ("top", 7, 20, 0.0),
    ("top", 9, None, 0.0),
])
def test_exact_average_matches_monte_carlo(student, D, P, ridge):
    spec, target, noise = PowerLawSpectrum(1.8, size=32), Target.power_law(2.0), 0.05
    n = 500
    res = simulate_sweep(spec, target, D=[D], P=P, student=student, ridge=ridge, noise=noise,
                         seeds=n, seed=21)
    rng = np.random.default_rng(20250101)
    mc = np.array([monte_carlo_loss(spec, target, D=D, P=P, student=student, ridge=ridge,
                                    noise=noise, rng=rng, n_test=400) for _ in range(n)])
    se = np.hypot(res.stderr[0], mc.std(ddof=1) / np.sqrt(n))
    assert abs(res.mean[0] - mc.mean()) < 4 * se, (res.mean[0], mc.mean(), se)
    # the exact average removes the teacher/test/invisible-input noise: smaller spread
    assert res.losses[:, 0].std() < mc.std()


# ------------------------------------------------------------------ result and flags
def test_result_fields_and_statistics():
    res = simulate_sweep(SPEC, Target.isotropic(), D=[5, 10], P=3, seeds=4, seed=7)
    assert isinstance(res, SweepResult)
    assert res.axis == "D" and res.grid == (5, 10) and res.P == 3 and res.D is None
    assert res.losses.shape == (4, 2) and res.seed == 7 and res.n_seeds == 4
    np.testing.assert_array_equal(res.mean, res.losses.mean(axis=0))
    np.testing.assert_allclose(res.stderr, res.losses.std(axis=0, ddof=1) / 2.0)
    assert "exact average" in res.method
    one = simulate_sweep(SPEC, Target.isotropic(), D=[5, 10], P=3, seeds=1)
    assert np.all(np.isinf(one.stderr))


def test_interpolation_peak_is_flagged_and_finite():
    res = simulate_sweep(SPEC, Target.isotropic(), D=20, P=[10, 19, 20, 21, 40], seeds=3)
    assert np.isfinite(res.losses).all()
    assert res.flags.tolist() == [False, True, True, True, False]
    assert "mean loss is infinite" in res.flag_reasons[2]


def test_ill_conditioned_point_is_flagged():
    # eigenvalues down to 1e-40, over-parameterized (D < P): Z^T = Lambda^1/2 N^T has
    # |R_kk| ratio ~ 1e20 > COND_LIMIT. (For D >= P the whitened route never sees Lambda_z.)
    spec = ArraySpectrum(np.logspace(0, -40, 12))
    res = simulate_sweep(spec, Target.isotropic(), D=[6], P=12, student="top", seeds=2)
    assert res.cond.max() > COND_LIMIT
    assert res.flags[0] and "ill-conditioned" in res.flag_reasons[0]


def test_ridge_regularizes_the_peak():
    kw = dict(D=20, P=[20], seeds=20, seed=1, student="projection")
    ridgeless = simulate_sweep(SPEC, Target.isotropic(), **kw)
    ridge = simulate_sweep(SPEC, Target.isotropic(), ridge=1e-3, **kw)
    assert ridge.mean[0] < ridgeless.mean[0] and not ridge.flags[0]


# ------------------------------------------------------------------ input validation
@pytest.mark.parametrize("kw,exc,match", [
    (dict(D=[4, 8], P=49, student="top"), ValueError, r"`P` must be <= S = 48.*top-P.*got 49"),
    (dict(D=4, P=[8, 60]), ValueError, r"`P` must be <= S = 48.*projection.*got 60"),
    (dict(D=[0, 8], P=4), ValueError, r"`D\[0\]` must be a positive integer; got 0"),
    (dict(D=0, P=[4]), ValueError, r"`D` must be a positive integer; got 0"),
    (dict(D=[4, 8], P=4, ridge=-1.0), ValueError, r"`ridge` must be >= 0; got -1.0"),
    (dict(D=[4, 8], P=4, noise=-0.1), ValueError, r"`noise` must be >= 0; got -0.1"),
    (dict(D=[4, 8], P=4, noise=float("nan")), ValueError, r"`noise` must be a real number"),
    (dict(D=[4, 8], P=[4]), ValueError, r"exactly one of `D` and `P` must be a list"),
    (dict(D=4, P=4), ValueError, r"exactly one of `D` and `P` must be a list"),
    (dict(D=[8, 4], P=4), ValueError, r"`D` must be strictly increasing"),
    (dict(D=[4], P=4, seeds=0), ValueError, r"`seeds` must be a positive integer; got 0"),
    (dict(D=[4], P=4, chunk_size=0), ValueError, r"`chunk_size` must be a positive integer"),
    (dict(D=[4], P=4, student="wide"), ValueError, r"`student` must be one of"),
    (dict(D=[4.5], P=4), TypeError, r"`D\[0\]` must be an integer"),
])
def test_bad_inputs_raise_clear_errors(kw, exc, match):
    with pytest.raises(exc, match=match):
        simulate_sweep(SPEC, Target.isotropic(), **kw)


def test_bad_spectra_raise_clear_errors():
    with pytest.raises(ValueError, match=r"`spectrum` must be finite"):
        simulate_sweep(PowerLawSpectrum(2.0), Target.isotropic(weight_variance=1.0), D=[4], P=2)
    with pytest.raises(ValueError, match=r"must contain only finite numbers"):
        ArraySpectrum([1.0, np.inf])
    with pytest.raises(ValueError, match=r"eigenvalues must be positive.*underflow"):
        simulate_sweep(PowerLawSpectrum(400.0, size=10), Target.power_law(2.0), D=[4], P=2)
    with pytest.raises(TypeError, match=r"`spectrum` must be an asymptotics.model"):
        simulate_sweep(np.ones(4), Target.isotropic(), D=[4], P=2)


# ------------------------------------------------------------------ property: sweep == loop
@settings(max_examples=25)
@given(s=st.integers(6, 24), b=st.floats(1.2, 3.0), a=st.one_of(st.none(), st.floats(1.2, 3.0)),
       student=st.sampled_from(["top", "projection"]), axis=st.sampled_from(["D", "P"]),
       ridge=st.sampled_from([0.0, 1e-3, 0.3]), noise=st.sampled_from([0.0, 0.2]),
       seed=st.integers(0, 2**31), data=st.data())
def test_sweep_equals_loop_property(s, b, a, student, axis, ridge, noise, seed, data):
    # Random small models; P <= S/2 keeps cond(Lambda_z) moderate for the loop's normal
    # equations, and ridgeless points keep |D - P| > 3 (finite variance, cond(N) moderate).
    spec = PowerLawSpectrum(b, size=s)
    target = Target.isotropic() if a is None else Target.power_law(a)
    half = s // 2
    if axis == "D":
        fixed = data.draw(st.integers(1, half), label="P")
        pool = [d for d in range(1, 3 * s) if ridge > 0 or abs(d - fixed) > 3]
    else:
        fixed = data.draw(st.integers(1, 3 * s), label="D")
        pool = [p for p in range(1, half + 1) if ridge > 0 or abs(p - fixed) > 3]
    assume(pool)
    grid = sorted(data.draw(st.sets(st.sampled_from(pool), min_size=1, max_size=4), label="grid"))
    kw = dict(student=student, ridge=ridge, noise=noise, seeds=2, seed=seed)
    d, p = (grid, fixed) if axis == "D" else (fixed, grid)
    res = simulate_sweep(spec, target, D=d, P=p, **kw)
    ref = loop_losses(spec, target, axis=axis, grid=grid, fixed=fixed, **kw)
    np.testing.assert_allclose(res.losses, ref, rtol=1e-8, atol=1e-300)


# ------------------------------------------------------------------ the config -> result chain
def test_result_records_its_validated_config():
    from verify.simulator.simulate import SimulationConfig, SimulationResult, run_simulation

    assert SweepResult is SimulationResult  # the former name stays an alias
    config = SimulationConfig(SPEC, Target.power_law(1.5), D=(4, 9), P=12, noise=0.1, seeds=3,
                              seed=2)
    res = run_simulation(config)
    assert res.config is config and config.axis == "D" and config.grid == (4, 9)
    assert (config.fixed, config.d_max, config.p_max, config.size) == (12, 9, 12, 48)
    direct = simulate_sweep(SPEC, Target.power_law(1.5), D=[4, 9], P=12, noise=0.1, seeds=3,
                            seed=2)
    assert np.array_equal(res.losses, direct.losses) and direct.config == config
    record = config.to_dict()
    assert record["student"] == "projection" and record["D"] == [4, 9] and record["P"] == 12
    assert record["seed"] == 2 and record["seeds"] == 3 and record["chunk_size"] == 3
    with pytest.raises(TypeError, match="`config` must be a SimulationConfig; got dict"):
        run_simulation(record)


def test_from_json_is_the_same_config_and_refuses_unknown_keys():
    from verify.simulator.simulate import SimulationConfig

    data = {"b": 2.0, "S": 48, "a": 1.5, "D": [4, 9], "P": 12, "noise": 0.1, "seeds": 3}
    assert SimulationConfig.from_json(data) == SimulationConfig(
        SPEC, Target.power_law(1.5), D=(4, 9), P=12, noise=0.1, seeds=3)
    kernel = SimulationConfig.from_json({"b": 2.0, "S": 48, "D": [4, 9], "P": None})
    assert kernel.kind == "kernel" and kernel.target == Target.isotropic()
    with pytest.raises(ValueError, match=r"`config` has unknown key 'ridg'"):
        SimulationConfig.from_json({**data, "ridg": 0.1})
    with pytest.raises(ValueError, match=r"`config` must give 'P'"):
        SimulationConfig.from_json({"b": 2.0, "S": 48, "D": [4]})
    with pytest.raises(ValueError, match=r"`S` must be a positive integer; got 0"):
        SimulationConfig.from_json({**data, "S": 0})


def test_seed_streams_are_the_documented_spawn_children():
    # docs/sweeps.md (SW.3): stream k of root seed s is SeedSequence(s, spawn_key=(k,)),
    # whatever the number of streams; the simulator draws the projection from it first
    from verify.simulator.design import seed_streams

    for k, stream in enumerate(seed_streams(77, 4)):
        child = np.random.SeedSequence(77, spawn_key=(k,))
        assert np.array_equal(stream.generate_state(4), child.generate_state(4))
    res = simulate_sweep(SPEC, Target.isotropic(), D=[4, 9], P=12, seeds=3, seed=77)
    one = simulate_sweep(SPEC, Target.isotropic(), D=[4, 9], P=12, seeds=1, seed=77)
    assert np.array_equal(res.losses[:1], one.losses)
