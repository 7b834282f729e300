"""The shape every scenario of the default suite shares: prediction, measurement, verdict.

A :class:`Scenario` is data: its name and regime, the prediction it checks (a zero-argument
function returning the derivation from :mod:`asymptotics`), and ``measure(quick, seed)``,
which runs the laboratory and returns a :class:`Measurement`: the measured curve and the
:class:`ComparisonSettings` that say how it is compared with the prediction.
:meth:`Scenario.run` fits the curve (:func:`verify.fit.fit_power_law`), compares it
(:mod:`verify.compare`, which alone decides the verdict) and returns a
:class:`ScenarioOutcome`; :mod:`verify.output` only renders it.

The finite-size band of the exponent comparison is never a free parameter: wherever an exact
finite-size theory exists (the deterministic equivalent of the random-feature model, the
exact operator spectrum), the comparison is made at the slope that the same fitter finds on
the *theory's own* curve over the same grid (docs/verification.md (VR.1)). Where no
finite-size theory exists, the scenario states its band and the reason next to it.

A :class:`ScenarioOutcome` converts to plain JSON data and back exactly
(:meth:`ScenarioOutcome.to_data`, :meth:`ScenarioOutcome.from_data`): the report's
checkpoints. Loading checks the schema and the type of every field and rebuilds each
dataclass with its own constructor; nothing named in the data is ever imported or called.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asymptotics._lib.validation import check_real
from verify.compare import (
    ExponentComparison,
    ValueComparison,
    Verdict,
    compare_exponent,
    compare_values,
    decide_verdict,
)
from verify.fit import PowerLawFit, fit_power_law
from verify.output.tables import ScenarioRow
from verify.scenarios.seeds import suite_streams

__all__ = ["ComparisonSettings", "Curve", "FigureSeries", "FigureSpec", "Measurement",
           "Prediction", "Scenario", "ScenarioOutcome", "theory_shift"]


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
class ComparisonSettings:
    """How a measured curve is compared with its prediction (docs/fitting.md (CMP.1)-(CMP.3)).

    Attributes
    ----------
    band, band_reason : float, str
        The finite-size band of the exponent comparison and why it has its size.
    shift : float
        The signed finite-window shift (docs/verification.md (VR.1)).
    offset : bool
        Fit a constant offset :math:`L_\\infty` too.
    rel_tol : float or None
        The value tolerance of (CMP.3); ``None``: the values are not compared.
    k_sigma : float
        Standard errors of the value comparison.
    checks : tuple of (name, passed, message)
        Further named pass/fail checks the verdict also requires (e.g. where the
        double-descent peak sits).
    expected : tuple of (name, shown, message)
        Expected discrepancies (:func:`verify.compare.decide_verdict`): a published estimate
        the measurement must refute; shown ones are reported, not failures.
    """

    band: float
    band_reason: str
    shift: float = 0.0
    offset: bool = False
    rel_tol: float | None = None
    k_sigma: float = 4.0
    checks: tuple[tuple[str, bool, str], ...] = ()
    expected: tuple[tuple[str, bool, str], ...] = ()

    def __post_init__(self) -> None:
        check_real("band", self.band, ge=0)
        check_real("shift", self.shift)
        if self.rel_tol is not None:
            check_real("rel_tol", self.rel_tol, ge=0)
        check_real("k_sigma", self.k_sigma, gt=0)
        if not isinstance(self.band_reason, str) or not self.band_reason.strip():
            raise ValueError(f"`band_reason` must be a non-empty string; got {self.band_reason!r}")
        for name in ("checks", "expected"):
            entries = tuple(getattr(self, name))
            for entry in entries:
                if not (isinstance(entry, tuple) and len(entry) == 3
                        and isinstance(entry[0], str) and isinstance(entry[1], bool | np.bool_)
                        and isinstance(entry[2], str)):
                    raise TypeError(f"`{name}` entries must be (name, passed, message); got "
                                    f"{entry!r}")
            object.__setattr__(self, name, tuple((n, bool(ok), msg) for n, ok, msg in entries))

    def check_map(self) -> dict[str, tuple[bool, str]]:
        """The checks as ``{name: (passed, message)}`` (:func:`verify.compare.decide_verdict`)."""
        return {name: (ok, msg) for name, ok, msg in self.checks}

    def expected_map(self) -> dict[str, tuple[bool, str]]:
        """The expected discrepancies as ``{name: (shown, message)}``."""
        return {name: (ok, msg) for name, ok, msg in self.expected}


#: The figure kinds :mod:`verify.output.plots` draws (:attr:`FigureSpec.kind`).
FIGURE_KINDS = ("loglog", "excess", "spectrum", "double_descent")


def _positive_floats(name: str, values: object, *, allow_empty: bool = False) -> tuple[float, ...]:
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0 and allow_empty:
        return ()
    if arr.size < 1 or not np.isfinite(arr).all() or (arr <= 0).any():
        raise ValueError(f"`{name}` must be finite positive numbers; got {arr[:4]!r}")
    return tuple(float(v) for v in arr)


@dataclass(frozen=True)
class FigureSeries:
    """A named series a scenario adds to its figure: a dense theory line (``stderr`` empty)
    or simulated points with standard errors, in the figure's own ``x`` (e.g. ``P/D``).

    Attributes
    ----------
    label : str
        The legend entry.
    x, y : tuple of float
        Positive, of one length.
    stderr : tuple of float
        Empty (a theory line, drawn without error bars) or one non-negative standard error
        per point (drawn as points with bars).
    color : str
        A matplotlib colour (``""``: the next colour of the cycle).
    """

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    stderr: tuple[float, ...] = ()
    color: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError(f"`label` must be a non-empty string; got {self.label!r}")
        x, y = _positive_floats("x", self.x), _positive_floats("y", self.y)
        if len(x) != len(y):
            raise ValueError(f"`x` and `y` must have one length; got {len(x)} and {len(y)}")
        se = np.asarray(self.stderr, dtype=float).ravel()
        if se.size and (se.size != len(x) or not np.isfinite(se).all() or (se < 0).any()):
            raise ValueError("`stderr` must be empty or one finite non-negative number per "
                             f"point ({len(x)}); got {se[:4]!r}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "stderr", tuple(float(v) for v in se))
        if not isinstance(self.color, str):
            raise TypeError(f"`color` must be a string; got {self.color!r}")

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class FigureSpec:
    """What a scenario's figure draws beyond the measured curve (:mod:`verify.output.plots`).

    Only the figure reads it; no measured number, fit or verdict depends on it.

    Attributes
    ----------
    kind : {"loglog", "excess", "spectrum", "double_descent"}
        ``"loglog"``: the curve, the theory, the fit and the predicted slope with its band.
        ``"excess"``: the same for :math:`E - E_\\infty` (a fit with an offset; the points
        and the fit minus the fitted offset, the theory minus ``offset``).
        ``"spectrum"``: also each seed's values and the exact spectrum as a reference.
        ``"double_descent"``: a panel against ``xlabel`` (``P/D``) across the peak
        with ``series``, beside the log-log panel of the fitted window.
    ylabel : str
        The quantity on the y axis (``""``: the curve's).
    xlabel : str
        The x quantity of ``series`` (``""``: the curve's).
    offset, offset_source : float or None, str
        The exact :math:`E_\\infty` the theory curve tends to, and where it comes from.
    series : tuple of FigureSeries
        Dense theory lines and further simulated points.
    group, panel : str
        Scenarios sharing a ``group`` are also drawn side by side in one figure named
        ``group`` (double descent: on one axis), each titled ``panel``.
    vline : float or None
        An x (in ``xlabel``'s quantity) marked by a vertical line, e.g. ``P/D = 1``.
    """

    kind: str = "loglog"
    ylabel: str = ""
    xlabel: str = ""
    offset: float | None = None
    offset_source: str = ""
    series: tuple[FigureSeries, ...] = ()
    group: str = ""
    panel: str = ""
    vline: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in FIGURE_KINDS:
            raise ValueError(f"`kind` must be one of {list(FIGURE_KINDS)}; got {self.kind!r}")
        for name in ("ylabel", "xlabel", "offset_source", "group", "panel"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"`{name}` must be a string; got {getattr(self, name)!r}")
        if self.offset is not None:
            object.__setattr__(self, "offset", check_real("offset", self.offset, ge=0))
        if self.vline is not None:
            object.__setattr__(self, "vline", check_real("vline", self.vline, gt=0))
        series = tuple(self.series)
        if not all(isinstance(s, FigureSeries) for s in series):
            raise TypeError("`series` must hold FigureSeries; got "
                            f"{[type(s).__name__ for s in series]}")
        object.__setattr__(self, "series", series)

    def to_data(self) -> dict[str, Any]:
        """Plain data (kept in the outcome's ``extra["figure"]``); :meth:`from_data` inverts it."""
        return {**{f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                   if f.name != "series"},
                "series": tuple(s.to_data() for s in self.series)}

    @classmethod
    def from_data(cls, data: object) -> FigureSpec:
        """Rebuild from :meth:`to_data` (validated again by the constructors)."""
        if not isinstance(data, dict):
            raise TypeError(f"`figure` must be a mapping; got {type(data).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        if not set(data) <= names:
            raise ValueError(f"`figure` has unknown fields {sorted(set(data) - names)}")
        series = data.get("series", ())
        if not isinstance(series, list | tuple) or not all(isinstance(s, dict) for s in series):
            raise TypeError("`figure.series` must be a sequence of mappings")
        fields = {f.name for f in dataclasses.fields(FigureSeries)}
        for s in series:
            if not set(s) <= fields:
                raise ValueError(f"`figure.series` has unknown fields {sorted(set(s) - fields)}")
        return cls(**{**data, "series": tuple(FigureSeries(**s) for s in series)})


@dataclass(frozen=True)
class Measurement:
    """What ``Scenario.measure(quick, seed)`` returns: the curve and how to compare it.

    ``predicted_curve`` is the theory on the measured grid (for the value comparison and
    the figure), ``config`` the sizes that produced the curve, ``extra`` further numbers
    kept in ``results.json``, ``figure`` what the figure draws beyond the curve (kept as
    plain data in the outcome's ``extra["figure"]``; no verdict depends on it).
    """

    curve: Curve
    comparison: ComparisonSettings
    config: dict[str, Any]
    predicted_curve: tuple[Sequence[float], Sequence[float]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    figure: FigureSpec | None = None


@dataclass(frozen=True)
class ScenarioOutcome:
    """Everything a scenario produced: the verdict, the table row and the numbers behind it."""

    name: str
    regime: str
    row: ScenarioRow
    verdict: Verdict
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
        return self.verdict.agrees

    def record(self) -> dict[str, Any]:
        """JSON-ready record of every number (for results.json)."""
        return {
            "name": self.name, "regime": self.regime, "verdict": self.verdict.label,
            "prediction": self.prediction, "config": self.config,
            "curve": {"x": self.curve.x, "mean": self.curve.mean, "stderr": self.curve.stderr,
                      "per_seed": self.curve.losses, "xlabel": self.curve.xlabel,
                      "method": self.curve.method},
            "predicted_curve": None if self.predicted_curve is None else
            {"x": self.predicted_curve[0], "loss": self.predicted_curve[1]},
            "fit": self.fit, "exponent_comparison": self.exponent,
            "value_comparison": self.values, "elapsed_s": self.elapsed_s, "extra": self.extra,
        }

    def to_data(self) -> dict[str, Any]:
        """Plain data (dicts of fields; tuples, arrays and numbers kept exactly) for
        ``asymptotics._lib.codec.encode_result``; :meth:`from_data` inverts it."""
        return _dataclass_to_data(self)

    @classmethod
    def from_data(cls, data: object) -> ScenarioOutcome:
        """Rebuild an outcome from :meth:`to_data`'s data (as decoded from JSON).

        Every field must be present with its declared type (nested dataclasses are
        rebuilt by their own constructors, which validate again); anything else is a
        ``ValueError`` or ``TypeError`` naming the field.
        """
        return _dataclass_from_data(cls, data, "outcome")


# --------------------------------------------------------------------------------------
# The exact data form of an outcome: a fixed table of the dataclasses it contains and of
# the field types they declare. Nothing found in the data selects a class or a function.
# --------------------------------------------------------------------------------------
def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _tuple_of(pred: Callable[[object], bool], n: int | None = None) -> Callable[[object], bool]:
    return lambda v: (isinstance(v, tuple) and (n is None or len(v) == n)
                      and all(pred(e) for e in v))


def _optional(pred: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda v: v is None or pred(v)


_floats = _tuple_of(_is_number)
_FIELD_TYPES: dict[str, Callable[[object], bool]] = {
    "str": lambda v: isinstance(v, str),
    "float": _is_number,
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "float | None": _optional(_is_number),
    "int | None": _optional(lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "tuple[float, float]": _tuple_of(_is_number, 2),
    "tuple[float, ...]": _floats,
    "tuple[bool, ...]": _tuple_of(lambda v: isinstance(v, bool)),
    "tuple[str, ...]": _tuple_of(lambda v: isinstance(v, str)),
    "np.ndarray": lambda v: isinstance(v, np.ndarray) and v.dtype.kind in "biuf",
    "dict[str, Any]": lambda v: isinstance(v, dict) and all(isinstance(k, str) for k in v),
    "tuple[tuple[float, ...], tuple[float, ...]] | None": _optional(_tuple_of(_floats, 2)),
}

#: Field annotation -> (dataclass, may be None) for the nested dataclasses.
_NESTED: dict[str, tuple[type, bool]] = {
    "ScenarioRow": (ScenarioRow, False), "Curve": (Curve, False),
    "PowerLawFit": (PowerLawFit, False), "ExponentComparison": (ExponentComparison, False),
    "ValueComparison | None": (ValueComparison, True), "Verdict": (Verdict, False),
}


def _dataclass_to_data(obj: Any) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        out[f.name] = _dataclass_to_data(value) if dataclasses.is_dataclass(value) else value
    return out


def _dataclass_from_data(cls: type, data: object, path: str) -> Any:
    if not isinstance(data, dict):
        raise TypeError(f"`{path}` must be a mapping of the fields of {cls.__name__}; got "
                        f"{type(data).__name__}")
    names = [f.name for f in dataclasses.fields(cls)]
    if set(data) != set(names):
        missing, unknown = sorted(set(names) - set(data)), sorted(set(data) - set(names))
        raise ValueError(f"`{path}` must have exactly the fields of {cls.__name__}; missing "
                         f"{missing}, unknown {unknown[:5]}")
    kwargs = {}
    for f in dataclasses.fields(cls):
        value, where = data[f.name], f"{path}.{f.name}"
        if f.type in _NESTED:
            nested, optional = _NESTED[f.type]
            kwargs[f.name] = None if optional and value is None else \
                _dataclass_from_data(nested, value, where)
            continue
        if f.type not in _FIELD_TYPES:  # pragma: no cover - guarded by a test of the table
            raise TypeError(f"no stored form for the field type {f.type!r} of {where}")
        if not _FIELD_TYPES[f.type](value):
            raise TypeError(f"`{where}` must be {f.type}; got {type(value).__name__} "
                            f"{value!r:.60}")
        kwargs[f.name] = value
    return cls(**kwargs)


@dataclass(frozen=True)
class Scenario:
    """A named check of the suite, declared as data.

    Attributes
    ----------
    name, regime, description : str
        The scenario's name (a table row), the regime it tests and one line about it.
    prediction : callable () -> derivation
        The prediction: an object with ``value`` (the exponent) and, optionally,
        ``to_dict()`` (an :class:`asymptotics.derivation.Derivation` or a :class:`Prediction`).
    measure : callable (quick, seed) -> Measurement
        The laboratory measurement, with the comparison settings it implies.
    """

    name: str
    regime: str
    description: str
    prediction: Callable[[], Any]
    measure: Callable[[bool, int], Measurement]

    def run(self, quick: bool, seed: int, predicted: float | None = None) -> ScenarioOutcome:
        """Measure, fit and compare: the :class:`ScenarioOutcome` of ``(quick, seed)``.

        ``predicted`` overrides the prediction's value (the tests feed a deliberately
        wrong exponent; the comparison settings, derived from the true one, stay).
        """
        started = time.perf_counter()
        derivation = self.prediction()
        measurement = self.measure(quick, seed)
        return _assess(self, derivation, measurement, seed=seed, predicted=predicted,
                       started=started)


def theory_shift(x: Sequence[float], theory: Sequence[float], predicted: float, *,
                 offset: bool = False) -> float:
    """(VR.1): ``alpha_fit(theory curve on the same grid) - predicted``, with its sign.

    The exact finite-size theory evaluated on the measured grid and fitted by the same
    fitter gives the slope a perfect measurement would show; the comparison is made there
    (docs/fitting.md (CMP.1) with this shift).
    """
    fit = fit_power_law(np.asarray(x, float), np.asarray(theory, float), offset=offset)
    return fit.alpha - predicted


def _assess(scenario: Scenario, derivation: Any, m: Measurement, *, seed: int,
            predicted: float | None, started: float) -> ScenarioOutcome:
    """Fit the measured curve, compare it with the prediction, let compare decide."""
    pred = float(derivation.value) if predicted is None else float(predicted)
    c, curve = m.comparison, m.curve
    fit = fit_power_law(np.asarray(curve.x), seeds_losses=curve.losses, offset=c.offset,
                        rng=suite_streams(seed).fit_rng(0))
    exponent = compare_exponent(pred, fit, band=c.band, band_reason=c.band_reason,
                                shift=c.shift)
    values = None
    if m.predicted_curve is not None and c.rel_tol is not None:
        values = compare_values(m.predicted_curve[1], curve.mean, curve.stderr,
                                rel_tol=c.rel_tol, k_sigma=c.k_sigma)
    verdict = decide_verdict(exponent, values, c.check_map(), expected=c.expected_map())
    row = ScenarioRow.from_comparison(scenario.name, scenario.regime, exponent, values,
                                      verdict=verdict)
    prediction = derivation.to_dict() if hasattr(derivation, "to_dict") else {"value": pred}
    prediction = {**prediction, "value_used": pred}
    pc = None if m.predicted_curve is None else (tuple(map(float, m.predicted_curve[0])),
                                                 tuple(map(float, m.predicted_curve[1])))
    checks = {name: {"passed": ok, "message": msg} for name, ok, msg in c.checks}
    checks.update({name: {"passed": ok, "expected_discrepancy": True, "message": msg}
                   for name, ok, msg in c.expected})
    figure = {} if m.figure is None else {"figure": m.figure.to_data()}
    return ScenarioOutcome(name=scenario.name, regime=scenario.regime, row=row,
                           verdict=verdict, prediction=prediction, curve=curve, fit=fit, exponent=exponent,
                           values=values, predicted_curve=pc, config={**m.config, "seed": seed},
                           elapsed_s=time.perf_counter() - started,
                           extra={**m.extra, "checks": checks, **figure})

