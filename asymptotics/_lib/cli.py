"""The command-line framework shared by ``python -m asymptotics`` and ``python -m verify``.

A command is a module with ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. The framework builds the ``argparse`` sub-commands, and turns
every usage error (``argparse`` errors, ``ValueError``/``TypeError`` raised by input
validation, unreadable files) into one line on stderr and exit status 2, with no
traceback. A failure to *write* (no space left, read-only file system, file too large,
quota exceeded, an I/O error) is not a usage error: it exits with :data:`EXIT_IO` (3) and
one line naming the file. ``--version`` prints the toolkit's version. Heavy imports
belong inside ``run`` so ``--help`` stays fast.

Exit statuses: 0 success, 1 a check failed (a disagreement), 2 usage error, 3 I/O failure
(:data:`EXIT_IO`), 130 interrupted.

Size lists (:func:`parse_float_list`, :func:`parse_int_list`) take comma-separated values
and ranges: ``10:1e6:25log`` is 25 points spaced evenly in log from 10 to 10^6 (both ends
included), ``10:100:10`` is 10, 20, ..., 100 (the stop included when the steps reach it).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import math
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ["EXIT_IO", "MAX_RANGE_POINTS", "UsageError", "build_parser", "discover_commands",
           "main", "parse_float_list", "parse_int_list", "parse_range"]

#: Exit status of a failed write (ENOSPC, EROFS, EFBIG, EDQUOT, EIO); 2 is usage errors.
EXIT_IO = 3
#: The most points one range may expand to (a typo such as ``1:1e9:1`` is refused).
MAX_RANGE_POINTS = 100_000
_IO_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EFBIG, errno.EDQUOT, errno.EIO}


class UsageError(Exception):
    """A user error detected by a command (exit status 2, message on one line)."""


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _number(part: str, where: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{part!r} is not a number{where}") from None
    if value != value:
        raise argparse.ArgumentTypeError(f"NaN is not allowed{where}")
    return value


def parse_range(text: str) -> list[float]:
    """Expand one range: ``START:STOP:Nlog`` (N points evenly spaced in log, both ends
    included) or ``START:STOP:STEP`` (START, START + STEP, ... up to STOP).

    Errors say which rule the range broke: three parts, finite numbers, START < STOP, a
    positive STEP, START > 0 and an integer N >= 2 for a log range, at most
    :data:`MAX_RANGE_POINTS` points.
    """
    parts = [p.strip() for p in text.split(":")]
    where = f" in the range {text!r}"
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"a range must be START:STOP:STEP or START:STOP:Nlog; "
                                         f"got {text!r}")
    start, stop = _number(parts[0], where), _number(parts[1], where)
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise argparse.ArgumentTypeError(f"a range's START and STOP must be finite; got {text!r}")
    if not start < stop:
        raise argparse.ArgumentTypeError(f"a range needs START < STOP; got {text!r}")
    if parts[2].lower().endswith("log"):
        count = parts[2][:-3].strip()
        if not count.isdigit() or int(count) < 2:
            raise argparse.ArgumentTypeError(f"a log range's point count must be an integer "
                                             f">= 2 (e.g. 10:1e6:25log); got {text!r}")
        n = int(count)
        if start <= 0:
            raise argparse.ArgumentTypeError(f"a log range needs START > 0; got {text!r}")
        if n > MAX_RANGE_POINTS:
            raise argparse.ArgumentTypeError(f"a range may have at most {MAX_RANGE_POINTS} "
                                             f"points; got {n} from {text!r}")
        lo, hi = math.log(start), math.log(stop)
        values = [math.exp(lo + (hi - lo) * i / (n - 1)) for i in range(n)]
        values[0], values[-1] = start, stop      # the ends exactly as written
        return values
    step = _number(parts[2], where)
    if not (math.isfinite(step) and step > 0):
        raise argparse.ArgumentTypeError(f"a range's STEP must be a positive number (or Nlog); "
                                         f"got {text!r}")
    n = math.floor((stop - start) / step * (1 + 1e-12)) + 1
    if n > MAX_RANGE_POINTS:
        raise argparse.ArgumentTypeError(f"a range may have at most {MAX_RANGE_POINTS} points; "
                                         f"{text!r} has {n}")
    return [start + i * step for i in range(n)]


def parse_float_list(text: str) -> list[float]:
    """Parse ``"1,2.5,inf"`` into floats (``argparse`` type); NaN is refused.

    An item may be a range (:func:`parse_range`): ``"10:1e6:25log"``, ``"10:100:10"``.
    """
    out: list[float] = []
    for part in text.split(","):
        part = part.strip()
        if ":" in part:
            out += parse_range(part)
        else:
            out.append(_number(part, ""))
    return out


def parse_int_list(text: str) -> list[int]:
    """Parse ``"16,32,64"`` into ints (``argparse`` type).

    An item may be a range (:func:`parse_range`); a log range's points are rounded to the
    nearest integer and repeats dropped (``1:10:20log`` has 10 distinct integers), and a
    linear range must have integer START and STEP.
    """
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if ":" in part:
            values = parse_range(part)
            if not part.lower().endswith("log") and not all(float(v).is_integer()
                                                            for v in values):
                raise argparse.ArgumentTypeError(f"a range of integers needs integer START "
                                                 f"and STEP; got {part!r}")
            out += [n for n in dict.fromkeys(round(v) for v in values) if n not in out]
            continue
        try:
            out.append(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} is not an integer") from None
    return out


def discover_commands(package: str) -> list[str]:
    """The command modules of ``package`` (every public module in it), sorted by name."""
    pkg = importlib.import_module(package)
    return sorted(f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)
                  if not m.name.startswith("_"))


def build_parser(prog: str, description: str, commands: Sequence[ModuleType],
                 default: str | None = None) -> argparse.ArgumentParser:
    from asymptotics import __version__

    parser = _OneLineParser(prog=prog, description=description)
    parser.add_argument("--version", action="version", version=f"{prog} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                parser_class=_OneLineParser)
    for mod in commands:
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    parser.set_defaults(_default=default)
    return parser


def main(prog: str, description: str, command_modules: Sequence[str],
         argv: Sequence[str] | None = None, default: str | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 check failed, 2 usage, 3 a
    failed write: :data:`EXIT_IO`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        commands = [importlib.import_module(m) for m in command_modules]
        parser = build_parser(prog, description, commands, default)
        names = {mod.NAME for mod in commands}
        if default is not None and (not argv or argv[0] not in names) \
                and not {"-h", "--help", "--version"} & set(argv[:1]):
            argv = [default, *argv]   # `prog [options] [args]` runs the default command
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except OSError as exc:
        if os.environ.get("SCALING_TOOLKIT_DEBUG"):
            raise
        if exc.errno not in _IO_ERRNOS:
            print(_one_line(prog, exc), file=sys.stderr)
            return 2
        where = f" {exc.filename!s}" if exc.filename else ""
        print(f"{prog}: error: cannot write{where}: {os.strerror(exc.errno)} "
              f"(errno {errno.errorcode.get(exc.errno, exc.errno)}); nothing was left half "
              f"written", file=sys.stderr)
        return EXIT_IO
    except (UsageError, ValueError, TypeError) as exc:
        if os.environ.get("SCALING_TOOLKIT_DEBUG"):
            raise
        print(_one_line(prog, exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


def _one_line(prog: str, exc: BaseException) -> str:
    message = str(exc).replace("\n", " ")
    return message if message.startswith(prog) else f"{prog}: error: {message}"
