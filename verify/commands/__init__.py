"""Sub-commands of ``python -m verify``: one module per command (see ``asymptotics._lib.cli``)."""
