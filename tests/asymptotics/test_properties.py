"""Hypothesis properties of the theory (issue #6): invariants of exponents, constants and kappa.

Each property checks a claim of :mod:`asymptotics` against a second, independent route:

* exponents of :func:`asymptotics.rf.laws.rf_exponents` against log-slopes of the numerical learning
  curve of :func:`asymptotics.rf.learning_curves.learning_curve_float` at large sizes, over random
  ``(a, b)`` (tests/asymptotics/rf/test_laws.py checks four fixed points; this extends it to the whole plane
  away from the crossovers), plus positivity and monotonicity in the spectral decay;
* monotonicity of the kernel and smoothness exponents in the manifold dimension ``d``;
* ``kappa`` of :func:`asymptotics.rf.learning_curves.solve_kappa` solving its own equation and the
  conservation identity ``sum_i L_i + delta/kappa = n`` (docs/theory/learning_curves.md (LC.1) at P = oo), summed here term by term
  in mpmath over random finite spectra;
* scale covariance ``E(c lambda, c delta, c sigma^2) = c E(lambda, delta, sigma^2)``;
* the isotropic ridgeless symmetric law ``E(N, n) = m kappa_m max(N, n)/|N - n|`` (docs/theory/learning_curves.md (LC.8))
  with ``kappa_m`` from a plain bisection written here, over random array spectra.

Example counts follow the Hypothesis profile (tests/conftest.py); the expensive properties use a
fraction of it (:func:`_examples`) so the fast suite stays within its time budget.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from references import kappa_bisect

from asymptotics.kernel_spectra import kernel_decay, smoothness_bound
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.resolution import nn_distance_moment
from asymptotics.rf.laws import data_limited_prefactor, feature_limited_prefactor, rf_exponents
from asymptotics.rf.learning_curves import learning_curve_float, solve_kappa


def _examples(fraction: float) -> int:
    """A fraction of the active profile's example count (at least 5)."""
    return max(5, int(settings.default.max_examples * fraction))


def _grid_float(lo: float, hi: float, step: float = 0.05):
    """Floats on a ``step`` grid: exact decimal values keep shrunk examples readable."""
    n = round((hi - lo) / step)
    return st.integers(0, n).map(lambda k: round(lo + k * step, 10))


# ------------------------------------------------------------------ exponents vs numerical slopes
@settings(max_examples=_examples(0.3))
@given(b=_grid_float(1.1, 4.0), a=_grid_float(1.1, 8.0))
def test_data_exponent_and_prefactor_match_the_numerical_curve(b, a):
    """alpha_D = min(a-1, 2b) is the slope of E(D, P=inf) at D ~ 1e6..1e7; the prefactor too.

    Away from the crossover a - 1 = 2b (margin 0.3) the next-order correction is of relative
    size D^-(min gap) <= 1e-6^0.3 ~ 2e-2 at worst; the measured slope between 1e6 and 1e7 is
    then within 0.01 of the exponent (checked at the corners of the range).
    """
    assume(abs((a - 1) - 2 * b) > 0.3)
    rf = rf_exponents(b, a) if a < 2 * b + 1 else None
    expected = min(a - 1, 2 * b)  # docs/theory/regimes.md (RG.9), alpha_D = min(a - 1, 2b)
    if rf is not None:
        assert rf.alpha_D.value == pytest.approx(expected, abs=1e-12)
        assert rf.alpha_D.value > 0
    D = np.array([1e6, 1e7])
    loss = learning_curve_float(D, math.inf, PowerLawSpectrum(b), Target.power_law(a))
    slope = -math.log(loss[1] / loss[0]) / math.log(10.0)
    assert slope == pytest.approx(expected, abs=0.01)
    if rf is not None and a < 2 * b + 0.4:
        # closed-form prefactor, docs/theory/regimes.md (RG.9), against the curve times D^alpha at D = 1e7
        pref = float(data_limited_prefactor(a, b))
        assert loss[1] * D[1] ** expected == pytest.approx(pref, rel=0.02)


