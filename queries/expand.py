"""Expand: the neighbourhood of a seed account, hop by hop, ranked.

A breadth-first search from the seed along follows: ``following`` (accounts
the frontier follows), ``followers`` (accounts that follow the frontier) or
``both``. Each hop is one vectorized step over the CSR arrays: the rows of the
whole frontier are gathered at once, the accounts already reached are masked
out, and a ``bincount`` over the distinct ``(frontier account, new account)``
pairs gives each new account its ``links``.

Ranking: ``hops`` ascending (nearer first); within a hop, ``links`` descending
(how many accounts of the previous hop it is linked to, in the chosen
direction; a mutual follow counts once); then ``account`` ascending. ``via``
names the best-ranked account of the previous hop linked to it, so the ``via``
column is a shortest-path tree rooted at the seed.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([
...     ("seed", "a"), ("seed", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "seed"),
... ])
>>> expand(g, "seed", hops=2, direction="following")[["rank", "account", "hops", "links", "via"]]
   rank account  hops  links   via
0     0    seed     0      0  <NA>
1     1       a     1      1  seed
2     2       b     1      1  seed
3     3       c     2      2     a
4     4       d     2      1     b
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph, gather_rows
from graphkit.tiers import TierScheme
from queries.ranking import masked_array

__all__ = ["expand", "DIRECTIONS", "neighbour_pairs"]

#: ``--direction`` values.
DIRECTIONS = ("followers", "following", "both")


def _pairs(indptr: np.ndarray, indices: np.ndarray, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lengths = indptr[frontier + 1] - indptr[frontier]
    return np.repeat(frontier, lengths), gather_rows(indptr, indices, frontier).astype(np.int64)


def _hops(k: int) -> str:
    return f"{k} hop" if k == 1 else f"{k} hops"


def neighbour_pairs(
    graph: FollowGraph, frontier: np.ndarray, direction: str
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(frontier account, neighbour)`` id pairs along ``direction``.

    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "a"), ("c", "a")])
    >>> src, dst = neighbour_pairs(g, g.ids_of(["a"]), "both")
    >>> g.keys_of(dst).tolist()  # b both follows and is followed by a: once
    ['b', 'c']
    """
    frontier = np.asarray(frontier, dtype=np.int64)
    if direction == "following":
        return _pairs(graph.out_indptr, graph.out_indices, frontier)
    if direction == "followers":
        return _pairs(graph.in_indptr, graph.in_indices, frontier)
    out_src, out_dst = _pairs(graph.out_indptr, graph.out_indices, frontier)
    in_src, in_dst = _pairs(graph.in_indptr, graph.in_indices, frontier)
    codes = np.unique((np.concatenate([out_src, in_src]) << 32) | np.concatenate([out_dst, in_dst]))
    return codes >> 32, codes & 0xFFFFFFFF


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


