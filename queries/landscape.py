"""The influencer landscape: which communities a brand's audience lives in, and who leads each.

The landscape takes the top ``N`` candidates a brand's audience follows (the
``rank`` shortlist by default, 300 accounts; readable up to 2,000) and links
two candidates when their audiences overlap. A candidate's *audience* here is
the set of the brand's observed followers ``O(B)`` who follow it, the rows of
:func:`queries.plan.coverage_matrix`; two candidates ``a`` and ``b`` with
audiences ``A`` and ``B`` are compared by

* ``jaccard = |A ∩ B| / |A ∪ B|`` (default): alike *and* of similar size;
* ``cosine = |A ∩ B| / sqrt(|A| |B|)``: kinder to a small account inside a big one.

Only overlap *inside the brand's audience* counts: the question is where this
audience lives, not how the platform as a whole is wired.

Edges (the k-nearest-neighbour graph)
    Each candidate keeps its ``neighbours`` most similar candidates (ties:
    the better-ranked one first) whose similarity is at least
    ``min_similarity``; an edge joins ``a`` and ``b`` when either keeps the
    other. A dense all-pairs graph would link everything to the few accounts
    everyone follows; the k nearest neighbours keep each account's strongest ties.

Clusters
    Louvain community detection (``networkx.community.louvain_communities``,
    weighted by similarity, ``resolution``, seeded by ``random_seed``: the same
    seed gives the same clusters) on that graph. Clusters are numbered by size,
    largest first (ties: the one holding the better-ranked account first);
    clusters smaller than ``min_cluster_size`` (accounts whose audience is
    like nobody else's) are put together as cluster 0, "no close group".

Labels
    A cluster is named by its most *distinctive* niche terms: the terms of its
    members' tags, category and bio (tokenized by
    :func:`graphkit.algorithms.niche.account_terms`; tags, categories and
    hashtags weigh 1, other bio words 0.5), scored by
    ``df_c · ln(df_c / df_all)``, ``df_c`` being the term's mean weight over the
    cluster's members and ``df_all`` over every candidate. A term must be
    carried by two members and by a fifth of the cluster, and terms that
    already name a larger cluster come after the others, so that two hiking
    clusters are told apart by what else they are about. Without profile text
    a cluster is named after its best-ranked account ("around X").

Each cluster also gets its ``reach``: how many of the brand's observed
followers follow at least one of its members (and that as a share of
``O(B)``), and its ``leaders``, the best-ranked members.

Positions
    ``x, y`` are a starting layout, computed without iterations: clusters on a
    sunflower spiral (largest in the middle), each cluster's members on a small
    spiral around its centre, best-ranked in the middle. The browser refines it
    with ForceAtlas2 (see :mod:`queries.landscape_page`).

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> pairs = [(f"f{i}", "brand") for i in range(8)]
>>> pairs += [(f"f{i}", x) for i in range(4) for x in ("hike1", "hike2", "hike3")]
>>> pairs += [(f"f{i}", x) for i in range(4, 8) for x in ("chef1", "chef2", "chef3")]
>>> pairs += [("f0", "chef1"), ("f7", "hike1")]
>>> g = FollowGraph.from_pairs(pairs)
>>> table = pd.DataFrame({"account": ["hike1", "chef1", "hike2", "chef2", "hike3", "chef3"]})
>>> land = landscape(g, "brand", table=table, neighbours=2, min_cluster_size=2)
>>> land.nodes[["account", "cluster", "audience_count"]].values.tolist()
[['hike1', 1, 5], ['chef1', 2, 5], ['hike2', 1, 4], ['chef2', 2, 4], ['hike3', 1, 4], ['chef3', 2, 4]]
>>> land.clusters[["cluster", "size", "reach", "leaders"]].values.tolist()
[[1, 3, 5, 'hike1, hike2, hike3'], [2, 3, 5, 'chef1, chef2, chef3']]
>>> float(round(land.edges.iloc[0]["similarity"], 3))
0.8
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.audience import audience
from queries.plan import coverage_matrix
from queries.rank import rank

__all__ = [
    "METRICS",
    "SIZE_BY",
    "DEFAULT_TOP",
    "MAX_TOP",
    "Landscape",
    "check_landscape_options",
    "landscape",
    "audience_similarity",
    "nearest_neighbour_edges",
    "louvain_clusters",
    "cluster_labels",
    "seed_layout",
]

#: Audience similarity measures.
METRICS = ("jaccard", "cosine")
#: What node size can show.
SIZE_BY = ("audience_share", "score")
#: Candidates by default, and the most the picture stays readable with.
DEFAULT_TOP, MAX_TOP = 300, 2000
#: A label term must be carried by this share of the cluster (and by two members).
_LABEL_SUPPORT = 0.2
#: Tie-break nudge so that, among equal similarities, the better-ranked candidate wins.
_TIE = 1e-15


@dataclass(frozen=True)
class Landscape:
    """The candidates (nodes), their audience-overlap links (edges) and the clusters.

    Attributes
    ----------
    nodes : DataFrame
        One row per candidate in ranking order: ``rank, account`` (and the
        ranking's ``score`` when it has one), ``audience_count``,
        ``audience_share``, ``tier``, ``followers_count``, ``cluster``,
        ``cluster_label``, ``links`` (edges of the account), ``x, y``
        (starting layout) and ``display_name`` / ``category`` / ``bio`` when
        profiles are loaded.
    edges : DataFrame
        ``source, target`` (account keys, ``source`` the better-ranked),
        ``similarity``, ``shared`` (followers in common).
    clusters : DataFrame
        ``cluster, size, label, terms, leaders, reach, reach_share``.
    attrs : dict
        ``brand, metric, neighbours, min_similarity, resolution, random_seed,
        modularity, audience_observed, audience_followers, size_by, ranking``.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    clusters: pd.DataFrame
    attrs: dict

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.edges)


