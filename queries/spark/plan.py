"""``plan`` on Spark: coverage counted on the cluster, the greedy choice on the driver.

Spark finds the candidates (accounts the brand's observed followers follow),
their tier and price (per-tier prices and per-account overrides travel as two
small tables), counts the priced and unpriced ones and finds the cheapest.
Only the coverage pairs ``(candidate, audience member)`` of the candidates
the budget can afford come back to the driver: one CSR matrix of
``sum(own reach)`` nonzeros, on which :func:`queries.plan.plan_from_coverage`
runs the same modified greedy and naive pick as in memory. ``niche`` weighting
(profile text) and candidate pools (``--from``) are in-memory only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from pyspark.sql import functions as F

from graphkit.errors import memory_only
from graphkit.spark.graph import SparkGraph
from graphkit.tiers import TierScheme
from queries.plan import Costs, check_budget, check_priced, load_costs, plan_from_coverage
from queries.spark.common import spark_audience, tier_of

__all__ = ["plan"]


def plan(
    graph: SparkGraph,
    brand: str,
    budget: float,
    *,
    costs: Costs | None = None,
    tiers: Sequence[str] | None = None,
    niche: str | Sequence[str] | None = None,
    scores: pd.Series | None = None,
    scores_label: str | None = None,
    tier_scheme: TierScheme | None = None,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """:func:`queries.plan.plan` on Spark (same options but ``niche`` and ``pool``; same table)."""
    check_budget(budget)
    if niche:
        raise memory_only("--niche", "spark", "profile text is scored in memory only")
    scheme = tier_scheme or TierScheme.default()
    costs = costs or load_costs(tier_scheme=scheme)
    if tiers:
        scheme.check_names(list(tiers))
    aud = spark_audience(graph, brand)
    spark = graph.spark
    members = aud.followers.where(F.col("observed")).select("follower")
    pairs = graph.follows.join(members, "follower").where(F.col("followee") != aud.brand_id)
    if exclude:
        left_out = spark.createDataFrame([(i,) for i, _ in graph.find_many(list(exclude))], "followee long")
        pairs = pairs.join(F.broadcast(left_out), "followee", "left_anti")
    tier_prices = spark.createDataFrame([(str(k), float(v)) for k, v in costs.tier.items()] or [("", 0.0)],
                                        "tier string, tier_price double")
    account_prices = spark.createDataFrame([(str(k), float(v)) for k, v in costs.account.items()] or [("", 0.0)],
                                           "account string, account_price double")
    candidates = (
        pairs.select("followee").distinct()
        .join(graph.accounts.select(F.col("id").alias("followee"), F.col("key").alias("account"),
                                    "followers_count"), "followee")
        .withColumn("tier", tier_of(scheme, F.col("followers_count")))
    )
    if tiers:
        candidates = candidates.where(F.col("tier").isin(list(tiers)))
    candidates = (
        candidates.join(F.broadcast(tier_prices), "tier", "left")
        .join(F.broadcast(account_prices), "account", "left")
        .withColumn("price", F.coalesce("account_price", "tier_price"))
    ).cache()
    summary = candidates.agg(F.count("price").alias("priced"), F.count("*").alias("all"),
                             F.min("price").alias("cheapest")).first()
    priced, unpriced = int(summary["priced"]), int(summary["all"] - summary["priced"])
    cheapest = math.nan if summary["cheapest"] is None else float(summary["cheapest"])
    check_priced(aud.brand, priced, unpriced, cheapest, budget, tiers=tiers)
    affordable = candidates.where(F.col("price") <= float(budget))
    rows = affordable.select("followee", "account", "tier", "price").orderBy("account").collect()
    row_of = {int(r["followee"]): i for i, r in enumerate(rows)}
    covered = pairs.join(affordable.select("followee"), "followee").select("followee", "follower").toPandas()
    candidates.unpersist()
    member_codes, columns = np.unique(covered["follower"].to_numpy(dtype=np.int64), return_inverse=True)
    matrix = sp.csr_matrix(
        (np.ones(len(covered), dtype=np.int8),
         (covered["followee"].map(row_of).to_numpy(dtype=np.int64), columns.ravel())),
        shape=(len(rows), len(member_codes)),
    )
    return plan_from_coverage(
        matrix, np.array([r["account"] for r in rows], dtype=object),
        np.array([r["tier"] for r in rows], dtype=object), np.array([r["price"] for r in rows], dtype=np.float64),
        np.ones(len(member_codes), dtype=np.float64), budget, total_weight=float(aud.n_observed),
        scores=scores, scores_label=scores_label, weighted=False,
        attrs={"brand": aud.brand, "audience_observed": aud.n_observed, "audience_followers": aud.n_followers,
               "candidates": priced, "unpriced": unpriced, "costs_source": costs.source,
               "currency": costs.currency},
    )
