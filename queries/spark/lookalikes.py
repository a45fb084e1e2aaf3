"""``lookalikes`` on Spark: shared followers and audience sizes counted on the cluster.

``shared`` (the seed's observed followers who follow each account) and
``audience`` (each candidate's observed followers) are two aggregations over
the follows; Spark filters, scores with :func:`queries.lookalikes.similarity`'s
arithmetic and keeps the first ``top`` rows (ties: ``shared``, then the key).
The driver recomputes ``score`` from the two counts with the in-memory function.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from graphkit.spark.graph import SparkGraph
from graphkit.tiers import TierScheme
from queries.lookalikes import (
    check_lookalikes_options,
    nothing_in_tier,
    nothing_large_enough,
    nothing_shared,
    similarity,
)
from queries.spark.common import (
    BROADCAST_ROWS,
    in_tiers,
    observed_in_degree,
    spark_audience,
    to_pandas,
)

__all__ = ["lookalikes"]


def _score(metric: str, n: int):
    shared, size = F.col("shared").cast("double"), F.col("audience").cast("double")
    seed = F.lit(float(n))
    if metric == "jaccard":
        return shared / (seed + size - shared)
    if metric == "overlap":
        return shared / F.least(seed, size)
    return shared / F.sqrt(seed * size)


def lookalikes(
    graph: SparkGraph,
    seed: str,
    *,
    metric: str = "jaccard",
    min_audience: int = 5,
    min_shared: int = 1,
    top: int | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.lookalikes.lookalikes` on Spark (same options, same table)."""
    scheme = check_lookalikes_options(
        metric=metric, min_audience=min_audience, min_shared=min_shared, top=top, tiers=tiers,
        tier_scheme=tier_scheme,
    )
    aud = spark_audience(graph, seed)
    n = aud.n_observed
    audience = aud.followers.where(F.col("observed")).select("follower")
    if n <= BROADCAST_ROWS:
        audience = F.broadcast(audience)
    shared = (
        graph.follows.join(audience, "follower")
        .where(F.col("followee") != aud.brand_id)
        .groupBy("followee").agg(F.count("*").alias("shared"))
        .where(F.col("shared") >= min_shared)
    ).cache()
    sized = shared.join(observed_in_degree(graph).withColumnRenamed("in_degree", "audience"), "followee")
    counts = sized.agg(F.count("*").alias("shared"),
                       F.sum((F.col("audience") >= min_audience).cast("long")).alias("sized")).first()
    if not counts["shared"]:
        raise nothing_shared(aud.brand, n, min_shared)
    if not counts["sized"]:
        raise nothing_large_enough(aud.brand, min_audience)
    rows = (
        sized.where(F.col("audience") >= min_audience)
        .join(graph.accounts.select(F.col("id").alias("followee"), F.col("key").alias("account"),
                                    "followers_count"), "followee")
        .where(in_tiers(scheme, tiers, F.col("followers_count")))
        .withColumn("score", _score(metric, n))
        .orderBy(F.col("score").desc(), F.col("shared").desc(), F.col("account").asc())
    )
    if top is not None:
        rows = rows.limit(top)
    collected = to_pandas(rows, ["account", "shared", "audience", "followers_count"])
    shared.unpersist()
    if tiers and collected.empty:
        raise nothing_in_tier(aud.brand, tiers)
    shared_counts = collected["shared"].to_numpy(dtype=np.int64)
    sizes = collected["audience"].to_numpy(dtype=np.int64)
    followers_count = pd.array(
        pd.to_numeric(collected["followers_count"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan),
        dtype="Int64",
    )
    table = pd.DataFrame({
        "account": np.asarray(collected["account"].tolist(), dtype=object),
        "score": similarity(shared_counts, n, sizes, metric),
        "shared": shared_counts,
        "audience": sizes,
        "tier": scheme.assign(followers_count),
        "followers_count": followers_count,
    })
    table = table.sort_values(["score", "shared", "account"], ascending=[False, False, True], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table.attrs.update({"seed": aud.brand, "metric": metric, "seed_audience": n,
                        "seed_followers": aud.n_followers})
    return table