# -- the pieces --------------------------------------------------------------------------------


def audience_similarity(matrix: sp.csr_matrix, metric: str = "jaccard") -> tuple[np.ndarray, np.ndarray]:
    """All-pairs similarity of the rows of a 0/1 matrix, and the shared counts (dense, diagonal 0).

    Parameters
    ----------
    matrix : csr_matrix
        Candidates x audience members, nonzero where the member follows the candidate.
    metric : {"jaccard", "cosine"}

    Examples
    --------
    >>> m = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 1]]))
    >>> sim, shared = audience_similarity(m)
    >>> sim.round(3).tolist(), shared.tolist()
    ([[0.0, 0.667, 0.0], [0.667, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0, 2, 0], [2, 0, 0], [0, 0, 0]])
    >>> audience_similarity(m, "cosine")[0][0, 1].round(4)
    np.float64(0.8165)
    """
    if metric not in METRICS:
        raise QueryError(f"unknown similarity {metric!r}; choose one of {', '.join(METRICS)}")
    binary = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    binary.data[:] = 1.0
    sizes = np.asarray(binary.sum(axis=1)).ravel()
    shared = (binary @ binary.T).toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "jaccard":
            sim = shared / (sizes[:, None] + sizes[None, :] - shared)
        else:
            sim = shared / np.sqrt(sizes[:, None] * sizes[None, :])
    sim = np.nan_to_num(sim, nan=0.0, posinf=0.0)
    np.fill_diagonal(sim, 0.0)
    np.fill_diagonal(shared, 0.0)
    return sim, np.rint(shared).astype(np.int64)