@settings(max_examples=_examples(0.3))
@given(b=_grid_float(1.1, 4.0), a=_grid_float(1.1, 8.0))
def test_feature_exponent_matches_the_numerical_curve(b, a):
    """alpha_P = min(a-1, b) is the slope of E(D=inf, P) (docs/theory/regimes.md (RG.10)); prefactor for a < b+1."""
    assume(abs((a - 1) - b) > 0.25)
    expected = min(a - 1, b)
    P = np.array([1e6, 1e7])
    loss = learning_curve_float(math.inf, P, PowerLawSpectrum(b), Target.power_law(a))
    slope = -math.log(loss[1] / loss[0]) / math.log(10.0)
    assert slope == pytest.approx(expected, abs=0.01)
    if a < 2 * b + 1:
        rf = rf_exponents(b, a)
        assert rf.alpha_P.value == pytest.approx(expected, abs=1e-12)
        # Bahri's duality alpha_P = alpha_D holds iff a - 1 <= b (docs/theory/regimes.md (RG.10))
        assert rf.duality_holds == (a - 1 <= b)
        if a < b + 1 - 0.25:
            pref = float(feature_limited_prefactor(a, b))
            assert loss[1] * P[1] ** expected == pytest.approx(pref, rel=0.02)


@settings(max_examples=_examples(0.2))  # rf_exponents is symbolic: ~0.3 s per call
@given(b1=_grid_float(1.05, 6.0), db=_grid_float(0.0, 3.0), a=_grid_float(1.05, 12.0))
def test_exponents_positive_and_monotone_in_spectral_decay(b1, db, a):
    """A faster-decaying spectrum (larger b) never lowers alpha_D, alpha_P; variance ones are 1."""
    b2 = round(b1 + db, 10)  # b1 + db unrounded (6.1000000000000005) hangs sympy: see report
    assume(a < 2 * b1 + 1)
    r1, r2 = rf_exponents(b1, a), rf_exponents(b2, a)
    for r in (r1, r2):
        assert r.alpha_D.value > 0 and r.alpha_P.value > 0
        assert r.alpha_P.value <= r.alpha_D.value
        assert r.variance_D.value == 1 and r.variance_P.value == 1
    assert r2.alpha_D.value >= r1.alpha_D.value - 1e-15
    assert r2.alpha_P.value >= r1.alpha_P.value - 1e-15
    # matched (isotropic) teacher: alpha = b - 1 = alpha_K, strictly increasing in b
    m1 = rf_exponents(b1)
    assert m1.alpha_D.value == pytest.approx(b1 - 1) and m1.duality_holds


@functools.cache
def _decay(kern: str, d: int, nu: float | None) -> float:
    """kernel_decay's alpha_K (symbolic and slow: ~0.5 s; cached across examples)."""
    return kernel_decay(kern, d, **({} if nu is None else {"nu": nu})).value


@settings(max_examples=_examples(0.3))
@given(d=st.integers(1, 12), nu=_grid_float(0.5, 4.0, 0.5))
def test_kernel_exponents_decrease_with_dimension(d, nu):
    """alpha_K of a Matérn/Laplace kernel on the d-torus is 2 nu / d (docs/theory/kernel_spectra.md (KS.3))."""
    for kern, par, rate in (("matern", nu, 2 * nu), ("laplace", None, 1.0)):
        a1, a2 = _decay(kern, d, par), _decay(kern, d + 1, par)
        assert a1 == pytest.approx(rate / d) and a1 > a2 > 0


@given(t=st.integers(1, 8), d=st.integers(1, 12))
def test_smoothness_bound_monotone(t, d):
    """Kühn's bound alpha_K >= t/d: increasing in smoothness t, decreasing in d."""
    v = smoothness_bound(t, d).value
    assert v == pytest.approx(t / d)
    assert smoothness_bound(t + 1, d).value > v > smoothness_bound(t, d + 1).value > 0


# ------------------------------------------------------------------ kappa and its conservation law
spectra_arrays = st.lists(st.floats(1e-6, 10.0), min_size=3, max_size=30).map(
    lambda v: sorted(v, reverse=True))


@settings(max_examples=_examples(0.4))
@given(lam=spectra_arrays, frac=st.floats(0.05, 0.95), ridge=st.sampled_from([0.0, 1e-4, 0.3]),
       p_extra=st.sampled_from([math.inf, 0.5, 3.0]))
