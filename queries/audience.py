"""A brand's audience: its followers, and those of them whose following list is known.

For a brand B, ``F(B)`` are the accounts that follow B and ``O(B)`` those of
them that are *observed* (their following list was loaded). Every audience
share in graphkit is over ``O(B)``: the share of an audience that follows X can
only be counted among followers whose lists we have.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "brand"), ("b", "brand"), ("a", "x")], observed=["a"])
>>> aud = audience(g, "brand")
>>> aud.n_followers, aud.n_observed
(2, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph

__all__ = ["Audience", "audience", "require_observed_followers"]


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
    """Refuse an audience without observed followers (every engine says the same).

    >>> require_observed_followers("brand", 3, 0)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: none of 'brand''s 3 followers is observed (no following list loaded for any of them): load some with `graphkit load following FILE --of NAME`
    """
    if n_observed:
        return
    if n_followers == 0:
        raise QueryError(
            f"{key!r} has no followers in the graph: load its followers with "
            f"`graphkit load followers FILE --of {key}`"
        )
    raise QueryError(
        f"none of {key!r}'s {n_followers:,} followers is observed (no following list "
        f"loaded for any of them): load some with `graphkit load following FILE --of NAME`"
    )
