"""Audience overlap of several accounts, and each one's unique reach (to deduplicate a shortlist).

The audience ``F(X)`` of an account is its followers in the graph (with
``observed_only``, only those whose following list is loaded). For every pair
of the given accounts: ``shared = |F(A) ∩ F(B)|``, ``jaccard = shared / |F(A) ∪ F(B)|``,
``overlap = shared / min(|F(A)|, |F(B)|)``. An account's *unique reach* is the
number of its followers that follow none of the other given accounts: what it
adds to a campaign that already has the others.

The follower rows of the ``k`` accounts are concatenated once; a
``(follower, account)`` incidence matrix in ``scipy.sparse`` gives every pair's
``shared`` in one product, and each follower's number of listed accounts gives
the unique reach.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([
...     ("f1", "a"), ("f2", "a"), ("f3", "a"), ("f2", "b"), ("f3", "b"), ("f4", "b"), ("f5", "c"),
... ])
>>> overlap(g, ["a", "b", "c"])[["account", "other", "shared", "jaccard", "overlap"]]
  account other  shared  jaccard   overlap
0       a     b       2      0.5  0.666667
1       a     c       0      0.0  0.000000
2       b     c       0      0.0  0.000000
>>> unique_reach(g, ["a", "b", "c"])[["account", "audience", "unique_reach"]]
  account  audience  unique_reach
0       a         3             1
1       b         3             1
2       c         1             1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph

__all__ = ["overlap", "unique_reach", "audience_incidence", "check_overlap_accounts", "check_audience_sizes",
           "pairs_table", "reach_table"]


@dataclass(frozen=True)
class _Incidence:
    keys: list[str]
    sizes: np.ndarray  # audience size of each account
    followers: np.ndarray  # follower id of each (follower, account) pair
    columns: np.ndarray  # account index of each pair


def audience_incidence(graph: FollowGraph, accounts: Sequence[str], *, observed_only: bool = False) -> _Incidence:
    """Resolve ``accounts`` and list every ``(follower, account index)`` pair of their audiences.

    Raises
    ------
    AccountNotFound
        An account is not in the graph.
    QueryError
        Fewer than two distinct accounts, or one with an empty audience.
    """
    if graph.n_accounts == 0:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    ids = graph.ids_of(accounts)
    check_overlap_accounts(accounts, ids)
    indptr = graph.in_indptr
    sizes = (indptr[ids + 1] - indptr[ids]).astype(np.int64)
    followers = graph.gather_followers(ids).astype(np.int64)
    columns = np.repeat(np.arange(len(ids)), sizes)
    if observed_only:
        keep = graph.observed[followers]
        followers, columns = followers[keep], columns[keep]
        sizes = np.bincount(columns, minlength=len(ids))
    keys = graph.keys_of(ids).tolist()
    check_audience_sizes(keys, sizes, observed_only=observed_only)
    return _Incidence(keys, sizes, followers, columns)


def check_overlap_accounts(accounts: Sequence[str], ids: Sequence[int]) -> None:
    """Refuse an account named twice and fewer than two accounts (``ids`` resolved from ``accounts``).

    >>> check_overlap_accounts(["a", "A"], [3, 3])
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: 'A' is named twice: list each account once
    """
    _, first = np.unique(np.asarray(ids, dtype=np.int64), return_index=True)
    if len(first) != len(ids):
        repeated = [str(a) for i, a in enumerate(accounts) if i not in set(first.tolist())]
        raise QueryError(f"{repeated[0]!r} is named twice: list each account once")
    if len(ids) < 2:
        raise QueryError("overlap needs at least two accounts")


def check_audience_sizes(keys: Sequence[str], sizes: Sequence[int], *, observed_only: bool) -> None:
    """Refuse an account whose audience is empty."""
    empty = [k for k, size in zip(keys, sizes) if size == 0]
    if empty:
        what = "observed followers" if observed_only else "followers in the graph"
        raise QueryError(
            f"{empty[0]!r} has no {what}: load its followers with "
            f"`graphkit load followers FILE --of {empty[0]}`"
            + (" (or drop --observed-only)" if observed_only else "")
        )


def overlap(graph: FollowGraph, accounts: Sequence[str], *, observed_only: bool = False) -> pd.DataFrame:
    """Pairwise audience overlap of ``accounts``, one row per unordered pair.

    Parameters
    ----------
    graph : FollowGraph
    accounts : list of str
        Two or more distinct accounts.
    observed_only : bool
        Count only observed followers.

    Returns
    -------
    DataFrame
        ``account, other, account_audience, other_audience, shared, jaccard, overlap``,
        the pairs in the order the accounts were given.

    Raises
    ------
    AccountNotFound, QueryError
        See :func:`audience_incidence`.
    """
    import scipy.sparse as sp

    inc = audience_incidence(graph, accounts, observed_only=observed_only)
    k = len(inc.keys)
    rows, codes = np.unique(inc.followers, return_inverse=True)
    matrix = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.int64), (codes.ravel(), inc.columns)), shape=(len(rows), k)
    )
    return pairs_table(inc.keys, inc.sizes, (matrix.T @ matrix).toarray())


def pairs_table(keys: Sequence[str], sizes: np.ndarray, shared: np.ndarray) -> pd.DataFrame:
    """The :func:`overlap` table from audience sizes and the ``k x k`` matrix of shared followers."""
    i, j = np.triu_indices(len(keys), 1)
    both = shared[i, j]
    size_i, size_j = sizes[i], sizes[j]
    keys = np.array(keys, dtype=object)
    return pd.DataFrame({
        "account": keys[i],
        "other": keys[j],
        "account_audience": size_i,
        "other_audience": size_j,
        "shared": both.astype(np.int64),
        "jaccard": both / (size_i + size_j - both),
        "overlap": both / np.minimum(size_i, size_j),
    })


def unique_reach(graph: FollowGraph, accounts: Sequence[str], *, observed_only: bool = False) -> pd.DataFrame:
    """Each account's audience and the part of it that follows none of the others.

    Returns
    -------
    DataFrame
        ``account, audience, unique_reach, unique_share`` in the order given;
        ``attrs["combined_reach"]`` is the size of the union of all audiences.
    """
    inc = audience_incidence(graph, accounts, observed_only=observed_only)
    rows, codes, counts = np.unique(inc.followers, return_inverse=True, return_counts=True)
    alone = counts[codes.ravel()] == 1
    unique = np.bincount(inc.columns[alone], minlength=len(inc.keys))
    return reach_table(inc.keys, inc.sizes, unique, len(rows))


def reach_table(keys: Sequence[str], sizes: np.ndarray, unique: np.ndarray, combined: int) -> pd.DataFrame:
    """The :func:`unique_reach` table from audience sizes, unique reaches and the union's size."""
    table = pd.DataFrame({
        "account": list(keys),
        "audience": np.asarray(sizes),
        "unique_reach": np.asarray(unique).astype(np.int64),
        "unique_share": unique / np.asarray(sizes),
    })
    table.attrs["combined_reach"] = int(combined)
    return table
