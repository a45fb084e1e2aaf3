"""Reloads that mean what they say, and the history of follows across re-loaded lists (CLI end to end)."""

from __future__ import annotations

import pandas as pd
import pytest

from graphkit.workspace import Workspace
from graphkit.workspace.history import accounts_at, follow_spells, follows_at


def _followers_count(ws_path, key: str) -> int:
    graph = Workspace(ws_path).graph
    return int(graph.attribute("followers_count")[graph.id_of(key)])


def test_the_stale_reload_example_ends_at_the_last_content_loaded(run_cli, workspace_path, tmp_path, monkeypatch):
    """profiles.csv: alice 1000, then 2000, then 1000 again: the workspace ends at 1000."""
    profiles = tmp_path / "profiles.csv"
    outputs = []
    for day, count in enumerate((1000, 2000, 1000), start=1):
        monkeypatch.setenv("GRAPHKIT_NOW", f"2026-03-0{day}T09:00:00Z")
        profiles.write_text(f"username,followers\nalice,{count}\nbob,50\n")
        result = run_cli("load", "profiles", str(profiles))
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
        assert _followers_count(workspace_path, "alice") == count
    assert all("already loaded" not in out for out in outputs)
    # the same content as the latest load of the same file changes nothing
    before = (workspace_path / "manifest.json").read_text()
    again = run_cli("load", "profiles", str(profiles))
    assert again.stdout == f"{profiles}: already loaded; nothing changed\n"
    assert (workspace_path / "manifest.json").read_text() == before
    # each value is kept with its load time: "as last loaded by" a date
    with Workspace(workspace_path) as ws:
        key = ws.graph.id_of("alice")
        counts = [int(accounts_at(ws, f"2026-03-0{day}T12:00:00Z")["followers_count"][key]) for day in (1, 2, 3)]
    assert counts == [1000, 2000, 1000]


def test_same_content_under_another_path_or_kind_is_applied(run_cli, workspace_path, tmp_path):
    (tmp_path / "a.csv").write_text("username,followers\nalice,10\n")
    (tmp_path / "b.csv").write_text("username,followers\nalice,20\n")
    (tmp_path / "a_copy.csv").write_text("username,followers\nalice,10\n")
    for name in ("a.csv", "b.csv"):
        assert run_cli("load", "profiles", str(tmp_path / name)).exit_code == 0
    assert _followers_count(workspace_path, "alice") == 20
    # a.csv again: the same content as its own latest load, so nothing changes (b.csv's 20 stays)
    assert "already loaded" in run_cli("load", "profiles", str(tmp_path / "a.csv")).stdout
    assert _followers_count(workspace_path, "alice") == 20
    # the same bytes under another name are another source: applied, later values win
    assert "already loaded" not in run_cli("load", "profiles", str(tmp_path / "a_copy.csv")).stdout
    assert _followers_count(workspace_path, "alice") == 10


def test_one_command_naming_a_file_twice_loads_it_once(run_cli, tmp_path):
    (tmp_path / "ann.txt").write_text("bob\ncat\n")
    result = run_cli("load", "following", str(tmp_path / "ann.txt"), str(tmp_path / "ann.txt"), "--of", "ann")
    lines = result.stdout.splitlines()
    assert "2 follows added" in lines[0] and lines[1].endswith("already loaded; nothing changed")


def _spells(ws_path) -> list[tuple]:
    with Workspace(ws_path) as ws:
        frame = follow_spells(ws)
    return [(a, b, f.date().isoformat(), last.date().isoformat(), None if pd.isna(e) else e.date().isoformat())
            for a, b, f, last, e in frame.itertuples(index=False, name=None)]


@pytest.mark.parametrize("compact_between", [False, True])
def test_a_reloaded_following_list_ends_and_restarts_follows(run_cli, workspace_path, tmp_path, monkeypatch,
                                                             compact_between):
    listing = tmp_path / "ann.txt"
    for day, accounts in (("2026-01-01", "bob cat dan"), ("2026-02-01", "bob dan eve"), ("2026-03-01", "bob cat")):
        monkeypatch.setenv("GRAPHKIT_NOW", day)
        listing.write_text("\n".join(accounts.split()) + "\n")
        assert run_cli("load", "following", str(listing), "--of", "ann").exit_code == 0
        if compact_between:
            assert run_cli("compact").exit_code == 0
    assert _spells(workspace_path) == [
        ("ann", "bob", "2026-01-01", "2026-03-01", None),
        ("ann", "cat", "2026-01-01", "2026-01-01", "2026-02-01"),  # gone from the second list
        ("ann", "cat", "2026-03-01", "2026-03-01", None),          # back in the third: a new spell
        ("ann", "dan", "2026-01-01", "2026-02-01", "2026-03-01"),
        ("ann", "eve", "2026-02-01", "2026-02-01", "2026-03-01"),
    ]
    graph = Workspace(workspace_path).graph
    assert sorted(graph.keys_of(graph.following(graph.id_of("ann"))).tolist()) == ["bob", "cat"]
    with Workspace(workspace_path) as ws:
        at = {day: sorted(follows_at(ws, day)["followee"]) for day in ("2025-12-31", "2026-01-15", "2026-02-15")}
    assert at == {"2025-12-31": [], "2026-01-15": ["bob", "cat", "dan"], "2026-02-15": ["bob", "dan", "eve"]}


