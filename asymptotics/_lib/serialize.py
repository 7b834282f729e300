"""Turn result objects into JSON-ready data (for every ``--json`` output).

Frozen dataclasses become dicts, numpy scalars and arrays become numbers and
lists, mpmath and sympy numbers become strings that keep every digit, and
non-finite floats become the strings ``"inf"``/``"-inf"`` (strict JSON has no
infinity; NaN is never produced by this toolkit and is refused here).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from typing import Any

import numpy as np

__all__ = ["dumps", "to_jsonable"]


def _float(x: float) -> float | str:
    if math.isnan(x):
        raise ValueError("refusing to serialize NaN: a result should never contain it")
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def to_jsonable(obj: Any) -> Any:
    """Recursively convert ``obj`` into JSON-serializable Python data."""
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return to_jsonable(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _float(float(obj))
    if obj is None or isinstance(obj, str):
        return obj
    import mpmath
    if isinstance(obj, mpmath.mpf):
        if mpmath.isinf(obj):
            return "inf" if obj > 0 else "-inf"
        if mpmath.isnan(obj):
            raise ValueError("refusing to serialize NaN: a result should never contain it")
        # every digit the number carries (its mantissa), not the global working precision
        digits = max(15, int(obj.man.bit_length() * 0.30103) + 1)
        return mpmath.nstr(obj, digits, strip_zeros=False)
    import sympy
    if isinstance(obj, sympy.Basic):
        return str(obj)
    return str(obj)


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` of :func:`to_jsonable` (strict: no NaN, no Infinity)."""
    kwargs.setdefault("indent", 2)
    return json.dumps(to_jsonable(obj), allow_nan=False, **kwargs)
