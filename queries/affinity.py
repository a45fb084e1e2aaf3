"""Affinity: who do a brand's followers follow?

For a brand B with observed followers ``O(B)`` (``n = |O(B)|``), every account
``a != B`` gets ``audience_count(a) = |{f in O(B) : f follows a}|`` and
``audience_share(a) = audience_count(a) / n``. The counts are one gather over
the CSR rows of ``O(B)`` and one ``bincount``: no Python loop over follows.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([
...     ("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y"),
... ])
>>> affinity(g, "brand", sort="count")[["rank", "account", "audience_count", "audience_share"]]
   rank account  audience_count  audience_share
0     1       x               2             1.0
1     2       y               1             0.5
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.audience import audience

__all__ = ["affinity", "audience_counts", "SORTS"]

SORTS = ("count",)


def audience_counts(graph: FollowGraph, follower_ids: np.ndarray) -> np.ndarray:
    """For every account, how many of ``follower_ids`` follow it (length ``n_accounts``)."""
    followees = graph.gather_following(follower_ids)
    return np.bincount(followees, minlength=graph.n_accounts)


def affinity(
    graph: FollowGraph,
    brand: str,
    *,
    top: int | None = None,
    sort: str = "count",
    tiers: Sequence[str] | None = None,
    min_count: int = 1,
    exclude_followed: bool = False,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """Rank the accounts that ``brand``'s observed followers follow.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
        The brand's handle.
    top : int, optional
        Keep the first ``top`` rows.
    sort : {"count"}
        ``count``: ``audience_count`` descending, then ``account`` ascending.
    tiers : list of str, optional
        Keep only accounts in these tiers (e.g. ``["nano", "micro"]``).
    min_count : int
        Drop accounts followed by fewer of the audience.
    exclude_followed : bool
        Drop accounts the brand already follows.

    Returns
    -------
    DataFrame
        ``rank, account, audience_count, audience_share, tier, followers_count``.

    Raises
    ------
    AccountNotFound
        ``brand`` is not in the graph.
    QueryError
        None of the brand's followers is observed.
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    if min_count < 1:
        raise QueryError(f"--min-count must be at least 1, not {min_count}")
    scheme = tier_scheme or TierScheme.default()
    if tiers:
        scheme.check_names(list(tiers))
    aud = audience(graph, brand, require_observed=True)
    counts = audience_counts(graph, aud.observed)
    counts[aud.brand_id] = 0
    candidates = np.flatnonzero(counts >= min_count)
    if exclude_followed:
        candidates = np.setdiff1d(candidates, graph.following(aud.brand_id), assume_unique=True)
    followers_count = graph.attribute("followers_count").iloc[candidates]
    tier = scheme.assign(followers_count.to_numpy())
    table = pd.DataFrame({
        "account": graph.keys_of(candidates),
        "audience_count": counts[candidates].astype(np.int64),
        "audience_share": counts[candidates] / aud.n_observed,
        "tier": tier,
        "followers_count": pd.array(followers_count.to_numpy(), dtype="Int64"),
    })
    if tiers:
        table = table[table["tier"].isin(list(tiers))]
    table = table.sort_values(["audience_count", "account"], ascending=[False, True], kind="stable")
    if top is not None:
        table = table.head(top)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table.attrs["brand"] = aud.brand
    table.attrs["audience_observed"] = aud.n_observed
    table.attrs["audience_followers"] = aud.n_followers
    return table