def test_kappa_solves_its_equation_and_conservation(lam, frac, ridge, p_extra):
    """kappa solves kappa(1 - df1/D)(1 - df1/P) = delta/D; at P = inf: sum L_i + delta/kappa = D."""
    S = len(lam)
    D = max(1.0, round(frac * (S - 1), 2))
    P = math.inf if math.isinf(p_extra) else D * (1 + p_extra)
    assume(ridge > 0 or min(D, P) < S)
    sol = solve_kappa(D, P, ArraySpectrum(lam), Target.isotropic(1.0), ridge=ridge, dps=30)
    with mpmath.workdps(40):
        k = mpmath.mpf(sol.kappa)
        assert k > 0
        L = [mpmath.mpf(x) / (mpmath.mpf(x) + k) for x in lam]  # learnabilities L_i, docs/theory/learning_curves.md (LC.1)
        df1 = mpmath.fsum(L)
        tol = mpmath.mpf(10) ** -20
        if math.isinf(P):
            # conservation law sum_i L_i + delta/kappa = n: docs/theory/learning_curves.md (LC.1), P = oo
            assert abs(df1 + ridge / k - D) <= tol * D
        elif ridge == 0:
            assert abs(df1 - min(D, P)) <= tol * D  # ridgeless: df1(kappa) = min(D, P)
        else:  # the fixed point, docs/theory/learning_curves.md (LC.1)
            lhs = k * (1 - df1 / D) * (1 - df1 / P)
            assert abs(lhs - mpmath.mpf(ridge) / D) <= tol * ridge / D
        # learnabilities lie in (0, 1) and delta/kappa >= 0 takes the rest of the budget D
        assert all(0 < x < 1 for x in L)
        if ridge > 0:
            assert df1 < D


# ------------------------------------------------------------------ scale covariance
@settings(max_examples=_examples(0.5))
@given(lam=spectra_arrays, c=st.sampled_from([1e-3, 0.37, 4.0, 1e3]),
       D=st.integers(1, 40), P=st.sampled_from([1.0, 2.0, 7.0, 25.0, math.inf]),
       ridge=st.sampled_from([0.0, 0.05]), noise=st.sampled_from([0.0, 0.2]),
       student=st.sampled_from(["projection", "top"]))
def test_loss_scales_with_the_spectrum(lam, c, D, P, ridge, noise, student):
    """E(c lambda; c delta, c sigma^2) = c E(lambda; delta, sigma^2) for the isotropic teacher.

    Z scales by sqrt(c), Z Z^T and the target power by c: the sum-loss ridge and the noise must
    scale with it. Checked for both students, ridge or not, including the kernel limit.
    """
    assume(not (ridge == 0 and D == P))
    spec, target = ArraySpectrum(lam), Target.isotropic(0.5)
    kw = dict(student=student)
    e1 = learning_curve_float(D, P, spec, target, ridge=ridge, noise=noise, **kw)
    e2 = learning_curve_float(D, P, ArraySpectrum([c * x for x in lam]), target,
                              ridge=c * ridge, noise=c * noise, **kw)
    assert np.all(np.isfinite(e1)) or np.all(np.isinf(e1))
    np.testing.assert_allclose(e2, c * e1, rtol=1e-9, atol=0)


# ------------------------------------------------------------------ symmetric isotropic law
@settings(max_examples=_examples(0.5))
@given(lam=st.lists(st.floats(1e-4, 5.0), min_size=8, max_size=40), n=st.integers(1, 30),
       gap=st.integers(1, 30), over=st.booleans())
def test_isotropic_ridgeless_symmetric_law(lam, n, gap, over):
    """E(N, n) = m kappa_m max(N, n) / |N - n|, m = min(N, n) (docs/theory/learning_curves.md (LC.8)), any spectrum."""
    lam = np.asarray(lam)
    S = lam.size
    m, M = n, n + gap
    assume(m < S)
    D, P = (m, M) if over else (M, m)
    w = 0.7
    got = float(learning_curve_float(D, P, ArraySpectrum(lam), Target.isotropic(w))[0])
    # E_inf(m) = m kappa_m per unit teacher-weight variance: the isotropic p_i = w lambda_i
    expected = w * m * kappa_bisect(lam, m) * M / (M - m)   # plain bisection, no ridge
    assert got == pytest.approx(expected, rel=1e-9)


# ------------------------------------------------------------------ nearest-neighbour moments
@given(D=st.integers(1, 10_000), d=st.integers(1, 10), k=_grid_float(0.5, 4.0, 0.5))
def test_nn_moment_decreases_with_D_and_approaches_its_law(D, d, k):
    """E[r^k] decreases in D; exact/asymptote -> 1 with |ratio - 1| shrinking (docs/theory/regimes.md (RG.5))."""
    m1 = nn_distance_moment(D, d, k, dps=20)
    m2 = nn_distance_moment(4 * D, d, k, dps=20)
    assert 0 < m2.exact < m1.exact
    assert abs(m2.ratio - 1) <= abs(m1.ratio - 1)
    # the ratio Gamma(D+1) D^(k/d) / Gamma(D+1+k/d) stays in (0, 1] (Gautschi's inequality)
    assert 0 < m1.ratio <= 1
