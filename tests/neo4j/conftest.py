"""A real Neo4j server for the ``neo4j``-marked tests.

``NEO4J_URI`` (with ``NEO4J_USER``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``) names a
server to use; its database must be empty at the start, because the tests
delete nodes (``GRAPHKIT_NEO4J_TEST_WIPE=1`` allows a database that holds only
``:Account`` nodes, e.g. left by an earlier test run). Without it, ``scripts/neo4j-server start --fresh`` runs one once per
session in a temporary state folder and stops it at the end. When no server
can be had the tests are skipped with the reason — except in CI
(``CI=true``), where that is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "neo4j-server"
#: Labels the tests create and delete.
TEST_LABELS = ("Account", "GkPerson")


def _no_server(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and no Neo4j server: {reason}", pytrace=False)
    pytest.skip(f"no Neo4j server: {reason}")


@dataclass
class Server:
    """The test server: its settings, and (when the session started it) stop/start."""

    uri: str
    managed: bool
    env: dict = field(default_factory=dict)
    #: name of the graph the database holds (see ``loaded``), ``None`` when unknown
    loaded: str | None = None
    #: the report of the push that loaded each named graph
    reports: dict = field(default_factory=dict)

    def settings(self):
        from graphkit.neo4j import Neo4jSettings

        return Neo4jSettings.resolve(uri=self.uri)

    def _script(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SCRIPT), *args], capture_output=True, text=True, timeout=900,
            env={**os.environ, **self.env},
        )

    def stop(self) -> None:
        assert self.managed, "only a server started by the tests can be stopped"
        done = self._script("stop")
        assert done.returncode == 0, done.stderr

    def start(self, *, fresh: bool = False) -> None:
        assert self.managed, "only a server started by the tests can be started"
        done = self._script("start", *(["--fresh"] if fresh else []))
        if done.returncode != 0:
            tail = "\n".join((done.stderr + done.stdout).strip().splitlines()[-15:])
            raise RuntimeError(
                f"scripts/neo4j-server start exited with status {done.returncode}"
                + (f":\n{tail}" if tail else " and no message")
            )
        match = re.search(r"^NEO4J_URI=(\S+)\s*$", done.stdout.strip().splitlines()[-1])
        if not match:
            raise RuntimeError(f"scripts/neo4j-server start printed no NEO4J_URI: {done.stdout!r}")
        self.uri = match.group(1)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The session's :class:`Server` (see the module docstring)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        server = Server(uri=uri, managed=False)
        _check_test_database(server)
        yield server
        return
    if not SCRIPT.exists():
        _no_server(f"{SCRIPT} is missing and NEO4J_URI is not set")
    env = {"GRAPHKIT_NEO4J_STATE": str(tmp_path_factory.mktemp("neo4j-state"))}
    server = Server(uri="", managed=True, env=env)
    try:
        server.start(fresh=True)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as err:
        _no_server(f"{err} (set NEO4J_URI to use a running server)")
    try:
        yield server
    finally:
        server._script("stop")


def _check_test_database(server: Server) -> None:
    from graphkit.errors import Neo4jStoreError
    from graphkit.neo4j import Neo4jStore

    wipe = os.environ.get("GRAPHKIT_NEO4J_TEST_WIPE") == "1"
    try:
        with Neo4jStore(server.settings(), retry_time=5) as store:
            rows = store.read(
                "MATCH (n) WHERE $strict OR none(l IN labels(n) WHERE l IN $labels) "
                "RETURN count(n) AS n",
                {"labels": list(TEST_LABELS), "strict": not wipe},
            )
    except Neo4jStoreError as err:
        _no_server(str(err))
    if rows[0]["n"]:
        _no_server(
            f"the database at NEO4J_URI={server.uri} is not empty ({rows[0]['n']:,} nodes); the "
            "tests delete data, so point NEO4J_URI at an empty database (or set "
            "GRAPHKIT_NEO4J_TEST_WIPE=1 if it holds only test :Account nodes)"
        )


@pytest.fixture
def store(neo4j_server):
    """An open store on an emptied database (no :Account or test nodes)."""
    from graphkit.neo4j import Neo4jStore, clear_graph

    with Neo4jStore(neo4j_server.settings(), retry_time=5) as opened:
        neo4j_server.loaded = None
        clear_graph(opened)
        opened.write("MATCH (n:GkPerson) DETACH DELETE n")
        yield opened


@pytest.fixture
def loaded(neo4j_server):
    """``loaded(name, graph)`` -> an open store whose database holds exactly ``graph``.

    The graph is pushed only when the database holds another one, so tests
    on the same graph (grouped by module-scoped parameters) share one push.
    """
    from graphkit.neo4j import Neo4jStore, clear_graph, push_graph

    opened = []

    def load(name, graph):
        store = Neo4jStore(neo4j_server.settings(), retry_time=5).open()
        opened.append(store)
        if neo4j_server.loaded != name:
            neo4j_server.loaded = None
            clear_graph(store)
            store.write("MATCH (n:GkPerson) DETACH DELETE n")
            neo4j_server.reports[name] = push_graph(graph, store)
            neo4j_server.loaded = name
        return store

    yield load
    for store in opened:
        store.close()


def _comparable_accounts(graph):
    """Accounts sorted by key, without columns that hold no value (Neo4j stores no nulls)."""
    accounts = graph.accounts.drop(columns=["graph_id"], errors="ignore")
    accounts = accounts.loc[:, accounts.notna().any()]
    accounts = accounts[sorted(accounts.columns)]
    return accounts.sort_values("key", kind="stable").reset_index(drop=True)


def _comparable_follows(graph):
    follows = graph.edges_frame().astype(object)
    return follows.sort_values(["follower", "followee"], kind="stable").reset_index(drop=True)


@pytest.fixture
def assert_same_graph():
    """``check(a, b)``: same accounts (key, observed, every attribute and its type) and follows."""
    import pandas as pd

    def check(expected, actual) -> None:
        assert (actual.n_accounts, actual.n_follows) == (expected.n_accounts, expected.n_follows)
        pd.testing.assert_frame_equal(_comparable_accounts(actual), _comparable_accounts(expected))
        pd.testing.assert_frame_equal(_comparable_follows(actual), _comparable_follows(expected))

    return check


@pytest.fixture(scope="session")
def demo_graph(tmp_path_factory):
    """The bundled demo workspace's graph (built once per session)."""
    from graphkit.demo import build_demo
    from graphkit.workspace import open_workspace

    workspace = open_workspace(tmp_path_factory.mktemp("demo") / "ws")
    build_demo(workspace)
    return workspace.graph


def pull_into(store, path, **options):
    """Pull the store's graph into a new workspace at ``path``; return its graph."""
    from graphkit.neo4j.pull import pull_graph
    from graphkit.workspace import open_workspace

    workspace = open_workspace(path)
    workspace.commit([pull_graph(store, **options)])
    return open_workspace(path).graph
