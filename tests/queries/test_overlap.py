"""``overlap`` and ``unique_reach``: against brute force with Python sets."""

from __future__ import annotations

import itertools

import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.overlap import overlap, unique_reach


def followers_sets(graph: FollowGraph, accounts, observed_only=False):
    keys = graph.keys.tolist()
    out = {}
    for account in accounts:
        ids = graph.followers(graph.id_of(account)).tolist()
        out[account] = {keys[i] for i in ids if graph.observed[i] or not observed_only}
    return out


@pytest.mark.parametrize("observed_only", [False, True])
def test_matches_brute_force_on_wiki_vote(snap_graph, observed_only):
    graph = snap_graph("wiki-vote")
    accounts = ["4037", "15", "2398", "3", "6634"]
    sets = followers_sets(graph, accounts, observed_only)
    table = overlap(graph, accounts, observed_only=observed_only)
    assert len(table) == 10
    for row, (a, b) in zip(table.itertuples(), itertools.combinations(accounts, 2)):
        shared = len(sets[a] & sets[b])
        assert (row.account, row.other, row.shared) == (a, b, shared)
        assert (row.account_audience, row.other_audience) == (len(sets[a]), len(sets[b]))
        assert row.jaccard == pytest.approx(shared / len(sets[a] | sets[b]))
        assert row.overlap == pytest.approx(shared / min(len(sets[a]), len(sets[b])))
    reach = unique_reach(graph, accounts, observed_only=observed_only)
    for row in reach.itertuples():
        others = set().union(*(sets[o] for o in accounts if o != row.account))
        assert row.unique_reach == len(sets[row.account] - others)
        assert row.unique_share == pytest.approx(row.unique_reach / len(sets[row.account]))
    assert reach.attrs["combined_reach"] == len(set().union(*sets.values()))


def test_hand_worked():
    pairs = [("f1", "a"), ("f2", "a"), ("f2", "b"), ("f3", "b"), ("f2", "c"), ("f3", "c"), ("f4", "c")]
    g = FollowGraph.from_pairs(pairs)
    table = overlap(g, ["a", "b", "c"])
    # a={f1,f2} b={f2,f3} c={f2,f3,f4}
    assert table[["account", "other", "shared"]].values.tolist() == [["a", "b", 1], ["a", "c", 1], ["b", "c", 2]]
    assert table["jaccard"].tolist() == pytest.approx([1 / 3, 1 / 4, 2 / 3])
    assert table["overlap"].tolist() == pytest.approx([1 / 2, 1 / 2, 1.0])
    reach = unique_reach(g, ["a", "b", "c"])
    assert reach[["account", "audience", "unique_reach"]].values.tolist() == [["a", 2, 1], ["b", 2, 0], ["c", 3, 1]]


@pytest.mark.parametrize(
    "accounts, observed_only, error, message",
    [
        (["a"], False, QueryError, "at least two accounts"),
        (["a", "@A"], False, QueryError, "named twice"),
        (["a", "nobody"], False, AccountNotFound, "'nobody' is not in the graph"),
        (["a", "f1"], False, QueryError, "'f1' has no followers in the graph"),
        (["a", "b"], True, QueryError, "has no observed followers"),
    ],
)
def test_clear_errors(accounts, observed_only, error, message):
    g = FollowGraph.from_pairs([("f1", "a"), ("f2", "b")], observed=[])
    with pytest.raises(error, match=message):
        overlap(g, accounts, observed_only=observed_only)


def test_cli(tmp_path, run_cli):
    edges = tmp_path / "follows.csv"
    edges.write_text("follower,followee\nf1,a\nf2,a\nf2,b\nf3,b\n")
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    both = run_cli("overlap", "a", "b")
    assert both.exit_code == 0
    assert both.stdout.splitlines() == [
        "account  other  account_audience  other_audience  shared  jaccard  overlap",
        "a        b                     2               2       1    0.333    0.500",
        "",
        "account  audience  unique_reach  unique_share",
        "a               2             1         50.0%",
        "b               2             1         50.0%",
    ]
    assert "combined reach: 3 distinct followers" in both.stderr
    reach = run_cli("overlap", "a", "b", "--show", "reach", "--format", "csv")
    assert reach.stdout.splitlines()[0] == "account,audience,unique_reach,unique_share"
    refused = run_cli("overlap", "a", "b", "--show", "both", "--format", "json")
    assert refused.exit_code == 2 and "--show pairs or --show reach" in refused.stderr
