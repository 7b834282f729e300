"""Early stopping (asymptotics.dynamics.stopping) against independent routes.

Routes: closed forms ``b/a`` and ``(a-1)/a`` for the sympy derivation, and a plain numerical
minimization of its model loss (DY.22) at two ``D``; the optimum of a dense time grid of
:func:`finite_data_curve` (no bracketing, no golden section) for :func:`early_stopping`;
and (slow) the exponent of ``t*(D)`` and ``L(t*, D)`` measured on the finite-``D`` curve.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from asymptotics.dynamics import early_stopping, finite_data_curve, stopping_exponents
from asymptotics.model import PowerLawSpectrum, Target

SPEC, TGT = PowerLawSpectrum(1.5, size=200), Target.power_law(2.0)


@pytest.mark.parametrize(("b", "a"), [(1.5, 2.0), (2.0, 3.0), (2.0, 7.0)])
def test_exponents_are_b_over_a_and_a_minus_one_over_a(b, a):
    law = stopping_exponents(b, a)
    aa, bb = sp.nsimplify(a), sp.nsimplify(b)
    assert sp.simplify(law.time.exponent - bb / aa) == 0
    assert sp.simplify(law.loss.exponent - (aa - 1) / aa) == 0
    assert law.time.regime == "resolution-limited (time)"
    assert "DY.22" in law.time.source and law.to_dict()["loss"]["quantity"] == "alpha_stop"


def test_derivation_against_a_numerical_minimization_of_its_model_loss():
    # (DY.22) with A = B = sigma^2 = 1, minimized numerically in log t at D = 1e4 and 1e8
    a, b = 3.0, 2.0
    law = stopping_exponents(b, a)
    ts, ls = [], []
    for D in (1e4, 1e8):
        res = minimize_scalar(lambda u, D=D: math.exp(-u * (a - 1) / b) + math.exp(u / b) / D,
                              bounds=(-10, 60), method="bounded", options={"xatol": 1e-12})
        ts.append(math.exp(res.x))
        ls.append(res.fun)
    slope_t = math.log(ts[1] / ts[0]) / math.log(1e4)
    slope_l = -math.log(ls[1] / ls[0]) / math.log(1e4)
    assert slope_t == pytest.approx(law.time.value, abs=1e-6)
    assert slope_l == pytest.approx(law.loss.value, abs=1e-6)


def test_flow_optimum_matches_a_dense_grid_of_the_curve():
    r = early_stopping(SPEC, TGT, D=[50], noise=0.1, nodes=64)
    grid = np.geomspace(1.0, 1e5, 1001)                 # spacing 1.2% in t
    curve = finite_data_curve(grid, SPEC, TGT, D=50, noise=0.1, method="flow", nodes=64)
    j = int(np.argmin(curve.loss))
    assert 0 < j < grid.size - 1
    assert grid[j - 1] <= r.t_star[0] <= grid[j + 1]
    assert r.loss_star[0] <= curve.loss[j] * (1 + 1e-12)
    assert r.loss_star[0] < r.loss_converged[0]         # stopping early beats converging
    rec = r.to_dict()
    assert rec["t_star"] == [r.t_star[0]] and rec["method"] == "flow"
    assert curve.to_dict()["loss"][j] == curve.loss[j]


def test_gd_optimum_is_a_whole_step_no_worse_than_its_neighbours():
    r = early_stopping(SPEC, TGT, D=[50], noise=0.1, method="gd", eta=0.9, nodes=64)
    t = r.t_star[0]
    assert t == math.floor(t)
    around = finite_data_curve([t - 1, t, t + 1], SPEC, TGT, D=50, noise=0.1, eta=0.9, nodes=64)
    assert around.loss[1] <= min(around.loss[0], around.loss[2])
    assert around.loss[1] == pytest.approx(r.loss_star[0], rel=1e-13)


def test_input_validation():
    with pytest.raises(ValueError, match="`noise`"):
        early_stopping(SPEC, TGT, D=[50], noise=-1.0)
    with pytest.raises(ValueError, match="`D` must be a number or a non-empty 1-d list"):
        early_stopping(SPEC, TGT, D=[], noise=0.1)
    with pytest.raises(ValueError, match="`t_max`"):
        early_stopping(SPEC, TGT, D=[50], noise=0.1, t_max=0.5)
    with pytest.raises(ValueError, match="`b`"):
        stopping_exponents(0.5, 2.0)


@pytest.mark.slow
def test_stopping_exponents_on_the_finite_d_curve():
    # t*(D) and L(t*, D) for D = 50 .. 800 on M = 4000 modes (k* ~ D^(1/2) <= 30 << D << M).
    # The local log-slopes approach the law with a correction that shrinks geometrically per
    # doubling of D; the Aitken extrapolation of the last three slopes must land at least
    # twice closer to the derived exponent than the last local slope, and the local slopes'
    # distance to it must shrink monotonically. (A wrong law, e.g. 0.70 for t*, fails both.)
    spec = PowerLawSpectrum(1.5, size=4000)
    Ds = np.array([50, 100, 200, 400, 800])
    r = early_stopping(spec, TGT, D=Ds, noise=0.1, nodes=96)
    law = stopping_exponents(1.5, 2.0)
    for values, exponent in ((r.t_star, law.time.value), (r.loss_star, -law.loss.value)):
        slopes = np.diff(np.log(values)) / np.diff(np.log(Ds))
        gaps = np.abs(slopes - exponent)
        assert np.all(np.diff(gaps) < 0), slopes
        s1, s2, s3 = slopes[-3:]
        aitken = s3 - (s3 - s2) ** 2 / ((s3 - s2) - (s2 - s1))
        assert abs(aitken - exponent) <= 0.5 * abs(s3 - exponent), (slopes, aitken)


@settings(max_examples=6, deadline=None)
@given(b=st.integers(5, 16).map(lambda k: k / 4), a=st.integers(5, 32).map(lambda j: j / 4))
def test_derived_exponents_against_the_numerical_optimum_of_their_model_loss(b, a):
    # Hypothesis over (a, b): the minimum of (DY.22) (A = B = sigma^2 = 1) in log t, found by
    # bounded scalar minimization at D = 1e6 and 1e12, has the log-slopes b/a and -(a-1)/a
    law = stopping_exponents(b, a)               # quarters: exact in sympy, cheap to derive
    ts, ls = [], []
    for D in (1e6, 1e12):
        res = minimize_scalar(lambda u, D=D: math.exp(-u * (a - 1) / b) + math.exp(u / b) / D,
                              bounds=(-20, 150), method="bounded", options={"xatol": 1e-12})
        ts.append(res.x)
        ls.append(math.log(res.fun))
    assert (ts[1] - ts[0]) / math.log(1e6) == pytest.approx(law.time.value, abs=1e-4)
    assert -(ls[1] - ls[0]) / math.log(1e6) == pytest.approx(law.loss.value, abs=1e-4)
