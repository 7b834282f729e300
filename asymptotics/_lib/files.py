"""Atomic file writes: the one way the toolkit writes a file it or its user reads back.

A file is written to a temporary file in the same directory (created with ``O_EXCL``),
flushed and ``fsync``-ed, then moved over its final name with ``os.replace``, so a reader
sees the old file or the new one, never half of one; on any failure the temporary file is
removed and an existing file is left untouched. The file gets the mode ``open()`` would give
(``0o666 & ~umask``). The directory itself is not ``fsync``-ed after the rename: that would
only make the rename survive a power cut (a missing result is recomputed, never torn).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["TMP_SUFFIX", "atomic_write"]

#: Every temporary file ends so; no final name the toolkit writes does.
TMP_SUFFIX = ".tmp"


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_read_umask()  # what open() would give; mkstemp alone gives 0o600


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, ``os.replace``).

    Text is encoded as UTF-8. Returns ``path`` as a :class:`~pathlib.Path`.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _FILE_MODE)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path
