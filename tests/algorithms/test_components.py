"""Components, reciprocity, triangles and clustering against networkx and hand-worked graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graphkit.algorithms.components import (
    clustering,
    largest_component,
    reciprocity,
    strong_components,
    triangles,
    weak_components,
)
from graphkit.errors import QueryError
from graphkit.graph import FollowGraph


def as_networkx(graph: FollowGraph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_accounts))
    g.add_edges_from(zip(graph.sources().tolist(), graph.out_indices.tolist()))
    return g


def test_hand_worked_components():
    # a <-> b -> c -> a is one strong component of 3 (4 follows); d -> e two singletons.
    g = FollowGraph.from_pairs([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("d", "e")])
    weak = largest_component(g, "weak")
    strong = largest_component(g, "strong")
    assert (weak.n_components, weak.nodes, weak.edges) == (2, 3, 4)
    assert (strong.n_components, strong.nodes, strong.edges) == (3, 3, 4)
    assert sorted(g.keys_of(strong.ids)) == ["a", "b", "c"]
    assert weak_components(g)[0] == 2 and strong_components(g)[0] == 3


def test_tied_components_pick_the_smallest_id():
    g = FollowGraph.from_pairs([("x", "y"), ("a", "b")])
    assert g.keys_of(largest_component(g, "weak").ids).tolist() == ["x", "y"]


def test_hand_worked_reciprocity_and_triangles():
    # square a-b-c-d with diagonal a-c: triangles abc and acd; a and c in both.
    g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("a", "c"), ("c", "a")])
    assert reciprocity(g) == pytest.approx(2 / 6)
    tri = dict(zip(g.keys, triangles(g).tolist()))
    assert tri == {"a": 2, "b": 1, "c": 2, "d": 1}
    cc = dict(zip(g.keys, clustering(g).tolist()))
    assert cc == pytest.approx({"a": 2 / 3, "b": 1.0, "c": 2 / 3, "d": 1.0})


def test_empty_and_edgeless_graphs():
    empty = FollowGraph.from_pairs([])
    assert largest_component(empty).nodes == 0
    assert reciprocity(empty) == 0.0
    assert triangles(empty).tolist() == []
    lonely = FollowGraph.from_pairs([], attributes=__import__("pandas").DataFrame({"key": ["a", "b"]}))
    assert largest_component(lonely, "strong").nodes == 1
    assert clustering(lonely).tolist() == [0.0, 0.0]


def test_bad_connection_is_refused():
    with pytest.raises(QueryError, match="'weak' or 'strong'"):
        largest_component(FollowGraph.from_pairs([("a", "b")]), "medium")


@pytest.mark.parametrize(
    "name", [pytest.param("wiki-vote", marks=pytest.mark.slow), "email-eu-core", "ego-twitter-sample"]
)
def test_against_networkx(snap_graph, name):
    graph = snap_graph(name)
    g = as_networkx(graph)
    weak = max(nx.weakly_connected_components(g), key=len)
    strong = max(nx.strongly_connected_components(g), key=len)
    ours_weak, ours_strong = largest_component(graph, "weak"), largest_component(graph, "strong")
    assert set(ours_weak.ids.tolist()) == weak
    assert set(ours_strong.ids.tolist()) == strong
    assert ours_weak.edges == g.subgraph(weak).number_of_edges()
    assert ours_strong.edges == g.subgraph(strong).number_of_edges()
    assert ours_weak.n_components == nx.number_weakly_connected_components(g)
    assert ours_strong.n_components == nx.number_strongly_connected_components(g)
    assert reciprocity(graph) == pytest.approx(nx.overall_reciprocity(g), abs=1e-15)
    undirected = g.to_undirected()
    nx_tri = nx.triangles(undirected)
    assert triangles(graph).tolist() == [nx_tri[i] for i in range(graph.n_accounts)]
    nx_cc = nx.clustering(undirected)
    np.testing.assert_allclose(clustering(graph), [nx_cc[i] for i in range(graph.n_accounts)], atol=1e-12)
