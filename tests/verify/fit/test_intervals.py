"""verify.fit.intervals: the cluster bootstrap's expanded percentile interval (FIT.12).

Reference values: the parameters the synthetic data were generated from (coverage), and
the plain percentile interval of the same resamples (the expanded one must contain it).
"""

import math

import numpy as np
import pytest
from scipy import stats

from verify.fit import fit_law
from verify.fit.intervals import _expanded_level

X_CELLS = np.repeat(np.geomspace(1e2, 1e5, 12), 2)   # 12 size cells of 2 seeds


def _power_data(s):
    noise = np.random.default_rng([12, s]).standard_normal(X_CELLS.size)
    return 3.0 * X_CELLS ** -0.5 * np.exp(0.02 * noise)


def test_expanded_level_tends_to_the_nominal_and_exceeds_it_for_few_clusters():
    # for G clusters the level is 2 Phi(sqrt(G/(G-1)) t_{G-1}) - 1: by hand for G = 12
    z = math.sqrt(12 / 11) * 2.200985160082949       # t_{11}(0.975), from tables
    assert _expanded_level(0.95, 12) == pytest.approx(2 * stats.norm.cdf(z) - 1, rel=1e-12)
    assert _expanded_level(0.95, 12) > 0.975
    assert _expanded_level(0.95, 10 ** 6) == pytest.approx(0.95, abs=1e-5)


def test_bootstrap_interval_contains_the_plain_percentile_interval():
    fit = fit_law(x=X_CELLS, y=_power_data(0), model="power", n_resamples=49, rng=0)
    B = np.array(fit.bootstrap_thetas)
    plain = np.quantile(B, [0.025, 0.975], axis=0)
    lo, hi = np.log(fit.bootstrap_intervals[0])          # log A
    assert lo <= plain[0, 0] and plain[1, 0] <= hi
    assert fit.bootstrap_intervals[1][0] <= plain[0, 1] <= plain[1, 1] <= \
        fit.bootstrap_intervals[1][1]
    assert fit.bootstrap_level == pytest.approx(_expanded_level(0.95, 12))


@pytest.mark.slow
def test_cell_bootstrap_coverage_over_200_datasets():
    """Nominal 95% for (A, alpha) of the power law, 12 cells x 2 seeds, 2% noise, 49
    resamples: the expanded interval covers at the nominal rate; the plain percentile
    interval of the same resamples is printed beside it (it under-covers)."""
    truth = np.array([3.0, 0.5])
    hits = {"expanded": np.zeros(2), "plain": np.zeros(2), "analytic": np.zeros(2)}
    R = 200
    for s in range(R):
        fit = fit_law(x=X_CELLS, y=_power_data(s), model="power", n_resamples=49, rng=s)
        B = np.array(fit.bootstrap_thetas)
        plain = np.quantile(B, [0.025, 0.975], axis=0)
        plain[:, 0] = np.exp(plain[:, 0])
        for name, iv in (("expanded", np.array(fit.bootstrap_intervals).T), ("plain", plain),
                         ("analytic", np.array(fit.analytic_intervals).T)):
            hits[name] += (iv[0] <= truth) & (truth <= iv[1])
    rates = {k: v / R for k, v in hits.items()}
    print("coverage over", R, "datasets:", rates)
    # binomial sd at 95% over 200 draws is 1.5%: 3 sd either side
    assert ((rates["expanded"] > 0.95 - 0.046) & (rates["expanded"] < 0.95 + 0.046)).all(), rates
