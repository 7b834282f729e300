"""Exponents of training time and compute, derived with sympy (docs/theory/dynamics.md).

* :func:`time_exponent`: the time-limited law ``L ~ t^-(a-1)/b`` (DY.6), from the Gamma
  integral of the filtered sum (DY.3).
* :func:`bottleneck_exponent`: when ``t``, ``D`` and ``P`` grow together as powers of ``N``,
  the loss falls as ``N`` to the minus the smallest of the three single-resource exponents
  (DY.7).
* :func:`compute_optimal`: the split of the compute ``C = P t`` between features and steps,
  ``P* ~ C^x``, ``t* ~ C^(1-x)``, ``L* ~ C^-y``, by dominant balance of (DY.8).

Each returns :class:`DynamicsDerivation` objects: :class:`~asymptotics.derivation.Derivation`
with the regimes of :data:`DYNAMICS_REGIMES`, listed in ``asymptotics.derivation.REGIMES``
(the subclass adds nothing but its name; every field and rendering is the parent's).

References: Bordelon et al. 2024 (time and compute exponents of the random-feature model
trained by gradient flow); Paquette et al. 2024 (compute-optimal phases of one-pass SGD).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from asymptotics import symbols as sy
from asymptotics.derivation import REGIMES, Derivation
from asymptotics.rf.laws import rf_exponents

__all__ = ["DYNAMICS_REGIMES", "STUDENTS", "ComputeOptimal", "DynamicsDerivation",
           "bottleneck_exponent", "compute_optimal", "time_exponent"]

#: Regimes of the derivations of this module (the last three of ``REGIMES``).
DYNAMICS_REGIMES: tuple[str, ...] = REGIMES[-3:]

#: The parameter-direction exponent each student brings to the compute-optimal balance:
#: ``"top"`` (top-P eigenfeatures, never-learned power ``sum_{i>P} p_i``, (DY.4)),
#: ``"projection"`` (one random-feature model: ``alpha_P = min(a-1, b)``) and ``"ensemble"``
#: (the ensemble-averaged random-feature predictor: ``min(a-1, 2b)``), (DY.9).
STUDENTS = ("top", "projection", "ensemble")

_SOURCE_T = "docs/theory/dynamics.md (DY.6); Bordelon et al. 2024"


@dataclass(frozen=True)
class DynamicsDerivation(Derivation):
    """A :class:`~asymptotics.derivation.Derivation` of training time or compute: its regime
    is one of :data:`DYNAMICS_REGIMES` (all of them in ``asymptotics.derivation.REGIMES``),
    so it rebuilds as a plain ``Derivation`` from its own JSON."""


def _exponents(a: object, b: object) -> tuple[sp.Expr, sp.Expr]:
    """Exact ``a`` and ``b`` through the validation of :func:`asymptotics.rf.laws.rf_exponents`."""
    rf = rf_exponents(b, a)
    return rf.a, rf.b


def time_exponent(b: object, a: object | None = None) -> DynamicsDerivation:
    """``alpha_t = (a-1)/b`` of ``L(t) ~ C t^-alpha_t`` (gradient flow or descent, ``D = inf``).

    Parameters
    ----------
    b : float or sympy number
        Spectrum exponent ``lambda_i ~ i^-b``, ``b > 1``.
    a : float or sympy number, optional
        Target exponent ``p_i ~ i^-a``, ``a > 1`` (default ``a = b``: isotropic teacher).

    Notes
    -----
    The filtered sum (DY.3) with ``lambda_k = k^-b``, ``p_k = k^-a`` becomes, with
    ``u = 2 t k^-b``, ``(1/b) (2t)^(-(a-1)/b) int_0^oo u^((a-1)/b - 1) e^-u du``: the Gamma
    integral of (DY.6), which sympy evaluates. Gradient descent has the same exponent: its
    filter ``(1 - eta lambda)^(2t)`` equals ``exp(-2 eta lambda t)(1 + O(t eta^2 lambda^2))``
    on the modes ``lambda ~ 1/t`` that set the late-time loss.
    """
    aa, bb = _exponents(a, b)
    return _time_exponent(aa, bb)


@functools.lru_cache(maxsize=128)
def _time_exponent(aa: sp.Expr, bb: sp.Expr) -> DynamicsDerivation:
    k, u, t = sy.k, sy.u, sy.t
    s_exp = (aa - 1) / bb
    summand = k ** (-aa) * sp.exp(-2 * t * k ** (-bb))                 # (DY.3), eta = c = C = 1
    gamma_integral = sp.integrate(u ** (s_exp - 1) * sp.exp(-u), (u, 0, sp.oo))  # (DY.6)
    law = gamma_integral / bb * (2 * t) ** (-s_exp)
    prefactor = sp.simplify(law * t ** s_exp)
    return DynamicsDerivation(
        quantity="alpha_t", exponent=sp.nsimplify(s_exp), prefactor=prefactor,
        regime=DYNAMICS_REGIMES[0],
        conditions=(f"spectrum lambda_k ~ k^-{bb}, target p_k ~ k^-{aa}",
                    "gradient flow (time eta t) or gradient descent with eta < 2/lambda_1, "
                    "from zero initialization",
                    "D and P much larger than the modes learned by time t, k*(t) = "
                    "(2 eta c t)^(1/b) (otherwise the data or parameter bottleneck, DY.7)",
                    "prefactor for lambda_k = k^-b, p_k = k^-a and eta = 1"),
        source=_SOURCE_T,
        steps=(("filtered sum over modes", summand),
               ("with u = 2 t k^-b: Gamma integral", gamma_integral),
               ("late-time law", law)))


def bottleneck_exponent(b: object, a: object | None = None, *, time: object = 1,
                        data: object = sp.oo, parameters: object = sp.oo,
                        ) -> DynamicsDerivation:
    """The exponent of ``L ~ N^-alpha`` when ``t = N^time``, ``D = N^data``, ``P = N^parameters``.

    ``alpha = min(time * alpha_t, data * alpha_D, parameters * alpha_P)`` (DY.7): the loss is
    the sum of the three single-resource laws up to constants, so the slowest one wins.
    ``alpha_t`` is :func:`time_exponent`, ``alpha_D = min(a-1, 2b)`` and
    ``alpha_P = min(a-1, b)`` are :func:`asymptotics.rf.laws.rf_exponents`. Pass
    ``sympy.oo`` (the default for ``data`` and ``parameters``) for a resource that is not
    limiting.
    """
    aa, bb = _exponents(a, b)
    rates = {}
    for name, value in (("time", time), ("data", data), ("parameters", parameters)):
        rates[name] = _rate_iv(name, value)
    return _bottleneck(aa, bb, rates["time"], rates["data"], rates["parameters"])


def _rate_iv(name: str, value: object) -> sp.Expr:
    if value is sp.oo or value == float("inf"):
        return sp.oo
    from asymptotics._lib.validation import check_real
    check_real(name, value, gt=0.0)
    return sy.exact(value)


@functools.lru_cache(maxsize=128)
def _bottleneck(aa: sp.Expr, bb: sp.Expr, tau: sp.Expr, dl: sp.Expr,
                pi: sp.Expr) -> DynamicsDerivation:
    rf = rf_exponents(bb, aa)
    at = _time_exponent(aa, bb).exponent
    terms = (tau * at, dl * rf.alpha_D.exponent, pi * rf.alpha_P.exponent)
    alpha = sp.Min(*[x for x in terms if x != sp.oo]) if any(x != sp.oo for x in terms) \
        else sp.oo
    N = sy.N
    total = sum(N ** (-x) for x in terms if x != sp.oo)
    return DynamicsDerivation(
        quantity="alpha_N", exponent=alpha, prefactor=None, regime=DYNAMICS_REGIMES[1],
        conditions=(f"t = N^{tau}, D = N^{dl}, P = N^{pi} (oo: not limiting)",
                    f"alpha_t = {at}, alpha_D = {rf.alpha_D.exponent}, "
                    f"alpha_P = {rf.alpha_P.exponent}",
                    "sum of the single-resource laws up to constant factors (DY.7); the "
                    "crossovers between them are not resolved"),
        source="docs/theory/dynamics.md (DY.7); Bordelon et al. 2024",
        steps=(("sum of the bottleneck laws", total),))


@dataclass(frozen=True)
class ComputeOptimal:
    """The compute-optimal split of ``C = P t`` (docs/theory/dynamics.md (DY.8)).

    Attributes
    ----------
    student : str
        One of :data:`STUDENTS`.
    alpha_P, alpha_t : sympy.Expr
        The single-resource exponents that are balanced.
    x : sympy.Expr
        ``P* ~ C^x``; steps grow as ``t* ~ C^(1-x)``.
    loss : DynamicsDerivation
        ``L* ~ C^-y`` with ``y = alpha_P alpha_t / (alpha_P + alpha_t)``.
    """

    student: str
    alpha_P: sp.Expr
    alpha_t: sp.Expr
    x: sp.Expr
    loss: DynamicsDerivation

    @property
    def y(self) -> sp.Expr:
        return self.loss.exponent

    def to_dict(self) -> dict:
        return {"student": self.student, "alpha_P": sp.sstr(self.alpha_P),
                "alpha_t": sp.sstr(self.alpha_t), "x": sp.sstr(self.x),
                "x_value": float(self.x), "steps_exponent": sp.sstr(1 - self.x),
                "y": sp.sstr(self.y), "y_value": float(self.y), "loss": self.loss.to_dict()}


def compute_optimal(b: object, a: object | None = None, *,
                    student: str = "top") -> ComputeOptimal:
    """``P* ~ C^x``, ``t* ~ C^(1-x)``, ``L* ~ C^-y`` for ``C = P t`` by dominant balance.

    With ``L(P, t) = A P^-alpha_P + B t^-alpha_t`` (DY.8), minimizing over ``P`` at fixed
    ``C = P t`` balances the two terms: ``alpha_P x = alpha_t (1 - x)``, so
    ``x = alpha_t / (alpha_P + alpha_t)`` and ``y = alpha_P alpha_t / (alpha_P + alpha_t)``.
    ``alpha_t = (a-1)/b`` (:func:`time_exponent`); ``alpha_P`` depends on ``student``
    (:data:`STUDENTS`, (DY.9)). For the top-``P`` student, ``x = 1/(1+b)`` and
    ``y = (a-1)/(1+b)``: steps grow faster than parameters, as Bordelon et al. 2024 find.
    """
    from asymptotics._lib.validation import check_choice
    student = check_choice("student", student, STUDENTS)
    aa, bb = _exponents(a, b)
    return _compute_optimal(aa, bb, student)


@functools.lru_cache(maxsize=128)
def _compute_optimal(aa: sp.Expr, bb: sp.Expr, student: str) -> ComputeOptimal:
    at = _time_exponent(aa, bb).exponent
    if student == "top":
        ap = aa - 1                                    # sum_{i>P} i^-a ~ P^-(a-1)/(a-1) (DY.4)
    elif student == "projection":
        ap = rf_exponents(bb, aa).alpha_P.exponent     # min(a-1, b), (DY.9)
    else:
        ap = sp.Min(aa - 1, 2 * bb)                    # ensemble average, (DY.9)
    P, C, x = sy.P, sy.C, sy.x
    loss_pc = P ** (-ap) + (C / P) ** (-at)            # (DY.8), A = B = 1
    balance = sp.Eq(ap * x, at * (1 - x))              # P = C^x: both terms ~ C^-(...)
    xs = sp.solve(balance, x)[0]
    y = sp.simplify(ap * xs)
    loss = DynamicsDerivation(
        quantity="y_C", exponent=y, prefactor=None, regime=DYNAMICS_REGIMES[2],
        conditions=(f"student {student}: alpha_P = {ap}; alpha_t = (a-1)/b = {at}",
                    f"P* ~ C^{xs}, t* ~ C^{sp.simplify(1 - xs)}",
                    "D = inf (or D >> t* and the data bottleneck never binds)",
                    "compute C = P t (one step costs P); the prefactors A, B shift P* by a "
                    "constant factor, not the exponents"),
        source="docs/theory/dynamics.md (DY.8)-(DY.9); Bordelon et al. 2024",
        steps=(("loss along the iso-compute line t = C/P", loss_pc),
               ("dominant balance with P = C^x", balance),
               ("optimal exponent x of P*", xs)))
    return ComputeOptimal(student, sp.nsimplify(ap), at, xs, loss)
