"""verify.fit.laws: the law forms' log L and Jacobian, and exact recovery of the
two-variable forms added to Chinchilla's (Kaplan et al. 2020's log-sum-exp form, FIT.15,
and the random-feature model's symmetric law, FIT.16).

Reference values: the parameters the noiseless data were generated from (evaluated by
the plain formulas below, not by the law's log-space code), and central finite
differences of log L for the Jacobians.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.fit import fit_law
from verify.fit.laws import MODELS, TWO_VARIABLE, _Law

N5, D5 = np.geomspace(1e6, 1e9, 5), np.geomspace(1e8, 1e11, 5)
ND = np.column_stack([a.ravel() for a in np.meshgrid(N5, D5)])
P6, D6 = np.geomspace(100, 1e5, 6), np.geomspace(150, 1.5e5, 6)   # never P = D
PD = np.column_stack([a.ravel() for a in np.meshgrid(P6, D6)])


def kaplan(X, alpha_N, alpha_D, N_c, D_c):
    """Kaplan et al. (2020) Eq. (1.5): L = ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D."""
    return ((N_c / X[:, 0]) ** (alpha_N / alpha_D) + D_c / X[:, 1]) ** alpha_D


def rf(X, A, alpha):
    """docs/theory/learning_curves.md (LC.8) with E_inf(m) = A m^-alpha."""
    m, M = X.min(axis=1), X.max(axis=1)
    return A * m ** -alpha * M / np.abs(M - m)


@pytest.mark.parametrize("name, theta, X", [
    ("kaplan", [0.3, 0.2, np.log(1e7), np.log(1e9)], ND),
    ("rf", [np.log(2.0), 0.6], PD),
    ("chinchilla", [0.5, 6.0, 0.34, 6.0, 0.28], ND),
])
def test_jacobian_matches_finite_differences(name, theta, X):
    law, U, theta = _Law(name, 2), np.log(X), np.array(theta, dtype=float)
    _, J = law.log_f(theta, U)
    for k in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[k]))
        tp, tm = theta.copy(), theta.copy()
        tp[k] += h
        tm[k] -= h
        fd = (law.log_f(tp, U)[0] - law.log_f(tm, U)[0]) / (2 * h)
        np.testing.assert_allclose(J[:, k], fd, rtol=1e-6, atol=1e-8)


def test_log_f_matches_the_plain_formulas():
    lf = _Law("kaplan", 2).log_f(np.array([0.095, 0.076, np.log(8.8e13), np.log(5.4e13)]),
                                 np.log(ND))[0]
    np.testing.assert_allclose(np.exp(lf), kaplan(ND, 0.076, 0.095, 8.8e13, 5.4e13),
                               rtol=1e-13)
    lf = _Law("rf", 2).log_f(np.array([np.log(2.5), 0.7]), np.log(PD))[0]
    np.testing.assert_allclose(np.exp(lf), rf(PD, 2.5, 0.7), rtol=1e-11)
    assert set(TWO_VARIABLE) <= set(MODELS)


@settings(max_examples=4, deadline=None)
@given(alpha_N=st.floats(0.1, 0.6), alpha_D=st.floats(0.1, 0.6),
       log_nc=st.floats(np.log(1e6), np.log(1e9)), log_dc=st.floats(np.log(1e8), np.log(1e11)))
def test_kaplan_recovered_exactly(alpha_N, alpha_D, log_nc, log_dc):
    # identifiable: both terms matter inside the grid (the scales lie inside the data)
    truth = {"alpha_N": alpha_N, "alpha_D": alpha_D, "N_c": np.exp(log_nc),
             "D_c": np.exp(log_dc)}
    fit = fit_law(x=ND, y=kaplan(ND, **truth), model="kaplan", bootstrap=None)
    for k, v in truth.items():
        assert fit.params[k] == pytest.approx(v, rel=1e-6), (k, fit.params, truth)


@settings(max_examples=4, deadline=None)
@given(A=st.floats(1e-2, 1e2), alpha=st.floats(0.1, 2.0))
def test_rf_law_recovered_exactly(A, alpha):
    fit = fit_law(x=PD, y=rf(PD, A, alpha), model="rf", bootstrap=None)
    assert fit.params["A"] == pytest.approx(A, rel=1e-8)
    assert fit.params["alpha"] == pytest.approx(alpha, rel=1e-8)
    assert not fit.warnings


def test_rf_law_refuses_the_peak_and_needs_two_columns():
    X = np.vstack([PD, [[1e3, 1e3]]])
    with pytest.raises(ValueError, match="diverges at"):
        fit_law(x=X, y=np.ones(len(X)), model="rf", bootstrap=None)
    with pytest.raises(ValueError, match="2 size column"):
        fit_law(x=P6, y=P6 ** -0.5, model="rf", bootstrap=None)


def test_separable_law_on_kaplan_data_warns_of_misspecification():
    y = kaplan(ND, 0.3, 0.5, 1e7, 1e9)
    fit = fit_law(x=ND, y=y * np.exp(0.002 * np.random.default_rng(1).standard_normal(25)),
                  model="chinchilla", bootstrap=None)
    assert any("misspecified" in w for w in fit.warnings), fit.warnings
