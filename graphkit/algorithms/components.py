"""Connected components, reciprocity, triangles and clustering of the follow graph.

Components come from :func:`scipy.sparse.csgraph.connected_components` over the
CSR arrays. Triangles and clustering are computed on the *undirected* version of
the graph (a follow in either direction is one undirected edge), as SNAP and
``networkx.triangles``/``networkx.clustering`` on ``G.to_undirected()`` do,
with sparse products restricted to the edges of a degree-ordered orientation,
so no dense or all-pairs matrix is formed.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "b"), ("b", "a"), ("b", "c"), ("d", "e")])
>>> largest_component(g, "weak")
ComponentSummary(connection='weak', n_components=2, nodes=3, edges=3)
>>> largest_component(g, "strong")
ComponentSummary(connection='strong', n_components=4, nodes=2, edges=2)
>>> reciprocity(g)
0.5
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from graphkit.errors import QueryError

if TYPE_CHECKING:  # pragma: no cover
    import scipy.sparse as sp

    from graphkit.graph import FollowGraph

__all__ = [
    "ComponentSummary",
    "weak_components",
    "strong_components",
    "largest_component",
    "reciprocity",
    "undirected_adjacency",
    "triangles",
    "clustering",
]

#: Rows of the oriented adjacency multiplied at once when counting triangles.
_TRIANGLE_BLOCK = 20_000


@dataclass(frozen=True)
class ComponentSummary:
    """The largest component of one kind: how many there are, its nodes and follows."""

    connection: str
    n_components: int
    nodes: int
    edges: int
    ids: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros(0, np.int64))


def _components(graph: FollowGraph, connection: str) -> tuple[int, np.ndarray]:
    from scipy.sparse.csgraph import connected_components

    if graph.n_accounts == 0:
        return 0, np.zeros(0, dtype=np.int32)
    count, labels = connected_components(graph.adjacency("out"), directed=True, connection=connection)
    return int(count), labels


def weak_components(graph: FollowGraph) -> tuple[int, np.ndarray]:
    """Number of weakly connected components and each account's component label.

    >>> from graphkit.graph import FollowGraph
    >>> weak_components(FollowGraph.from_pairs([("a", "b"), ("c", "d")]))[0]
    2
    """
    return _components(graph, "weak")


def strong_components(graph: FollowGraph) -> tuple[int, np.ndarray]:
    """Number of strongly connected components and each account's component label.

    >>> from graphkit.graph import FollowGraph
    >>> strong_components(FollowGraph.from_pairs([("a", "b"), ("b", "a"), ("b", "c")]))[0]
    2
    """
    return _components(graph, "strong")


def largest_component(graph: FollowGraph, connection: str = "weak") -> ComponentSummary:
    """The largest weakly (``"weak"``) or strongly (``"strong"``) connected component.

    Its ``edges`` are the follows with both ends inside it. Among components of
    equal size, the one holding the smallest account id wins (deterministic).

    Raises
    ------
    QueryError
        ``connection`` is neither ``"weak"`` nor ``"strong"``.
    """
    if connection not in ("weak", "strong"):
        raise QueryError(f"connection must be 'weak' or 'strong', not {connection!r}")
    count, labels = _components(graph, connection)
    if count == 0:
        return ComponentSummary(connection, 0, 0, 0)
    sizes = np.bincount(labels)
    _, first = np.unique(labels, return_index=True)
    tied = np.flatnonzero(sizes == sizes.max())
    best = tied[np.argmin(first[tied])]
    inside = labels == best
    src = graph.sources()
    edges = int((inside[src] & inside[graph.out_indices]).sum())
    return ComponentSummary(connection, count, int(sizes[best]), edges, np.flatnonzero(inside))


def reciprocity(graph: FollowGraph) -> float:
    """Share of follows that are returned (``networkx.overall_reciprocity``); 0.0 without follows.

    >>> from graphkit.graph import FollowGraph
    >>> reciprocity(FollowGraph.from_pairs([("a", "b"), ("b", "a"), ("a", "c")]))
    0.6666666666666666
    """
    if graph.n_follows == 0:
        return 0.0
    a = graph.adjacency("out", dtype=np.int8)
    mutual = a.multiply(a.T).nnz
    return mutual / graph.n_follows


def undirected_adjacency(graph: FollowGraph) -> sp.csr_matrix:
    """Symmetric 0/1 CSR matrix of the undirected version (an edge for a follow either way)."""
    a = graph.adjacency("out", dtype=np.int8)
    u = (a + a.T).tocsr()
    u.data[:] = 1
    u.sort_indices()
    return u


def triangles(graph: FollowGraph) -> np.ndarray:
    """Triangles through each account in the undirected version of the graph.

    The total number of triangles is ``triangles(graph).sum() // 3``. Equals
    ``networkx.triangles(G.to_undirected())``.

    Notes
    -----
    Each undirected edge is oriented from the endpoint of lower degree to the
    higher one (ties by id), giving a DAG ``L`` in which every node has few
    out-edges. A triangle ``a -> b -> c`` with ``a -> c`` is then counted once:
    ``T1 = (L @ L) * L`` counts it at ``(a, c)`` and ``T2 = (L^T @ L) * L`` at
    ``(b, c)``; ``a`` gets ``T1``'s row sums, ``c`` its column sums and ``b``
    ``T2``'s row sums. The products are done in row blocks to bound memory.

    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("a", "d")])
    >>> triangles(g).tolist()
    [2, 1, 2, 1]
    """
    import scipy.sparse as sp

    n = graph.n_accounts
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    u = undirected_adjacency(graph).tocoo()
    degree = np.bincount(u.row, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    keep = rank[u.row] < rank[u.col]
    lower = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int64), (u.row[keep], u.col[keep])), shape=(n, n)
    )
    lower_t = lower.T.tocsr()
    counts = np.zeros(n, dtype=np.int64)
    for start in range(0, n, _TRIANGLE_BLOCK):
        rows = slice(start, min(start + _TRIANGLE_BLOCK, n))
        block = lower[rows]
        t1 = (block @ lower).multiply(block).tocsr()
        counts[rows] += np.asarray(t1.sum(axis=1)).ravel().astype(np.int64)
        counts += np.asarray(t1.sum(axis=0)).ravel().astype(np.int64)
        t_block = lower_t[rows]
        t2 = (t_block @ lower).multiply(block).tocsr()
        counts[rows] += np.asarray(t2.sum(axis=1)).ravel().astype(np.int64)
    return counts


def clustering(graph: FollowGraph) -> np.ndarray:
    """Local clustering coefficient of each account in the undirected version.

    ``2 T(v) / (d(v) (d(v) - 1))`` with ``d`` the undirected degree, 0 where
    ``d < 2``; ``networkx.clustering(G.to_undirected())``. The average over all
    accounts (zeros included) is SNAP's "average clustering coefficient".

    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> clustering(g).round(4).tolist()
    [1.0, 1.0, 0.3333, 0.0]
    """
    tri = triangles(graph).astype(np.float64)
    degree = np.diff(undirected_adjacency(graph).indptr).astype(np.float64)
    out = np.zeros_like(tri)
    pairs = degree * (degree - 1)
    np.divide(2.0 * tri, pairs, out=out, where=pairs > 0)
    return out
