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

import itertools
import math
import numbers
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "check_choice",
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
