"""Aliases across segments (a renamed handle keeps its account), and graphkit compact."""

from __future__ import annotations

import pandas as pd

from graphkit.tables import SourceTables
from graphkit.workspace import Workspace


def _crawl(pairs, aliases=(), name="crawl") -> SourceTables:
    """A crawler's commit: follows keyed by platform id, and id -> current handle rows."""
    source = SourceTables.from_pairs(name, pairs)
    if aliases:
        source.extra_tables = {"aliases": pd.DataFrame(list(aliases), columns=["alias", "key"], dtype="string")}
    return source


def _following(ws: Workspace, key: str) -> list[str]:
    graph = ws.graph
    return sorted(graph.keys_of(graph.following(graph.id_of(key))))


def test_a_renamed_handle_keeps_its_account_id_and_follows_across_segments(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([_crawl([(f"did:u{i}", f"did:u{i + 1}") for i in range(50)])])       # the base
    ws.commit([_crawl([("did:u1", "did:u7")], aliases=[("did:u1", "alice.bsky.social")])])
    first = Workspace(ws.path)
    alice = first.graph.id_of("alice.bsky.social")
    assert not first.graph.has("did:u1")
    assert _following(first, "alice.bsky.social") == ["did:u2", "did:u7"]
    # she renames: the crawler now maps her id to the new handle
    ws.commit([_crawl([("did:u1", "did:u9")], aliases=[("did:u1", "alice.example.com")])])
    second = Workspace(ws.path)
    assert second.manifest["segments"], "renames are small commits: segments"
    assert second.graph.id_of("alice.example.com") == alice            # the same account
    assert not second.graph.has("alice.bsky.social")
    assert _following(second, "alice.example.com") == ["did:u2", "did:u7", "did:u9"]
    aliases = dict(second.table("aliases").values.tolist())
    assert aliases["did:u1"] == aliases["alice.bsky.social"] == "alice.example.com"
    second.compact()
    third = Workspace(ws.path)
    assert third.graph.id_of("alice.example.com") == alice
    assert dict(third.table("aliases").values.tolist()) == aliases


def test_an_id_seen_after_its_handle_lands_on_the_handle(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([_crawl([("bob", f"x{i}") for i in range(40)], name="bob.txt")])
    ws.commit([_crawl([], aliases=[("123", "bob")], name="ids.csv")])
    ws.commit([_crawl([("123", "zoe")], name="archive.js")])              # keyed by id: bob's follow
    graph = Workspace(ws.path).graph
    assert not graph.has("123") and "zoe" in _following(Workspace(ws.path), "bob")


def test_two_stored_accounts_that_become_one_rewrite_the_base_and_the_older_id_survives(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([_crawl([("ann", "bob"), ("ann", "cat")] + [(f"f{i}", "hub") for i in range(30)])])
    ws.commit([_crawl([("9", "dan"), ("eve", "9")], name="ids.js")])     # an account keyed by id
    assert Workspace(ws.path).manifest["segments"]
    ann = Workspace(ws.path).graph.id_of("ann")
    ws.commit([_crawl([], aliases=[("9", "ann")], name="profiles.csv")])  # 9 is ann
    after = Workspace(ws.path)
    assert not after.manifest["segments"], "ids shift: the commit wrote a new base"
    assert after.graph.id_of("ann") == ann and not after.graph.has("9")
    assert _following(after, "ann") == ["bob", "cat", "dan"]
    graph = after.graph
    assert graph.keys_of(graph.followers(ann)).tolist() == ["eve"]
    assert after.graph.n_accounts == Workspace(ws.path).manifest["counts"]["accounts"]


def test_graphkit_compact(run_cli, workspace_path, tmp_path):
    (tmp_path / "edges.csv").write_text("follower,followee\n" + "".join(f"u{i},u{i + 1}\n" for i in range(100)))
    (tmp_path / "ann.txt").write_text("u1\nu2\n")
    (tmp_path / "profiles.csv").write_text("username,followers\nu1,5\n")
    assert run_cli("load", "edges", str(tmp_path / "edges.csv")).exit_code == 0
    assert run_cli("load", "following", str(tmp_path / "ann.txt"), "--of", "ann").exit_code == 0
    assert run_cli("load", "profiles", str(tmp_path / "profiles.csv")).exit_code == 0
    before = Workspace(workspace_path).graph
    result = run_cli("compact")
    assert result.exit_code == 0
    assert result.stdout == "compacted 2 segments into one base: 102 accounts, 102 follows\n"
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    after = Workspace(workspace_path)
    assert not after.manifest["segments"]
    assert after.graph.accounts.astype(str).values.tolist() == before.accounts.astype(str).values.tolist()
    again = run_cli("compact")
    assert again.stdout.startswith(f"nothing to compact: workspace {workspace_path} has no segments")
    assert "Examples:" in run_cli("compact", "--help").stdout


def test_resolving_only_the_touched_aliases_equals_resolving_the_whole_table():
    """AliasTable.apply re-resolves the entries a commit's pairs can reach; the whole map must agree."""
    import random

    import pyarrow as pa

    from graphkit.workspace.aliases import AliasTable, resolve_aliases

    rng = random.Random(5)
    names = [f"n{i}" for i in range(40)]
    for _ in range(60):
        whole: dict[str, str] = {}
        table = AliasTable.empty()
        for _ in range(rng.randrange(1, 12)):
            pairs = [(rng.choice(names), rng.choice(names)) for _ in range(rng.randrange(1, 5))]
            expected = resolve_aliases(whole, pairs)
            table, changed = table.apply(pairs)
            got = dict(zip(table.aliases.to_pylist(), table.keys.to_pylist()))
            assert got == expected
            assert changed == {a: k for a, k in expected.items() if whole.get(a) != k}
            assert table.canonical(pa.array(names)).to_pylist() == [expected.get(n, n) for n in names]
            whole = expected
