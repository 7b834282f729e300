"""The command-line framework shared by ``python -m asymptotics`` and ``python -m verify``.

A command is a module with ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. The framework builds the ``argparse`` sub-commands, and turns
every usage error (``argparse`` errors, ``ValueError``/``TypeError`` raised by input
validation, unreadable files) into one line on stderr and exit status 2, with no
traceback. Heavy imports belong inside ``run`` so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ["UsageError", "build_parser", "discover_commands", "main", "parse_float_list",
           "parse_int_list"]


class UsageError(Exception):
    """A user error detected by a command (exit status 2, message on one line)."""


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def parse_float_list(text: str) -> list[float]:
    """Parse ``"1,2.5,inf"`` into floats (``argparse`` type); NaN is refused."""
    out = []
    for part in text.split(","):
        part = part.strip()
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} is not a number") from None
        if value != value:
            raise argparse.ArgumentTypeError("NaN is not allowed")
        out.append(value)
    return out


def parse_int_list(text: str) -> list[int]:
    """Parse ``"16,32,64"`` into ints (``argparse`` type)."""
    out = []
    for part in text.split(","):
        part = part.strip()
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
    parser = _OneLineParser(prog=prog, description=description)
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
    """Run the command line; returns the exit status (0 ok, 1 check failed, 2 usage)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        commands = [importlib.import_module(m) for m in command_modules]
        parser = build_parser(prog, description, commands, default)
        names = {mod.NAME for mod in commands}
        if default is not None and (not argv or argv[0] not in names) \
                and not {"-h", "--help"} & set(argv[:1]):
            argv = [default, *argv]   # `prog [options] [args]` runs the default command
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except (UsageError, ValueError, TypeError, OSError) as exc:
        if os.environ.get("SCALING_TOOLKIT_DEBUG"):
            raise
        message = str(exc).replace("\n", " ")
        if not message.startswith(prog):
            message = f"{prog}: error: {message}"
        print(message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
