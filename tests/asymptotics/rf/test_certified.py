"""Certified digits are correct digits (issue #18, items 1-3).

Every reference here is computed in the test, by a route that shares nothing with the
package: plain bisection in ``log kappa`` on the exact finite sums at 50 digits (no
Euler-Maclaurin, no bracket of the package, no Newton), then the loss from those sums; or
a closed form (the (LC.9) degenerate case, the (LC.15)/(LC.17) asymptote); or a direct sum
of the target tail. A certified digit must then be a correct digit:
``|value - reference| <= 10^(1 - digits) |reference|``.
"""

from __future__ import annotations

import json
import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from asymptotics.__main__ import main
from asymptotics.model import PowerLawSpectrum, Target
from asymptotics.rf.equivalent import (
    KappaResidualError,
    kappa_bracket,
    kappa_residual,
    solve_kappa_float,
)
from asymptotics.rf.learning_curves import learning_curve, learning_curve_float, solve_kappa
from asymptotics.rf.sums import SumEvaluator, prepare_model

_REF_DPS = 50


def brute_kappa(lam: list, D: float, P: float, ridge: float = 0.0) -> mpmath.mpf:
    """Root of (LC.1) on the exact finite sums: bisection in ``log kappa``, then Newton on the
    same exact sums inside the bisected bracket (mp at the caller's precision).

    The bracket ``[e^-2000, e^60]`` is checked, not assumed: the sign of the equation is
    asserted at both ends. 40 halvings leave a bracket of width 2e-9; each Newton step
    must stay inside it, and the last step must be below 10^-(dps - 5).
    """
    m = min(D, P)
    Dm = mpmath.mpf(D)
    Pinf = math.isinf(P)

    def f_and_slope(ell: mpmath.mpf) -> tuple:
        k = mpmath.exp(ell)
        L = [x / (x + k) for x in lam]
        df1 = mpmath.fsum(L)
        dd = df1 - mpmath.fsum(v * v for v in L)  # = -d df1 / d ell
        if ridge == 0:
            return m - df1, dd  # increasing in ell
        if df1 >= m:
            return mpmath.mpf(-1), None
        a, c = 1 - df1 / Dm, (1 if Pinf else 1 - df1 / mpmath.mpf(P))
        slope = k * a * c + k * dd * (c / Dm + (0 if Pinf else a / mpmath.mpf(P)))
        return k * a * c - mpmath.mpf(ridge) / Dm, slope

    lo, hi = mpmath.mpf(-2000), mpmath.mpf(60)
    assert f_and_slope(lo)[0] < 0 < f_and_slope(hi)[0]
    for _ in range(40):
        mid = (lo + hi) / 2
        if f_and_slope(mid)[0] < 0:
            lo = mid
        else:
            hi = mid
    x = (lo + hi) / 2
    for _ in range(60):
        f, slope = f_and_slope(x)
        step = -f / slope
        # the rounding floor of the step: 10^-dps of f's scale (m, or delta/D) over the slope
        scale = m if ridge == 0 else mpmath.mpf(ridge) / Dm
        small = mpmath.mpf(10) ** (5 - mpmath.mp.dps) * max(1, scale / abs(slope))
        x = x + step
        assert lo <= x <= hi
        if abs(step) < small:
            return mpmath.exp(x)
    raise AssertionError("reference Newton did not converge")


def brute_loss(lam: list, p: list, D: float, P: float, ridge: float = 0.0,
               noise: float = 0.0, tail: mpmath.mpf | None = None) -> mpmath.mpf:
    """(LC.2)-(LC.3) from exact finite sums at the bisected ``kappa``; ``tail`` = T_P of a
    top-P student, added as label noise and to the loss (LC.11)."""
    s2 = mpmath.mpf(noise) + (tail or 0)
    k = brute_kappa(lam, D, P, ridge)
    L = [x / (x + k) for x in lam]
    df1, df2 = mpmath.fsum(L), mpmath.fsum(v * v for v in L)
    if ridge == 0:
        df1 = mpmath.mpf(min(D, P))
    R = mpmath.fsum(q * (1 - v) for q, v in zip(p, L, strict=True))
    B = mpmath.fsum(q * (1 - v) ** 2 for q, v in zip(p, L, strict=True))
    Dm = mpmath.mpf(D)
    if math.isinf(P):
        d = mpmath.mpf(1)
    else:
        d = (P - df1) / (P - df2)
    one_minus_gamma = 1 - (df1 - d * (df1 - df2)) / Dm
    return (d * B + (1 - d) * R + s2) / one_minus_gamma - s2 + (tail or 0)


