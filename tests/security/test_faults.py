"""Faults: the server killed with SIGKILL while updates run, imports killed at any moment, a full disk
under build and release, and a query worker killed mid-query. After each: the store opens, every
update is there whole or not at all, the data validate, and queries are answered again.

The full disk is a small tmpfs mounted for the test when the process may mount one (root with
CAP_SYS_ADMIN, as in `make test` and CI); elsewhere the same tests run under RLIMIT_FSIZE, which
makes a write past the limit fail with EFBIG instead of ENOSPC (the test prints which).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from cybertreaty.errors import EngineStopped
from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.settings import Settings
from tests.security.conftest import BASE, SIMPLE, real_settings, recovered, serving
from tests.service.servers import free_port, wait_until

CLI = [sys.executable, "-c", "from cybertreaty.cli import main; main()"]
TOKEN = "fault-test-token-0123456789abcdef"
EX = "http://example.org/fault/"
BATCH = 40  # triples per update: all of them or none must be in the store
MINIMAL = Path(__file__).parents[1] / "graph" / "data" / "minimal"
CONSENTS = "type,actor,instrument,date,entry_into_force,reservations,sources,quote,doubt,note"
ROW = "ratification,VNM,uncc,2025-11-03,,,untc-xviii-16,,,"


def run_cli(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in a child process; with ``limit``, no file it writes may pass that size."""

    def limited() -> None:
        # Without this the kernel kills the writer with SIGXFSZ; ignored, the write fails with EFBIG.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit or 0, limit or 0))

    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=300, preexec_fn=limited if limit else None
    )


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def children(pid: int) -> set[int]:
    """Direct child processes of ``pid``."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def descendants(pid: int) -> set[int]:
    """Child processes of ``pid``, theirs, and so on (query workers are the zygote's children)."""
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- SIGKILL of the server during SPARQL updates -------------------------------------------------


@dataclass
class Server:
    """`cybertreaty serve` as a real process with updates enabled on ``update_dir``."""

    store: Path
    update_dir: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def start(self) -> None:
        env = {
            **os.environ,
            "CYBERTREATY_STORE": str(self.store),
            "CYBERTREATY_PORT": str(self.port),
            "CYBERTREATY_BASE_IRI": BASE,
            "CYBERTREATY_UPDATE_TOKEN": TOKEN,
            "CYBERTREATY_UPDATE_DIR": str(self.update_dir),
            "CYBERTREATY_WORKERS": "1",
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([*CLI, "serve"], env=env, stdout=log, stderr=log)
        wait_until(lambda: httpx.get(self.sparql, params={"query": SIMPLE}).status_code == 200, 60, "serve")

    def kill(self) -> set[int]:
        """SIGKILL the server process alone, as an OOM kill would; returns the children it left."""
        assert self.process is not None
        left = descendants(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(30) == -signal.SIGKILL
        return left


def batch_update(k: int) -> str:
    triples = " ".join(f"<{EX}batch/{k}> <{EX}item/{j}> {j} ." for j in range(BATCH))
    return f"INSERT DATA {{ GRAPH <{EX}graph/{k}> {{ {triples} }} }}"


COUNTS = (
    f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{EX}')) }} "
    "GROUP BY ?g"
)


def batches(client: httpx.Client, sparql: str) -> dict[int, int]:
    """Triples in each test graph, by batch number."""
    response = client.get(sparql, params={"query": COUNTS}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    rows = [line.split(",") for line in response.text.splitlines()[1:]]
    return {int(g.rsplit("/", 1)[1]): int(n) for g, n in rows}


def test_server_killed_during_updates(real_build: Path, tmp_path: Path, client: httpx.Client) -> None:
    server = Server(real_build / "store", tmp_path / "updates", tmp_path / "serve.log")
    acknowledged: set[int] = set()
    attempted: set[int] = set()
    # Each update takes ~2-3 s (copy, apply, SHACL over the whole graph, publish): the kills land
    # early (copying the store), midway (SHACL) and late (publishing, reloading the workers).
    for round_number, delay in enumerate((0.3, 1.3, 2.3)):
        server.start()
        assert recovered(client, server.sparql)
        if round_number == 0:  # a wrong token is refused without echoing what was sent
            wrong = client.post(
                server.sparql, data={"update": batch_update(0)}, headers={"Authorization": f"Bearer {TOKEN}x"}
            )
            assert wrong.status_code == 403 and TOKEN not in wrong.text
            assert client.post(server.sparql, data={"update": batch_update(0)}).status_code == 401
        counts = batches(client, server.sparql)
        assert set(counts.values()) <= {BATCH}, f"a torn update after round {round_number}: {counts}"
        assert acknowledged <= set(counts), "an acknowledged update was lost"
        stop = threading.Event()
        started = threading.Event()

        def updates(first: int, stop: threading.Event = stop, started: threading.Event = started) -> None:
            with httpx.Client(timeout=120) as own:
                k = first
                while not stop.is_set():
                    attempted.add(k)
                    if k == first + 1:
                        started.set()  # the second update of the round is under way
                    try:
                        response = own.post(
                            server.sparql,
                            data={"update": batch_update(k)},
                            headers={"Authorization": f"Bearer {TOKEN}"},
                        )
                    except httpx.HTTPError:
                        return  # the server died under this one
                    assert response.status_code == 204, response.text
                    acknowledged.add(k)
                    k += 1

        sender = threading.Thread(target=updates, args=(max(attempted, default=0) + 1,), daemon=True)
        sender.start()
        assert started.wait(60)
        time.sleep(delay)
        left = server.kill()
        stop.set()
        sender.join(30)
        # Its query workers and a running write process notice the parent is gone and exit.
        wait_until(lambda left=left: not any(alive(pid) for pid in left), 60, "orphaned children to exit")

    server.start()
    try:
        counts = batches(client, server.sparql)
        assert set(counts.values()) == {BATCH}, counts  # every batch whole...
        assert acknowledged <= set(counts) <= attempted  # ...each acknowledged one there
        assert len(acknowledged) >= 3
        current = (tmp_path / "updates" / "CURRENT").read_text().split()[0]
    finally:
        server.kill()
    # The access log (level info) and any error log never carry the token.
    assert "POST /sparql" in server.log.read_text() and TOKEN not in server.log.read_text()
    # The generation being served, as N-Quads of its named graphs, conforms to the shapes.
    store = ox.Store.read_only(str(tmp_path / "updates" / current))
    named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
    dump = tmp_path / "served.nq"
    dump.write_bytes(ox.serialize(named, format=ox.RdfFormat.N_QUADS) or b"")
    del store
    checked = run_cli("validate", str(dump))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    print(
        f"\nserver killed 3 times: {len(acknowledged)} updates acknowledged, {len(counts)} present, none torn"
    )


# --- SIGKILL of imports at any moment --------------------------------------------------------------


def test_imports_killed_at_any_moment(tmp_path: Path) -> None:
    """The existing tests (tests/curation/test_import_atomic.py) stop an import at named steps; this
    one kills it at arbitrary times across its whole run."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    source = tmp_path / "in.csv"
    source.write_text(f"{CONSENTS}\n{ROW}\n", encoding="utf-8")
    before = tree(data)
    command = [*CLI, "import", str(source), "--data", str(data)]
    started = time.monotonic()
    subprocess.run(command, capture_output=True, timeout=120, check=False, cwd=tmp_path)  # warm the caches
    shutil.rmtree(data)
    shutil.copytree(MINIMAL, data)
    duration = time.monotonic() - started
    outcomes: list[str] = []
    for step in range(12):
        delay = duration * (0.1 + 0.08 * step)  # from start-up to past the swap
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        now = tree(data)
        if now == before:
            outcomes.append("untouched")
            continue
        # The import went through: exactly one row more, the rest byte for byte as before.
        assert (data / "consents.csv").read_text(encoding="utf-8").splitlines() == [CONSENTS, ROW]
        assert {k: v for k, v in now.items() if k != "consents.csv"} == {
            k: v for k, v in before.items() if k != "consents.csv"
        }
        outcomes.append("complete")
        shutil.rmtree(data)
        shutil.copytree(MINIMAL, data)
    assert "untouched" in outcomes
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob(".data.import-*")) == []  # leftovers cleaned up
    built = run_cli("build", "--data", str(data), "--out", str(tmp_path / "build"))
    assert built.returncode == 0, built.stderr
    checked = run_cli("validate", "--out", str(tmp_path / "build"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    print(
        f"\nimports killed at 12 moments: {outcomes.count('untouched')} left data/ untouched, "
        f"{outcomes.count('complete')} complete, none partial"
    )


# --- A full disk under build and release ---------------------------------------------------------


@dataclass(frozen=True)
class SmallDisk:
    """Where a build or release must fail for lack of space, and how."""

    how: str  # "tmpfs" or "RLIMIT_FSIZE"
    folder: Path
    file_limit: int | None  # RLIMIT_FSIZE for the child, when there is no tmpfs


def mount_tmpfs(target: Path, size: int) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)], capture_output=True
    )
    return mounted.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], SmallDisk]]:
    mounts: list[Path] = []

    def make(size: int) -> SmallDisk:
        folder = tmp_path / f"disk-{len(mounts)}"
        if shutil.which("mount") and os.geteuid() == 0 and mount_tmpfs(folder, size):
            mounts.append(folder)
            return SmallDisk("tmpfs", folder, None)
        # No tmpfs: every file the child writes is capped instead (the dumps are over 1 MB).
        folder.mkdir(parents=True, exist_ok=True)
        return SmallDisk("RLIMIT_FSIZE", folder, 1_000_000)

    yield make
    for folder in mounts:
        subprocess.run(["umount", str(folder)], check=False)


def assert_clean_failure(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 2, f"{what}: exit {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    reason = result.stderr.lower()
    assert "no space left on device" in reason or "file too large" in reason, result.stderr


# Sizes of the tmpfs: the previous build (~9.7 MB) plus room for the new build's dumps but not its
# store (RocksDB fails), or not even for the dumps (pyoxigraph's serializer fails).
@pytest.mark.parametrize("room", [3_000_000, 7_000_000], ids=["dumps-fail", "store-fails"])
def test_build_on_a_full_disk(
    real_build: Path, small_disk: Callable[[int], SmallDisk], room: int, tmp_path: Path
) -> None:
    size = sum(p.stat().st_size for p in real_build.rglob("*") if p.is_file())
    disk = small_disk(size + room)
    out = disk.folder / "build"
    shutil.copytree(real_build, out)  # the previous build
    previous = tree(out)
    result = run_cli("build", "--out", str(out), limit=disk.file_limit)
    assert_clean_failure(result, f"build on a full disk ({disk.how})")
    assert f"cannot write the build to {out}" in result.stderr
    assert tree(out) == previous, "the previous build was touched"
    assert sorted(p.name for p in disk.folder.iterdir()) == ["build"], "a partial build was left behind"
    settings = real_settings(out, workers=1)
    with serving(settings) as base, httpx.Client() as http:  # and it still serves
        assert http.get(base + "/sparql", params={"query": SIMPLE}).status_code == 200
    print(f"\nfull disk simulated with {disk.how}: {result.stderr.strip()}")


def test_release_on_a_full_disk(small_disk: Callable[[int], SmallDisk], tmp_path: Path) -> None:
    releases, changelog = tmp_path / "releases", tmp_path / "CHANGELOG.md"
    first = run_cli("release", "1.0.0", "--releases", str(releases), "--changelog", str(changelog))
    assert first.returncode == 0, first.stderr
    size = sum(p.stat().st_size for p in releases.rglob("*") if p.is_file())
    disk = small_disk(size + 3_000_000)  # room for the first release, not a second one
    shutil.copytree(releases, disk.folder / "releases")
    shutil.copy2(changelog, disk.folder / "CHANGELOG.md")
    releases, changelog = disk.folder / "releases", disk.folder / "CHANGELOG.md"
    previous, log = tree(releases), changelog.read_text(encoding="utf-8")
    result = run_cli(
        "release", "1.1.0", "--releases", str(releases), "--changelog", str(changelog), limit=disk.file_limit
    )
    assert_clean_failure(result, f"release on a full disk ({disk.how})")
    assert "nothing was released, earlier releases are intact" in result.stderr
    assert tree(releases) == previous and changelog.read_text(encoding="utf-8") == log
    verified = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=releases / "1.0.0", capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


# --- A query worker killed mid-query ---------------------------------------------------------------


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def workers_of(store: Path) -> list[int]:
    """The query worker processes of this test's server: children of the zygote (our child) that
    opened ``store``; forked, they carry its command line."""
    found = []
    for zygote in children(os.getpid()):
        if zygote_of(zygote, store):
            found.extend(pid for pid in children(zygote) if zygote_of(pid, store) and alive(pid))
    return sorted(found)


def zygote_of(pid: int, store: Path) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(b"zygote_main" in part for part in command) and str(store).encode() in command


def cpu_time(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def test_worker_killed_mid_query_is_replaced(real_build: Path, client: httpx.Client) -> None:
    store = real_build / "store"
    # A long time limit: the answer must come from the kill, not from the time-out.
    with serving(real_settings(real_build, workers=2, query_timeout=60.0)) as base:
        sparql = base + "/sparql"
        assert recovered(client, sparql)
        original = workers_of(store)
        assert len(original) == 2
        outcome: dict[str, object] = {}

        def runaway() -> None:
            started = time.monotonic()
            outcome["response"] = httpx.get(sparql, params={"query": RUNAWAY}, timeout=120)
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.5)
        before = {pid: cpu_time(pid) for pid in original}
        time.sleep(0.5)
        busy = max(original, key=lambda pid: cpu_time(pid) - before[pid])
        assert cpu_time(busy) - before[busy] > 10  # it is the one running the query
        os.kill(busy, signal.SIGKILL)
        thread.join(60)
        response = outcome["response"]
        assert isinstance(response, httpx.Response)
        assert response.status_code == 503 and "engine stopped" in response.text, response.text
        assert float(outcome["seconds"]) < 10  # type: ignore[arg-type]
        print(f"\nworker killed mid-query: 503 after {outcome['seconds']:.2f} s (time limit 60 s)")
        assert recovered(client, sparql)
        wait_until(lambda: len(workers_of(store)) == 2, 30, "a replacement worker")
        assert busy not in workers_of(store)

        # An idle worker killed from outside is replaced too (the pool must not shrink).
        idle = workers_of(store)[0]
        os.kill(idle, signal.SIGKILL)
        wait_until(lambda: not alive(idle), 10, "the killed worker to exit")
        for _ in range(6):  # queries find the dead worker in the pool and start its replacement
            assert client.get(sparql, params={"query": SIMPLE}).status_code in (200, 503)
        assert recovered(client, sparql)
        wait_until(lambda: len(workers_of(store)) == 2, 30, "the pool back at two workers")
        answers = [client.get(sparql, params={"query": SIMPLE}) for _ in range(10)]
        assert all(a.status_code == 200 and b"true" in a.content for a in answers)


def test_the_token_is_never_shown() -> None:
    """Settings are logged and shown in tracebacks by their repr: the token is masked there."""
    settings = Settings(update_token=TOKEN)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings) and "***" in repr(settings)
    assert settings.updates_enabled


def write_processes() -> list[int]:
    found = []
    for pid in children(os.getpid()):
        with contextlib.suppress(OSError):
            if b"write_child" in Path(f"/proc/{pid}/cmdline").read_bytes() and alive(pid):
                found.append(pid)
    return found


def test_update_process_killed_mid_write(real_build: Path, tmp_path: Path) -> None:
    """The process applying an update dies (SIGKILL, as an OOM kill would): the writer gets a clean
    "nothing was written" (it was a 500), the served data are unchanged, and the next update works."""
    store = EmbeddedStore(real_build / "store", workers=1, update_dir=tmp_path / "updates")
    try:
        outcome: dict[str, BaseException | None] = {}

        def update() -> None:
            try:
                store.update(batch_update(1))
                outcome["error"] = None
            except BaseException as error:  # the assertion below says which
                outcome["error"] = error

        thread = threading.Thread(target=update)
        thread.start()
        wait_until(lambda: bool(write_processes()), 30, "the write process")
        time.sleep(0.3)
        for pid in write_processes():
            os.kill(pid, signal.SIGKILL)
        thread.join(60)
        error = outcome["error"]
        assert isinstance(error, EngineStopped) and error.status == 503, error
        assert "nothing was written" in error.message
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}graph/1> {{ ?s ?p ?o }} }}"
        assert int(store.select(count).rows[0]["n"]) == 0
        store.update(batch_update(1))
        assert int(store.select(count).rows[0]["n"]) == BATCH
    finally:
        store.close()
