"""The shortlist: the ``rank`` ranking, filtered and sorted the way a marketer narrows it down.

A shortlist is a *view* of one ranking. :func:`candidates` runs
:func:`queries.rank.rank` once over every candidate (the niche terms take
part in the score) and keeps what the filters need; :func:`shortlist` then
filters and sorts that table without ranking again, so every score and every
``rank`` stays what ``graphkit rank`` says, whatever the filters (a filtered
row keeps its place in the whole ranking: #3, #7, #12, ...). Filters:

* ``tiers`` — keep these tiers (a filter, not the tier-fit preference of ``rank``);
* ``niche_only`` — with niche terms, keep accounts whose profile matches at
  least one (``niche_overlap > 0``);
* ``min_audience`` — followed by at least this many of the brand's observed followers;
* ``exclude_followed`` — drop accounts the brand already follows;
* ``brand_followers`` — ``"keep"`` the brand's own followers (default),
  ``"exclude"`` them, or keep ``"only"`` them.

Sorting: by any column (``sort``), numbers largest first and text A to Z
unless ``ascending`` says otherwise; ties keep the ranking's order.

Examples
--------
>>> import pandas as pd
>>> from graphkit.graph import FollowGraph
>>> profiles = pd.DataFrame({"key": ["x", "y", "z"], "followers_count": [20_000, 5_000, 30_000]})
>>> g = FollowGraph.from_pairs([("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"),
...     ("f2", "y"), ("f1", "z"), ("z", "brand"), ("brand", "y")], attributes=profiles)
>>> ranked = candidates(g, "brand")
>>> shortlist(ranked, tiers=["micro"])[["rank", "account", "tier"]].values.tolist()
[[1, 'x', 'micro'], [3, 'z', 'micro']]
>>> shortlist(ranked, brand_followers="exclude", exclude_followed=True)["account"].tolist()
['x']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.rank import rank

__all__ = ["BRAND_FOLLOWERS", "COLUMNS", "Candidates", "candidates", "shortlist"]

#: Choices for the brand's own followers.
BRAND_FOLLOWERS = ("keep", "exclude", "only")
#: Columns of a shortlist, in the order shown (empty ones are left to the caller to hide).
COLUMNS = (
    "rank", "account", "tier", "followers_count", "audience_count", "audience_share", "score",
    "affinity_pct", "ppr_pct", "niche_overlap", "tier_fit", "engagement_pct", "lift_lower",
    "engagement_rate",
)


@dataclass(frozen=True)
class Candidates:
    """One full ranking and what the shortlist filters need, computed once.

    Attributes
    ----------
    table : DataFrame
        :func:`queries.rank.rank` over every candidate, plus ``audience_share``.
    ids : ndarray
        Account id of each row.
    follows_brand, followed_by_brand : ndarray of bool
        Whether each row's account follows the brand / is followed by it.
    """

    table: pd.DataFrame
    ids: np.ndarray
    follows_brand: np.ndarray
    followed_by_brand: np.ndarray

    @property
    def attrs(self) -> dict:
        return self.table.attrs


def candidates(
    graph: FollowGraph,
    brand: str,
    *,
    niche: str | Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
    tier_scheme: TierScheme | None = None,
) -> Candidates:
    """Rank every account ``brand``'s audience follows (:func:`queries.rank.rank`, no ``top``)."""
    table = rank(graph, brand, niche=niche, weights=weights, tier_scheme=tier_scheme)
    observed = int(table.attrs["audience_observed"])
    table.insert(table.columns.get_loc("audience_count") + 1, "audience_share",
                 table["audience_count"].to_numpy() / observed)
    ids = graph.index.get_indexer(table["account"].to_numpy()).astype(np.int64)
    brand_id = graph.id_of(brand)
    follows = np.isin(ids, graph.followers(brand_id))
    followed = np.isin(ids, graph.following(brand_id))
    table.attrs["niche"] = niche
    return Candidates(table=table, ids=ids, follows_brand=follows, followed_by_brand=followed)


