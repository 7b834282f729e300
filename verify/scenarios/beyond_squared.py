"""Theorems 1-3 beyond squared loss and linear models: GLMs, trained networks, model-size laws.

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.

Variance-limited in ``D`` at fixed ``P`` (Bahri et al. Theorem 1), each model fitted exactly
(:func:`verify.models.curves.glm_learning_curve`) and its excess test loss ``L - L_inf`` averaged
exactly over Gaussian test features:

* ``glm-logistic-D``, ``glm-softmax3-D``: well-specified maximum likelihood, prediction
  ``P/(2D)`` from the model's own Fisher information, docs/theory/regimes.md (RG.13);
* ``glm-huber-D``: the Huber M-estimator under Gaussian noise, prediction
  ``tr(H^-1 J)/(2D)``, (RG.14);
* ``glm-absolute-D``: the absolute error of a least-squares fit against its noiseless target,
  where Theorem 1's conditions fail: exponent 1/2, (RG.4) and (RG.15).

Resolution-limited in ``P`` (Bahri et al. Theorem 3): ``resolution-P-piecewise-linear-T1`` and
``resolution-P-piecewise-constant-T1`` fit ``P``-knot models by least squares to a training set
of ``64 P`` points on the circle (:mod:`verify.models.piecewise`) and compare the decay of the
exact squared test error with ``P^(-c/d)`` from :func:`asymptotics.resolution.resolution_exponent`
(docs/theory/regimes.md (RG.7): ``c = 4`` and ``2``, ``d = 1``).

The exponent is compared with its band (no exact finite-size theory of the GLMs: the band is
the next order of (RG.2), a relative correction ``O(P/D)`` to ``D (L - L_inf)``), and the
prefactor is checked, not just the slope: each repetition's ``D (L - L_inf)`` is fitted by
``A + B/D`` (the next order removed by the fit, not by a tolerance) and the 99% interval of
the mean ``A`` over repetitions must contain the predicted prefactor
(:func:`verify.compare.intervals_overlap`).
"""

from __future__ import annotations

import math

import numpy as np

from asymptotics.resolution import resolution_exponent
from asymptotics.symbols import P as P_sym
from asymptotics.symbols import v as v_sym
from asymptotics.variance import (
    huber_threshold,
    likelihood_excess,
    noise_scale,
    sandwich_excess,
    variance_limited,
)
from verify.compare import intervals_overlap
from verify.models.curves import glm_learning_curve, n_free_parameters
from verify.models.piecewise import resolution_curve
from verify.scenarios.base import ComparisonSettings, Curve, Measurement, Scenario
from verify.scenarios.seeds import suite_streams

__all__ = ["PAPER", "QUICK", "SCENARIOS", "prefactor_interval"]

_P = 4            # features
_Z99 = 2.5758     # two-sided 99% normal quantile


def prefactor_interval(D: np.ndarray, excess: np.ndarray, z: float = _Z99
                       ) -> tuple[float, float, float, float]:
    """Mean and interval of the intercept ``A`` of ``D (L - L_inf) = A + B/D`` per repetition.

    Each row of ``excess`` (one repetition, nested training sets) is fitted by ordinary least
    squares in ``1/D``; the repetitions are independent, so the mean ``A`` has the standard
    error of a mean. Returns ``(A, se, lo, hi)`` with ``lo, hi = A -+ z se``.
    """
    D = np.asarray(D, dtype=float)
    design = np.stack([np.ones_like(D), 1 / D], axis=1)
    coef = np.linalg.lstsq(design, (excess * D).T, rcond=None)[0]   # (2, seeds)
    a = coef[0]
    mean, se = float(a.mean()), float(a.std(ddof=1) / math.sqrt(len(a)))
    return mean, se, mean - z * se, mean + z * se


def _sizes(quick: bool, model: str) -> dict:
    if quick:
        return {"D": [400, 800, 1600], "seeds": 24}
    seeds = {"softmax3": 64, "absolute": 48}.get(model, 120)
    return {"D": [400, 800, 1600, 3200], "seeds": seeds}