def direct_tail(a: float, start: int, n_direct: int, terms: int = 5) -> mpmath.mpf:
    """``sum_{i >= start} i^-a``: ``n_direct`` terms one by one, the rest by the integral,
    the half term and ``terms`` Bernoulli corrections at ``x = start + n_direct`` (a cut far
    from the package's, which sums no term directly at these ``start``). Each correction is
    about ``((a + 2j) / (2 pi x))^2`` of the one before, so at the cuts used below the first
    omitted one is below 10^-40 of the sum."""
    am = mpmath.mpf(a)
    x = mpmath.mpf(start + n_direct)
    out = mpmath.fsum(mpmath.mpf(i) ** -am for i in range(start, start + n_direct))
    out += x ** (1 - am) / (am - 1) + x ** -am / 2
    for j in range(1, terms + 1):
        out += (mpmath.bernoulli(2 * j) / mpmath.factorial(2 * j) * mpmath.rf(am, 2 * j - 1)
                * x ** (1 - am - 2 * j))
    return out


def power_model(S: int, b: float, a: float | None = None) -> tuple[list, list]:
    lam = [mpmath.mpf(i) ** (-mpmath.mpf(b)) for i in range(1, S + 1)]
    p = list(lam) if a is None else [mpmath.mpf(i) ** (-mpmath.mpf(a)) for i in range(1, S + 1)]
    return lam, p


def assert_certified(value: mpmath.mpf, digits: int, ref: mpmath.mpf) -> None:
    err = abs(value - ref) / abs(ref)
    assert err <= mpmath.mpf(10) ** (1 - digits), (mpmath.nstr(value, 20), mpmath.nstr(ref, 20),
                                                   digits, mpmath.nstr(err, 3))


# ------------------------------------------------------------------------------------------
# item 1: D or P within 1 of the spectrum size
def test_issue_example_D_just_below_S_on_the_command_line(capsys):
    assert main(["curve", "--b", "2", "--size", "100", "--D", "99.99", "--P", "inf",
                 "--json"]) == 0
    point = json.loads(capsys.readouterr().out)["points"][0]
    with mpmath.workdps(_REF_DPS):
        ref = brute_loss(*power_model(100, 2.0), 99.99, math.inf)
        assert mpmath.nstr(ref, 4) == "2.956e-6"  # the issue's bisection value
        assert point["certified_digits"] == 30
        assert_certified(mpmath.mpf(point["loss"]), 30, ref)


@pytest.mark.parametrize("S,b,f", [(20, 1.5, 0.01), (100, 4.0, 0.01), (100, 2.0, 0.5)])
def test_D_and_fractional_P_just_below_S(S, b, f):
    spec, tgt = PowerLawSpectrum(b, size=S), Target.isotropic(1.0)
    with mpmath.workdps(_REF_DPS):
        lam, p = power_model(S, b)
        for D, P in ((S - f, math.inf), (3.0 * S, S - f)):
            ref = brute_loss(lam, p, D, P)
            lc = learning_curve(D, P, spec, tgt, dps=20)
            assert lc.certified_digits[0] == 20
            assert_certified(lc.loss[0], 20, ref)
            fl = learning_curve_float(D, P, spec, tgt)[0]
            assert abs(fl - ref) / ref < 1e-9  # float64 at kappa conditioning ~ S/(S - m)


@pytest.mark.slow
@pytest.mark.parametrize("S", [20, 100, 500])
@pytest.mark.parametrize("b", [1.5, 2.0, 4.0])
def test_the_issues_54_near_size_cases(S, b):
    """The issue's grid (S, b, D = S - f): certified and float values against bisection."""
    spec, tgt = PowerLawSpectrum(b, size=S), Target.isotropic(1.0)
    fs = [0.01, 0.1, 0.3, 0.5, 0.9, 0.99]
    lc = learning_curve([S - f for f in fs], math.inf, spec, tgt, dps=30)
    fl = learning_curve_float([S - f for f in fs], math.inf, spec, tgt)
    with mpmath.workdps(_REF_DPS):
        lam, p = power_model(S, b)
        for i, f in enumerate(fs):
            ref = brute_loss(lam, p, S - f, math.inf)
            assert_certified(lc.loss[i], lc.certified_digits[i], ref)
            assert lc.certified_digits[i] == 30
            assert abs(fl[i] - ref) / ref < 1e-9


