"""Expand: the neighbourhood of a seed account, ranked by relevance to the seed.

**Reach.** A breadth-first search from the seed along follows: ``following``
(accounts the frontier follows), ``followers`` (accounts that follow the
frontier) or ``both``. Each hop is one vectorized gather over the CSR rows of
the whole frontier; ``hops`` is an account's distance from the seed. The
search always runs to ``hops`` (or until nothing new is found), so a limit
never decides *which* hop is listed.

**Relevance.** Every account reached gets ``relevance``, its personalized
PageRank from the seed over the neighbourhood: a walker starts at the seed, at
each step moves with probability ``alpha = 0.85`` along a follow (in the chosen
direction; ``both`` treats a follow either way as one link) to one of the
current account's neighbours inside the neighbourhood, chosen uniformly, and
otherwise jumps back to the seed; an account with no neighbour inside the
neighbourhood (the last hop, mostly) sends the walker back to the seed.
``relevance`` is the share of the time the walker spends at the account; it
sums to 1 over the neighbourhood (the seed included). It rewards three things
at once: nearness (each step loses 15 %), many paths from the seed (an account
that many of the seed's neighbours follow collects from each of them) and
selective paths (a follow from an account that follows 20 others carries more
than one from an account that follows 2,000). This is the "circle of trust"
random walk of Twitter's who-to-follow service [1]_. The simpler alternative,
``links`` then in-degree, gives every hop-1 account ``links = 1`` and cannot
weigh a hop-2 account followed by half the seed's circle against a hop-1
account nobody else knows; personalized PageRank can.

**Order.** The seed is row 0; the others follow ``relevance`` descending, then
``hops`` ascending, ``links`` descending and ``account`` ascending (relevance
is compared to 12 decimals, so accounts with the same position in the graph tie
and the key decides). ``limit`` keeps the best ranked. ``links`` is how many
accounts of the previous hop an account is linked to (a mutual follow counts
once); ``via`` is the best-ranked of them, so the ``via`` column is a
shortest-path tree rooted at the seed.

The walk is computed by :func:`graphkit.algorithms.centrality.pagerank` on the
neighbourhood in a canonical order (the seed, then the other accounts by key),
so every backend that hands :func:`rank_neighbourhood` the same accounts and
follows gets bit-identical scores and the same rows.

References
----------
.. [1] P. Gupta, A. Goel, J. Lin, A. Sharma, D. Wang, R. Zadeh, "WTF: The Who to
   Follow Service at Twitter", WWW 2013.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([
...     ("seed", "a"), ("seed", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "seed"),
... ])
>>> table = expand(g, "seed", hops=2, direction="following")
>>> table[["rank", "account", "hops", "links", "via", "relevance"]].round(4)
   rank account  hops  links   via  relevance
0     0    seed     0      0  <NA>     0.3887
1     1       c     2      2     a     0.2106
2     2       a     1      1  seed     0.1652
3     3       b     1      1  seed     0.1652
4     4       d     2      1     b     0.0702
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from graphkit.algorithms.centrality import pagerank
from graphkit.errors import QueryError
from graphkit.graph import FollowGraph, gather_rows, unique_ints
from graphkit.tiers import TierScheme
from queries.result_table import (
    ResultTable,
    category_column,
    float_column,
    int_column,
    masked_column,
    text_column,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "expand",
    "DIRECTIONS",
    "ORDER",
    "RankedNeighbourhood",
    "rank_neighbourhood",
    "check_expand_options",
    "expand_table",
]

#: ``--direction`` values.
DIRECTIONS = ("followers", "following", "both")

#: How the rows of :func:`expand` are ordered, for headers and captions.
ORDER = "most relevant first (personalized PageRank from the seed)"

#: Damping of the walk: the probability of one more step before jumping back to the seed.
ALPHA = 0.85
#: Relevance is compared to this many decimals, so that equal scores tie exactly.
_DECIMALS = 12
_LOW32 = np.int64(0xFFFFFFFF)


def _hops(k: int) -> str:
    return f"{k} hop" if k == 1 else f"{k} hops"


def check_expand_options(*, direction: str, hops: int, limit: int | None) -> None:
    """Refuse bad :func:`expand` options (every backend calls this).

    >>> check_expand_options(direction="both", hops=0, limit=None)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --hops must be at least 1, not 0
    """
    if direction not in DIRECTIONS:
        raise QueryError(f"unknown direction {direction!r}; choose one of {', '.join(DIRECTIONS)}")
    if hops < 1:
        raise QueryError(f"--hops must be at least 1, not {hops}")
    if limit is not None and limit < 1:
        raise QueryError(f"--top must be at least 1, not {limit}")


@dataclass(frozen=True)
class RankedNeighbourhood:
    """A neighbourhood in rank order, cut to the limit (see :func:`rank_neighbourhood`).

    Attributes
    ----------
    index : ndarray
        Positions into the arrays given to :func:`rank_neighbourhood`, best
        first; ``index[0]`` is the seed.
    hops, links, relevance : ndarray
        Per ranked row.
    via : ndarray
        Position (into the given arrays) of each row's ``via`` account, ``-1``
        for the seed.
    reached : int
        Accounts in the neighbourhood besides the seed (before the limit).
    """

    index: np.ndarray
    hops: np.ndarray
    links: np.ndarray
    relevance: np.ndarray
    via: np.ndarray
    reached: int


def _walk_steps(follower: np.ndarray, followee: np.ndarray, direction: str) -> tuple[np.ndarray, np.ndarray]:
    """The steps a walker may take along ``direction``: from ``follower`` to ``followee`` ids."""
    if direction == "following":
        return follower, followee
    if direction == "followers":
        return followee, follower
    return np.concatenate([follower, followee]), np.concatenate([followee, follower])


def rank_neighbourhood(
    keys: np.ndarray,
    hops: np.ndarray,
    follower: np.ndarray,
    followee: np.ndarray,
    *,
    direction: str,
    limit: int | None = None,
) -> RankedNeighbourhood:
    """Rank a neighbourhood by relevance to its seed (the order of :func:`expand`).

    Every backend finds the neighbourhood its own way and ranks it here, so
    the order and the numbers are the same.

    Parameters
    ----------
    keys : array of str
        The accounts of the neighbourhood, **the seed first**, any order after.
    hops : array of int
        Each account's distance from the seed (0 for the seed).
    follower, followee : array of int
        The follows among the accounts, as positions into ``keys``.
    direction : {"both", "following", "followers"}
        The direction the neighbourhood was searched in.
    limit : int, optional
        Keep the seed and the ``limit`` best-ranked other accounts.

    Returns
    -------
    RankedNeighbourhood

    Examples
    --------
    >>> keys = np.array(["s", "b", "a", "c"], dtype=object)
    >>> ranked = rank_neighbourhood(keys, np.array([0, 1, 1, 2]), np.array([0, 0, 1, 2]),
    ...                             np.array([1, 2, 3, 3]), direction="following")
    >>> keys[ranked.index].tolist(), ranked.links.tolist(), keys[ranked.via[1:]].tolist()
    (['s', 'c', 'a', 'b'], [0, 2, 1, 1], ['a', 's', 's'])
    """
    keys = np.asarray(keys, dtype=object)
    hop_given = np.asarray(hops, dtype=np.int64)
    n = len(keys)
    if n == 0 or hop_given[0] != 0:
        raise ValueError("the seed (hops 0) must come first")
    # canonical order: the seed, then by key; positions in it are "local"
    canonical = np.concatenate([[0], 1 + np.argsort(keys[1:], kind="stable")]).astype(np.int64)
    local = np.empty(n, dtype=np.int64)
    local[canonical] = np.arange(n)
    hop = hop_given[canonical]
    src, dst = _walk_steps(local[np.asarray(follower, dtype=np.int64)],
                           local[np.asarray(followee, dtype=np.int64)], direction)
    # links: distinct previous-hop accounts one step before each account
    forward = hop[src] == hop[dst] - 1
    pairs = unique_ints((src[forward] << 32) | dst[forward])
    previous, reached_by = pairs >> 32, pairs & _LOW32
    links = np.bincount(reached_by, minlength=n).astype(np.int64)

    walk = FollowGraph.from_key_arrays(keys[canonical], src, dst)
    restart = np.zeros(n)
    restart[0] = 1.0
    relevance = pagerank(walk, alpha=ALPHA, personalization=restart, tol=1e-12)
    order = np.lexsort((keys[canonical], -links, hop, -np.round(relevance, _DECIMALS), hop > 0))
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)

    # via: the best-ranked previous-hop account of each account
    via = np.full(n, -1, dtype=np.int64)
    by_account = np.lexsort((position[previous], reached_by))
    first = np.ones(len(by_account), dtype=bool)
    first[1:] = reached_by[by_account][1:] != reached_by[by_account][:-1]
    via[reached_by[by_account][first]] = previous[by_account][first]

    kept = order if limit is None else order[: limit + 1]
    via_kept = via[kept]
    return RankedNeighbourhood(
        index=canonical[kept],
        hops=hop[kept],
        links=links[kept],
        relevance=relevance[kept],
        via=np.where(via_kept >= 0, canonical[np.maximum(via_kept, 0)], -1),
        reached=n - 1,
    )


def _reach(graph: FollowGraph, seed_id: int, hops: int, direction: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Ids within ``hops`` of the seed (the seed first), their distances, and the depth searched."""
    visited = np.zeros(graph.n_accounts, dtype=bool)
    visited[seed_id] = True
    ids = [np.array([seed_id], dtype=np.int64)]
    distance = [np.zeros(1, dtype=np.int64)]
    frontier = ids[0]
    depth = 0
    for step in range(1, hops + 1):
        parts = []
        if direction in ("following", "both"):
            parts.append(gather_rows(graph.out_indptr, graph.out_indices, frontier))
        if direction in ("followers", "both"):
            parts.append(gather_rows(graph.in_indptr, graph.in_indices, frontier))
        candidates = np.concatenate(parts).astype(np.int64)
        found = unique_ints(candidates[~visited[candidates]])
        if len(found) == 0:
            break
        depth = step
        visited[found] = True
        ids.append(found)
        distance.append(np.full(len(found), step, dtype=np.int64))
        frontier = found
    return np.concatenate(ids), np.concatenate(distance), depth