_CASES = {
    "glm-logistic-D": ("logistic", "well-specified binary logistic regression (MLE by Newton)"),
    "glm-softmax3-D": ("softmax3", "well-specified 3-class softmax regression (MLE by Newton)"),
    "glm-huber-D": ("huber", "Huber M-estimator (c_H = 1) of a linear model, Gaussian noise"),
}


def _prefactor(model: str) -> float:
    n = n_free_parameters(model, _P)
    if model == "huber":
        pre = sandwich_excess("huber").prefactor
        return float(pre.subs({P_sym: n, huber_threshold: 1, noise_scale: 1}))
    return float(likelihood_excess().prefactor.subs(P_sym, n))


def _glm_scenario(name: str) -> Scenario:
    model, what = _CASES[name]

    def prediction():
        return sandwich_excess("huber") if model == "huber" else likelihood_excess()

    def measure(quick: bool, seed: int) -> Measurement:
        z = _sizes(quick, model)
        lab = glm_learning_curve(model, z["D"], p=_P, seeds=z["seeds"],
                                 seed=suite_streams(seed).lab_seed())
        x = np.asarray(lab.D, dtype=float)
        pre = _prefactor(model)
        a, se, lo, hi = prefactor_interval(x, lab.excess)
        ok = intervals_overlap((lo, hi), (pre, pre))
        eq = "(RG.14) tr(H^-1 J)/2" if model == "huber" else "(RG.13) P/2"
        check = ("prefactor", ok, f"A = {a:.4g} ± {se:.2g} (99% [{lo:.4g}, {hi:.4g}]) from "
                 f"D (L - L_inf) = A + B/D per repetition; predicted {eq} = {pre:.4g}")
        band = 2.0 * lab.n_params / x[0]
        reason = (f"next order of (RG.2): a relative O(P/D) correction to D (L - L_inf) "
                  f"moves the log-slope by at most ~2P/D_min = {band:.3g} (P = {lab.n_params})")
        curve = Curve.from_losses(x, lab.excess, xlabel="D", ylabel="excess test loss L - L_inf",
                                  method=f"{what}; exact Gaussian test average; "
                                  f"{z['seeds']} repetitions on nested training sets")
        config = {"model": model, "p": _P, "P": lab.n_params, "D": list(lab.D),
                  "seeds": z["seeds"], "scale": 0.6, "noise_sd": lab.noise_sd,
                  "threshold": lab.threshold}
        return Measurement(curve=curve, config=config, predicted_curve=(x, pre / x),
                           comparison=ComparisonSettings(band=band, band_reason=reason,
                                                         checks=(check,)),
                           extra={"prefactor_predicted": pre, "prefactor_measured": a,
                                  "prefactor_stderr": se, "theta_true": lab.theta_true})

    return Scenario(name, "variance-limited (data)",
                    f"{what}, P = {n_free_parameters(model, _P)}: L - L_inf ~ prefactor/D "
                    f"with the prefactor of {'(RG.14)' if model == 'huber' else '(RG.13)'}",
                    prediction, measure)