def expand(
    graph: FollowGraph,
    seed: str,
    *,
    hops: int = 1,
    direction: str = "both",
    limit: int | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """The accounts within ``hops`` follows of ``seed``, ranked; the seed is the hop-0 row.

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
        Keep at most ``limit`` accounts besides the seed (the best-ranked, so
        the farthest hop is cut first). The search stops early once enough
        accounts are reached.
    tier_scheme : TierScheme, optional

    Returns
    -------
    DataFrame
        One row per account reached, **the seed included as the first row**
        (``rank`` 0, ``hops`` 0, ``links`` 0, no ``via``), then the others
        ranked 1, 2, ... by ``hops`` ascending, ``links`` descending, ``account``
        ascending. Columns ``rank, account, hops, links, via, in_degree,
        out_degree, tier, followers_count``; ``in_degree``/``out_degree`` are
        the follows in the whole graph. ``attrs``: ``seed`` (its key), ``hops``,
        ``direction``, ``limit``, ``reached`` (accounts found before the limit),
        ``depth`` (hops actually searched)
        and ``note`` (why the neighbourhood is empty or stopped early, else ``None``).

    Raises
    ------
    AccountNotFound
        ``seed`` is not in the graph.
    QueryError
        Empty graph; bad options.
    """
    check_expand_options(direction=direction, hops=hops, limit=limit)
    if graph.n_accounts == 0:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    scheme = tier_scheme or TierScheme.default()
    seed_id = graph.id_of(seed)
    seed_key = str(graph.keys_of([seed_id])[0])

    visited = np.zeros(graph.n_accounts, dtype=bool)
    visited[seed_id] = True
    position = np.full(graph.n_accounts, -1, dtype=np.int64)  # rank position of reached accounts
    position[seed_id] = 0
    ids = [np.array([seed_id], dtype=np.int64)]
    hop_of = [np.zeros(1, dtype=np.int64)]
    links_of = [np.zeros(1, dtype=np.int64)]
    via_of = [np.full(1, -1, dtype=np.int64)]
    frontier = ids[0]
    reached = 0
    depth = 0
    for depth in range(1, hops + 1):
        src, dst = neighbour_pairs(graph, frontier, direction)
        new = ~visited[dst]
        src, dst = src[new], dst[new]
        if len(dst) == 0:
            depth -= 1
            break
        links = np.bincount(dst, minlength=graph.n_accounts)
        found = np.flatnonzero(links)
        order = np.lexsort((graph.keys_of(found), -links[found]))
        found = found[order]
        # via: the linked previous-hop account with the best rank position
        pair_order = np.lexsort((position[src], dst))
        first = np.ones(len(pair_order), dtype=bool)
        first[1:] = dst[pair_order][1:] != dst[pair_order][:-1]
        via = np.full(graph.n_accounts, -1, dtype=np.int64)
        via[dst[pair_order][first]] = src[pair_order][first]
        visited[found] = True
        position[found] = reached + 1 + np.arange(len(found))
        reached += len(found)
        ids.append(found)
        hop_of.append(np.full(len(found), depth, dtype=np.int64))
        links_of.append(links[found])
        via_of.append(via[found])
        frontier = found
        if limit is not None and reached >= limit:
            break

    all_ids = np.concatenate(ids)
    via_ids = np.concatenate(via_of)
    if limit is not None:
        all_ids, via_ids = all_ids[: limit + 1], via_ids[: limit + 1]
    kept = len(all_ids)
    followers_count = pd.to_numeric(graph.attribute("followers_count").iloc[all_ids], errors="coerce")
    followers_count = masked_array(followers_count.to_numpy(dtype=np.float64, na_value=np.nan), "Int64")
    via_keys = pd.Series(graph.keys_of(np.maximum(via_ids, 0)), dtype="string").mask(via_ids < 0).array
    return expand_table(
        {
            "account": graph.keys_of(all_ids),
            "hops": np.concatenate(hop_of)[:kept],
            "links": np.concatenate(links_of)[:kept],
            "via": via_keys,
            "in_degree": graph.in_degree()[all_ids].astype(np.int64),
            "out_degree": graph.out_degree()[all_ids].astype(np.int64),
            "followers_count": followers_count,
        },
        scheme=scheme, seed_key=seed_key, hops=hops, direction=direction, limit=limit,
        reached=reached, depth=depth,
    )


def expand_table(
    columns: dict, *, scheme: TierScheme, seed_key: str, hops: int, direction: str,
    limit: int | None, reached: int, depth: int,
) -> pd.DataFrame:
    """The result frame of :func:`expand` from its per-row columns (shared by the backends).

    ``columns`` holds ``account, hops, links, via, in_degree, out_degree,
    followers_count`` in rank order (the seed first); ``reached`` is the number
    of accounts found besides the seed and ``depth`` the last hop searched.
    """
    followers_count = columns["followers_count"]
    table = pd.DataFrame({
        "rank": np.arange(len(columns["account"]), dtype=np.int64),
        "account": columns["account"],
        "hops": columns["hops"],
        "links": columns["links"],
        "via": columns["via"],
        "in_degree": columns["in_degree"],
        "out_degree": columns["out_degree"],
        "tier": scheme.assign(followers_count),
        "followers_count": followers_count,
    })
    note = None
    if reached == 0:
        word = {"followers": "followers", "following": "follows", "both": "follows or followers"}
        note = f"{seed_key!r} has no {word[direction]} in the graph: only the seed is listed"
    elif limit is not None and reached > limit:
        note = (
            f"kept the first {limit:,} of {reached:,} accounts reached within {_hops(depth)} "
            "(the search stops once --top accounts are reached)"
        )
    elif depth < hops:
        note = f"nothing new after {_hops(depth)}: the whole neighbourhood is listed"
    table.attrs.update({
        "seed": seed_key,
        "hops": hops,
        "direction": direction,
        "limit": limit,
        "reached": reached,
        "depth": depth,
        "note": note,
    })
    return table
