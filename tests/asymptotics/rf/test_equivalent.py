"""The random-feature deterministic equivalent: two published forms, closed forms, limits.

Routes compared:
* AZP/Bach form (the library, (LC.2)-(LC.3)) vs Simon et al.'s (kappa, gamma) form (LC.7),
  solved here by ``mpmath.findroot`` in two unknowns;
* the kernel limit vs the Canatar et al. mode-error form written out below term by term;
* ridgeless closed forms (LC.8) built from ``solve_kappa`` vs the generic formula;
* the top-P student vs the exact Gaussian identity ``E = (D-1)/(D-P-1) sum_{i>P} p_i``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.equivalent import simon_loss_mp, solve_kappa_float
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float, solve_kappa
from asymptotics.rf.sums import SumEvaluator, prepare_model

SPECTRA = {
    "infinite b=1.6, a=2.1": (PowerLawSpectrum(1.6), Target.power_law(2.1)),
    "infinite isotropic b=2.5": (PowerLawSpectrum(2.5), Target.isotropic(0.5)),
    "array S=300": (ArraySpectrum(np.arange(1, 301) ** -1.3 * (1 + 0.3 * np.cos(np.arange(300)))),
                    Target.array(np.arange(1, 301, dtype=float) ** -1.8)),
}


@pytest.mark.parametrize("name", list(SPECTRA))
@pytest.mark.parametrize(("D", "P"), [(100, 40), (40, 100), (64, 65)])
@pytest.mark.parametrize("ridge", [1e-4, 1e-2, 1.0])
@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_simon_form_equals_azp_form(name, D, P, ridge, noise):
    spectrum, target = SPECTRA[name]
    lc = learning_curve(D, P, spectrum, target, ridge=ridge, noise=noise, dps=20)
    model = prepare_model(spectrum, target)
    with mpmath.workdps(30):
        ev = SumEvaluator(model, "mp", dps=30)
        gamma = float(lc.kappa[0]) * 1.05  # a perturbed start for the 2-d root finder,
        z = float(ev(mpmath.mpf(gamma), target=False).df1)  # kappa from Simon's first equation
        kappa_s = ridge / max(D - z, 0.5) if D - z > 0 else gamma * (P - z) / P
        simon = simon_loss_mp(ev, D, P, ridge, noise, (kappa_s, gamma), dps=30)
        assert abs(simon / lc.loss[0] - 1) < 1e-12


def test_kernel_limit_equals_canatar_mode_errors():
    lam = np.arange(1, 201) ** -2.0
    p = np.arange(1, 201) ** -1.5
    n, ridge, noise = 37, 0.05, 0.2
    lc = learning_curve(n, math.inf, ArraySpectrum(lam), Target.array(p), ridge=ridge,
                        noise=noise, dps=25)
    with mpmath.workdps(30):
        # Canatar et al. (2021): kappa_C = delta + kappa_C sum eta/(n eta + kappa_C); solved
        # here by findroot from the float root, then E_g is their mode-error sum.
        eta = [mpmath.mpf(x) for x in lam]
        pw = [mpmath.mpf(x) for x in p]
        noise = mpmath.mpf(noise)  # (a float noise * n would round before reaching mpmath)

        def fixed(kc):
            return kc - ridge - kc * mpmath.fsum(e / (n * e + kc) for e in eta)

        kc = mpmath.findroot(fixed, n * float(lc.kappa[0]) * 1.1, tol=mpmath.mpf(10) ** -58)
        gam = mpmath.fsum(n * e ** 2 / (kc + n * e) ** 2 for e in eta)
        eg = mpmath.fsum(kc ** 2 * q / (kc + n * e) ** 2 + noise * n * e ** 2 / (kc + n * e) ** 2
                         for e, q in zip(eta, pw, strict=True)) / (1 - gam)
        assert abs(eg / lc.loss[0] - 1) < mpmath.mpf(10) ** -22


@pytest.mark.parametrize(("D", "P"), [(200, 50), (50, 200), (120, 119), (1000, 3)])
def test_isotropic_ridgeless_symmetric_closed_form(D, P):
    spectrum, w = PowerLawSpectrum(2.0), 0.7
    lc = learning_curve(D, P, spectrum, Target.isotropic(w), dps=25)
    m = min(D, P)
    kappa_m = solve_kappa(m, math.inf, spectrum, dps=30).kappa
    with mpmath.workdps(30):
        closed = mpmath.mpf(w) * m * kappa_m * max(D, P) / abs(D - P)  # (LC.8)
        assert abs(closed / lc.loss[0] - 1) < mpmath.mpf(10) ** -22


@pytest.mark.parametrize("D", [30, 100, 1000, 10000])
def test_top_student_against_exact_gaussian_identity(D):
    P = 20
    spectrum, target = PowerLawSpectrum(1.8), Target.power_law(2.3)
    lc = learning_curve(D, P, spectrum, target, student="top", dps=25)
    with mpmath.workdps(30):
        tail = mpmath.zeta(2.3, P + 1)  # sum_{i>P} i^-2.3
        exact = (D - 1) * tail / (D - P - 1)  # exact for Gaussian design, ridgeless, noiseless
        ratio = lc.loss[0] / exact
        # deterministic equivalent: tail * D/(D-P); so ratio = D(D-P-1)/((D-1)(D-P)) exactly,
        # and 1 - ratio = P/((D-1)(D-P)) -> 0 at order P/D^2 (LC.11)
        assert abs(1 - ratio - mpmath.mpf(P) / ((D - 1) * (D - P))) < mpmath.mpf(10) ** -22


def test_top_student_noise_adds_ols_variance():
    D, P, s2 = 300, 40, 0.25
    spectrum, target = PowerLawSpectrum(1.5), Target.power_law(1.7)
    clean = learning_curve_float(D, P, spectrum, target, student="top")
    noisy = learning_curve_float(D, P, spectrum, target, noise=s2, student="top")
    assert noisy - clean == pytest.approx(s2 * P / (D - P), rel=1e-12)


def test_projection_and_top_students_differ():
    spectrum, target = PowerLawSpectrum(2.0), Target.power_law(2.0)
    proj = learning_curve_float(1000, 50, spectrum, target)
    top = learning_curve_float(1000, 50, spectrum, target, student="top")
    assert top < 0.9 * proj  # top features keep the target's strongest modes


def test_interpolation_peak_is_inf_with_reason():
    lc = learning_curve([50, 60], [50, 50], PowerLawSpectrum(2.0), Target.isotropic(1.0), dps=15)
    assert mpmath.isinf(lc.loss[0]) and lc.reasons[0].startswith("interpolation peak")
    assert lc.reasons[1] is None and math.isfinite(lc.loss_float[1])
    fl = learning_curve_float([50, 60], 50, PowerLawSpectrum(2.0), Target.isotropic(1.0))
    assert math.isinf(fl[0]) and not np.isnan(fl).any()
    ridged = learning_curve_float(50, 50, PowerLawSpectrum(2.0), Target.isotropic(1.0), ridge=1e-3)
    assert np.isfinite(ridged)  # any ridge removes the divergence


def test_fully_resolved_finite_spectrum_is_ordinary_least_squares():
    lam = np.array([1.0, 0.3, 0.1, 0.05])
    s2 = 0.2
    got = learning_curve_float([10, 4, 4], [math.inf, 8, 4], ArraySpectrum(lam),
                               Target.isotropic(), noise=s2)
    assert got[0] == pytest.approx(s2 * 4 / (10 - 4), rel=1e-14)  # sigma^2 S/(D-S) (LC.9)
    assert math.isinf(got[1]) and math.isinf(got[2])
    assert learning_curve_float(4, 4, ArraySpectrum(lam), Target.isotropic()) == 0.0


def test_variance_limited_approach_in_P_and_D_is_order_one_over_x():
    """Bahri's variance-limited regimes: E(D,P) - E(D,inf) ~ 1/P and E(D,P) - E(inf,P) ~ 1/D."""
    spectrum, target = PowerLawSpectrum(2.0), Target.power_law(2.5)
    P = np.array([1e4, 2e4, 4e4])
    gap_p = learning_curve_float(100, P, spectrum, target) - learning_curve_float(
        100, math.inf, spectrum, target)
    slopes = np.diff(np.log(gap_p)) / np.diff(np.log(P))
    np.testing.assert_allclose(slopes, -1.0, atol=0.02)
    D = np.array([1e4, 2e4, 4e4])
    gap_d = learning_curve_float(D, 100, spectrum, target) - learning_curve_float(
        math.inf, 100, spectrum, target)
    slopes = np.diff(np.log(gap_d)) / np.diff(np.log(D))
    np.testing.assert_allclose(slopes, -1.0, atol=0.02)