def test_a_followers_list_ends_lost_followers_but_not_what_other_lists_said(run_cli, workspace_path, tmp_path,
                                                                              monkeypatch):
    (tmp_path / "acme_v1.txt").write_text("ann\nbob\n")
    (tmp_path / "acme_v2.txt").write_text("ann\n")
    (tmp_path / "bob.txt").write_text("zed\n")        # bob's following list does not name acme
    (tmp_path / "edges.csv").write_text("follower,followee\ncat,acme\n")
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-01-01")
    run_cli("load", "followers", str(tmp_path / "acme_v1.txt"), "--of", "acme")
    run_cli("load", "edges", str(tmp_path / "edges.csv"))
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-01-02")
    run_cli("load", "following", str(tmp_path / "bob.txt"), "--of", "bob")
    graph = Workspace(workspace_path).graph
    assert sorted(graph.keys_of(graph.followers(graph.id_of("acme")))) == ["ann", "bob", "cat"]
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-01-03")
    run_cli("load", "followers", str(tmp_path / "acme_v2.txt"), "--of", "acme")
    graph = Workspace(workspace_path).graph
    # bob left acme's list; cat came from an edge list, which acme's list never held: kept
    assert sorted(graph.keys_of(graph.followers(graph.id_of("acme")))) == ["ann", "cat"]
    assert ("bob", "acme", "2026-01-01", "2026-01-01", "2026-01-03") in _spells(workspace_path)


def test_edge_lists_never_end_follows(run_cli, workspace_path, tmp_path):
    (tmp_path / "e1.csv").write_text("follower,followee\nann,bob\nann,cat\n")
    (tmp_path / "e2.csv").write_text("follower,followee\nann,bob\n")
    run_cli("load", "edges", str(tmp_path / "e1.csv"))
    run_cli("load", "edges", str(tmp_path / "e2.csv"))
    assert Workspace(workspace_path).graph.n_follows == 2
    assert all(ended is None for *_, ended in _spells(workspace_path))


def test_a_list_crawled_page_by_page_keeps_what_its_pages_saw(tmp_path):
    """A crawler commits pages, then marks the list complete with the time its first page was read."""
    from graphkit.tables import SourceTables

    ws = Workspace(tmp_path / "ws")

    def page(pairs, seen_at, complete=None):
        source = SourceTables.from_pairs("crawl:ann", pairs)
        source.seen_at = seen_at
        if complete:
            source.complete_following = {"ann": complete}
        return source

    ws.commit([page([("ann", "bob"), ("ann", "cat"), ("ann", "dan")], "2026-01-01T00:00:00Z",
                    complete="2026-01-01T00:00:00Z")])
    ws.commit([page([("ann", "bob")], "2026-02-01T00:00:00Z")])                  # second crawl, page 1
    ws.commit([page([("ann", "cat")], "2026-02-01T00:10:00Z", complete="2026-02-01T00:00:00Z")])  # last page
    graph = Workspace(ws.path).graph
    assert sorted(graph.keys_of(graph.following(graph.id_of("ann")))) == ["bob", "cat"]
    ended = [(b, e) for a, b, _, _, e in _spells(ws.path) if e]
    assert ended == [("dan", "2026-02-01")]


def test_a_follow_both_whole_lists_drop_ends_once(tmp_path):
    """ann's following list and bob's followers list both held ann -> bob; both drop it at once."""
    from graphkit.tables import SourceTables

    ws = Workspace(tmp_path / "ws")
    following = SourceTables.from_pairs("ann.txt", [("ann", "bob"), ("ann", "cat")])
    following.complete_following = {"ann": None}
    followers = SourceTables.from_pairs("bob_followers.txt", [("ann", "bob"), ("dan", "bob")])
    followers.complete_followers = {"bob": None}
    ws.commit([following, followers])
    following = SourceTables.from_pairs("ann.txt", [("ann", "cat")])
    following.complete_following = {"ann": None}
    followers = SourceTables.from_pairs("bob_followers.txt", [("dan", "bob")])
    followers.complete_followers = {"bob": None}
    reports = ws.commit([following, followers])
    assert [r.follows_ended for r in reports] == [1, 0]
    assert "1 follows ended" in str(reports[0])
    reader = Workspace(ws.path)
    assert reader.manifest["counts"]["follows"] == reader.graph.n_follows == 2
