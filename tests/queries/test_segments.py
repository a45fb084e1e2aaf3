"""``segments``: Louvain on the audience subgraph, checked by hand and by brute-force counting."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.segments import segment_members, segments


def two_camps() -> FollowGraph:
    hikers = [f"h{i}" for i in range(5)]
    cooks = [f"c{i}" for i in range(4)]
    pairs = [(f, "brand") for f in hikers + cooks]
    pairs += [(a, b) for a in hikers for b in hikers if a != b]  # a dense camp
    pairs += [(a, b) for a in cooks for b in cooks if a != b]
    pairs += [("h0", "c0")]  # one bridge
    pairs += [(h, "trailhub") for h in hikers] + [(h, "rei") for h in hikers[:3]]
    pairs += [(c, "chefhub") for c in cooks] + [("c1", "rei")]
    return FollowGraph.from_pairs(pairs)


def test_two_camps_are_found():
    table = segments(two_camps(), "brand", top_followed=2)
    assert table["size"].tolist() == [5, 4]
    assert table["top_followed"].tolist() == ["trailhub (5), h0 (4), ...", "chefhub (4), c0 (3), ..."]
    assert table["internal_follows"].tolist() == [20, 12]
    # lift of trailhub and of each hiker in the hikers' segment: (5/5 or 4/5) / (5/9 or 4/9) = 1.8
    assert table.loc[0, "distinctive"] == "h0 (1.8x), h1 (1.8x), h2 (1.8x), ..."
    assert table["audience_share"].tolist() == pytest.approx([5 / 9, 4 / 9])
    members = segment_members(two_camps(), "brand")
    assert members.groupby("segment")["account"].apply(sorted).tolist() == [
        [f"h{i}" for i in range(5)], [f"c{i}" for i in range(4)],
    ]


def test_brute_force_counts_on_email_eu_core(snap_graph):
    graph = snap_graph("email-eu-core")
    brand = "160"
    table = segments(graph, brand, top_followed=3, min_size=1)
    members = segment_members(graph, brand)
    followers = set(graph.keys_of(graph.followers(graph.id_of(brand))).tolist())
    assert set(members["account"]) == followers  # every follower is observed in this graph
    assert table["size"].sum() == len(followers)
    assert table["size"].is_monotonic_decreasing
    g = nx.DiGraph()
    keys = graph.keys
    g.add_edges_from(zip(keys[graph.sources()].tolist(), keys[graph.out_indices].tolist()))
    by_segment = members.groupby("segment")["account"].apply(set)
    for row in table.itertuples():
        group = by_segment[row.segment]
        counts = Counter(v for m in group for v in g.successors(m) if v != brand)
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        expected = ", ".join(f"{k} ({c})" for k, c in best) + (", ..." if len(counts) > 3 else "")
        assert row.top_followed == expected
        assert row.internal_follows == g.subgraph(group).number_of_edges()
    # a real community structure: modularity close to what networkx's own Louvain reaches
    audience = g.subgraph(followers)
    ours = nx.community.modularity(audience, list(by_segment))
    reference = nx.community.modularity(audience, nx.community.louvain_communities(audience, seed=1))
    assert ours > 0.2 and ours == pytest.approx(reference, abs=0.05)


def test_same_seed_same_segments(snap_graph):
    graph = snap_graph("email-eu-core")
    first = segment_members(graph, "160", seed=3)
    assert first.equals(segment_members(graph, "160", seed=3))


@pytest.mark.parametrize(
    "pairs, observed, brand, kwargs, error, message",
    [
        ([("a", "b")], None, "x", {}, AccountNotFound, "'x' is not in the graph"),
        ([("a", "b")], None, "a", {}, QueryError, "has no followers"),
        ([("a", "b")], [], "b", {}, QueryError, "is observed"),
        ([("a", "b"), ("c", "b")], None, "b", {}, QueryError, "do not follow one another"),
        ([("a", "b"), ("c", "b"), ("a", "c")], None, "b", {"min_size": 3}, QueryError, "lower --min-size"),
        ([("a", "b"), ("c", "b"), ("a", "c")], None, "b", {"resolution": 0}, QueryError, "--resolution"),
    ],
)
def test_clear_errors(pairs, observed, brand, kwargs, error, message):
    g = FollowGraph.from_pairs(pairs, observed=observed)
    with pytest.raises(error, match=message):
        segments(g, brand, **kwargs)


def test_cli(tmp_path, run_cli):
    edges = tmp_path / "follows.csv"
    edges.write_text("follower,followee\n" + "".join(f"{a},{b}\n" for a, b in two_camps().edges_frame().values))
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    result = run_cli("segments", "brand", "--format", "csv", "--top-followed", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "segment,size,audience_share,internal_follows,top_followed,distinctive,central_members"
    assert lines[1].startswith("1,5,0.5555555555555556,20,\"trailhub (5), ...\"")
    members = run_cli("segments", "brand", "--members", "--format", "csv")
    assert members.stdout.splitlines()[:2] == ["account,segment", "h0,1"]
