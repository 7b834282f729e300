"""verify.fit.allocation: the theory's compute-optimal exponents beside a fitted law's.

Data are generated from the theory's own curve L(P, t) = E + P^-alpha_P + t^-alpha_t of
docs/theory/dynamics.md (DY.8), with alpha_P, alpha_t from asymptotics.dynamics; the
measured exponents are checked against the prediction, and against the slope of the
fitted law's own allocation N*(C) of (FIT.14) (an independent route: log-space closed
form evaluated over budgets, not the exponent formula).
"""

import math

import numpy as np
import pytest

from asymptotics.dynamics import compute_optimal as theory_compute_optimal
from verify.fit import compute_optimal, fit_law, theory_allocation

P = np.geomspace(10, 1e3, 6)
T = np.geomspace(10, 1e4, 6)
PT = np.column_stack([a.ravel() for a in np.meshgrid(P, T)])


def _theory_curve(b, a, noise=0.0, seed=0):
    th = theory_compute_optimal(b, a)
    ap, at = float(th.alpha_P), float(th.alpha_t)
    y = 1e-3 + PT[:, 0] ** -ap + PT[:, 1] ** -at          # (DY.8), A = B = 1, a floor E
    return y * np.exp(noise * np.random.default_rng(seed).standard_normal(y.size))


@pytest.mark.parametrize("b, a", [(2.0, 2.5), (1.5, 1.5)])
def test_measured_allocation_of_the_theory_curve_is_the_predicted_one(b, a):
    fit = fit_law(x=PT, y=_theory_curve(b, a), model="chinchilla", bootstrap=None)
    cmp = theory_allocation(fit, b, a)
    ap, at = (a - 1), (a - 1) / b                          # top student, by hand (DY.9)
    assert cmp.predicted_x == pytest.approx(at / (ap + at), rel=1e-12)
    assert cmp.predicted_y == pytest.approx(ap * at / (ap + at), rel=1e-12)
    assert cmp.measured_x == pytest.approx(cmp.predicted_x, rel=1e-6)
    assert cmp.measured_y == pytest.approx(cmp.predicted_y, rel=1e-6)
    # independent route: the slope of log N*(C) over nine decades of compute, C = P t
    alloc = compute_optimal(fit, [1e6, 1e15], flops_per_token=1.0)
    slope = math.log(alloc.n_opt[1] / alloc.n_opt[0]) / math.log(1e9)
    assert slope == pytest.approx(cmp.measured_x, rel=1e-9)


def test_noisy_theory_curve_interval_brackets_the_prediction():
    fit = fit_law(x=PT, y=_theory_curve(2.0, 2.5, noise=0.005, seed=3), model="chinchilla",
                  bootstrap=None)
    cmp = theory_allocation(fit, 2.0, 2.5)
    lo, hi = cmp.measured_x_interval
    assert lo <= cmp.measured_x <= hi and hi - lo < 0.2
    assert lo <= cmp.predicted_x <= hi, cmp
    assert cmp.student == "top" and cmp.confidence == 0.95


def test_refusals():
    fit = fit_law(x=P, y=P ** -0.5, model="power", bootstrap=None)
    with pytest.raises(ValueError, match="chinchilla"):
        theory_allocation(fit, 2.0)
    fit = fit_law(x=PT, y=_theory_curve(2.0, 2.0), model="chinchilla", bootstrap=None)
    with pytest.raises(ValueError, match="b"):
        theory_allocation(fit, 1.0)