class _CountingEvaluator:
    """A SumEvaluator that counts its (vectorized) calls: one per Newton sweep."""

    def __init__(self, ev: SumEvaluator) -> None:
        self.ev, self.model, self.calls = ev, ev.model, 0

    def __call__(self, kappa, target=True):
        self.calls += 1
        return self.ev(kappa, target)


@pytest.mark.parametrize("P", [math.inf, 300.0, 40.0])
@pytest.mark.parametrize(("ridge", "most"), [(1e-3, 12), (1.0, 12), (1e3, 12), (1e-12, 40)])
def test_float_newton_keeps_its_converged_step(P, ridge, most):
    # 50 points D = 10 ... 1e5 in one vectorized solve of (LC.1). Newton converges
    # quadratically, so a handful of sweeps suffices (measured 7-10 for ridge >= 1e-3 and 27
    # for 1e-12); when a converged step (xn == x == lo, below one ulp) was thrown away for a
    # bisection, the same solves took 55-61 sweeps. `most` sits between the two.
    model = prepare_model(PowerLawSpectrum(1.5), Target.power_law(2.2))
    D = np.unique(np.round(np.logspace(1, 5, 50)))
    ev = _CountingEvaluator(SumEvaluator(model))
    kappa = solve_kappa_float(ev, D, np.full(D.shape, P), ridge)
    assert ev.calls <= most
    # the root is the root: the 30-digit mp solve agrees with it to float precision
    for i in (0, 17, 49):
        ref = solve_kappa(D[i], P, PowerLawSpectrum(1.5), Target.power_law(2.2), ridge=ridge,
                          dps=30).kappa
        assert abs(kappa[i] / float(ref) - 1) < 1e-14
