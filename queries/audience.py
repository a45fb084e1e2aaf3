"""A brand's audience: its followers, and those of them whose following list is known.

For a brand B, ``F(B)`` are the accounts that follow B and ``O(B)`` those of
them that are *observed* (their following list was loaded). Every audience
share in graphkit is over ``O(B)``: the share of an audience that follows X can
only be counted among followers whose lists we have.

:func:`audience_counts` counts, for every account at once, how many of a
population (an audience, a baseline) follow it: one gather over the CSR rows
of the population and one ``bincount``. :func:`observed_in_degree` is the
same count over every observed account.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "brand"), ("b", "brand"), ("a", "x")], observed=["a"])
>>> aud = audience(g, "brand")
>>> aud.n_followers, aud.n_observed
(2, 1)
>>> dict(zip(g.keys, audience_counts(g, aud.observed).tolist()))
{'a': 0, 'brand': 1, 'b': 0, 'x': 1}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph

__all__ = [
    "Audience",
    "audience",
    "audience_counts",
    "observed_in_degree",
    "require_observed_followers",
    "no_followers_message",
]


@dataclass(frozen=True)
class Audience:
    """The followers of one account, split by whether they are observed."""

    brand: str
    brand_id: int
    followers: np.ndarray
    observed: np.ndarray

    @property
    def n_followers(self) -> int:
        return len(self.followers)

    @property
    def n_observed(self) -> int:
        return len(self.observed)


def audience(graph: FollowGraph, brand: str, *, require_observed: bool = False) -> Audience:
    """The audience of ``brand``; with ``require_observed``, refuse an empty ``O(B)``."""
    if graph.n_accounts == 0:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    brand_id = graph.id_of(brand)
    followers = np.asarray(graph.followers(brand_id), dtype=np.int64)
    observed = followers[graph.observed[followers]]
    key = str(graph.keys_of([brand_id])[0])
    if require_observed:
        require_observed_followers(key, len(followers), len(observed))
    return Audience(brand=key, brand_id=brand_id, followers=followers, observed=observed)


def require_observed_followers(key: str, n_followers: int, n_observed: int) -> None:
    """Refuse an audience with no observed follower (every engine asks this the same way).

    >>> require_observed_followers("acme", 3, 0)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: none of 'acme''s 3 followers is observed (no following list loaded for any of them): load some with `graphkit load following FILE --of NAME`
    """
    if n_observed:
        return
    if n_followers == 0:
        raise QueryError(no_followers_message(key))
    raise QueryError(
        f"none of {key!r}'s {n_followers:,} followers is observed (no following list "
        f"loaded for any of them): load some with `graphkit load following FILE --of NAME`"
    )


def no_followers_message(key: str) -> str:
    """What to say when ``key`` has no follower at all."""
    return (
        f"{key!r} has no followers in the graph: load its followers with "
        f"`graphkit load followers FILE --of {key}`"
    )


def audience_counts(
    graph: FollowGraph, follower_ids: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """For every account, how many of ``follower_ids`` follow it (length ``n_accounts``).

    With ``weights`` (aligned with ``follower_ids``) each follower counts its
    weight instead of 1 and the result is ``float64``.

    >>> g = FollowGraph.from_pairs([("a", "c"), ("b", "c"), ("b", "a")])
    >>> g.keys.tolist()
    ['a', 'c', 'b']
    >>> audience_counts(g, g.ids_of(["a", "b"])).tolist()
    [1, 2, 0]
    >>> audience_counts(g, g.ids_of(["a", "b"]), np.array([1.0, 0.5])).tolist()
    [0.5, 1.5, 0.0]
    """
    follower_ids = np.asarray(follower_ids, dtype=np.int64)
    if weights is None and len(follower_ids) and _covers_much(graph, follower_ids):
        # a large population (a baseline, a big brand): select its follows with a mask over
        # the CSR instead of gathering them, 1 byte per follow instead of 16
        members = np.zeros(graph.n_accounts, dtype=bool)
        members[follower_ids] = True
        if np.count_nonzero(members) == len(follower_ids):  # no id twice
            chosen = np.repeat(members, np.diff(graph.out_indptr))
            return np.bincount(graph.out_indices[chosen], minlength=graph.n_accounts)
    followees = graph.gather_following(follower_ids)
    if weights is None:
        return np.bincount(followees, minlength=graph.n_accounts)
    lengths = graph.out_indptr[follower_ids + 1] - graph.out_indptr[follower_ids]
    return np.bincount(followees, weights=np.repeat(weights, lengths), minlength=graph.n_accounts)


def _covers_much(graph: FollowGraph, ids: np.ndarray) -> bool:
    """Whether the rows of ``ids`` hold more than an eighth of all follows."""
    indptr = graph.out_indptr
    total = int(np.asarray(indptr[ids + 1], dtype=np.int64).sum() - np.asarray(indptr[ids], dtype=np.int64).sum())
    return total * 8 > graph.n_follows


def observed_in_degree(graph: FollowGraph) -> np.ndarray:
    """For every account, how many *observed* accounts follow it.

    The in-degree less the follows of unobserved accounts when these are few
    (the usual case: following lists are what was loaded), else one ``bincount``
    over the follows of observed accounts. May build the reverse CSR.

    >>> g = FollowGraph.from_pairs([("a", "c"), ("b", "c")], observed=["a"])
    >>> dict(zip(g.keys, observed_in_degree(g).tolist()))
    {'a': 0, 'c': 1, 'b': 0}
    """
    observed = graph.observed
    unobserved = np.flatnonzero(~observed)
    out_degree = graph.out_degree()
    if int(out_degree[unobserved].sum()) * 4 < graph.n_follows:
        from_unobserved = np.bincount(graph.gather_following(unobserved), minlength=graph.n_accounts)
        return graph.in_degree().astype(np.int64) - from_unobserved
    from_observed = np.repeat(observed, out_degree)
    return np.bincount(graph.out_indices[from_observed], minlength=graph.n_accounts)
