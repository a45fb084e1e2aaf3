"""HITS, degree and betweenness against networkx on real and hand-made graphs."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from graphkit.algorithms.centrality import betweenness, hits, in_degree, out_degree
from graphkit.graph import FollowGraph


def as_networkx(graph: FollowGraph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_accounts))
    g.add_edges_from(zip(graph.sources().tolist(), graph.out_indices.tolist()))
    return g


def by_id(scores: dict, n: int) -> np.ndarray:
    return np.array([scores[i] for i in range(n)])


def test_degree_matches_networkx(snap_graph):
    graph = snap_graph("email-eu-core")
    g = as_networkx(graph)
    n = graph.n_accounts
    np.testing.assert_allclose(in_degree(graph, normalized=True), by_id(nx.in_degree_centrality(g), n))
    np.testing.assert_allclose(out_degree(graph, normalized=True), by_id(nx.out_degree_centrality(g), n))
    assert in_degree(graph).tolist() == [float(g.in_degree(i)) for i in range(n)]


@pytest.mark.parametrize("name", ["wiki-vote", "email-eu-core"])
def test_hits_matches_networkx(snap_graph, name):
    graph = snap_graph(name)
    hubs, authorities = hits(graph)
    nx_hubs, nx_auth = nx.hits(as_networkx(graph), max_iter=10_000, tol=1e-12)
    n = graph.n_accounts
    np.testing.assert_allclose(hubs, by_id(nx_hubs, n), atol=1e-8)
    np.testing.assert_allclose(authorities, by_id(nx_auth, n), atol=1e-8)
    assert hubs.sum() == pytest.approx(1) and authorities.sum() == pytest.approx(1)


def test_hits_without_follows_is_zero():
    g = FollowGraph.from_pairs([])
    assert hits(g)[0].shape == (0,)


def test_betweenness_hand_worked_path():
    # a -> b -> c -> d: b lies on (a,c), (a,d); c on (a,d), (b,d).
    g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "d")])
    assert betweenness(g, normalized=False).tolist() == [0.0, 2.0, 2.0, 0.0]
    assert betweenness(g).tolist() == pytest.approx([0.0, 2 / 6, 2 / 6, 0.0])


@pytest.mark.parametrize(
    "name, normalized",
    [("email-eu-core", True), ("ego-twitter-sample", True), ("ego-twitter-sample", False)],
)
def test_exact_betweenness_matches_networkx(snap_graph, name, normalized):
    graph = snap_graph(name)
    expected = nx.betweenness_centrality(as_networkx(graph), normalized=normalized)
    np.testing.assert_allclose(
        betweenness(graph, normalized=normalized), by_id(expected, graph.n_accounts), rtol=1e-9, atol=1e-12
    )


def test_sampled_betweenness_matches_networkx_on_the_same_sources(snap_graph):
    graph = snap_graph("wiki-vote")
    g = as_networkx(graph)
    k, seed = 40, 7
    chosen = random.Random(seed).sample(list(g.nodes()), k)  # networkx's own draw for seed=7
    expected = nx.betweenness_centrality(g, k=k, seed=seed)
    ours = betweenness(graph, sources=chosen)
    np.testing.assert_allclose(ours, by_id(expected, graph.n_accounts), rtol=1e-9, atol=1e-12)


def test_sampled_betweenness_is_reproducible_and_on_a_neighbourhood(snap_graph):
    graph = snap_graph("wiki-vote")
    first = betweenness(graph, k=25, seed=3)
    assert np.array_equal(first, betweenness(graph, k=25, seed=3))
    assert not np.array_equal(first, betweenness(graph, k=25, seed=4))
    hub = int(np.argmax(graph.in_degree()))
    ids = np.union1d(graph.followers(hub), [hub])
    sub = graph.subgraph(ids)
    expected = nx.betweenness_centrality(graph.to_networkx(ids))
    ours = dict(zip(sub.keys, betweenness(sub)))
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-12)
