"""Training time and compute: gradient-descent learning curves and compute-optimal laws.

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.

* ``dynamics-time-limited``: the kernel-limit student trained by gradient descent on ``D``
  Gaussian samples (:func:`verify.simulator.dynamics.simulate_gd`, exact teacher and test
  averages), loss against steps ``t`` while few modes are learned, ``k*(t) << D``: the
  fitted exponent against ``alpha_t = (a-1)/b`` (docs/theory/dynamics.md (DY.6)). The
  band (VR.1) is the slope of the exact population curve (DY.2) on the same grid and the
  same finite spectrum; the finite-``D`` deviation from that curve is estimated by the
  ridge-equivalent bias factor ``1/(1 - df2(kappa_t)/D)`` at ``kappa_t = 1/(2 eta t)``
  (docs/theory/learning_curves.md (LC.1) at the ridge gradient descent mimics), which sets
  the value tolerance and a band ``2 delta/ln(range)``.
* ``dynamics-compute-optimal-L`` and ``dynamics-compute-optimal-P``: one random-feature
  model (projection student) trained on the population loss (``D = inf``), one
  eigendecomposition per ``(P, seed)`` giving every step; for each compute ``C = P t`` the
  minimum over the ``P`` grid of ``L(P, C/P)``: ``L*(C) ~ C^-y`` and ``P*(C) ~ C^x``
  against :func:`asymptotics.dynamics.laws.compute_optimal` (DY.8)-(DY.9). The band (VR.1)
  is the slope the same minimization finds on the exact top-``P`` population curve (DY.4)
  of the same finite spectrum and grids, plus the quantization of ``log P*`` by the grid.
* ``dynamics-single-P`` and ``dynamics-ensemble-P`` (paper suite): one converged
  random-feature model against the average of infinitely many (pair estimate (DY.13)), at
  ``D = t = inf`` on a target with ``a - 1 > b``: ``alpha_P = min(a-1, b)`` for one model and
  ``min(a-1, 2b)`` for the ensemble (DY.9). The band (VR.1)-(VR.2) is the slope of the
  deterministic equivalent ``E[Pi] ~ Lambda (Lambda + kappa)^-1`` on the same grid and the
  slope change a ``1/P_min`` error can make.
* ``dynamics-sgd-time`` (paper suite): one-pass SGD (batch 1) run directly, averaged over
  runs, against ``alpha_t = (a-1)/b``; the band (VR.1) is the slope of the exact mean-square
  recursion (DY.12) on the same grid, and the values are compared with it point by point.
"""

from __future__ import annotations

import math

import numpy as np

from asymptotics.dynamics.curves import training_curve_float
from asymptotics.dynamics.laws import compute_optimal, time_exponent
from asymptotics.dynamics.sgd import sgd_curve
from asymptotics.model import PowerLawSpectrum, Target
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
from verify.simulator.dynamics import ensemble_population_loss, simulate_gd, simulate_sgd

__all__ = ["PAPER", "QUICK", "SCENARIOS", "finite_data_deviation", "projection_equivalent"]

TIME = {"a": 2.0, "b": 2.0, "eta": 1.0}
COMPUTE = {"b": 2.0, "eta": 0.4}  # eta mu_max < 2 for the projection (mu_max up to ~2.5)  # isotropic teacher: a = b, alpha_P = a - 1 for any student


def finite_data_deviation(lam: np.ndarray, D: int, eta: float, t: np.ndarray) -> np.ndarray:
    """``df2(kappa_t)/D / (1 - df2(kappa_t)/D)`` at ``kappa_t = 1/(2 eta t)``: the relative
    excess of the finite-``D`` bias over the population one at the ridge gradient descent
    mimics after ``t`` steps (docs/theory/learning_curves.md (LC.1); the time-ridge
    correspondence of Bordelon et al. 2024). An estimate, used only for tolerances."""
    kappa = 1.0 / (2.0 * eta * np.asarray(t, float))
    df2 = np.array([np.sum((lam / (lam + k)) ** 2) for k in kappa])
    r = df2 / D
    return r / (1.0 - r)


