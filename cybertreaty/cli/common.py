"""What every command shares: the default build folder and how a command fails."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

DEFAULT_OUT = Path("build")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `error: message` on stderr and exit (2: bad input or usage; 1: data do not conform)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)
