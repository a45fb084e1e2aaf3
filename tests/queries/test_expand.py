"""expand: reach, links and relevance against networkx on email-Eu-core, the order, reliability."""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.expand import expand


@pytest.fixture(scope="module")
def email(snap_graph, shared_data):
    path = shared_data / "snap/email-eu-core/email-Eu-core.txt"
    edges = [tuple(line.split()) for line in path.read_text().splitlines() if line.strip()]
    reference = nx.DiGraph()
    reference.add_edges_from((a, b) for a, b in edges if a != b)
    return snap_graph("email-eu-core"), reference


def reference_expand(g: nx.DiGraph, seed: str, hops: int, direction: str) -> pd.DataFrame:
    """Hop distances from networkx, links counted with sets, relevance from networkx's PageRank."""
    view = {"following": g, "followers": g.reverse(copy=False), "both": g.to_undirected(as_view=True)}[direction]
    dist = nx.single_source_shortest_path_length(view, seed, cutoff=hops)
    relevance = nx.pagerank(view.subgraph(dist), personalization={seed: 1.0}, tol=1e-13, max_iter=2000)
    rows = []
    for node, d in dist.items():
        if d == 0:
            continue
        previous = {u for u in view.predecessors(node)} if view.is_directed() else set(view[node])
        links = sum(1 for u in previous if dist.get(u) == d - 1)
        rows.append((node, relevance[node], d, links))
    return pd.DataFrame(rows, columns=["account", "relevance", "hops", "links"]).set_index("account")


def assert_ranked(table: pd.DataFrame) -> None:
    """Rows after the seed: relevance descending; equal relevance, then hops, links, key."""
    rest = table.iloc[1:]
    key = list(zip(-rest["relevance"].round(12), rest["hops"], -rest["links"], rest["account"]))
    assert key == sorted(key)


@pytest.mark.parametrize("direction", ["following", "followers", "both"])
@pytest.mark.parametrize(("seed", "hops"), [("0", 2), ("160", 1), ("551", 3)])
def test_expand_equals_networkx(email, direction, seed, hops):
    graph, reference = email
    got = expand(graph, seed, hops=hops, direction=direction)
    expected = reference_expand(reference, seed, hops, direction)
    assert got.loc[0, ["rank", "account", "hops", "links"]].tolist() == [0, seed, 0, 0]
    assert pd.isna(got.loc[0, "via"])
    rest = got.iloc[1:].set_index("account")
    assert len(rest) == len(expected) > 0
    assert sorted(rest.index) == sorted(expected.index)
    assert rest["hops"].to_dict() == expected["hops"].to_dict()
    assert rest["links"].to_dict() == expected["links"].to_dict()
    np.testing.assert_allclose(rest["relevance"], expected.loc[rest.index, "relevance"], rtol=1e-7, atol=1e-13)
    assert got["relevance"].sum() == pytest.approx(1.0)
    assert_ranked(got)
    assert got["rank"].tolist() == list(range(len(got)))
    assert got.attrs["seed"] == seed and got.attrs["reached"] == len(expected)


def test_via_is_the_best_ranked_previous_hop_neighbour(email):
    graph, reference = email
    got = expand(graph, "0", hops=2, direction="following")
    position = dict(zip(got["account"], got["rank"]))
    hop = dict(zip(got["account"], got["hops"]))
    for account, via, h in zip(got["account"][1:], got["via"][1:], got["hops"][1:]):
        linked = [u for u in reference.predecessors(account) if hop.get(u) == h - 1]
        assert via == min(linked, key=position.__getitem__)


def test_limit_keeps_the_most_relevant_of_every_hop(email):
    graph, _ = email
    full = expand(graph, "0", hops=2)
    cut = expand(graph, "0", hops=2, limit=25)
    assert len(cut) == 26  # the seed and 25 accounts
    assert cut["account"].tolist() == full["account"].tolist()[:26]
    assert cut.attrs["note"] == f"kept the 25 most relevant of {full.attrs['reached']:,} accounts within 2 hops"
    assert cut.attrs["reached"] == full.attrs["reached"]


def test_limit_does_not_stop_at_the_first_hop():
    # the seed is followed by 60 accounts (hop 1, "both"); 40 of them follow "hub" (hop 2)
    pairs = [(f"f{i:02d}", "seed") for i in range(60)] + [(f"f{i:02d}", "hub") for i in range(40)]
    graph = FollowGraph.from_pairs(pairs)
    got = expand(graph, "seed", hops=2, limit=10)
    assert got["account"].tolist()[:2] == ["seed", "hub"]
    assert got.loc[1, ["hops", "links"]].tolist() == [2, 40]
    # the hop-1 accounts that also follow hub come before those that follow only the seed
    assert got["account"].tolist()[2:] == [f"f{i:02d}" for i in range(9)]


