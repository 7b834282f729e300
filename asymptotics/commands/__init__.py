"""Sub-commands of ``python -m asymptotics``: one module per command (see ``asymptotics._lib.cli``)."""
