"""``affinity`` on Spark: the counts and the ranking on the cluster, the table as in memory.

Spark joins the follows with the audience (and baseline) flags of their
followers and counts, per followee, ``audience_count`` and ``baseline_count``
in one aggregation; it filters (``min_count``, ``exclude_followed``, tiers),
computes the sort key with the in-memory arithmetic and keeps the first
``top`` rows (ties: ``audience_count``, then the key). The driver receives
only those rows and derives every decimal column from their counts with
:mod:`queries.affinity`'s functions, so the table equals the in-memory one.
``weight="mass-followers"`` is refused (in-memory only).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from graphkit.spark.graph import SparkGraph
from graphkit.tiers import TierScheme
from queries import affinity as memory
from queries.affinity_counts import affinity_table_from_counts, check_unweighted
from queries.baselines import (
    REST,
    applied_sort,
    baseline_kind,
    check_reference,
    empty_reference_note,
    empty_rest_note,
    missing_counts_note,
    no_declared_counts_note,
    population_label,
    population_too_small,
)
from queries.spark.common import (
    BROADCAST_ROWS,
    descending,
    in_tiers,
    spark_audience,
    to_pandas,
    wilson_column,
)

__all__ = ["affinity"]


def affinity(
    graph: SparkGraph,
    brand: str,
    *,
    top: int | None = None,
    sort: str = "lift-lower",
    tiers: Sequence[str] | None = None,
    min_count: int = 1,
    exclude_followed: bool = False,
    baseline: str | None = None,
    population: int | None = None,
    weight: str = "none",
    z: float = memory.DEFAULT_Z,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.affinity.affinity` on Spark (same options, same table)."""
    scheme = memory.check_affinity_options(
        sort=sort, top=top, min_count=min_count, weight=weight, z=z, baseline=baseline,
        population=population, tiers=tiers, tier_scheme=tier_scheme,
    )
    check_unweighted(weight, "spark")
    aud = spark_audience(graph, brand)
    n = aud.n_observed
    accounts, follows = graph.accounts, graph.follows
    observed = accounts.where(F.col("observed")).select(F.col("id").alias("follower"))
    in_audience = aud.followers.where(F.col("observed")).select("follower", F.lit(1).alias("a"))
    notes: list[str] = []
    mode = baseline_kind(baseline, population)
    if mode == "population":
        label, size = population_label(population), population
        declared = accounts.where(F.col("followers_count").isNotNull()).limit(1).count()
        if not declared:
            mode = "none"
            notes.append(no_declared_counts_note(population))
        flags = in_audience.withColumn("b", F.lit(0))
    elif mode == "rest":
        label = REST
        size = observed.count() - n - (1 if aud.brand_observed else 0)
        if not size:
            mode = "none"
            notes.append(empty_rest_note(aud.brand))
        # every observed account: in the audience (a) or, unless the brand, in the rest (b)
        flags = (
            observed.join(in_audience, "follower", "left")
            .select("follower", F.coalesce("a", F.lit(0)).alias("a"))
            .withColumn("b", F.when((F.col("a") == 0) & (F.col("follower") != aud.brand_id), 1).otherwise(0))
        )
    else:
        _, label = graph.find(baseline)
        check_reference(label, aud.brand)
        ref = spark_audience(graph, baseline, require_observed=False)
        members = ref.followers.where(F.col("observed") & (F.col("follower") != aud.brand_id))
        members = members.select("follower", F.lit(1).alias("b"))
        size = members.count()
        if not size:
            mode = "none"
            notes.append(empty_reference_note(label, ref.n_followers))
        flags = (
            in_audience.join(members, "follower", "full")
            .select("follower", F.coalesce("a", F.lit(0)).alias("a"), F.coalesce("b", F.lit(0)).alias("b"))
        )
    if n + size <= BROADCAST_ROWS:  # the flagged followers fit every executor: no shuffle of the follows
        flags = F.broadcast(flags)
    counted = (
        follows.join(flags, "follower")
        .where(F.col("followee") != aud.brand_id)
        .groupBy("followee")
        .agg(F.sum("a").alias("audience_count"), F.sum("b").alias("baseline_count"))
        .where(F.col("audience_count") >= min_count)
    )
    if exclude_followed:
        followed = follows.where(F.col("follower") == aud.brand_id).select("followee")
        counted = counted.join(followed, "followee", "left_anti")
    rows = counted.join(
        accounts.select(F.col("id").alias("followee"), F.col("key").alias("account"), "followers_count"),
        "followee",
    )
    if mode == "population":
        rows = rows.withColumn("baseline_count", F.col("followers_count"))
        candidates = rows.agg(
            F.count("*").alias("n"), F.sum(F.col("followers_count").isNull().cast("long")).alias("missing"),
        ).first()
        too_big = rows.where(F.col("followers_count") > float(population)).orderBy("followee").limit(1).collect()
        if too_big:
            raise population_too_small(population, too_big[0]["account"], int(too_big[0]["followers_count"]))
        if candidates["missing"]:
            notes.append(missing_counts_note(int(candidates["missing"]), int(candidates["n"])))
    applied = applied_sort(sort, mode != "none", notes)
    rows = rows.where(in_tiers(scheme, tiers, F.col("followers_count")))
    rows = _with_sort_keys(rows, mode, n, size, z)
    ordered = rows.orderBy(*descending(*_spark_keys(applied)))
    if top is not None:
        ordered = ordered.limit(top)
    collected = to_pandas(ordered, ["account", "audience_count", "baseline_count", "followers_count"])
    return affinity_table_from_counts(
        collected["account"].tolist(), collected["audience_count"].to_numpy(dtype=np.int64),
        _numbers(collected["baseline_count"]), _numbers(collected["followers_count"]),
        mode=mode, n=n, size=size, z=z, scheme=scheme, brand=aud.brand, n_followers=aud.n_followers,
        declared_followers=aud.followers_count, baseline=label, sort=applied, notes=notes,
        min_count=min_count, exclude_followed=exclude_followed, tiers=tiers,
    )


def _spark_keys(sort: str) -> list[str]:
    names = {"audience_count": "audience_count", "audience_share": "share", "affinity": "lift",
             "lift_lower": "lift_lower"}
    return [names[c] for c in memory.sort_columns(sort)]


def _with_sort_keys(rows, mode: str, n: int, size: int, z: float):
    """``share``, ``lift`` and ``lift_lower`` columns, as the in-memory arithmetic computes them."""
    share = F.col("audience_count").cast("double") / F.lit(float(n))
    share = F.when(share > 1.0, F.lit(1.0)).otherwise(share)
    rows = rows.withColumn("share", share)
    if mode == "none":
        return rows.withColumn("lift", F.lit(None).cast("double")).withColumn("lift_lower", F.lit(None).cast("double"))
    floor = F.lit(0.5 / size)
    base = F.col("baseline_count").cast("double") / F.lit(float(size))
    rows = rows.withColumn("base", base)

    def at_least_floor(value):
        return F.when(value.isNull(), F.lit(None).cast("double")).otherwise(F.greatest(value, floor))

    low = wilson_column(F.col("share"), n, z, -1)
    rows = rows.withColumn("lift", F.col("share") / at_least_floor(F.col("base")))
    if mode == "population":
        return rows.withColumn("lift_lower", low / at_least_floor(F.col("base")))
    return rows.withColumn("lift_lower", low / at_least_floor(wilson_column(F.col("base"), size, z, +1)))


def _numbers(column: pd.Series) -> np.ndarray:
    """A collected column of numbers or ``None`` as floats with ``NaN``."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
