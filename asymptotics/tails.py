"""Asymptotic expansions of spectral tails, ``sum_{n>N} g(n)`` as ``N -> oo``.

sympy cannot expand the Hurwitz zeta ``zeta(s, N+1) = sum_{n>N} n^-s`` at large ``N`` (its
``series`` raises ``PoleError``), yet these tails are the spectral sums behind every
resolution-limited law (Bahri et al. Eq. (5)). The Euler–Maclaurin formula gives them to any
order (docs/theory/tails.md (TL.1)-(TL.3)):

    sum_{n>N} g(n) = int_N^oo g - g(N)/2 - sum_{j=1}^{K} B_{2j}/(2j)! g^{(2j-1)}(N) + R_K,

with ``R_K`` of the order of the first omitted term, ``g^{(2K+1)}(N)``. For ``g = n^-s``
this is ``N^(1-s)/(s-1) - N^-s/2 + sum_j B_{2j}/(2j)! (s)_{2j-1} N^(1-s-2j)`` with remainder
``O(N^-(s+2K+1))`` (TL.2). The series is asymptotic, not convergent: at fixed ``N`` the
error first falls with ``K`` and then grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp
import sympy as sp

from asymptotics._lib.validation import check_int, check_real
from asymptotics.derivation import Derivation
from asymptotics.symbols import N as N_sym
from asymptotics.symbols import exact

__all__ = ["TailExpansion", "euler_maclaurin_tail", "hurwitz_tail", "tail_law"]


@dataclass(frozen=True)
class TailExpansion:
    """``sum_{n>N} g(n) = expansion + O(N^-remainder_order)`` as ``N -> oo``.

    Attributes
    ----------
    summand : sympy.Expr
        ``g`` as a function of ``variable``.
    variable, N : sympy.Symbol
        The summation index and the cut-off symbol of ``expansion``.
    order : int
        Number ``K`` of Bernoulli correction terms kept.
    expansion : sympy.Expr
        The Euler–Maclaurin expansion in ``N`` (TL.1).
    remainder_order : sympy.Expr
        ``q`` with remainder ``O(N^-q)`` (``oo`` if the omitted term decays faster than any power).
    next_term : sympy.Expr
        The first omitted term, which sets the remainder.
    """

    summand: sp.Expr
    variable: sp.Symbol
    N: sp.Symbol
    order: int
    expansion: sp.Expr
    remainder_order: sp.Expr
    next_term: sp.Expr

    @property
    def remainder(self) -> sp.Order:
        """The remainder as a sympy ``O`` term at ``N -> oo``."""
        return sp.O(self.N ** (-self.remainder_order), (self.N, sp.oo))

    def evaluate(self, N: int, dps: int = 50) -> mp.mpf:
        """The expansion at the integer ``N``, evaluated with mpmath at ``dps`` digits."""
        N = check_int("N", N, minimum=1)
        dps = check_int("dps", dps, minimum=5, maximum=10_000)
        with mp.workdps(dps + 10):
            value = sp.N(self.expansion.subs(self.N, N), dps + 10)
            out = mp.mpf(str(value))
        with mp.workdps(dps):
            return +out


def _tail_iv(order: object, N: object) -> tuple[int, sp.Symbol]:
    order = check_int("order", order, minimum=0, maximum=60)
    if not isinstance(N, sp.Symbol):
        raise TypeError(f"`N` must be a sympy Symbol (the cut-off variable); got {N!r} "
                        f"({type(N).__name__})")
    return order, N


def euler_maclaurin_tail(g: sp.Expr, variable: sp.Symbol, N: sp.Symbol = N_sym,
                         order: int = 2) -> TailExpansion:
    """Expand ``sum_{n > N} g(n)`` at large ``N`` by Euler–Maclaurin with ``order`` Bernoulli terms.

    ``g`` must be smooth for ``x >= N`` with ``g`` and all derivatives tending to 0 and an
    integrable tail; sympy must be able to integrate it (TL.1).
    """
    order, N = _tail_iv(order, N)
    if not isinstance(g, sp.Basic) or not isinstance(variable, sp.Symbol):
        raise TypeError(f"`g` must be a sympy expression in the Symbol `variable`; got {g!r}, "
                        f"{variable!r}")
    x = sp.Dummy("x", positive=True)
    gx = sp.sympify(g).subs(variable, x)
    integral = sp.integrate(gx, (x, N, sp.oo), conds="none")  # (TL.1)
    if integral.has(sp.Integral) or integral.has(sp.oo, sp.zoo, sp.nan):
        raise ValueError(f"`g` must have a finite tail integral sympy can evaluate in closed form; "
                         f"got g = {g} with int_N^oo g = {integral}")
    terms = integral - gx.subs(x, N) / 2  # (TL.1): the n = N term removed from the trapezoid
    for j in range(1, order + 1):
        terms -= sp.bernoulli(2 * j) / sp.factorial(2 * j) * sp.diff(gx, x, 2 * j - 1).subs(x, N)
    nxt = -sp.bernoulli(2 * order + 2) / sp.factorial(2 * order + 2) * sp.diff(
        gx, x, 2 * order + 1).subs(x, N)
    rem = sp.simplify(-sp.limit(N * sp.diff(sp.log(sp.Abs(nxt)), N), N, sp.oo))
    return TailExpansion(sp.sympify(g), variable, N, order, sp.expand(terms), rem,
                         sp.simplify(nxt))


def hurwitz_tail(s: object, N: sp.Symbol = N_sym, order: int = 2) -> TailExpansion:
    """Asymptotic expansion of ``zeta(s, N+1) = sum_{n>N} n^-s`` to ``order`` Bernoulli terms (TL.2).

    Parameters
    ----------
    s : float or sympy.Expr
        Exponent, ``s > 1`` (a positive sympy symbol is accepted and kept symbolic).
    N : sympy.Symbol
        The cut-off symbol of the returned expansion.
    order : int
        Number ``K >= 0`` of Bernoulli corrections; the remainder is ``O(N^-(s + 2K + 1))``.

    Examples
    --------
    >>> hurwitz_tail(2, order=1).expansion
    1/N - 1/(2*N**2) + 1/(6*N**3)
    """
    if isinstance(s, sp.Basic) and not s.is_number:
        ss = s
    else:
        ss = exact(check_real("s", s, gt=1))
    var = sp.Symbol("n", positive=True)
    out = euler_maclaurin_tail(var ** (-ss), var, N, order)
    if not ss.is_number:  # the general limit cannot see s + 2K + 1 through Abs of a symbol
        out = TailExpansion(out.summand, var, out.N, out.order, out.expansion,
                            ss + 2 * out.order + 1, out.next_term)
    return out


def tail_law(s: object) -> Derivation:
    """Leading order ``sum_{n>N} n^-s ~ N^-(s-1) / (s-1)``: exponent ``s-1``, prefactor ``1/(s-1)``.

    This is Bahri et al. Eq. (5) with ``s = 1 + alpha_K``, whose printed prefactor
    ``alpha_K`` should read ``1/alpha_K``: docs/theory/tails.md (TL.3).
    """
    ss = exact(check_real("s", s, gt=1))
    exp1 = hurwitz_tail(ss, order=1)
    lead = sp.limit(exp1.expansion * N_sym ** (ss - 1), N_sym, sp.oo)  # (TL.3)
    return Derivation("tail", ss - 1, lead, "tail",
                      (f"s = {ss} > 1 (summable)",
                       "Bahri et al. Eq. (5) prints the prefactor as alpha_K; it is 1/alpha_K"),
                      "Bahri et al. Eq. (5), corrected; docs/theory/tails.md (TL.3)",
                      (("Euler–Maclaurin expansion with one Bernoulli term", exp1.expansion),
                       ("remainder order", exp1.remainder_order)))
