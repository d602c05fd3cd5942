"""Build the graph from data/: read every curated file, then write the dumps and the store.

Everything is read and checked before anything is written, and the output is written to a
temporary folder that replaces the old one only when complete: a failed build leaves the
previous build untouched.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat

from cybertreaty.graph import read_actions, read_facts, read_registry, read_votes
from cybertreaty.graph.claims import Claims, Registry, iri, typed
from cybertreaty.graph.describe import Dump, describe
from cybertreaty.graph.errors import BuildError
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.vocab import ONTOLOGY_IRI, PREFIXES, PROV
from cybertreaty.paths import ontology_file

# Registry files first: every later file refers to the ids they define.
FILE_READERS = (
    ("sources.csv", read_registry.read_sources),
    ("places.csv", read_registry.read_places),
    ("states.csv", read_registry.read_states),
    ("organisations.csv", read_registry.read_organisations),
    ("instruments.csv", read_registry.read_instruments),
    ("wikidata_links.csv", read_registry.read_wikidata_links),
    ("instrument_facts.csv", read_facts.read_instrument_facts),
    ("ceremonies.csv", read_facts.read_ceremonies),
    ("memberships.csv", read_facts.read_memberships),
    ("vote_events.csv", read_votes.read_vote_events),
    ("votes.csv", read_votes.read_votes),
    ("reported_counts.csv", read_facts.read_reported_counts),
)

# The dump files, by name, with their media types; the store sits beside them in store/.
DUMP_FORMATS = (
    ("cybertreaty.nq", RdfFormat.N_QUADS),
    ("cybertreaty.trig", RdfFormat.TRIG),
    ("cybertreaty.ttl", RdfFormat.TURTLE),
    ("cybertreaty.jsonld", RdfFormat.JSON_LD),
)
VOID_FILE = "void.ttl"
STORE_DIR = "store"


@dataclass(frozen=True)
class BuildResult:
    out: Path
    quads: int
    graphs: int
    dumps: tuple[Dump, ...]


def assemble(data_dir: Path, iris: Iris, built: dt.datetime) -> list[Quad]:
    """All quads of the dataset, sorted so that every build of the same data is identical."""
    registry, claims = Registry(iris), Claims(iris)
    for filename, reader in FILE_READERS:
        reader(data_dir / filename, registry, claims)
    read_actions.read_actions(data_dir, registry, claims)
    quads = set(claims.quads)
    quads |= set(ontology_quads())
    quads |= set(_graph_provenance(quads, iris, built))
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def ontology_quads() -> list[Quad]:
    """The ontology as one named graph, so SPARQL users can read class and property labels."""
    graph = NamedNode(ONTOLOGY_IRI)
    with ontology_file().open("rb") as handle:
        return [
            Quad(t.subject, t.predicate, t.object, graph) for t in pyoxigraph.parse(handle, RdfFormat.TURTLE)
        ]


def _graph_provenance(quads: set[Quad], iris: Iris, built: dt.datetime) -> list[Quad]:
    meta = iris.meta_graph()
    stamp = typed(built.isoformat(timespec="seconds").replace("+00:00", "Z"), "dateTime")
    graphs = {q.graph_name for q in quads if isinstance(q.graph_name, NamedNode)}
    return [
        Quad(graph, iri(PROV.generatedAtTime), stamp, meta)
        for graph in graphs
        if graph.value.startswith(iris.base + "graph/source/")
    ]


def build(
    data_dir: Path,
    out: Path,
    iris: Iris,
    *,
    check: Callable[[Sequence[Quad]], None] | None = None,
    built: dt.datetime | None = None,
) -> BuildResult:
    """Read data_dir, then write dumps, VoID and the store to out, replacing it only on success.

    `check` (e.g. SHACL validation) sees the quads before anything is written and may raise to
    stop the build.
    """
    built = built or _build_time()
    quads = assemble(data_dir, iris, built)
    if check is not None:
        check(quads)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        dumps = write_dumps(quads, staging)
        void = describe(quads, iris, dumps, built)
        pyoxigraph.serialize(void, staging / VOID_FILE, RdfFormat.TURTLE, prefixes=_prefixes())
        write_store(quads, staging / STORE_DIR)
        _replace(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"cannot write the build to {out}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    graphs = len({q.graph_name for q in quads})
    return BuildResult(out, len(quads), graphs, tuple(dumps))


def write_dumps(quads: Sequence[Quad], folder: Path) -> list[Dump]:
    dumps = []
    for filename, fmt in DUMP_FORMATS:
        path = folder / filename
        if fmt.supports_datasets:
            pyoxigraph.serialize(quads, path, fmt, prefixes=_prefixes())
        else:  # Turtle holds one graph: the union of all named graphs
            triples = sorted({q.triple for q in quads}, key=str)
            pyoxigraph.serialize(triples, path, fmt, prefixes=_prefixes())
        dumps.append(Dump(filename, fmt.media_type, path.stat().st_size))
    packed = folder / "cybertreaty.nq.gz"
    # mtime=0 keeps the archive identical across builds of the same data.
    with (
        (folder / "cybertreaty.nq").open("rb") as source,
        packed.open("wb") as raw,
        gzip.GzipFile(filename="cybertreaty.nq", mode="wb", fileobj=raw, mtime=0) as target,
    ):
        shutil.copyfileobj(source, target)
    dumps.append(Dump(packed.name, "application/n-quads", packed.stat().st_size, "application/gzip"))
    return dumps


def fill_store(store: pyoxigraph.Store, quads: Sequence[Quad]) -> None:
    """Put the named graphs in the store and, as its default graph, their merge.

    Oxigraph's own union-default-graph mode answers with one row per graph a triple is in (a bag),
    which would double-count facts that several sources support; a materialised merge is a set,
    which is what sd:UnionDefaultGraph promises.
    """
    store.bulk_extend(quads)
    store.bulk_extend(
        Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in {q.triple for q in quads}
    )


def write_store(quads: Sequence[Quad], path: Path) -> None:
    store = pyoxigraph.Store(str(path))
    fill_store(store, quads)
    store.flush()
    store.optimize()
    del store  # closes the database so the folder can be renamed into place


def _replace(staging: Path, out: Path) -> None:
    """Swap staging in for out; the old build is removed only after the new one is in place."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        if old.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _prefixes() -> dict[str, str]:
    return dict(PREFIXES)


def _build_time() -> dt.datetime:
    # SOURCE_DATE_EPOCH makes builds byte-for-byte reproducible (reproducible-builds.org).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
