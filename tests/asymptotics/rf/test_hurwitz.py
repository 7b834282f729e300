"""The Hurwitz zeta with an error bound (docs/theory/learning_curves.md (LC.20)).

References are computed here by a route the module does not take: many terms summed one by
one, then the Euler-Maclaurin tail at a cut ten times further out than ``s`` (so that each
Bernoulli term is below 3e-4 of the one before) with 15 terms, at 20 more digits.
"""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from asymptotics.rf.hurwitz import hurwitz_zeta


def reference(s, a, dps: int) -> mpmath.mpf:
    with mpmath.workdps(dps + 20):
        sm, am = mpmath.mpf(s), mpmath.mpf(a)
        n = max(50, int(10 * (sm + 30) - am) + 1)
        x = am + n
        out = mpmath.fsum((am + k) ** -sm for k in range(n))
        out += x ** (1 - sm) / (sm - 1) + x ** -sm / 2
        for j in range(1, 16):
            out += (mpmath.bernoulli(2 * j) / mpmath.factorial(2 * j) * mpmath.rf(sm, 2 * j - 1)
                    * x ** (1 - sm - 2 * j))
        return out


@pytest.mark.parametrize("dps", [15, 30, 60])
def test_the_issues_zeta_30_1001(dps):
    """mpmath.zeta(30, 1001) had relative error 5.9e-10 / 3.6e-10 / 1.2e-10 at 15 / 30 / 60."""
    z = hurwitz_zeta(30, 1001, dps)
    with mpmath.workdps(dps + 20):
        ref = reference(30, 1001, dps)
        assert abs(z.value - ref) <= z.error
        assert z.error <= mpmath.mpf(10) ** (1 - dps) * ref


def test_small_a_agrees_with_mpmath_where_mpmath_is_accurate():
    z = hurwitz_zeta(2.5, 1, 40)
    with mpmath.workdps(60):
        assert abs(z.value - mpmath.zeta(mpmath.mpf(2.5))) <= z.error
        assert abs(hurwitz_zeta(2, 1, 40).value - mpmath.pi ** 2 / 6) <= mpmath.mpf(10) ** -39


def test_huge_a_and_s_near_one():
    """zeta(s, a) ~ a^(1-s)/(s-1) (1 + O(1/a)) for a = 10^300: the leading term to 40 digits."""
    z = hurwitz_zeta("1.0000001", 10 ** 300, 30)  # s parsed at the working digits
    with mpmath.workdps(60):
        s, a = mpmath.mpf("1.0000001"), mpmath.mpf(10) ** 300
        lead = a ** (1 - s) / (s - 1) + a ** -s / 2
        assert abs(z.value - lead) <= z.error


@pytest.mark.parametrize("s,a", [(1.0, 2), (0.5, 2), (2, 0), (2, -1), (float("nan"), 1),
                                 (2, float("inf"))])
def test_outside_the_domain_is_refused(s, a):
    with pytest.raises(ValueError, match=r"`[sa]` must be"):
        hurwitz_zeta(s, a, 20)


@given(s=st.floats(1.01, 60.0), a=st.one_of(st.integers(1, 10 ** 6), st.floats(0.01, 1e4)),
       dps=st.integers(10, 50))
@example(s=30.0, a=1001, dps=15)
@example(s=16.264, a=1414, dps=50)
def test_error_bound_holds(s, a, dps):
    z = hurwitz_zeta(s, a, dps)
    with mpmath.workdps(dps + 20):
        ref = reference(s, a, dps)
        assert abs(z.value - ref) <= z.error
        assert z.error <= mpmath.mpf(10) ** (1 - dps) * ref
