"""Label noise and ridge: the noise crossover of Cui et al. (docs/dynamics_lab.md).

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.

* ``noise-optimal-ridge-rate``: kernel ridge regression (the kernel-limit student of
  :func:`verify.simulator.simulate.simulate_sweep`, exact teacher and test averages) with
  label noise ``sigma^2 = 1`` on ``lambda_i = i^-2`` and the isotropic teacher ``p_i = lambda_i``, at the
  optimal ridge, which for this Gaussian prior is ``delta = sigma^2`` at every ``D`` (the
  Bayes posterior mean; (DY.33) gives the same): ``E ~ D^-m/(m+1) = D^-1/2``
  (docs/theory/dynamics.md (DY.32)), far above the crossover ``D_x = pi^2/4`` (DY.34). The
  band (VR.1) is the slope of the deterministic equivalent (LC.2) of the same finite
  spectrum at the same ridge on the same grid, plus the sampling band of the fit.
* ``noise-crossover-collapse`` (paper suite): ``a = 3``, ``b = 2`` (``m = 2``), for noise
  levels ``sigma^2 = 10^-2 ... 10^-5`` the simulated loss at the predicted crossover size
  ``D_x(sigma^2) ~ sigma^-1`` (DY.34), each at the ridge that minimizes the deterministic
  equivalent there: the loss at the crossover scales as ``sigma^2`` (exponent 1 in
  ``1/sigma^2``) only if ``D_x`` has the exponent ``-1/m``, and its value is the continuum
  crossover form (DY.35) ``A c1^m D_x^-m F(1)``, compared point by point within the
  deviation of the discrete equivalent from that form plus the project's value tolerance.
"""

from __future__ import annotations

import numpy as np

from asymptotics.dynamics.noise import noise_crossover, optimal_ridge_curve
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.learning_curves import learning_curve_float
from verify.compare import REL_TOL
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    FigureSeries,
    FigureSpec,
    Measurement,
    Prediction,
    Scenario,
    theory_shift,
)
from verify.scenarios.seeds import suite_streams
from verify.simulator import simulate_sweep

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

RATE = {"a": 2.0, "b": 2.0, "noise": 1.0}
COLLAPSE = {"a": 3.0, "b": 2.0}


def _rate() -> Scenario:
    def prediction():
        return noise_crossover(RATE["b"], RATE["a"]).noisy

    def measure(quick: bool, seed: int) -> Measurement:
        S, seeds = (256, 3) if quick else (256, 4)
        D = [16, 32, 64, 128, 256]
        spec, tgt = PowerLawSpectrum(RATE["b"], size=S), Target.power_law(RATE["a"])
        ridge = RATE["noise"]                 # Bayes-optimal for p_i = lambda_i, w = 1
        res = simulate_sweep(spec, tgt, D=D, P=None, ridge=ridge, noise=RATE["noise"],
                             seeds=seeds, seed=suite_streams(seed).lab_seed())
        theory = learning_curve_float(np.array(D, float), np.inf, spec, tgt, ridge=ridge,
                                      noise=RATE["noise"])          # (LC.2), same spectrum
        pred = prediction()
        shift = theory_shift(D, theory, float(pred.exponent))
        # the minimized equivalent at the ends of the grid confirms the ridge is optimal
        opt = optimal_ridge_curve([D[0], D[-1]], spec, tgt, noise=RATE["noise"])
        ridge_ok = bool(np.all(np.abs(opt.ridge / ridge - 1) < 1e-3))
        rng = float(np.log(D[-1] / D[0]))
        band = 2.0 * REL_TOL / rng
        reason = (f"(VR.1) shift {shift:+.3g}: slope of the deterministic equivalent (LC.2) "
                  f"at ridge sigma^2 on this grid (S={S}); band 2 x {REL_TOL} (the value "
                  f"tolerance of the equivalent at finite D) over ln(D range) {rng:.3g}")
        curve = Curve.from_losses(D, res.losses, xlabel="D (samples)",
                                  method=f"kernel ridge regression, ridge = noise = "
                                         f"{RATE['noise']:g}, exact teacher/test averages")
        nc = noise_crossover(RATE["b"], RATE["a"])
        dense = np.geomspace(D[0], D[-1], 40)
        figure = FigureSpec(kind="loglog", ylabel="excess error $E$", series=(
            FigureSeries("deterministic equivalent (LC.2), same S", dense,
                         learning_curve_float(dense, np.inf, spec, tgt, ridge=ridge,
                                              noise=RATE["noise"]), color="C1"),
            FigureSeries("continuum crossover form (DY.35), S = inf", dense,
                         nc.scaled_loss(dense, RATE["noise"]), color="C2"),))
        return Measurement(curve=curve, predicted_curve=(D, theory),
                           config={"S": S, "D": D, "seeds": seeds, **RATE, "ridge": ridge},
                           comparison=ComparisonSettings(
                               band=band, band_reason=reason, shift=shift, rel_tol=REL_TOL,
                               checks=(("optimal ridge", ridge_ok,
                                        f"minimized equivalent's ridge {opt.ridge.tolist()} "
                                        f"vs sigma^2 = {ridge:g}"),)),
                           extra={"crossover_size": nc.crossover_size(RATE["noise"]),
                                  "optimal_ridge": opt.ridge},
                           figure=figure)

    return Scenario("noise-optimal-ridge-rate", "resolution-limited (data)",
                    "kernel ridge regression with label noise 1 at the optimal ridge, "
                    "lambda_i = i^-2, p_i = i^-2: E ~ D^-m/(m+1) = D^-1/2", prediction,
                    measure)


