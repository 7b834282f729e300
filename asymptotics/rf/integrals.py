"""The one Beta integral of the random-feature asymptotics, derived by sympy.

As ``kappa -> 0`` every spectral sum of the deterministic equivalent becomes, after the
substitution ``y = (kappa/c) x^b``, the Beta integral

.. math::

    I_m(\\alpha) = \\int_0^\\infty \\frac{y^{\\alpha-1}}{(1+y)^m}\\,dy,
    \\qquad 0 < \\alpha < m   \\qquad \\text{docs/theory/learning_curves.md (LC.12)}

and the mode integral of the exponents (docs/theory/regimes.md (RG.8)) is one of them:
``I_b = int_0^oo dx/(1+x^b) = (1/b) I_1(1/b)`` with ``u = x^b``. sympy evaluates the
generic integral once (it is not read from a table); :mod:`asymptotics.rf.laws` and
:mod:`asymptotics.rf.asymptotes` both take their values from here.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from asymptotics.symbols import alpha, u

__all__ = ["beta_integral", "beta_value", "mode_integral", "simplify_exact"]

#: Largest denominator of a rational inside a number that :func:`simplify_exact` simplifies.
_SIMPLIFY_MAX_DENOMINATOR = 10**4


def simplify_exact(expr: sp.Expr) -> sp.Expr:
    """``sympy.simplify`` unless ``expr`` is a number holding a rational with a large
    denominator: simplifying ``pi/sin(pi p/q)`` or ``Gamma(p/q)`` for 12-digit ``q`` ran for
    minutes (found by the fuzz suite); such an exact value is returned as it stands."""
    if not expr.free_symbols and any(r.q > _SIMPLIFY_MAX_DENOMINATOR
                                     for r in expr.atoms(sp.Rational)):
        return expr
    return sp.simplify(expr)


@lru_cache(maxsize=4)
def beta_integral(m: int) -> sp.Expr:
    """``I_m(alpha)`` of docs/theory/learning_curves.md (LC.12) as sympy integrates it, a
    function of the symbol ``alpha`` of :mod:`asymptotics.symbols` (``0 < alpha < m``)."""
    expr = sp.integrate(u ** (alpha - 1) / (1 + u) ** m, (u, 0, sp.oo), conds="none")  # (LC.12)
    return sp.simplify(expr)


@lru_cache(maxsize=512)
def beta_value(m: int, power: sp.Expr) -> sp.Expr:
    """``I_m(power)`` (LC.12) for an exact number or a symbolic expression ``0 < power < m``.

    At an integer ``power`` the generic form ``pi (1 - alpha)/sin(pi alpha)`` is a removable
    ``0/0``; there the limit is taken.
    """
    generic = beta_integral(m)
    value = generic.subs(alpha, power)
    if value.has(sp.nan, sp.zoo):  # removable 0/0 of pi/sin at an integer power
        value = sp.limit(generic, alpha, power)
    return simplify_exact(value)


@lru_cache(maxsize=256)
def mode_integral(b: sp.Expr) -> sp.Expr:
    """``I_b = int_0^oo dx/(1+x^b) = (1/b) I_1(1/b) = (pi/b)/sin(pi/b)``, docs/theory/regimes.md
    (RG.8), for an exact ``b > 1`` or a symbol (the caller validates ``b``)."""
    return simplify_exact(beta_value(1, 1 / b) / b)  # (RG.8), u = x^b