def _time_limited() -> Scenario:
    def prediction():
        return time_exponent(TIME["b"], TIME["a"])

    def measure(quick: bool, seed: int) -> Measurement:
        S, D, seeds = (256, 512, 2) if quick else (512, 1024, 3)
        spec, tgt = PowerLawSpectrum(TIME["b"], size=S), Target.power_law(TIME["a"])
        t = np.unique(np.round(np.geomspace(4, 400, 8)))
        res = simulate_gd(spec, tgt, D=D, P=None, t=t, eta=TIME["eta"], seeds=seeds,
                          seed=suite_streams(seed).lab_seed())
        theory = training_curve_float(t, spec, tgt, eta=TIME["eta"])   # (DY.2), D = inf
        delta = finite_data_deviation(spec.eigenvalues(), D, TIME["eta"], t)
        pred = prediction()
        shift = theory_shift(t, theory, pred.value)
        rng = float(np.log(t[-1] / t[0]))
        band = 2.0 * float(delta.max()) / rng
        rel_tol = 2.0 * float(delta.max())
        reason = (f"(VR.1) shift {shift:+.3g}: slope of the exact population curve (DY.2) on "
                  f"this grid (S={S}); band 2 delta/ln(range) with delta = {delta.max():.3g}, "
                  f"the ridge-equivalent finite-D bias factor at t = {t[-1]:g} (D={D})")
        curve = Curve.from_losses(t, res.losses, xlabel="t (gradient-descent steps)",
                                  method="gradient descent from zero, exact teacher/test "
                                         "averages, one SVD per seed")
        dense = np.unique(np.round(np.geomspace(t[0], t[-1], 60)))   # whole steps
        figure = FigureSpec(kind="loglog", ylabel="excess error $E$",
                            series=(FigureSeries("population curve (DY.2), D = inf", dense,
                                                 training_curve_float(dense, spec, tgt,
                                                                      eta=TIME["eta"]),
                                                 color="C1"),))
        return Measurement(curve=curve, predicted_curve=(t, theory),
                           config={"S": S, "D": D, "seeds": seeds, **TIME, "t": t},
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         shift=shift, rel_tol=rel_tol),
                           extra={"finite_data_deviation": delta, "mu_max": res.mu_max},
                           figure=figure)

    return Scenario("dynamics-time-limited", "resolution-limited (time)",
                    "kernel-limit student, gradient descent on D samples, lambda_i = i^-2, "
                    "p_i = i^-2: L ~ t^-(a-1)/b = t^-1/2", prediction, measure)


