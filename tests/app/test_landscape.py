"""The influencer landscape against references: networkx's Jaccard and cosine on the same
candidates, a plain Python k-nearest-neighbour graph, networkx's greedy modularity clustering,
and ground truth (the demo's categories, email-Eu-core's departments)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from queries.audience import audience
from queries.landscape import MAX_TOP, landscape, nearest_neighbour_edges
from queries.rank import rank

from .conftest import nmi


def audience_sets(graph, brand, keys):
    """Each candidate's observed followers among the brand's, by plain set logic."""
    observed = set(audience(graph, brand).observed.tolist())
    return {k: set(graph.followers(graph.id_of(k)).tolist()) & observed for k in keys}


def bipartite(graph, brand, keys):
    """networkx graph: candidates linked to the brand's observed followers who follow them."""
    sets = audience_sets(graph, brand, keys)
    b = nx.Graph()
    b.add_nodes_from(keys)
    b.add_edges_from((k, f"f{f}") for k, members in sets.items() for f in members)
    return b


def reference_similarity(graph, brand, keys, metric):
    b = bipartite(graph, brand, keys)
    pairs = [(u, v) for i, u in enumerate(keys) for v in keys[i + 1 :]]
    if metric == "jaccard":
        return {(u, v): s for u, v, s in nx.jaccard_coefficient(b, pairs)}
    out = {}
    for u, v in pairs:
        shared = len(list(nx.common_neighbors(b, u, v)))
        out[(u, v)] = shared / math.sqrt(b.degree(u) * b.degree(v)) if shared else 0.0
    return out


def reference_knn(keys, sims, k, threshold):
    """Each node keeps its k most similar (ties: earlier in the ranking) at or above threshold."""
    kept = set()
    index = {key: i for i, key in enumerate(keys)}
    for u in keys:
        others = [(sims.get((u, v), sims.get((v, u), 0.0)), v) for v in keys if v != u]
        others.sort(key=lambda item: (-item[0], index[item[1]]))
        for s, v in others[:k]:
            if s >= threshold and s > 0:
                kept.add(tuple(sorted((u, v), key=index.get)))
    return kept


def greedy_modularity(land) -> float:
    """Modularity of networkx's greedy (Clauset-Newman-Moore) clusters of the landscape's links."""
    index = {k: i for i, k in enumerate(land.nodes["account"])}
    knn = nx.Graph()
    knn.add_nodes_from(range(len(index)))
    knn.add_weighted_edges_from((index[s], index[t], w) for s, t, w in
                                zip(land.edges["source"], land.edges["target"], land.edges["similarity"]))
    reference = nx.community.greedy_modularity_communities(knn, weight="weight")
    return nx.community.modularity(knn, reference, weight="weight")


@pytest.mark.parametrize("metric", ["jaccard", "cosine"])
def test_similarity_and_links_equal_networkx_on_the_demo(demo_graph, metric):
    land = landscape(demo_graph, "acme", top=120, metric=metric, neighbours=4, min_similarity=0.03)
    keys = land.nodes["account"].tolist()
    assert keys == rank(demo_graph, "acme", top=120)["account"].tolist()
    sims = reference_similarity(demo_graph, "acme", keys, metric)
    for row in land.edges.itertuples(index=False):
        assert row.similarity == pytest.approx(sims.get((row.source, row.target), sims.get((row.target, row.source))),
                                               abs=1e-12)
        members = audience_sets(demo_graph, "acme", [row.source, row.target])
        assert row.shared == len(members[row.source] & members[row.target])
    edges = set(zip(land.edges["source"], land.edges["target"]))
    assert edges == reference_knn(keys, sims, 4, 0.03)
    counts = audience_sets(demo_graph, "acme", keys)
    assert land.nodes["audience_count"].tolist() == [len(counts[k]) for k in keys]


def test_clusters_follow_the_demo_niches_and_are_labelled_by_them(demo_graph):
    land = landscape(demo_graph, "acme")
    assert land.n_nodes == 300
    nodes = land.nodes
    named = land.clusters[land.clusters["cluster"] > 0]
    assert len(named) >= 4
    categories = nodes["category"].fillna("none")
    assert nmi(nodes["cluster"], categories) > 0.5
    # every label term is written in the profiles of at least a fifth of the community
    from graphkit.algorithms.niche import account_terms

    profiles = demo_graph.accounts.set_index("key")
    for row in named.itertuples():
        members = nodes.loc[nodes["cluster"] == row.cluster, "account"]
        texts = [account_terms(*(profiles.at[m, f] if pd.notna(profiles.at[m, f]) else None
                                 for f in ("tags", "category", "bio"))) for m in members]
        for term in row.terms.split(", "):
            assert sum(term in t for t in texts) >= max(2, 0.2 * len(texts)), (row.label, term)
    # and the demo's niches name the big communities
    words = {t for terms in named["terms"] for t in terms.split(", ")}
    assert {"travel", "fitness", "hiking"} <= words
    # reach: distinct observed followers following at least one member
    observed = set(audience(demo_graph, "acme").observed.tolist())
    first = named.iloc[0]
    members = nodes.loc[nodes["cluster"] == first["cluster"], "account"].tolist()
    union = set().union(*audience_sets(demo_graph, "acme", members).values())
    assert first["reach"] == len(union) and first["reach_share"] == pytest.approx(len(union) / len(observed))