def _follows_among(graph: FollowGraph, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The follows between accounts ``ids``, as positions into ``ids``."""
    local = np.full(graph.n_accounts, -1, dtype=np.int64)
    local[ids] = np.arange(len(ids))
    follower = np.repeat(ids, np.diff(graph.out_indptr)[ids])
    followee = gather_rows(graph.out_indptr, graph.out_indices, ids).astype(np.int64)
    inside = local[followee] >= 0
    return local[follower[inside]], local[followee[inside]]


def expand(
    graph: FollowGraph,
    seed: str,
    *,
    hops: int = 1,
    direction: str = "both",
    limit: int | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """The accounts within ``hops`` follows of ``seed``, most relevant first; the seed is row 0.

    Parameters
    ----------
    graph : FollowGraph
    seed : str
        The handle to start from.
    hops : int
        How many follows away to go (at least 1).
    direction : {"both", "following", "followers"}
        ``following``: accounts the seed follows, then the accounts they
        follow, ...; ``followers``: accounts following the seed, ...; ``both``:
        either way.
    limit : int, optional
        Keep at most ``limit`` accounts besides the seed: the most relevant of
        the whole neighbourhood, from any hop.
    tier_scheme : TierScheme, optional

    Returns
    -------
    DataFrame
        One row per account kept, **the seed included as the first row**
        (``rank`` 0, ``hops`` 0, ``links`` 0, no ``via``), then the others
        ranked 1, 2, ... (see the module docstring). Columns ``rank, account,
        relevance, hops, links, via, in_degree, out_degree, tier,
        followers_count``; ``in_degree``/``out_degree`` are the follows in the
        whole graph. ``attrs``: ``seed`` (its key), ``hops``, ``direction``,
        ``limit``, ``reached`` (accounts in the neighbourhood besides the
        seed), ``depth`` (the farthest hop with an account), ``order`` (how the
        rows are ordered, in words) and ``note`` (why the neighbourhood is
        empty, cut or smaller than asked, else ``None``).

    Raises
    ------
    AccountNotFound
        ``seed`` is not in the graph.
    QueryError
        Empty graph; bad options.
    """
    return expand_result(graph, seed, hops=hops, direction=direction, limit=limit,
                         tier_scheme=tier_scheme).to_pandas()


def expand_result(
    graph: FollowGraph,
    seed: str,
    *,
    hops: int = 1,
    direction: str = "both",
    limit: int | None = None,
    tier_scheme: TierScheme | None = None,
) -> ResultTable:
    """:func:`expand` as a :class:`~queries.result_table.ResultTable` (no pandas): same
    options, rows, order and ``attrs``.

    >>> g = FollowGraph.from_pairs([("a", "s"), ("s", "b")])
    >>> table = expand_result(g, "s")
    >>> table.values("account"), table.values("via")
    (['s', 'a', 'b'], [None, 's', 's'])
    """
    check_expand_options(direction=direction, hops=hops, limit=limit)
    if graph.n_accounts == 0:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    scheme = tier_scheme or TierScheme.default()
    seed_id = graph.id_of(seed)
    ids, distance, depth = _reach(graph, seed_id, hops, direction)
    follower, followee = _follows_among(graph, ids)
    ranked = rank_neighbourhood(graph.keys_of(ids), distance, follower, followee,
                                direction=direction, limit=limit)
    kept = ids[ranked.index]
    via_ids = np.where(ranked.via >= 0, ids[np.maximum(ranked.via, 0)], -1)
    via_keys = np.where(via_ids >= 0, graph.keys_of(np.maximum(via_ids, 0)), None)
    return expand_rows(
        {
            "account": graph.keys_of(kept),
            "relevance": ranked.relevance,
            "hops": ranked.hops,
            "links": ranked.links,
            "via": via_keys,
            "in_degree": graph.in_degree()[kept],
            "out_degree": graph.out_degree()[kept],
            "followers_count": graph.numeric("followers_count")[kept],
        },
        scheme=scheme, seed_key=str(graph.keys_of([seed_id])[0]), hops=hops, direction=direction,
        limit=limit, reached=ranked.reached, depth=depth,
    )


def expand_table(
    columns: dict, *, scheme: TierScheme, seed_key: str, hops: int, direction: str,
    limit: int | None, reached: int, depth: int,
) -> pd.DataFrame:
    """The result frame of :func:`expand` from its per-row columns (shared by the backends).

    ``columns`` holds ``account, relevance, hops, links, via, in_degree,
    out_degree, followers_count`` in rank order (the seed first); ``via`` and
    ``followers_count`` may be pandas arrays with missing values. ``reached``
    is the number of accounts found besides the seed and ``depth`` the
    farthest hop with an account.
    """
    import pandas as pd

    counts = pd.array(columns["followers_count"], dtype="Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    via = [None if pd.isna(key) else key for key in columns["via"]]
    return expand_rows(dict(columns, followers_count=counts, via=np.array(via, dtype=object)), scheme=scheme,
                       seed_key=seed_key, hops=hops, direction=direction, limit=limit, reached=reached,
                       depth=depth).to_pandas()


def expand_rows(
    columns: dict, *, scheme: TierScheme, seed_key: str, hops: int, direction: str,
    limit: int | None, reached: int, depth: int,
) -> ResultTable:
    """:func:`expand_table` as a :class:`~queries.result_table.ResultTable`, from NumPy columns:
    ``via`` an object array (``None``: the seed), ``followers_count`` floats (NaN missing)."""
    followers_count = np.asarray(columns["followers_count"], dtype=np.float64)
    table = ResultTable({
        "rank": int_column(np.arange(len(columns["account"]))),
        "account": text_column(columns["account"]),
        "relevance": float_column(columns["relevance"]),
        "hops": int_column(columns["hops"]),
        "links": int_column(columns["links"]),
        "via": text_column(columns["via"], "string"),
        "in_degree": int_column(columns["in_degree"]),
        "out_degree": int_column(columns["out_degree"]),
        "tier": category_column(scheme.labels(followers_count), scheme.all_names),
        "followers_count": masked_column(followers_count, "Int64"),
    })
    notes = []
    if reached == 0:
        word = {"followers": "followers", "following": "follows", "both": "follows or followers"}
        notes.append(f"{seed_key!r} has no {word[direction]} in the graph: only the seed is listed")
    else:
        if limit is not None and reached > limit:
            notes.append(
                f"kept the {limit:,} most relevant of {reached:,} accounts within {_hops(depth)}"
            )
        if depth < hops:
            notes.append(f"nothing new after {_hops(depth)}")
    table.attrs.update({
        "seed": seed_key,
        "hops": hops,
        "direction": direction,
        "limit": limit,
        "reached": reached,
        "depth": depth,
        "order": ORDER,
        "note": "; ".join(notes) or None,
    })
    return table