def nearest_neighbour_edges(
    similarity: np.ndarray, neighbours: int, min_similarity: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, where either keeps the other among its nearest neighbours.

    Row ``i`` keeps the ``neighbours`` columns of largest similarity that are
    at least ``min_similarity`` (and above 0); among equal similarities the
    smaller index (the better-ranked candidate) wins. Pairs are sorted by
    ``i``, then ``j``.

    Examples
    --------
    >>> s = np.array([[0, .5, .2, .1], [.5, 0, .3, 0], [.2, .3, 0, 0], [.1, 0, 0, 0]])
    >>> i, j = nearest_neighbour_edges(s, 1, 0.05)
    >>> list(zip(i.tolist(), j.tolist()))
    [(0, 1), (0, 3), (1, 2)]
    """
    n = len(similarity)
    if n < 2 or neighbours < 1:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    k = min(neighbours, n - 1)
    keyed = similarity - _TIE * np.arange(n)[None, :]
    np.fill_diagonal(keyed, -np.inf)
    chosen = np.argpartition(-keyed, k - 1, axis=1)[:, :k]
    rows = np.repeat(np.arange(n), k)
    cols = chosen.ravel()
    keep = (similarity[rows, cols] >= min_similarity) & (similarity[rows, cols] > 0)
    low = np.minimum(rows[keep], cols[keep])
    high = np.maximum(rows[keep], cols[keep])
    codes = np.unique(low.astype(np.int64) * n + high)
    return codes // n, codes % n


def louvain_clusters(
    n: int, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, *,
    resolution: float = 1.0, random_seed: int = 0, min_cluster_size: int = 3,
) -> tuple[np.ndarray, float]:
    """Louvain clusters of nodes ``0..n-1`` (1 = largest; 0 = clusters below ``min_cluster_size``).

    Returns the label of each node and the weighted modularity of the
    partition (small clusters counted as their own communities).

    Examples
    --------
    >>> labels, q = louvain_clusters(6, np.array([0, 0, 1, 3, 3, 4]), np.array([1, 2, 2, 4, 5, 5]),
    ...                              np.ones(6), min_cluster_size=3)
    >>> labels.tolist(), round(q, 3)
    ([1, 1, 1, 2, 2, 2], 0.5)
    """
    import networkx as nx

    if not (math.isfinite(resolution) and resolution > 0):
        raise QueryError(f"--resolution must be a positive number, not {resolution}")
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(sources.tolist(), targets.tolist(), weights.tolist()))
    communities = nx.community.louvain_communities(graph, weight="weight", resolution=resolution,
                                                   seed=random_seed)
    modularity = nx.community.modularity(graph, communities, weight="weight") if graph.number_of_edges() else 0.0
    groups = sorted((sorted(c) for c in communities), key=lambda ids: (-len(ids), ids[0]))
    labels = np.zeros(n, dtype=np.int64)
    number = 0
    for ids in groups:
        if len(ids) >= min_cluster_size:
            number += 1
            labels[ids] = number
    return labels, float(modularity)


def cluster_labels(
    profiles: Sequence[tuple[object, object, object]], labels: np.ndarray, *, top_terms: int = 3
) -> dict[int, list[str]]:
    """The most distinctive niche terms of each cluster (see the module notes).

    Parameters
    ----------
    profiles : list of (tags, category, bio)
        One triple per node (``None`` where absent).
    labels : array of int
        The cluster of each node (0 is skipped).

    Examples
    --------
    >>> profiles = [("#hiking", None, None), ("hiking,camping", None, None), (None, "Food", "I cook"),
    ...             (None, "Food & Drink", None)]
    >>> cluster_labels(profiles, np.array([1, 1, 2, 2]))
    {1: ['hiking'], 2: ['food']}
    """
    from graphkit.algorithms.niche import account_terms

    cache: dict[tuple, dict[str, float]] = {}
    weights = [cache[t] if t in cache else cache.setdefault(t, account_terms(*t)) for t in map(tuple, profiles)]
    n = len(weights)
    overall: dict[str, float] = {}
    for terms in weights:
        for term, w in terms.items():
            overall[term] = overall.get(term, 0.0) + w
    out: dict[int, list[str]] = {}
    used: set[str] = set()
    for cluster in sorted(set(labels.tolist()) - {0}):
        members = np.flatnonzero(labels == cluster)
        size = len(members)
        mass: dict[str, float] = {}
        carriers: dict[str, int] = {}
        for i in members:
            for term, w in weights[i].items():
                mass[term] = mass.get(term, 0.0) + w
                carriers[term] = carriers.get(term, 0) + 1
        scored = []
        for term, total in mass.items():
            if carriers[term] < 2 or carriers[term] < _LABEL_SUPPORT * size or term.startswith("@"):
                continue
            df_c, df_all = total / size, overall[term] / n
            score = df_c * math.log(df_c / df_all)
            if score > 0:
                scored.append((term in used, -score, -carriers[term], term))
        out[cluster] = [term for *_, term in sorted(scored)[:top_terms]]
        used.update(out[cluster])
    return out


def seed_layout(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A starting layout: clusters on a sunflower spiral, members on a spiral around each centre.

    Nodes are expected in ranking order (best first): the best-ranked member
    of a cluster sits at its centre. Coordinates are in ``[-1, 1]``.

    >>> x, y = seed_layout(np.array([1, 1, 2, 0]))
    >>> bool(np.abs(x).max() <= 1 and np.abs(y).max() <= 1), len(set(zip(x.round(6), y.round(6))))
    (True, 4)
    """
    n = len(labels)
    x, y = np.zeros(n), np.zeros(n)
    if n == 0:
        return x, y
    golden = math.pi * (3 - math.sqrt(5))
    clusters = [c for c in sorted(set(labels.tolist())) if c != 0] + ([0] if (labels == 0).any() else [])
    radii = {c: math.sqrt(int((labels == c).sum())) for c in clusters}
    placed: list[tuple[float, float, float]] = []
    for index, cluster in enumerate(clusters):
        radius = radii[cluster]
        if index == 0:
            cx = cy = 0.0
        else:  # walk out along the spiral until the disc is clear of the ones placed
            step = index
            while True:
                distance = 2.2 * math.sqrt(step) * max(radii.values()) * 0.6
                cx, cy = distance * math.cos(step * golden), distance * math.sin(step * golden)
                if all(math.hypot(cx - px, cy - py) >= (radius + pr) * 1.15 for px, py, pr in placed):
                    break
                step += 0.5
        placed.append((cx, cy, radius))
        members = np.flatnonzero(labels == cluster)
        spiral = np.arange(len(members))
        distance = np.sqrt(spiral + 0.5) * 1.0
        x[members] = cx + distance * np.cos(spiral * golden)
        y[members] = cy + distance * np.sin(spiral * golden)
    x -= (x.max() + x.min()) / 2
    y -= (y.max() + y.min()) / 2
    extent = max(np.abs(x).max(), np.abs(y).max())
    if extent > 0:
        x, y = x / extent, y / extent
    return np.round(x, 5), np.round(y, 5)


# -- the query ---------------------------------------------------------------------------------


def _candidates(graph, brand, table, top, niche, tiers, keep_tiers, tier_scheme) -> tuple[pd.DataFrame, str]:
    if table is None:
        table = rank(graph, brand, niche=niche, tiers=tiers, keep_tiers=keep_tiers, top=top,
                     tier_scheme=tier_scheme)
        ranking = "rank score"
    else:
        if "account" not in table.columns:
            raise QueryError("the landscape needs a ranked table with an 'account' column")
        ranking = str(table.attrs.get("ranking") or ("rank score" if "score" in table.columns else "the table's order"))
        table = table.head(top)
    if table.empty:
        raise QueryError("no candidate to draw: the ranked table is empty")
    return table.reset_index(drop=True), ranking


def check_landscape_options(
    *, top: int = DEFAULT_TOP, metric: str = "jaccard", neighbours: int = 5, min_similarity: float = 0.02,
    resolution: float = 1.0, random_seed: int = 0, min_cluster_size: int = 3, size_by: str = "audience_share",
) -> None:
    """Refuse bad :func:`landscape` options with one sentence naming the option.

    >>> check_landscape_options(random_seed=-1)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --random-seed must be 0 or more, not -1
    """
    if not 1 <= top <= MAX_TOP:
        raise QueryError(f"--top must be between 1 and {MAX_TOP:,} (a readable picture), not {top}")
    if metric not in METRICS:
        raise QueryError(f"unknown similarity {metric!r}; choose one of {', '.join(METRICS)}")
    if neighbours < 1:
        raise QueryError(f"--neighbours must be at least 1, not {neighbours}")
    if not 0 <= min_similarity <= 1:
        raise QueryError(f"--min-similarity must be between 0 and 1, not {min_similarity}")
    if min_cluster_size < 1:
        raise QueryError(f"--min-cluster-size must be at least 1, not {min_cluster_size}")
    if not (math.isfinite(resolution) and resolution > 0):
        raise QueryError(f"--resolution must be a positive number, not {resolution}")
    if random_seed < 0:
        raise QueryError(f"--random-seed must be 0 or more, not {random_seed}")
    if size_by not in SIZE_BY:
        raise QueryError(f"unknown size {size_by!r}; choose one of {', '.join(SIZE_BY)}")


def landscape(
    graph: FollowGraph,
    brand: str,
    *,
    top: int = DEFAULT_TOP,
    table: pd.DataFrame | None = None,
    metric: str = "jaccard",
    neighbours: int = 5,
    min_similarity: float = 0.02,
    resolution: float = 1.0,
    random_seed: int = 0,
    min_cluster_size: int = 3,
    size_by: str = "audience_share",
    niche: str | Sequence[str] | None = None,
    tiers: Sequence[str] | None = None,
    keep_tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
) -> Landscape:
    """The top ``top`` candidates of ``brand``'s audience, linked by audience overlap and clustered.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    top : int
        How many candidates (default 300; at most 2,000, beyond which the
        picture is no longer readable).
    table : DataFrame, optional
        The ranked candidates (an ``account`` column, best first), e.g. a
        :func:`queries.rank.rank` or :func:`queries.affinity.affinity`
        result; default: ``rank(graph, brand, niche=niche, tiers=tiers)``.
    metric : {"jaccard", "cosine"}
        Audience similarity (see the module notes).
    neighbours : int
        Nearest neighbours each candidate keeps (``k``).
    min_similarity : float
        Weaker links are dropped.
    resolution : float
        Louvain resolution: above 1 gives more, smaller clusters.
    random_seed : int
        Louvain's random seed.
    min_cluster_size : int
        Smaller clusters go to cluster 0.
    size_by : {"audience_share", "score"}
        What node size shows (recorded in ``attrs``; the renderer reads it).
    niche, tiers, keep_tiers, tier_scheme
        Passed to ``rank`` when ``table`` is not given (``tiers`` preferred,
        ``keep_tiers`` the only ones kept); ``tier_scheme`` also names the
        tiers of the nodes.

    Returns
    -------
    Landscape

    Raises
    ------
    AccountNotFound
        ``brand`` or an account of ``table`` is not in the graph.
    QueryError
        Bad options, no observed follower, an empty table.
    """
    check_landscape_options(top=top, metric=metric, neighbours=neighbours, min_similarity=min_similarity,
                            resolution=resolution, random_seed=random_seed, min_cluster_size=min_cluster_size,
                            size_by=size_by)
    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    table, ranking = _candidates(graph, brand, table, top, niche, tiers, keep_tiers, scheme)
    if size_by == "score" and "score" not in table.columns:
        raise QueryError("--size-by score needs a ranking with a score column (rank)")
    keys = table["account"].astype(str).to_numpy()
    ids = graph.ids_of(keys.tolist())
    if len(np.unique(ids)) != len(ids):
        raise QueryError("an account appears twice in the ranked table")
    matrix = coverage_matrix(graph, aud.observed, ids)
    counts = np.diff(matrix.indptr).astype(np.int64)
    sim, shared = audience_similarity(matrix, metric)
    src, dst = nearest_neighbour_edges(sim, neighbours, min_similarity)
    labels, modularity = louvain_clusters(
        len(ids), src, dst, sim[src, dst], resolution=resolution, random_seed=random_seed,
        min_cluster_size=min_cluster_size,
    )
    profile = {f: graph.attribute(f).iloc[ids].astype(object).to_numpy()
               for f in ("tags", "category", "bio", "display_name")}
    triples = [tuple(v if isinstance(v, str) and v.strip() else None for v in row)
               for row in zip(profile["tags"], profile["category"], profile["bio"])]
    terms = cluster_labels(triples, labels)
    x, y = seed_layout(labels)
    followers_count = graph.attribute("followers_count").iloc[ids].to_numpy()

    names: dict[int, str] = {0: "no close group"}
    records = []
    for cluster in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == cluster)
        leaders = ", ".join(keys[members[:3]].tolist())
        if cluster:
            names[cluster] = " · ".join(terms.get(cluster) or []) or f"around {keys[members[0]]}"
        reach = int(np.count_nonzero(np.asarray(matrix[members].sum(axis=0)).ravel()))
        records.append({
            "cluster": cluster, "size": len(members), "label": names[cluster],
            "terms": ", ".join(terms.get(cluster, [])), "leaders": leaders,
            "reach": reach, "reach_share": reach / aud.n_observed,
        })
    clusters = pd.DataFrame.from_records(records)
    order = np.argsort(clusters["cluster"].to_numpy() == 0, kind="stable")  # cluster 0 last
    clusters = clusters.iloc[order].reset_index(drop=True)

    links = np.bincount(np.concatenate([src, dst]), minlength=len(ids))
    nodes = pd.DataFrame({
        "rank": table["rank"].to_numpy() if "rank" in table.columns else np.arange(1, len(ids) + 1),
        "account": keys,
    })
    if "score" in table.columns:
        nodes["score"] = pd.to_numeric(table["score"], errors="coerce").to_numpy()
    nodes["audience_count"] = counts
    nodes["audience_share"] = counts / aud.n_observed
    nodes["tier"] = pd.Categorical(scheme.assign(followers_count)).astype(str)
    nodes["followers_count"] = pd.array(followers_count, dtype="Float64").round().astype("Int64")
    nodes["cluster"] = labels
    nodes["cluster_label"] = [names[c] for c in labels.tolist()]
    nodes["links"] = links.astype(np.int64)
    nodes["x"], nodes["y"] = x, y
    for column in ("display_name", "category", "bio"):
        values = pd.array(profile[column], dtype="string")
        if not values.isna().all():
            nodes[column] = values
    edges = pd.DataFrame({
        "source": keys[src], "target": keys[dst],
        "similarity": sim[src, dst], "shared": shared[src, dst].astype(np.int64),
    })
    attrs = {
        "brand": aud.brand, "metric": metric, "neighbours": neighbours,
        "min_similarity": min_similarity, "resolution": resolution, "random_seed": random_seed,
        "min_cluster_size": min_cluster_size, "modularity": modularity,
        "audience_observed": aud.n_observed, "audience_followers": aud.n_followers,
        "size_by": size_by, "ranking": ranking,
    }
    return Landscape(nodes=nodes, edges=edges, clusters=clusters, attrs=attrs)
