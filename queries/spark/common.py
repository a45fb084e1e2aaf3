"""Spark column expressions the Spark queries share: tiers, Wilson bounds, audiences, ordering.

The float expressions repeat :mod:`queries.affinity`'s numpy arithmetic
operation by operation (IEEE doubles on both sides), so Spark keeps the same
rows when it cuts a ranking to ``top``; the numbers shown are then recomputed
on the driver from the counts by the in-memory module's own functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from graphkit.spark.graph import SparkGraph
from graphkit.tiers import UNKNOWN_TIER, TierScheme
from queries.audience import require_observed_followers

__all__ = [
    "BROADCAST_ROWS",
    "tier_of",
    "in_tiers",
    "wilson_column",
    "SparkAudience",
    "spark_audience",
    "observed_in_degree",
    "descending",
    "to_pandas",
]


#: small id tables (an audience and its flags, a frontier) up to this many rows are broadcast to
#: every executor, so the follows are joined with them without a shuffle (16 bytes a row: 80 MB)
BROADCAST_ROWS = 5_000_000


def tier_of(scheme: TierScheme, followers_count: Column) -> Column:
    """The tier name of a ``followers_count`` column, as :meth:`TierScheme.assign` gives it."""
    expression = F.when(followers_count.isNull(), F.lit(UNKNOWN_TIER))
    for name, bound in reversed(list(zip(scheme.names, scheme.lower_bounds))):
        expression = expression.when(followers_count >= float(bound), F.lit(name))
    return expression.otherwise(F.lit(scheme.names[0]))


def in_tiers(scheme: TierScheme, tiers: Sequence[str] | None, followers_count: Column) -> Column:
    """True where the account is in one of ``tiers`` (always true without ``tiers``)."""
    if not tiers:
        return F.lit(True)
    return tier_of(scheme, followers_count).isin(list(tiers))


def wilson_column(p: Column, n: float, z: float, sign: int) -> Column:
    """One Wilson bound of share ``p`` over ``n``, operation by operation as ``wilson_bounds``."""
    z2 = F.lit(z) * F.lit(z)
    n_ = F.lit(float(n))
    denom = F.lit(1.0) + z2 / n_
    centre = p + z2 / (F.lit(2.0) * n_)
    spread = p * (F.lit(1.0) - p)
    spread = F.when(spread < 0.0, F.lit(0.0)).otherwise(spread)
    half = F.lit(z) * F.sqrt(spread / n_ + z2 / (F.lit(4.0) * n_ * n_))
    value = ((centre - half) if sign < 0 else (centre + half)) / denom
    return F.when(value < 0.0, F.lit(0.0)).when(value > 1.0, F.lit(1.0)).otherwise(value)


@dataclass
class SparkAudience:
    """A brand's followers on Spark: ``followers(follower, observed)`` and their counts.

    ``brand_observed`` tells whether the brand's own following list is loaded;
    ``followers_count`` is its declared follower count (``None`` if not declared).
    """

    brand: str
    brand_id: int
    followers: DataFrame
    n_followers: int
    n_observed: int
    brand_observed: bool = False
    followers_count: float | None = None


def spark_audience(graph: SparkGraph, brand: str, *, require_observed: bool = True) -> SparkAudience:
    """The followers of ``brand`` with their ``observed`` flag (as :func:`queries.audience.audience`)."""
    brand_id, key = graph.find(brand)
    followers = (
        graph.follows.where(F.col("followee") == brand_id).select("follower")
        .join(graph.accounts.select(F.col("id").alias("follower"), "observed"), "follower")
        .withColumn("observed", F.coalesce(F.col("observed"), F.lit(False)))
    ).cache()
    brand_row = graph.accounts.where(F.col("id") == brand_id).select(
        F.coalesce(F.col("observed"), F.lit(False)).alias("brand_observed"), "followers_count")
    row = (
        followers.agg(F.count("*").alias("n"), F.sum(F.col("observed").cast("long")).alias("o"))
        .crossJoin(brand_row).first()
    )
    n_followers, n_observed = int(row["n"]), int(row["o"] or 0)
    if require_observed:
        require_observed_followers(key, n_followers, n_observed)
    declared = row["followers_count"]
    return SparkAudience(key, brand_id, followers, n_followers, n_observed, bool(row["brand_observed"]),
                         None if declared is None else float(declared))


def observed_in_degree(graph: SparkGraph) -> DataFrame:
    """``(followee, in_degree)``: how many observed accounts follow each account (followed ones only)."""
    observed = graph.accounts.where(F.col("observed")).select(F.col("id").alias("follower"))
    return graph.follows.join(observed, "follower").groupBy("followee").agg(F.count("*").alias("in_degree"))


def descending(*columns: str) -> list[Column]:
    """Sort columns: each descending with nulls last, then ``account`` ascending."""
    return [F.col(c).desc_nulls_last() for c in columns] + [F.col("account").asc()]


def to_pandas(frame: DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Collect ``frame``'s ``columns`` to the driver (an empty frame keeps the column names)."""
    rows = frame.select(*columns).collect()
    return pd.DataFrame([r.asDict() for r in rows], columns=list(columns))
