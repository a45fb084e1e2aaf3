"""FollowGraph against networkx and by hand."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph, gather_rows
from graphkit.tables import follows_frame
from loaders import ReadContext, read_source


def _wiki_vote(shared_data):
    source = read_source(shared_data / "snap/wiki-vote/Wiki-Vote.txt", ReadContext(kind="edges"))
    pairs = [tuple(r) for chunk in source.follows for r in follows_frame(chunk).itertuples(index=False)]
    return pairs


def test_small_graph_by_hand():
    g = FollowGraph.from_pairs([("a", "b"), ("a", "c"), ("b", "c"), ("c", "a"), ("a", "b")])
    assert (g.n_accounts, g.n_follows) == (3, 4)
    assert g.keys_of(g.following(g.id_of("a"))).tolist() == ["b", "c"]
    assert g.keys_of(g.followers(g.id_of("c"))).tolist() == ["a", "b"]
    assert g.out_degree().tolist() == [2, 1, 1]
    assert g.in_degree().tolist() == [1, 1, 2]


def test_self_follows_are_dropped():
    g = FollowGraph.from_pairs([("a", "a"), ("a", "b")])
    assert g.n_follows == 1


def test_unknown_account_suggests_close_matches():
    g = FollowGraph.from_pairs([("alice", "bob"), ("alicia", "bob")])
    with pytest.raises(AccountNotFound) as err:
        g.id_of("alise")
    assert "alice" in str(err.value) and "did you mean" in str(err.value)


def test_gather_rows_equals_python_concatenation():
    rng = np.random.default_rng(1)
    src = rng.integers(0, 50, 400)
    dst = rng.integers(0, 50, 400)
    accounts = pd.DataFrame({"key": [str(i) for i in range(50)]})
    g = FollowGraph.from_arrays(accounts, src, dst)
    rows = np.array([3, 7, 7, 0, 49])
    expected = np.concatenate([g.following(r) for r in rows])
    assert gather_rows(g.out_indptr, g.out_indices, rows).tolist() == expected.tolist()


def test_degrees_match_networkx_on_wiki_vote(shared_data):
    pairs = _wiki_vote(shared_data)
    g = FollowGraph.from_pairs(pairs)
    reference = nx.DiGraph(pairs)
    assert g.n_accounts == reference.number_of_nodes() == 7115
    assert g.n_follows == reference.number_of_edges() == 103689
    keys = g.keys
    assert dict(zip(keys, g.in_degree().tolist())) == dict(reference.in_degree())
    assert dict(zip(keys, g.out_degree().tolist())) == dict(reference.out_degree())
    for key in ["30", "1412", "3352", "8283"]:
        node = g.id_of(key)
        assert set(g.keys_of(g.followers(node))) == set(reference.predecessors(key))
        assert set(g.keys_of(g.following(node))) == set(reference.successors(key))


def test_subgraph_and_to_networkx_match_networkx(shared_data):
    pairs = _wiki_vote(shared_data)
    g = FollowGraph.from_pairs(pairs)
    reference = nx.DiGraph(pairs)
    seed = g.id_of("30")
    ids = np.union1d(g.following(seed), g.followers(seed))
    ids = np.append(ids, seed)
    sub = g.to_networkx(ids)
    expected = reference.subgraph(g.keys_of(ids).tolist())
    assert set(sub.nodes) == set(expected.nodes)
    assert set(sub.edges) == set(expected.edges)


def test_whole_graph_to_networkx_is_refused_when_huge(monkeypatch):
    import graphkit.graph as graph_module

    g = FollowGraph.from_pairs([("a", "b"), ("b", "c")])
    monkeypatch.setattr(graph_module, "NETWORKX_EDGE_LIMIT", 1)
    with pytest.raises(QueryError, match="too many"):
        g.to_networkx()
