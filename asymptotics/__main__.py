"""``python -m asymptotics``: derive exponents and predict learning curves from the theory."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from asymptotics._lib.cli import discover_commands
from asymptotics._lib.cli import main as _main

DESCRIPTION = ("The theory half of the scaling-law toolkit: exponents of every regime of "
               "'Explaining Neural Scaling Laws' and learning curves at any precision.")


def main(argv: Sequence[str] | None = None) -> int:
    return _main("asymptotics", DESCRIPTION, discover_commands("asymptotics.commands"), argv)


if __name__ == "__main__":
    sys.exit(main())
