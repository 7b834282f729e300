"""The one Beta integral (asymptotics.rf.integrals) against mpmath quadrature.

The independent route is ``mpmath.quad`` of the defining integrals, docs/theory/
learning_curves.md (LC.12) and docs/theory/regimes.md (RG.8), at 30 digits; after
``y = e^v`` both integrands are smooth and decay exponentially at both ends.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from asymptotics.rf import asymptotes, laws
from asymptotics.rf.integrals import beta_integral, beta_value, mode_integral
from asymptotics.symbols import alpha


def _quad_beta(m: int, power: float) -> mpmath.mpf:
    # I_m(alpha) = int_R e^(alpha v) / (1 + e^v)^m dv  (y = e^v in (LC.12))
    return mpmath.quad(lambda v: mpmath.exp(power * v) / (1 + mpmath.exp(v)) ** m,
                       [-mpmath.inf, 0, mpmath.inf])


@pytest.mark.parametrize(("m", "power"), [(1, "0.1"), (1, "0.5"), (1, "0.93"), (2, "0.25"),
                                          (2, "1"), (2, "1.5"), (2, "1.87"), (1, "1/3"),
                                          (2, "sqrt(2)")])
def test_beta_integral_matches_quadrature(m, power):
    exact_power = sp.sympify(power)
    with mpmath.workdps(30):
        ref = _quad_beta(m, mpmath.mpf(sp.N(exact_power, 40)))
        got = mpmath.mpf(str(sp.N(beta_value(m, exact_power), 40)))
        assert abs(got / ref - 1) < mpmath.mpf(10) ** -25
    # the generic form at the same power, evaluated without the removable-limit branch
    if exact_power != 1:
        assert sp.simplify(beta_integral(m).subs(alpha, exact_power)
                           - beta_value(m, exact_power)) == 0


def test_removable_singularity_at_an_integer_power():
    # pi (1 - alpha)/sin(pi alpha) at alpha = 1 is 0/0; the integral is 1 (int dy/(1+y)^2)
    assert beta_value(2, sp.Integer(1)) == 1


@pytest.mark.parametrize("b", ["5/4", "2", "7/2", "7", "sqrt(3)"])
def test_mode_integral_matches_quadrature(b):
    bb = sp.sympify(b)
    with mpmath.workdps(30):
        bm = mpmath.mpf(sp.N(bb, 40))
        # I_b = int_0^oo dx/(1+x^b) with x = e^v (RG.8)
        ref = mpmath.quad(lambda v: mpmath.exp(v) / (1 + mpmath.exp(bm * v)),
                          [-mpmath.inf, 0, mpmath.inf])
        assert abs(mpmath.mpf(str(sp.N(mode_integral(bb), 40))) / ref - 1) < 1e-25


def test_laws_and_asymptotes_use_the_one_definition():
    assert asymptotes.beta_integral is beta_integral
    assert laws.mode_integral(2) == mode_integral(sp.Integer(2)) == sp.pi / 2