def _absolute_scenario() -> Scenario:
    """Absolute error at the minimum: Theorem 1 fails, (RG.4)/(RG.15) give exponent 1/2."""

    def prediction():
        return variance_limited("absolute", axis="data")

    def measure(quick: bool, seed: int) -> Measurement:
        z = _sizes(quick, "absolute")
        lab = glm_learning_curve("absolute", z["D"], p=_P, seeds=z["seeds"],
                                 seed=suite_streams(seed).lab_seed())
        x = np.asarray(lab.D, dtype=float)
        # (RG.15) with E|Delta|^2 = sigma^2 P / (D - P - 1): sqrt(2/pi) times its root, the
        # (RG.4) law at v = sigma^2 P D / (D - P - 1) (Jensen: an upper bound of E|Delta|)
        law = prediction()
        theory = np.array([float(law.prefactor.subs(v_sym, _P * n / (n - _P - 1)))
                           * n ** -float(law.exponent) for n in x])
        slope = float(np.polyfit(np.log(x), np.log(theory), 1)[0])
        shift = -slope - 0.5                                    # docs/verification.md (VR.1)
        band = (_P + 1) / x[0]
        reason = (f"(VR.1) shift {shift:+.3g}: slope of sqrt(P/(D-P-1)) on this grid; band "
                  f"(P+1)/D_min for the O(1/D) drift of E|Delta| / sqrt(E|Delta|^2)")
        curve = Curve.from_losses(x, lab.excess, xlabel="D", ylabel="absolute test error",
                                  method="least squares on noisy labels, absolute error "
                                  f"against the noiseless target; {z['seeds']} repetitions")
        config = {"model": "absolute", "p": _P, "D": list(lab.D), "seeds": z["seeds"],
                  "noise_sd": lab.noise_sd}
        m = Measurement(curve=curve, config=config, predicted_curve=(x, theory),
                        comparison=ComparisonSettings(band=band, band_reason=reason,
                                                      shift=shift),
                        extra={"theorem1_exponent": 1.0})
        return m

    return Scenario("glm-absolute-D", "variance-limited (data)",
                    "absolute error at the minimum (Theorem 1 fails): exponent 1/2 of (RG.4), "
                    "not 1", prediction, measure)


_TOP_FREQUENCY = 6 * math.pi   # of verify.models.piecewise.smooth_target


def _piecewise_scenario(model: str) -> Scenario:
    """Theorem 3 in 1-d: a ``P``-knot model fitted to a very large training set."""

    def prediction():
        return resolution_exponent(1, "squared", model, axis="parameters")

    def measure(quick: bool, seed: int) -> Measurement:
        P = [32, 64, 128, 256] if quick else [32, 64, 128, 256, 512]
        seeds = 3 if quick else 4
        losses = resolution_curve(model, P, seeds=seeds, seed=suite_streams(seed).lab_seed())
        x = np.asarray(P, dtype=float)
        # the next Taylor term of the cell error is relative O((omega h)^2), h ~ 1/P, omega
        # the target's top frequency: over the window it moves the log-slope by at most
        # (omega / P_min)^2 / ln(P_max / P_min)
        band = (_TOP_FREQUENCY / x[0]) ** 2 / math.log(x[-1] / x[0])
        reason = (f"next order of the interpolation error, relative (omega h)^2 with omega = "
                  f"6 pi and h ~ 1/P: (omega/P_min)^2 / ln(P_max/P_min) = {band:.3g}")
        curve = Curve.from_losses(x, losses, xlabel="P (knots)", ylabel="squared test error",
                                  method=f"{model} on a jittered grid of P knots on T^1, least "
                                  f"squares (scipy.sparse) on 64 P stratified points; {seeds} "
                                  "repetitions; exact Gauss-Legendre test average")
        config = {"model": model, "d": 1, "P": P, "seeds": seeds, "per_cell": 64,
                  "target": "sin(2 pi x) + 0.3 cos(6 pi x + 0.5)"}
        return Measurement(curve=curve, config=config,
                           comparison=ComparisonSettings(band=band, band_reason=reason))

    short = model.replace("_", "-")
    return Scenario(f"resolution-P-{short}-T1", "resolution-limited (parameters)",
                    f"{model.replace('_', ' ')} model with P knots on the circle, squared loss: "
                    "L ~ P^(-c/d) (Theorem 3, (RG.7))", prediction, measure)


SCENARIOS: tuple[Scenario, ...] = (*(_glm_scenario(n) for n in _CASES), _absolute_scenario(),
                                   _piecewise_scenario("piecewise_linear"),
                                   _piecewise_scenario("piecewise_constant"))
#: Names of the scenarios ``python -m verify --quick`` runs.
QUICK: tuple[str, ...] = ("glm-logistic-D", "resolution-P-piecewise-linear-T1")
#: The scenarios of ``python -m verify --suite paper``.
PAPER: tuple = ()
