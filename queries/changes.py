"""Audience over time: what changed in a brand's audience between two dates.

Both dates read the workspace's history (issue 13): the follows current at a
date ``t`` (first seen by ``t``, not ended by ``t``), the attributes as last
loaded by ``t``, the handles accounts had at ``t``. With ``F_t`` the brand's
followers at ``t`` and ``O_t`` the observed ones (their following lists
loaded by ``t``), ``n_t = |O_t|``:

``summary``
    one row: the follower and observed-follower counts at both dates, and how
    many were new, lost, renamed, or moved tier.
``new_followers`` / ``lost_followers``
    ``F_until \\ F_since`` and ``F_since \\ F_until``, by account (a renamed
    follower is neither: it is the same account), with ``observed``, the tier
    and ``followers_count`` (at ``until``, or at ``since`` for lost ones);
    largest declared follower counts first.
``rising`` / ``falling``
    for every account the audience follows at either date:
    ``count_since = |{f in O_since : f follows a at since}|``,
    ``share_since = count_since / n_since`` (the same at ``until``), and
    ``change = share_until - share_since``. Two samples of different sizes
    make small counts noisy, so each change carries a significance figure,
    the **two-proportion z-test** with the pooled share
    ``p = (count_since + count_until) / (n_since + n_until)``:
    ``z_score = change / sqrt(p (1 - p) (1/n_since + 1/n_until))``, and the
    range the change plausibly lies in, **Newcombe's hybrid score interval**
    (Newcombe 1998, method 10, from the Wilson intervals of both shares at
    ``z``): ``change_low = change - sqrt((p2 - l2)² + (u1 - p1)²)``,
    ``change_high = change + sqrt((u2 - p2)² + (p1 - l1)²)``. ``rising``
    ranks by ``z_score`` (highest first), ``falling`` by ``z_score`` (lowest
    first): 2 -> 4 followers out of 100 (z 0.8) ranks below 20 -> 30 (z 1.6),
    though its share doubled. Both treat the two dates as independent
    samples; the same followers answering twice makes them conservative.
``tier_moves``
    accounts whose declared follower count at ``since`` and at ``until`` falls in
    different tiers of the tier scheme (``up`` or ``down``), biggest moves first.
``renames``
    accounts whose handle changed between the dates: ``previous`` -> ``account``.

Accounts are shown by their handle at ``until``. Ties are broken by account.

Examples
--------
>>> import os, tempfile
>>> from graphkit.tables import SourceTables
>>> from graphkit.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp() + "/ws")
>>> def crawl(when, follows):  # whole following lists, loaded at `when`
...     os.environ["GRAPHKIT_NOW"] = when
...     loads = []
...     for owner in sorted({f for f, _ in follows}):
...         tables = SourceTables.from_pairs(f"{owner}.txt", [p for p in follows if p[0] == owner])
...         tables.seen_at, tables.complete_following, tables.observed = when, {owner: None}, {owner}
...         loads.append(tables)
...     _ = ws.commit(loads)
>>> crawl("2026-01-01", [("ann", "acme"), ("ann", "nike"), ("bob", "acme"), ("bob", "nike")])
>>> crawl("2026-02-01", [("ann", "acme"), ("ann", "rei"), ("bob", "rei"), ("cat", "acme"), ("cat", "rei")])
>>> del os.environ["GRAPHKIT_NOW"]
>>> result = changes(ws, "acme", since="2026-01-15", until="2026-02-15")
>>> result.sections["new_followers"]["account"].tolist()
['cat']
>>> result.sections["lost_followers"]["account"].tolist()
['bob']
>>> result.sections["rising"][["account", "count_since", "count_until"]].values.tolist()
[['rei', 0, 2]]
>>> result.sections["falling"][["account", "count_since", "count_until"]].values.tolist()
[['nike', 2, 0]]
>>> list(result.to_frame().columns[:4])
['section', 'account', 'since', 'until']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from graphkit.clock import now, parse_instant
from graphkit.errors import QueryError
from graphkit.tiers import TierScheme
from graphkit.workspace.history import (
    accounts_at,
    current_follows,
    follow_spells,
    instant,
    renames_between,
)
from queries.affinity import DEFAULT_Z, wilson_bounds
from queries.ranking import order_rows

__all__ = ["Changes", "changes", "SECTIONS", "SECTION_TITLES", "newcombe_bounds", "two_proportion_z", "load_dates"]

#: The sections, in the order they are printed.
SECTIONS = ("summary", "new_followers", "lost_followers", "rising", "falling", "tier_moves", "renames")

#: Each section's title, for people (the CLI's table format, the app).
SECTION_TITLES = {
    "new_followers": "new followers",
    "lost_followers": "lost followers",
    "rising": "rising in the audience (share of observed followers that follow the account)",
    "falling": "falling in the audience",
    "tier_moves": "tier moves (declared follower counts)",
    "renames": "renamed handles",
}


def load_dates(workspace, *, gap_hours: float = 1.0) -> list[pd.Timestamp]:
    """The dates worth comparing: the end of each run of loads (a crawl's checkpoints, a batch of
    files) no more than ``gap_hours`` apart, oldest first (UTC timestamps).

    >>> import os, tempfile
    >>> from graphkit.tables import SourceTables
    >>> from graphkit.workspace import Workspace
    >>> ws = Workspace(tempfile.mkdtemp() + "/ws")
    >>> for when in ("2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", "2026-02-01T00:00:00Z"):
    ...     os.environ["GRAPHKIT_NOW"] = when
    ...     _ = ws.commit([SourceTables.from_pairs(f"{when}.txt", [("ann", "bob")])])
    >>> del os.environ["GRAPHKIT_NOW"]
    >>> [str(d) for d in load_dates(ws)]
    ['2026-01-01 00:05:00+00:00', '2026-02-01 00:00:00+00:00']
    """
    loaded = workspace.sources()["loaded_at"]
    if not len(loaded):
        return []
    times = sorted(set(pd.to_datetime(loaded, utc=True, format="ISO8601")))
    gap = pd.Timedelta(hours=gap_hours)
    ends = [t for t, after in zip(times, times[1:]) if after - t > gap] + [times[-1]]
    return ends


@dataclass
class Changes:
    """The answer of :func:`changes`: one table per section (see :data:`SECTIONS`)."""

    sections: dict[str, pd.DataFrame]
    attrs: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Every section in one table, a ``section`` column first (empty cells where a
        section has no such column): what csv, json, ndjson and parquet carry."""
        parts = [frame.assign(section=name) for name, frame in self.sections.items() if len(frame)]
        if not parts:
            return pd.DataFrame({"section": pd.Series([], dtype="string")})
        kinds: dict[str, object] = {"section": "string"}
        for frame in parts:
            for column in frame.columns:
                kinds.setdefault(column, frame[column].dtype)
        out = pd.concat([p.astype(object) for p in parts], ignore_index=True).reindex(columns=list(kinds))
        for column, kind in kinds.items():
            if pd.api.types.is_bool_dtype(kind):
                out[column] = out[column].astype("boolean")
            elif pd.api.types.is_integer_dtype(kind):
                out[column] = out[column].astype("Int64")
            elif pd.api.types.is_float_dtype(kind):
                out[column] = out[column].astype("Float64")
            elif pd.api.types.is_datetime64_any_dtype(kind):
                out[column] = pd.to_datetime(out[column], utc=True)
            else:
                out[column] = out[column].astype("string")
        return out


