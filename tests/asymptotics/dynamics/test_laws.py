"""Time and compute exponents of asymptotics.dynamics.laws against the theory's own curves.

Routes: numerical log-slopes of the certified mpmath curves (asymptotics.dynamics.curves,
which sums the modes and never uses the Gamma integral of the derivation); a brute-force
minimization of the float64 top-P curve over the iso-compute line ``P t = C`` (every
integer ``P`` on a dense grid), whose fitted slopes must approach ``x`` and ``y``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from asymptotics.derivation import Derivation
from asymptotics.dynamics import training_curve, training_curve_float
from asymptotics.dynamics.laws import (
    DYNAMICS_REGIMES,
    bottleneck_exponent,
    compute_optimal,
    time_exponent,
)
from asymptotics.model import PowerLawSpectrum, Target


def _log_slope(a: float, b: float, method: str, t1: float, t2: float) -> float:
    lc = training_curve([t1, t2], PowerLawSpectrum(b), Target.power_law(a), method=method,
                        dps=15)
    with mpmath.workdps(15):
        return float(-(mpmath.log(lc.loss[1]) - mpmath.log(lc.loss[0]))
                     / (math.log(t2) - math.log(t1)))


@pytest.mark.parametrize(("a", "b", "method"), [
    pytest.param(2.0, 2.0, "gd", marks=pytest.mark.slow), (3.5, 1.4, "flow")])
def test_time_exponent_is_the_log_slope(a, b, method):
    d = time_exponent(b, a)
    assert d.exponent == sp.Rational(a - 1) / sp.nsimplify(b)
    assert _log_slope(a, b, method, 1e7, 1e8) == pytest.approx(d.value, abs=1e-4)


def test_time_prefactor_is_the_late_time_value():
    # L(t) t^((a-1)/b) -> Gamma((a-1)/b) / (b 2^((a-1)/b)) for flow with eta = c = C = 1
    d = time_exponent(1.5, 2.5)
    lc = training_curve([1e9], PowerLawSpectrum(1.5), Target.power_law(2.5), method="flow",
                        dps=20)
    assert float(lc.loss[0]) * 1e9 ** d.value == pytest.approx(float(d.prefactor), rel=1e-5)
    assert d.regime == DYNAMICS_REGIMES[0] and isinstance(d, Derivation)
    assert d.to_dict()["regime"] == "resolution-limited (time)"
    assert r"\alpha_{t}" in d.latex()


@pytest.mark.slow
@settings(max_examples=12)
@given(a=st.floats(1.3, 4.0), b=st.floats(1.2, 3.0), method=st.sampled_from(["gd", "flow"]))
def test_time_exponent_log_slope_property(a, b, method):
    d = time_exponent(round(b, 3), round(a, 3))
    # late enough that the modes learned, k* ~ t^(1/b), are many: 1e8 gives k* >= 400
    slope = _log_slope(round(a, 3), round(b, 3), method, 1e8, 1e9)
    assert slope == pytest.approx(d.value, abs=2e-3)


def test_bottleneck_takes_the_slowest_resource():
    assert bottleneck_exponent(2, 2, time=1, data=1, parameters=1).exponent == sp.Rational(1, 2)
    # t = N^4 resolves N^2 modes: data D = N (alpha_D = 1) binds
    assert bottleneck_exponent(2, 2, time=4, data=1).exponent == 1
    assert bottleneck_exponent(2, 2, time=4).exponent == 2
    # saturation: a - 1 = 5 > 2b = 4: alpha_D = 4, alpha_P = 2
    assert bottleneck_exponent(2, 6, time=100, data=1, parameters=3).exponent == 4
    assert bottleneck_exponent(2, 6, time=100, parameters=1).exponent == 2
    with pytest.raises(ValueError, match="`data` must be > 0"):
        bottleneck_exponent(2, 2, data=-1)


def test_compute_optimal_closed_forms():
    top = compute_optimal(2, 3)
    assert (top.x, top.y) == (sp.Rational(1, 3), sp.Rational(2, 3))   # 1/(1+b), (a-1)/(1+b)
    # a - 1 = 3 > b = 1.5: one random-feature model saturates at alpha_P = b, the ensemble
    # at min(a-1, 2b) = 3 (DY.9)
    single, ens = compute_optimal(1.5, 4, student="projection"), compute_optimal(
        1.5, 4, student="ensemble")
    assert single.alpha_P == sp.Rational(3, 2) and ens.alpha_P == 3
    assert single.x == sp.Rational(4, 7) and ens.x == sp.Rational(2, 5)
    assert ens.y == sp.Rational(6, 5) and single.y == sp.Rational(6, 7)
    assert compute_optimal(2, 2).to_dict()["steps_exponent"] == "2/3"
    with pytest.raises(ValueError, match="`student` must be one of"):
        compute_optimal(2, 2, student="mean")


def _iso_compute_optimum(a: float, b: float, C: float) -> tuple[float, float]:
    # P up to C^0.7 (t >= C^0.3 steps); the minimum must be interior to that window
    P = np.unique(np.round(np.geomspace(2, C**0.7, 300)))
    t = np.round(C / P)
    loss = training_curve_float(t, PowerLawSpectrum(b), Target.power_law(a), P=P,
                                method="gd", eta=1.0)
    j = int(np.argmin(loss))
    assert 0 < j < P.size - 1, "the iso-compute minimum sits on the edge of the P window"
    return float(P[j]), float(loss[j])


@pytest.mark.parametrize(("a", "b"), [(2.0, 2.0),
                                      (3.0, 1.5)])
def test_compute_optimal_against_brute_force_minimization(a, b):
    co = compute_optimal(b, a)
    Cs = np.geomspace(1e4, 1e7, 6)
    opt = np.array([_iso_compute_optimum(a, b, C) for C in Cs])
    x_fit = np.polyfit(np.log(Cs), np.log(opt[:, 0]), 1)[0]
    y_fit = -np.polyfit(np.log(Cs), np.log(opt[:, 1]), 1)[0]
    # the prefactors A, B of (DY.8) only shift P*; the grid of P (400 points) quantizes
    # log P* by ~0.02, which the fit over three decades averages out
    assert x_fit == pytest.approx(float(co.x), abs=0.03)
    assert y_fit == pytest.approx(float(co.y), abs=0.02)
