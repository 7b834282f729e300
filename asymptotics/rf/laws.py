"""Scaling laws of the linear random-feature model (Bahri et al. Eq. (3); docs/theory/regimes.md).

Spectrum ``lambda_i = i^-b`` (``b = 1 + alpha_K > 1``), target power ``p_i = i^-a``
(``a > 1``; Bahri's isotropic teacher has ``a = b``), ridgeless and noiseless. With
``s = 1/b`` and ``t = (a-1)/b`` the sums over modes become Beta integrals
(docs/theory/regimes.md (RG.8)-(RG.12)):

* ``df_1(kappa) ~ I_b kappa^-s`` with ``I_b = int_0^oo dx/(1+x^b) = (1/b) int u^(s-1)/(1+u)``,
  so the ridgeless ``kappa_n = (I_b/n)^b`` (RG.8);
* data-limited: ``E(n) = E_0 B(kappa_n)``, ``B ~ (1/b) Gamma(t) Gamma(2-t) kappa^t`` for
  ``t < 2`` and ``E_0 -> b``: ``alpha_D = min(a-1, 2b)`` (RG.9);
* feature-limited: ``L(N) = R(kappa_N)``, ``R ~ (1/b) pi/sin(pi t) kappa^t`` for ``t < 1``:
  ``alpha_P = min(a-1, b)`` (RG.10);
* the matched teacher: ``E(n) = n kappa_n ~ C_b n^-(b-1)``, ``C_b = I_b^b`` (RG.11);
* the variance-limited corrections of the exact Gaussian model, exponent 1 (RG.12).

All losses are the excess test error ``E_x[(f-F)^2]`` of :mod:`asymptotics.model` (Bahri's
``L`` is half of it). The D-P duality ``alpha_D = alpha_P`` holds exactly when ``a-1 <= b``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import sympy as sp

from asymptotics._lib.budget import check_budget
from asymptotics._lib.validation import check_real
from asymptotics.derivation import Derivation
from asymptotics.rf.integrals import beta_value as _beta_integral
from asymptotics.rf.integrals import mode_integral as _mode_integral
from asymptotics.rf.integrals import simplify_exact as _simplify
from asymptotics.symbols import D, N, P, exact, kappa, n

__all__ = ["MAX_DENOMINATOR", "MAX_EXACT_DIGITS", "RFExponents", "data_limited_prefactor",
           "feature_limited_prefactor", "matched_prefactor", "mode_integral", "rf_exponents"]

_SOURCE = "Bahri et al. Eq. (3); docs/theory/regimes.md (RG.8)-(RG.11)"


#: Largest denominator of an exponent ``a`` or ``b`` that the exact derivation accepts.
MAX_DENOMINATOR = 10_000


def _exponent_iv(name: str, value: object, rule: str) -> sp.Expr:
    if isinstance(value, sp.Basic) and not value.is_number:
        return value
    check_real(name, value)
    if not float(value) > 1:
        raise ValueError(f"`{name}` must be > 1 ({rule}); got {value!r} ({type(value).__name__})")
    value_exact = exact(value)
    if isinstance(value_exact, sp.Rational) and value_exact.q > MAX_DENOMINATOR:
        # sympy's automatic evaluation of powers like (p/q)**(r/s) with such denominators
        # ran for minutes (found by the fuzz suite): refuse instead of hanging
        raise ValueError(f"`{name}` must be a rational with denominator <= {MAX_DENOMINATOR} "
                         f"for an exact derivation (round it, e.g. {float(value):.4g}); got "
                         f"{value!r}, read as {value_exact}")
    return value_exact


def _b_iv(b: object) -> sp.Expr:
    return _exponent_iv("b", b, "a spectrum lambda_i ~ i^-b is summable only for b > 1")


def _a_iv(a: object) -> sp.Expr:
    return _exponent_iv("a", a, "a target power p_i ~ i^-a is summable only for a > 1")


def mode_integral(b: object) -> sp.Expr:
    """``I_b = int_0^oo dx / (1 + x^b) = (pi/b) / sin(pi/b)`` (RG.8), via ``u = x^b``
    (:func:`asymptotics.rf.integrals.mode_integral`)."""
    return _mode_integral(_b_iv(b))


def matched_prefactor(b: object) -> sp.Expr:
    """``C_b = I_b^b`` of the matched-teacher law ``E(n) = n kappa_n ~ C_b n^-(b-1)`` (RG.11)."""
    bb = _b_iv(b)
    return _simplify(mode_integral(bb) ** bb)  # (RG.11)


def data_limited_prefactor(a: object, b: object) -> sp.Expr:
    """``Gamma(t) Gamma(2-t) I_b^(a-1)``, the constant of ``E(n) ~ C n^-(a-1)`` for ``1 < a < 2b+1``.

    From ``E = b B(kappa_n)`` with ``B ~ (1/b) int u^(1-t)/(1+u)^2 du kappa^t`` (RG.9).
    """
    aa, bb = _a_iv(a), _b_iv(b)
    t = (aa - 1) / bb
    if t.is_number and not t < 2:
        raise ValueError(f"`a` must be < 2b + 1 for the data-limited law n^-(a-1); got a={a}, b={b}"
                         " (for a >= 2b + 1 the law is n^-2b)")
    bias = _beta_integral(2, 2 - t) / bb  # (RG.9) B(kappa) / kappa^t
    return _simplify(bb * bias * mode_integral(bb) ** (aa - 1))


def feature_limited_prefactor(a: object, b: object) -> sp.Expr:
    """``(1/b) pi/sin(pi t) I_b^(a-1)``, the constant of ``L(N) ~ C N^-(a-1)`` for ``1 < a < b+1`` (RG.10)."""
    aa, bb = _a_iv(a), _b_iv(b)
    t = (aa - 1) / bb
    if t.is_number and not t < 1:
        raise ValueError(f"`a` must be < b + 1 for the feature-limited law N^-(a-1); got a={a}, "
                         f"b={b} (for a >= b + 1 the law is N^-b)")
    resid = _beta_integral(1, 1 - t) / bb  # (RG.10) R(kappa) / kappa^t
    return _simplify(resid * mode_integral(bb) ** (aa - 1))


@dataclass(frozen=True)
class RFExponents:
    """Exponents of the random-feature model for ``lambda_i ~ i^-b``, ``p_i ~ i^-a``.

    ``alpha_D`` (data-limited, ``P = oo``), ``alpha_P`` (feature-limited, ``D = oo``),
    ``variance_D`` and ``variance_P`` (variance-limited, exponent 1), and
    ``duality_holds`` (``alpha_D == alpha_P``, iff ``a - 1 <= b``).
    """

    b: sp.Expr
    a: sp.Expr
    alpha_D: Derivation
    alpha_P: Derivation
    variance_D: Derivation
    variance_P: Derivation
    duality_holds: bool


def _kappa_steps(bb: sp.Expr, size: sp.Symbol) -> tuple[tuple[str, sp.Expr], ...]:
    ib = mode_integral(bb)
    return (("I_b = int_0^oo dx/(1+x^b)", ib),
            ("df_1(kappa) ~ I_b kappa^(-1/b)", ib * kappa ** (-1 / bb)),
            (f"ridgeless kappa solving df_1(kappa) = {'D' if size == n else 'P'}",
             (ib / size) ** bb))


def _law(quantity: str, regime: str, law: sp.Expr, size: sp.Symbol, steps: tuple,
         conditions: tuple[str, ...], prefactor: sp.Expr | None) -> Derivation:
    exponent = _simplify(-sp.limit(size * sp.diff(sp.log(law), size), size, sp.oo))
    return Derivation(quantity, exponent, prefactor, regime, conditions, _SOURCE,
                      (*steps, (f"loss as a function of {size}", law)))


def _alpha_D(aa: sp.Expr, bb: sp.Expr) -> Derivation:
    t = (aa - 1) / bb
    kap = (mode_integral(bb) / n) ** bb  # (RG.8)
    if t < 2:
        pref = data_limited_prefactor(aa, bb)
        law = bb * (pref / bb / mode_integral(bb) ** (aa - 1)) * kap**t  # (RG.9)
        cond = "1 < a < 2b + 1: the bias integral converges at both ends"
    else:
        pref = None if t == 2 else bb * sp.zeta(aa - 2 * bb) * mode_integral(bb) ** (2 * bb)
        law = bb * kap**2  # (RG.9), t >= 2: B ~ kappa^2 sum p_i / lambda_i^2
        cond = ("a = 2b + 1: logarithmic corrections" if t == 2
                else "a > 2b + 1: B ~ kappa^2 sum_i p_i lambda_i^-2 (saturation at 2b)")
    steps = (*_kappa_steps(bb, n), ("t = (a-1)/b", t), ("E_0 = 1/(1 - df_2/df_1) -> b", bb))
    return _law("alpha_D", "resolution-limited (data)", law.subs(n, D), D,
                tuple((txt, e.subs(n, D)) for txt, e in steps),
                (f"b = {bb}, a = {aa}; ridgeless, noiseless, P = oo (kernel limit)", cond,
                 "loss = excess test error E_x[(f-F)^2] (Bahri's L is half)"), pref)


def _alpha_P(aa: sp.Expr, bb: sp.Expr) -> Derivation:
    t = (aa - 1) / bb
    kap = (mode_integral(bb) / N) ** bb  # (RG.8) with N features
    if t < 1:
        pref = feature_limited_prefactor(aa, bb)
        law = pref * N ** (1 - aa)  # (RG.10)
        cond = "1 < a < b + 1: the residual integral converges at both ends"
    else:
        pref = None if t == 1 else sp.zeta(aa - bb) * mode_integral(bb) ** bb
        law = kap  # (RG.10), t >= 1: R ~ kappa sum p_i / lambda_i
        cond = ("a = b + 1: logarithmic corrections" if t == 1
                else "a > b + 1: R ~ kappa sum_i p_i / lambda_i (saturation at b)")
    steps = (*_kappa_steps(bb, N), ("t = (a-1)/b", t))
    return _law("alpha_P", "resolution-limited (parameters)", law.subs(N, P), P,
                tuple((txt, e.subs(N, P)) for txt, e in steps),
                (f"b = {bb}, a = {aa}; ridgeless, noiseless, D = oo (Gaussian projection)", cond,
                 "loss = excess test error E_x[(f-F)^2] (Bahri's L is half)"), pref)


def _variance(axis: str) -> Derivation:
    limit_loss = sp.Symbol("L_inf", positive=True)
    if axis == "data":  # (RG.12): P < D, exact Gaussian, L(D,P) = L(P) (D-1)/(D-P-1)
        excess = limit_loss * (D - 1) / (D - P - 1) - limit_loss
        size, quantity, regime, cond = D, "alpha_D", "variance-limited (data)", "D > P + 1, P fixed"
    else:  # (RG.12): P > D, deterministic equivalent L(D,P) = L(D) P/(P-D)
        excess = limit_loss * P / (P - D) - limit_loss
        size, quantity, regime, cond = P, "alpha_P", "variance-limited (width)", "P > D, D fixed"
    excess = _simplify(excess)
    exponent = _simplify(-sp.limit(size * sp.diff(sp.log(excess), size), size, sp.oo))
    other = P if size == D else D
    pref = sp.limit(excess * size, size, sp.oo)
    return Derivation(quantity, exponent, pref, regime,
                      (cond, "L_inf is the loss at the fixed size (L(P) or L(D))",
                       "linear model: variance O(1/x) in x = D or P"),
                      "Bahri et al. variance-limited expansions (exact Gaussian version); "
                      "docs/theory/regimes.md (RG.12)",
                      (("excess over the limit", excess), (f"prefactor {other} L_inf", pref)))


#: Largest exact integer (in decimal digits) the derivation may build: Python refuses to
#: print integers past 4300 digits, and sympy's exact powers and Bernoulli numbers grow
#: past it in seconds to hours (``b = 1e6`` ran for minutes).
MAX_EXACT_DIGITS = 3000


def _digits(r: sp.Expr) -> float:
    """Decimal digits of the larger of the numerator and denominator of a rational."""
    return math.log10(max(abs(int(r.p)), int(r.q), 2))


def _exact_size_iv(aa: sp.Expr, bb: sp.Expr) -> None:
    """Refuse exponents whose exact derivation builds integers past MAX_EXACT_DIGITS.

    The steps hold ``kappa_n = (I_b/n)^b`` and ``I_b^(a-1)`` (RG.8)-(RG.9), whose rational
    parts are powers of ``b``'s numerator and denominator: about ``max(b, min(a-1, 2b))
    log10(max(p, q))`` digits for ``b = p/q``; and, past saturation, ``zeta(a - 2b)`` and
    ``zeta(a - b)`` (RG.9)-(RG.10), which sympy evaluates at an even integer ``k`` as a
    Bernoulli number of about ``k log10 k`` digits.
    """
    if not (isinstance(aa, sp.Rational) and isinstance(bb, sp.Rational)):
        return  # irrational exponents stay symbolic: no exact powers are expanded
    t = (aa - 1) / bb
    power = float(max(bb, min(aa - 1, 2 * bb))) * _digits(bb)
    estimates = [("b", bb, power, "powers of b in kappa_n = (I_b/n)^b and I_b^(a-1), "
                                  "docs/theory/regimes.md (RG.8)-(RG.9)")]
    for k, tag in ((aa - 2 * bb, "(RG.9)"), (aa - bb, "(RG.10)")):
        if t > (2 if tag == "(RG.9)" else 1) and k.is_integer and k % 2 == 0:
            estimates.append(("a", aa, float(k) * math.log10(float(k)),
                              f"the Bernoulli number in zeta({k}) of {tag}"))
    name, value, digits, where = max(estimates, key=lambda e: e[2])
    check_budget(name, _short(value), estimate=digits, bound=MAX_EXACT_DIGITS, unit=" digits",
                 what=f"exact arithmetic ({where})",
                 hint=f"the exponents alone are alpha_D = min(a-1, 2b) = {_short(min(aa - 1, 2 * bb))} "
                      f"and alpha_P = min(a-1, b) = {_short(min(aa - 1, bb))} (RG.9)-(RG.10)")


def _short(x: sp.Expr) -> object:
    return x if len(str(x)) <= 24 else f"{float(x):.6g}"


def rf_exponents(b: object, a: object | None = None) -> RFExponents:
    """Derive ``alpha_D = min(a-1, 2b)`` and ``alpha_P = min(a-1, b)`` (ridgeless, noiseless).

    Parameters
    ----------
    b : float
        Spectral exponent, ``lambda_i ~ i^-b``, ``b > 1`` (Bahri: ``b = 1 + alpha_K``).
    a : float, optional
        Target exponent, ``p_i ~ i^-a``, ``a > 1``; default ``a = b`` (Bahri's isotropic
        teacher), for which ``alpha_D = alpha_P = alpha_K``.
    """
    bb = _b_iv(b)
    aa = bb if a is None else _a_iv(a)
    _exact_size_iv(aa, bb)
    return _rf_exponents(aa, bb)


@functools.lru_cache(maxsize=256)
def _rf_exponents(aa: sp.Expr, bb: sp.Expr) -> RFExponents:
    dual = bool(aa - 1 <= bb)
    return RFExponents(bb, aa, _alpha_D(aa, bb), _alpha_P(aa, bb), _variance("data"),
                       _variance("width"), dual)
