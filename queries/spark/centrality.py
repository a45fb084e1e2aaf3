"""``centrality`` on Spark: ``pagerank`` and ``ppr`` (personalized PageRank).

The scores come from :func:`graphkit.spark.pagerank.pagerank` (same
conventions and tolerance as in memory: every value within ``5.7 * tol`` of
the fixed point, ``tol = 1e-10`` by default). Spark filters (tiers, excluded
seeds), orders by score then key and keeps ``top``; the driver builds the table
with :func:`queries.centrality.ranked_table`. Scores agree with the in-memory
ones to the tolerance, not to the last bit (sums run in another order), so two
accounts whose scores differ by less than that may swap places. HITS,
betweenness and the degrees are in-memory only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from graphkit.errors import QueryError, memory_only
from graphkit.spark.graph import SparkGraph
from graphkit.spark.pagerank import pagerank
from graphkit.tiers import TierScheme
from queries.centrality import (
    NO_TELEPORT,
    check_centrality_options,
    pagerank_note,
    ppr_note,
    ranked_table,
)
from queries.spark.common import in_tiers, spark_audience, to_pandas

__all__ = ["centrality", "SPARK_MEASURES"]

#: measures the Spark engine computes
SPARK_MEASURES = ("pagerank", "ppr")


def centrality(
    graph: SparkGraph,
    measure: str = "pagerank",
    *,
    seeds: Sequence[str] | None = None,
    audience_of: str | None = None,
    exclude_seeds: bool = False,
    top: int | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
    alpha: float = 0.85,
    tol: float = 1e-10,
) -> pd.DataFrame:
    """:func:`queries.centrality.centrality` on Spark for ``pagerank`` and ``ppr``."""
    seeds = list(seeds or [])
    scheme = check_centrality_options(
        n_accounts=graph.n_accounts, measure=measure, top=top, seeds=seeds, audience_of=audience_of,
        tiers=tiers, tier_scheme=tier_scheme,
    )
    if measure not in SPARK_MEASURES:
        raise memory_only(f"--measure {measure}", "spark", f"only {', '.join(SPARK_MEASURES)}")
    spark = graph.spark
    seed_ids = sorted({i for i, _ in graph.find_many(seeds)}) if seeds else []
    excluded = spark.createDataFrame([(i,) for i in seed_ids], "id long")
    if measure == "pagerank":
        scores = pagerank(graph, alpha=alpha, tol=tol)
        note = pagerank_note(alpha, graph.n_accounts)
    else:
        teleport = excluded
        aud = None
        if audience_of is not None:
            aud = spark_audience(graph, audience_of)
            observed = aud.followers.where(F.col("observed")).select(F.col("follower").alias("id"))
            teleport = teleport.union(observed).distinct()
            brand = spark.createDataFrame([(aud.brand_id,)], "id long")
            excluded = excluded.union(observed).union(brand).distinct()
        if not seed_ids and (aud is None or aud.n_observed == 0):
            raise QueryError(NO_TELEPORT)
        scores = pagerank(graph, alpha=alpha, tol=tol,
                          personalization=teleport.withColumn("weight", F.lit(1.0)))
        note = ppr_note(alpha, len(seed_ids), aud.brand if aud else None, aud.n_observed if aud else 0)
    rows = scores.join(graph.accounts.select("id", F.col("key").alias("account"), "followers_count"), "id")
    if exclude_seeds:
        rows = rows.join(excluded, "id", "left_anti")
    rows = rows.where(in_tiers(scheme, tiers, F.col("followers_count")))
    rows = rows.orderBy(F.col("score").desc(), F.col("account").asc())
    if top is not None:
        rows = rows.limit(top)
    collected = to_pandas(rows, ["account", "score", "followers_count"])
    declared = pd.to_numeric(collected["followers_count"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return ranked_table(
        np.asarray(collected["account"].tolist(), dtype=object), collected["score"].to_numpy(dtype=np.float64),
        pd.array(declared, dtype="Float64"), scheme, tiers=tiers, top=top, exclude_seeds=exclude_seeds,
        measure=measure, note=note,
    )
