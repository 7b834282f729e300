"""The peers' outputs on the learning curves (issue #14): docs/theory/learning_curves.md (LC.22).

Each output is checked by a route that shares no code with :mod:`asymptotics.rf.outputs`:

* kernel limit: :func:`asymptotics.rf.eigenlearning.eigenlearning` (LC.21) on the same levels
  (Simon et al. 2021's formulas written out level by level) and the mp route's
  :class:`~asymptotics.rf.learning_curves.LearningCurve` fields;
* finite ``P``: Simon et al. (2023)'s random-feature eigenframework (LC.7), written out here
  as plain sums over a finite spectrum: its two unknowns ``(kappa_s, gamma)`` solved by
  ``mpmath.findroot`` at 40 digits, ``E0 = 1/(1 - x)``, the test MSE of (LC.7) and their
  train MSE ``(delta / (D kappa_s))^2 E_test``; the learnabilities are ``lambda/(lambda +
  gamma)`` there;
* a ridge that scales with ``D``: a plain loop of scalar-ridge calls;
* (slow) the train error against a Monte Carlo of random-feature ridge regression.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf import eigenlearning, learning_curve, learning_curve_float
from asymptotics.rf.outputs import learning_curve_outputs

S = 40
LAM = 1.0 / np.arange(1, S + 1) ** 1.5
POW = 0.8 / np.arange(1, S + 1) ** 2.2


def _simon_rf(D: float, P: float, ridge: float, noise: float) -> dict:
    """Simon et al. (2023), (LC.7), at 40 digits: n = sum L_i(gamma) + delta/kappa_s,
    P = sum L_i(gamma) + P kappa_s / gamma; plain sums over the 40 modes."""
    with mpmath.workdps(40):
        lam = [mpmath.mpf(x) for x in LAM]
        p = [mpmath.mpf(x) for x in POW]
        Dm, Pm, dl, s2 = (mpmath.mpf(v) for v in (D, P, ridge, noise))

        def z(g):
            return mpmath.fsum(x / (x + g) for x in lam)

        def eqs(lk, lg):
            k, g = mpmath.exp(lk), mpmath.exp(lg)
            return [(z(g) + dl / k) / Dm - 1, (z(g) + Pm * k / g) / Pm - 1]

        lk, lg = mpmath.findroot(eqs, (mpmath.log(ridge / D), mpmath.log(ridge / D * 2)))
        k, g = mpmath.exp(lk), mpmath.exp(lg)
        L = [x / (x + g) for x in lam]
        zz = mpmath.fsum(L)
        q = mpmath.fsum(li * li for li in L)
        x = (q * (Pm - 2 * zz) + zz * zz) / (Dm * (Pm - q))
        E0 = 1 / (1 - x)
        te = E0 * (mpmath.fsum(pi * ((1 - li) - k * li / (xl + g) * Pm / (Pm - q))
                               for pi, li, xl in zip(p, L, lam, strict=True)) + s2)
        tr = (dl / (Dm * k)) ** 2 * te
        tl = mpmath.fsum(pi * li for pi, li in zip(p, L, strict=True)) / mpmath.fsum(p)
        return {"gamma": float(g), "E0": float(E0), "test": float(te), "train": float(tr),
                "tl": float(tl), "L": np.array([float(v) for v in L])}


def test_finite_P_matches_the_more_is_better_eigenframework():
    D = np.array([12.0, 25.0, 30.0])
    P = np.array([30.0, 18.0, 35.0])
    ridge = 0.004 * D  # a ridge that scales with D
    out = learning_curve_outputs(D, P, ArraySpectrum(LAM), Target.array(POW), ridge=ridge,
                                 noise=0.02)
    for i in range(D.size):
        ref = _simon_rf(D[i], P[i], ridge[i], 0.02)
        assert out.kappa[i] == pytest.approx(ref["gamma"], rel=1e-11)
        assert out.E0[i] == pytest.approx(ref["E0"], rel=1e-11)
        assert out.test_mse[i] == pytest.approx(ref["test"], rel=1e-11)
        assert out.train_loss[i] == pytest.approx(ref["train"], rel=1e-10)
        assert out.target_learnability[i] == pytest.approx(ref["tl"], rel=1e-12)
        np.testing.assert_allclose(out.learnability(np.arange(1, S + 1))[i], ref["L"],
                                   rtol=1e-11)
    # the per-mode errors add up to the test MSE (LC.22)
    total = out.mode_error(np.arange(1, S + 1)).sum(-1) + out.E0 * 0.02
    np.testing.assert_allclose(total, out.test_mse, rtol=1e-12)


def test_kernel_limit_matches_eigenlearning_with_degenerate_levels():
    levels, mult = np.array([1.0, 0.3, 0.08, 0.01]), np.array([1, 3, 5, 9])
    pw = np.array([0.4, 0.1, 0.03, 0.002])
    D = np.array([4.0, 9.0, 15.0])
    ridge = np.array([0.0, 0.05, 0.2])
    ref = eigenlearning(D, levels, pw, multiplicity=mult, ridge=ridge, noise=0.01)
    out = learning_curve_outputs(D, math.inf, ArraySpectrum(np.repeat(levels, mult)),
                                 Target.array(np.repeat(pw, mult)), ridge=ridge, noise=0.01)
    for name, other in (("kappa", "kappa"), ("E0", "E0"), ("train_loss", "train_mse"),
                        ("test_mse", "test_mse"), ("target_learnability",
                                                   "target_learnability")):
        np.testing.assert_allclose(getattr(out, name), getattr(ref, other), rtol=1e-12,
                                   err_msg=name)
    first = np.cumsum(mult) - mult + 1  # the first mode of each level
    np.testing.assert_allclose(out.learnability(first), ref.learnability, rtol=1e-12)
    np.testing.assert_allclose(out.mode_error(first), ref.mode_error, rtol=1e-12)


def test_ridge_array_broadcasts_like_a_loop_of_scalars():
    spec, iso = PowerLawSpectrum(2.0), Target.isotropic(1.0)
    D = np.array([10.0, 40.0, 160.0])
    ridge = 1e-3 * D
    both = learning_curve_float(D[:, None], [20.0, math.inf], spec, iso, ridge=ridge[:, None])
    for i in range(3):
        for j, p in enumerate([20.0, math.inf]):
            one = learning_curve_float(D[i], p, spec, iso, ridge=float(ridge[i]))[0]
            assert both[i, j] == pytest.approx(one, rel=1e-14)  # batched sums: ulps
    lc = learning_curve(D, 20.0, spec, iso, ridge=ridge, dps=20)
    assert lc.ridge == tuple(ridge)
    np.testing.assert_allclose(lc.loss_float, both[:, 0], rtol=1e-12)
    with pytest.raises(ValueError, match=r"`ridge\[1\]` must be"):
        learning_curve_float(D, 20.0, spec, iso, ridge=[0.1, -1.0, 0.1])
    with pytest.raises(ValueError, match=r"`D`, `P` and `ridge` must broadcast"):
        learning_curve_float(D, 20.0, spec, iso, ridge=[0.1, 0.2])


@pytest.mark.parametrize("student", ["projection", "top"])
def test_float_outputs_match_the_mp_route(student):
    spec, tgt = PowerLawSpectrum(1.8), Target.power_law(2.3)
    D = np.array([10.0, 30.0, 30.0, 80.0, math.inf])
    P = np.array([40.0, 30.0, 12.0, 20.0, 25.0])
    out = learning_curve_outputs(D, P, spec, tgt, ridge=0.0, noise=0.05, student=student)
    lc = learning_curve(D, P, spec, tgt, noise=0.05, student=student, dps=20)
    for name in ("E0", "train_loss", "target_learnability"):
        ref = np.array([float(v) for v in getattr(lc, name)])
        np.testing.assert_allclose(getattr(out, name), ref, rtol=1e-9, err_msg=name)
    np.testing.assert_allclose(out.kappa, [float(k) for k in lc.kappa], rtol=1e-9)
    assert out.train_loss[0] == 0.0  # ridgeless D < P interpolates
    assert out.E0[-1] == 1.0  # D = inf: no overfitting (LC.10)
    if student == "projection":
        assert math.isinf(out.E0[1])  # the peak D = P (LC.8)
        # ridgeless D > P: least squares on P features, train = (1 - P/D)^2 E0 (...)
        assert out.train_loss[2] == pytest.approx((1 - 12 / 30) ** 2 * out.test_mse[2])


@pytest.mark.slow
def test_train_error_against_random_feature_ridge_regression():
    """Monte Carlo of the projection student (z = P^-1/2 G x, Gaussian G and x; 400 draws)
    on 80 modes, D = 100, P = 140: train and test MSE within 3 standard errors. The
    deterministic equivalent is exact only as the sizes grow: at half these sizes the train
    MSE was measured 4.0% high (2.7 standard errors), here 0.6% (0.8 standard errors)."""
    n_modes, D, P, ridge, noise = 80, 100, 140, 0.1, 0.01
    lam = 1.0 / np.arange(1, n_modes + 1) ** 1.5
    pw = 0.8 / np.arange(1, n_modes + 1) ** 2.2
    out = learning_curve_outputs(D, P, ArraySpectrum(lam), Target.array(pw), ridge=ridge,
                                 noise=noise)
    rng = np.random.default_rng(2023)
    w = np.sqrt(pw / lam)
    trains, tests = [], []
    for _ in range(400):
        X = rng.standard_normal((D, n_modes)) * np.sqrt(lam)
        G = rng.standard_normal((P, n_modes))
        y = X @ w + math.sqrt(noise) * rng.standard_normal(D)
        Z = X @ G.T / math.sqrt(P)
        alpha = np.linalg.solve(Z @ Z.T + ridge * np.eye(D), y)
        trains.append(np.mean((ridge * alpha) ** 2))  # y - K (K + delta)^-1 y = delta alpha
        what = G.T @ (Z.T @ alpha) / math.sqrt(P)
        tests.append(np.sum(lam * (what - w) ** 2) + noise)
    for sample, theory in ((np.array(trains), out.train_loss), (np.array(tests), out.test_mse)):
        se = sample.std(ddof=1) / math.sqrt(sample.size)
        assert abs(sample.mean() - theory) <= 3 * se, (sample.mean(), theory, se)
