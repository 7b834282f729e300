"""Resolution-limited regime: Theorems 2-3 of Bahri et al. and "from bounds to estimates".

A model that fits the training data on a ``d``-dimensional manifold makes an error at a
test point that is controlled by the distance ``r`` to the nearest training point, and
``E[r^k] ~ D^(-k/d)`` (docs/theory/regimes.md (RG.5)-(RG.6)). If the interpolant is
accurate to order ``m`` in ``r`` (``|f - F| ~ r^m``) and the loss is of order ``n_L`` at its
minimum (``l(y + e, y) ~ |e|^n_L``), then ``L ~ E[r^(n_L m)] ~ D^(-c/d)`` with
``c = n_L m`` (RG.7). Both orders are derived here, not looked up:

* ``n_L`` from the limit ``lim_{e->0} e l'(y+e) / l(y+e)`` of the loss's sympy expression;
* ``m`` from the Taylor coefficients of ``F(x0 + theta h) - f(x0 + theta h)`` in the spacing
  ``h`` for a generic smooth target ``F`` (sympy undefined function) and the interpolant.

Theorem 3 (parameters) is the same argument with ``P`` interpolation points in place of ``D``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import mpmath as mp
import sympy as sp

from asymptotics._lib.validation import check_choice, check_int, check_real
from asymptotics.derivation import Derivation
from asymptotics.symbols import D, P, f, r, y
from asymptotics.symbols import d as d_sym
from asymptotics.symbols import k as k_sym
from asymptotics.variance import loss_expression

__all__ = ["GAMMA_EVALUATION_BOUND", "MODELS", "NNDistanceMoment", "interpolant_order", "loss_order", "nn_distance_law",
           "nn_distance_moment", "resolution_exponent", "unit_ball_volume"]

MODELS: tuple[str, ...] = ("lipschitz", "piecewise_constant", "piecewise_linear")


#: above this dimension :func:`unit_ball_volume` keeps ``Gamma(d/2 + 1)`` unevaluated
GAMMA_EVALUATION_BOUND = 1000


def unit_ball_volume(d: int | sp.Expr) -> sp.Expr:
    """Volume of the unit ball in ``R^d``, ``V_d = pi^(d/2) / Gamma(d/2 + 1)``, as an exact sympy expression.

    docs/theory/kernel_spectra.md (KS.2) (also used in docs/theory/regimes.md (RG.5)). ``d`` is a
    non-negative integer (``V_0 = 1``, ``V_1 = 2``, ``V_2 = pi``, ``V_3 = 4 pi/3``) or a sympy
    expression (kept symbolic). This is the one definition in the project: the laboratory
    (:mod:`verify`) takes ``float(unit_ball_volume(d))`` from here.

    For an integer ``d`` above :data:`GAMMA_EVALUATION_BOUND` the ``Gamma`` is left
    unevaluated (still exact, and ``float``/``evalf`` give its value): evaluating it writes
    ``(d/2)!``, an integer of about ``d/2 log10(d/2)`` digits, and sympy's rational powers of
    it in (RG.5) took 1.7 s at ``d = 10^4`` and 51 s at ``d = 3 * 10^4``.

    Examples
    --------
    >>> unit_ball_volume(3)
    4*pi/3
    """
    dim = d if isinstance(d, sp.Basic) else sp.Integer(check_int("d", d, minimum=0))
    lazy = dim.is_Integer and dim > GAMMA_EVALUATION_BOUND
    return sp.pi ** (dim / 2) / sp.gamma(dim / 2 + 1, evaluate=not lazy)  # (KS.2)


def nn_distance_law(d: int | sp.Expr = d_sym, k: object = 1) -> Derivation:
    """Derive ``E|x - x_NN|^k ~ Gamma(1+k/d) (D V_d)^(-k/d)``: exponent ``k/d`` in ``D``.

    Exact law (RG.5) for ``D`` uniform points on a unit-volume torus while ``V_d r^d < 1``;
    the exponent comes from ``-lim_{D->oo} D d/dD log E[r^k]`` (RG.6).
    """
    dim = d if isinstance(d, sp.Basic) else sp.Integer(check_int("d", d, minimum=1))
    kk = k if isinstance(k, sp.Basic) else sp.nsimplify(check_real("k", k, gt=0))
    vol = unit_ball_volume(dim)
    survival = (1 - vol * r**dim) ** D  # docs/theory/regimes.md (RG.5)
    exact_law = vol ** (-kk / dim) * sp.gamma(1 + kk / dim) * sp.gamma(D + 1) / sp.gamma(
        D + 1 + kk / dim)  # (RG.5)
    exponent = _generic_nn_exponent().subs({k_sym: kk, d_sym: dim})  # (RG.6)
    prefactor = sp.gamma(1 + kk / dim) * vol ** (-kk / dim)
    steps = (("survival function Pr(r_NN > r)", survival),
             ("moment E[r_NN^k] = int k r^(k-1) Pr(r_NN > r) dr", exact_law),
             ("asymptote", prefactor * D ** (-exponent)))
    return Derivation("nn_distance", exponent, prefactor, "resolution-limited (data)",
                      ("D i.i.d. uniform points on a unit-volume d-torus (bulk of a region: "
                       "relative boundary corrections O(D^(-1/d)))",),
                      "Levina & Bickel 2005, as cited by Bahri et al. for Theorem 2; "
                      "docs/theory/regimes.md (RG.5)-(RG.6)",
                      steps)


@functools.lru_cache(maxsize=1)
def _generic_nn_exponent() -> sp.Expr:
    """``-lim_{D->oo} D d/dD log E[r^k]`` for symbolic ``k`` and ``d`` (RG.6), derived once."""
    log_law = sp.loggamma(D + 1) - sp.loggamma(D + 1 + k_sym / d_sym)
    return sp.simplify(-sp.limit(D * sp.diff(log_law, D), D, sp.oo))


@dataclass(frozen=True)
class NNDistanceMoment:
    """``E|x - x_NN|^k`` for ``D`` points in ``d`` dimensions, exact and asymptotic (RG.5).

    Attributes: ``exact`` (the Gamma-ratio law), ``asymptote`` (``Gamma(1+k/d)(D V_d)^(-k/d)``),
    ``ratio = exact / asymptote``, ``digits`` (agreement of two evaluations at ``dps + 10``
    and ``dps + 20`` digits, capped at ``dps``), ``dps`` (requested precision).
    """

    D: int
    d: int
    k: float
    exact: mp.mpf
    asymptote: mp.mpf
    ratio: mp.mpf
    digits: int
    dps: int


def _nn_moment_mp(D: int, d: int, k: float) -> tuple[mp.mpf, mp.mpf]:
    kd = mp.mpf(k) / d
    vol = _unit_ball_volume_mp()(mp.mpf(d))  # unit_ball_volume, evaluated by mpmath
    log_exact = -kd * mp.log(vol) + mp.loggamma(1 + kd) + mp.loggamma(D + 1) \
        - mp.loggamma(D + 1 + kd)  # docs/theory/regimes.md (RG.5)
    asym = mp.gamma(1 + kd) * (D * vol) ** (-kd)  # (RG.5), D -> oo
    return mp.exp(log_exact), asym


@functools.lru_cache(maxsize=1)
def _unit_ball_volume_mp() -> Callable[[mp.mpf], mp.mpf]:
    """:func:`unit_ball_volume` as an mpmath function (same expression, working precision)."""
    return sp.lambdify(d_sym, unit_ball_volume(d_sym), "mpmath")


def nn_distance_moment(D: int, d: int, k: float = 1, dps: int = 30) -> NNDistanceMoment:
    """Evaluate the nearest-neighbour distance moment (RG.5) at ``dps`` digits.

    Examples
    --------
    >>> m = nn_distance_moment(100, 2, k=2)
    >>> float(m.exact)  # doctest: +ELLIPSIS
    0.0031...
    """
    D = check_int("D", D, minimum=1)
    d = check_int("d", d, minimum=1)
    k = check_real("k", k, gt=0)
    dps = check_int("dps", dps, minimum=5, maximum=10_000)
    values = []
    for extra in (10, 20):
        with mp.workdps(dps + extra):
            values.append(_nn_moment_mp(D, d, k))
    with mp.workdps(dps + 20):
        (lo, _), (hi, hi_asym) = values
        err = abs(lo - hi) / abs(hi)
        digits = dps if err == 0 else min(dps, int(-mp.log10(err)))
        exact, asym, ratio = hi, hi_asym, hi / hi_asym
    with mp.workdps(dps):
        return NNDistanceMoment(D, d, k, +exact, +asym, +ratio, digits, dps)


def loss_order(loss: str | sp.Expr = "squared") -> tuple[sp.Expr, sp.Expr]:
    """Order ``n_L`` of a loss at its minimum, ``l(y + e, y) ~ |e|^n_L`` (RG.7a).

    Returns ``(n_L, l(y + e, y))``. ``n_L = lim_{e -> 0} e l'(y+e)/l(y+e)``, taken from both
    sides (the smaller order wins). The loss must vanish at ``f = y``.
    """
    return _loss_order(*loss_expression(loss))


@functools.lru_cache(maxsize=256)
def _loss_order(name: str, expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    e = sp.Symbol("e", positive=True)
    if sp.simplify(expr.subs(f, y)) != 0:
        raise ValueError(f"`loss` must vanish at its minimum f = y to have an order there; "
                         f"got l(y, y) = {expr.subs(f, y)} for {name}")
    orders = []
    for side in (1, -1):
        g = expr.subs(f, y + side * e)
        if isinstance(g, sp.Piecewise):  # the branch in force in a neighbourhood of e = 0
            g = next(ex for ex, cond in g.args if cond.subs(e, 0) == sp.true)
        orders.append(sp.simplify(sp.limit(e * sp.diff(g, e) / g, e, 0, "+")))  # (RG.7a)
    return sp.Min(*orders), expr.subs(f, y + e)


def interpolant_order(model: str = "piecewise_linear") -> tuple[sp.Expr, sp.Expr]:
    """Order of accuracy ``m`` of an interpolant, ``|f - F| ~ h^m`` at spacing ``h`` (RG.7b).

    Returns ``(m, error)``. The error ``F(x0 + theta h) - f(x0 + theta h)`` is built for a
    generic smooth target ``F`` (an undefined sympy function) and ``m`` is the index of its
    first Taylor coefficient in ``h`` that is not identically zero.
    """
    return _interpolant_order(check_choice("model", model, MODELS))


@functools.lru_cache(maxsize=8)
def _interpolant_order(model: str) -> tuple[sp.Expr, sp.Expr]:
    F, g = sp.Function("F"), sp.Function("g")
    x0, h, th = sp.symbols("x0 h theta", real=True)
    point = x0 + th * h
    if model == "piecewise_constant":
        fit = F(x0)  # the value at the nearest training point
    elif model == "piecewise_linear":
        fit = F(x0) + (F(x0 + h) - F(x0)) * th  # chord through x0 and x0 + h
    else:  # Lipschitz: any g with g(x0) = F(x0) (Theorems 2-3)
        fit = g(point) - g(x0) + F(x0)
    error = F(point) - fit
    for order in range(6):
        coeff = sp.simplify(sp.diff(error, h, order).subs(h, 0).doit())
        if coeff != 0:
            return sp.Integer(order), error
    raise ArithmeticError(f"interpolation error of {model} vanishes to order 5")  # pragma: no cover


def resolution_exponent(d: int, loss: str | sp.Expr = "squared", model: str = "piecewise_linear",
                        axis: str = "data") -> Derivation:
    """Derive the resolution-limited exponent ``c/d`` (Theorems 2-3, "bounds to estimates").

    Parameters
    ----------
    d : int
        Intrinsic dimension of the data manifold (positive integer).
    loss : str or sympy.Expr
        Loss name (see :data:`asymptotics.variance.LOSSES`) or expression in ``f``, ``y``.
    model : {"lipschitz", "piecewise_constant", "piecewise_linear"}
        The interpolant.
    axis : {"data", "parameters"}
        ``L ~ D^(-c/d)`` (Theorem 2) or ``L ~ P^(-c/d)`` (Theorem 3).

    Returns
    -------
    Derivation
        ``alpha_D`` or ``alpha_P`` ``= n_L m / d``, docs/theory/regimes.md (RG.7).
    """
    d = check_int("d", d, minimum=1)
    name, _ = loss_expression(loss)
    model = check_choice("model", model, MODELS)
    axis = check_choice("axis", axis, ("data", "parameters"))
    n_loss, near_min = loss_order(loss)
    m_model, error = interpolant_order(model)
    c = n_loss * m_model  # docs/theory/regimes.md (RG.7)
    law = nn_distance_law(d, c)
    size = D if axis == "data" else P
    exponent = law.exponent
    theorem = "Theorem 2" if axis == "data" else "Theorem 3"
    kind = "a bound" if c == 1 else "an estimate ('from bounds to estimates')"
    steps = (("loss near its minimum, l(y + e, y)", near_min), ("order of the loss, n_L", n_loss),
             (f"interpolation error of the {model} model", error), ("order of accuracy, m", m_model),
             ("c = n_L m", c), ("L ~ E[r_NN^c]", law.prefactor * size ** (-exponent)))
    conditions = (f"loss: {name} (order {n_loss} at its minimum)",
                  f"model: {model} (accuracy order {m_model} in the spacing)",
                  f"data uniform on a compact {d}-dimensional manifold, smooth target",
                  f"{'D' if axis == 'data' else 'P'} large enough that the interpolant "
                  "resolves the manifold; the other size effectively infinite",
                  f"{kind}: c = {c}")
    return Derivation("alpha_D" if axis == "data" else "alpha_P", exponent, None,
                      f"resolution-limited ({axis})", conditions,
                      f"Bahri et al. {theorem} and 'from bounds to estimates'; "
                      "docs/theory/regimes.md (RG.7)", steps)
