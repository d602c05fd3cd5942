"""The `cybertreaty` command line. Each area's commands live in their own module.

Exit codes: 0 success (for validate: the graph conforms), 1 the data do not conform,
2 the input could not be read or the command was used wrongly.
"""

from __future__ import annotations

import click

from cybertreaty import __version__
from cybertreaty.cli import curation_commands, graph_commands, serve_commands, wikidata_commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cybertreaty")
def main() -> None:
    """Build, check, query and serve the cybertreaty knowledge graph."""


COMMANDS = (
    graph_commands.build,
    graph_commands.validate,
    graph_commands.query,
    serve_commands.serve,
    serve_commands.load,
    wikidata_commands.wikidata,
    curation_commands.import_,
    curation_commands.diff,
    curation_commands.release,
)
for command in COMMANDS:
    main.add_command(command)
