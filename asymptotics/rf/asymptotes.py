"""Closed-form asymptotes of the learning curve, derived with sympy from the integrals.

docs/theory/learning_curves.md (LC.12)-(LC.18). For ``lambda_i = c i^-b`` and ``p_i = C i^-a``
(``s = 1/b``, ``t = (a-1)/b``) the sums become integrals as ``kappa -> 0``; with
``y = (kappa/c) x^b`` each is the Beta integral ``I_m(alpha)`` of (LC.12), which sympy
evaluates once in :mod:`asymptotics.rf.integrals`. Then ``df1 ~ A1 (kappa/c)^-s`` with
``A1 = s I_1(s)``, ``df2 ~ A2 (kappa/c)^-s`` with ``A2 = s I_2(s)``, ``B ~ (C/b) (kappa/c)^t
I_2(2-t)`` and ``R ~ (C/b)(kappa/c)^t I_1(1-t)``. Solving ``df1(kappa_n) = n`` and
substituting gives every law below; each is an :class:`Asymptote` whose ``exponent`` and
``prefactor`` are sympy expressions in the symbols ``a, b, c, C, w, sigma2`` of
:mod:`asymptotics.symbols`.

The sign convention is that of :class:`asymptotics.derivation.Derivation`, a decay law:
``loss ~ prefactor * x**(-exponent)``, so the kernel data-limited exponent is ``a - 1``,
the same as ``rf_exponents(b, a).alpha_D`` of :mod:`asymptotics.rf.laws`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from asymptotics.rf.integrals import beta_integral, beta_value
from asymptotics.rf.sums import SpectralModel
from asymptotics.symbols import C, P, a, b, c, kappa, n, sigma2, w, x

__all__ = ["Asymptote", "beta_integral", "curve_asymptote", "data_limited",
           "data_limited_fast_target", "derived_constants",
           "feature_limited", "isotropic_ridgeless", "top_tail"]


@dataclass(frozen=True)
class Asymptote:
    """Leading-order law ``loss ~ prefactor * x**(-exponent) + floor`` (times a shape factor).

    Attributes
    ----------
    name : str
    variable : str
        ``"D"``, ``"P"`` or ``"min(D,P)"`` (the isotropic symmetric law, multiplied by
        ``max(D,P)/|D-P|``, (LC.8)).
    exponent, prefactor, floor : sympy.Expr
        In the symbols ``a, b, c, C, w, sigma2`` of :mod:`asymptotics.symbols`; ``exponent``
        is the decay exponent (positive), as in :class:`asymptotics.derivation.Derivation`.
    conditions : str
    equation : str
        The docs label of the law.
    values : dict
        Numbers for the symbols of one curve (empty for the generic law).
    """

    name: str
    variable: str
    exponent: sp.Expr
    prefactor: sp.Expr
    floor: sp.Expr
    conditions: str
    equation: str
    values: dict = field(default_factory=dict)

    def bind(self, **values: float) -> Asymptote:
        """The same law with numbers for (some of) its symbols."""
        vals = {**self.values, **{sp.Symbol(k, positive=True): v for k, v in values.items()}}
        return Asymptote(self.name, self.variable, self.exponent, self.prefactor, self.floor,
                         self.conditions, self.equation, vals)

    @property
    def exponent_value(self) -> float:
        return float(self.exponent.subs(self.values))

    @property
    def prefactor_value(self) -> float:
        """The bound prefactor; at a removable singularity (e.g. ``t = 1``, where
        ``(1-t) pi / sin(pi t) -> 1``) the limit in ``a`` is taken."""
        val = sp.N(self.prefactor.subs(self.values), 20)
        if val.is_finite:
            return float(val)
        rest = {k: v for k, v in self.values.items() if k != a}
        lim = sp.limit(self.prefactor.subs(rest), a, sp.nsimplify(self.values[a]))
        return float(sp.N(lim, 20))

    @property
    def floor_value(self) -> float:
        return float(self.floor.subs(self.values))

    def value_at(self, D: float, P: float) -> float:
        """The law at one ``(D, P)`` (``inf`` at ``D = P`` for the symmetric law)."""
        x = {"D": D, "P": P}.get(self.variable, min(D, P))
        core = self.prefactor_value * x ** (-self.exponent_value)
        if self.variable == "min(D,P)" and not (math.isinf(D) or math.isinf(P)):
            core = math.inf if D == P else core * max(D, P) / abs(D - P)  # docs/theory/learning_curves.md (LC.8)
        if self.variable == "P" and self.name.startswith("top") and not math.isinf(D):
            if D <= P:
                raise ValueError(f"the top-P law needs `D` > `P`; got D={D}, P={P}")
            core = core * D / (D - P)
        return core + self.floor_value

    def to_dict(self) -> dict:
        return {"name": self.name, "variable": self.variable, "exponent": str(self.exponent),
                "prefactor": str(self.prefactor), "floor": str(self.floor),
                "conditions": self.conditions, "equation": self.equation,
                "exponent_value": self.exponent_value if self.values else None,
                "prefactor_value": self.prefactor_value if self.values else None}


def _I(m: int, alpha: sp.Expr) -> sp.Expr:
    return beta_value(m, alpha)  # (LC.12)


@lru_cache(maxsize=1)
def derived_constants() -> dict:
    """``A1, A2, E0 = 1/(1 - A2/A1)`` and the kernel ``kappa_n`` law (LC.13)-(LC.14)."""
    s = 1 / b
    A1 = sp.simplify(s * _I(1, s))  # df1 ~ A1 (kappa/c)^-s  (LC.13)
    A2 = sp.simplify(s * _I(2, s))
    E0 = sp.simplify(1 / (1 - A2 / A1))  # ridgeless amplification (LC.14)
    kappa_n = sp.solve(sp.Eq(A1 * (kappa / c) ** (-s), n), kappa)[0]  # df1(kappa_n) = n (LC.13)
    return {"A1": A1, "A2": A2, "E0": E0, "kappa_n": sp.simplify(kappa_n), "n": n}


def data_limited() -> Asymptote:
    """Kernel limit, ridgeless: ``E(D) ~ E0 B(kappa_D) + sigma^2 (E0 - 1)`` (LC.15)."""
    k = derived_constants()
    t = (a - 1) / b
    n = k["n"]
    Bn = C / b * (k["kappa_n"] / c) ** t * _I(2, 2 - t)  # B(kappa_n)
    law = sp.powsimp(sp.expand_power_base(k["E0"] * Bn, force=True), force=True)
    pref = sp.simplify(law * n ** (a - 1))
    return Asymptote("kernel data-limited", "D", a - 1, sp.simplify(pref),
                     sigma2 * (k["E0"] - 1), "ridgeless, P = inf, 1 < a < 2b + 1", "LC.15")


def data_limited_fast_target() -> Asymptote:
    """Kernel limit, ridgeless, ``a > 2b + 1``: ``E ~ E0 kappa_D^2 sum p/lambda^2`` (LC.18)."""
    k = derived_constants()
    n = k["n"]
    law = k["E0"] * k["kappa_n"] ** 2 * C / c ** 2 * sp.zeta(a - 2 * b)
    pref = sp.simplify(sp.powsimp(sp.expand_power_base(law * n ** (2 * b), force=True),
                                  force=True))
    return Asymptote("kernel data-limited (fast target)", "D", 2 * b, pref,
                     sigma2 * (k["E0"] - 1), "ridgeless, P = inf, a > 2b + 1", "LC.18")


def feature_limited() -> Asymptote:
    """Projection student, ``D = inf``: ``E(P) = R(kappa_P)`` (LC.16), ``1 < a < b + 1``."""
    k = derived_constants()
    t = (a - 1) / b
    n = k["n"]
    law = C / b * (k["kappa_n"] / c) ** t * _I(1, 1 - t)
    pref = sp.simplify(sp.powsimp(sp.expand_power_base(law * n ** (a - 1), force=True),
                                  force=True))
    return Asymptote("projection feature-limited", "P", a - 1, pref, sp.Integer(0),
                     "D = inf, 1 < a < b + 1", "LC.16")


def isotropic_ridgeless() -> Asymptote:
    """Isotropic teacher ``p = w lambda``: ``E = E_inf(min) max/|D-P|``, ``E_inf(m) = w m kappa_m``.

    ``E_inf(m) ~ w c C_b m^-(b-1)`` with ``C_b = A1^b`` (LC.8), from ``kappa_n`` of (LC.13).
    """
    k = derived_constants()
    n = k["n"]
    pref = sp.simplify(sp.powsimp(sp.expand_power_base(w * n * k["kappa_n"] * n ** (b - 1),
                                                       force=True), force=True))
    return Asymptote("isotropic symmetric", "min(D,P)", b - 1, pref, sp.Integer(0),
                     "isotropic teacher, ridgeless, noiseless", "LC.8")


def top_tail() -> Asymptote:
    """Top-``P`` student: ``T_P = sum_{i>P} C i^-a ~ C P^-(a-1)/(a-1)``, times ``D/(D-P)`` (LC.11)."""
    tail = sp.integrate(C * x ** (-a), (x, P, sp.oo), conds="none")
    pref = sp.simplify(tail * P ** (a - 1))
    return Asymptote("top-P unexplained power", "P", a - 1, pref, sp.Integer(0),
                     "top-P student, ridgeless, noiseless, D > P", "LC.11")


def curve_asymptote(model: SpectralModel, D: np.ndarray, P: np.ndarray, ridge: float,
                    noise: float, student: str) -> Asymptote | None:
    """The law that applies to every point of a curve, bound to its numbers, or None."""
    if model.kind != "powerlaw" or model.size is not None or ridge != 0 \
            or model.target_kind == "array":
        return None
    iso = model.target_kind == "iso"
    vals: dict[str, Any] = {"b": model.b, "c": model.c, "sigma2": noise,
                            "a": model.b if iso else model.a,
                            "C": model.w * model.c if iso else model.C, "w": model.w}
    t = (vals["a"] - 1) / model.b
    if np.all(np.isinf(P)) and np.all(np.isfinite(D)):
        if 0 < t < 2:
            return data_limited().bind(**vals)
        return data_limited_fast_target().bind(**vals) if t > 2 else None
    if np.all(np.isinf(D)) and np.all(np.isfinite(P)):
        if student == "top":
            return top_tail().bind(**vals)
        return feature_limited().bind(**vals) if 0 < t < 1 else None
    if student == "top" and np.all(D > P) and noise == 0:
        return top_tail().bind(**vals)
    if iso and student == "projection" and noise == 0 and np.all(np.isfinite(D)) \
            and np.all(np.isfinite(P)):
        return isotropic_ridgeless().bind(**vals)
    return None
