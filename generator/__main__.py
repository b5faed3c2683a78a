"""Allow `python -m generator`."""

from .cli import cli

cli()