# ------------------------------------------------------------------------------------------
# item 2: sizes above 2^63, up to the float range
def test_huge_D_matches_the_closed_form():
    """At b = 2 (isotropic, w = 1) the kernel loss is (pi^2/4)/D (1 - 1/D + O(D^-2)) by
    (LC.15) and (LC.17); past D = 1e19 the correction is below 10^-38 of the value.
    (D = 1e100 printed 6.02e-70 beside its asymptote 2.47e-100 before the fix.)"""
    spec, tgt = PowerLawSpectrum(2.0), Target.isotropic(1.0)
    Ds = [1e19, 1e40, 1e50, 1e100]
    lc = learning_curve(Ds, math.inf, spec, tgt, dps=30)
    fl = learning_curve_float(Ds, math.inf, spec, tgt)
    for i, D in enumerate(Ds):
        with mpmath.workdps(_REF_DPS):
            Dm = mpmath.mpf(D)
            ref = mpmath.pi ** 2 / 4 / Dm * (1 - 1 / Dm)
            assert_certified(lc.loss[i], lc.certified_digits[i], ref)
            assert lc.certified_digits[i] == 30
        assert fl[i] == pytest.approx(float(ref), rel=1e-12)
        sol = solve_kappa(D, math.inf, spec, Target.isotropic(1.0))
        assert abs(sol.residual) < mpmath.mpf(10) ** -30


def test_size_beyond_every_machine_integer():
    """A finite spectrum of 10^300 modes with m = S/2 (the bracket's exact-gap branch):
    the kappa satisfies (LC.1) and lies inside the bracket, whose ends have the right signs."""
    S = 10 ** 300
    spec = PowerLawSpectrum(1.01, scale=1e10, size=S)
    model = prepare_model(spec, Target.isotropic(1.0))
    D = np.array([5e299])
    P = np.array([math.inf])
    lo, hi = kappa_bracket(model, D, P, 0.0)
    kf = solve_kappa_float(SumEvaluator(model), D, P, 0.0)
    assert lo[0] < math.log(kf[0]) < hi[0]
    sol = solve_kappa(5e299, math.inf, spec, Target.isotropic(1.0), dps=20)
    assert abs(sol.residual) < mpmath.mpf(10) ** -20
    assert float(sol.kappa) == pytest.approx(kf[0], rel=1e-10)


# ------------------------------------------------------------------------------------------
# the residual check: a kappa that does not satisfy (LC.1) is an error, not a number
def test_a_kappa_off_its_equation_is_refused(monkeypatch):
    """Break the bracket on purpose (the failure of the issue): both routes refuse."""
    import asymptotics.rf.equivalent as eq

    spec, tgt = PowerLawSpectrum(2.0, size=100), Target.isotropic(1.0)
    model = prepare_model(spec, tgt)
    D, P = np.array([99.99]), np.array([math.inf])
    lo, hi = kappa_bracket(model, D, P, 0.0)
    wrong_lo = lo + 8.0  # kappa e^8 times the bracket end: df1 < m at the new end
    monkeypatch.setattr(eq, "kappa_bracket", lambda *args: (wrong_lo, hi))
    with pytest.raises(KappaResidualError, match=r"residual check.*LC\.19"):
        solve_kappa_float(SumEvaluator(model), D, P, 0.0)
    with pytest.raises(KappaResidualError):
        eq.solve_kappa_mp(SumEvaluator(model, "mp", dps=30), 99.99, math.inf, 0.0,
                          float(np.exp(wrong_lo[0])), dps=30)
    monkeypatch.undo()
    g, scale = kappa_residual(SumEvaluator(model, "mp", dps=30),
                              solve_kappa(99.99, math.inf, spec, tgt).kappa, 99.99, math.inf, 0.0)
    assert abs(g) <= mpmath.mpf(10) ** -32 * scale


# ------------------------------------------------------------------------------------------
# Hypothesis: fractional D and P within 1 of S, the bracket, the float path and the mp path
near = st.fractions(0, 1).map(float).filter(lambda u: 0 < u < 1)


@given(S=st.integers(2, 40), b=st.floats(1.05, 8.0), u=near, which=st.sampled_from("DP"),
       ridge=st.sampled_from([0.0, 1e-8, 1e-3, 1.0]))
