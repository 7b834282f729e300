"""Input validation shared by every public function (the ``_xxx_iv`` layer).

Each checker takes the parameter's name and the received value and either
returns the value standardized (``int``, ``float``, ``numpy`` array, ...) or
raises ``TypeError``/``ValueError`` with a message that names the parameter,
the rule it broke and the value (and type) it received, for example::

    ValueError: `d` must be a positive integer; got 0 (int)

The command lines catch exactly these two exception types and print the message
on one line, so the wording here is what a user sees.
"""

from __future__ import annotations

import ast
import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "EXPRESSION_FUNCTIONS",
    "check_choice",
    "check_expression",
    "check_int",
    "check_real",
    "check_real_array",
    "check_sorted_int_grid",
]


def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def check_int(name: str, value: object, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
            value = int(value)
        else:
            raise TypeError(f"`{name}` must be an integer; got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        rule = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {rule}; got {_describe(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be an integer <= {maximum}; got {_describe(value)}")
    return value


def check_real(name: str, value: object, *, gt: float | None = None, ge: float | None = None,
               lt: float | None = None, le: float | None = None,
               allow_inf: bool = False) -> float:
    """Return ``value`` as a ``float`` if it is a real number satisfying the bounds.

    NaN is always rejected; ``inf`` only when ``allow_inf`` is true.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:  # accept mpmath.mpf and sympy numbers, which are not registered as Real
            import mpmath
            import sympy
            if isinstance(value, mpmath.mpf) or (isinstance(value, sympy.Basic) and value.is_real
                                                 and value.is_number):
                value = float(value)
            else:
                raise TypeError
        except TypeError:
            raise TypeError(f"`{name}` must be a real number; got {_describe(value)}") from None
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"`{name}` must be a real number, not NaN; got {_describe(value)}")
    if math.isinf(value) and not allow_inf:
        raise ValueError(f"`{name}` must be finite; got {_describe(value)}")
    for bound, ok, word in ((gt, lambda v, b: v > b, ">"), (ge, lambda v, b: v >= b, ">="),
                            (lt, lambda v, b: v < b, "<"), (le, lambda v, b: v <= b, "<=")):
        if bound is not None and not ok(value, bound):
            raise ValueError(f"`{name}` must be {word} {bound:g}; got {_describe(value)}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices`` (case-sensitive strings)."""
    choices = tuple(choices)
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, one of {list(choices)}; got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {list(choices)}; got {_describe(value)}")
    return value


def check_real_array(name: str, value: object, *, ndim: int = 1, min_size: int = 1,
                     positive: bool = False, nonnegative: bool = False) -> np.ndarray:
    """Return ``value`` as a float64 array of the given ``ndim`` with only finite entries."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be an array of real numbers; got {_describe(value)}") from None
    if arr.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-dimensional array; got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"`{name}` must have at least {min_size} entries; got {arr.size}")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"`{name}` must contain only finite numbers; entry {first} is "
                         f"{arr[first]!r}")
    if positive and not (arr > 0).all():
        first = tuple(int(i) for i in np.argwhere(arr <= 0)[0])
        raise ValueError(f"`{name}` must be positive; entry {first} is {arr[first]!r}")
    if nonnegative and not (arr >= 0).all():
        first = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise ValueError(f"`{name}` must be non-negative; entry {first} is {arr[first]!r}")
    return arr


def check_sorted_int_grid(name: str, value: object, *, minimum: int = 1) -> tuple[int, ...]:
    """Return a non-empty, strictly increasing tuple of integers >= ``minimum``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise TypeError(f"`{name}` must be a sequence of integers; got {_describe(value)}")
    if len(value) == 0:
        raise ValueError(f"`{name}` must contain at least one value; got an empty sequence")
    grid = tuple(check_int(f"{name}[{i}]", v, minimum=minimum) for i, v in enumerate(value))
    if any(b <= a for a, b in itertools.pairwise(grid)):
        raise ValueError(f"`{name}` must be strictly increasing; got {list(grid)}")
    return grid


#: the functions a user-written expression may call (:func:`check_expression`), by name
EXPRESSION_FUNCTIONS: tuple[str, ...] = ("Abs", "abs", "sqrt", "exp", "log", "sin", "cos", "tan",
                                         "sinh", "cosh", "tanh", "atan", "Max", "Min", "sign")
_MAX_EXPRESSION_CHARS = 300
_MAX_EXPRESSION_NODES = 120
_MAX_LITERAL = 10**6
_MAX_POWER = 64
_BINARY_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor)