def test_degrees_and_profile_columns(email):
    graph, reference = email
    got = expand(graph, "160", hops=1, direction="followers").set_index("account")
    for account in got.index[:20]:
        assert got.loc[account, "in_degree"] == reference.in_degree(account)
        assert got.loc[account, "out_degree"] == reference.out_degree(account)
    assert (got["tier"] == "unknown").all() and got["followers_count"].isna().all()


# -- hand-made graphs ------------------------------------------------------------------------
def diamond() -> FollowGraph:
    # seed follows a, b; a, b follow c; b follows d; e follows seed; c follows seed
    return FollowGraph.from_pairs([
        ("seed", "a"), ("seed", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("e", "seed"), ("c", "seed"),
    ])


def test_hand_graph_both_directions():
    got = expand(diamond(), "@Seed", hops=2)
    # hop 1: a, b (followed), e, c (followers: c follows seed); c is linked to seed once
    # hop 2: d (b follows d); nothing else is new. c and b touch three accounts each
    # (c: seed, a, b; b: seed, c, d), a two, e and d one: that is the relevance order.
    assert list(zip(got["account"], got["hops"], got["links"])) == [
        ("seed", 0, 0), ("c", 1, 1), ("b", 1, 1), ("a", 1, 1), ("e", 1, 1), ("d", 2, 1),
    ]
    assert got["via"].tolist()[1:] == ["seed", "seed", "seed", "seed", "b"]
    assert got.attrs["seed"] == "seed" and got.attrs["note"] is None
    reference = nx.pagerank(diamond().to_networkx().to_undirected(), personalization={"seed": 1},
                            tol=1e-13, max_iter=2000)
    assert got["relevance"].tolist() == pytest.approx([reference[k] for k in got["account"]], rel=1e-9)


def test_hand_graph_followers_stops_when_nothing_is_new():
    got = expand(diamond(), "seed", hops=5, direction="followers")
    # followers of seed: c, e; followers of c: a, b; followers of a, b: seed (seen).
    # c and e, a and b are exact ties: the key decides
    assert list(zip(got["account"], got["hops"], got["links"])) == [
        ("seed", 0, 0), ("c", 1, 1), ("e", 1, 1), ("a", 2, 1), ("b", 2, 1),
    ]
    assert got.loc[1, "relevance"] == got.loc[2, "relevance"]
    assert got.attrs["depth"] == 2
    assert got.attrs["note"] == "nothing new after 2 hops"


def test_isolated_seed_gives_only_the_seed_and_a_note():
    graph = FollowGraph.from_pairs([("a", "b")])
    got = expand(graph, "a", direction="followers")
    assert got["account"].tolist() == ["a"]
    assert got.attrs["note"] == "'a' has no followers in the graph: only the seed is listed"


def test_errors():
    graph = diamond()
    with pytest.raises(AccountNotFound, match="did you mean 'seed'"):
        expand(graph, "sed")
    with pytest.raises(QueryError, match="--hops must be at least 1"):
        expand(graph, "seed", hops=0)
    with pytest.raises(QueryError, match="unknown direction"):
        expand(graph, "seed", direction="out")
    with pytest.raises(QueryError, match="--top must be at least 1"):
        expand(graph, "seed", limit=0)


def test_cli_expand(tmp_path, run_cli):
    edges = tmp_path / "edges.csv"
    edges.write_text("follower,followee\nseed,a\nseed,b\na,c\nb,c\nb,d\ne,seed\nc,seed\n")
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    result = run_cli("expand", "seed", "--hops", "2", "--direction", "following", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "rank,account,relevance,hops,links,via,in_degree,out_degree,tier,followers_count"
    rows = [line.split(",") for line in lines[1:]]
    assert [[row[1], *row[3:5]] for row in rows] == [
        ["seed", "0", "0"], ["c", "2", "2"], ["a", "1", "1"], ["b", "1", "1"], ["d", "2", "1"],
    ]
    assert "seed: 4 accounts reached within 2 hops (following), most relevant first" in result.stderr
    result = run_cli("expand", "nobody")
    assert result.exit_code == 1 and result.stderr.startswith("Error: account 'nobody' is not in the graph")


def test_empty_graph():
    with pytest.raises(QueryError, match="the workspace is empty"):
        expand(FollowGraph.from_pairs([]), "seed")


def test_two_hops_on_the_demo_show_hop_two_within_the_default_limit(demo_workspace, run_cli):
    # acme has 2,115 followers: ordered by hops, the default --limit 50 held hop-1 accounts only
    result = run_cli("expand", "acme", "--hops", "2", "--format", "csv", workspace=demo_workspace)
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert len(table) == 51
    assert (table["hops"] == 2).sum() > 10
    assert table["relevance"].iloc[1:].is_monotonic_decreasing
    assert "most relevant first (personalized PageRank from the seed)" in result.stderr
    assert "kept the 50 most relevant of" in result.stderr
