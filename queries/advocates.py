"""Advocates: which of a brand's own followers are influencers themselves?

Every follower ``a`` of brand B (observed or not) is described as an influencer:

* ``tier``, ``followers_count`` and ``engagement_rate`` from its profile;
* ``niche_overlap`` with the brand's niche terms (only with ``niche=``; see
  :mod:`graphkit.algorithms.niche`);
* ``audience_count``: how many of B's *other* observed followers follow ``a``
  (its reach inside the brand's community), and ``audience_share``, that count
  over the other observed followers (``n - 1`` when ``a`` is observed itself,
  else ``n``).

The reach of every follower is one gather over the CSR rows of ``O(B)`` and one
``bincount`` (the same counts as :func:`queries.audience.audience_counts`).

Examples
--------
>>> import pandas as pd
>>> from graphkit.graph import FollowGraph
>>> profiles = pd.DataFrame({"key": ["ann", "bob"], "followers_count": [12_000, 800]})
>>> g = FollowGraph.from_pairs([
...     ("ann", "brand"), ("bob", "brand"), ("cat", "brand"),
...     ("bob", "ann"), ("cat", "ann"), ("ann", "bob"),
... ], attributes=profiles)
>>> advocates(g, "brand")[["rank", "account", "tier", "audience_count", "audience_share"]]
   rank account     tier  audience_count  audience_share
0     1     ann    micro               2             1.0
1     2     bob  regular               1             0.5
2     3     cat  unknown               0             0.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme, resolve_tiers
from queries.audience import audience, audience_counts, no_followers_message
from queries.ranking import masked_array, order_rows

__all__ = [
    "advocates",
    "SORTS",
    "SORT_COLUMNS",
    "PROFILE_ATTRIBUTES",
    "profile_numbers",
    "has_profiles",
    "check_advocates_options",
    "rankable_notes",
    "empty_tier_note",
]

#: ``--sort`` values; the first is the default.
SORTS = ("reach", "followers", "engagement", "niche")

#: The columns each ``--sort`` orders by, descending (then ``account`` ascending).
SORT_COLUMNS = {
    "reach": ["audience_count", "followers_count"],
    "followers": ["followers_count", "audience_count"],
    "engagement": ["engagement_rate", "audience_count"],
    "niche": ["niche_overlap", "audience_count"],
}

#: Profile attributes that make an account rankable as an influencer.
PROFILE_ATTRIBUTES = ("followers_count", "engagement_rate", "tags", "category", "bio")


def profile_numbers(graph: FollowGraph, name: str, ids: np.ndarray) -> np.ndarray:
    """A numeric attribute of accounts ``ids`` as ``float64`` (``NaN`` when unknown)."""
    values = pd.to_numeric(graph.attribute(name).iloc[ids], errors="coerce")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def has_profiles(graph: FollowGraph, ids: np.ndarray) -> bool:
    """Whether any of ``ids`` has a follower count, an engagement rate, tags, a category or a bio."""
    for name in PROFILE_ATTRIBUTES:
        if name in graph.accounts.columns and graph.accounts[name].iloc[ids].notna().any():
            return True
    return False


def check_advocates_options(
    *, sort: str, niche, top: int | None, tiers: Sequence[str] | None, tier_scheme: TierScheme | None,
) -> TierScheme:
    """Refuse bad :func:`advocates` options (every backend calls this); return the tier scheme.

    >>> check_advocates_options(sort="niche", niche=None, top=None, tiers=None, tier_scheme=None)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --sort niche needs the niche terms: --niche "hiking,camping"
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    if sort == "niche" and not niche:
        raise QueryError("--sort niche needs the niche terms: --niche \"hiking,camping\"")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    scheme = resolve_tiers(tier_scheme, tiers)
    return scheme


def rankable_notes(
    brand: str, n_candidates: int, n_followers: int, n_observed: int, profiled: bool, sort: str
) -> tuple[list[str], str]:
    """Whether there is anything to rank followers by, what to say about it, and the sort applied.

    Every engine calls this with its counts: ``n_candidates`` accounts to rank
    (the followers, or a pool), ``n_observed`` observed followers, and whether
    any candidate has a profile. Refuses a brand without followers and followers
    with neither a following list nor a profile; otherwise returns the notes
    (empty columns) and the sort applied (``reach`` falls back to ``followers``
    when nobody is observed).

    >>> rankable_notes("acme", 2, 2, 0, True, "reach")
    (["audience_count is empty: none of 'acme''s followers is observed, so their reach inside the audience is unknown", 'ranked by followers_count instead'], 'followers')
    """
    if n_candidates == 0:
        raise QueryError(no_followers_message(brand))
    if n_observed == 0 and not profiled:
        raise QueryError(
            f"nothing to rank {brand!r}'s {n_followers:,} followers by: none is observed "
            "(no following list) and none has a profile; load following lists "
            "(`graphkit load following`) or profiles (`graphkit load profiles`)"
        )
    notes = []
    if n_observed == 0:
        notes.append(
            f"audience_count is empty: none of {brand!r}'s followers is observed, so their "
            "reach inside the audience is unknown"
        )
    if not profiled:
        notes.append(
            "no follower has a profile (followers_count, engagement_rate, tags, bio): "
            "load profiles with `graphkit load profiles FILE`"
        )
    applied = sort
    if sort == "reach" and n_observed == 0:
        applied = "followers"
        notes.append("ranked by followers_count instead")
    return notes, applied


