"""The closed-form gradient-descent tail of the mp curve (issue #14, speed).

``_gd_tail_integral`` (the incomplete beta form of the integral in docs/theory/dynamics.md
(DY.5)) against the route it replaced: ``mpmath.quad`` of ``cp k^-a (1 - eta c k^-b)^(2t)``
from the cut to infinity, split at the half-learned mode ``k* = (2 eta c t)^(1/b)``, at 30
digits, and ``mpmath.betainc`` (its hypergeometric route) times the same prefactor where
its series converges (``(2t+1) x < 100``). The
cases cover both branches (the complete beta where the rest is below precision, the
positive series elsewhere) and ``t = 0``. The quadrature is only a reference where the
integrand falls fast (``a >= 2``): at ``a = 1.5`` it was measured off by 4e-17 relative,
where the closed form and ``betainc`` agree to 30 digits.
"""

from __future__ import annotations

import mpmath
import pytest

from asymptotics.dynamics.curves import _gd_tail_integral


@pytest.mark.parametrize(("a", "b", "eta", "t"), [(2.0, 2.0, 1.0, 0), (2.0, 2.0, 1.0, 300),
                                                  (2.0, 2.0, 1.0, 5000), (3.1, 1.4, 0.7, 10**7),
                                                  (1.5, 2.5, 1.5, 40)])
def test_gd_tail_matches_the_quadrature(a, b, eta, t):
    with mpmath.workdps(30):
        cp, am, c, bm, em, tt = (mpmath.mpf(v) for v in (0.8, a, 1.0, b, eta, t))
        M = 40

        def f(k):
            return cp * k ** (-am) * (1 - em * c * k ** (-bm)) ** (2 * tt)

        ks = float((2 * em * c * tt) ** (1 / bm)) if t > 0 else 0.0
        pts = [M, *[x for x in (ks / 30, ks / 3, ks, 3 * ks, 30 * ks) if x > M], mpmath.inf]
        got = _gd_tail_integral(cp, am, c, bm, em, tt, M)
        s = (am - 1) / bm
        x = em * c * M ** (-bm)
        assert a >= 2 or (2 * tt + 1) * x < 100  # each case has a reference
        if (2 * tt + 1) * x < 100:  # betainc's series does not converge for large (2t+1) x
            beta = cp / bm * (em * c) ** (-s) * mpmath.betainc(s, 2 * tt + 1, 0, x)
            assert abs(got - beta) <= mpmath.mpf(10) ** -26 * abs(beta)
        if a >= 2:
            ref = mpmath.quad(f, pts)
            assert abs(got - ref) <= mpmath.mpf(10) ** -26 * abs(ref)
