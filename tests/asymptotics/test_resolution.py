"""Resolution-limited regime: the NN-distance law and c/d, checked by independent routes."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from references import unit_ball_volume_mp

from asymptotics.resolution import (
    interpolant_order,
    loss_order,
    nn_distance_law,
    nn_distance_moment,
    resolution_exponent,
)


@pytest.mark.parametrize(("d", "k"), [(1, 1), (2, 1), (3, 2), (5, 4)])
def test_nn_moment_equals_survival_integral(d, k):
    """Gamma-ratio closed form vs direct quadrature of int k r^(k-1) (1 - V_d r^d)^D dr."""
    D = 50
    m = nn_distance_moment(D, d, k, dps=30)
    with mp.workdps(30):
        vol = unit_ball_volume_mp(d)
        rmax = vol ** (-mp.mpf(1) / d)
        integral = mp.quad(lambda r: k * r ** (k - 1) * (1 - vol * r**d) ** D, [0, rmax / 4, rmax])
        assert abs(integral / m.exact - 1) < mp.mpf(10) ** -20
    assert m.digits >= 25


def test_nn_exponent_is_numerical_log_derivative():
    d, k = 3, 2
    law = nn_distance_law(d, k)
    assert law.exponent == sp.Rational(k, d)
    with mp.workdps(40):
        big = [nn_distance_moment(D, d, k, dps=40).exact for D in (10**6, 2 * 10**6)]
        slope = mp.log(big[1] / big[0]) / mp.log(2)
        assert abs(slope + law.value) < 1e-6
    # exact / asymptote -> 1 with a 1/D correction: (ratio - 1) D converges
    c = [float((nn_distance_moment(D, d, k).ratio - 1) * D) for D in (10**3, 10**4, 10**5)]
    assert abs(c[2] - c[1]) < 0.15 * abs(c[1] - c[0])


def test_nn_moment_against_monte_carlo_on_torus():
    """Periodic nearest-neighbour distances in d = 2, D = 200 (fixed seed, 4 standard errors)."""
    rng = np.random.default_rng(20240611)
    D, d, tests = 200, 2, 4000
    train, test = rng.random((D, d)), rng.random((tests, d))
    diff = np.abs(test[:, None, :] - train[None, :, :])
    diff = np.minimum(diff, 1 - diff)
    r = np.sqrt((diff**2).sum(-1)).min(1)
    exact = float(nn_distance_moment(D, d, 1).exact)
    assert abs(r.mean() - exact) < 4 * r.std() / np.sqrt(tests)


@pytest.mark.parametrize(("loss", "model", "c"), [
    ("squared", "piecewise_linear", 4), ("absolute", "lipschitz", 1), ("squared", "lipschitz", 2),
    ("absolute", "piecewise_linear", 2), ("logistic", "piecewise_linear", 4),
    ("quartic", "piecewise_constant", 4), ("huber", "piecewise_linear", 4),
])
@pytest.mark.parametrize("axis", ["data", "parameters"])
def test_c_over_d_table(loss, model, c, axis):
    der = resolution_exponent(3, loss, model, axis)
    assert der.exponent == sp.Rational(c, 3)
    assert der.regime == f"resolution-limited ({axis})"
    assert dict(der.steps)["c = n_L m"] == c


@pytest.mark.parametrize(("loss", "order"), [("squared", 2), ("absolute", 1), ("log_cosh", 2),
                                             ("quartic", 4), ("logistic", 2)])
def test_loss_order_matches_numerical_log_slope(loss, order):
    n_loss, near_min = loss_order(loss)
    assert n_loss == order
    e = next(iter(near_min.free_symbols - {sp.Symbol("y", real=True)}))
    g = sp.lambdify(e, near_min.subs(sp.Symbol("y", real=True), sp.Rational(3, 10)), "mpmath")
    with mp.workdps(40):
        slope = mp.log(g(mp.mpf("1e-8")) / g(mp.mpf("1e-9"))) / mp.log(10)
        assert abs(slope - order) < 1e-6


@pytest.mark.parametrize(("model", "order"), [("piecewise_constant", 1), ("piecewise_linear", 2)])
def test_interpolant_order_matches_numerical_interpolation(model, order):
    assert interpolant_order(model)[0] == order
    xs = np.linspace(0, 1, 20001)
    target = np.sin(3 * xs) + xs**2
    errors = []
    for points in (50, 100, 200):
        grid = np.linspace(0, 1, points + 1)
        values = np.sin(3 * grid) + grid**2
        if model == "piecewise_linear":
            fit = np.interp(xs, grid, values)
        else:
            fit = values[np.clip(np.searchsorted(grid, xs, side="right") - 1, 0, points)]
        errors.append(np.abs(fit - target).max())
    slope = np.polyfit(np.log([1 / 50, 1 / 100, 1 / 200]), np.log(errors), 1)[0]
    assert slope == pytest.approx(order, abs=0.05)


@settings(max_examples=20)
@given(d=st.integers(1, 40), loss=st.sampled_from(["squared", "absolute"]),
       model=st.sampled_from(["lipschitz", "piecewise_constant", "piecewise_linear"]))
def test_exponent_positive_and_decreasing_in_d(d, loss, model):
    here = resolution_exponent(d, loss, model).exponent
    assert here > 0
    assert resolution_exponent(d + 1, loss, model).exponent < here


def test_input_validation():
    with pytest.raises(ValueError, match=r"`d` must be a positive integer; got 0 \(int\)"):
        resolution_exponent(0)
    with pytest.raises(TypeError, match=r"`d` must be an integer; got 2.5 \(float\)"):
        resolution_exponent(2.5)
    with pytest.raises(ValueError, match=r"`model` must be one of .*got 'spline'"):
        resolution_exponent(2, model="spline")
    with pytest.raises(ValueError, match=r"`axis` must be one of"):
        resolution_exponent(2, axis="width")
    with pytest.raises(ValueError, match=r"`D` must be a positive integer"):
        nn_distance_moment(0, 2)
    with pytest.raises(ValueError, match="must vanish at its minimum"):
        loss_order(sp.Symbol("f", real=True) ** 2 + 1)


def _interpolation_loss(model: str, power: int, D: int, rng: np.random.Generator) -> float:
    """Mean |f - F|^power on the 1-torus for an interpolant of D uniform random points."""
    xs = np.linspace(0, 1, 100_001)[:-1]
    target = lambda z: np.sin(2 * np.pi * z) + 0.5 * np.cos(6 * np.pi * z)  # noqa: E731
    x = np.sort(rng.random(D))
    xp = np.concatenate([x - 1, x, x + 1])  # periodic images
    yp = target(xp)
    if model == "piecewise_linear":
        fit = np.interp(xs, xp, yp)
    else:  # nearest training point
        idx = np.searchsorted(xp, xs)
        fit = yp[np.where(xs - xp[idx - 1] < xp[idx] - xs, idx - 1, idx)]
    return float(np.mean(np.abs(fit - target(xs)) ** power))


@pytest.mark.parametrize(("model", "loss", "power"), [
    ("piecewise_linear", "squared", 2), ("piecewise_constant", "absolute", 1),
    ("piecewise_linear", "absolute", 1), ("piecewise_constant", "squared", 2),
])
def test_exponent_against_random_interpolation_in_d1(model, loss, power):
    """Simulated L(D) for D uniform random points in d = 1 (seed fixed, 12 draws per D).

    Band 0.1 on the fitted slope over D = 100..1600: measured deviations were <= 0.03.
    """
    rng = np.random.default_rng(5)
    sizes = [100, 200, 400, 800, 1600]
    losses = [np.mean([_interpolation_loss(model, power, D, rng) for _ in range(12)])
              for D in sizes]
    slope = np.polyfit(np.log(sizes), np.log(losses), 1)[0]
    assert slope == pytest.approx(-resolution_exponent(1, loss, model).value, abs=0.1)


def test_unit_ball_volume_known_values_and_recursion():
    """V_d (docs/theory/kernel_spectra.md (KS.2)) against an independent route: the known values
    V_0 = 1, V_1 = 2, V_2 = pi, V_3 = 4 pi/3 and the recursion V_d = (2 pi / d) V_{d-2}."""
    from asymptotics.resolution import unit_ball_volume

    known = {0: sp.Integer(1), 1: sp.Integer(2), 2: sp.pi, 3: 4 * sp.pi / 3}
    for dim, value in known.items():
        assert sp.simplify(unit_ball_volume(dim) - value) == 0
    vols = dict(known)
    for dim in range(4, 41):
        vols[dim] = 2 * sp.pi / dim * vols[dim - 2]
        assert sp.simplify(unit_ball_volume(dim) - vols[dim]) == 0
    # the shell derivative: d/dr (V_d r^d) at r = 1 is the sphere area 2 pi^(d/2) / Gamma(d/2)
    for dim in (1, 2, 3, 7):
        assert sp.simplify(dim * unit_ball_volume(dim) - 2 * sp.pi ** sp.Rational(dim, 2)
                           / sp.gamma(sp.Rational(dim, 2))) == 0
    assert isinstance(unit_ball_volume(3), sp.Expr) and float(unit_ball_volume(3)) == pytest.approx(
        4 * np.pi / 3, rel=1e-15)
    # symbolic d passes through; the mpmath evaluation used by nn_distance_moment agrees
    from asymptotics.symbols import d as d_sym
    assert unit_ball_volume(d_sym).subs(d_sym, 5) == unit_ball_volume(5)
    with pytest.raises(ValueError, match="`d`"):
        unit_ball_volume(-1)
    with pytest.raises(TypeError, match="`d`"):
        unit_ball_volume(2.5)
