"""A re-crawl after the network changed: whole lists end the follows they lost, a rename keeps its account.

The crawler commits page by page (here after every page) and marks a list
whole on its last page with the time its first page was fetched; the
workspace then ends the follows an earlier whole crawl of that list held and
this one did not see (issue 13's full-list loads, issue 16's "audience over
time" builds on them).
"""

from __future__ import annotations

import pandas as pd

from graphkit.workspace import Workspace
from graphkit.workspace.history import follow_spells, follows_at
from loaders.crawl import crawl_lists
from tests.crawl.conftest import BRAND, fast_options, workspace_follows

FIRST, SECOND = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"


def _crawled(net, targets: list[int]) -> set[tuple[int, int]]:
    """The follows (account indexes) the brand's followers list and the targets' following lists hold."""
    return {(f, 0) for f in net.followers(0)} | {(t, x) for t in targets for x in net.following(t)}


def _keys(net, pairs: set[tuple[int, int]]) -> set[tuple[str, str]]:
    handle = [a.handle("bluesky") for a in net.accounts]
    return {(handle[a], handle[b]) for a, b in pairs}


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["follower"].astype(str), frame["followee"].astype(str)))


def _crawl(ws_path, net, serve, targets: list[str], refresh: bool) -> None:
    server = serve(net)
    options = fast_options(checkpoint_seconds=0.0, refresh=refresh)  # a commit after every page
    crawl_lists(Workspace(ws_path), "bluesky", "followers", [BRAND["bluesky"]], service=server.url, options=options)
    crawl_lists(Workspace(ws_path), "bluesky", "following", targets, service=server.url, options=options)


def test_a_recrawl_ends_removed_follows_and_keeps_the_renamed_account(network, serve, tmp_path, monkeypatch):
    later = network.changed(seed=2)
    renamed = next(a.index for a, b in zip(network.accounts, later.accounts) if a.name != b.name)
    ok = [i for i in network.followers(0) if network.accounts[i].status == "ok"]
    changed = [i for i in ok if set(network.following(i)) - set(later.following(i))]
    long_list = max(ok, key=lambda i: len(network.following(i)))  # several pages, several commits
    targets = sorted({renamed, long_list, *changed[:4]})
    assert len(changed) >= 2 and len(network.following(long_list)) > 60

    ws_path = tmp_path / "ws"
    monkeypatch.setenv("GRAPHKIT_NOW", FIRST)
    _crawl(ws_path, network, serve, [network.accounts[i].handle("bluesky") for i in targets], refresh=False)
    before, after = _crawled(network, targets), _crawled(later, targets)
    assert workspace_follows(Workspace(ws_path)) == _keys(network, before)

    # a month later, by the handles the platform now shows (the renamed account's is new)
    monkeypatch.setenv("GRAPHKIT_NOW", SECOND)
    _crawl(ws_path, later, serve, [later.accounts[i].handle("bluesky") for i in targets], refresh=True)
    ws = Workspace(ws_path)
    assert workspace_follows(ws) == _keys(later, after)  # removed follows ended, added ones there, nothing else
    removed = before - after
    assert removed and after - before, "the changed network removes and adds follows of the crawled lists"

    # one account for the renamed handle: the old key is gone, its follows carried on under the new one
    old, new = network.accounts[renamed].handle("bluesky"), later.accounts[renamed].handle("bluesky")
    graph = ws.graph
    assert graph.has(new) and not graph.has(old)
    spells = follow_spells(ws)
    kept = _keys(later, {(a, b) for a, b in before & after if renamed in (a, b)})
    assert kept
    mine = spells[[pair in kept for pair in zip(spells["follower"].astype(str), spells["followee"].astype(str))]]
    assert len(mine) == len(kept) and (mine["first_seen"] == pd.Timestamp(FIRST)).all()  # one spell since January
    assert mine["ended"].isna().all()

    # history: every removed follow ended at the second crawl, and was current between the two crawls
    ended = spells[spells["ended"].notna()]
    assert _pairs(ended) == _keys(later, removed)
    assert (ended["ended"] == pd.Timestamp(SECOND)).all()
    assert _pairs(follows_at(ws, "2026-01-15")) == _keys(later, before)
