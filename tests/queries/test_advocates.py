"""advocates: reach inside the audience against pure Python on wiki-Vote, hand graphs, reliability."""

from __future__ import annotations

import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.advocates import advocates


@pytest.mark.parametrize("brand", ["4037", "15"])
def test_reach_equals_pure_python_on_wiki_vote(snap_graph, shared_data, brand):
    graph = snap_graph("wiki-vote")
    follows: dict[str, set[str]] = {}
    for line in (shared_data / "snap/wiki-vote/Wiki-Vote.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")
            follows.setdefault(a, set()).add(b)
    followers = {a for a, out in follows.items() if brand in out}
    expected = []
    for a in followers:
        others = followers - {a}  # every follower is observed (it is an edge source)
        reach = sum(1 for f in others if a in follows[f])
        expected.append((a, reach, reach / len(others)))
    expected.sort(key=lambda row: (-row[1], row[0]))
    got = advocates(graph, brand)
    assert len(got) == len(expected) > 10
    assert got["account"].tolist() == [row[0] for row in expected]
    assert got["audience_count"].tolist() == [row[1] for row in expected]
    assert got["audience_share"].astype(float).tolist() == pytest.approx([row[2] for row in expected])
    assert (got["tier"] == "unknown").all()
    assert got.attrs["note"].startswith("no follower has a profile")


def profiled_graph() -> FollowGraph:
    profiles = pd.DataFrame({
        "key": ["ann", "bob", "cat", "dan"],
        "followers_count": [12_000, 800, None, 60_000],
        "engagement_rate": [0.05, 0.10, None, 0.01],
        "tags": ["hiking,camping", "baking", None, "hiking"],
    })
    # ann, bob, dan are observed; cat and dan follow the brand; eve does not
    pairs = [
        ("ann", "brand"), ("bob", "brand"), ("cat", "brand"), ("dan", "brand"),
        ("bob", "ann"), ("dan", "ann"), ("ann", "bob"), ("eve", "cat"), ("ann", "dan"), ("bob", "dan"),
    ]
    return FollowGraph.from_pairs(pairs, observed=["ann", "bob", "dan", "eve"], attributes=profiles)


def test_hand_graph_reach_tiers_and_shares():
    table = advocates(profiled_graph(), "brand", niche="hiking").set_index("account")
    # observed followers: ann, bob, dan (n = 3); cat is a follower, not observed
    # ann <- bob, dan: 2 of 2 others; dan <- ann, bob: 2 of 2; bob <- ann: 1 of 2; cat: 0 of 3
    assert table.index.tolist() == ["dan", "ann", "bob", "cat"]  # reach, then followers_count
    assert table["audience_count"].tolist() == [2, 2, 1, 0]
    assert table["audience_share"].astype(float).tolist() == pytest.approx([1.0, 1.0, 0.5, 0.0])
    assert table["tier"].astype(str).tolist() == ["mid", "micro", "regular", "unknown"]
    assert table.loc["ann", "niche_overlap"] == pytest.approx(2 ** -0.5)
    assert table.loc["dan", "niche_overlap"] == pytest.approx(1.0)
    assert pd.isna(table.loc["cat", "niche_overlap"])
    assert "eve" not in table.index and "brand" not in table.index


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("followers", ["dan", "ann", "bob", "cat"]),
        ("engagement", ["bob", "ann", "dan", "cat"]),
        ("niche", ["dan", "ann", "bob", "cat"]),
    ],
)
def test_sorts(sort, order):
    table = advocates(profiled_graph(), "brand", sort=sort, niche="hiking")
    assert table["account"].tolist() == order
    assert table.attrs["sort"] == sort


def test_tier_filter_and_top():
    table = advocates(profiled_graph(), "brand", tiers=["micro", "mid"], top=1)
    assert table["account"].tolist() == ["dan"] and table["rank"].tolist() == [1]
    empty = advocates(profiled_graph(), "brand", tiers=["mega"])
    assert empty.empty and "none of 'brand''s 4 followers is in tier mega" in empty.attrs["note"]


def test_unobserved_audience_with_profiles_falls_back_to_followers():
    profiles = pd.DataFrame({"key": ["ann", "bob"], "followers_count": [500, 5000]})
    graph = FollowGraph.from_pairs([("ann", "brand"), ("bob", "brand")], observed=[], attributes=profiles)
    table = advocates(graph, "brand")
    assert table["account"].tolist() == ["bob", "ann"]
    assert table["audience_count"].isna().all()
    assert table.attrs["sort"] == "followers"
    assert "none of 'brand''s followers is observed" in table.attrs["note"]


def test_reliability_messages():
    graph = FollowGraph.from_pairs([("ann", "brand")], observed=[])
    with pytest.raises(QueryError, match="nothing to rank 'brand''s 1 followers by"):
        advocates(graph, "brand")
    with pytest.raises(QueryError, match="'ann' has no followers in the graph"):
        advocates(graph, "ann")
    with pytest.raises(AccountNotFound, match="did you mean 'brand'"):
        advocates(graph, "brandd")
    with pytest.raises(QueryError, match="--sort niche needs the niche terms"):
        advocates(graph, "brand", sort="niche")


def test_niche_without_profile_text_says_so():
    graph = FollowGraph.from_pairs([("ann", "brand"), ("bob", "ann"), ("bob", "brand")])
    table = advocates(graph, "brand", niche="hiking")
    assert table["niche_overlap"].isna().all()
    assert "niche_overlap is empty" in table.attrs["note"]


def test_cli_advocates(tmp_path, run_cli):
    edges = tmp_path / "edges.csv"
    edges.write_text("follower,followee\nann,brand\nbob,brand\nbob,ann\n")
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    result = run_cli("advocates", "brand", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "rank,account,tier,followers_count,engagement_rate,audience_count,audience_share",
        "1,ann,unknown,,,1,1.0",
        "2,bob,unknown,,,0,0.0",
    ]
    assert "brand: 2 followers, 2 observed; sorted by reach" in result.stderr
    assert "note: no follower has a profile" in result.stderr
    result = run_cli("advocates", "bob")
    assert result.exit_code == 1 and "has no followers" in result.stderr


def test_empty_graph():
    with pytest.raises(QueryError, match="the workspace is empty"):
        advocates(FollowGraph.from_pairs([]), "brand")
