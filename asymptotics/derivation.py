"""The result object every derivation of :mod:`asymptotics` returns.

A :class:`Derivation` records one exponent of one regime: the exact sympy exponent (and
``sympy.oo`` for a super-polynomial law), the prefactor where the theory gives one, the
conditions under which it holds, the equation it comes from, and the intermediate steps
(pairs of a sentence and a sympy expression). It renders itself as LaTeX
(:meth:`Derivation.latex`, and ``_repr_latex_`` for Jupyter), as plain text
(:meth:`Derivation.text`) and as JSON-ready data (:meth:`Derivation.to_dict`).

The sign convention is that of a decay law: ``L ~ x**(-exponent)`` (regimes in ``D``,
``P``, width), ``lambda_i ~ i**(-1 - exponent)`` (``regime="spectrum"``: the exponent is
Bahri's ``alpha_K``), and ``sum_{n>N} ~ N**(-exponent)`` (``regime="tail"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from asymptotics._lib.latex import latex_escape, latex_name
from asymptotics._lib.validation import check_expression

__all__ = ["REGIMES", "Derivation", "Step"]

REGIMES: tuple[str, ...] = (
    "variance-limited (data)",
    "variance-limited (width)",
    "resolution-limited (data)",
    "resolution-limited (parameters)",
    "spectrum",
    "tail",
    # training time and compute (asymptotics.dynamics.laws)
    "resolution-limited (time)",
    "bottleneck (time, data, parameters)",
    "compute-optimal (C = P t)",
)

Step = tuple[str, sp.Basic]


@dataclass(frozen=True)
class Derivation:
    """An exponent with its provenance.

    Attributes
    ----------
    quantity : str
        What the exponent is, e.g. ``"alpha_D"``, ``"alpha_W"``, ``"alpha_K"``.
    exponent : sympy.Expr
        Exact exponent of the decay law (``sympy.oo`` for faster than any power).
    prefactor : sympy.Expr or None
        The constant ``C`` of ``L ~ C x**(-exponent)`` where the theory gives one.
    regime : str
        One of :data:`REGIMES`.
    conditions : tuple of str
        Assumptions under which the law holds; when ``holds`` is false, the reason.
    source : str
        The equation or theorem the law comes from.
    steps : tuple of (str, sympy.Basic)
        Intermediate results of the derivation, in order.
    holds : bool
        False when the theorem's conditions fail for this input.
    """

    quantity: str
    exponent: sp.Expr
    prefactor: sp.Expr | None
    regime: str
    conditions: tuple[str, ...]
    source: str
    steps: tuple[Step, ...] = field(default=())
    holds: bool = True

    def __post_init__(self) -> None:
        if self.regime not in REGIMES:
            raise ValueError(f"`regime` must be one of {list(REGIMES)}; got {self.regime!r}")
        object.__setattr__(self, "exponent", _as_expr("exponent", self.exponent))
        if self.prefactor is not None:
            object.__setattr__(self, "prefactor", _as_expr("prefactor", self.prefactor))
        object.__setattr__(self, "conditions", tuple(str(c) for c in self.conditions))
        object.__setattr__(self, "steps", tuple((str(text), _as_expr(f"steps[{j}]", expr))
                                                for j, (text, expr) in enumerate(self.steps)))

    @property
    def value(self) -> float:
        """The exponent as a float (``inf`` for ``sympy.oo``).

        Raises ``TypeError`` if the exponent still contains free symbols.
        """
        if self.exponent == sp.oo:
            return math.inf
        if self.exponent.free_symbols:
            raise TypeError(f"exponent {self.exponent} of {self.quantity} is symbolic in "
                            f"{sorted(map(str, self.exponent.free_symbols))}; substitute values "
                            "first")
        return float(self.exponent)

    def latex(self) -> str:
        """LaTeX source (an ``aligned`` block) of the law, its steps and its conditions."""
        lhs = latex_name(self.quantity)
        lines = [rf"{lhs} &= {sp.latex(self.exponent)}"]
        if self.prefactor is not None:
            lines.append(rf"C &= {sp.latex(self.prefactor)}")
        for text, expr in self.steps:
            lines.append(rf"&\text{{{latex_escape(text)}:}}\quad {sp.latex(expr)}")
        status = "holds" if self.holds else "does NOT hold"
        lines.append(rf"&\text{{{latex_escape(self.regime)}; {status}; "
                     rf"source: {latex_escape(self.source)}}}")
        for cond in self.conditions:
            lines.append(rf"&\text{{{latex_escape(cond)}}}")
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"

    def text(self) -> str:
        """A plain-text rendering: the law, then one indented line per step and condition."""
        status = "" if self.holds else "  [conditions FAIL]"
        out = [f"{self.quantity} = {sp.sstr(self.exponent)}  ({self.regime}){status}"]
        if self.prefactor is not None:
            out.append(f"  prefactor: {sp.sstr(self.prefactor)}")
        out.append(f"  source: {self.source}")
        out += [f"  step: {text}: {sp.sstr(expr)}" for text, expr in self.steps]
        out += [f"  condition: {cond}" for cond in self.conditions]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: expressions as strings (sympy ``sstr``), plus the float value."""
        try:
            value: float | str | None = self.value
        except TypeError:
            value = None
        if value == math.inf:
            value = "inf"
        return {
            "quantity": self.quantity,
            "exponent": sp.sstr(self.exponent),
            "value": value,
            "prefactor": None if self.prefactor is None else sp.sstr(self.prefactor),
            "regime": self.regime,
            "holds": self.holds,
            "conditions": list(self.conditions),
            "source": self.source,
            "steps": [[text, sp.sstr(expr)] for text, expr in self.steps],
        }