@example(S=20, b=1.5, u=0.01, which="D", ridge=0.0)
@example(S=40, b=8.0, u=0.001, which="P", ridge=1e-8)
def test_bracket_holds_and_float_path_matches_bisection(S, b, u, which, ridge):
    spec, tgt = PowerLawSpectrum(b, size=S), Target.isotropic(1.0)
    D, P = (S - u, math.inf) if which == "D" else (2.0 * S + 1, S - u)
    assume(min(D, P) < S)  # S - u rounds to S for u below half an ulp of S
    model = prepare_model(spec, tgt)
    lo, hi = kappa_bracket(model, np.array([D]), np.array([P]), ridge)
    ev = SumEvaluator(model, "mp", dps=30)  # direct sums at 30 digits: not the float route
    g_lo, _ = kappa_residual(ev, mpmath.exp(lo[0]), D, P, ridge)
    g_hi, _ = kappa_residual(ev, mpmath.exp(hi[0]), D, P, ridge)
    assert g_lo < 0 < g_hi
    with mpmath.workdps(_REF_DPS):
        lam, p = power_model(S, b)
        kref = brute_kappa(lam, D, P, ridge)
        ref = brute_loss(lam, p, D, P, ridge)
    try:
        kf, fl = _float_kappa_and_loss(spec, tgt, D, P, ridge)
    except KappaResidualError:  # allowed only where float64 cannot resolve the root
        assume(False)
        return
    assert abs(kf - kref) / kref < 1e-6 * S / min(u, 1 - u, 0.5)
    assert abs(fl - ref) / ref < 1e-7 * S / u


def _float_kappa_and_loss(spec, tgt, D, P, ridge):
    model = prepare_model(spec, tgt)
    kf = solve_kappa_float(SumEvaluator(model), np.array([D]), np.array([P]), ridge)[0]
    return kf, learning_curve_float(D, P, spec, tgt, ridge=ridge)[0]


@pytest.mark.slow
@settings(max_examples=40)
@given(S=st.integers(2, 60), b=st.floats(1.05, 8.0), u=near, which=st.sampled_from("DP"),
       ridge=st.sampled_from([0.0, 1e-8, 1e-3]), dps=st.integers(12, 40))
def test_certified_digits_near_S_are_correct(S, b, u, which, ridge, dps):
    spec, tgt = PowerLawSpectrum(b, size=S), Target.isotropic(1.0)
    D, P = (S - u, math.inf) if which == "D" else (2.0 * S + 1, S - u)
    assume(min(D, P) < S)
    lc = learning_curve(D, P, spec, tgt, ridge=ridge, dps=dps)
    with mpmath.workdps(_REF_DPS):
        ref = brute_loss(*power_model(S, b), D, P, ridge)
        assert_certified(lc.loss[0], lc.certified_digits[0], ref)


@given(b=st.floats(1.01, 6.0), logD=st.floats(0.0, 300.0), logP=st.floats(0.0, 308.0))
@example(b=2.0, logD=40.0, logP=308.0)
def test_huge_sizes_float_path_finite_or_refused(b, logD, logP):
    """Sizes up to 1e300: the float path returns a finite positive loss, satisfies (LC.1)
    (checked inside), or refuses with a one-line error naming the size; never NaN."""
    spec, tgt = PowerLawSpectrum(b), Target.isotropic(1.0)
    D, P = 10.0 ** logD, 10.0 ** logP
    assume(D != P)
    try:
        loss = learning_curve_float(D, P, spec, tgt)[0]
    except ValueError as exc:
        assert "below 1e-300" in str(exc) and "\n" not in str(exc)
        return
    assert math.isfinite(loss) and loss > 0
    if min(D, P) > 1e8 and max(D, P) > 1e4 * min(D, P):  # deep in one regime: (LC.15)/(LC.16)
        m = min(D, P)
        lc_asym = learning_curve_float(m, math.inf, spec, tgt)[0] if D < P else None
        if lc_asym is not None:
            assert loss == pytest.approx(lc_asym * P / (P - D), rel=1e-9)  # (LC.8)


# ------------------------------------------------------------------------------------------
# item 3: the top-P student's tail
def test_issue_example_top_student_dps_50_and_30_agree_with_bisection(capsys):
    """The issue's point: --dps 50 printed 0.865..., --dps 30 gave 8.3059570299987..."""
    args = ["curve", "--b", "3.72", "--a", "16.264", "--D", "1412.98", "--P", "1413",
            "--student", "top", "--noise", "0.00011756379252767333", "--json"]
    values = {}
    for dps in ("30", "50"):
        assert main([*args, "--dps", dps]) == 0
        values[dps] = json.loads(capsys.readouterr().out)["points"][0]
    with mpmath.workdps(80):  # 1 - gamma_1 ~ 1e-5 here: the reference carries 80 digits
        lam, p = power_model(1413, 3.72, 16.264)
        tail = direct_tail(16.264, 1414, 4000)  # T_P = sum_{i > 1413} i^-a
        ref = brute_loss(lam, p, 1412.98, math.inf, noise=0.00011756379252767333, tail=tail)
        assert mpmath.nstr(ref, 14) == "8.3059570299987"
        for point in values.values():
            assert_certified(mpmath.mpf(point["loss"]), point["certified_digits"], ref)


