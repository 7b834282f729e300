"""Spectral sums over infinite and finite spectra (asymptotics.rf.sums).

Routes compared:
* Euler-Maclaurin tail with the mp backend (hypergeometric tail integral) vs an independent
  convergent expansion: direct head plus a Hurwitz-zeta series in lambda/kappa (valid once
  lambda_i < kappa), built here from scratch;
* float backend (series + Gauss-Legendre tail integral) vs mp backend;
* finite power law by T(M) - T(S+1) vs a term-by-term sum.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from asymptotics.rf.sums import SumEvaluator, prepare_model


def _zeta_route(kappa, b, a, c=1, C=1):
    """df1, df2, R, B of lambda_i = c i^-b, p_i = C i^-a by head + Hurwitz-zeta series.

    Computed at 40 extra digits: mpmath's Hurwitz zeta of large order s has an absolute (not
    relative) error near 10^-(dps+20) (seen: zeta(30, 36) at dps=40 is off in the 15th
    digit), so the head runs until r_i = lambda_i/kappa <= 1e-3 and few orders are needed.
    For i >= M: L = sum_k (-1)^k r^(k+1),
    L^2 = sum_k (-1)^k (k+1) r^(k+2), 1-L = sum_k (-1)^k r^k, (1-L)^2 = sum_k (-1)^k (k+1) r^k.
    """
    with mpmath.workdps(mpmath.mp.dps + 40):
        return [+x for x in _zeta_route_work(kappa, b, a, c, C)]


def _zeta_route_work(kappa, b, a, c, C):
    kappa, b, a, c, C = (mpmath.mpf(x) for x in (kappa, b, a, c, C))
    M = int(mpmath.ceil((1000 * c / kappa) ** (1 / b))) + 1
    lam = [c * mpmath.mpf(i) ** -b for i in range(1, M)]
    p = [C * mpmath.mpf(i) ** -a for i in range(1, M)]
    L = [x / (x + kappa) for x in lam]
    out = [mpmath.fsum(L), mpmath.fsum(x * x for x in L),
           mpmath.fsum(q * (1 - x) for q, x in zip(p, L, strict=True)),
           mpmath.fsum(q * (1 - x) ** 2 for q, x in zip(p, L, strict=True))]
    eps = mpmath.mpf(10) ** (-mpmath.mp.dps + 35)
    k = 0
    while True:
        r = (c / kappa)
        s1 = (-1) ** k * r ** (k + 1) * mpmath.zeta(b * (k + 1), M)
        s2 = (-1) ** k * (k + 1) * r ** (k + 2) * mpmath.zeta(b * (k + 2), M)
        s3 = (-1) ** k * C * r ** k * mpmath.zeta(a + b * k, M)
        s4 = (-1) ** k * (k + 1) * C * r ** k * mpmath.zeta(a + b * k, M)
        terms = (s1, s2, s3, s4)
        out = [o + t for o, t in zip(out, terms, strict=True)]
        if all(abs(t) < eps * abs(o) for t, o in zip(terms, out, strict=True)):
            return out
        k += 1


@pytest.mark.parametrize(("b", "a", "kappa"), [(1.5, 2.2, "1e-2"), (2.0, 1.7, "3e-3"),
                                               (3.0, 5.0, "1e-1"), (1.2, 4.0, "5e-2")])
def test_em_tail_matches_hurwitz_series_at_40_digits(b, a, kappa):
    with mpmath.workdps(40):
        ev = SumEvaluator(prepare_model(PowerLawSpectrum(b), Target.power_law(a)), "mp", dps=40)
        got = ev(mpmath.mpf(kappa))
        ref = _zeta_route(kappa, b, a)
        for name, g, r in zip(("df1", "df2", "R", "B"), (got.df1, got.df2, got.R, got.B), ref,
                              strict=True):
            assert abs(g / r - 1) < mpmath.mpf(10) ** -36, (name, g, r)


@pytest.mark.parametrize("b", [1.1, 1.5, 2.0, 4.0])
@pytest.mark.parametrize("a", [1.3, 2.5, 6.0, 11.0])
def test_float_backend_matches_mp_backend(b, a):
    model = prepare_model(PowerLawSpectrum(b, scale=0.7), Target.power_law(a, scale=2.0))
    kappas = np.logspace(-9, 1, 11)
    fl = SumEvaluator(model)(kappas)
    with mpmath.workdps(25):
        ev = SumEvaluator(model, "mp", dps=25)
        for i, k in enumerate(kappas):
            s = ev(mpmath.mpf(k))
            for f, m in ((fl.df1[i], s.df1), (fl.df2[i], s.df2), (fl.R[i], s.R), (fl.B[i], s.B)):
                assert abs(f / float(m) - 1) < 5e-13, (k, f, m)


def test_finite_power_law_tail_difference_matches_direct_sum():
    S = 3000
    model = prepare_model(PowerLawSpectrum(1.4, size=S), Target.power_law(1.9))
    with mpmath.workdps(30):
        ev = SumEvaluator(model, "mp", dps=30)
        assert not ev._direct  # S is above the direct-summation threshold: T(M) - T(S+1)
        for kappa in ("1e-4", "1e-2"):
            k = mpmath.mpf(kappa)
            got = ev(k)
            lam = [mpmath.mpf(i) ** mpmath.mpf(-1.4) for i in range(1, S + 1)]
            p = [mpmath.mpf(i) ** mpmath.mpf(-1.9) for i in range(1, S + 1)]
            L = [x / (x + k) for x in lam]
            ref = (mpmath.fsum(L), mpmath.fsum(x * x for x in L),
                   mpmath.fsum(q * (1 - x) for q, x in zip(p, L, strict=True)),
                   mpmath.fsum(q * (1 - x) ** 2 for q, x in zip(p, L, strict=True)))
            for g, r in zip((got.df1, got.df2, got.R, got.B), ref, strict=True):
                assert abs(g / r - 1) < mpmath.mpf(10) ** -26


@pytest.mark.parametrize("b", [1.3, 2.5])
def test_isotropic_target_sums_obey_the_kappa_identities(b):
    # p = w lambda gives R = w kappa df1 and B = w kappa (df1 - df2) (docs LC.4); the code
    # sums R and B directly, so the identities are a check at 30 digits.
    with mpmath.workdps(30):
        ev = SumEvaluator(prepare_model(PowerLawSpectrum(b, scale=3.0), Target.isotropic(0.2)),
                          "mp", dps=30)
        for kappa in ("1e-7", "1e-3", "0.5"):
            k = mpmath.mpf(kappa)
            s = ev(k)
            w = mpmath.mpf(0.2)
            assert abs(s.R / (w * k * s.df1) - 1) < mpmath.mpf(10) ** -27
            assert abs(s.B / (w * k * (s.df1 - s.df2)) - 1) < mpmath.mpf(10) ** -26


def test_isotropic_b_keeps_precision_when_kappa_is_below_every_eigenvalue():
    lam = np.array([1.0, 0.5, 0.25])
    ev = SumEvaluator(prepare_model(ArraySpectrum(lam), Target.isotropic(1.0)))
    k = 1e-12
    expected = np.sum(lam * (k / (lam + k)) ** 2)  # ~ k^2 sum 1/lambda, no cancellation
    assert ev(np.array([k])).B[0] == pytest.approx(expected, rel=1e-14)


def test_truncating_a_slow_spectrum_leaves_kappa_low():
    """docs/theory/learning_curves.md §3 (after (LC.6)): b=1.5, n=1e4, 2e6 modes leave kappa
    ~6% low (a one-off measurement noted there). Reproduced, not hard-coded: the finite
    spectrum's kappa is computed by the same solver with T(M) - T(S+1)."""
    from asymptotics.rf.learning_curves import solve_kappa

    full = solve_kappa(1e4, math.inf, PowerLawSpectrum(1.5), dps=15).kappa
    cut = solve_kappa(1e4, math.inf, PowerLawSpectrum(1.5, size=2_000_000), dps=15).kappa
    deficit = float(1 - cut / full)
    assert 0.04 < deficit < 0.08


