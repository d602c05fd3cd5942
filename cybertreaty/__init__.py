"""cybertreaty: a knowledge graph and SPARQL service about the UN Convention against Cybercrime."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cybertreaty")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
