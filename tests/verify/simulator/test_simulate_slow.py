"""Slow statistical checks of verify.simulator.simulate (marked ``slow``; bounded: < ~1 min in all).

* the kernel-limit learning curve halves when D doubles (lambda_i = i^-2, alpha_D = 1), within
  a band derived from the finite-D and finite-S corrections (docs/simulator.md §5);
* the exact Gaussian identity at many seeds (tight);
* the simulated means against the deterministic-equivalent theory
  (asymptotics.rf.learning_curves) away from the interpolation peak.
"""

from __future__ import annotations

import numpy as np
import pytest
from references import kappa_bisect

from asymptotics.model import PowerLawSpectrum, Target
from verify.simulator.simulate import simulate_sweep

pytestmark = pytest.mark.slow


def _kernel_de_loss(lam: np.ndarray, n: int, s: int) -> float:
    """Ridgeless kernel deterministic equivalent for the isotropic teacher, E = n kappa / S.

    kappa solves sum_i lambda_i / (lambda_i + kappa) = n (docs/theory/learning_curves.md (LC.1)
    at ridge 0 and P = infinity; with p = lambda / S, E = n kappa / S as in
    docs/theory/regimes.md (RG.11), which holds at every n), by log-bisection.
    """
    return n * kappa_bisect(lam, n, hi=float(lam.sum()), rtol=1e-14, max_iter=2000) / s


def test_kernel_limit_loss_halves_when_d_doubles():
    # lambda_i = i^-2 (b = 2, alpha_K = 1), Bahri's isotropic teacher, all S features.
    # Asymptotically L(D) = (pi^2/4) D^-1 / S (docs/theory/regimes.md (RG.11), C_2 = pi^2/4),
    # so L(2D)/L(D) -> 1/2. Band (docs/simulator.md §5):
    #  * finite D: sum_{i>=1} 1/(1 + kappa i^2) = pi/(2 sqrt kappa) - 1/2 + O(e^{-2pi/sqrt k}),
    #    so L(D) = pi^2 D / (4 (D + 1/2)^2) / S and the ratio is 2 (D + 1/2)^2 / (2D + 1/2)^2
    #    = (1/2)(1 + 1/(2D) + O(D^-2)): relative +1/(2D);
    #  * finite S: the missing tail sum_{i>S} lambda_i/kappa = 1/(kappa S) lowers kappa by the
    #    relative amount 8D/(pi^2 S), and the ratio by the relative 8D/(pi^2 S);
    #  * the deterministic equivalent itself is exact only to O(1/D) (finite-size Gaussian
    #    fluctuations, cf. (D-1)/(D-P-1) vs D/(D-P) in SIM.11): allowed 1/D on the ratio;
    #  * sampling: 4 standard errors of the seed-averaged ratio.
    s, grid, seeds = 4096, [64, 128, 256], 8
    spec = PowerLawSpectrum(2.0, size=s)
    res = simulate_sweep(spec, Target.isotropic(), D=grid, P=None, seeds=seeds, seed=0)
    assert not res.flags.any()
    ratios = res.losses[:, 1:] / res.losses[:, :-1]
    r_mean = ratios.mean(axis=0)
    r_se = ratios.std(axis=0, ddof=1) / np.sqrt(seeds)
    lam = spec.eigenvalues()
    for j, d in enumerate(grid[:-1]):
        leading = 0.5 * (1 / (2 * d) + 8 * d / (np.pi**2 * s))
        band = leading + 1.0 / d + 4 * r_se[j]
        assert abs(r_mean[j] - 0.5) <= band, (d, r_mean[j], band)
        # the same corrections to all orders, from the finite-S deterministic equivalent
        r_de = _kernel_de_loss(lam, 2 * d, s) / _kernel_de_loss(lam, d, s)
        assert abs(r_mean[j] - r_de) <= 1.0 / d + 4 * r_se[j], (d, r_mean[j], r_de)


def test_gaussian_identity_at_many_seeds():
    # E[L] = (D-1)/(D-P-1) sum_{n>P} p_n (SIM.11), top-P student, both targets.
    for target in (Target.isotropic(), Target.power_law(1.7)):
        spec = PowerLawSpectrum(1.6, size=400)
        p, grid = 24, [27, 30, 48, 96, 400]
        res = simulate_sweep(spec, target, D=grid, P=p, student="top", seeds=3000, seed=17)
        tail = float(target.powers(spec)[p:].sum())
        exact = np.array([(d - 1) / (d - p - 1) * tail for d in grid])
        finite_var = [d - p > 4 for d in grid]  # inverse-Wishart variance exists: D - P > 3
        z = ((res.mean - exact) / res.stderr)[finite_var]
        assert np.all(np.abs(z) < 4), z
        rel = np.abs(res.mean / exact - 1)[-2:]
        assert np.all(rel < 2e-3), rel  # far from the peak the mean is pinned to 0.2%


POINTS = [  # (student, ridge, D, P): away from the peak, |P - D| >= 64
    ("projection", 0.0, [32, 256], 128),
    ("projection", 1e-3, 64, [16, 256]),
    ("top", 0.0, 64, [16, 256]),
    ("top", 1e-3, [32, 256], 128),
]


@pytest.mark.parametrize("student,ridge,D,P", POINTS)
@pytest.mark.parametrize("target", [Target.isotropic(), Target.power_law(1.6)],
                         ids=["isotropic", "powerlaw"])
def test_simulated_means_match_deterministic_equivalent(student, ridge, D, P, target):
    lc = pytest.importorskip("asymptotics.rf.learning_curves")
    spec = PowerLawSpectrum(2.0, size=512)
    res = simulate_sweep(spec, target, D=D, P=P, student=student, ridge=ridge, noise=0.01,
                         seeds=24, seed=1)
    d = np.array(res.grid) if res.axis == "D" else np.full(len(res.grid), res.D)
    p = np.array(res.grid) if res.axis == "P" else np.full(len(res.grid), res.P)
    theory = lc.learning_curve_float(d, p, spec, target, ridge=ridge, noise=0.01,
                                     student=student)
    # the deterministic equivalent carries finite-size corrections of relative order
    # 1/min(D, P) + 1/|P - D| (the symmetric law docs/theory/learning_curves.md (LC.8) is
    # exact only to these orders); plus 4 standard errors of the mean.
    tol = 1.0 / np.minimum(d, p) + 1.0 / np.abs(p - d) + 4 * res.stderr / res.mean
    assert np.all(np.abs(res.mean / theory - 1) <= tol), (res.mean / theory - 1, tol)
