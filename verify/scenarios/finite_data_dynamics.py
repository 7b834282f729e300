"""Finite data along training time: the finite-D curve against simulation, and early stopping (docs/dynamics_lab.md).

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.

* ``finite-data-time-curve`` (default and quick): the kernel-limit student trained by gradient
  descent on ``D = 32`` Gaussian samples of ``M = 128`` modes
  (:func:`verify.simulator.dynamics.simulate_gd`, exact teacher and test averages), over a
  window where the modes learned, ``k*(t) = (2 eta t)^(1/b)``, grow from 3 to well past
  ``D``, so the population curve (DY.2) is far off at late times. The prediction is the
  finite-``D`` curve :func:`asymptotics.dynamics.finite_data.finite_data_curve`
  (docs/theory/dynamics.md (DY.14)-(DY.17)): its log-slope on the grid is the exponent
  compared, and its values are compared point by point. The value tolerance is the
  ``O(1/D)`` rule of docs/theory/dynamics.md (DY.19): a companion run at ``D/2`` (``M/2``
  modes, same ratio) measures the deviation there and its ``1/D`` extrapolation, doubled,
  is the tolerance at ``D``; the exponent band is the slope that tolerance can tilt,
  ``2 tol / ln(range)``.
* ``early-stopping-loss`` (paper suite): label noise ``sigma^2 = 0.1``; for ``D = 16 .. 128``
  (``M = 4D``) the minimum over a dense step grid of the simulated mean curve, ``L(t*, D)``,
  against the early-stopped rate ``(a-1)/a`` of
  :func:`asymptotics.dynamics.stopping.stopping_exponents` (DY.24). The band (VR.1) is the
  slope the same minimization gives on the finite-``D`` curve on the same grids (these ``D``
  are pre-asymptotic: ``k* ~ D^(1/a)`` is 4 to 11 modes), plus the tolerance of (DY.19)
  over ``ln(D range)``; a check compares the ``t*(D)`` slope with the curve's the same way.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from asymptotics.dynamics.curves import training_curve_float
from asymptotics.dynamics.finite_data import finite_data_curve
from asymptotics.dynamics.stopping import early_stopping, stopping_exponents
from asymptotics.model import PowerLawSpectrum, Target
from verify.fit import fit_power_law
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
from verify.simulator.dynamics import simulate_gd

__all__ = ["PAPER", "QUICK", "SCENARIOS", "one_over_d_tolerance"]

CURVE = {"a": 2.0, "b": 1.5, "eta": 0.5, "D": 32, "ratio": 4}
STOP = {"a": 2.0, "b": 1.5, "eta": 0.5, "noise": 0.1, "ratio": 4}


def one_over_d_tolerance(dev_small: np.ndarray, d_small: float, d: float) -> float:
    """docs/theory/dynamics.md (DY.19): the deterministic equivalent's relative error is
    ``O(1/D)`` at a fixed ratio ``M/D``, so the deviation measured at ``d_small`` predicts
    ``|dev| <= |dev_small| d_small / d`` at ``d``; the tolerance is twice that (the
    ``1/D`` coefficient itself carries the sampling error of the small run)."""
    return 2.0 * float(np.max(np.abs(dev_small))) * d_small / d


def _model(D: int, ratio: int, a: float, b: float) -> tuple:
    return PowerLawSpectrum(b, size=ratio * D), Target.power_law(a)


def _time_grid() -> np.ndarray:
    return np.unique(np.round(np.geomspace(2, 2000, 12)))


def _dense_grid() -> np.ndarray:
    t = _time_grid()
    return np.unique(np.round(np.geomspace(t[0], t[-1], 60)))


@functools.lru_cache(maxsize=2)
def _curve_theory() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The finite-D curve (DY.16) on the measured grid and on the figure's dense grid (one
    contour for both), and its certified digits on the measured grid."""
    spec, tgt = _model(CURVE["D"], CURVE["ratio"], CURVE["a"], CURVE["b"])
    t, dense = _time_grid(), _dense_grid()
    th = finite_data_curve(np.concatenate([t, dense]), spec, tgt, D=CURVE["D"],
                           eta=CURVE["eta"])
    return th.loss[:t.size], th.loss[t.size:], th.certified_digits[:t.size]


