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
from types import SimpleNamespace

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from graphkit.errors import QueryError
from graphkit.spark.graph import SparkGraph
from graphkit.tiers import TierScheme
from queries import affinity as memory
from queries.spark.common import descending, in_tiers, spark_audience, to_pandas, wilson_column

__all__ = ["affinity", "BROADCAST_FLAGS"]

#: audience + baseline sizes up to which their flags are broadcast (16 bytes each: 80 MB)
BROADCAST_FLAGS = 5_000_000


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
    if weight != "none":
        raise QueryError(
            f"--weight {weight} is not available with --engine spark (its weighted sums are "
            "computed in memory only): use --engine memory"
        )
    aud = spark_audience(graph, brand)
    n = aud.n_observed
    accounts, follows = graph.accounts, graph.follows
    observed = accounts.where(F.col("observed")).select(F.col("id").alias("follower"))
    in_audience = aud.followers.where(F.col("observed")).select("follower", F.lit(1).alias("a"))
    notes: list[str] = []
    mode, label, size = "none", "rest", 0
    if population is not None:
        label, size = f"population of {population:,}", population
        declared = accounts.where(F.col("followers_count").isNotNull()).limit(1).count()
        mode = "population" if declared else "none"
        if not declared:
            notes.append(memory.no_baseline_note("population", population=population))
        flags = in_audience.withColumn("b", F.lit(0))
    elif baseline is None or baseline.strip().lower() == "rest":
        brand_observed = accounts.where((F.col("id") == aud.brand_id) & F.col("observed")).count()
        size = observed.count() - n - brand_observed
        mode = "rest" if size else "none"
        if not size:
            notes.append(memory.no_baseline_note("rest", brand=aud.brand))
        # every observed account: in the audience (a) or, unless the brand, in the rest (b)
        flags = (
            observed.join(in_audience, "follower", "left")
            .select("follower", F.coalesce("a", F.lit(0)).alias("a"))
            .withColumn("b", F.when((F.col("a") == 0) & (F.col("follower") != aud.brand_id), 1).otherwise(0))
        )
    else:
        ref_id, label = graph.find(baseline)
        if ref_id == aud.brand_id:
            raise QueryError(f"the baseline account {label!r} is the brand itself; name another account")
        ref = spark_audience(graph, baseline, require_observed=False)
        members = ref.followers.where(F.col("observed") & (F.col("follower") != aud.brand_id))
        members = members.select("follower", F.lit(1).alias("b"))
        size = members.count()
        mode = "account" if size else "none"
        if not size:
            notes.append(memory.no_baseline_note("account", reference=label, reference_followers=ref.n_followers))
        flags = (
            in_audience.join(members, "follower", "full")
            .select("follower", F.coalesce("a", F.lit(0)).alias("a"), F.coalesce("b", F.lit(0)).alias("b"))
        )
    if n + size <= BROADCAST_FLAGS:  # the flagged followers fit every executor: no shuffle of the follows
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
            raise memory.population_too_small(population, too_big[0]["account"], too_big[0]["followers_count"])
        if candidates["missing"]:
            notes.append(memory.missing_counts_note(int(candidates["missing"]), int(candidates["n"])))
    applied = memory.applied_sort(sort, mode != "none", notes)
    rows = rows.where(in_tiers(scheme, tiers, F.col("followers_count")))
    rows = _with_sort_keys(rows, mode, n, size, z)
    ordered = rows.orderBy(*descending(*_spark_keys(applied)))
    if top is not None:
        ordered = ordered.limit(top)
    collected = to_pandas(ordered, ["account", "audience_count", "baseline_count", "followers_count"])
    table = memory.affinity_frame_from_counts(
        collected["account"].tolist(), collected["audience_count"].to_numpy(dtype=np.int64),
        _numbers(collected["baseline_count"]), _numbers(collected["followers_count"]),
        mode=mode, n=n, size=size, z=z, scheme=scheme,
    )
    table = memory.order_rows(table, memory.sort_columns(applied))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    if table.empty:
        notes.append(memory.why_empty(SimpleNamespace(brand=aud.brand, n_observed=n), min_count,
                                      exclude_followed, tiers))
    table.attrs.update({
        "table_columns": ["rank", "account", "audience_count", "audience_share", "affinity",
                          "lift_lower", "tier", "followers_count"],
        "brand": aud.brand,
        "audience_observed": n,
        "audience_followers": aud.n_followers,
        "baseline": label,
        "baseline_size": size,
        "weight": weight,
        "z": z,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return table


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
