"""Cost estimates checked before work starts: refuse what exceeds a stated bound.

Every entry point that can be asked for unbounded work (a size, a precision, a number of
resamples) estimates the memory and the time its request needs *before* it allocates or
loops, and calls :func:`check_budget`. Past the bound it raises :class:`BudgetExceeded`, a
``ValueError`` whose one-line message names the parameter, the estimate and the bound, and
how to go past it where that makes sense; the command lines print that line and exit 2.

The bounds are stated here, once. Time is estimated as a count of elementary operations
(floating-point operations, or mpmath operations weighted by their precision) and turned
into seconds at a conservative rate for one core of a small machine, so the bound is a
bound on work, not a timing.
"""

from __future__ import annotations

import math

__all__ = [
    "FLOP_RATE",
    "MEMORY_BOUND",
    "SECONDS_BOUND",
    "BudgetExceeded",
    "check_budget",
    "check_memory",
    "check_seconds",
    "format_bytes",
]

#: Largest memory one request may plan to allocate (bytes): 4 GiB, a sixth of the 24 GiB
#: machine the project is sized for.
MEMORY_BOUND = 4 * 2**30

#: Longest one request may plan to run (seconds of estimated work).
SECONDS_BOUND = 600.0

#: Conservative sustained rate of dense float64 work on one core (operations per second),
#: used to turn an operation count into seconds.
FLOP_RATE = 2e9


class BudgetExceeded(ValueError):
    """A request whose estimated cost exceeds a stated bound (raised before any work)."""

    def __init__(self, parameter: str, value: object, what: str, estimate: str, bound: str,
                 hint: str = "") -> None:
        self.parameter, self.value, self.what = parameter, value, what
        self.estimate, self.bound, self.hint = estimate, bound, hint
        need = (f"unbounded {what}" if estimate == "unbounded"
                else f"an estimated {estimate} of {what}")
        text = f"`{parameter}` = {value}: the request needs {need}, over the bound of {bound}"
        super().__init__(text + (f"; {hint}" if hint else ""))


def format_bytes(n: float) -> str:
    """``n`` bytes as a short human-readable size (``3.2 GiB``)."""
    if not math.isfinite(n):
        return "unbounded"
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def _format_seconds(s: float) -> str:
    if not math.isfinite(s):
        return "unbounded"
    if s >= 86400:
        return f"{s / 86400:.3g} days"
    if s >= 3600:
        return f"{s / 3600:.3g} h"
    return f"{s:.3g} s"


def check_budget(parameter: str, value: object, *, estimate: float, bound: float, what: str,
                 unit: str = "", hint: str = "", force: bool = False) -> None:
    """Raise :class:`BudgetExceeded` when ``estimate > bound`` (unless ``force``).

    ``estimate`` and ``bound`` are numbers in ``unit``; ``parameter`` and ``value`` name
    the request's argument that drives the cost (``D``, ``20000000``).
    """
    if force or estimate <= bound:
        return
    raise BudgetExceeded(parameter, value, what, f"{estimate:.3g}{unit}", f"{bound:.3g}{unit}",
                         hint)


def check_memory(parameter: str, value: object, nbytes: float, *, bound: float = MEMORY_BOUND,
                 hint: str = "", force: bool = False) -> None:
    """Refuse a request that plans to hold ``nbytes`` at once (bound: :data:`MEMORY_BOUND`)."""
    if force or nbytes <= bound:
        return
    raise BudgetExceeded(parameter, value, "memory", format_bytes(nbytes), format_bytes(bound),
                         hint)


def check_seconds(parameter: str, value: object, operations: float, *,
                  rate: float = FLOP_RATE, bound: float = SECONDS_BOUND, hint: str = "",
                  force: bool = False) -> None:
    """Refuse a request of ``operations`` elementary operations that would run past ``bound``
    seconds at ``rate`` operations per second (bound: :data:`SECONDS_BOUND`)."""
    seconds = operations / rate
    if force or seconds <= bound:
        return
    raise BudgetExceeded(parameter, value, "time", _format_seconds(seconds),
                         _format_seconds(bound), hint)
