"""Regenerate the parts of README.md that mirror code: settings, command help, named API queries.

    python -m cybertreaty.readme          # rewrite README.md in place
    python -m cybertreaty.readme --check  # exit 1 if README.md is out of date (tests/test_readme.py)

Each generated part sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers, so the
prose around it stays hand-written while the reference cannot drift from the code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from cybertreaty.cli import main as cli_main
from cybertreaty.service.registry import packaged_registry
from cybertreaty.settings import settings_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def _commands(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
    for name in sorted(group.commands):
        command = group.commands[name]
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def cli_markdown() -> str:
    blocks = []
    for path, command in _commands(cli_main, "cybertreaty"):
        context = click.Context(
            command,
            info_name=path,
            terminal_width=100,
            max_content_width=100,
            help_option_names=["-h", "--help"],  # as the group sets for every command
        )
        blocks.append(f"#### `{path}`\n\n```\n{command.get_help(context)}\n```\n")
    return "\n".join(blocks)


def api_markdown() -> str:
    lines = ["| route | answers | example |", "|---|---|---|"]
    for query in sorted(packaged_registry().queries, key=lambda q: q.path):
        example = query.example_request()
        lines.append(
            f"| `GET {query.path}` | {query.summary} | [`{example}`](http://127.0.0.1:8000{example}) |"
        )
    return "\n".join(lines) + "\n"


SECTIONS: dict[str, Callable[[], str]] = {
    "settings": settings_markdown,
    "cli": cli_markdown,
    "api": api_markdown,
}


def _between_markers(made: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + made + m.group(2)


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- {name}:start --> … <!-- {name}:end --> markers")
        text = pattern.sub(_between_markers(make()), text)
    return text


def main() -> None:
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in sys.argv[1:]:
        if wanted != current:
            print("README.md is out of date: run `python -m cybertreaty.readme`", file=sys.stderr)
            sys.exit(1)
        return
    README.write_text(wanted, encoding="utf-8")


if __name__ == "__main__":
    main()