def _as_expr(name: str, value: object) -> sp.Basic:
    """A sympy object from a sympy object or number (``strict``: no string fallback), or from
    text through the whitelist of :func:`asymptotics._lib.validation.check_expression` (the
    names of :mod:`asymptotics.symbols` and ``oo``, ``pi``, ``E``): nothing is executed."""
    if isinstance(value, str):
        return _parse_text(name, value)
    try:
        return sp.sympify(value, strict=True)
    except sp.SympifyError:
        raise TypeError(f"`{name}` must be a sympy expression, a number or an expression's "
                        f"text; got {value!r} ({type(value).__name__})") from None


#: symbols the derivations' steps introduce locally (an integration variable, a cut), which
#: their ``to_dict`` text carries and a rebuild must read back
_STEP_SYMBOLS = ("L_inf", "x0", "ell", "h", "omega")
#: functions of the steps' text beyond the validator's default whitelist
_STEP_FUNCTIONS = ("gamma", "zeta", "beta", "floor", "ceiling")


def _parse_text(name: str, value: str) -> sp.Basic:
    """Restricted parse of one expression field (no ``sympify`` of text anywhere): the names
    of :mod:`asymptotics.symbols`, the steps' local symbols, ``oo``, ``pi``, ``E``, and the
    whitelisted functions; a top-level ``Eq(lhs, rhs)`` (the steps' equations) is split by
    :mod:`ast` and each side parsed the same way."""
    import ast

    from asymptotics import symbols
    from asymptotics._lib.validation import EXPRESSION_FUNCTIONS
    names = {n: getattr(symbols, n) for n in symbols.__all__
             if isinstance(getattr(symbols, n), sp.Symbol)}
    names.update({"epsilon": symbols.eps, "oo": sp.oo, "pi": sp.pi, "E": sp.E})
    names.update({n: sp.Symbol(n) for n in _STEP_SYMBOLS if n not in names})
    funcs = tuple(EXPRESSION_FUNCTIONS) + _STEP_FUNCTIONS
    text = value.strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None  # check_expression reports the parse failure in its own words
    if (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == "Eq"
            and len(tree.args) == 2 and not tree.keywords):
        sides = [ast.get_source_segment(text, arg) for arg in tree.args]
        lhs, rhs = (check_expression(name, side, names, functions=funcs) for side in sides)
        return sp.Eq(lhs, rhs, evaluate=False)
    return check_expression(name, value, names, functions=funcs)
