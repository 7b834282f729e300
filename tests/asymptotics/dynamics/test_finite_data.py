"""The finite-D training-time curve of asymptotics.dynamics.finite_data against independent routes.

Routes: the ridgeless finite-``D`` curve :func:`asymptotics.rf.learning_curves.learning_curve_float`
(its own real ``kappa`` solver; the limit ``t -> inf``); the population curve
:func:`asymptotics.dynamics.training_curve_float` (the limit ``D -> inf``); the ridge estimator's
curve at the same ``D`` (the contour run with the ridge filter ``h = r/(z + r)``: the two-point
kernel at ``z1 = z2`` must reduce to the single-ridge loss with its overfitting factor); an
explicit gradient-descent loop on one drawn design against the same contour with the *exact*
resolvent of that design (the integral representation (DY.16)-(DY.17), no deterministic
equivalent); and the exact-average simulator :mod:`verify.simulator.dynamics` over many seeds
(slow).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from asymptotics.dynamics import finite_data as fd
from asymptotics.dynamics import training_curve_float
from asymptotics.dynamics.finite_data import finite_data_curve
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float

SPEC, TGT = PowerLawSpectrum(1.5, size=200), Target.power_law(2.0)


@pytest.mark.parametrize("D", [50, 300])
@pytest.mark.parametrize("method", ["gd", "flow"])
def test_converged_limit_is_the_ridgeless_finite_d_curve(D, method):
    r = finite_data_curve([math.inf], SPEC, TGT, D=D, noise=0.05, method=method, nodes=96)
    ref = learning_curve_float(D, math.inf, SPEC, TGT, noise=0.05)
    assert r.loss[0] == pytest.approx(float(ref[0]), rel=1e-9)
    assert r.certified_digits[0] >= 9


@pytest.mark.parametrize("method", ["gd", "flow"])
def test_infinite_data_is_the_population_curve(method):
    ts = [0, 1, 10, 100, 1000]
    r = finite_data_curve(ts, SPEC, TGT, D=math.inf, eta=0.9, method=method, nodes=128)
    ref = training_curve_float(ts, SPEC, TGT, eta=0.9, method=method)
    np.testing.assert_allclose(r.loss, ref, rtol=1e-12)
    assert np.all(r.variance == 0)


def test_start_is_the_target_power_at_any_d():
    # t = 0: nothing learned, the null-space node (DY.17) and the bulk add up to sum_i p_i
    for D in (20, 500):
        r = finite_data_curve([0], SPEC, TGT, D=D, noise=1.0, nodes=64)
        assert r.loss[0] == pytest.approx(float(TGT.powers(SPEC).sum()), rel=1e-12)


@pytest.mark.parametrize("D", [40, 400])
def test_ridge_filter_reduces_to_the_single_ridge_curve(D):
    # the two-point kernel at z1 = z2 is the single-ridge bias with factor 1/(1 - gamma)
    lam, p = SPEC.eigenvalues(), TGT.powers(SPEC)
    ctr, k0, _ = fd._contour(lam, float(D), 1.0, "flow", 96)
    for ridge in (1e-3, 0.1):
        h = (ridge / (ctr.z + ridge))[None, :]
        bias, var, _ = fd._quadrature(lam, p, float(D), k0, ctr.z, ctr.w, ctr.kappa, h, 0.2)
        # learning_curve's ridge is on the sum loss (docs/theory/learning_curves.md): r D
        ref = learning_curve_float(D, math.inf, SPEC, TGT, ridge=ridge * D, noise=0.2)
        assert bias[0] + var[0] == pytest.approx(float(ref[0]), rel=1e-10)


def test_two_point_kernel_on_the_diagonal():
    # (DY.16) at kappa1 = kappa2 = kappa: kappa^2 sum p/(l+k)^2 / (1 - sum l^2/(l+k)^2 / D)
    lam, p, D = SPEC.eigenvalues(), TGT.powers(SPEC), 60.0
    k = np.array([0.01 + 0.002j, 0.3 - 0.1j])
    a = 1.0 / (lam[:, None] + k[None, :])
    K = (a.T @ (p[:, None] * a)) / (1.0 - a.T @ ((lam**2 / D)[:, None] * a))
    for j in range(2):
        single = np.sum(p / (lam + k[j]) ** 2) / (1.0 - np.sum(lam**2 / (lam + k[j]) ** 2) / D)
        assert K[j, j] == pytest.approx(single, rel=1e-13)


def _explicit_gd(X, lam, omega, eta, steps, noise):
    """Plain loop: error matrix E <- (I - eta S) E (bias), noise map V <- V - eta (S V - X^T/D)."""
    D, M = X.shape
    S = X.T @ X / D
    E, V = np.eye(M), np.zeros((M, D))
    out = []
    for _ in range(steps + 1):
        out.append(np.trace(omega @ E.T @ np.diag(lam) @ E) + noise * np.trace(V.T @ np.diag(lam) @ V))
        E = E - eta * S @ E
        V = V - eta * (S @ V - X.T / D)
    return np.array(out)


def _exact_contour_loss(X, lam, p, eta, steps, noise, nodes=128):
    """The contour of (DY.18) with the *exact* resolvent of the design ``X`` in (DY.17)."""
    D = X.shape[0]
    omega = np.diag(p / lam)
    s, U = np.linalg.eigh(X.T @ X / D)
    bulk = s > 1e-12 * s.max()
    ctr, _, _ = fd._contour(lam, float(D), eta, "gd", nodes)
    inside = ctr.z.real.min() < s[bulk].min() and s.max() < ctr.z.real.max()
    ts = np.arange(steps + 1, dtype=float)
    h = fd._filters("gd", eta, ts, ctr.z)
    Gd = 1.0 / (ctr.z[None, :] - s[bulk][:, None])                    # (bulk, nodes)
    Ub = U[:, bulk]
    Om_b, Sig_b = Ub.T @ omega @ Ub, Ub.T @ np.diag(lam) @ Ub
    P0 = U[:, ~bulk] @ U[:, ~bulk].T                                   # residue at z = 0
    hw = h * (ctr.w * ctr.z)[None, :]                                  # dz / (2 pi i)
    A = hw @ Gd.T                                                      # h(S) on the bulk
    bias = np.einsum("ti,ij,tj->t", A, Om_b * Sig_b.T, A).real        # tr[Om hb Sig hb]
    cross = Ub.T @ omega @ P0 @ np.diag(lam) @ Ub
    bias += 2.0 * np.einsum("ti,ii->t", A, cross).real + np.trace(omega @ P0 @ np.diag(lam) @ P0)
    g = 1.0 - h
    F = hw / h * g * g / ctr.z[None, :]
    var = noise / D * np.einsum("tn,in,i->t", F, Gd, np.diag(Sig_b)).real  # tr[Sig F(S)]
    return bias + var, inside


def test_contour_of_the_exact_resolvent_equals_an_explicit_gd_loop():
    rng = np.random.default_rng(20261202)
    lam = 1.0 / np.arange(1, 41) ** 1.5
    p = np.arange(1, 41) ** -2.0
    D, eta, steps, noise = 12, 0.8, 30, 0.3
    X = rng.standard_normal((D, lam.size)) * np.sqrt(lam)
    loop = _explicit_gd(X, lam, np.diag(p / lam), eta, steps, noise)
    contour, inside = _exact_contour_loss(X, lam, p, eta, steps, noise)
    assert inside          # the equivalent's contour also encloses this draw's eigenvalues
    np.testing.assert_allclose(contour, loop, rtol=1e-9)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(M=st.integers(8, 60), ratio=st.sampled_from([0.2, 0.5, 0.8, 1.3, 2.5]),
       b=st.floats(1.1, 3.0), a=st.floats(1.1, 4.0), seed=st.integers(0, 2**31))
def test_contour_is_exact_for_random_designs(M, ratio, b, a, seed):
    # random spectra (power laws with jitter), D < M and D > M: the contour of (DY.18) placed
    # by the deterministic equivalent, run with each draw's exact resolvent, reproduces the
    # explicit loop whenever it encloses the draw's spectrum (small draws can leak past it)
    rng = np.random.default_rng(seed)
    D = max(2, round(ratio * M))
    assume(D != M)
    lam = np.sort(np.arange(1, M + 1) ** -b * rng.uniform(0.5, 1.5, M))[::-1]
    p = np.arange(1, M + 1) ** -a
    s_max = fd._contour(lam, float(D), 0.1, "flow", 16)[2][1]
    eta = 0.8 / s_max
    X = rng.standard_normal((D, M)) * np.sqrt(lam)
    contour, inside = _exact_contour_loss(X, lam, p, eta, 20, 0.2)
    assume(inside)
    loop = _explicit_gd(X, lam, np.diag(p / lam), eta, 20, 0.2)
    np.testing.assert_allclose(contour, loop, rtol=1e-8)


def test_input_validation():
    with pytest.raises(ValueError, match="`spectrum` must be finite"):
        finite_data_curve([1], PowerLawSpectrum(2.0), TGT, D=10)
    with pytest.raises(ValueError, match="`D` must differ from the number of modes 200"):
        finite_data_curve([1], SPEC, TGT, D=200)
    with pytest.raises(ValueError, match="`eta` must be < 2 / s_max"):
        finite_data_curve([1], SPEC, TGT, D=50, eta=1.9)
    with pytest.raises(ValueError, match=r"`t\[1\]` must be a whole number"):
        finite_data_curve([1, 2.5], SPEC, TGT, D=50)
    with pytest.raises(TypeError, match="`target` must be a Target"):
        finite_data_curve([1], SPEC, 2.0, D=50)
    with pytest.raises(ValueError, match="`nodes`"):
        finite_data_curve([1], SPEC, TGT, D=50, nodes=4)


@pytest.mark.slow
def test_against_the_exact_average_simulator_with_the_one_over_d_correction():
    # The deterministic equivalent is the D -> inf limit at fixed M/D = 4; for Gaussian designs
    # its distance to the finite-size average is O(1/D). Simulate D = 25 and D = 100 (exact
    # teacher, noise and test averages, 96 seeds each): at every time the deviation must be
    # within 3 standard errors of zero plus twice the 1/D extrapolation of the small size's
    # deviation (2 x |dev(25)| x 25/100), and the small size's deviation must itself be small
    # (|dev| <= 5% of the loss). The band uses the rate, never the measured large-size value.
    from verify.simulator.dynamics import simulate_gd
    ts = [0, 3, 10, 30, 100, 300, 1000, 10000, math.inf]
    devs = {}
    for D in (25, 100):
        spec = PowerLawSpectrum(1.5, size=4 * D)
        th = finite_data_curve(ts, spec, TGT, D=D, noise=0.1)
        sim = simulate_gd(spec, TGT, D=D, P=None, t=ts, eta=1.0, noise=0.1, seeds=96, seed=7)
        devs[D] = ((sim.mean - th.loss) / th.loss, sim.stderr / th.loss)
    small, large = devs[25], devs[100]
    assert np.all(np.abs(small[0]) <= 0.05)
    band = 3.0 * large[1] + 2.0 * np.abs(small[0]) * 25 / 100
    assert np.all(np.abs(large[0]) <= band + 1e-12), (large, band)


@pytest.mark.parametrize("D", [50, 400])
def test_train_error_limits_and_the_ridge_filter(D):
    # t = 0: (1/D) E||y||^2 = sum p + sigma^2; t = inf: 0 when the student interpolates
    # (D < M), sigma^2 (1 - M/D) otherwise; the ridge filter h = r/(z + r) gives the train
    # error (1 - df1/D)^2 (E + sigma^2) of learning_curve (docs/theory/learning_curves.md)
    from asymptotics.rf.learning_curves import learning_curve
    r = finite_data_curve([0, math.inf], SPEC, TGT, D=D, noise=0.3, nodes=96)
    assert r.train[0] == pytest.approx(float(TGT.powers(SPEC).sum()) + 0.3, rel=1e-12)
    assert r.train[1] == pytest.approx(max(0.0, 0.3 * (1 - 200 / D)), abs=1e-12)
    lam, p = SPEC.eigenvalues(), TGT.powers(SPEC)
    ctr, k0, _ = fd._contour(lam, float(D), 1.0, "flow", 96)
    kern = fd._kernel(lam, p, float(D), k0, ctr.z, ctr.w, ctr.kappa)
    h = (0.01 / (ctr.z + 0.01))[None, :]
    ref = learning_curve([D], [math.inf], SPEC, TGT, ridge=0.01 * D, noise=0.3, dps=15)
    assert fd._train_error(kern, h, 0.3, float(D))[0] == pytest.approx(
        float(ref.train_loss[0]), rel=1e-10)
