"""The exact JSON codec of the toolkit's stored data (sweep caches, report checkpoints).

Loading runs no code (no pickle): every stored file is plain JSON, validated by its reader.

* :func:`canonical_config` / :func:`canonical_json`: a configuration as plain, exact JSON
  data with sorted keys (the identity that cache keys hash, docs/sweeps.md (SW.1)).
* :func:`encode_result` / :func:`decode_result`: results with floats bit for bit (Python
  writes the shortest ``repr`` that reads back to the same double), non-finite floats as
  tagged strings, tuples tagged, numpy arrays of bool, integer or float dtype as a tagged
  record (dtype, shape, flat list).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["canonical_config", "canonical_json", "decode_result", "encode_result"]

_ARRAY_KINDS = {"b", "i", "u", "f"}


def canonical_config(config: object, name: str = "config") -> Any:
    """Return ``config`` as plain JSON data (dict/list/str/int/float/bool/None).

    Mappings must have string keys; tuples become lists; numpy integer and float
    scalars become ``int``/``float``. NaN and infinities are refused, since a
    configuration has to be a stable, exact identity.

    Raises
    ------
    TypeError
        For a value JSON cannot hold exactly (naming its path, e.g. ``config['D'][2]``).
    ValueError
        For a non-finite float.
    """
    if config is None or isinstance(config, bool | str):
        return config
    if isinstance(config, np.bool_):
        return bool(config)
    if isinstance(config, int | np.integer):
        return int(config)
    if isinstance(config, float | np.floating):
        value = float(config)
        if not math.isfinite(value):
            raise ValueError(f"`{name}` must be a finite number in a configuration; got {value!r}")
        return value
    if isinstance(config, Mapping):
        out = {}
        for k, v in config.items():
            if not isinstance(k, str):
                raise TypeError(f"`{name}` must have string keys; got key {k!r} "
                                f"({type(k).__name__})")
            out[k] = canonical_config(v, f"{name}[{k!r}]")
        return out
    if isinstance(config, list | tuple):
        return [canonical_config(v, f"{name}[{i}]") for i, v in enumerate(config)]
    raise TypeError(f"`{name}` must be JSON data (dict, list, str, int, float, bool, None); "
                    f"got {type(config).__name__}")


def canonical_json(data: object) -> str:
    """The canonical JSON text of ``data``: sorted keys, no spaces, ASCII, no NaN."""
    return json.dumps(canonical_config(data, "data"), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, allow_nan=False)


def _encode_float(x: float) -> Any:
    return x if math.isfinite(x) else {"__float__": repr(x)}


def encode_result(result: object, name: str = "result") -> Any:
    """Encode a task's result as JSON data that :func:`decode_result` restores exactly.

    Supported: ``None``, ``bool``, ``int``, ``float`` (including ``inf``/``nan``), ``str``,
    ``list``, ``tuple``, ``dict`` with string keys, numpy scalars (stored as the Python
    number) and numpy arrays of bool, integer or float dtype (stored with dtype and shape).
    """
    if result is None or isinstance(result, bool | str):
        return result
    if isinstance(result, np.ndarray):
        if result.dtype.kind not in _ARRAY_KINDS:
            raise TypeError(f"`{name}` must be an array of bool, integer or float dtype; "
                            f"got dtype {result.dtype}")
        flat = result.ravel().tolist()
        if result.dtype.kind == "f":
            flat = [_encode_float(v) for v in flat]
        return {"__ndarray__": {"dtype": result.dtype.str, "shape": list(result.shape),
                                "data": flat}}
    if isinstance(result, np.bool_):
        return bool(result)
    if isinstance(result, int | np.integer):
        return int(result)
    if isinstance(result, float | np.floating):
        return _encode_float(float(result))
    if isinstance(result, tuple):
        return {"__tuple__": [encode_result(v, f"{name}[{i}]") for i, v in enumerate(result)]}
    if isinstance(result, list):
        return [encode_result(v, f"{name}[{i}]") for i, v in enumerate(result)]
    if isinstance(result, Mapping):
        out = {}
        for k, v in result.items():
            if not isinstance(k, str) or k.startswith("__"):
                raise TypeError(f"`{name}` keys must be strings not starting with '__'; got "
                                f"{k!r}")
            out[k] = encode_result(v, f"{name}[{k!r}]")
        return out
    raise TypeError(f"`{name}` of type {type(result).__name__} cannot be cached; return JSON "
                    "data, tuples or numpy arrays (convert a dataclass with to_dict())")


def decode_result(data: Any) -> Any:
    """Inverse of :func:`encode_result`."""
    if isinstance(data, list):
        return [decode_result(v) for v in data]
    if isinstance(data, dict):
        if "__float__" in data:
            return float(data["__float__"])
        if "__tuple__" in data:
            return tuple(decode_result(v) for v in data["__tuple__"])
        if "__ndarray__" in data:
            spec = data["__ndarray__"]
            flat = [decode_result(v) for v in spec["data"]]
            return np.array(flat, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"])
        return {k: decode_result(v) for k, v in data.items()}
    return data