def newcombe_bounds(count_1, n_1, count_2, n_2, z: float = DEFAULT_Z) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval of ``count_2/n_2 - count_1/n_1`` (method 10).

    >>> low, high = newcombe_bounds(np.array([2, 20]), 100, np.array([4, 40]), 100)
    >>> (low < 0).tolist(), (low > 0).tolist()
    ([True, False], [False, True])
    """
    p1, p2 = np.asarray(count_1, float) / n_1, np.asarray(count_2, float) / n_2
    l1, u1 = wilson_bounds(p1, np.full(p1.shape, float(n_1)), z)
    l2, u2 = wilson_bounds(p2, np.full(p2.shape, float(n_2)), z)
    change = p2 - p1
    return change - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), change + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


def two_proportion_z(count_1, n_1, count_2, n_2) -> np.ndarray:
    """The two-proportion z statistic of ``count_2/n_2 - count_1/n_1`` (pooled share).

    >>> two_proportion_z(np.array([2, 20]), 100, np.array([4, 30]), 100).round(2).tolist()
    [0.83, 1.63]
    """
    c1, c2 = np.asarray(count_1, float), np.asarray(count_2, float)
    pooled = (c1 + c2) / (n_1 + n_2)
    error = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n_1 + 1.0 / n_2))
    change = c2 / n_2 - c1 / n_1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(error > 0, change / np.where(error > 0, error, 1.0), 0.0)


def _instant(value, what: str) -> pd.Timestamp:
    if isinstance(value, str):
        value = parse_instant(value, what=what)
    return instant(value)


def changes(workspace, brand: str, *, since: str | datetime, until: str | datetime | None = None,
            top: int | None = 20, z: float = DEFAULT_Z, tier_scheme: TierScheme | None = None) -> Changes:
    """What changed in ``brand``'s audience after ``since`` up to ``until`` (default: now).

    Returns a :class:`Changes` whose ``sections`` are DataFrames (at most ``top`` rows each,
    ``summary`` aside) and whose ``attrs`` hold the dates and the method.
    Raises :class:`~graphkit.errors.QueryError` when ``since`` is not before ``until``, and
    :class:`~graphkit.errors.AccountNotFound` for an unknown brand.
    """
    start = _instant(since, "--since")
    end = _instant(until, "--until") if until is not None else instant(now())
    if start >= end:
        raise QueryError(f"--since {start.isoformat()} is not before --until {end.isoformat()}: "
                         "nothing can have changed")
    if z <= 0:
        raise QueryError(f"--z must be positive, not {z}")
    scheme = tier_scheme or TierScheme.default()
    brand_id = workspace.graph.id_of(brand)
    spells = follow_spells(workspace, ids=True)
    before, after = accounts_at(workspace, start), accounts_at(workspace, end)
    follows_before, follows_after = current_follows(spells, start), current_follows(spells, end)
    keys = after["key"].astype("string")

    def followers(follows: pd.DataFrame) -> np.ndarray:
        return np.unique(follows.loc[follows["followee"] == brand_id, "follower"].to_numpy(dtype=np.int64))

    fol_before, fol_after = followers(follows_before), followers(follows_after)
    obs_before = fol_before[before["observed"].to_numpy(dtype=bool)[fol_before]]
    obs_after = fol_after[after["observed"].to_numpy(dtype=bool)[fol_after]]
    new = np.setdiff1d(fol_after, fol_before)
    lost = np.setdiff1d(fol_before, fol_after)
    renames = renames_between(workspace, start, end)
    sections = {
        "new_followers": _followers_table(new, after, keys, scheme, top),
        "lost_followers": _followers_table(lost, before, keys, scheme, top),
    }
    rising, falling = _shifts(follows_before, follows_after, obs_before, obs_after, brand_id, keys, after, scheme, z)
    sections["rising"] = rising.head(top) if top else rising
    sections["falling"] = falling.head(top) if top else falling
    moves = _tier_moves(before, after, keys, scheme)
    sections["tier_moves"] = moves.head(top) if top else moves
    renamed = pd.DataFrame({"account": keys.iloc[renames["id"].to_numpy()].array if len(renames) else pd.array([], "string"),
                            "previous": renames["previous"].array,
                            "renamed_at": renames["renamed_at"].to_numpy()})
    renamed = order_rows(renamed, [])
    sections["renames"] = renamed.head(top) if top else renamed
    summary = pd.DataFrame([{
        "account": str(keys.iloc[brand_id]), "since": start.isoformat(), "until": end.isoformat(),
        "followers_since": len(fol_before), "followers_until": len(fol_after),
        "new_followers": len(new), "lost_followers": len(lost),
        "observed_since": len(obs_before), "observed_until": len(obs_after),
        "new_observed": len(np.setdiff1d(obs_after, obs_before)),
        "lost_observed": len(np.setdiff1d(obs_before, obs_after)),
        "renames": len(renamed), "tier_moves": len(moves),
    }])
    attrs = {"brand": str(keys.iloc[brand_id]), "since": start.isoformat(), "until": end.isoformat(),
             "z": z, "method": "two-proportion z-test (pooled); Newcombe hybrid score interval of the change",
             "top": top}
    if not len(obs_before) or not len(obs_after):
        attrs["note"] = (f"{attrs['brand']} has no observed followers at "
                         f"{'--since' if not len(obs_before) else '--until'}: audience shares cannot be compared "
                         "(crawl or load their following lists)")
    return Changes({"summary": summary, **sections}, attrs)


def _followers_table(ids: np.ndarray, accounts: pd.DataFrame, keys: pd.Series, scheme: TierScheme,
                     top: int | None) -> pd.DataFrame:
    counts = accounts["followers_count"] if "followers_count" in accounts else pd.Series(pd.NA, index=accounts.index, dtype="Int64")
    counts = counts.iloc[ids].astype("Int64")
    table = pd.DataFrame({
        "account": keys.iloc[ids].array,
        "observed": accounts["observed"].to_numpy(dtype=bool)[ids],
        "tier": pd.Series(scheme.assign(counts.array)).astype(str).to_numpy(),
        "followers_count": counts.array,
    })
    table = order_rows(table, ["followers_count"])
    return table.head(top) if top else table


def _audience_counts(follows: pd.DataFrame, audience: np.ndarray, brand_id: int, n_accounts: int) -> np.ndarray:
    mask = np.isin(follows["follower"].to_numpy(dtype=np.int64), audience)
    followees = follows["followee"].to_numpy(dtype=np.int64)[mask]
    counts = np.bincount(followees, minlength=n_accounts)
    counts[brand_id] = 0
    return counts


def _shifts(follows_before, follows_after, obs_before, obs_after, brand_id, keys, after, scheme, z):
    n_accounts = len(keys)
    n1, n2 = len(obs_before), len(obs_after)
    columns = ["account", "tier", "count_since", "share_since", "count_until", "share_until",
               "change", "z_score", "change_low", "change_high"]
    if not n1 or not n2:
        empty = pd.DataFrame({c: [] for c in columns})
        return empty, empty.copy()
    c1 = _audience_counts(follows_before, obs_before, brand_id, n_accounts)
    c2 = _audience_counts(follows_after, obs_after, brand_id, n_accounts)
    ids = np.flatnonzero((c1 > 0) | (c2 > 0))
    low, high = newcombe_bounds(c1[ids], n1, c2[ids], n2, z)
    counts = after["followers_count"] if "followers_count" in after else pd.Series(pd.NA, index=after.index, dtype="Int64")
    table = pd.DataFrame({
        "account": keys.iloc[ids].array,
        "tier": pd.Series(scheme.assign(counts.iloc[ids].astype("Int64").array)).astype(str).to_numpy(),
        "count_since": c1[ids], "share_since": c1[ids] / n1,
        "count_until": c2[ids], "share_until": c2[ids] / n2,
    })
    table["change"] = table["share_until"] - table["share_since"]
    table["z_score"] = two_proportion_z(c1[ids], n1, c2[ids], n2)
    table["change_low"], table["change_high"] = low, high
    rising = order_rows(table[table["change"] > 0], ["z_score", "change"])
    falling = table[table["change"] < 0].assign(_z=lambda t: -t["z_score"], _size=lambda t: -t["change"])
    falling = order_rows(falling, ["_z", "_size"]).drop(columns=["_z", "_size"])
    return rising.reset_index(drop=True), falling.reset_index(drop=True)


def _tier_moves(before: pd.DataFrame, after: pd.DataFrame, keys: pd.Series, scheme: TierScheme) -> pd.DataFrame:
    columns = ["account", "followers_since", "followers_until", "tier_since", "tier_until", "move"]
    if "followers_count" not in before or "followers_count" not in after:
        return pd.DataFrame({c: [] for c in columns})
    count_1, count_2 = before["followers_count"].astype("Int64"), after["followers_count"].astype("Int64")
    both = (count_1.notna() & count_2.notna()).to_numpy(dtype=bool)
    tier_1, tier_2 = scheme.assign(count_1.array), scheme.assign(count_2.array)
    moved = both & (np.asarray(tier_1.codes) != np.asarray(tier_2.codes))
    ids = np.flatnonzero(moved)
    steps = np.asarray(tier_2.codes)[ids] - np.asarray(tier_1.codes)[ids]
    table = pd.DataFrame({
        "account": keys.iloc[ids].array,
        "followers_since": count_1.iloc[ids].array, "followers_until": count_2.iloc[ids].array,
        "tier_since": np.asarray(tier_1.astype(str))[ids], "tier_until": np.asarray(tier_2.astype(str))[ids],
        "move": np.where(steps > 0, "up", "down"),
        "_steps": np.abs(steps),
    })
    return order_rows(table, ["_steps", "followers_until"]).drop(columns=["_steps"]).reset_index(drop=True)
