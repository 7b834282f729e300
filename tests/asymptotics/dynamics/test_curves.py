"""The training-time curves of asymptotics.dynamics.curves against independent routes.

Routes: the ridgeless ``D = inf`` curve of :func:`asymptotics.learning_curve` (the limit
``t -> inf``); the plain float64 sum over two million modes plus the Hurwitz-zeta tail
(an infinite spectrum without Euler-Maclaurin); an explicit gradient-descent loop that
propagates the error's second-moment matrix ``M <- (I - eta S) M (I - eta S)`` under a
non-diagonal covariance ``S = Q diag(lambda) Q^T`` (the per-mode filter is never used).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.special import zeta

from asymptotics import learning_curve
from asymptotics.dynamics import stable_step, training_curve, training_curve_float
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target


@pytest.mark.parametrize("P", [5.0, 50.0, 400.0])
def test_converged_limit_is_the_ridgeless_top_curve(P):
    spec, tgt = PowerLawSpectrum(2.0), Target.power_law(2.5)
    lc = training_curve([math.inf, 1e12], spec, tgt, P=P, dps=25)
    ref = learning_curve([math.inf], [P], spec, tgt, student="top", dps=25)
    assert lc.certified_digits[0] == 25
    with mpmath.workdps(25):
        assert abs(lc.loss[0] - ref.loss[0]) <= mpmath.mpf(10) ** -23 * ref.loss[0]
        # 1e12 steps learn the first P modes to exp(-2e12 / P^2): equal to the limit
        assert abs(lc.loss[1] - ref.loss[0]) <= mpmath.mpf(10) ** -23 * ref.loss[0]


def test_kernel_limit_converges_to_zero_and_starts_at_the_total_power():
    spec, tgt = PowerLawSpectrum(1.5), Target.power_law(2.0)
    lc = training_curve([0, math.inf], spec, tgt, dps=20)
    with mpmath.workdps(20):
        assert abs(lc.loss[0] - mpmath.zeta(2)) < mpmath.mpf(10) ** -19
    assert lc.loss[1] == 0


@pytest.mark.parametrize("method", ["gd", "flow"])
def test_infinite_spectrum_against_a_plain_truncated_sum(method):
    # 200000 modes summed in float64 (math.fsum) plus the untouched Hurwitz tail
    # sum_{k>K} k^-a ~ 5e-6: the filter there is 1 - O(2 t eta K^-b) = 1 - 4e-10 at t = 10
    a, b, eta, K = 2.0, 2.0, 0.7, 200_000
    k = np.arange(1, K + 1, dtype=float)
    ts = [0, 1, 3, 10]
    lc = training_curve(ts, PowerLawSpectrum(b), Target.power_law(a), eta=eta,
                        method=method, dps=20)
    for t, value in zip(ts, lc.loss, strict=True):
        filt = (1 - eta * k**-b) ** (2 * t) if method == "gd" else np.exp(-2 * eta * t * k**-b)
        plain = math.fsum(k**-a * filt) + zeta(a, K + 1)
        assert float(value) == pytest.approx(plain, rel=1e-10)


def test_gd_against_an_explicit_loop_with_a_rotated_covariance():
    rng = np.random.default_rng(5)
    S = 12
    lam = np.sort(rng.uniform(0.05, 1.0, S))[::-1]
    Q, _ = np.linalg.qr(rng.standard_normal((S, S)))
    cov = Q @ np.diag(lam) @ Q.T
    omega = rng.uniform(0.1, 2.0, S)               # E[w*_i^2] in the eigenbasis
    M = Q @ np.diag(omega) @ Q.T                   # E[(w - w*)(w - w*)^T] at w = 0
    eta, steps = 1.3, 25
    step = np.eye(S) - eta * cov
    loop = []
    for _ in range(steps + 1):
        loop.append(np.trace(cov @ M))
        M = step @ M @ step.T
    lc = training_curve(list(range(steps + 1)), ArraySpectrum(lam),
                        Target.array(omega * lam), eta=eta, dps=20)
    np.testing.assert_allclose(lc.loss_float, loop, rtol=1e-12)
    np.testing.assert_allclose(training_curve_float(np.arange(steps + 1), ArraySpectrum(lam),
                                                    Target.array(omega * lam), eta=eta),
                               loop, rtol=1e-12)


@pytest.mark.parametrize("method", [pytest.param("gd", marks=pytest.mark.slow), "flow"])
def test_float_path_matches_the_mp_path(method):
    spec, tgt = PowerLawSpectrum(2.0), Target.isotropic(1.0)
    ts = [0, 2, 40, 1000, 10**6, math.inf]
    lc = training_curve(ts, spec, tgt, method=method, dps=20)
    fl = training_curve_float(ts, spec, tgt, method=method)
    np.testing.assert_allclose(fl[:-1], lc.loss_float[:-1], rtol=1e-9)
    assert fl[-1] == 0.0
    grid = training_curve_float(np.array([[10.0], [1000.0]]), spec, tgt, P=[[5.0, 80.0]],
                                method=method)
    top = training_curve([10, 1000], spec, tgt, P=80, method=method, dps=20)
    assert grid.shape == (2, 2)
    np.testing.assert_allclose(grid[:, 1], top.loss_float, rtol=1e-12)


def test_certified_digits_are_correct():
    spec, tgt = PowerLawSpectrum(1.7), Target.power_law(2.2)
    lo = training_curve([3, 30000], spec, tgt, dps=12)
    hi = training_curve([3, 30000], spec, tgt, dps=30)
    assert min(hi.certified_digits) == 30
    with mpmath.workdps(30):
        for v_lo, v_hi, dig in zip(lo.loss, hi.loss, lo.certified_digits, strict=True):
            assert dig == 12
            assert abs(v_lo - v_hi) <= mpmath.mpf(10) ** (1 - dig) * v_hi
    assert lo.to_dict()["loss"][0].startswith("0.")


def test_refusals():
    spec, tgt = PowerLawSpectrum(2.0, scale=4.0), Target.power_law(2.0)
    assert stable_step(spec) == 0.5
    with pytest.raises(ValueError, match=r"`eta` must be < 2 / lambda_max = 0.5"):
        training_curve([1], spec, tgt, eta=0.5)
    training_curve([1.5], spec, tgt, eta=0.5, method="flow", dps=10)  # flow: any eta
    with pytest.raises(ValueError, match=r"`t\[0\]` must be a whole number"):
        training_curve([1.5], spec, tgt, eta=0.1)
    with pytest.raises(ValueError, match=r"`t\[1\]` must be >= 0"):
        training_curve([1, -2], spec, tgt, eta=0.1)
    with pytest.raises(ValueError, match=r"student.*projection.*finite `P`"):
        training_curve([1], spec, tgt, P=10, eta=0.1, student="projection")
    with pytest.raises(ValueError, match="`method` must be one of"):
        training_curve([1], spec, tgt, method="adam")
    with pytest.raises(TypeError, match="`target` must be a Target"):
        training_curve([1], spec, 2.0)
    from asymptotics._lib.budget import BudgetExceeded
    with pytest.raises(BudgetExceeded, match="`P`"):
        training_curve_float([1, 2], spec, tgt, P=1e12, eta=0.1)
