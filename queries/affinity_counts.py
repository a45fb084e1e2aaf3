"""The affinity table from counts another engine computed (Neo4j, Spark).

The in-memory :func:`queries.affinity.affinity` counts every account of the
graph and builds its table from :class:`~queries.affinity.AffinityScores`. A
server engine (Cypher on Neo4j, DataFrames on Spark) counts, filters and cuts
to ``top`` on its side and returns per kept account only ``audience_count``,
``baseline_count`` and the declared ``followers_count``;
:func:`affinity_frame_from_counts` turns those into the same columns with the
same arithmetic (:func:`queries.affinity.wilson_bounds`, the half-follower
floor of the baseline share), so every engine's numbers are bit-identical, and
:func:`affinity_table_from_counts` finishes the table as the in-memory query
does (order, ``rank``, the note on an empty result, every ``attrs`` entry).

Examples
--------
>>> t = affinity_frame_from_counts(["x"], np.array([2]), np.array([1.0]), np.array([np.nan]),
...                                mode="rest", n=2, size=2, z=1.96, scheme=TierScheme.default())
>>> t[["account", "audience_share", "baseline_share", "affinity", "tier"]]
  account  audience_share  baseline_share  affinity     tier
0       x             1.0             0.5       2.0  unknown
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import memory_only
from graphkit.tiers import TierScheme
from queries.affinity import TABLE_COLUMNS, empty_result_note, sort_columns, wilson_bounds
from queries.ranking import masked_array, order_rows
from queries.sample_size import sample_attrs

__all__ = ["affinity_frame_from_counts", "affinity_table_from_counts", "check_unweighted", "BASELINE_MODES"]

#: ``mode`` values: the baseline kinds of :func:`queries.baselines.baseline_kind`, and ``"none"``
BASELINE_MODES = ("rest", "account", "population", "none")

_KEY_DTYPE = pd.Series(["a"]).dtype


def check_unweighted(weight: str, engine: str) -> None:
    """Refuse ``--weight`` other than ``none`` on ``engine``: weighted sums are in-memory only.

    >>> check_unweighted("mass-followers", "neo4j")
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --weight mass-followers is not available with --engine neo4j (its weighted sums are computed in memory only): use --engine memory
    """
    if weight != "none":
        raise memory_only(f"--weight {weight}", engine, "its weighted sums are computed in memory only")


def affinity_frame_from_counts(
    accounts: Sequence[str], counts: np.ndarray, baseline_counts: np.ndarray, followers_count: np.ndarray,
    *, mode: str, n: int, size: int, z: float, scheme: TierScheme,
) -> pd.DataFrame:
    """The affinity columns (no ``rank``) of ``accounts``, in the order given, from their counts.

    Parameters
    ----------
    accounts : sequence of str
        The account keys.
    counts : array of int
        ``audience_count`` of each account (unweighted).
    baseline_counts : array of float
        ``baseline_count`` of each account (``NaN`` when missing); in
        ``population`` mode the declared follower counts.
    followers_count : array of float
        Declared ``followers_count`` (``NaN`` when not declared).
    mode : {"rest", "account", "population", "none"}
        The baseline kind; ``"none"`` when the baseline is empty (its columns
        are then missing).
    n : int
        Observed followers of the brand (the audience).
    size : int
        The baseline's size (``--population`` in ``population`` mode); unused
        with ``"none"``.
    z : float
        z of the Wilson bounds.
    scheme : TierScheme

    Returns
    -------
    DataFrame
        ``account, audience_count, audience_share, baseline_count,
        baseline_share, affinity, lift_lower, tier, followers_count``, the
        dtypes of :func:`queries.affinity.affinity_frame`.
    """
    if mode not in BASELINE_MODES:
        raise ValueError(f"unknown baseline mode {mode!r}")
    counts = np.asarray(counts, dtype=np.int64)
    shares = np.clip(counts / n, 0.0, 1.0)
    share_low, _ = wilson_bounds(shares, float(n), z)
    missing = np.full(len(counts), np.nan)
    base_counts = base_shares = lift = lift_lower = missing
    if mode != "none":
        floor = 0.5 / size
        base_counts = np.asarray(baseline_counts, dtype=np.float64)
        base_shares = base_counts / size
        lift = shares / np.maximum(base_shares, floor)
        if mode == "population":  # declared counts, not a sample: the share itself
            lift_lower = share_low / np.maximum(base_shares, floor)
        else:
            _, base_high = wilson_bounds(base_shares, float(size), z)
            lift_lower = share_low / np.maximum(base_high, floor)
    declared = masked_array(np.asarray(followers_count, dtype=np.float64), "Int64")
    return pd.DataFrame({
        "account": pd.Series(list(accounts), dtype=object).astype(_KEY_DTYPE),
        "audience_count": counts,
        "audience_share": shares,
        "baseline_count": masked_array(base_counts, "Int64"),
        "baseline_share": masked_array(base_shares, "Float64"),
        "affinity": masked_array(lift, "Float64"),
        "lift_lower": masked_array(lift_lower, "Float64"),
        "tier": scheme.assign(declared),
        "followers_count": declared,
    })


def affinity_table_from_counts(
    accounts: Sequence[str], counts: np.ndarray, baseline_counts: np.ndarray, followers_count: np.ndarray,
    *, mode: str, n: int, size: int, z: float, scheme: TierScheme, brand: str, n_followers: int,
    declared_followers: float | None, baseline: str, sort: str, notes: list[str], min_count: int,
    exclude_followed: bool, tiers: Sequence[str] | None,
) -> pd.DataFrame:
    """The whole :func:`queries.affinity.affinity` result from a server engine's counts (unweighted).

    The columns come from :func:`affinity_frame_from_counts` (same arguments);
    the rows are ordered by ``sort`` (the sort applied, see
    :func:`queries.baselines.applied_sort`) and ranked. ``brand``,
    ``n_followers`` (its followers in the graph), ``declared_followers`` (its
    declared follower count, ``None`` if unknown), ``baseline`` (the label) and
    ``notes`` (said so far) fill ``attrs`` as the in-memory query does; a note
    on an empty result is added.
    """
    table = affinity_frame_from_counts(accounts, counts, baseline_counts, followers_count, mode=mode, n=n,
                                       size=size, z=z, scheme=scheme)
    table = order_rows(table, sort_columns(sort))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    notes = list(notes)
    if table.empty:
        notes.append(empty_result_note(brand, n, min_count, exclude_followed, tiers))
    table.attrs.update({
        "table_columns": list(TABLE_COLUMNS),
        "brand": brand,
        "audience_observed": n,
        "audience_followers": n_followers,
        "baseline": baseline,
        "baseline_size": size,
        "weight": "none",
        "weight_population": None,
        "z": z,
        "sort": sort,
        **sample_attrs(n, n_followers, declared_followers, z),
        "note": "; ".join(notes) or None,
    })
    return table
