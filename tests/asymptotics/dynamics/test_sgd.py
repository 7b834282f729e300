"""The one-pass SGD recursion (asymptotics.dynamics.sgd) against direct SGD averaged over runs.

The direct route draws, for each of ``RUNS`` independent runs, a teacher ``w* ~ N(0,
diag(p/lambda))``, then fresh Gaussian batches and label noise at every step, applies the SGD
update literally, and averages the exact test loss ``(w - w*)^T Lambda (w - w*)`` over runs.
The tolerance is 4 standard errors of that Monte Carlo mean.
"""

from __future__ import annotations

import numpy as np
import pytest

from asymptotics.dynamics.sgd import sgd_curve, sgd_radius
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target

RUNS = 20_000


def _direct_sgd(lam, p, eta, batch, noise, steps, seed):
    rng = np.random.default_rng(seed)
    S = lam.size
    w_star = rng.standard_normal((RUNS, S)) * np.sqrt(p / lam)
    w = np.zeros((RUNS, S))
    losses = np.empty((steps + 1, RUNS))
    for s in range(steps + 1):
        e = w - w_star
        losses[s] = np.einsum("ri,i,ri->r", e, lam, e)
        x = rng.standard_normal((RUNS, batch, S)) * np.sqrt(lam)      # fresh batch
        y = np.einsum("rbi,ri->rb", x, w_star) + np.sqrt(noise) * rng.standard_normal(
            (RUNS, batch))
        resid = np.einsum("rbi,ri->rb", x, w) - y
        w = w - (eta / batch) * np.einsum("rbi,rb->ri", x, resid)
    return losses.mean(axis=1), losses.std(axis=1, ddof=1) / np.sqrt(RUNS)


@pytest.mark.parametrize(("batch", "eta", "noise"), [(1, 0.3, 0.0), (4, 0.8, 0.2)])
def test_recursion_matches_direct_sgd(batch, eta, noise):
    spec = PowerLawSpectrum(1.5, size=8)
    tgt = Target.power_law(2.0)
    steps = 25
    curve = sgd_curve(steps, spec, tgt, eta=eta, batch=batch, noise=noise)
    mean, se = _direct_sgd(spec.eigenvalues(), tgt.powers(spec), eta, batch, noise, steps,
                           seed=11)
    assert curve.loss[0] == pytest.approx(float(tgt.powers(spec).sum()), rel=1e-14)
    assert np.all(np.abs(curve.loss - mean) <= 4 * se)


def test_large_batch_limit_is_gradient_descent():
    # B -> inf: the 1/B terms vanish and the recursion is the population GD curve (DY.2)
    from asymptotics.dynamics import training_curve_float
    spec, tgt = ArraySpectrum([1.0, 0.5, 0.1, 0.02]), Target.array([1.0, 0.3, 0.2, 0.05])
    sgd = sgd_curve(30, spec, tgt, eta=0.9, batch=10**9)
    gd = training_curve_float(np.arange(31), spec, tgt, eta=0.9)
    np.testing.assert_allclose(sgd.loss, gd, rtol=1e-8)


def test_refusals_and_radius():
    spec, tgt = PowerLawSpectrum(1.5, size=50), Target.power_law(2.0)
    assert sgd_radius(spec, 0.3, 1) < 1
    with pytest.raises(ValueError, match=r"`eta` must make the mean-square map"):
        sgd_curve(10, spec, tgt, eta=1.9, batch=1)
    with pytest.raises(ValueError, match="`spectrum` must be finite"):
        sgd_curve(10, PowerLawSpectrum(1.5), tgt, eta=0.1)
    with pytest.raises(ValueError, match="`batch` must be a positive integer"):
        sgd_curve(10, spec, tgt, eta=0.1, batch=0)
    with pytest.raises(TypeError, match="`steps` must be an integer"):
        sgd_curve(2.5, spec, tgt, eta=0.1)
