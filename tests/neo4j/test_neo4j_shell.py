"""``graphkit neo4j push|pull|status`` and ``--engine neo4j`` through the CLI."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.neo4j

SECRET = "not-checked-when-auth-is-off"


@pytest.fixture
def ego_workspace(tmp_path, snap_graph, run_cli):
    """A workspace with the ego-Twitter sample egos, loaded by the CLI from an edge list."""
    edges = tmp_path / "ego.txt"
    snap_graph("ego-twitter-sample").edges_frame().to_csv(edges, sep="\t", header=False, index=False)
    result = run_cli("load", "edges", str(edges))
    assert result.exit_code == 0, result.stderr
    return edges


def test_push_status_pull_and_backend(store, ego_workspace, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", store.settings.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    pushed = run_cli("neo4j", "push", "--batch-size", "500", "--json")
    assert pushed.exit_code == 0, pushed.stderr
    report = json.loads(pushed.stdout)
    assert (report["accounts"], report["follows"]) == (303, 3_070)
    assert report["counters"]["relationships_created"] == 3_070
    assert report["batches"] == 1 + 7

    status = run_cli("neo4j", "status")
    assert status.exit_code == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0] == f"server: {store.settings.uri}"
    assert lines[1].startswith("version: Neo4j Kernel 5.")
    assert "accounts: 303 (" in lines[2] and lines[3] == "follows: 3,070"
    assert lines[-2] == "schema: uniqueness constraint 'graphkit_account_key' on :Account(key)"
    assert lines[-1] == ("indexes: graphkit_account_followers_count on :Account(followers_count), "
                         "graphkit_account_tier on :Account(tier)")
    as_json = json.loads(run_cli("neo4j", "status", "--format", "json").stdout)
    assert as_json["has_schema"] and as_json["follows"] == 3_070

    pulled = run_cli("neo4j", "pull", workspace=tmp_path / "copy")
    assert pulled.exit_code == 0, pulled.stderr
    assert "3,070 rows read, 303 accounts added, 3,070 follows added" in pulled.stdout

    for command in (["affinity", "1260231", "--top", "15"], ["expand", "1260231", "--hops", "2"],
                    ["lookalikes", "1260231", "--min-audience", "2"], ["advocates", "1260231"]):
        memory = run_cli(*command, "--format", "csv")
        server = run_cli(*command, "--format", "csv", "--engine", "neo4j")
        assert memory.exit_code == server.exit_code == 0, server.stderr
        assert server.stdout == memory.stdout and server.stderr == memory.stderr
        assert len(server.stdout.splitlines()) > 2

    for result in (pushed, status, pulled):
        assert SECRET not in result.stdout + result.stderr


def test_push_replace_and_empty_workspace(store, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", store.settings.uri)
    empty = run_cli("neo4j", "push")
    assert empty.exit_code == 1
    assert "Error: no workspace at " in empty.stderr
    (tmp_path / "a.txt").write_text("a\tb\nb\tc\n")
    assert run_cli("load", "edges", str(tmp_path / "a.txt")).exit_code == 0
    store.write("CREATE (:Account {key: 'stale'})")
    replaced = run_cli("neo4j", "push", "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    assert "deleted 1 accounts" in replaced.stderr
    keys = store.read("MATCH (a:Account) RETURN a.key AS key ORDER BY key")
    assert [r["key"] for r in keys] == ["a", "b", "c"]
