"""verify.fit.law and verify.fit.allocation: recovery, warnings, intervals, allocation.

Reference values are the parameters the synthetic data were generated from; the
allocation is checked against a brute-force minimisation of the fitted law on C = 6 N D.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from verify.fit import EXTRAPOLATION_DECADES, LawFit, compute_optimal, fit_law

X1 = np.geomspace(1e3, 1e6, 12)
N5, D5 = np.geomspace(1e6, 1e9, 5), np.geomspace(1e8, 1e11, 5)
NN, DD = (a.ravel() for a in np.meshgrid(N5, D5))
ND = np.column_stack([NN, DD])


def chinchilla(X, E=1.7, A=400.0, alpha=0.34, B=410.0, beta=0.28):
    return E + A * X[:, 0] ** -alpha + B * X[:, 1] ** -beta


def broken(x, A, a0, d, c, f):
    return A * x ** -a0 * (1 + (x / d) ** (1 / f)) ** (-c * f)


def _close(fit, truth, rtol):
    for k, v in truth.items():
        assert fit.params[k] == pytest.approx(v, rel=rtol), (k, fit.params, truth)


# ---- exact recovery on noiseless data --------------------------------------------------

@settings(max_examples=5, deadline=None)
@given(A=st.floats(1e-3, 1e3), alpha=st.floats(0.05, 2.0))
def test_power_law_recovered_exactly(A, alpha):
    fit = fit_law(x=X1, y=A * X1 ** -alpha, model="power", bootstrap=None)
    _close(fit, {"A": A, "alpha": alpha}, 1e-9)


@settings(max_examples=5, deadline=None)
@given(alpha=st.floats(0.2, 1.5), frac=st.floats(0.1, 0.9))
def test_offset_law_recovered_exactly(alpha, frac):
    # the offset is a fraction of the smallest loss: the power part stays visible
    A = 5.0
    E = frac * A * X1[-1] ** -alpha / (1 - frac)
    fit = fit_law(x=X1, y=E + A * X1 ** -alpha, model="offset", bootstrap=None)
    _close(fit, {"A": A, "alpha": alpha, "E": E}, 1e-6)


@settings(max_examples=4, deadline=None)
@given(a0=st.floats(0.1, 0.6), c=st.floats(0.3, 1.0), f=st.floats(0.3, 1.0),
       ld=st.floats(math.log(1e4), math.log(1e5)))
def test_broken_law_recovered_exactly(a0, c, f, ld):
    x = np.geomspace(1e3, 1e6, 16)
    fit = fit_law(x=x, y=broken(x, 3.0, a0, math.exp(ld), c, f), model="broken",
                  bootstrap=None)
    _close(fit, {"A": 3.0, "alpha_0": a0, "d_1": math.exp(ld), "c_1": c, "f_1": f}, 1e-5)


@settings(max_examples=4, deadline=None)
@given(alpha=st.floats(0.2, 0.6), beta=st.floats(0.2, 0.6), E=st.floats(0.5, 3.0))
def test_chinchilla_recovered_exactly(alpha, beta, E):
    y = chinchilla(ND, E=E, alpha=alpha, beta=beta)
    fit = fit_law(x=ND, y=y, model="chinchilla", bootstrap=None)
    _close(fit, {"E": E, "A": 400.0, "alpha": alpha, "B": 410.0, "beta": beta}, 1e-6)
    assert fit.warnings == ()


def test_dataframe_input_and_to_frame():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"N": NN, "D": DD, "loss": chinchilla(ND)})
    fit = fit_law(df, x=["N", "D"], y="loss", model="chinchilla", bootstrap=None)
    assert fit.params["alpha"] == pytest.approx(0.34, rel=1e-8)
    frame = fit.to_frame()
    assert list(frame.index) == ["E", "A", "alpha", "B", "beta"]
    assert frame.loc["alpha", "analytic_low"] <= 0.34 <= frame.loc["alpha", "analytic_high"]
    with pytest.raises(ValueError, match="no column 'P'"):
        fit_law(df, x=["P", "D"], y="loss", model="chinchilla")


# ---- issue 18: extreme magnitudes stay in log space ------------------------------------

@pytest.mark.parametrize("scale", [1e300, 1e-100, 1e100, 1e-300])
def test_extreme_loss_scales_are_fitted(scale):
    y = scale * (0.5 + 3 * X1 ** -0.5)
    fit = fit_law(x=X1, y=y, model="offset", bootstrap=None)
    assert fit.params["alpha"] == pytest.approx(0.5, rel=1e-8)
    assert fit.params["E"] == pytest.approx(0.5 * scale, rel=1e-8)
    pred = fit.predict(X1[:3])
    np.testing.assert_allclose(pred.value, y[:3], rtol=1e-8)
    assert np.isfinite(pred.low).all() and (pred.low <= pred.value).all()


def test_losses_at_the_float_limit():
    y = 1e308 * (1 + 0.7 * X1 ** -0.4) / 1.8
    fit = fit_law(x=X1, y=y, model="offset", bootstrap=None)
    assert fit.params["alpha"] == pytest.approx(0.4, rel=1e-7)


# ---- intervals -------------------------------------------------------------------------

def _noisy_grid(seed, sigma=0.02, seeds=3):
    rng = np.random.default_rng(seed)
    X = np.repeat(ND, seeds, axis=0)
    y = chinchilla(X) * np.exp(sigma * rng.standard_normal(X.shape[0]))
    return X, y, np.tile([f"s{i}" for i in range(seeds)], ND.shape[0])


def test_both_interval_routes_reported_and_contain_their_estimate():
    X, y, g = _noisy_grid(3)
    fit = fit_law(x=X, y=y, group=g, model="chinchilla", n_resamples=49, rng=1)
    assert fit.interval_method == "bootstrap-cells" and len(fit.bootstrap_thetas) == 49
    for name, value in fit.params.items():
        lo, hi = fit.analytic_intervals[fit.names.index(name)]
        assert lo <= value <= hi
        blo, bhi = fit.intervals[name]
        assert blo < bhi
    pred = fit.predict([[1e8, 1e10]])
    assert pred.low[0] <= pred.value[0] <= pred.high[0]
    assert pred.extrapolation[0] == 0 and pred.warnings == ()


def test_robust_to_one_outlier():
    y = chinchilla(ND) * np.exp(0.005 * np.random.default_rng(0).standard_normal(25))
    y[7] *= 3.0
    fit = fit_law(x=ND, y=y, model="chinchilla", bootstrap=None)
    assert fit.params["alpha"] == pytest.approx(0.34, rel=0.05)
    assert fit.params["beta"] == pytest.approx(0.28, rel=0.05)


def _offset_data(tag, s):
    x = np.repeat(np.geomspace(1e2, 1e5, 15), 2)
    rng = np.random.default_rng([tag, s])
    return x, (0.2 + 3.0 * x ** -0.5) * np.exp(0.02 * rng.standard_normal(x.size))


@pytest.mark.slow
def test_analytic_interval_coverage_over_200_datasets():
    """Nominal 95% for (A, alpha, E) of the offset law, 2 seeds x 15 sizes, 2% noise."""
    hits = np.zeros(3)
    truth = np.array([3.0, 0.5, 0.2])
    for s in range(200):
        x, y = _offset_data(11, s)
        iv = np.array(fit_law(x=x, y=y, model="offset", bootstrap=None).analytic_intervals)
        hits += (iv[:, 0] <= truth) & (truth <= iv[:, 1])
    rate = hits / 200
    print("analytic coverage", rate)
    # binomial sd at 95% over 200 draws is 1.5%: 3 sd either side
    assert ((rate > 0.95 - 0.046) & (rate < 0.95 + 0.046)).all(), rate


# ---- diagnostics ------------------------------------------------------------------------

def test_pure_power_law_on_offset_data_warns():
    fit = fit_law(x=X1, y=0.5 + 3 * X1 ** -0.5, model="power", bootstrap=None)
    assert any("misspecified" in w for w in fit.warnings)


def test_one_line_on_a_broken_curve_warns():
    rng = np.random.default_rng(2)
    y = broken(X1, 3.0, 0.3, 3e4, 0.4, 0.5) * np.exp(0.01 * rng.standard_normal(X1.size))
    fit = fit_law(x=X1, y=y, model="power", bootstrap=None)
    assert any("residual-curvature" in w for w in fit.warnings)
    good = fit_law(x=X1, y=y, model="broken", bootstrap=None)
    assert not any("misspecified" in w for w in good.warnings)


def test_replicate_lack_of_fit_fires_and_stays_quiet():
    x = np.repeat(X1, 3)
    y = (0.5 + 3 * x ** -0.5) * np.exp(0.01 * np.random.default_rng(5).standard_normal(x.size))
    bad = fit_law(x=x, y=y, model="power", bootstrap=None)
    assert any("lack-of-fit" in w for w in bad.warnings)
    assert not any("misspecified" in w for w in fit_law(x=x, y=y, model="offset",
                                                          bootstrap=None).warnings)
    quiet = [fit_law(x=_noisy_grid(s)[0], y=_noisy_grid(s)[1], model="chinchilla",
                     bootstrap=None) for s in range(2)]
    assert all(not any("misspecified" in w for w in f.warnings) for f in quiet)


def test_too_few_seeds_warns():
    X, y, g = _noisy_grid(6, seeds=2)
    fit = fit_law(x=X, y=y, group=g, model="chinchilla", bootstrap=None)
    assert any("too few seeds" in w for w in fit.warnings)


def test_extrapolation_distance_and_warning():
    fit = fit_law(x=X1, y=3 * X1 ** -0.5, model="power", bootstrap=None)
    pred = fit.predict([1e6, 1e7 * 1.01, 1e8, 1e2])
    np.testing.assert_allclose(pred.extrapolation, [0, 1 + math.log10(1.01), 2, 1])
    assert len(pred.warnings) == 2 and EXTRAPOLATION_DECADES == 1.0


# ---- compute-optimal allocation ---------------------------------------------------------

def test_allocation_closed_form_matches_brute_force():
    fit = fit_law(x=ND, y=chinchilla(ND), model="chinchilla", bootstrap=None)
    C = np.array([1e18, 1e21, 1e24, 1e300])
    alloc = compute_optimal(fit, C)
    p = fit.params
    for c, n_opt, l_opt in zip(C, alloc.n_opt, alloc.loss_opt, strict=True):
        def loss(ln, c=c):  # L on the constraint 6 N D = C, as a function of log N
            return p["A"] * math.exp(-p["alpha"] * ln) + p["B"] * math.exp(
                -p["beta"] * (math.log(c / 6) - ln))
        grid = np.linspace(0, math.log(c / 6), 4001)
        i = int(np.argmin([loss(g) for g in grid]))
        res = optimize.minimize_scalar(loss, bracket=(grid[max(i - 1, 0)], grid[i],
                                                      grid[min(i + 1, 4000)]), tol=1e-12)
        assert math.log(n_opt) == pytest.approx(res.x, rel=1e-6)
        assert l_opt == pytest.approx(p["E"] + loss(res.x), rel=1e-9)
    np.testing.assert_allclose(alloc.n_opt * alloc.d_opt * 6, C, rtol=1e-9)
    assert alloc.exponent_n == pytest.approx(0.28 / 0.62, rel=1e-8)


def test_allocation_intervals_bracket_the_estimate():
    X, y, g = _noisy_grid(8)
    fit = fit_law(x=X, y=y, group=g, model="chinchilla", n_resamples=49, rng=2)
    analytic = fit_law(x=X, y=y, model="chinchilla", bootstrap=None)
    for f in (fit, analytic):
        a = compute_optimal(f, [1e20, 1e23])
        assert (a.n_interval[0] <= a.n_opt).all() and (a.n_opt <= a.n_interval[1]).all()
        assert (a.loss_interval[0] < a.loss_interval[1]).all()
    with pytest.raises(ValueError, match="chinchilla"):
        compute_optimal(fit_law(x=X1, y=3 * X1 ** -0.5, bootstrap=None), 1e20)


# ---- refusals ----------------------------------------------------------------------------

def test_refusals_name_the_problem():
    with pytest.raises(ValueError, match="one of"):
        fit_law(x=X1, y=X1, model="nope")
    with pytest.raises(ValueError, match="distinct"):
        fit_law(x=np.column_stack([NN, np.full(25, 1e9)]), y=chinchilla(ND),
                model="chinchilla")
    with pytest.raises(ValueError, match="finite"):
        fit_law(x=X1, y=np.where(X1 > 1e4, np.nan, 1.0))
    with pytest.raises(ValueError, match="positive"):
        fit_law(x=-X1, y=X1)
    with pytest.raises(ValueError, match="2 size column"):
        fit_law(x=X1, y=X1, model="chinchilla")
    assert isinstance(fit_law(x=X1, y=X1 ** -1.0, bootstrap=None), LawFit)


def test_landscape_lists_every_run_best_first_with_the_summed_loss():
    X, y, _ = _noisy_grid(9)
    fit = fit_law(x=X, y=y, model="chinchilla", bootstrap=None)
    losses = [f for f, _ in fit.landscape]
    assert losses == sorted(losses) and len(losses) >= 2
    # the reported loss is the Huber loss SUMMED over the points at the optimum (FIT.11)
    r = np.log(y) - np.log(chinchilla(X, **fit.params))
    a = np.abs(r)
    rho = np.where(a <= fit.delta, 0.5 * r * r, fit.delta * (a - 0.5 * fit.delta))
    assert fit.loss == pytest.approx(float(rho.sum()), rel=1e-9)
    assert fit.loss <= losses[0] * (1 + 1e-12)


def test_broken_law_with_offset():
    x = np.geomspace(1e3, 1e6, 16)
    fit = fit_law(x=x, y=broken(x, 3.0, 0.3, 3e4, 0.4, 0.5) + 0.05, model="broken",
                  offset=True, bootstrap=None)
    assert fit.names[-1] == "E" and fit.params["E"] == pytest.approx(0.05, rel=1e-4)
    assert fit.params["c_1"] == pytest.approx(0.4, rel=1e-3)
