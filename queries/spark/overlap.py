"""``overlap`` and ``unique_reach`` on Spark: one membership pattern per follower, counted.

Spark groups the follows into the listed accounts by follower: each follower
gets the set of listed accounts it follows (its *pattern*), and the patterns
are counted. At most ``min(followers, 2^k)`` distinct patterns come back to the
driver, which derives every pair's shared followers, each account's audience
and unique reach, and the union's size from them exactly (integers), then builds
the tables with :func:`queries.overlap.pairs_table` and :func:`queries.overlap.reach_table`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from graphkit.spark.graph import SparkGraph
from queries.overlap import check_audience_sizes, check_overlap_accounts, pairs_table, reach_table

__all__ = ["overlap", "unique_reach", "audience_patterns"]


def audience_patterns(graph: SparkGraph, accounts: Sequence[str], *, observed_only: bool = False):
    """``(keys, patterns, counts)``: each distinct set of listed accounts a follower follows.

    ``patterns`` is a 0/1 matrix (one row per distinct set, one column per
    account) and ``counts`` how many followers have it.
    """
    found = graph.find_many(list(accounts))
    ids = [i for i, _ in found]
    check_overlap_accounts(accounts, ids)
    keys = [k for _, k in found]
    column = {account_id: c for c, account_id in enumerate(ids)}
    listed = graph.spark.createDataFrame([(i, c) for i, c in column.items()], "followee long, col int")
    incidence = graph.follows.join(F.broadcast(listed), "followee")
    if observed_only:
        observed = graph.accounts.where(F.col("observed")).select(F.col("id").alias("follower"))
        incidence = incidence.join(observed, "follower")
    rows = (
        incidence.groupBy("follower").agg(F.array_sort(F.collect_list("col")).alias("pattern"))
        .groupBy("pattern").agg(F.count("*").alias("n"))
        .collect()
    )
    patterns = np.zeros((len(rows), len(ids)), dtype=np.int64)
    for r, row in enumerate(rows):
        patterns[r, row["pattern"]] = 1
    counts = np.array([row["n"] for row in rows], dtype=np.int64)
    check_audience_sizes(keys, counts @ patterns, observed_only=observed_only)
    return keys, patterns, counts


def overlap(graph: SparkGraph, accounts: Sequence[str], *, observed_only: bool = False) -> pd.DataFrame:
    """:func:`queries.overlap.overlap` on Spark (same options, same table)."""
    keys, patterns, counts = audience_patterns(graph, accounts, observed_only=observed_only)
    shared = patterns.T @ (patterns * counts[:, None])
    return pairs_table(keys, counts @ patterns, shared)


def unique_reach(graph: SparkGraph, accounts: Sequence[str], *, observed_only: bool = False) -> pd.DataFrame:
    """:func:`queries.overlap.unique_reach` on Spark (same options, same table)."""
    keys, patterns, counts = audience_patterns(graph, accounts, observed_only=observed_only)
    alone = patterns.sum(axis=1) == 1
    unique = counts[alone] @ patterns[alone]
    return reach_table(keys, counts @ patterns, unique, int(counts.sum()))
