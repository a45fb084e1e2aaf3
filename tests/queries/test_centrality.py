"""``centrality`` query and CLI: against networkx and hand-worked graphs."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, ConfigError, QueryError
from graphkit.graph import FollowGraph
from queries.centrality import centrality


def as_networkx(graph: FollowGraph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(graph.keys.tolist())
    keys = graph.keys
    g.add_edges_from(zip(keys[graph.sources()].tolist(), keys[graph.out_indices].tolist()))
    return g


@pytest.fixture
def small():
    attrs = pd.DataFrame({"key": ["b", "d", "e"], "followers_count": [12_000, 500, 2_000]})
    return FollowGraph.from_pairs(
        [("a", "b"), ("c", "b"), ("e", "b"), ("b", "d"), ("d", "b"), ("a", "e"), ("c", "e")],
        attributes=attrs,
    )


def test_in_degree_hand_worked_with_ties_by_key(small):
    table = centrality(small, "in-degree")
    assert table[["account", "score"]].values.tolist() == [
        ["b", 4], ["e", 2], ["d", 1], ["a", 0], ["c", 0],
    ]
    assert table["rank"].tolist() == [1, 2, 3, 4, 5]
    assert table.loc[0, "tier"] == "micro" and table.loc[0, "followers_count"] == 12_000


def test_out_degree_and_tier_filter(small):
    table = centrality(small, "out-degree", tiers=["nano"])
    assert table[["account", "score", "tier"]].values.tolist() == [["e", 1, "nano"]]


def test_pagerank_and_ppr_match_networkx(small):
    expected = nx.pagerank(as_networkx(small), tol=1e-12, max_iter=1000)
    table = centrality(small, "pagerank")
    assert dict(zip(table["account"], table["score"])) == pytest.approx(expected, abs=1e-9)
    assert table["score"].is_monotonic_decreasing
    expected = nx.pagerank(as_networkx(small), personalization={"a": 1, "c": 1}, tol=1e-12, max_iter=1000)
    table = centrality(small, "ppr", seeds=["a", "@C"])
    assert dict(zip(table["account"], table["score"])) == pytest.approx(expected, abs=1e-9)
    assert "2 seed account(s)" in table.attrs["note"]


def test_ppr_from_a_brands_audience_on_wiki_vote(snap_graph):
    graph = snap_graph("wiki-vote")
    brand = "4037"
    observed = list(graph.keys_of(graph.followers(graph.id_of(brand))))
    expected = nx.pagerank(as_networkx(graph), personalization=dict.fromkeys(observed, 1.0),
                           tol=1e-12, max_iter=1000)
    table = centrality(graph, "ppr", audience_of=brand, exclude_seeds=True, top=50)
    assert not set(table["account"]) & (set(observed) | {brand})
    for account, score in zip(table["account"], table["score"]):
        assert score == pytest.approx(expected[account], abs=1e-9)
    rest = sorted((v, k) for k, v in expected.items() if k not in set(observed) | {brand})
    assert table.loc[0, "account"] == rest[-1][1]


def test_hits_columns(small):
    hubs, auths = nx.hits(as_networkx(small), max_iter=10_000, tol=1e-12)
    table = centrality(small, "hits")
    assert list(table.columns) == ["rank", "account", "score", "hub", "tier", "followers_count"]
    assert dict(zip(table["account"], table["score"])) == pytest.approx(auths, abs=1e-8)
    assert dict(zip(table["account"], table["hub"])) == pytest.approx(hubs, abs=1e-8)


def test_betweenness_around_a_seed_is_exact_on_its_neighbourhood(snap_graph):
    graph = snap_graph("email-eu-core")
    seed = "160"
    g = as_networkx(graph)
    around = {seed} | set(g.successors(seed)) | set(g.predecessors(seed))
    expected = nx.betweenness_centrality(g.subgraph(around))
    table = centrality(graph, "betweenness", seeds=[seed])
    assert set(table["account"]) == around
    assert dict(zip(table["account"], table["score"])) == pytest.approx(expected, abs=1e-12)


def test_sampled_betweenness_note_and_determinism(snap_graph):
    graph = snap_graph("email-eu-core")
    first = centrality(graph, "betweenness", samples=50, sample_seed=1, top=10)
    again = centrality(graph, "betweenness", samples=50, sample_seed=1, top=10)
    pd.testing.assert_frame_equal(first, again)
    assert "estimated from 50 of 1,005" in first.attrs["note"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"measure": "closeness"}, QueryError, "unknown measure"),
        ({"measure": "ppr"}, QueryError, "ppr needs seeds"),
        ({"measure": "pagerank", "seeds": ["a"]}, QueryError, "--seed applies to ppr"),
        ({"measure": "hits", "audience_of": "b"}, QueryError, "--audience-of applies to ppr"),
        ({"measure": "ppr", "seeds": ["zzz"]}, AccountNotFound, "'zzz' is not in the graph"),
        ({"measure": "ppr", "audience_of": "a"}, QueryError, "'a' has no followers"),
        ({"measure": "pagerank", "tiers": ["mega"]}, QueryError, "no account of tier mega"),
        ({"measure": "pagerank", "tiers": ["giant"]}, ConfigError, "unknown tier"),
    ],
)
def test_errors(small, kwargs, error, message):
    with pytest.raises(error, match=message):
        centrality(small, **kwargs)


def test_empty_graph_is_refused():
    with pytest.raises(QueryError, match="empty"):
        centrality(FollowGraph.from_pairs([]), "pagerank")


@pytest.fixture
def loaded(tmp_path, run_cli):
    edges = tmp_path / "follows.csv"
    edges.write_text("follower,followee\na,b\nc,b\ne,b\nb,d\nd,b\na,e\nc,e\n")
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    return run_cli


def test_cli_in_degree_table(loaded):
    result = loaded("centrality", "--measure", "in-degree", "--top", "2")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "rank  account  score  tier     followers_count",
        "   1  b            4  unknown",
        "   2  e            2  unknown",
    ]
    assert "followers inside the graph" in result.stderr


def test_cli_ppr_csv_and_errors(loaded):
    result = loaded("centrality", "--measure", "ppr", "--seed", "a", "--format", "csv")
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert rows[0] == "rank,account,score,tier,followers_count" and len(rows) == 6
    bad = loaded("centrality", "--measure", "ppr", "--seed", "nobody")
    assert bad.exit_code == 1 and "'nobody' is not in the graph" in bad.stderr
    assert "Traceback" not in bad.output
