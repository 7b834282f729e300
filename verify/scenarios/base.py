"""The shape every scenario of the default suite shares: prediction, measurement, verdict.

A scenario derives its prediction from :mod:`asymptotics`, measures a curve with the
laboratory, fits it, and compares the two with the policy of docs/fitting.md. The
finite-size band of the exponent comparison is never a free parameter: wherever an exact
finite-size theory exists (the deterministic equivalent of the random-feature model, the
exact nearest-neighbour moments), the band is the difference between the asymptotic
exponent and the slope that the same fitter finds on the *theory's own* curve over the same
grid (docs/verification.md (VR.1)). Where no finite-size theory exists, the scenario states
its band and the reason next to it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from verify.compare import ExponentComparison, ValueComparison, compare_exponent, compare_values
from verify.fit import PowerLawFit, fit_power_law
from verify.output.tables import ScenarioRow

__all__ = ["Curve", "Prediction", "Scenario", "ScenarioOutcome", "assess", "theory_shift"]


@dataclass(frozen=True)
class Prediction:
    """A prediction derived outside :mod:`asymptotics`' regime objects (exact, with source)."""

    quantity: str
    expression: str
    value: float
    source: str
    steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "exponent": self.expression, "value": self.value,
                "source": self.source, "steps": list(self.steps)}


@dataclass(frozen=True)
class Curve:
    """A measured curve: grid ``x`` (the swept size), per-seed losses, mean and stderr."""

    x: tuple[float, ...]
    losses: np.ndarray  # (n_seeds, n_points)
    mean: tuple[float, ...]
    stderr: tuple[float, ...]
    xlabel: str
    method: str
    ylabel: str = "loss"

    @classmethod
    def from_losses(cls, x: Sequence[float], losses: np.ndarray, *, xlabel: str,
                    method: str, ylabel: str = "loss") -> Curve:
        losses = np.asarray(losses, dtype=float)
        n = losses.shape[0]
        mean = losses.mean(axis=0)
        stderr = losses.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.zeros_like(mean)
        return cls(tuple(float(v) for v in x), losses, tuple(mean), tuple(stderr), xlabel, method,
                   ylabel)


@dataclass(frozen=True)
class ScenarioOutcome:
    """Everything a scenario produced: the table row and the numbers behind it."""

    name: str
    regime: str
    row: ScenarioRow
    prediction: dict[str, Any]
    curve: Curve
    fit: PowerLawFit
    exponent: ExponentComparison
    values: ValueComparison | None
    predicted_curve: tuple[tuple[float, ...], tuple[float, ...]] | None
    config: dict[str, Any]
    elapsed_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        return self.row.verdict == "agree"

    def record(self) -> dict[str, Any]:
        """JSON-ready record of every number (for results.json)."""
        return {
            "name": self.name, "regime": self.regime, "verdict": self.row.verdict,
            "prediction": self.prediction, "config": self.config,
            "curve": {"x": self.curve.x, "mean": self.curve.mean, "stderr": self.curve.stderr,
                      "per_seed": self.curve.losses, "xlabel": self.curve.xlabel,
                      "method": self.curve.method},
            "predicted_curve": None if self.predicted_curve is None else
            {"x": self.predicted_curve[0], "loss": self.predicted_curve[1]},
            "fit": self.fit, "exponent_comparison": self.exponent,
            "value_comparison": self.values, "elapsed_s": self.elapsed_s, "extra": self.extra,
        }


@dataclass(frozen=True)
class Scenario:
    """A named check: ``run(quick, seed)`` returns a :class:`ScenarioOutcome`."""

    name: str
    regime: str
    description: str
    run: Callable[[bool, int], ScenarioOutcome]


def theory_shift(x: Sequence[float], theory: Sequence[float], predicted: float, *,
                 offset: bool = False) -> float:
    """(VR.1): ``alpha_fit(theory curve on the same grid) - predicted``, with its sign.

    The exact finite-size theory evaluated on the measured grid and fitted by the same
    fitter gives the slope a perfect measurement would show; the comparison is made there
    (docs/fitting.md (CMP.1) with this shift).
    """
    fit = fit_power_law(np.asarray(x, float), np.asarray(theory, float), offset=offset)
    return fit.alpha - predicted


def assess(*, name: str, regime: str, derivation: Any, curve: Curve, band: float,
           band_reason: str, config: dict[str, Any], started: float, seed: int,
           offset: bool = False, predicted_curve: tuple[Sequence[float], Sequence[float]] | None = None,
           rel_tol: float | None = None, k_sigma: float = 4.0, predicted: float | None = None,
           shift: float = 0.0,
           extra: dict[str, Any] | None = None,
           checks: dict[str, tuple[bool, str]] | None = None) -> ScenarioOutcome:
    """Fit ``curve``, compare with the prediction (and the predicted values), build the row.

    ``predicted`` overrides ``derivation.value`` (used by the tests that feed a deliberately
    wrong exponent); ``rel_tol`` enables the value comparison against ``predicted_curve``;
    ``checks`` are further named pass/fail checks ``{name: (passed, message)}`` that the
    verdict also requires (e.g. where the double-descent peak sits).
    """
    pred = float(derivation.value) if predicted is None else float(predicted)
    fit = fit_power_law(np.asarray(curve.x), seeds_losses=curve.losses, offset=offset,
                        rng=np.random.default_rng(seed))
    exponent = compare_exponent(pred, fit, band=band, band_reason=band_reason, shift=shift)
    values = None
    if predicted_curve is not None and rel_tol is not None:
        values = compare_values(predicted_curve[1], curve.mean, curve.stderr, rel_tol=rel_tol,
                                k_sigma=k_sigma)
    row = ScenarioRow.from_comparison(name, regime, exponent, values)
    failed = [f"{k}: {msg}" for k, (ok, msg) in (checks or {}).items() if not ok]
    if failed:
        row = replace(row, verdict="disagree", note="; ".join(failed))
    prediction = derivation.to_dict() if hasattr(derivation, "to_dict") else {"value": pred}
    prediction = {**prediction, "value_used": pred}
    pc = None if predicted_curve is None else (tuple(map(float, predicted_curve[0])),
                                               tuple(map(float, predicted_curve[1])))
    return ScenarioOutcome(name=name, regime=regime, row=row, prediction=prediction,
                           curve=curve, fit=fit, exponent=exponent, values=values,
                           predicted_curve=pc, config={**config, "seed": seed},
                           elapsed_s=time.perf_counter() - started,
                           extra={**(extra or {}),
                                  "checks": {k: {"passed": ok, "message": msg}
                                             for k, (ok, msg) in (checks or {}).items()}})
