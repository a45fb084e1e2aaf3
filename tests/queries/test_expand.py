"""expand: BFS against networkx on email-Eu-core, links and order in pure Python, reliability."""

from __future__ import annotations

import networkx as nx
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
    """Hop distances from networkx, links counted with sets, graphkit's order rules."""
    view = {"following": g, "followers": g.reverse(copy=False), "both": g.to_undirected(as_view=True)}[direction]
    dist = nx.single_source_shortest_path_length(view, seed, cutoff=hops)
    rows = []
    for node, d in dist.items():
        if d == 0:
            continue
        previous = {u for u in view.predecessors(node)} if view.is_directed() else set(view[node])
        links = sum(1 for u in previous if dist.get(u) == d - 1)
        rows.append((node, d, links))
    table = pd.DataFrame(rows, columns=["account", "hops", "links"])
    return table.sort_values(["hops", "links", "account"], ascending=[True, False, True]).reset_index(drop=True)


@pytest.mark.parametrize("direction", ["following", "followers", "both"])
@pytest.mark.parametrize(("seed", "hops"), [("0", 2), ("160", 1), ("551", 3)])
def test_expand_equals_networkx_bfs(email, direction, seed, hops):
    graph, reference = email
    got = expand(graph, seed, hops=hops, direction=direction)
    expected = reference_expand(reference, seed, hops, direction)
    assert got.loc[0, ["rank", "account", "hops", "links"]].tolist() == [0, seed, 0, 0]
    assert pd.isna(got.loc[0, "via"])
    rest = got.iloc[1:].reset_index(drop=True)
    assert len(rest) == len(expected) > 0
    assert rest["account"].tolist() == expected["account"].tolist()
    assert rest["hops"].tolist() == expected["hops"].tolist()
    assert rest["links"].tolist() == expected["links"].tolist()
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


def test_limit_keeps_the_best_ranked_prefix(email):
    graph, _ = email
    full = expand(graph, "0", hops=2)
    cut = expand(graph, "0", hops=2, limit=25)
    assert len(cut) == 26  # the seed and 25 accounts
    assert cut["account"].tolist() == full["account"].tolist()[:26]
    assert "kept the first 25 of" in cut.attrs["note"]


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
    # hop 2: d (b follows d); nothing else is new
    assert list(zip(got["account"], got["hops"], got["links"])) == [
        ("seed", 0, 0), ("a", 1, 1), ("b", 1, 1), ("c", 1, 1), ("e", 1, 1), ("d", 2, 1),
    ]
    assert got["via"].tolist()[1:] == ["seed", "seed", "seed", "seed", "b"]
    assert got.attrs["seed"] == "seed"


def test_hand_graph_followers_stops_when_nothing_is_new():
    got = expand(diamond(), "seed", hops=5, direction="followers")
    # followers of seed: c, e; followers of c: a, b; followers of a, b: seed (seen)
    assert list(zip(got["account"], got["hops"], got["links"])) == [
        ("seed", 0, 0), ("c", 1, 1), ("e", 1, 1), ("a", 2, 1), ("b", 2, 1),
    ]
    assert got.attrs["depth"] == 2
    assert "nothing new after 2 hops" in got.attrs["note"]


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
    assert lines[0] == "rank,account,hops,links,via,in_degree,out_degree,tier,followers_count"
    assert [line.split(",")[1:4] for line in lines[1:]] == [
        ["seed", "0", "0"], ["a", "1", "1"], ["b", "1", "1"], ["c", "2", "2"], ["d", "2", "1"],
    ]
    assert "seed: 4 accounts reached within 2 hops (following)" in result.stderr
    result = run_cli("expand", "nobody")
    assert result.exit_code == 1 and result.stderr.startswith("Error: account 'nobody' is not in the graph")


def test_empty_graph():
    with pytest.raises(QueryError, match="the workspace is empty"):
        expand(FollowGraph.from_pairs([]), "seed")
