"""Resolution-limited interpolation on the d-torus (Bahri et al. Theorems 2-3).

Two cases per dimension d in {2, 3, 4, 6}: a *Lipschitz* case (nearest-neighbour
interpolant, absolute loss: c = 1, the bound of Theorems 2-3 saturated) and a *smooth*
case (piecewise-linear interpolant through the d + 1 nearest neighbours of an analytic
target, squared loss: c = 4, Sharma & Kaplan's 4/d). The prediction c/d is derived by
:func:`asymptotics.resolution.resolution_exponent`; the laboratory is
:func:`verify.manifolds.interpolation.interpolation_sweep` (test points sampled: the test standard error
is recorded).

There is no exact finite-D theory for these losses, so the band is estimated from the data
(VR.3): corrections to scaling are one power of the spacing s ~ D^(-1/d) higher than the
leading term (docs/theory/regimes.md (RG.7): the loss expands about the nearest training
point in powers of the spacing), so a slope measured on the two halves of the window drifts as D^(-1/d); the Richardson
extrapolation ``alpha_inf = alpha_2 - (alpha_1 - alpha_2) / (R^(1/d) - 1)`` (``R`` the ratio of
the halves' geometric centres) estimates the asymptotic slope, and the band is the distance
between it and the slope fitted on the whole window.
"""

from __future__ import annotations

import math

import numpy as np

from asymptotics.resolution import resolution_exponent
from verify.fit import fit_power_law
from verify.manifolds.interpolation import interpolation_sweep
from verify.scenarios.base import ComparisonSettings, Curve, FigureSpec, Measurement, Scenario
from verify.scenarios.seeds import suite_streams

__all__ = ["SCENARIOS", "richardson_band"]

CASES = {  # name -> (interpolant in verify.manifolds.interpolation, loss, model in asymptotics.resolution)
    "lipschitz": ("nearest", "absolute", "piecewise_constant"),
    "smooth": ("local_linear", "squared", "piecewise_linear"),
}


def richardson_band(x: np.ndarray, mean: np.ndarray, d: int) -> tuple[float, float, float]:
    """(VR.3): slopes on the two overlapping halves of the window, and the band
    ``|alpha_window - alpha_inf|`` with ``alpha_inf`` the Richardson extrapolation."""
    n = len(x)
    h = (n + 2) // 2
    first = fit_power_law(x[:h], mean[:h]).alpha
    second = fit_power_law(x[n - h:], mean[n - h:]).alpha
    whole = fit_power_law(x, mean).alpha
    ratio = math.sqrt(x[n - h] * x[-1]) / math.sqrt(x[0] * x[h - 1])
    extrapolated = second - (first - second) / (ratio ** (1.0 / d) - 1.0)        # docs/verification.md (VR.3)
    return first, second, abs(whole - extrapolated)


def _scenario(case: str, d: int) -> Scenario:
    method, loss, model = CASES[case]
    name = f"interp-{case}-d{d}"

    def prediction():
        return resolution_exponent(d, loss=loss, model=model, axis="data")

    def measure(quick: bool, seed: int) -> Measurement:
        lo = 125 * 2 ** max(0, d - 2) if d < 6 else 1000
        n_points = 5 if quick else 7
        D = [lo * 2**k for k in range(n_points)]
        seeds = 4 if quick else 6
        n_test = 500 if quick else 1000
        res = interpolation_sweep(d, D, method=method, loss=loss, target="smooth",
                                  n_test=n_test, seeds=seeds,
                                  seed=suite_streams(seed).lab_seed())
        x = np.asarray(res.grid, dtype=float)
        a1, a2, band = richardson_band(x, np.asarray(res.mean), d)
        reason = (f"(VR.3) Richardson bias estimate from the slope drift {a1:.3f} -> {a2:.3f} "
                  f"across the window, corrections ~ D^(-1/{d})")
        curve = Curve.from_losses(x, res.losses, xlabel="D", method=res.note)
        config = {"d": d, "interpolant": method, "loss": loss, "model": model, "D": D,
                  "seeds": seeds, "n_test": n_test, "target": "smooth"}
        return Measurement(curve=curve, config=config,
                           comparison=ComparisonSettings(band=band, band_reason=reason),
                           extra={"test_stderr": res.test_stderr, "half_slopes": (a1, a2)},
                           figure=FigureSpec(ylabel=f"test error ({loss} loss)"))

    text = (f"{method} interpolation, {loss} loss on T^{d}: alpha_D = c/d with c = "
            f"{'1 (Lipschitz bound)' if case == 'lipschitz' else '4 (smooth, piecewise linear)'}")
    return Scenario(name, "resolution-limited (data)", text, prediction, measure)


SCENARIOS = tuple(_scenario(case, d) for case in CASES for d in (2, 3, 4, 6))
