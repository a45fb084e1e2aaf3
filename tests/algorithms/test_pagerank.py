"""PageRank and personalized PageRank against networkx (tight tolerance) and hand-worked graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graphkit.algorithms.centrality import pagerank, personalization_vector
from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph

NX_OPTIONS = {"tol": 1e-12, "max_iter": 10_000}


def nx_pagerank(graph: FollowGraph, personalization: dict | None = None) -> np.ndarray:
    """networkx.pagerank on the same follows, as an array by account id."""
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_accounts))
    g.add_edges_from(zip(graph.sources().tolist(), graph.out_indices.tolist()))
    scores = nx.pagerank(g, personalization=personalization, **NX_OPTIONS)
    return np.array([scores[i] for i in range(graph.n_accounts)])


def test_two_node_cycle_is_uniform():
    g = FollowGraph.from_pairs([("a", "b"), ("b", "a")])
    assert pagerank(g).tolist() == pytest.approx([0.5, 0.5], abs=1e-12)


def test_hand_worked_star_with_dangling_centre():
    # b, c, d follow a; a follows nobody (dangling, its mass spread uniformly). By symmetry
    # b = c = d = x and a = y with x = (1-alpha)/4 + alpha*y/4, y = (1-alpha)/4 + alpha*(3x + y/4).
    alpha = 0.85
    g = FollowGraph.from_pairs([("b", "a"), ("c", "a"), ("d", "a")])
    m = np.array([[1 - alpha / 4, -3 * alpha], [-alpha / 4, 1.0]])
    y, x = np.linalg.solve(m, [(1 - alpha) / 4, (1 - alpha) / 4])
    pr = pagerank(g, alpha=alpha, tol=1e-10)
    bound = 1e-10 * alpha / (1 - alpha)  # the documented error bound
    assert pr[g.id_of("a")] == pytest.approx(y, abs=bound)
    assert pr[g.id_of("b")] == pytest.approx(x, abs=bound)
    assert pr.sum() == pytest.approx(1.0, abs=1e-12)


def test_personalized_dangling_mass_follows_the_personalization():
    # networkx convention (dangling=None): a dangling node's mass goes where teleports go.
    g = FollowGraph.from_pairs([("a", "b"), ("c", "b")], observed=["a", "c"])
    pr = pagerank(g, personalization={"a": 1.0})
    assert pr[g.id_of("c")] == 0.0  # nothing ever reaches c
    np.testing.assert_allclose(pr, nx_pagerank(g, {g.id_of("a"): 1.0}), atol=1e-12)


def test_personalization_forms_agree():
    g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    by_key = pagerank(g, personalization={"a": 1, "d": 3})
    by_id = pagerank(g, personalization={g.id_of("a"): 1, g.id_of("d"): 3})
    vector = np.zeros(4)
    vector[[g.id_of("a"), g.id_of("d")]] = [0.25, 0.75]
    np.testing.assert_allclose(by_key, by_id)
    np.testing.assert_allclose(by_key, pagerank(g, personalization=vector))


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"a": 0}, "sum to 0"),
        ({"a": -1, "b": 2}, "non-negative"),
        (np.ones(3), "3 weights for 4 accounts"),
        ({17: 1.0}, "out of range"),
    ],
)
def test_bad_personalization_is_refused(bad, message):
    g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "d")])
    with pytest.raises(QueryError, match=message):
        personalization_vector(g, bad)


def test_unknown_seed_handle_names_it():
    g = FollowGraph.from_pairs([("anna", "bob")])
    with pytest.raises(AccountNotFound, match="'ana'.*did you mean 'anna'"):
        pagerank(g, personalization={"ana": 1})


def test_options_are_checked_and_non_convergence_is_reported():
    g = FollowGraph.from_pairs([("a", "b"), ("b", "c")])
    with pytest.raises(QueryError, match="alpha"):
        pagerank(g, alpha=1.0)
    with pytest.raises(QueryError, match="did not converge"):
        pagerank(g, max_iter=1, tol=1e-15)


def test_empty_graph():
    g = FollowGraph.from_pairs([])
    assert pagerank(g).shape == (0,)


@pytest.mark.parametrize("name", ["wiki-vote", "email-eu-core", "ego-twitter-sample"])
def test_pagerank_matches_networkx_on_snap(snap_graph, name):
    g = snap_graph(name)
    ours = pagerank(g)
    np.testing.assert_allclose(ours, nx_pagerank(g), rtol=0, atol=1e-6)
    # the documented bound: L1 error <= tol * alpha / (1 - alpha), much tighter than 1e-6
    assert np.abs(ours - nx_pagerank(g)).max() < 1e-9
    assert ours.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("name", ["wiki-vote", "email-eu-core", "ego-twitter-sample"])
def test_personalized_pagerank_matches_networkx_on_snap(snap_graph, name):
    g = snap_graph(name)
    # seed set: the followers of the most-followed account, weighted 1, plus one heavier seed
    hub = int(np.argmax(g.in_degree()))
    seeds = {int(f): 1.0 for f in g.followers(hub)}
    seeds[hub] = 5.0
    ours = pagerank(g, personalization=seeds)
    np.testing.assert_allclose(ours, nx_pagerank(g, seeds), rtol=0, atol=1e-9)


@pytest.mark.slow
def test_pagerank_matches_networkx_on_full_ego_twitter(snap_graph):
    g = snap_graph("ego-twitter")
    assert (g.n_accounts, g.n_follows) == (81_306, 1_768_149 - 14)  # 14 self-follows dropped
    ours = pagerank(g)
    np.testing.assert_allclose(ours, nx_pagerank(g), rtol=0, atol=1e-6)
    hub = int(np.argmax(g.in_degree()))
    seeds = {int(f): 1.0 for f in g.followers(hub)}
    np.testing.assert_allclose(
        pagerank(g, personalization=seeds), nx_pagerank(g, seeds), rtol=0, atol=1e-6
    )
