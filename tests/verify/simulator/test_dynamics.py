"""The simulator's time axis (verify.simulator.dynamics) against independent routes.

Routes: the plain loop of :func:`gd_reference_loop` (iterates the label-to-weight map, no
SVD, no filter); the ridgeless static sweep :func:`verify.simulator.simulate.simulate_sweep` on the
same draws (``t = inf``); the exact population theory
:func:`asymptotics.dynamics.training_curve` (``D = inf``, top-P student); and a
second-moment loop ``M <- (I - eta S) M (I - eta S)`` for the projection at ``D = inf``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asymptotics.dynamics import training_curve
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator import simulate_sweep
from verify.simulator.design import draw_designs, make_design, residual_power, seed_streams
from verify.simulator.dynamics import gd_reference_loop, simulate_gd

SPEC, TGT = PowerLawSpectrum(1.5, size=40), Target.power_law(2.0)


@pytest.mark.parametrize(("D", "P", "student", "method"), [
    (30, 20, "projection", "gd"), (15, 25, "projection", "gd"), (30, None, "top", "gd"),
    (20, 12, "top", "gd"), (25, 10, "projection", "flow")])
def test_against_the_plain_loop_and_the_static_sweep(D, P, student, method):
    times = [*range(31), math.inf]
    res = simulate_gd(SPEC, TGT, D=D, P=P, t=times, student=student, eta=0.8, noise=0.05,
                      method=method, seeds=2, seed=3)
    static = simulate_sweep(SPEC, TGT, D=[D], P=P, student=student, noise=0.05, seeds=2,
                            seed=3)
    np.testing.assert_allclose(res.losses[:, -1], np.asarray(static.losses)[:, 0], rtol=1e-10)
    if method == "gd":  # the loop is gradient descent
        ref = gd_reference_loop(SPEC, TGT, D=D, P=P, steps=30, student=student, eta=0.8,
                                noise=0.05, seed=3)
        np.testing.assert_allclose(res.losses[0, :31], ref, rtol=1e-11)
    assert res.losses[0, 0] == pytest.approx(float(TGT.powers(SPEC).sum()), rel=1e-12)


def test_flow_is_the_small_step_limit_of_descent():
    # gradient flow at time T equals gd with eta/m for m T steps, up to O(eta/m)
    flow = simulate_gd(SPEC, TGT, D=30, P=20, t=[4.0], eta=1.0, method="flow", seeds=1)
    gd = simulate_gd(SPEC, TGT, D=30, P=20, t=[400], eta=0.01, method="gd", seeds=1)
    assert gd.losses[0, 0] == pytest.approx(flow.losses[0, 0], rel=3e-3)


def test_population_top_student_is_the_theory_curve():
    lam = SPEC.eigenvalues()
    times = [0, 1, 5, 30, 200, math.inf]
    res = simulate_gd(SPEC, TGT, D=math.inf, P=15, t=times, student="top", eta=1.2, seeds=1)
    theory = training_curve(times, ArraySpectrum(lam), Target.array(TGT.powers(SPEC)), P=15,
                            eta=1.2, dps=20)
    np.testing.assert_allclose(res.losses[0], theory.loss_float, rtol=1e-12)


def test_population_projection_against_a_second_moment_loop():
    design = make_design(SPEC, TGT, "projection")
    draw = draw_designs(design, seed_streams(0, 1), d_max=1, p_max=10)
    R = draw.r[0] / math.sqrt(10)
    S = R @ R.T
    qt = draw.qt[0]
    M = (qt * design.powers) @ qt.T
    rho2 = float(residual_power(design, draw, 10)[0])
    step = np.eye(10) - 0.9 * S
    ref = []
    for _ in range(41):
        ref.append(np.trace(M) + rho2)
        M = step @ M @ step
    res = simulate_gd(SPEC, TGT, D=math.inf, P=10, t=range(41), eta=0.9, seeds=1)
    np.testing.assert_allclose(res.losses[0], ref, rtol=1e-11)


def test_refusals():
    with pytest.raises(ValueError, match=r"`eta` must be < 2 / mu_max"):
        simulate_gd(SPEC, TGT, D=30, P=20, t=[5], eta=50.0, seeds=1)
    with pytest.raises(ValueError, match=r"`t\[1\]` must be a whole number"):
        simulate_gd(SPEC, TGT, D=30, P=20, t=[1, 2.5], seeds=1)
    with pytest.raises(ValueError, match="`P` must be an integer <= 40"):
        simulate_gd(SPEC, TGT, D=30, P=41, t=[1], seeds=1)
    with pytest.raises(ValueError, match="`method` must be one of"):
        simulate_gd(SPEC, TGT, D=30, P=20, t=[1], method="sgd", seeds=1)
    with pytest.raises(ValueError, match="`spectrum` must be finite"):
        simulate_gd(PowerLawSpectrum(2.0), TGT, D=30, P=20, t=[1], seeds=1)
    res = simulate_gd(SPEC, TGT, D=30, P=20, t=[0, 3], seeds=3, seed=9)
    assert res.seed == 9 and res.losses.shape == (3, 2) and res.stderr.shape == (2,)


def test_ensemble_pair_estimate_against_two_explicit_projections():
    from verify.simulator.dynamics import ensemble_population_loss
    spec, tgt = PowerLawSpectrum(1.5, size=30), Target.power_law(3.5)
    res = ensemble_population_loss(spec, tgt, P=6, members=2, seeds=1, seed=4)
    rng = np.random.default_rng(seed_streams(4, 1)[0])
    lam, p = spec.eigenvalues(), tgt.powers(spec)
    pis = []
    for _ in range(2):
        V = rng.standard_normal((6, 30)) * np.sqrt(lam)
        Q, _ = np.linalg.qr(V.T)
        pis.append(Q @ Q.T)
    eye, Dm = np.eye(30), np.diag(p)
    singles = [np.trace((eye - pi) @ Dm) for pi in pis]
    pair = np.trace((eye - pis[0]) @ Dm @ (eye - pis[1]))
    assert res.single[0] == pytest.approx(np.mean(singles), rel=1e-12)
    assert res.ensemble[0] == pytest.approx(pair, rel=1e-10)
    assert min(singles) > 0 and res.ensemble[0] < res.single[0]


def test_direct_sgd_against_the_exact_recursion():
    from asymptotics.dynamics.sgd import sgd_curve
    from verify.simulator.dynamics import simulate_sgd
    spec, tgt = PowerLawSpectrum(2.0, size=8), Target.power_law(2.0)
    t = np.array([0, 5, 20, 60])
    losses = simulate_sgd(spec, tgt, t=t, eta=0.1, batch=2, noise=0.1, runs=2000, seeds=4,
                          seed=2)
    exact = sgd_curve(60, spec, tgt, eta=0.1, batch=2, noise=0.1).loss[t]
    se = losses.std(axis=0, ddof=1) / 2.0
    assert np.all(np.abs(losses.mean(axis=0) - exact) <= 4 * se + 1e-12)
    with pytest.raises(ValueError, match="`t` must be finite steps"):
        simulate_sgd(spec, tgt, t=[1, math.inf], eta=0.1)