def _curve_prediction() -> Prediction:
    t = _time_grid()
    slope = fit_power_law(t, _curve_theory()[0]).alpha
    return Prediction(
        quantity="alpha_t(D)", expression=f"{slope:.6g}", value=float(slope),
        source="docs/theory/dynamics.md (DY.14)-(DY.17): the log-slope of the finite-D "
               "curve on the measured grid",
        steps=(f"D = {CURVE['D']}, M = {CURVE['ratio'] * CURVE['D']}, lambda_k = k^-"
               f"{CURVE['b']}, p_k = k^-{CURVE['a']}, eta = {CURVE['eta']}",
               f"population exponent (a-1)/b = {(CURVE['a'] - 1) / CURVE['b']:.4g} (DY.6), "
               "reached only while k*(t) << D"))


def _curve_measure(quick: bool, seed: int) -> Measurement:
    D, ratio, eta = CURVE["D"], CURVE["ratio"], CURVE["eta"]
    t = _time_grid()
    seeds = 48 if quick else 160
    lab = suite_streams(seed).lab_seed()
    spec, tgt = _model(D, ratio, CURVE["a"], CURVE["b"])
    small_spec, _ = _model(D // 2, ratio, CURVE["a"], CURVE["b"])
    th_loss, th_dense, th_digits = _curve_theory()
    th_small = finite_data_curve(t, small_spec, tgt, D=D // 2, eta=eta)
    sim = simulate_gd(spec, tgt, D=D, P=None, t=t, eta=eta, seeds=seeds, seed=lab)
    small = simulate_gd(small_spec, tgt, D=D // 2, P=None, t=t, eta=eta, seeds=2 * seeds,
                        seed=lab + 1)
    dev_small = small.mean / th_small.loss - 1.0
    tol = one_over_d_tolerance(dev_small, D // 2, D)
    rng = float(np.log(t[-1] / t[0]))
    band = 2.0 * tol / rng
    reason = (f"(DY.19) tolerance {tol:.3g} = 2 x max|dev| {np.max(np.abs(dev_small)):.3g} at "
              f"D = {D // 2} scaled by 1/D; band 2 tol / ln(range) = {band:.3g}")
    curve = Curve.from_losses(t, sim.losses, xlabel="t (gradient-descent steps)",
                              method=f"gradient descent from zero on D = {D} samples, kernel "
                                     "limit, exact teacher/test averages, one SVD per seed")
    dense = _dense_grid()
    figure = FigureSpec(kind="loglog", ylabel="excess error $E$", series=(
        FigureSeries(f"finite-D curve (DY.16), D = {D}", dense, th_dense, color="C1"),
        FigureSeries(f"population curve (DY.2), D = inf, same {ratio * D} modes", dense,
                     training_curve_float(dense, spec, tgt, eta=eta), color="C2")))
    return Measurement(curve=curve, predicted_curve=(t, th_loss),
                       config={"D": D, "M": ratio * D, "seeds": seeds, **CURVE, "t": t},
                       comparison=ComparisonSettings(band=band, band_reason=reason,
                                                     rel_tol=tol, k_sigma=4.0),
                       extra={"deviation_small_D": dev_small, "small_D": D // 2,
                              "certified_digits": th_digits,
                              "population": training_curve_float(t, spec, tgt, eta=eta)},
                       figure=figure)


def _minimum(t: np.ndarray, loss: np.ndarray) -> tuple[float, float]:
    """Minimum of a curve on a log grid, refined by a parabola through the three points
    around the grid minimum in ``log t``."""
    j = int(np.clip(np.argmin(loss), 1, t.size - 2))
    x, y = np.log(t[j - 1:j + 2]), loss[j - 1:j + 2]
    c2, c1, c0 = np.polyfit(x - x[1], y, 2)
    if c2 <= 0:
        return float(t[j]), float(loss[j])
    u = -c1 / (2 * c2)
    return float(t[j] * math.exp(u)), float(c0 + c1 * u + c2 * u * u)


def _stop_measure(quick: bool, seed: int) -> Measurement:
    a, b, eta, noise, ratio = STOP["a"], STOP["b"], STOP["eta"], STOP["noise"], STOP["ratio"]
    Ds = np.array([16, 32, 64] if quick else [16, 32, 64, 128])
    groups, per = (4, 12) if quick else (6, 12)
    lab = suite_streams(seed).lab_seed()
    t = np.unique(np.round(np.geomspace(1, 3000, 90)))
    l_sim = np.empty((groups, Ds.size))
    t_sim = np.empty((groups, Ds.size))
    l_th, t_th, l_half, d_half = [], [], [], []
    for i, D in enumerate(Ds):
        spec, tgt = _model(int(D), ratio, a, b)
        sim = simulate_gd(spec, tgt, D=int(D), P=None, t=t, eta=eta, noise=noise,
                          seeds=groups * per, seed=lab + i)
        for g in range(groups):
            t_sim[g, i], l_sim[g, i] = _minimum(t, sim.losses[g * per:(g + 1) * per].mean(0))
        th = early_stopping(spec, tgt, D=[int(D)], noise=noise, eta=eta, method="gd",
                            nodes=96)
        t_th.append(th.t_star[0])
        l_th.append(th.loss_star[0])
        if i == 0:  # the (DY.19) tolerance from the smallest D, on its whole curve
            curve = finite_data_curve(t, spec, tgt, D=int(D), eta=eta, noise=noise, nodes=96)
            l_half = sim.mean / curve.loss - 1.0
            d_half = int(D)
    law = stopping_exponents(b, a)
    tol = one_over_d_tolerance(np.asarray(l_half), d_half, float(Ds[1]))
    rng = float(np.log(Ds[-1] / Ds[0]))
    shift = theory_shift(Ds, np.array(l_th), law.loss.value)
    band = 2.0 * tol / rng  # dev(D) ~ c/D tilts the slope by at most 2 tol / ln(D range)
    reason = (f"(VR.1) shift {shift:+.3g}: the same minimum on the finite-D curve (DY.20)-"
              f"(DY.21); band: the (DY.19) tolerance {tol:.3g} as a slope, 2 tol / ln(D range)"
              "; the parabolic minimum makes the t grid's error second order")
    t_fit = fit_power_law(Ds.astype(float), seeds_losses=t_sim,
                          rng=suite_streams(seed).fit_rng(1))
    t_theory = fit_power_law(Ds.astype(float), np.array(t_th)).alpha
    half = 0.5 * (t_fit.alpha_ci[1] - t_fit.alpha_ci[0])
    # t* sits where the loss is flat: its grid error is one log step over the D range
    step = math.log(t[-1] / t[0]) / (t.size - 1) / rng
    t_ok = abs(t_fit.alpha - t_theory) <= half + band + step
    checks = (("t_star_slope", bool(t_ok),
               f"t*(D) slope {-t_fit.alpha:.3f} (simulation, CI half-width {half:.3f}) vs "
               f"{-t_theory:.3f} (finite-D curve), allowed {half + band + step:.3f}; law "
               f"b/a = {law.time.value:.3f} (DY.23), reached only at larger D"),)
    curve = Curve.from_losses(Ds, l_sim, xlabel="D (training points)", ylabel="L(t*, D)",
                              method=f"min over {t.size} log-spaced steps of the mean of "
                                     f"{per} seeds, {groups} groups; noise {noise}")
    return Measurement(curve=curve, predicted_curve=(Ds, np.array(l_th)),
                       config={"D": Ds, "groups": groups, "per_group": per, **STOP},
                       comparison=ComparisonSettings(band=band, band_reason=reason,
                                                     shift=shift, rel_tol=tol, checks=checks),
                       extra={"t_star_simulated": t_sim.mean(0), "t_star_theory": t_th,
                              "law": law.to_dict()},
                       figure=FigureSpec(kind="loglog", ylabel="early-stopped loss", series=(
                           FigureSeries("finite-D curve's minimum (DY.20)", Ds, l_th,
                                        color="C1"),)))


def _curve_scenario() -> Scenario:
    return Scenario("finite-data-time-curve", "resolution-limited (time)",
                    "kernel limit, gradient descent on D = 32 samples of M = 128 modes, "
                    "lambda_k = k^-1.5, p_k = k^-2: the finite-D curve (DY.16) vs simulation",
                    _curve_prediction, _curve_measure)


def _stop_scenario() -> Scenario:
    return Scenario("early-stopping-loss", "resolution-limited (data)",
                    "label noise 0.1, gradient descent stopped at its best step, D = 16..128: "
                    "L(t*) ~ D^-(a-1)/a = D^-1/2", lambda: stopping_exponents(
                        STOP["b"], STOP["a"]).loss, _stop_measure)


SCENARIOS: tuple = (_curve_scenario(),)
QUICK: tuple[str, ...] = ("finite-data-time-curve",)
PAPER: tuple = (_stop_scenario(),)