def test_modularity_matches_or_beats_networkx_greedy_clustering(demo_graph):
    land = landscape(demo_graph, "acme", random_seed=3)
    assert land.attrs["modularity"] >= 0.97 * greedy_modularity(land)
    # the partition reported is the one the nodes carry (small clusters as their own groups)
    groups = {}
    for i, c in enumerate(land.nodes["cluster"]):
        groups.setdefault(c, []).append(i)
    assert all(len(m) >= 3 for c, m in groups.items() if c)


def test_same_seed_same_clusters_and_layout(demo_graph):
    a = landscape(demo_graph, "acme", top=150, random_seed=11)
    b = landscape(demo_graph, "acme", top=150, random_seed=11)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert np.abs(a.nodes[["x", "y"]].to_numpy()).max() <= 1.0
    assert len({(x, y) for x, y in zip(a.nodes["x"], a.nodes["y"])}) == a.n_nodes


def test_email_eu_core_communities_find_departments_better_than_the_follow_hairball(snap_graph, shared_data):
    graph = snap_graph("email-eu-core")
    labels = dict(line.split() for line in
                  (shared_data / "snap/email-eu-core/email-Eu-core-department-labels.txt").read_text().splitlines())
    brand = str(graph.keys[int(np.argmax(graph.in_degree()))])
    land = landscape(graph, brand, top=300)
    keys = land.nodes["account"].tolist()
    departments = [labels[k] for k in keys]
    ours = nmi(land.nodes["cluster"], departments)
    # the reference picture: Louvain on the follows among the same accounts
    sub = graph.subgraph(graph.ids_of(keys))
    follows = nx.Graph()
    follows.add_nodes_from(range(sub.n_accounts))
    follows.add_edges_from(zip(sub.sources().tolist(), sub.out_indices.tolist()))
    hairball = np.zeros(sub.n_accounts, dtype=int)
    for number, members in enumerate(nx.community.louvain_communities(follows, seed=0)):
        hairball[list(members)] = number
    order = pd.Index(sub.accounts["graph_id"].to_numpy()).get_indexer(graph.ids_of(keys))
    assert ours > 0.5
    assert ours > nmi(hairball[order], departments)
    sims = reference_similarity(graph, brand, keys[:60], "jaccard")
    for row in land.edges.itertuples(index=False):
        if (row.source, row.target) in sims:
            assert row.similarity == pytest.approx(sims[(row.source, row.target)], abs=1e-12)


@pytest.mark.slow
def test_ego_twitter_similarity_and_modularity_against_networkx(snap_graph):
    graph = snap_graph("ego-twitter")
    brand = str(graph.keys[int(np.argmax(graph.in_degree()))])
    land = landscape(graph, brand, top=200, metric="cosine")
    keys = land.nodes["account"].tolist()
    sims = reference_similarity(graph, brand, keys, "cosine")
    for row in land.edges.itertuples(index=False):
        assert row.similarity == pytest.approx(sims[(row.source, row.target)], abs=1e-12)
    assert set(zip(land.edges["source"], land.edges["target"])) == reference_knn(keys, sims, 5, 0.02)
    assert land.attrs["modularity"] >= 0.97 * greedy_modularity(land)


def test_knn_keeps_the_better_ranked_of_equal_neighbours():
    sim = np.array([[0, 0.5, 0.5, 0.5], [0.5, 0, 0, 0], [0.5, 0, 0, 0], [0.5, 0, 0, 0]])
    i, j = nearest_neighbour_edges(sim, 1, 0.1)
    assert list(zip(i.tolist(), j.tolist())) == [(0, 1), (0, 2), (0, 3)]
    i, j = nearest_neighbour_edges(np.array([[0, 0.5], [0.5, 0]]), 3, 0.6)
    assert len(i) == 0


def test_bad_options_and_inputs_are_one_clear_error(demo_graph):
    with pytest.raises(QueryError, match="between 1 and 2,000"):
        landscape(demo_graph, "acme", top=MAX_TOP + 1)
    with pytest.raises(QueryError, match="unknown similarity"):
        landscape(demo_graph, "acme", metric="dice")
    with pytest.raises(QueryError, match="--size-by score"):
        landscape(demo_graph, "acme", table=pd.DataFrame({"account": ["hike_theo"]}), size_by="score")
    with pytest.raises(QueryError, match="empty"):
        landscape(demo_graph, "acme", table=pd.DataFrame({"account": pd.Series([], dtype=str)}))
    g = FollowGraph.from_pairs([("a", "brand")], observed=[])
    with pytest.raises(QueryError, match="observed"):
        landscape(g, "brand")


def test_accounts_without_profiles_are_named_after_their_leader():
    pairs = [(f"f{i}", "brand") for i in range(6)] + [(f"f{i}", x) for i in range(6) for x in ("a", "b", "c")]
    land = landscape(FollowGraph.from_pairs(pairs), "brand", table=pd.DataFrame({"account": ["b", "a", "c"]}))
    assert land.clusters["label"].tolist() == ["around b"]
    assert land.nodes["cluster_label"].tolist() == ["around b"] * 3
