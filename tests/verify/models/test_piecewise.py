"""P-knot piecewise models (verify.models.piecewise): exactness, refusals, the test loss."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate

from verify.models.piecewise import (
    PiecewiseFit,
    fit_piecewise,
    jittered_knots,
    piecewise_loss,
    resolution_curve,
    smooth_target,
    stratified_points,
)


@pytest.mark.parametrize("model", ["piecewise_linear", "piecewise_constant"])
def test_exact_on_targets_of_the_model(model):
    """A target in the model's own space (kinks or jumps at the knots) is fitted exactly."""
    rng = np.random.default_rng(20261203)
    knots = jittered_knots(25, rng)
    truth = PiecewiseFit(model, knots, rng.standard_normal(25))
    x = stratified_points(3000, rng)
    fit = fit_piecewise(model, knots, x, truth(x))
    np.testing.assert_allclose(fit.values, truth.values, atol=1e-12)
    assert piecewise_loss(fit, truth) < 1e-24


def test_linear_model_evaluation_against_numpy_interp():
    rng = np.random.default_rng(1)
    knots = jittered_knots(10, rng)
    values = rng.standard_normal(10)
    fit = PiecewiseFit("piecewise_linear", knots, values)
    x = rng.random(500)
    # periodic linear interpolation through the knots, by numpy.interp with period 1
    np.testing.assert_allclose(fit(x), np.interp(x, knots, values, period=1.0), atol=1e-13)


def test_test_loss_against_adaptive_quadrature():
    rng = np.random.default_rng(2)
    knots = jittered_knots(12, rng)
    x = stratified_points(2000, rng)
    fit = fit_piecewise("piecewise_linear", knots, x, smooth_target(x))
    breaks = np.sort(np.append(knots, [0.0, 1.0]))
    ref = sum(integrate.quad(lambda t: (fit(t) - smooth_target(t)) ** 2, a, b,
                             epsabs=1e-15, epsrel=1e-12)[0]
              for a, b in itertools.pairwise(breaks))
    assert piecewise_loss(fit, smooth_target) == pytest.approx(ref, rel=1e-9)


def test_empty_cell_and_bad_knots_refused():
    knots = np.array([0.1, 0.4, 0.7])
    x = np.array([0.15, 0.2, 0.8, 0.9])        # nothing in [0.4, 0.7)
    with pytest.raises(ValueError, match=r"every cell.*not unique"):
        fit_piecewise("piecewise_constant", knots, x, np.zeros(4))
    with pytest.raises(ValueError, match="strictly increasing"):
        fit_piecewise("piecewise_linear", np.array([0.5, 0.2]), x, np.zeros(4))
    with pytest.raises(ValueError, match="`model`"):
        fit_piecewise("cubic", knots, x, np.zeros(4))


@pytest.mark.parametrize("model, c", [("piecewise_linear", 4), ("piecewise_constant", 2)])
def test_slope_of_the_model_size_law(model, c):
    """(RG.7) with d = 1: L ~ P^(-c); local slope between P = 128 and 256 within 0.1."""
    losses = resolution_curve(model, [128, 256], seeds=2, seed=3).mean(axis=0)
    assert np.log(losses[0] / losses[1]) / np.log(2) == pytest.approx(c, abs=0.1)
