"""Scenarios of the linear random-feature model of Bahri et al.

The model's exponents are docs/theory/regimes.md (RG.8)-(RG.12).

Each scenario simulates the Gaussian-design teacher-student model with exact teacher and
test averages (:func:`verify.simulator.simulate.simulate_sweep`), evaluates the deterministic
equivalent on the same grid (:func:`asymptotics.rf.learning_curves.learning_curve_float`),
and checks two things: the fitted exponent against the exact asymptotic exponent from
:mod:`asymptotics` (band (VR.1): the theory's own slope on the same grid), and the simulated
values against the theory curve point by point (VR.2).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.laws import rf_exponents
from asymptotics.rf.learning_curves import learning_curve_float
from asymptotics.variance import variance_limited
from verify.compare import REL_TOL
from verify.scenarios.base import (
    ComparisonSettings,
    Curve,
    FigureSeries,
    FigureSpec,
    Measurement,
    Scenario,
    theory_shift,
)
from verify.scenarios.seeds import suite_streams
from verify.simulator.simulate import simulate_sweep

__all__ = ["SCENARIOS", "finite_size_tolerance"]

K_SIGMA = 4.0


def finite_size_tolerance(D: np.ndarray, P: np.ndarray) -> float:
    """docs/verification.md (VR.5): ``max(REL_TOL, 1 / min(D, P, |D - P|))`` over the grid
    (``P = inf``: the kernel limit), the value tolerance of the deterministic equivalent."""
    sizes = np.concatenate([D, P[np.isfinite(P)], np.abs(D - P)[np.isfinite(P)]])
    return max(REL_TOL, 1.0 / float(sizes.min()))


def _geom(lo: int, hi: int, n: int) -> list[int]:
    return sorted({round(float(v)) for v in np.geomspace(lo, hi, n)})


def _measure_rf(*, derivation: Any, spectrum: PowerLawSpectrum, target: Target, D: Any, P: Any,
                student: str, seeds: int, seed: int, offset: bool = False,
                ridge: float = 0.0, group: str = "", panel: str = "") -> Measurement:
    sweep = simulate_sweep(spectrum, target, D=D, P=P, student=student, ridge=ridge,
                           seeds=seeds, seed=suite_streams(seed).lab_seed())
    axis = sweep.axis
    x = np.asarray(sweep.grid, dtype=float)
    d_arr = x if axis == "D" else np.full_like(x, float(D))
    p_arr = x if axis == "P" else np.full_like(x, np.inf if P is None else float(P))
    theory = learning_curve_float(d_arr, p_arr, spectrum, target, ridge=ridge,
                                  student=student)
    rel_tol = finite_size_tolerance(d_arr, p_arr)
    # docs/verification.md (VR.1): compare at the theory's own slope on this grid (a signed
    # shift); (VR.2): the band is the largest slope change deviations within the value
    # tolerance (VR.5) can make
    shift = theory_shift(x, theory, float(derivation.value), offset=offset)
    band = 2.0 * rel_tol / float(np.log(x[-1] / x[0]))
    reason = (f"(VR.1) shift {shift:+.3g} = slope of the exact deterministic equivalent on "
              f"this grid (S={spectrum.size}) minus the asymptotic exponent; (VR.2) band "
              f"2 rel_tol/ln(range) for its {rel_tol:g} accuracy")
    curve = Curve.from_losses(x, sweep.losses, xlabel=axis, method=sweep.method)
    config = {"b": spectrum.b, "S": spectrum.size, "target": repr(target), "D": D, "P": P,
              "rel_tol": rel_tol, "student": student, "ridge": ridge, "seeds": seeds,
              "offset_fit": offset}
    return Measurement(curve=curve, config=config, predicted_curve=(x, theory),
                       comparison=ComparisonSettings(band=band, band_reason=reason, shift=shift,
                                                     offset=offset, rel_tol=rel_tol,
                                                     k_sigma=K_SIGMA),
                       extra={"flags": sweep.flags, "flag_reasons": sweep.flag_reasons},
                       figure=_figure(x, axis, D, P, spectrum, target, ridge, student,
                                      offset=offset, group=group, panel=panel))


def _figure(x: np.ndarray, axis: str, D: Any, P: Any, spectrum: PowerLawSpectrum,
            target: Target, ridge: float, student: str, *, offset: bool, group: str,
            panel: str) -> FigureSpec:
    """The figure's dense theory line (the deterministic equivalent at 60 sizes) and, for
    an offset fit, its exact limit E_inf at the swept size = inf (the excess is drawn)."""
    dense = np.geomspace(x[0], x[-1], 60)
    fixed = np.inf if (axis == "P" and D is None) or (axis == "D" and P is None) else \
        float(D if axis == "P" else P)
    d_arr, p_arr = (dense, np.full_like(dense, fixed)) if axis == "D" else \
        (np.full_like(dense, fixed), dense)
    line = learning_curve_float(d_arr, p_arr, spectrum, target, ridge=ridge, student=student)
    e_inf, source = None, ""
    if offset:
        limit = (np.inf, fixed) if axis == "D" else (fixed, np.inf)
        e_inf = float(learning_curve_float([limit[0]], [limit[1]], spectrum, target,
                                           ridge=ridge, student=student)[0])
        source = f"at {axis} = \u221e, {'P' if axis == 'D' else 'D'} = {fixed:g}"
    return FigureSpec(kind="excess" if offset else "loglog", ylabel="excess error $E$",
                      offset=e_inf, offset_source=source, group=group, panel=panel,
                      series=(FigureSeries("deterministic equivalent (theory)", dense, line,
                                           color="C1"),))


def _sizes(quick: bool) -> dict[str, Any]:
    if quick:
        return {"S": 1024, "seeds": 4, "D": _geom(32, 256, 5), "P": _geom(16, 128, 5)}
    return {"S": 2048, "seeds": 16, "D": _geom(32, 512, 9), "P": _geom(16, 256, 9)}


def resolution_data(alpha_K: float) -> Scenario:
    """Kernel limit (all S features), D swept: L ~ D^(-alpha_K) (Bahri et al. Eq. 3)."""
    b = 1.0 + alpha_K

    def prediction():
        return rf_exponents(b).alpha_D

    def measure(quick: bool, seed: int) -> Measurement:
        z = _sizes(quick)
        return _measure_rf(derivation=prediction(), spectrum=PowerLawSpectrum(b, size=z["S"]),
                           target=Target.isotropic(), D=z["D"], P=None, student="projection",
                           seeds=z["seeds"], seed=seed)

    return Scenario(f"rf-resolution-D-aK{alpha_K:g}", "resolution-limited (data)",
                    f"kernel limit, isotropic teacher, lambda_i = i^-{b:g}: alpha_D = alpha_K",
                    prediction, measure)


def resolution_params(alpha_K: float) -> Scenario:
    """Gaussian-projection student, D >> P, P swept: L ~ P^(-alpha_K) (Bahri et al. Eq. 3)."""
    b = 1.0 + alpha_K

    def prediction():
        return rf_exponents(b).alpha_P

    def measure(quick: bool, seed: int) -> Measurement:
        z = _sizes(quick)
        return _measure_rf(derivation=prediction(), spectrum=PowerLawSpectrum(b, size=z["S"]),
                           target=Target.isotropic(), D=z["S"], P=z["P"], student="projection",
                           seeds=z["seeds"], seed=seed)

    return Scenario(f"rf-resolution-P-aK{alpha_K:g}", "resolution-limited (parameters)",
                    f"projection student, D = S, lambda_i = i^-{b:g}: alpha_P = alpha_K",
                    prediction, measure)


DUALITY = {"b": 1.5, "a": 3.5}  # a - 1 = 2.5 > b = 1.5: alpha_D = 2.5, alpha_P = 1.5


def duality(axis: str) -> Scenario:
    """Power-law target with a - 1 > b, where Bahri's D-P duality breaks:
    alpha_D = min(a - 1, 2b) (docs/theory/regimes.md (RG.9)) differs from
    alpha_P = min(a - 1, b) (RG.10)."""

    def prediction():
        laws = rf_exponents(DUALITY["b"], DUALITY["a"])
        return laws.alpha_D if axis == "D" else laws.alpha_P

    def measure(quick: bool, seed: int) -> Measurement:
        z = _sizes(quick)
        kw = {"D": z["D"], "P": None} if axis == "D" else {"D": z["S"], "P": z["P"]}
        # the loss of this target is dominated by a few modes: seed variance is high
        return _measure_rf(derivation=prediction(),
                           spectrum=PowerLawSpectrum(DUALITY["b"], size=z["S"]),
                           target=Target.power_law(DUALITY["a"]), student="projection",
                           seeds=2 * z["seeds"], seed=seed, group="rf-duality-break",
                           panel=f"{axis} swept: $\\alpha_{axis}$ = "
                                 + ("min(a-1, 2b) = 2.5" if axis == "D" else "min(a-1, b) = 1.5"),
                           **kw)

    return Scenario(f"rf-duality-break-{axis}",
                    "resolution-limited (data)" if axis == "D" else
                    "resolution-limited (parameters)",
                    "target p_i = i^-3.5 on lambda_i = i^-1.5: alpha_D = min(a-1, 2b) = 2.5 "
                    "differs from alpha_P = min(a-1, b) = 1.5", prediction, measure)


def variance_data() -> Scenario:
    """Top-P student at fixed P = 16, D >> P: L(D) - L(inf) ~ 1/D (Theorem 1)."""

    def prediction():
        return variance_limited("squared", axis="data")

    def measure(quick: bool, seed: int) -> Measurement:
        S = 512 if quick else 1024
        D = _geom(256, 1024, 5) if quick else _geom(256, 2048, 7)
        return _measure_rf(derivation=prediction(), spectrum=PowerLawSpectrum(2.0, size=S),
                           target=Target.isotropic(), D=D, P=16, student="top",
                           seeds=4 if quick else 16, seed=seed, offset=True)

    return Scenario("variance-limited-D", "variance-limited (data)",
                    "top-16 student, D from 256 to 2048: offset power-law fit, alpha_D = 1",
                    prediction, measure)


def variance_width() -> Scenario:
    """Projection student at fixed D = 16, P >> D: L(P) - L(P=inf) ~ 1/P (Theorem 1)."""

    def prediction():
        return variance_limited("squared", axis="width")

    def measure(quick: bool, seed: int) -> Measurement:
        S = 512 if quick else 1024
        P = _geom(128, 512, 5) if quick else _geom(128, 1024, 7)
        return _measure_rf(derivation=prediction(), spectrum=PowerLawSpectrum(2.0, size=S),
                           target=Target.isotropic(), D=16, P=P, student="projection",
                           seeds=8 if quick else 32, seed=seed, offset=True)

    return Scenario("variance-limited-P", "variance-limited (width)",
                    "projection student, D = 16, P from 128 to 1024: offset fit, alpha_W = 1",
                    prediction, measure)


SCENARIOS: tuple[Scenario, ...] = (
    variance_data(),
    variance_width(),
    *(resolution_data(a) for a in (0.5, 1.0, 2.0)),
    *(resolution_params(a) for a in (0.5, 1.0, 2.0)),
    duality("D"),
    duality("P"),
)