def _iso_compute(loss: np.ndarray, P: np.ndarray, t_of: np.ndarray,
                 Cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per compute ``C``: the minimum of ``loss[P index, t index]`` over ``P`` with
    ``t = C/P`` (``t_of[i, c]`` is the index of ``round(C_c / P_i)`` in the time grid)."""
    along = np.take_along_axis(loss, t_of, axis=1)          # (P, C)
    j = np.argmin(along, axis=0)
    return P[j].astype(float), along[j, np.arange(Cs.size)]


_SIMULATIONS: dict = {}


def _population_landscape(quick: bool, seed: int) -> tuple:
    """The simulated and exact loss landscapes over (P, t), computed once per (quick, seed)
    and shared by the two compute-optimal scenarios."""
    key = (bool(quick), int(seed))
    if key in _SIMULATIONS:
        return _SIMULATIONS[key]
    S, seeds = (512, 2) if quick else (1024, 4)
    spec, tgt = PowerLawSpectrum(COMPUTE["b"], size=S), Target.isotropic()
    P = np.unique(np.round(np.geomspace(4, S // 2, 24))).astype(int)
    Cs = np.geomspace(2e3, 2e5, 7)
    times = np.unique(np.round(np.outer(1.0 / P, Cs)).ravel())
    times = times[times >= 1]
    t_of = np.searchsorted(times, np.maximum(np.round(np.outer(1.0 / P, Cs)), 1))
    lab = suite_streams(seed).lab_seed()
    sims = np.stack([simulate_gd(spec, tgt, D=math.inf, P=int(p), t=times, eta=COMPUTE["eta"],
                                 seeds=seeds, seed=lab + i).losses
                     for i, p in enumerate(P)], axis=1)      # (seeds, P, times)
    top = training_curve_float(times[None, :], spec, tgt, P=P[:, None].astype(float),
                               eta=COMPUTE["eta"])            # (DY.4), exact, same grids
    _SIMULATIONS.clear()
    _SIMULATIONS[key] = (S, seeds, P, Cs, times, t_of, sims, top)
    return _SIMULATIONS[key]


def _compute_measurement(quick: bool, seed: int, which: str) -> Measurement:
    S, seeds, P, Cs, times, t_of, sims, top = _population_landscape(quick, seed)
    per_seed = [_iso_compute(sims[k], P, t_of, Cs) for k in range(seeds)]
    top_P, top_L = _iso_compute(top, P, t_of, Cs)
    co = compute_optimal(COMPUTE["b"], student="projection")
    step = float(np.log(P[1:] / P[:-1]).max())               # log-grid spacing of P
    rng = float(np.log(Cs[-1] / Cs[0]))
    if which == "L":
        values = np.array([s[1] for s in per_seed])
        shift = theory_shift(Cs, top_L, float(co.y))
        band = step / rng   # P* quantized by the grid moves L* by O(step^2); its slope less
        ylabel, method = "L*(C)", "min over the P grid of L(P, C/P)"
        predicted = top_L
    else:
        values = np.array([s[0] for s in per_seed])
        shift = theory_shift(Cs, top_P, -float(co.x))
        band = 2.0 * step / rng   # log P* is known to +-step/2 at each end of the range
        ylabel, method = "P*(C)", "argmin over the P grid of L(P, C/P)"
        predicted = top_P
    reason = (f"(VR.1) shift {shift:+.3g}: the same minimization on the exact top-P "
              f"population curve (DY.4), S={S}, same grids; band from the P grid's log "
              f"spacing {step:.3g} over ln(C range) {rng:.3g}")
    curve = Curve.from_losses(Cs, values, xlabel="C = P t", ylabel=ylabel,
                              method=f"{method}; projection student, D = inf, one "
                                     "eigendecomposition per (P, seed)")
    return Measurement(curve=curve, predicted_curve=(Cs, predicted),
                       config={"S": S, "seeds": seeds, "P": P, "C": Cs, **COMPUTE,
                               "student": "projection"},
                       comparison=ComparisonSettings(band=band, band_reason=reason,
                                                     shift=shift),
                       extra={"compute_optimal": co.to_dict(), "top_P_star": top_P,
                              "top_L_star": top_L,
                              **({"landscape": _landscape_data(P, Cs, times, t_of, sims, top, co)}
                                 if which == "L" else {})},
                       figure=FigureSpec(kind="loglog", ylabel=ylabel, series=(
                           FigureSeries("top-P population theory (DY.4): the slope "
                                        "reference; its prefactor differs", Cs, predicted,
                                        color="C1"),)))


def _landscape_data(P: np.ndarray, Cs: np.ndarray, times: np.ndarray, t_of: np.ndarray,
                    sims: np.ndarray, top: np.ndarray, co) -> dict:
    """The (P, t) grid behind the compute-optimal scenarios, as plain JSON-safe lists, for
    the landscape figure of :mod:`verify.output.dynamics_figures`: the seed-mean simulated
    loss and the exact top-P population loss (DY.4) on every (P, t) of the grid, and the
    frontier ``P*(C)`` each gives on the iso-compute lines ``P t = C`` (the argmin of
    :func:`_iso_compute`; the simulated one from the seed-mean landscape)."""
    mean = sims.mean(axis=0)
    sim_P, sim_L = _iso_compute(mean, P, t_of, Cs)
    th_P, th_L = _iso_compute(top, P, t_of, Cs)
    return {"P": [int(v) for v in P], "t": [float(v) for v in times],
            "C": [float(v) for v in Cs],
            "simulated": [[float(v) for v in row] for row in mean],
            "theory": [[float(v) for v in row] for row in top],
            "frontier_simulated": {"P": [float(v) for v in sim_P],
                                   "L": [float(v) for v in sim_L]},
            "frontier_theory": {"P": [float(v) for v in th_P], "L": [float(v) for v in th_L]},
            "x": float(co.x), "y": float(co.y), "seeds": int(sims.shape[0])}


def _compute_optimal(which: str) -> Scenario:
    def prediction():
        co = compute_optimal(COMPUTE["b"], student="projection")
        if which == "L":
            return co.loss
        return Prediction("-x (P* ~ C^x, fitted as a decay exponent)", f"-({co.x})",
                          -float(co.x), co.loss.source, tuple(co.loss.conditions))

    def measure(quick: bool, seed: int) -> Measurement:
        return _compute_measurement(quick, seed, which)

    law = "L* ~ C^-y, y = 1/3" if which == "L" else "P* ~ C^x, x = 1/3"
    return Scenario(f"dynamics-compute-optimal-{which}", "compute-optimal (C = P t)",
                    f"one random-feature model, D = inf, lambda_i = i^-2, isotropic teacher: "
                    f"{law}", prediction, measure)


ENSEMBLE = {"b": 1.5, "a": 3.5}  # a - 1 = 2.5: one model min(2.5, 1.5), ensemble min(2.5, 3)


def projection_equivalent(lam: np.ndarray, p: np.ndarray, P: np.ndarray) -> tuple:
    """Deterministic equivalents at ``D = t = inf``: ``kappa`` with ``sum lam/(lam+kappa) = P``
    (docs/theory/learning_curves.md (LC.1) at ``D = inf``), one model's loss
    ``sum p kappa/(lam+kappa)`` and the ensemble's ``sum p kappa^2/(lam+kappa)^2``."""
    from scipy.optimize import brentq
    single, ens = [], []
    for n in P:
        u = brentq(lambda v, n=n: float(np.sum(lam / (lam + np.exp(v)))) - n, -700.0, 700.0,
                   xtol=1e-14)                              # in log kappa
        k = float(np.exp(u))
        single.append(float(np.sum(p * k / (lam + k))))
        ens.append(float(np.sum(p * (k / (lam + k)) ** 2)))
    return np.array(single), np.array(ens)


_ENSEMBLE: dict = {}


def _ensemble_measurement(quick: bool, seed: int, which: str) -> Measurement:
    S, seeds, members = (256, 2, 16) if quick else (512, 3, 32)
    key = (bool(quick), int(seed))
    spec, tgt = PowerLawSpectrum(ENSEMBLE["b"], size=S), Target.power_law(ENSEMBLE["a"])
    P = np.unique(np.round(np.geomspace(16, S // 4, 6))).astype(int)
    if key not in _ENSEMBLE:
        lab = suite_streams(seed).lab_seed()
        runs = [ensemble_population_loss(spec, tgt, P=int(n), members=members, seeds=seeds,
                                         seed=lab + i) for i, n in enumerate(P)]
        _ENSEMBLE.clear()
        _ENSEMBLE[key] = runs
    runs = _ENSEMBLE[key]
    values = np.array([[getattr(r, which)[k] for r in runs] for k in range(seeds)])
    theory = projection_equivalent(spec.eigenvalues(), tgt.powers(spec), P)[
        0 if which == "single" else 1]
    rf = _ensemble_prediction(which)
    shift = theory_shift(P, theory, rf.value)
    rel = 1.0 / float(P[0])
    band = 2.0 * rel / float(np.log(P[-1] / P[0]))
    reason = (f"(VR.1) shift {shift:+.3g}: slope of the deterministic equivalent E[Pi] ~ "
              f"Lambda (Lambda + kappa)^-1 on this grid (S={S}); (VR.2) band 2 (1/P_min)/"
              "ln(range)")
    curve = Curve.from_losses(P.astype(float), values, xlabel="P",
                              method=f"{which} {'model' if which == 'single' else 'average'}"
                                     f", D = t = inf, {members} projections per seed, "
                                     "pair estimate (DY.13)")
    return Measurement(curve=curve, predicted_curve=(P, theory),
                       config={"S": S, "seeds": seeds, "members": members, "P": P, **ENSEMBLE},
                       comparison=ComparisonSettings(band=band, band_reason=reason,
                                                     shift=shift),
                       figure=FigureSpec(kind="loglog", ylabel=f"{which} loss", series=(
                           FigureSeries("deterministic equivalent", P.astype(float), theory,
                                        color="C1"),)))


def _ensemble_prediction(which: str):
    from asymptotics.rf.laws import rf_exponents
    if which == "single":
        return rf_exponents(ENSEMBLE["b"], ENSEMBLE["a"]).alpha_P
    co = compute_optimal(ENSEMBLE["b"], ENSEMBLE["a"], student="ensemble")
    return Prediction("alpha_P of the ensemble-averaged predictor", "min(a-1, 2b)",
                      float(co.alpha_P), "docs/theory/dynamics.md (DY.9)",
                      ("a - 1 = 2.5 < 2b = 3", "D = t = inf"))


def _ensemble(which: str) -> Scenario:
    def measure(quick: bool, seed: int) -> Measurement:
        return _ensemble_measurement(quick, seed, which)

    law = "min(a-1, b) = 1.5" if which == "single" else "min(a-1, 2b) = 2.5"
    return Scenario(f"dynamics-{which}-P", "resolution-limited (parameters)",
                    f"{which} random-feature {'model' if which == 'single' else 'average'}, "
                    f"D = t = inf, lambda_i = i^-1.5, p_i = i^-3.5: alpha_P = {law}",
                    lambda: _ensemble_prediction(which), measure)


SGD = {"a": 2.0, "b": 2.0, "eta": 0.1}  # small step: the per-run loss is not heavy-tailed


def _sgd() -> Scenario:
    def prediction():
        return time_exponent(SGD["b"], SGD["a"])

    def measure(quick: bool, seed: int) -> Measurement:
        S, runs, seeds = (64, 64, 4) if quick else (128, 128, 8)
        spec, tgt = PowerLawSpectrum(SGD["b"], size=S), Target.power_law(SGD["a"])
        t = np.unique(np.round(np.geomspace(20, 2000, 8)))
        losses = simulate_sgd(spec, tgt, t=t, eta=SGD["eta"], runs=runs, seeds=seeds,
                              seed=suite_streams(seed).lab_seed())
        exact = sgd_curve(int(t[-1]), spec, tgt, eta=SGD["eta"]).loss[t.astype(int)]  # (DY.12)
        shift = theory_shift(t, exact, prediction().value)
        band = 2.0 * REL_TOL / float(np.log(t[-1] / t[0]))
        reason = (f"(VR.1) shift {shift:+.3g}: slope of the exact SGD recursion (DY.12) on this "
                  f"grid (S={S}); (VR.2) band 2 REL_TOL/ln(range)")
        curve = Curve.from_losses(t, losses, xlabel="t (SGD steps, batch 1)",
                                  method=f"one-pass SGD run directly, {runs} runs per seed "
                                         "(teacher, batches and noise drawn; test point exact)")
        return Measurement(curve=curve, predicted_curve=(t, exact),
                           config={"S": S, "runs": runs, "seeds": seeds, **SGD, "t": t},
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         shift=shift, rel_tol=REL_TOL),
                           figure=FigureSpec(kind="loglog", ylabel="excess error $E$", series=(
                               FigureSeries("exact SGD recursion (DY.12)", t, exact,
                                            color="C1"),)))

    return Scenario("dynamics-sgd-time", "resolution-limited (time)",
                    "one-pass SGD, batch 1, eta = 0.1, lambda_i = i^-2, p_i = i^-2: "
                    "L ~ t^-(a-1)/b = t^-1/2", prediction, measure)


#: The scenarios of the default report.
SCENARIOS: tuple = (_time_limited(), _compute_optimal("L"), _compute_optimal("P"))
#: Names of the scenarios ``python -m verify --quick`` runs.
QUICK: tuple[str, ...] = ("dynamics-time-limited", "dynamics-compute-optimal-L")
#: The scenarios of ``python -m verify --suite paper``.
PAPER: tuple = (_ensemble("single"), _ensemble("ensemble"), _sgd())
