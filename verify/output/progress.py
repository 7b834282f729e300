"""Progress on stderr: a tqdm bar on a terminal, one line per finished step elsewhere.

tqdm is an optional dependency (the ``progress`` extra). When stderr is not a terminal (CI
logs, ``--json`` consumers) no bar is drawn; the report command prints one liveness line
per scenario instead (:func:`liveness_line`), so a long run is never silent for minutes.

Long computations advance the bar from inside through :func:`tick`: code that loops over
points (a sweep over sizes, seeds, ranks) calls ``tick(done, of=total)`` and the innermost
active :class:`ProgressBar` moves by that fraction of its current step. Outside a bar
:func:`tick` does nothing and costs a function call, so library code may call it freely.
The bar shows no ETA: scenarios differ in cost by orders of magnitude, and a rate-based
estimate read "00:00" during the slowest one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from asymptotics._lib.validation import check_int

__all__ = ["ProgressBar", "liveness_line", "progress", "progress_enabled", "tick"]

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


#: The active bars, innermost last (``tick`` moves the innermost).
_ACTIVE: list[ProgressBar] = []
#: Units of the underlying bar per step: ``tick`` moves it by fractions of a step.
_UNITS = 1000


def tick(done: int = 1, *, of: int | None = None) -> None:
    """Report progress within the current step of the innermost active bar.

    ``tick(k, of=n)``: ``k`` of the ``n`` points of the current step are done (absolute,
    so calling it again with the same ``k`` does not advance); ``tick()`` without ``of``
    only refreshes the bar. A no-op when no bar is active.
    """
    if not _ACTIVE:
        return
    _ACTIVE[-1].within(done, of)


class ProgressBar:
    """A context manager with ``update(n)`` (whole steps) and ``within(k, n)`` (a fraction
    of the current step, what :func:`tick` calls); draws nothing unless enabled.

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
        self.fraction = 0.0     # of the current step, from tick()
        self.current = ""
        self._bar: Any = None
        self._shown = 0         # units shown by the underlying bar

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from tqdm import tqdm
            self._bar = tqdm(total=self.total * _UNITS, desc=self.desc, file=sys.stderr,
                             leave=False, bar_format="{desc}: {percentage:3.0f}%|{bar}| "
                                                     "[{elapsed}]{postfix}")
            self._postfix()
        _ACTIVE.append(self)
        return self

    def _postfix(self, detail: str = "") -> None:
        if self._bar is None:
            return
        text = f"{self.count}/{self.total}"
        if self.current:
            text += f" {self.current}"
        if detail:
            text += f" ({detail})"
        self._bar.set_postfix_str(text, refresh=False)

    def _show(self) -> None:
        units = min(self.total * _UNITS, int((self.count + min(self.fraction, 0.999)) * _UNITS))
        if self._bar is not None and units > self._shown:
            self._bar.update(units - self._shown)
            self._shown = units
        elif self._bar is not None:
            self._bar.refresh()

    def start(self, name: str) -> None:
        """Name the step now running (shown after the count)."""
        if not isinstance(name, str):
            raise TypeError(f"`name` must be a string; got {name!r}")
        self.current, self.fraction = name, 0.0
        self._postfix()
        self._show()

    def within(self, done: int, of: int | None = None) -> None:
        """``done`` of ``of`` points of the current step are finished."""
        done = check_int("done", done, minimum=0)
        if of is not None:
            of = check_int("of", of, minimum=1)
            self.fraction = max(self.fraction, min(done, of) / of)
            self._postfix(f"{min(done, of)}/{of}")
        self._show()

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` whole steps."""
        n = check_int("n", n, minimum=0)
        self.count += n
        self.fraction, self.current = 0.0, ""
        self._postfix()
        self._show()

    def __exit__(self, *exc: object) -> None:
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def liveness_line(index: int, total: int, name: str, seconds: float, verdict: str) -> str:
    """The line printed on stderr after each scenario when no bar can be drawn:
    ``verify: [3/9] rf-resolution-D-aK1 agree (1.2 s)``."""
    return f"verify: [{index}/{total}] {name} {verdict} ({seconds:.1f} s)"


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
