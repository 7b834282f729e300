"""Kernel spectra: measured eigenvalue decay against the derived alpha_K.

The prediction ``lambda_i ~ i^(-1-alpha_K)`` comes from
:func:`asymptotics.kernel_spectra.kernel_decay` (Fourier transform and lattice count on the
torus, docs/theory/kernel_spectra.md (KS.3); Funk-Hecke singularity order on the sphere,
(KS.6)). The measurement is the spectrum of ``K/n`` for ``n`` random points
(:func:`verify.manifolds.spectrum.empirical_spectrum`, method ``"sample"``) over several seeds, fitted in log-log against the rank on a window past the head and well
before the noise floor. The band (VR.1 for spectra) is the distance between the asymptotic
slope and the slope of the *exact* operator spectrum on the same ranks: the periodic-grid
DFT on the torus, the Funk-Hecke eigenvalues with their multiplicities on the sphere,
plus the bias of the sample estimator itself (eigenvalues of ``K/n`` for a rough kernel are
inflated in the tail): its Richardson estimate ``|alpha(n) - alpha(n/2)| / (sqrt(2) - 1)``
from one more run at half the sample size, assuming the bias falls like ``n^(-1/2)``, the
Monte-Carlo rate of the Gram matrix's entries, taken at its upper two-standard-error bound
because the difference of two fitted slopes is itself noisy (VR.4).
"""

from __future__ import annotations

import numpy as np

from asymptotics.kernel_spectra import kernel_decay
from verify.fit import fit_power_law
from verify.manifolds.spectrum import empirical_spectrum
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    FigureSeries,
    FigureSpec,
    Measurement,
    Prediction,
    Scenario,
)
from verify.scenarios.seeds import suite_streams

__all__ = ["SCENARIOS"]

# name -> (kernel in verify.manifolds.spectrum, domain, d, kernel in asymptotics.kernel_spectra, params, exact)
CASES = {
    "spectrum-laplace-T2": ("laplace", "torus", 2, "laplace", {}, "grid"),
    "spectrum-matern1.5-T2": ("matern", "torus", 2, "matern", {"nu": 1.5}, "grid"),
    "spectrum-relu-S2": ("arccos1", "sphere", 2, "arccos", {"degree": 1}, "funk_hecke"),
    "spectrum-relu-ntk-S2": ("ntk", "sphere", 2, "relu_ntk", {}, "funk_hecke"),
}


def _scenario(name: str) -> Scenario:
    kernel, domain, d, theory_kernel, params, exact_method = CASES[name]

    def prediction() -> Prediction:
        law = kernel_decay(theory_kernel, d, **params)
        return Prediction("1 + alpha_K (decay of lambda_i in i)", f"1 + {law.exponent}",
                          1.0 + law.value, law.source, tuple(law.conditions))

    def measure(quick: bool, seed: int) -> Measurement:
        # n is not reduced in quick mode: below ~1000 points the sample estimator's tail bias
        # (VR.4) is larger than its Richardson estimate (measured: Laplace on T^2, n = 600)
        n = 1200 if quick else 2400
        seeds = 3 if quick else 4
        lo, hi = n // 100, n // 20           # past the head, far from the floor at rank ~ n
        ranks = np.unique(np.round(np.geomspace(lo, hi, 12)).astype(int))
        law = kernel_decay(theory_kernel, d, **params)
        pred = prediction()
        streams = suite_streams(seed)
        sample_seeds = streams.sample_seeds(2 * seeds)

        def sample(size: int, sample_seed: int) -> np.ndarray:
            return empirical_spectrum(kernel, domain, d, size, seed=sample_seed,
                                      method="sample",
                                      nu=params.get("nu", 1.5)).eigenvalues[ranks - 1]

        eig = np.array([sample(n, s) for s in sample_seeds[:seeds]])
        half = np.array([sample(n // 2, s) for s in sample_seeds[seeds:]])
        x = ranks.astype(float)
        full_fit = fit_power_law(x, seeds_losses=eig, rng=streams.fit_rng(0))
        half_fit = fit_power_law(x, seeds_losses=half, rng=streams.fit_rng(1))
        diff = abs(full_fit.alpha - half_fit.alpha)
        diff_se = float(np.hypot(full_fit.alpha_stderr, half_fit.alpha_stderr))
        bias = (diff + 2.0 * diff_se) / (2**0.5 - 1)  # docs/verification.md (VR.4)
        exact = empirical_spectrum(kernel, domain, d, 4 * n, method=exact_method,
                                   nu=params.get("nu", 1.5)).eigenvalues
        exact_fit = fit_power_law(ranks.astype(float), exact[ranks - 1])
        shift = exact_fit.alpha - pred.value                 # docs/verification.md (VR.1)
        reason = (f"(VR.1) shift {shift:+.3f}: slope {exact_fit.alpha:.3f} of the exact operator "
                  f"spectrum ({exact_method}) on ranks {lo}-{hi}; (VR.4) band = sample-size "
                  f"bias estimate")
        curve = Curve.from_losses(x, eig, xlabel="rank i", ylabel="eigenvalue of K/n",
                                  method=f"eigenvalues of K/n, n = {n} sampled points per seed")
        config = {"kernel": kernel, "domain": domain, "d": d, "n": n, "seeds": seeds,
                  "ranks": ranks, "params": params, "exact_method": exact_method}
        return Measurement(curve=curve, config=config, predicted_curve=(ranks, exact[ranks - 1]),
                           comparison=ComparisonSettings(band=bias, band_reason=reason,
                                                         shift=shift),
                           extra={"alpha_K_derivation": law.to_dict(),
                                  "exact_slope": exact_fit.alpha, "sample_bias": bias,
                                  "half_sample_eigenvalues": half},
                           figure=_figure(exact, lo, hi, exact_method, half, ranks, n))

    return Scenario(name, "spectrum", f"{kernel} kernel on the {domain} of dimension {d}: "
                    "measured eigenvalue decay vs derived 1 + alpha_K", prediction, measure)


def _figure(exact: np.ndarray, lo: int, hi: int, exact_method: str, half: np.ndarray,
            ranks: np.ndarray, n: int) -> FigureSpec:
    """The exact operator spectrum at every rank of the window (a step per eigenvalue: the
    sphere's are degenerate) and the half-sample spectra behind the bias estimate (VR.4)."""
    every = np.arange(lo, hi + 1)
    half_se = half.std(axis=0, ddof=1) / np.sqrt(half.shape[0])
    return FigureSpec(kind="spectrum", ylabel="eigenvalue $\\lambda_i$ of K/n",
                      series=(FigureSeries(f"exact operator spectrum ({exact_method}), every "
                                           "rank", every.astype(float), exact[every - 1],
                                           color="C1"),
                              FigureSeries(f"mean of n/2 = {n // 2} points (the VR.4 bias "
                                           "estimate)", ranks.astype(float), half.mean(axis=0),
                                           half_se, color="C4")))


SCENARIOS = tuple(_scenario(name) for name in CASES)
