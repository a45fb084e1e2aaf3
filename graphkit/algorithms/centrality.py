"""Centrality over the follow graph: PageRank, personalized PageRank, HITS, degree, betweenness.

Every function takes a :class:`~graphkit.graph.FollowGraph` first and returns a
``float64`` array indexed by account id. The work is sparse linear algebra over
the graph's CSR arrays (``scipy.sparse``); no networkx graph is built, so the
functions run on the whole workspace. The conventions are networkx's, and the
tests check each function against networkx on real SNAP graphs.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
>>> pr = pagerank(g)
>>> [round(float(x), 4) for x in pr]
[0.3326, 0.3202, 0.3097, 0.0375]
>>> round(float(pr.sum()), 12)
1.0
>>> in_degree(g).tolist()
[2.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from graphkit.errors import QueryError

if TYPE_CHECKING:  # pragma: no cover
    import scipy.sparse as sp

    from graphkit.graph import FollowGraph

__all__ = [
    "pagerank",
    "check_pagerank_options",
    "not_converged",
    "personalization_vector",
    "hits",
    "in_degree",
    "out_degree",
    "betweenness",
]

Personalization = np.ndarray | Mapping[int | str, float] | None

#: Dense work arrays of :func:`betweenness` hold at most this many cells per batch.
_BETWEENNESS_CELLS = 16_000_000


def personalization_vector(graph: FollowGraph, personalization: Personalization) -> np.ndarray | None:
    """The teleport distribution ``p`` (sums to 1) from a vector or a mapping; ``None`` stays ``None``.

    Parameters
    ----------
    graph : FollowGraph
    personalization : ndarray, dict or None
        An array of ``n_accounts`` non-negative weights, or a mapping from
        account id (``int``) or handle (``str``) to a non-negative weight;
        accounts left out weigh 0.

    Returns
    -------
    ndarray or None
        The weights divided by their sum.

    Raises
    ------
    AccountNotFound
        A handle of the mapping is not in the graph.
    QueryError
        Wrong length, a negative or non-finite weight, an id out of range, or
        weights that sum to 0.

    Examples
    --------
    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c")])
    >>> personalization_vector(g, {"a": 1, 2: 3}).tolist()
    [0.25, 0.0, 0.75]
    """
    if personalization is None:
        return None
    n = graph.n_accounts
    if isinstance(personalization, Mapping):
        p = np.zeros(n, dtype=np.float64)
        for account, weight in personalization.items():
            if isinstance(account, (int, np.integer)) and not isinstance(account, bool):
                if not 0 <= int(account) < n:
                    raise QueryError(f"account id {account} is out of range (0..{n - 1})")
                index = int(account)
            else:
                index = graph.id_of(str(account))
            p[index] += float(weight)
    else:
        p = np.array(personalization, dtype=np.float64, copy=True).ravel()
        if len(p) != n:
            raise QueryError(f"personalization has {len(p):,} weights for {n:,} accounts")
    if not np.all(np.isfinite(p)) or (p < 0).any():
        raise QueryError("personalization weights must be finite and non-negative")
    total = p.sum()
    if total <= 0:
        raise QueryError("personalization weights sum to 0: give at least one seed a positive weight")
    return p / total


def _transition_parts(graph: FollowGraph) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """In-adjacency (row v = followers of v), 1/out-degree (0 where dangling), dangling mask."""
    out_deg = graph.out_degree().astype(np.float64)
    dangling = out_deg == 0
    inv = np.zeros_like(out_deg)
    np.divide(1.0, out_deg, out=inv, where=~dangling)
    return graph.adjacency("in"), inv, dangling


def pagerank(
    graph: FollowGraph,
    *,
    alpha: float = 0.85,
    personalization: Personalization = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> np.ndarray:
    """PageRank (or personalized PageRank) of every account, by sparse power iteration.

    A random surfer follows one of the current account's follows (chosen
    uniformly) with probability ``alpha`` and teleports with probability
    ``1 - alpha`` to an account drawn from ``p`` (uniform, or the
    personalization). An account that follows nobody (dangling) sends all its
    mass through ``p`` as well. This is ``networkx.pagerank`` with
    ``dangling=None``: the dangling distribution is the personalization when
    one is given, uniform otherwise.

    Parameters
    ----------
    graph : FollowGraph
    alpha : float
        Damping factor, in ``[0, 1)``.
    personalization : ndarray, dict or None
        Teleport weights (see :func:`personalization_vector`): ``None`` for
        PageRank, weights on a seed set (e.g. a brand's observed followers) for
        personalized PageRank.
    tol : float
        Stop when the L1 change between two iterates is below ``tol`` (see Notes).
    max_iter : int
        Give up (:class:`~graphkit.errors.QueryError`) after this many iterations.

    Returns
    -------
    ndarray
        ``float64`` scores indexed by account id, summing to 1 (an empty array
        for an empty graph).

    Raises
    ------
    QueryError
        Bad options or personalization, or no convergence within ``max_iter``.

    Notes
    -----
    Each iteration computes ``x' = alpha * (P^T x + (x . d) p) + (1 - alpha) p``
    with ``P`` the row-normalized follow matrix and ``d`` the dangling mask,
    as one sparse matrix-vector product over the in-adjacency CSR. The map is
    a contraction of factor ``alpha`` in L1, so when ``||x' - x||_1 < tol``,
    the distance to the exact fixed point is at most
    ``tol * alpha / (1 - alpha)`` in L1 (``5.7 * tol`` at 0.85), which also
    bounds every node's error. networkx's stopping rule is different:
    ``||x' - x||_1 < N * tol``, i.e. a tolerance that grows with the graph
    (``tol=1e-6`` allows an L1 error of 0.08 on 81,306 nodes); graphkit's
    ``tol`` is absolute. Starts from the uniform vector, like networkx.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation
       ranking: bringing order to the Web", Stanford InfoLab, 1999.

    Examples
    --------
    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    >>> ppr = pagerank(g, personalization={"d": 1.0})
    >>> [round(float(x), 4) for x in ppr]
    [0.3304, 0.2809, 0.2387, 0.15]
    """
    check_pagerank_options(alpha=alpha, tol=tol, max_iter=max_iter)
    n = graph.n_accounts
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    p = personalization_vector(graph, personalization)
    if p is None:
        p = np.full(n, 1.0 / n)
    a_in, inv_out, dangling = _transition_parts(graph)
    dangling_ids = np.flatnonzero(dangling)
    x = np.full(n, 1.0 / n)
    err = np.inf
    for _ in range(max_iter):
        x_next = a_in @ (x * inv_out)
        x_next *= alpha
        # dangling mass and teleport both land according to p
        x_next += (alpha * x[dangling_ids].sum() + (1.0 - alpha)) * p
        err = np.abs(x_next - x).sum()
        x = x_next
        if err < tol:
            return x
    raise not_converged(tol, max_iter, err)


def check_pagerank_options(*, alpha: float, tol: float, max_iter: int) -> None:
    """Refuse bad :func:`pagerank` options (every engine calls this).

    >>> check_pagerank_options(alpha=1.0, tol=1e-10, max_iter=100)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: alpha must be in [0, 1), not 1.0
    """
    if not 0 <= alpha < 1:
        raise QueryError(f"alpha must be in [0, 1), not {alpha}")
    if tol <= 0:
        raise QueryError(f"tol must be positive, not {tol}")
    if max_iter < 1:
        raise QueryError(f"max_iter must be at least 1, not {max_iter}")


def not_converged(tol: float, max_iter: int, err: float) -> QueryError:
    """The error of a power iteration that did not reach ``tol`` in ``max_iter`` steps."""
    return QueryError(
        f"PageRank did not converge to tol={tol:g} in {max_iter:,} iterations "
        f"(last L1 change {err:.3g}); raise max_iter or tol"
    )


def hits(
    graph: FollowGraph, *, tol: float = 1e-10, max_iter: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """HITS hub and authority scores, each summing to 1.

    An authority is followed by good hubs; a hub follows good authorities.
    The authority vector is the principal eigenvector of ``A^T A`` (``A`` the
    follow matrix), found by power iteration from the uniform vector; hubs are
    ``A a``. Same normalization as ``networkx.hits(normalized=True)``.

    Parameters
    ----------
    graph : FollowGraph
    tol : float
        Stop when the L1 change of the (sum-normalized) authority vector is below ``tol``.
    max_iter : int
        Give up (:class:`~graphkit.errors.QueryError`) after this many iterations.

    Returns
    -------
    hubs, authorities : ndarray
        ``float64`` arrays indexed by account id (all zero on a graph without follows).

    Notes
    -----
    When the top singular value of ``A`` is repeated (e.g. two identical
    disconnected parts), the scores are not unique; power iteration from the
    uniform start then returns a deterministic mixture, which may differ from
    networkx's ARPACK answer.

    Examples
    --------
    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "c"), ("b", "c"), ("b", "d")])
    >>> g.keys.tolist()
    ['a', 'c', 'b', 'd']
    >>> hubs, auths = hits(g)
    >>> [round(float(x), 4) for x in hubs], [round(float(x), 4) for x in auths]
    ([0.382, 0.0, 0.618, 0.0], [0.0, 0.618, 0.0, 0.382])
    """
    if tol <= 0:
        raise QueryError(f"tol must be positive, not {tol}")
    if max_iter < 1:
        raise QueryError(f"max_iter must be at least 1, not {max_iter}")
    n = graph.n_accounts
    if graph.n_follows == 0:
        return np.zeros(n), np.zeros(n)
    a_out = graph.adjacency("out")
    a_in = graph.adjacency("in")
    auth = np.full(n, 1.0 / n)
    err = np.inf
    for _ in range(max_iter):
        hub = a_out @ auth
        nxt = a_in @ hub
        nxt /= nxt.sum()
        err = np.abs(nxt - auth).sum()
        auth = nxt
        if err < tol:
            hub = a_out @ auth
            return hub / hub.sum(), auth
    raise QueryError(
        f"HITS did not converge to tol={tol:g} in {max_iter:,} iterations "
        f"(last L1 change {err:.3g}); raise max_iter or tol"
    )


def in_degree(graph: FollowGraph, *, normalized: bool = False) -> np.ndarray:
    """Followers in the graph of every account; ``normalized`` divides by ``n - 1``.

    With ``normalized=True`` this is ``networkx.in_degree_centrality``.

    >>> from graphkit.graph import FollowGraph
    >>> in_degree(FollowGraph.from_pairs([("a", "b"), ("c", "b")]), normalized=True).tolist()
    [0.0, 1.0, 0.0]
    """
    return _scaled(graph.in_degree(), graph.n_accounts, normalized)


def out_degree(graph: FollowGraph, *, normalized: bool = False) -> np.ndarray:
    """Follows made by every account; ``normalized`` divides by ``n - 1``.

    >>> from graphkit.graph import FollowGraph
    >>> out_degree(FollowGraph.from_pairs([("a", "b"), ("a", "c")])).tolist()
    [2.0, 0.0, 0.0]
    """
    return _scaled(graph.out_degree(), graph.n_accounts, normalized)


def _scaled(degree: np.ndarray, n: int, normalized: bool) -> np.ndarray:
    degree = degree.astype(np.float64)
    if normalized:
        return degree / (n - 1) if n > 1 else np.ones_like(degree)
    return degree


def betweenness(
    graph: FollowGraph,
    *,
    k: int | None = None,
    sources: Sequence[int] | np.ndarray | None = None,
    seed: int = 0,
    normalized: bool = True,
) -> np.ndarray:
    """Shortest-path betweenness of every account along follows (exact, or from sampled sources).

    Brandes' algorithm, run for a batch of sources at once: breadth-first
    levels are sparse-matrix times dense-matrix products (counting shortest
    paths), and the dependencies flow back level by level the same way. For a
    neighbourhood, call it on ``graph.subgraph(ids)``.

    Parameters
    ----------
    graph : FollowGraph
    k : int, optional
        Estimate from ``k`` source accounts drawn without replacement
        (``numpy.random.default_rng(seed)``); all accounts when omitted or
        ``k >= n``.
    sources : sequence of int, optional
        Explicit source ids instead of a random draw (overrides ``k``).
    seed : int
        Seed of the draw: the same seed gives the same estimate.
    normalized : bool
        Divide by the number of ordered pairs ``(n - 1)(n - 2)``.

    Returns
    -------
    ndarray
        ``float64`` indexed by account id. Scaling is ``networkx.betweenness_centrality``'s
        (``endpoints=False``), including its sampling correction: with ``k``
        sources, a sampled account's sum is scaled by ``(n-1)/(k-1)``, any other by
        ``(n-1)/k`` (before normalization).

    Examples
    --------
    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "d"), ("a", "e"), ("e", "c")])
    >>> betweenness(g, normalized=False).tolist()
    [0.0, 1.0, 3.0, 0.0, 1.0]
    """
    import scipy.sparse  # noqa: F401  (adjacency products below)

    n = graph.n_accounts
    if n == 0:
        return np.zeros(0)
    if sources is not None:
        chosen = np.unique(np.asarray(sources, dtype=np.int64))
        if len(chosen) and (chosen[0] < 0 or chosen[-1] >= n):
            raise QueryError(f"source ids must be in 0..{n - 1}")
        sampled = True
    elif k is None or k >= n:
        chosen = np.arange(n, dtype=np.int64)
        sampled = False
    else:
        if k < 1:
            raise QueryError(f"k must be at least 1, not {k}")
        chosen = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
        sampled = True
    total = np.zeros(n, dtype=np.float64)
    a_in = graph.adjacency("in")
    a_out = graph.adjacency("out")
    batch = max(1, min(len(chosen), _BETWEENNESS_CELLS // n))
    for start in range(0, len(chosen), batch):
        total += _brandes_batch(a_in, a_out, chosen[start : start + batch])
    return _rescale(total, n, chosen if sampled else None, normalized)


def _brandes_batch(a_in: sp.csr_matrix, a_out: sp.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of Brandes' dependencies ``delta_s(v)``, source itself excluded."""
    n, b = a_in.shape[0], len(sources)
    cols = np.arange(b)
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma = np.zeros((n, b), dtype=np.float64)
    dist[sources, cols] = 0
    sigma[sources, cols] = 1.0
    frontier = sigma.copy()
    depth = 0
    while True:
        reached = np.asarray(a_in @ frontier)
        new = (reached > 0) & (dist < 0)
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        sigma[new] = reached[new]
        frontier = np.where(new, reached, 0.0)
    delta = np.zeros((n, b), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for level in range(depth, 0, -1):
            at_level = dist == level
            weight = np.where(at_level, (1.0 + delta) / sigma, 0.0)
            pulled = np.asarray(a_out @ weight)
            parents = dist == level - 1
            delta[parents] = sigma[parents] * pulled[parents]
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)


def _rescale(total: np.ndarray, n: int, sampled: np.ndarray | None, normalized: bool) -> np.ndarray:
    pairs = n - 1  # targets t != v
    if pairs < 2:
        return np.zeros(n)
    if sampled is None:
        return total / (pairs * (pairs - 1)) if normalized else total
    k = len(sampled)
    scale = np.full(n, pairs / k)
    scale[sampled] = pairs / (k - 1) if k > 1 else 0.0
    if normalized:
        scale /= pairs * (pairs - 1)
    return total * scale
