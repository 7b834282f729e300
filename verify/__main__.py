"""``python -m verify``: check the theory against simulation; with no arguments, the default report."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from asymptotics._lib.cli import discover_commands
from asymptotics._lib.cli import main as _main

DESCRIPTION = ("The laboratory of the scaling-law toolkit: simulate, fit, compare and report. "
               "With no arguments it runs the default verification report.")


def main(argv: Sequence[str] | None = None) -> int:
    commands = discover_commands("verify.commands")
    default = "report" if "verify.commands.report" in commands else None
    return _main("verify", DESCRIPTION, commands, argv, default=default)


if __name__ == "__main__":
    sys.exit(main())