def empty_tier_note(brand: str, n_followers: int, tiers: Sequence[str] | None) -> str:
    """Why an advocates table is empty: no follower is in the tiers asked for."""
    return f"none of {brand!r}'s {n_followers:,} followers is in tier {', '.join(tiers or [])}"


def advocates(
    graph: FollowGraph,
    brand: str,
    *,
    niche: str | Sequence[str] | None = None,
    niche_method: str = "cosine",
    tiers: Sequence[str] | None = None,
    top: int | None = None,
    sort: str = "reach",
    tier_scheme: TierScheme | None = None,
    pool: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rank ``brand``'s own followers as influencers.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    niche : str or list of str, optional
        The brand's niche terms (``"hiking,camping"``); adds ``niche_overlap``.
    niche_method : {"cosine", "jaccard"}
    tiers : list of str, optional
        Keep only followers in these tiers.
    top : int, optional
        Keep the first ``top`` rows.
    sort : {"reach", "followers", "engagement", "niche"}
        ``reach`` (default): ``audience_count``, then ``followers_count``;
        ``followers``: ``followers_count``, then ``audience_count``;
        ``engagement``: ``engagement_rate``, then ``audience_count``;
        ``niche``: ``niche_overlap``, then ``audience_count`` (needs ``niche``).
        All descending with missing values last, then ``account`` ascending.
    pool : array of int, optional
        Rank these account ids instead of the followers (e.g. customers and
        followers, see :func:`queries.pools.customer_advocates`).

    Returns
    -------
    DataFrame
        ``rank, account, tier, followers_count, engagement_rate,
        [niche_overlap,] audience_count, audience_share``. ``attrs``: ``brand``,
        ``audience_observed``, ``audience_followers``, ``sort`` (applied) and
        ``note`` (why a column is empty or no row is left, else ``None``).

    Raises
    ------
    AccountNotFound
        ``brand`` is not in the graph.
    QueryError
        ``brand`` has no follower; none is observed and none has a profile
        (nothing to rank by); bad options.
    """
    scheme = check_advocates_options(sort=sort, niche=niche, top=top, tiers=tiers, tier_scheme=tier_scheme)
    aud = audience(graph, brand)
    ids = aud.followers if pool is None else np.asarray(pool, dtype=np.int64)
    profiled = len(ids) > 0 and has_profiles(graph, ids)
    shared_notes, applied = rankable_notes(aud.brand, len(ids), aud.n_followers, aud.n_observed, profiled, sort)
    notes: list[str] = []
    followers_count = profile_numbers(graph, "followers_count", ids)
    table = pd.DataFrame({
        "account": graph.keys_of(ids),
        "tier": scheme.assign(masked_array(followers_count, "Int64")),
        "followers_count": masked_array(followers_count, "Int64"),
        "engagement_rate": masked_array(profile_numbers(graph, "engagement_rate", ids)),
    })
    if niche:
        from graphkit.algorithms.niche import niche_overlap

        overlap = niche_overlap(graph, ids, niche, method=niche_method)
        table["niche_overlap"] = masked_array(overlap)
        if np.isnan(overlap).all():
            notes.append(
                "niche_overlap is empty: none of the followers has tags, a category or a bio "
                "(load profiles with `graphkit load profiles FILE`)"
            )
    if aud.n_observed:
        counts = audience_counts(graph, aud.observed)[ids]
        others = aud.n_observed - np.isin(ids, aud.observed).astype(np.int64)
        share = np.divide(counts, others, out=np.full(len(ids), np.nan), where=others > 0)
        table["audience_count"] = counts.astype(np.int64)
        table["audience_share"] = masked_array(share)
    else:
        table["audience_count"] = pd.array([pd.NA] * len(ids), dtype="Int64")
        table["audience_share"] = pd.array([pd.NA] * len(ids), dtype="Float64")
    notes.extend(shared_notes)
    if tiers:
        table = table[table["tier"].isin(list(tiers))]
    table = order_rows(table, SORT_COLUMNS[applied])
    if top is not None:
        table = table.head(top)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    if table.empty:
        notes.append(empty_tier_note(aud.brand, aud.n_followers, tiers))
    table.attrs.update({
        "brand": aud.brand,
        "audience_observed": aud.n_observed,
        "audience_followers": aud.n_followers,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return table
