"""Fuzz suite over the public Python API (issue #6): every bad value is refused by name.

Each row of :data:`CASES` is a cheap valid call with one parameter replaced by an invalid value
(negative, zero, NaN, inf, huge, wrong type, empty, unsorted, malformed). The call must raise
``ValueError`` or ``TypeError`` (nothing else, and never return) and the message must name the
parameter in backticks (possibly indexed, as `` `D[1]` `` or `` `window[0]` ``), as
:mod:`asymptotics._lib.validation` promises. A Hypothesis property then throws arbitrary junk at
the scalar parameters of the core theory functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import asymptotics as A
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.tails import hurwitz_tail
from verify import compare, fit
from verify.dimension import estimate as dimension
from verify.dimension import nn_curve as dimension_curves
from verify.manifolds import sampling as dimension_manifolds
from verify.output.tables import ScenarioRow
from verify.sweeps import run as sweep
from verify.sweeps.cache import canonical_config

NAN, INF = math.nan, math.inf
SPEC, ISO = PowerLawSpectrum(2.0, size=64), Target.isotropic()
X12 = np.geomspace(10, 1e4, 12)
Y12 = 3 * X12 ** -0.7

# families of invalid values
POS_INT = [0, -1, 2.5, "3", NAN, INF, None, True]
NONNEG_REAL = [-1.0, -1e-300, NAN, INF, "0.1", None, [0.1]]
POS_REAL = [0.0, *NONNEG_REAL]
GT1_REAL = [1.0, 0.999, -2.0, NAN, INF, "2", None, 1e400]
CONF = [0.0, 1.0, 1.5, -0.1, NAN, INF, "0.95"]
CHOICE = ["no-such-choice", "", 3, None]
# ridge is broadcast with D (issue #14: a ridge that scales with D is an array); an array of
# valid ridges is valid, one with a bad entry, the wrong shape or no entries is refused
RIDGE = [*NONNEG_REAL[:-1], [0.1, -1.0], [0.1, NAN], [0.1, 0.2, 0.3], [], ["x", 0.1]]
GRID = [[], [3, 2], [2, 2], [0, 4], [-1, 4], [1.5, 4], "1,2", None, [1, NAN]]


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable[..., Any]
    base: dict
    param: str
    bad: tuple


def _cases() -> list[Case]:
    c: list[Case] = []

    def add(name, fn, base, param, bad):
        c.append(Case(name, fn, base, param, tuple(bad)))

    # ---- asymptotics.model
    add("PowerLawSpectrum", PowerLawSpectrum, {"b": 2.0}, "b", GT1_REAL)
    add("PowerLawSpectrum", PowerLawSpectrum, {"b": 2.0}, "scale", POS_REAL)
    add("PowerLawSpectrum", PowerLawSpectrum, {"b": 2.0}, "size", [0, -3, 2.5, "10", INF])
    add("ArraySpectrum", ArraySpectrum, {"values": [1.0, 0.5]}, "values",
        [[], [1.0, -1.0], [1.0, 0.0], [1.0, NAN], [1.0, INF], "abc", [[1.0, 2.0]], None])
    add("Target.isotropic", Target.isotropic, {}, "weight_variance", [0.0, -1.0, NAN, INF, "x"])
    add("Target.power_law", Target.power_law, {"a": 2.0}, "a", GT1_REAL)
    add("Target.power_law", Target.power_law, {"a": 2.0}, "scale", POS_REAL)
    add("Target.array", Target.array, {"values": [1.0]}, "values", [[], [-1.0], [NAN], "x"])
    # ---- asymptotics.rf.learning_curves
    lc = {"D": [10, 20], "P": INF, "spectrum": SPEC, "target": ISO}
    for fn in (A.learning_curve_float, A.learning_curve):
        add(fn.__name__, fn, lc, "D", [0, -5, 0.5, NAN, "x", None, [10, NAN]])
        add(fn.__name__, fn, lc, "P", [0.5, -1, NAN, "x", [1, 2, 3]])
    for fn in (A.learning_curve_float, A.learning_curve, A.learning_curve_outputs):
        add(fn.__name__, fn, lc, "ridge", RIDGE)
        add(fn.__name__, fn, lc, "noise", NONNEG_REAL)
        add(fn.__name__, fn, lc, "student", CHOICE)
    add("learning_curve_outputs", A.learning_curve_outputs, lc, "D", [0, NAN, "x", [10, -1]])
    add("learning_curve_outputs", A.learning_curve_outputs, lc, "P", [0.5, NAN, "x"])
    add("learning_curve", A.learning_curve, lc, "dps", [4, 0, -1, 2.5, "30", None, 10**7])
    kap = {"D": 10, "P": INF, "spectrum": SPEC}
    add("solve_kappa", A.solve_kappa, kap, "D", [0, -1, NAN, INF, "x"])
    add("solve_kappa", A.solve_kappa, kap, "P", [0, NAN, "x"])
    add("solve_kappa", A.solve_kappa, kap, "ridge", NONNEG_REAL)
    add("solve_kappa", A.solve_kappa, kap, "dps", [4, 2.5, "30", 10**7])
    el = {"D": [5.0, 8.0], "eigenvalues": [1.0, 0.5, 0.1], "target_power": [0.3, 0.2, 0.1],
          "multiplicity": [1, 2, 3]}
    add("eigenlearning", A.eigenlearning, el, "D", [0, -1, NAN, INF, "x", [5.0, NAN], 12.0])
    add("eigenlearning", A.eigenlearning, el, "eigenvalues",
        [[], [1.0, -0.5, 0.1], [1.0, NAN, 0.1], "x"])
    add("eigenlearning", A.eigenlearning, el, "target_power",
        [[0.0, 0.0, 0.0], [-1.0, 0.2, 0.1], [0.3, 0.2], "x"])
    add("eigenlearning", A.eigenlearning, el, "multiplicity", [[1, 0, 3], [1.5, 2, 3], [1, 2]])
    add("eigenlearning", A.eigenlearning, el, "ridge", [-1.0, NAN, INF, "x", [0.1, 0.2, 0.3]])
    add("eigenlearning", A.eigenlearning, el, "noise", NONNEG_REAL)
    # ---- asymptotics.dynamics (the time axis, issue #14)
    tc = {"t": [1, 10], "spectrum": SPEC, "target": ISO}
    for fn in (A.training_curve_float, A.training_curve):
        add(fn.__name__, fn, tc, "t", [-1, 2.5, NAN, "x", [], [1, -2], 1e301])
        add(fn.__name__, fn, tc, "eta", [0.0, -1.0, NAN, INF, "x", 2.0])
        add(fn.__name__, fn, tc, "method", CHOICE)
        add(fn.__name__, fn, tc, "student", CHOICE)
        add(fn.__name__, fn, tc, "P", [0.5, -1, NAN, 2.5, "x"])
    add("training_curve", A.training_curve, tc, "dps", [4, 2.5, "30", 10**7])
    for fn in (A.time_exponent, A.compute_optimal):
        add(fn.__name__, fn, {"b": 2.0, "a": 2.5}, "b", GT1_REAL[:-2])
        add(fn.__name__, fn, {"b": 2.0, "a": 2.5}, "a", GT1_REAL[:-2])
    add("compute_optimal", A.compute_optimal, {"b": 2.0}, "student", CHOICE)
    for axis in ("time", "data", "parameters"):
        add("bottleneck_exponent", A.bottleneck_exponent, {"b": 2.0}, axis,
            [0, -1.0, NAN, "x", None])
    # ---- asymptotics.rf.laws
    add("rf_exponents", A.rf_exponents, {"b": 2.0, "a": 2.5}, "b", GT1_REAL)
    add("rf_exponents", A.rf_exponents, {"b": 2.0, "a": 2.5}, "a", GT1_REAL[:-2])
    add("matched_prefactor", A.matched_prefactor, {"b": 2.0}, "b", GT1_REAL)
    add("data_limited_prefactor", A.data_limited_prefactor, {"a": 2.0, "b": 2.0}, "a",
        [1.0, NAN, INF, "x", 5.0])
    add("feature_limited_prefactor", A.feature_limited_prefactor, {"a": 2.0, "b": 2.0}, "b",
        [1.0, NAN, INF, "x"])
    # ---- asymptotics.resolution / spectra / tails / variance
    add("resolution_exponent", A.resolution_exponent, {"d": 2}, "d", POS_INT)
    add("resolution_exponent", A.resolution_exponent, {"d": 2}, "model", CHOICE)
    add("resolution_exponent", A.resolution_exponent, {"d": 2}, "axis", CHOICE)
    add("resolution_exponent", A.resolution_exponent, {"d": 2}, "loss", ["no-such-loss", 3])
    nnm = {"D": 10, "d": 2}
    add("nn_distance_moment", A.nn_distance_moment, nnm, "D", POS_INT)
    add("nn_distance_moment", A.nn_distance_moment, nnm, "d", POS_INT)
    add("nn_distance_moment", A.nn_distance_moment, nnm, "k", POS_REAL)
    add("nn_distance_moment", A.nn_distance_moment, nnm, "dps", [4, -1, 2.5, 10**7])
    add("kernel_decay", A.kernel_decay, {"kernel": "laplace", "d": 2}, "kernel", CHOICE)
    add("kernel_decay", A.kernel_decay, {"kernel": "laplace", "d": 2}, "d", POS_INT)
    add("kernel_decay", A.kernel_decay, {"kernel": "matern", "d": 2, "nu": 1.5}, "nu",
        [0.0, -1.0, NAN, INF, "x"])
    add("smoothness_bound", A.smoothness_bound, {"t": 2, "d": 2}, "t", [-1, NAN, INF, "x"])
    add("smoothness_bound", A.smoothness_bound, {"t": 2, "d": 2}, "d", POS_INT)
    add("hurwitz_tail", A.hurwitz_tail, {"s": 2.5}, "s", [1.0, 0.5, NAN, INF, "x"])
    add("hurwitz_tail", A.hurwitz_tail, {"s": 2.5}, "order", [-1, 2.5, "x"])
    add("tail_law", A.tail_law, {"s": 2.5}, "s", [1.0, NAN, INF, "x"])
    add("TailExpansion.evaluate", hurwitz_tail(2.5).evaluate, {"N": 10}, "N",
        [0, -1, 2.5, NAN, "x"])
    add("TailExpansion.evaluate", hurwitz_tail(2.5).evaluate, {"N": 10}, "dps", [4, 10**7])
    add("variance_limited", A.variance_limited, {}, "loss", ["no-such-loss", 3])
    add("variance_limited", A.variance_limited, {}, "axis", CHOICE)
    # ---- verify.fit / compare / tables
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "x",
        [[], [1.0], X12 * -1, np.r_[X12[:-1], NAN], "abc", X12[:5]])
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "y",
        [Y12 * -1, np.r_[Y12[:-1], INF], np.zeros(12), "abc"])
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "y_err",
        [-Y12, np.full(12, NAN), np.zeros(3)])
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "window",
        [(1e3, 10.0), (0.0, 1e3), (NAN, 1e3), (10.0,), "ab", (1e5, 1e6)])
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "confidence", CONF)
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "n_resamples",
        [0, 10, -1, "x", 2.5])
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12}, "rng", [-1, "x", 2.5])
    add("fit_power_law", fit.fit_power_law, {"x": X12, "y": Y12, "offset": True}, "initial",
        [(-1.0, 1.0, 0.0), (1.0, NAN, 0.0), (1.0,), "abc"])
    add("fit_power_law", fit.fit_power_law, {"x": X12}, "seeds_losses",
        [np.ones((3, 5)), -np.ones((3, 12)), np.ones(12), np.full((3, 12), NAN)])
    add("local_slopes", fit.local_slopes, {"x": X12, "y": Y12}, "x", [[1.0, 2.0], -X12, "x"])
    add("local_slopes", fit.local_slopes, {"x": X12, "y": Y12}, "y", [-Y12, Y12[:4], "x"])
    fitted = fit.fit_power_law(X12, Y12)
    ce = {"predicted": 0.7, "fit": fitted, "band": 0.01, "band_reason": "test"}
    add("compare_exponent", compare.compare_exponent, ce, "predicted", [NAN, INF, "x", None])
    add("compare_exponent", compare.compare_exponent, ce, "band", [-0.1, NAN, INF, "x"])
    cv = {"predicted": [1.0, 2.0], "mean": [1.0, 2.0], "stderr": [0.1, 0.1], "rel_tol": 0.05,
          "k_sigma": 3.0}
    add("compare_values", compare.compare_values, cv, "predicted", [[], [1.0, -2.0], [1.0, NAN]])
    add("compare_values", compare.compare_values, cv, "mean", [[1.0], [0.0, 1.0], "x"])
    add("compare_values", compare.compare_values, cv, "stderr", [[-0.1, 0.1], [NAN, 0.1]])
    add("compare_values", compare.compare_values, cv, "rel_tol", [-0.1, NAN, INF, "x"])
    add("compare_values", compare.compare_values, cv, "k_sigma", [0.0, -1.0, NAN, "x"])
    row = {"name": "r", "regime": "g", "predicted": 1.0, "measured": 1.0, "ci_lo": 0.9,
           "ci_hi": 1.1, "band": 0.0, "value_deviation": None, "verdict": "agree"}
    add("ScenarioRow", ScenarioRow, row, "band", [-1.0, NAN, "x"])
    add("ScenarioRow", ScenarioRow, row, "verdict", ["maybe", 3])
    # ---- verify.dimension.estimate*
    pts = np.random.default_rng(0).random((60, 3))
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts}, "X",
        [np.ones(5), np.zeros((0, 3)), np.full((5, 2), NAN), "x"])
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts}, "estimator", CHOICE)
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts}, "bootstrap",
        [0, -1, 2.5, "x"])
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts}, "confidence", CONF)
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts}, "seed", [-1, 2.5, "x"])
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts}, "duplicates", CHOICE)
    add("estimate_dimension", dimension.estimate_dimension, {"X": pts, "estimator": "mle"}, "k",
        [(5, 2), (0, 3), (2.5, 4), "ab", (3,)])
    curve = {"X": pts, "Y": pts[:, 0], "sizes": [10, 20], "n_test": 10}
    add("nn_learning_curve", dimension_curves.nn_learning_curve, curve, "sizes", GRID)
    add("nn_learning_curve", dimension_curves.nn_learning_curve, curve, "n_test", POS_INT)
    add("nn_learning_curve", dimension_curves.nn_learning_curve, curve, "n_splits", [1, 0, "x"])
    add("nn_learning_curve", dimension_curves.nn_learning_curve, curve, "Y",
        [pts[:10, 0], np.full(60, NAN)])
    sm = {"n": 20, "d": 2}
    add("sample_manifold", dimension_manifolds.sample_manifold, sm, "n", POS_INT)
    add("sample_manifold", dimension_manifolds.sample_manifold, sm, "d", POS_INT)
    add("sample_manifold", dimension_manifolds.sample_manifold, sm, "embedding", CHOICE)
    add("sample_manifold", dimension_manifolds.sample_manifold, sm, "noise", NONNEG_REAL)
    add("sample_manifold", dimension_manifolds.sample_manifold, sm, "ambient", [1, 0, -1, "x"])
    # ---- verify.sweeps.run / cache
    add("grid", sweep.grid, {}, "b", [[], "12", 3])
    add("assign_seeds", sweep.assign_seeds, {"configs": [{"b": 2}]}, "root_seed",
        [-1, 2.5, "x", None])
    add("run_sweep", sweep.run_sweep, {"task": abs, "configs": [{"x": 1}]}, "chunksize",
        [0, -1, "x"])
    add("run_sweep", sweep.run_sweep, {"task": abs, "configs": [{"x": 1}]}, "max_pending",
        [0, -1, "x"])
    add("canonical_config", canonical_config, {}, "config",
        [{"x": NAN}, {"x": INF}, {"x": object()}, {1: 2}])
    return c


CASES = _cases()
PARAMS = [pytest.param(case, bad, id=f"{case.name}-{case.param}-{bad!r}"[:90])
          for case in CASES for bad in case.bad]


def _names_param(message: str, param: str) -> bool:
    """The message names ``param`` in backticks, possibly indexed or with an attribute."""
    return re.search(rf"`{re.escape(param)}(\[[^`]*\])?( \([^`]*\))?(\.[\w\[\]]+)?`", message) \
        is not None


@pytest.mark.parametrize(("case", "bad"), PARAMS)
def test_bad_value_is_refused_by_name(case: Case, bad: Any):
    kwargs = {**case.base, case.param: bad}
    with pytest.raises((ValueError, TypeError)) as info:
        case.fn(**kwargs)
    assert _names_param(str(info.value), case.param), str(info.value)


def test_every_public_theory_function_is_fuzzed():
    """Each callable in ``asymptotics.__all__`` appears in the fuzz table (no silent gaps)."""
    fuzzed = {case.fn for case in CASES} | {case.fn.__func__ for case in CASES
                                            if hasattr(case.fn, "__func__")}
    names = {getattr(f, "__name__", "") for f in fuzzed}
    skipped = {"Derivation", "REGIMES", "__version__", "nn_distance_law", "euler_maclaurin_tail",
               "Target", "isotropic", "power_law", "array",
               "KappaResidualError"}  # an exception class: raised, never called
    missing = [n for n in A.__all__ if callable(getattr(A, n)) and n not in names
               and n not in skipped]
    assert not missing, missing


# ------------------------------------------------------------------ arbitrary junk (Hypothesis)
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=5),
                 st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 0),
                 st.lists(st.integers(), max_size=3), st.just(object()))


@given(bad=junk, which=st.sampled_from(["ridge", "noise", "student", "D", "P"]))
def test_learning_curve_junk_never_escapes(bad, which):
    """Any junk in one argument of the float curve gives a named ValueError/TypeError or a
    valid call (junk that happens to be valid, e.g. ``ridge=0``), never another exception."""
    kwargs = {"D": [10.0], "P": INF, "spectrum": SPEC, "target": ISO, which: bad}
    try:
        out = A.learning_curve_float(**kwargs)
    except (ValueError, TypeError) as exc:
        assert _names_param(str(exc), which), str(exc)
    else:
        assert not np.isnan(out).any()


# arbitrary floats > 1 are not junk for rf_exponents, and long-decimal ones hang sympy (see
# docs/testing.md, "Known and not fixed"): the junk here is invalid by construction
junk_exponent = st.one_of(st.none(), st.booleans(), st.text(max_size=5),
                          st.sampled_from([NAN, INF, -INF, 1.0, 0.5, 0.0, -3.0]),
                          st.floats(-1e6, 1.0), st.lists(st.integers(), max_size=3))


@given(b=junk_exponent, a=junk_exponent)
def test_rf_exponents_junk(b, a):
    with pytest.raises((ValueError, TypeError)) as info:
        A.rf_exponents(b, a)
    assert _names_param(str(info.value), "b") or _names_param(str(info.value), "a")


# ------------------------------------------------------------------ regressions found by this suite
def test_regression_huge_dps_is_refused_not_run():
    """learning_curve/solve_kappa accepted any dps (10**7 ran for hours); now capped at 10_000
    like nn_distance_moment and TailExpansion.evaluate."""
    with pytest.raises(ValueError, match=r"`dps` must be an integer <= 10000; got 10000000"):
        A.learning_curve([10], INF, SPEC, ISO, dps=10**7)
    with pytest.raises(ValueError, match=r"`dps` must be an integer <= 10000"):
        A.solve_kappa(10, INF, SPEC, dps=10_001)


def test_regression_fit_rng_is_validated_without_bootstrap():
    """fit_power_law ignored a bad ``rng`` unless a bootstrap used it."""
    with pytest.raises(ValueError, match=r"`rng` must be an integer >= 0; got -1"):
        fit.fit_power_law(X12, Y12, rng=-1)
    with pytest.raises(TypeError, match=r"`rng` must be an integer; got 'x'"):
        fit.fit_power_law(X12, Y12, rng="x")
    assert fit.fit_power_law(X12, Y12, rng=3).rng_seed is None  # valid and unused: unchanged