def _collapse() -> Scenario:
    def prediction():
        nc = noise_crossover(COLLAPSE["b"], COLLAPSE["a"])
        return Prediction("E at the crossover D_x, against 1/sigma^2",
                          f"m * ({nc.crossover.exponent}) = 1", float(nc.m
                                                                      * nc.crossover.exponent),
                          nc.crossover.source, tuple(nc.crossover.conditions))

    def measure(quick: bool, seed: int) -> Measurement:
        S, seeds = (1024, 3) if quick else (2048, 4)
        levels = np.geomspace(1e-2, 1e-5, 4 if quick else 7)
        nc = noise_crossover(COLLAPSE["b"], COLLAPSE["a"])
        spec, tgt = PowerLawSpectrum(COLLAPSE["b"], size=S), Target.power_law(COLLAPSE["a"])
        lab = suite_streams(seed).lab_seed()
        sims, theory, cont, ridges, sizes = [], [], [], [], []
        for i, s2 in enumerate(levels):
            d = round(nc.crossover_size(float(s2)))
            opt = optimal_ridge_curve([d], spec, tgt, noise=float(s2))     # (LC.1)-(LC.2)
            ridge = float(opt.ridge[0])
            res = simulate_sweep(spec, tgt, D=[d], P=None, ridge=ridge, noise=float(s2),
                                 seeds=seeds, seed=lab + i)
            sims.append(res.losses[:, 0])
            theory.append(float(opt.loss[0]))
            cont.append(float(nc.scaled_loss(d, float(s2))))           # (DY.35)
            ridges.append(ridge)
            sizes.append(d)
        x = 1.0 / levels
        theory, cont = np.array(theory), np.array(cont)
        pred = prediction()
        shift = theory_shift(x, theory, pred.value)
        gap = float(np.max(np.abs(theory / cont - 1)))
        rel_tol = gap + REL_TOL
        rng = float(np.log(x[-1] / x[0]))
        band = 2.0 * rel_tol / rng
        reason = (f"(VR.1) shift {shift:+.3g}: the minimized deterministic equivalent at the "
                  f"same D_x (S={S}); band 2 x (its largest gap {gap:.3g} from the continuum "
                  f"form (DY.35) + {REL_TOL}) over ln(range) {rng:.3g}")
        curve = Curve.from_losses(x, np.array(sims).T, xlabel="1/sigma^2 (D = D_x(sigma^2))",
                                  ylabel="E(D_x)",
                                  method="kernel ridge regression at D_x, ridge minimizing "
                                         "the equivalent, exact teacher/test averages")
        return Measurement(curve=curve, predicted_curve=(x, cont),
                           config={"S": S, "seeds": seeds, **COLLAPSE,
                                   "noise": levels, "D": sizes, "ridge": ridges},
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         shift=shift, rel_tol=rel_tol),
                           extra={"equivalent": theory, "continuum": cont},
                           figure=FigureSpec(kind="loglog", ylabel="E at D_x", series=(
                               FigureSeries("minimized equivalent (LC.2)", x, theory,
                                            color="C1"),)))

    return Scenario("noise-crossover-collapse", "resolution-limited (data)",
                    "kernel ridge regression, lambda_i = i^-2, p_i = i^-3, at D_x(sigma^2) "
                    "~ sigma^-1 (m = 2): E(D_x) ~ sigma^2", prediction, measure)


SCENARIOS: tuple = (_rate(),)
QUICK: tuple[str, ...] = ()
PAPER: tuple = (_collapse(),)
