"""A progress bar on stderr: tqdm when it is installed and stderr is a terminal, else silent.

tqdm is an optional dependency (the ``progress`` extra). Output redirected to a file or
a pipe (CI logs, ``--json`` consumers) stays clean because the bar is then disabled.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from asymptotics._lib.validation import check_int

__all__ = ["ProgressBar", "progress", "progress_enabled"]

T = TypeVar("T")


def progress_enabled(stream: Any = None) -> bool:
    """True when tqdm is importable and ``stream`` (default ``sys.stderr``) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        isatty = bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
    if not isatty:
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


class ProgressBar:
    """A context manager with ``update(n)``; a no-op unless :func:`progress_enabled`.

    Parameters
    ----------
    total : int
        Number of steps expected (non-negative).
    desc : str
        A short label shown before the bar.
    enabled : bool, optional
        Force the bar on or off; by default :func:`progress_enabled` decides.
    """

    def __init__(self, total: int, desc: str = "", *, enabled: bool | None = None) -> None:
        self.total = check_int("total", total, minimum=0)
        if not isinstance(desc, str):
            raise TypeError(f"`desc` must be a string; got {desc!r}")
        self.desc = desc
        self.enabled = progress_enabled() if enabled is None else bool(enabled)
        self.count = 0
        self._bar: Any = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from tqdm import tqdm
            self._bar = tqdm(total=self.total, desc=self.desc, file=sys.stderr, leave=False)
        return self

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        n = check_int("n", n, minimum=0)
        self.count += n
        if self._bar is not None:
            self._bar.update(n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "",
             enabled: bool | None = None) -> Iterator[T]:
    """Iterate over ``iterable`` with a progress bar when one can be shown.

    ``total`` defaults to ``len(iterable)`` when it has one (else 0: the bar just counts).
    """
    if total is None:
        total = len(iterable) if hasattr(iterable, "__len__") else 0  # type: ignore[arg-type]
    with ProgressBar(total, desc, enabled=enabled) as bar:
        for item in iterable:
            yield item
            bar.update(1)
