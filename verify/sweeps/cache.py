"""The on-disk result cache of a sweep: canonical keys, an exact JSON codec, atomic writes.

A sweep (``verify.sweeps.run``) stores one file per completed configuration, so a sweep that is
killed resumes where it stopped (docs/sweeps.md, "The cache").

* **Key.** ``key = sha256(canonical_json({"config": c, "task": t, "version": v}))``
  (docs/sweeps.md (SW.1)): the canonical JSON has sorted keys, no spaces, ASCII only and
  no NaN/infinity, so equal configurations written in any key order, with tuples or lists,
  give the same key; a new toolkit version or another task gives another key.
* **Digest.** Every file stores ``sha256(canonical_json(result))`` of its encoded result
  (docs/sweeps.md (SW.4)); :meth:`SweepCache.load` checks it, the key and the arrays' dtypes
  on every read and rejects a file that fails (one line on stderr; recomputed).
* **Format: JSON, not .npz.** Python writes a float with ``repr``, the shortest string that
  reads back to the same double, so every float round-trips bit for bit; the file is
  readable by any tool, carries its own configuration (a cache can be audited without the
  code), and loading it runs no code (no pickle). Numpy arrays are stored as a tagged
  record (dtype, shape, flat list); non-finite floats as tagged strings, because strict JSON
  has no infinity (``inf`` and ``-inf`` exactly; a NaN stays a NaN but loses its sign and
  payload bits, which no computation here gives meaning to). The ``.npz`` alternative would only pay off for results of millions of
  numbers, which a sweep's per-configuration summaries are not.
* **Atomic writes.** A result is written by the toolkit's one atomic writer,
  ``asymptotics._lib.files.atomic_write``: to a temporary file in the cache directory
  (``.<key>.json.<random>.tmp``, created with ``O_EXCL``, a name no result has), flushed,
  ``fsync``-ed, then renamed over its final name with ``os.replace`` (atomic on POSIX and
  Windows). A reader therefore sees either no file or a complete one; a temporary file left
  by a killed writer is never read as a result. The directory is not ``fsync``-ed after the
  rename: that would only make the rename itself survive a power cut (without it, the result
  may be missing afterwards and is recomputed, never torn), and it doubled the cost of a
  write (measured: 13 ms per result with it on this project's machine).
* **One owner.** The :class:`SweepCache` object is the only code that creates, writes or
  removes anything in its directory (:meth:`SweepCache.discard_if_unused` removes a
  directory it created and never wrote to).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asymptotics._lib.codec import canonical_config, canonical_json, decode_result, encode_result
from asymptotics._lib.files import TMP_SUFFIX, atomic_write

__all__ = [
    "CACHE_FORMAT",
    "CacheEntry",
    "SweepCache",
    "canonical_config",
    "canonical_json",
    "config_key",
    "decode_result",
    "encode_result",
    "result_digest",
]

#: Version of the file layout below; part of every file, checked on read.
CACHE_FORMAT = 2  # 2: the result's digest (SW.4); format-1 files are recomputed

_RESULT_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
#: Temporaries: atomic_write's ``.<key>.json.<random>.tmp``, and ``.tmp-*.part`` written by
#: the cache's former writer (toolkit versions before the one writer; still listed).
_TMP_NAME = re.compile(r"^\.[0-9a-f]{64}\.json\..+" + re.escape(TMP_SUFFIX) + r"$"
                       r"|^\.tmp-.*\.part$")


def config_key(config: Mapping[str, Any], task: str, version: str) -> str:
    """The cache key of ``config`` run by ``task`` under toolkit ``version`` (hex sha256).

    docs/sweeps.md (SW.1)
    """
    text = canonical_json({"config": config, "task": task, "version": version})
    return hashlib.sha256(text.encode("ascii")).hexdigest()  # docs/sweeps.md (SW.1)


# ---------------------------------------------------------------- the store
@dataclass(frozen=True)
class CacheEntry:
    """One cached result as read from disk.

    Attributes
    ----------
    key : str
        The file's key (its name without ``.json``), equal to (SW.1) of the fields below.
    task, version : str
        The task's ``module:qualname`` and the toolkit version that produced the result.
    config : dict
        The canonical configuration.
    result : Any
        The decoded result.
    """

    key: str
    task: str
    version: str
    config: Any
    result: Any


class SweepCache:
    """A directory of cached results, one ``<key>.json`` file per configuration.

    Parameters
    ----------
    directory : str or os.PathLike
        Created (with parents) if missing.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        if not isinstance(directory, str | os.PathLike):
            raise TypeError(f"`cache_dir` must be a path; got {type(directory).__name__}")
        self.directory = Path(directory)
        self._created_root: Path | None = None  # the topmost directory this object makes
        for folder in (self.directory, *self.directory.parents):
            if folder.exists():
                break
            self._created_root = folder
        self.directory.mkdir(parents=True, exist_ok=True)
        #: one line per cached file rejected by :meth:`load` (also printed to stderr)
        self.rejected: list[str] = []

    @property
    def created(self) -> bool:
        """Whether this object created the directory (it did not exist before)."""
        return self._created_root is not None

    def discard_if_unused(self) -> bool:
        """Remove the directory, and the parents this object created with it, if it holds
        nothing; returns whether it did (a sweep refused before any result leaves no
        directory behind). A directory that existed before is never removed."""
        if self._created_root is None or any(self.directory.iterdir()):
            return False
        folder = self.directory
        while True:
            folder.rmdir()  # only ever an empty directory
            if folder == self._created_root or any(folder.parent.iterdir()):
                break
            folder = folder.parent
        self._created_root = None
        return True

    def path(self, key: str) -> Path:
        """The file that holds ``key``'s result."""
        return self.directory / f"{key}.json"

    def keys(self) -> list[str]:
        """The keys of every result file (temporary files are never listed)."""
        return sorted(p.name[:-5] for p in self.directory.iterdir() if _RESULT_NAME.match(p.name))

    def temporaries(self) -> list[Path]:
        """Temporary files left by interrupted writers (harmless; safe to delete when idle)."""
        return sorted(p for p in self.directory.iterdir() if _TMP_NAME.match(p.name))

    def load(self, key: str) -> CacheEntry | None:
        """The entry for ``key``, or None if absent or rejected.

        A file that does not parse, has another format, whose configuration does not hash to
        its name (SW.1), or whose result does not hash to its stored digest (SW.4) is
        rejected: one line on stderr names the file and the reason, the rejection is kept in
        :attr:`rejected`, and the result is recomputed and replaced atomically. An edited
        number, a result replaced by a string, a NaN written in, or an array of text dtype
        is never served.
        """
        path = self.path(key)
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            return self._reject(path, f"unreadable ({type(exc).__name__})")
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
                return self._reject(path, f"not cache format {CACHE_FORMAT}")
            if config_key(data["config"], data["task"], data["version"]) != key:
                return self._reject(path, "its configuration does not hash to its name (SW.1)")
            if data.get("digest") != result_digest(data["result"]):
                return self._reject(path, "its result does not match its digest (SW.4)")
            bad = _non_numeric_array(data["result"])
            if bad is not None:
                return self._reject(path, f"an array of dtype {bad!r}")
            entry = CacheEntry(key, data["task"], data["version"], data["config"],
                               decode_result(data["result"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return self._reject(path, f"malformed ({type(exc).__name__})")
        return entry

    def _reject(self, path: Path, why: str) -> None:
        line = f"verify sweep: cached result {path.name} rejected: {why}; recomputing"
        self.rejected.append(line)
        print(line, file=sys.stderr)
        return None

    def store(self, key: str, task: str, version: str, config: Any, encoded: Any) -> Path:
        """Write an already-encoded result atomically, with its digest (SW.4); returns the
        final path."""
        # no sort_keys: a result dict keeps its key order, so a cached result equals a fresh one
        text = json.dumps({"format": CACHE_FORMAT, "key": key, "task": task, "version": version,
                           "config": config, "digest": result_digest(encoded),
                           "result": encoded},
                          indent=1, ensure_ascii=True, allow_nan=False) + "\n"
        return atomic_write(self.path(key), text)


def result_digest(encoded: Any) -> str:
    """``sha256(canonical_json(result))`` of an encoded result, in hex: docs/sweeps.md (SW.4).

    The canonical JSON sorts keys, so the digest does not depend on the result's key order.
    """
    return hashlib.sha256(canonical_json(encoded).encode("ascii")).hexdigest()  # (SW.4)


_NUMERIC_KINDS = frozenset("biufc")


def _non_numeric_array(data: Any) -> str | None:
    """The dtype of the first tagged array in an encoded result that is not boolean or
    numeric (a text or object array is no result of a task here), else None."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            spec = item.get("__ndarray__")
            if isinstance(spec, dict):
                dtype = str(spec.get("dtype"))
                try:
                    kind = np.dtype(dtype).kind
                except TypeError:
                    return dtype
                if kind not in _NUMERIC_KINDS:
                    return dtype
            stack.extend(item.values())
    return None
