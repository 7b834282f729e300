"""The double-descent peak at P = D and its removal by ridge (docs/theory/learning_curves.md (LC.8)).

For the isotropic teacher the ridgeless deterministic equivalent is
``E(D, P) = E_inf(min(D, P)) * max(D, P) / |D - P|`` (docs/theory/learning_curves.md
(LC.8)): the loss diverges as ``|P - D|^(-1)`` at the interpolation threshold, even without
label noise, and any ridge ``delta > 0`` keeps it finite. The divergence exponent is derived
here with sympy from that closed form; the measured one is the log-log slope of the
simulated loss against ``x = P - D`` on the over-parameterized side.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

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
from verify.simulator.simulate import simulate_sweep

__all__ = ["SCENARIOS", "divergence_exponent"]

#: The ridge of the ``double-descent-ridge`` scenario (each figure draws both theories).
RIDGE = 1e-3


@cache
def divergence_exponent(ridge_positive: bool) -> Prediction:
    """``-lim_{x->0+} d log E / d log x`` of the closed form at ``P = D + x`` (sympy)."""
    x, n, e_inf, kappa_r = sp.symbols("x n E_inf kappa_r", positive=True)
    if not ridge_positive:
        loss = e_inf * (n + x) / x                        # docs/theory/learning_curves.md (LC.8)
        source = ("docs/theory/learning_curves.md (LC.8): E(D,P) = E_inf(min) max/|D-P| "
                  "(ridgeless)")
    else:
        # with ridge the loss is analytic in P at P = D: a finite value plus a linear term
        loss = e_inf * (1 + kappa_r * x)
        source = ("docs/theory/learning_curves.md (LC.8): any ridge delta > 0 keeps E(D, P) "
                  "finite at P = D")
    slope = sp.limit(-x * sp.diff(sp.log(loss), x), x, 0, "+")
    return Prediction("divergence exponent of L in |P - D|", sp.sstr(slope), float(slope),
                      source, (f"L(x) = {sp.sstr(loss)}", f"-x d log L/dx -> {slope}"))


def _measure(*, ridge: float, quick: bool, seed: int) -> Measurement:
    # the asymptotic law needs 1 << |P - D| << D: D large, x from 8 (no finite fourth moment
    # below; at 8 seeds the skewness rule, docs/simulator.md (SIM.16), also flags x = 8, 16:
    # extra["heavy_tail"] records it, the fit reads the means)
    D = 128 if quick else 256
    S = 512 if quick else 1024
    seeds = 4 if quick else 8
    x_fit = ([8, 16, 32] if quick else [8, 16, 32, 64]) if ridge == 0 else [1, 2, 4, 8, 16]
    under = [D // 4, D // 2, (3 * D) // 4, D - 8, D - 2]
    grid = sorted({*under, D, *(D + v for v in x_fit)})
    spec, target = PowerLawSpectrum(2.0, size=S), Target.isotropic()
    sweep = simulate_sweep(spec, target, D=D, P=grid, student="projection", ridge=ridge,
                           seeds=seeds, seed=suite_streams(seed).lab_seed())
    P = np.asarray(sweep.grid, dtype=float)
    theory = learning_curve_float(np.full_like(P, D), P, spec, target, ridge=ridge,
                                  student="projection")
    over = np.isin(P, [D + v for v in x_fit])
    x = P[over] - D
    curve = Curve.from_losses(x, sweep.losses[:, over], xlabel="P - D", method=sweep.method)
    pred = divergence_exponent(ridge > 0)
    mean = sweep.losses.mean(axis=0)
    if ridge == 0:
        # the peak: the largest simulated mean sits at |P - D| <= 1, where theory says inf
        peak_P = float(P[int(np.argmax(mean))])
        checks = (("peak", abs(peak_P - D) <= 1 and not np.isfinite(theory[P == D]).any(),
                   f"largest simulated loss at P = {peak_P:g} (D = {D}); theory at "
                   f"P = D: {theory[P == D][0]!r}"),)
        rel_tol = 1.0 / min(x_fit)     # docs/verification.md (VR.5): order 1/|P - D|
        what = "ridgeless"
    else:
        finite = bool(np.isfinite(mean).all() and np.isfinite(theory).all())
        checks = (("finite", finite, "every simulated and predicted loss is finite"),)
        rel_tol = REL_TOL
        what = "ridge"
    shift = theory_shift(x, theory[over], pred.value)       # docs/verification.md (VR.1)
    band = 2.0 * rel_tol / float(np.log(x[-1] / x[0]))     # docs/verification.md (VR.2)
    reason = (f"(VR.1) shift {shift:+.3g} = slope of the {what} deterministic equivalent on "
              f"this x-grid minus {pred.value:g}; (VR.2) band 2 rel_tol/ln(range); value "
              f"tolerance {rel_tol:g}"
              + (" = 1/min|P-D| (finite-size order, VR.5)" if ridge == 0 else ""))
    config = {"b": 2.0, "S": S, "D": D, "P": grid, "ridge": ridge, "seeds": seeds,
              "student": "projection", "fit_axis": "x = P - D", "x_fit": x_fit}
    return Measurement(curve=curve, config=config, predicted_curve=(x, theory[over]),
                       comparison=ComparisonSettings(band=band, band_reason=reason, shift=shift,
                                                     rel_tol=rel_tol, checks=checks),
                       extra={"full_grid_P": P, "full_mean": mean,
                              "full_stderr": sweep.stderr, "full_theory": theory,
                              "flags": sweep.flags, "flag_reasons": sweep.flag_reasons,
                              # near the peak the loss has few finite moments: those points
                              # quote the median's interval (docs/simulator.md (SIM.14))
                              "finite_moments": sweep.finite_moments,
                              "heavy_tail": sweep.heavy_tail, "ci_kind": list(sweep.ci_kind),
                              "tail_rate": list(sweep.tail_rate),
                              "tail_reasons": list(sweep.tail_reasons),
                              "fit_points_heavy_tailed": bool(sweep.heavy_tail[over].any())},
                       figure=_figure(D, spec, target, ridge, P, mean, sweep.stderr))


def _figure(D: int, spec: PowerLawSpectrum, target: Target, ridge: float, P: np.ndarray,
            mean: np.ndarray, stderr: np.ndarray) -> FigureSpec:
    """Loss against P/D across the peak: the ridgeless and the ridge theory at 400 values
    of P/D (the deterministic equivalent takes non-integer P), and this scenario's
    simulated points on its whole grid, both sides of P = D."""
    ratio = np.concatenate([np.geomspace(0.2, 1 - 1e-3, 200), np.geomspace(1 + 1e-3, 2.0, 200)])
    lines = []
    for delta, color in ((0.0, "C0"), (RIDGE, "C1")):
        E = learning_curve_float(np.full_like(ratio, D), ratio * D, spec, target, ridge=delta,
                                 student="projection")
        what = "ridgeless" if delta == 0 else f"ridge $\\delta$ = {delta:g}"
        lines.append(FigureSeries(f"theory, {what}", ratio, E, color=color))
    what = "ridgeless" if ridge == 0 else f"ridge $\\delta$ = {ridge:g}"
    keep = np.isfinite(mean) & (mean > 0) & np.isfinite(stderr)
    dropped = f", {int((~keep).sum())} non-finite not drawn" if not keep.all() else ""
    points = FigureSeries(f"simulation, {what} (D = {D}{dropped})", P[keep] / D, mean[keep],
                          stderr[keep], color="C0" if ridge == 0 else "C1")
    return FigureSpec(kind="double_descent", xlabel="P/D", ylabel="excess error $E$",
                      series=(*lines, points), group="double-descent", vline=1.0,
                      panel="ridgeless" if ridge == 0 else f"ridge {ridge:g}")


def _scenario(ridge: float) -> Scenario:
    name = "double-descent" if ridge == 0 else "double-descent-ridge"

    def prediction() -> Prediction:
        return divergence_exponent(ridge > 0)

    def measure(quick: bool, seed: int) -> Measurement:
        return _measure(ridge=ridge, quick=quick, seed=seed)

    text = ("ridgeless projection student across P = D: L ~ |P - D|^-1" if ridge == 0 else
            f"ridge delta = {ridge:g} removes the peak: L finite at P = D")
    return Scenario(name, "double descent (P = D)", text, prediction, measure)


SCENARIOS = (_scenario(0.0), _scenario(RIDGE))