def shortlist(
    ranked: Candidates,
    *,
    tiers: Sequence[str] | None = None,
    niche_only: bool = False,
    min_audience: int = 1,
    exclude_followed: bool = False,
    brand_followers: str = "keep",
    sort: str | None = None,
    ascending: bool | None = None,
    top: int | None = 100,
) -> pd.DataFrame:
    """The rows of ``ranked`` that pass the filters, sorted, the first ``top`` of them.

    Parameters
    ----------
    ranked : Candidates
        From :func:`candidates`.
    tiers : list of str, optional
        Keep only these tiers.
    niche_only : bool
        Keep only accounts matching the niche terms the ranking was made with.
    min_audience : int
        Minimum ``audience_count``.
    exclude_followed : bool
        Drop accounts the brand follows.
    brand_followers : {"keep", "exclude", "only"}
    sort : str, optional
        A column of the table (default: the ranking's order).
    ascending : bool, optional
        Default: ``False`` for numbers, ``True`` for text.
    top : int, optional
        Rows to return (``None``: all).

    Returns
    -------
    DataFrame
        :data:`COLUMNS` (those present). ``attrs``: the ranking's, plus
        ``matched`` (rows passing the filters) and ``filters`` (a plain
        description of each filter applied).

    Raises
    ------
    QueryError
        An unknown column, tier or choice; ``niche_only`` without niche terms.
    """
    table = ranked.table
    if brand_followers not in BRAND_FOLLOWERS:
        raise QueryError(f"brand followers: choose one of {', '.join(BRAND_FOLLOWERS)}, not {brand_followers!r}")
    if min_audience < 1:
        raise QueryError(f"minimum audience must be at least 1, not {min_audience}")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    keep = np.ones(len(table), dtype=bool)
    described = []
    if tiers:
        known = set(table["tier"].cat.categories) if hasattr(table["tier"], "cat") else set(table["tier"])
        unknown = [t for t in tiers if t not in known]
        if unknown:
            raise QueryError(f"unknown tier {unknown[0]!r}; tiers are: {', '.join(map(str, sorted(known)))}")
        keep &= table["tier"].isin(list(tiers)).to_numpy(dtype=bool)
        described.append("tier " + ", ".join(tiers))
    if niche_only:
        if not table.attrs.get("niche"):
            raise QueryError("matching the niche needs niche terms")
        keep &= (table["niche_overlap"].fillna(0) > 0).to_numpy(dtype=bool)
        described.append("matching the niche terms")
    if min_audience > 1:
        keep &= table["audience_count"].to_numpy() >= min_audience
        described.append(f"followed by at least {min_audience:,} of the audience")
    if exclude_followed:
        keep &= ~ranked.followed_by_brand
        described.append("not already followed by the brand")
    if brand_followers == "exclude":
        keep &= ~ranked.follows_brand
        described.append("not following the brand")
    elif brand_followers == "only":
        keep &= ranked.follows_brand
        described.append("following the brand")
    rows = np.flatnonzero(keep)
    if sort is not None and sort != "rank":
        if sort not in table.columns:
            raise QueryError(f"cannot sort by {sort!r}; columns are {', '.join(map(str, table.columns))}")
        column = table[sort].iloc[rows]
        numeric = pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype)
        up = (not numeric) if ascending is None else ascending
        values = (column.astype("float64") if numeric else column.astype("string")).reset_index(drop=True)
        order = values.sort_values(ascending=up, kind="stable", na_position="last").index.to_numpy()
        rows = rows[order]
    elif ascending:
        rows = rows[::-1]
    matched = len(rows)
    if top is not None:
        rows = rows[:top]
    out = table.iloc[rows][[c for c in COLUMNS if c in table.columns]].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    out.attrs.update({"matched": matched, "filters": described, "sort": sort or "rank"})
    return out
