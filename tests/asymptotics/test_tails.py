"""Spectral tails: Euler–Maclaurin expansions against mpmath's Hurwitz zeta at 50 digits."""

from __future__ import annotations

import itertools

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from asymptotics.symbols import N
from asymptotics.tails import euler_maclaurin_tail, hurwitz_tail, tail_law


def _errors(expansion, s, cutoffs):
    exact_s = sp.Rational(str(s))  # 3.7 means 37/10, as in the expansion (not the binary float)
    with mp.workdps(50):
        s_mp = mp.mpf(exact_s.p) / exact_s.q
        return [abs(expansion.evaluate(n, dps=50) - mp.zeta(s_mp, n + 1)) for n in cutoffs]


@pytest.mark.parametrize("s", [1.5, 2, 3.7])
@pytest.mark.parametrize("order", [0, 1, 3])
def test_error_falls_at_the_stated_order(s, order):
    exp = hurwitz_tail(s, order=order)
    assert exp.remainder_order == sp.nsimplify(s) + 2 * order + 1
    cutoffs = [40, 80, 160, 320]
    errs = _errors(exp, s, cutoffs)
    slope = np.polyfit(np.log(cutoffs), [float(mp.log(e)) for e in errs], 1)[0]
    # the next Bernoulli term dominates; its relative correction is O(1/N^2): band 0.05
    assert slope == pytest.approx(-float(exp.remainder_order), abs=0.05)


def test_more_terms_help_at_fixed_cutoff_and_digits():
    errs = [_errors(hurwitz_tail(2.5, order=k), 2.5, [50])[0] for k in range(6)]
    assert all(b < a for a, b in itertools.pairwise(errs))
    # the error is the first omitted term to relative O(1/N^2): B_12/12! (5/2)_11 50^-13.5
    nxt = hurwitz_tail(2.5, order=5).next_term.subs(N, 50)
    assert float(errs[-1] / abs(mp.mpf(str(sp.N(nxt, 30))))) == pytest.approx(1, abs=0.1)


def test_closed_form_low_order():
    # s = 2, K = 1: 1/N - 1/(2N^2) + B_2/2! * 2 / N^3, with B_2 = 1/6
    assert sp.simplify(hurwitz_tail(2, order=1).expansion - (1 / N - 1 / (2 * N**2)
                                                            + 1 / (6 * N**3))) == 0


def test_symbolic_exponent():
    s = sp.Symbol("s", positive=True)
    exp = hurwitz_tail(s, order=2)
    assert exp.remainder_order == s + 5
    with mp.workdps(50):
        value = exp.expansion.subs({s: sp.Rational(7, 3), N: 100}).evalf(50)
        ref = mp.zeta(mp.mpf(7) / 3, 101)
        assert abs(mp.mpf(str(value)) - ref) < 100 ** (-(7 / 3 + 5) + 1)


def test_general_summand_against_closed_form():
    n = sp.Symbol("n", positive=True)
    exp = euler_maclaurin_tail(1 / (n**2 + 1), n, order=2)
    assert exp.remainder_order == 7
    with mp.workdps(50):
        # sum_{k>=1} 1/(k^2+1) = (pi coth(pi) - 1)/2 (partial fractions of coth), minus the head
        total = (mp.pi / mp.tanh(mp.pi) - 1) / 2
        errs = [abs(exp.evaluate(c) - (total - mp.fsum(1 / (mp.mpf(k) ** 2 + 1)
                                                       for k in range(1, c + 1))))
                for c in (40, 80, 160)]
    slope = np.polyfit(np.log([40, 80, 160]), [float(mp.log(e)) for e in errs], 1)[0]
    assert slope == pytest.approx(-7, abs=0.1)
    assert euler_maclaurin_tail(sp.exp(-n), n, order=1).remainder_order == sp.oo


def test_tail_law_corrects_bahri_eq5_prefactor():
    law = tail_law(3)  # alpha_K = 2: prefactor 1/alpha_K = 1/2, not alpha_K = 2
    assert law.exponent == 2 and law.prefactor == sp.Rational(1, 2)
    assert law.regime == "tail"
    with mp.workdps(30):
        ratio = mp.zeta(3, 10**6 + 1) * mp.mpf(10) ** 12
        assert abs(ratio - mp.mpf(1) / 2) < 1e-5


def test_input_validation():
    with pytest.raises(ValueError, match=r"`s` must be > 1; got 1"):
        hurwitz_tail(1)
    with pytest.raises(ValueError, match=r"`order` must be an integer >= 0; got -1"):
        hurwitz_tail(2, order=-1)
    with pytest.raises(TypeError, match=r"`N` must be a sympy Symbol"):
        hurwitz_tail(2, N=5)
    n = sp.Symbol("n", positive=True)
    with pytest.raises(ValueError, match="finite tail integral"):
        euler_maclaurin_tail(1 / n, n)