def test_top_student_tail_claim_is_correct_past_mpmath_zeta():
    """b = 1.5, a = 25, P = 2000, D = 1e9: D > P, so (LC.9) on the truncated model gives
    E = T_P D/(D - P) exactly; T_P by a direct sum (mpmath.zeta(25, 2001) was off 1.5e-11)."""
    lc = learning_curve(1e9, 2000, PowerLawSpectrum(1.5), Target.power_law(25.0),
                        student="top", dps=30)
    with mpmath.workdps(_REF_DPS):
        tail = direct_tail(25.0, 2001, 3000)
        ref = tail * mpmath.mpf(1e9) / (mpmath.mpf(1e9) - 2000)
        assert_certified(lc.loss[0], lc.certified_digits[0], ref)
    assert lc.certified_digits[0] == 30


@pytest.mark.slow
def test_top_student_at_the_issues_random_point():
    """b = 3.144, a = 32.906, D = 40542.96, P = 8518: 3 of 600 claims were a digit too many."""
    spec, tgt = PowerLawSpectrum(3.144), Target.power_law(32.906)
    lc = learning_curve(40542.96, 8518, spec, tgt, student="top", dps=30)
    with mpmath.workdps(_REF_DPS):
        tail = direct_tail(32.906, 8519, 2000)
        ref = tail * mpmath.mpf(40542.96) / (mpmath.mpf(40542.96) - 8518)  # (LC.9), D > P
        assert_certified(lc.loss[0], lc.certified_digits[0], ref)


# ------------------------------------------------------------------------------------------
# item 4: the float path is finite or a clear error on valid extreme inputs
def test_issue_example_nan_point_is_finite_and_matches_mp():
    """D = 5414487836699047, P = 1.68e293, b = 4, a = 100 (ridge 1e-40, the smallest the
    validator takes; the issue's 1e-300 is refused): float64 gave NaN, mp a finite value."""
    args = (5414487836699047.0, 1.68e293, PowerLawSpectrum(4.0), Target.power_law(100.0))
    fl = learning_curve_float(*args, ridge=1e-40)[0]
    mp = learning_curve(*args, ridge=1e-40, dps=20)
    assert math.isfinite(fl) and fl == pytest.approx(float(mp.loss[0]), rel=1e-10)


def test_huge_size_and_exponent_far_tail():
    """S = 10^150 modes, b = 57.4, a = 31.65, P = 7.1453: the far tail at M = S + 1 has
    kappa/lambda_M far past float64 (it raised OverflowError, then gave NaN): the 1/Y
    expansion against the mp route."""
    args = (2.749806363461897e101, 7.1453049208498385,
            PowerLawSpectrum(57.437832334740925, size=10 ** 150), Target.power_law(31.65))
    fl = learning_curve_float(*args)[0]
    assert fl == pytest.approx(float(learning_curve(*args, dps=20).loss[0]), rel=1e-10)


@given(b=st.floats(1.001, 100.0), a=st.one_of(st.none(), st.floats(1.001, 100.0)),
       size=st.one_of(st.none(), st.integers(1, 5000), st.integers(5, 300).map(lambda k: 10 ** k)),
       logD=st.floats(0.0, 308.0), logP=st.one_of(st.none(), st.floats(0.0, 308.0)),
       logr=st.one_of(st.none(), st.floats(-40.0, 100.0)),
       student=st.sampled_from(["projection", "top"]))
def test_float_path_never_nan(b, a, size, logD, logP, logr, student):
    D = 10.0 ** logD
    P = math.inf if logP is None else 10.0 ** logP
    if student == "top" and math.isfinite(P):
        P = float(math.floor(P))
    ridge = 0.0 if logr is None else 10.0 ** logr
    tgt = Target.isotropic(1.0) if a is None else Target.power_law(a)
    try:
        loss = learning_curve_float(D, P, PowerLawSpectrum(b, size=size), tgt, ridge=ridge,
                                    student=student)[0]
    except ValueError as exc:  # a refusal: one line, naming the rule
        assert "\n" not in str(exc)
        assert "must" in str(exc) or "below 1e-300" in str(exc)
        return
    assert not math.isnan(loss) and loss >= 0
    if math.isinf(loss):  # only at the ridgeless interpolation peak
        assert ridge == 0 and D == P