def test_array_spectrum_is_summed_term_by_term():
    lam = np.array([1.0, 0.5, 0.25, 0.1])
    ev = SumEvaluator(prepare_model(ArraySpectrum(lam), Target.array([0.3, 0.2, 0.1, 0.0])))
    s = ev(np.array([0.2]))
    L = lam / (lam + 0.2)
    assert s.df1[0] == pytest.approx(L.sum(), rel=1e-15)
    assert s.B[0] == pytest.approx(np.sum(np.array([0.3, 0.2, 0.1, 0]) * (1 - L) ** 2), rel=1e-15)


@pytest.mark.parametrize("n_modes", [10, 200])
def test_array_target_on_infinite_spectrum_has_no_phantom_tail(n_modes):
    # p_i given for i <= n_modes, zero beyond: R and B are plain finite sums over those modes.
    p = np.arange(1, n_modes + 1, dtype=float) ** -1.7
    model = prepare_model(PowerLawSpectrum(1.5), Target.array(p))
    k = np.array([1e-5, 1e-2])
    s = SumEvaluator(model)(k)
    lam = np.arange(1, n_modes + 1, dtype=float) ** -1.5
    om = k[:, None] / (lam + k[:, None])
    np.testing.assert_allclose(s.R, (p * om).sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(s.B, (p * om ** 2).sum(axis=1), rtol=1e-13)
    with mpmath.workdps(20):
        smp = SumEvaluator(model, "mp", dps=20)(mpmath.mpf(1e-2))
        assert float(smp.R) == pytest.approx(s.R[1], rel=1e-14)


def test_float_head_is_chunked_over_points(monkeypatch):
    import asymptotics.rf.sums as ss

    model = prepare_model(ArraySpectrum(np.linspace(1.0, 0.001, 300)), Target.isotropic())
    k = np.logspace(-6, 0, 37)
    whole = SumEvaluator(model)(k)
    monkeypatch.setattr(ss, "_CHUNK", 1000)  # 3 points per chunk
    chunked = SumEvaluator(model)(k)
    for f in ("df1", "df2", "R", "B"):
        np.testing.assert_array_equal(getattr(whole, f), getattr(chunked, f))
    assert SumEvaluator(model)(np.array([])).df1.shape == (0,)