def _numeric_literal(node: ast.AST) -> float | None:
    """The value of ``3``, ``-2``, ``1.5`` or ``3/2`` (an exponent), else ``None``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        inner = _numeric_literal(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        num, den = _numeric_literal(node.left), _numeric_literal(node.right)
        if num is not None and den not in (None, 0.0):
            return num / den
    return None


def _check_expression_tree(name: str, text: str, tree: ast.AST, names: set[str],
                           functions: set[str]) -> None:
    """Allow only numbers, the given names, + - * / ** ^, and calls of the given functions."""
    def refuse(why: str) -> ValueError:
        return ValueError(f"`{name}` must be an expression in {', '.join(sorted(names))} with "
                          f"+ - * / ** and the functions {', '.join(sorted(functions))}; {why}; "
                          f"got {_describe(text)}")

    nodes = list(ast.walk(tree))
    if len(nodes) > _MAX_EXPRESSION_NODES:
        raise refuse(f"it has {len(nodes)} syntax nodes, over the bound of "
                     f"{_MAX_EXPRESSION_NODES}")
    for node in nodes:
        if isinstance(node, (ast.Expression, ast.Load, ast.UAdd, ast.USub, *_BINARY_OPS)):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINARY_OPS):
            if isinstance(node.op, ast.Pow | ast.BitXor):
                power = _numeric_literal(node.right)
                if power is None or abs(power) > _MAX_POWER:
                    raise refuse(f"an exponent must be a number of size at most {_MAX_POWER} "
                                 "(write exp(...) for other powers)")
                if _numeric_literal(node.left) is None and not any(
                        isinstance(n, ast.Name) and n.id in names for n in ast.walk(node.left)):
                    raise refuse("a power of a number must have a literal base (no towers)")
            continue
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise refuse(f"the literal {node.value!r} is not a real number")
            if not math.isfinite(node.value) or abs(node.value) > _MAX_LITERAL:
                raise refuse(f"the number {node.value!r} is not finite or exceeds {_MAX_LITERAL:g}")
            continue
        if isinstance(node, ast.Name):
            if node.id not in names and node.id not in functions:
                raise refuse(f"the name {node.id!r} is not allowed")
            continue
        if isinstance(node, ast.Call):
            if (not isinstance(node.func, ast.Name) or node.func.id not in functions
                    or node.keywords or not node.args
                    or any(isinstance(a, ast.Starred) for a in node.args)):
                raise refuse("only the listed functions may be called, with positional "
                             "arguments")
            continue
        raise refuse(f"{type(node).__name__} syntax is not allowed")


def check_expression(name: str, value: object, symbols: Mapping[str, object], *,
                     functions: Iterable[str] = EXPRESSION_FUNCTIONS) -> object:
    """Parse user text into a sympy expression, allowing only the given names and functions.

    Nothing in ``value`` is executed: the text is first parsed by :mod:`ast` and every node is
    checked against a whitelist (real number literals up to 1e6, the names in ``symbols``, the
    operators ``+ - * / **`` (``^`` is a power), exponents that are numbers of size at most 64,
    and positional calls of ``functions``); no attribute, subscript, keyword argument, lambda,
    comparison, string or dunder name gets through. Only then is it handed to
    ``sympy.parse_expr`` with ``local_dict`` holding exactly the allowed names and a
    ``global_dict`` with no ``__builtins__``. Decimal literals become exact rationals.

    Parameters
    ----------
    name : str
        The parameter's name, for the error message.
    value : str
        The text.
    symbols : mapping of str to sympy objects
        The names the text may use (``{"f": f, "y": y}``).
    functions : iterable of str
        sympy function names the text may call (default :data:`EXPRESSION_FUNCTIONS`).

    Raises
    ------
    TypeError
        If ``value`` is not a string.
    ValueError
        If the text is too long, does not parse, or uses anything outside the whitelist.
    """
    import sympy as sp
    from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr, rationalize

    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string expression; got {_describe(value)}")
    if len(value) > _MAX_EXPRESSION_CHARS:
        raise ValueError(f"`{name}` must be an expression of at most {_MAX_EXPRESSION_CHARS} "
                         f"characters; got {len(value)} characters")
    funcs = set(functions)
    names = set(symbols)
    bad = sorted(n for n in names | funcs if not n.isidentifier() or n.startswith("_"))
    if bad:  # pragma: no cover - a programming error, not a user error
        raise ValueError(f"invalid whitelist names {bad}")
    text = value.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ValueError(f"`{name}` must be an expression in {sorted(names)}; it does not "
                         f"parse; got {_describe(value)}") from None
    _check_expression_tree(name, value, tree, names, funcs)
    local_dict = {n: symbols[n] for n in names}
    local_dict.update({n: (sp.Abs if n == "abs" else getattr(sp, n)) for n in funcs})
    global_dict = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float,
                   "Rational": sp.Rational}
    try:
        expr = parse_expr(text, local_dict=local_dict, global_dict=global_dict,
                          transformations=(auto_number, rationalize, convert_xor))
    except (SyntaxError, TypeError, ValueError, ZeroDivisionError, ArithmeticError) as exc:
        raise ValueError(f"`{name}` could not be built as a sympy expression ({exc}); got "
                         f"{_describe(value)}") from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan):
        raise ValueError(f"`{name}` must be a finite expression; got {_describe(value)} = {expr}")
    return expr
