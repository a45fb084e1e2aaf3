"""``expand`` on Spark: each hop's neighbours found on the cluster, the ranking as in memory.

One Spark query per hop: the follows touching the frontier (a small table sent
from the driver), the accounts reached before removed, and per new account its
``links`` (distinct frontier accounts linked to it) and the best rank position
among them (its ``via``). Spark orders the new accounts (``links``
descending, key ascending) and returns at most the rows still wanted under
``limit``; when the limit is not reached every new account comes back and
becomes the next frontier. The driver keeps the reached accounts (at most
``limit + 1`` rows, or the whole neighbourhood without a limit) and builds the
table with :func:`queries.expand.expand_table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from graphkit.errors import QueryError
from graphkit.spark.graph import SparkGraph
from graphkit.tiers import TierScheme
from queries.affinity import masked_array
from queries.expand import check_expand_options, expand_table

__all__ = ["expand"]


def _pairs(graph: SparkGraph, frontier, direction: str):
    """Distinct ``(src, dst)``: ``src`` in the frontier, ``dst`` linked to it along ``direction``."""
    follows = graph.follows
    out = follows.join(frontier.select(F.col("id").alias("follower")), "follower").select(
        F.col("follower").alias("src"), F.col("followee").alias("dst"))
    into = follows.join(frontier.select(F.col("id").alias("followee")), "followee").select(
        F.col("followee").alias("src"), F.col("follower").alias("dst"))
    if direction == "following":
        return out
    if direction == "followers":
        return into
    return out.union(into).distinct()


def expand(
    graph: SparkGraph,
    seed: str,
    *,
    hops: int = 1,
    direction: str = "both",
    limit: int | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.expand.expand` on Spark (same options, same table)."""
    check_expand_options(direction=direction, hops=hops, limit=limit)
    if graph.n_accounts == 0:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    scheme = tier_scheme or TierScheme.default()
    spark = graph.spark
    seed_id, seed_key = graph.find(seed)
    rows = [(seed_id, seed_key, 0, 0, -1)]  # id, key, hops, links, via position
    positions = {0: seed_id}
    frontier_rows = [(seed_id, 0)]
    reached = depth = 0
    for depth in range(1, hops + 1):
        frontier = spark.createDataFrame(frontier_rows, "id long, position long")
        visited = spark.createDataFrame([(r[0],) for r in rows], "dst long")
        found = (
            _pairs(graph, frontier, direction)
            .join(visited, "dst", "left_anti")
            .join(frontier.select(F.col("id").alias("src"), "position"), "src")
            .groupBy("dst").agg(F.count("*").alias("links"), F.min("position").alias("via"))
            .join(graph.accounts.select(F.col("id").alias("dst"), F.col("key").alias("account")), "dst")
            .cache()
        )
        total = found.count()
        if total == 0:
            found.unpersist()
            depth -= 1
            break
        ordered = found.orderBy(F.col("links").desc(), F.col("account").asc())
        wanted = None if limit is None else max(limit - reached, 0) + 1
        if wanted is not None and wanted < total:
            ordered = ordered.limit(wanted)
        new = ordered.collect()
        found.unpersist()
        frontier_rows = []
        for i, row in enumerate(new):
            position = reached + 1 + i
            rows.append((int(row["dst"]), row["account"], depth, int(row["links"]), int(row["via"])))
            positions[position] = int(row["dst"])
            frontier_rows.append((int(row["dst"]), position))
        reached += total
        if limit is not None and reached >= limit:
            break
    if limit is not None:
        rows = rows[: limit + 1]
    ids = [r[0] for r in rows]
    degrees, followers_count = _degrees(graph, ids)
    keys = {r[0]: r[1] for r in rows}
    via = [None if r[4] < 0 else keys[positions[r[4]]] for r in rows]
    return expand_table(
        {
            "account": np.asarray([r[1] for r in rows], dtype=object),
            "hops": np.array([r[2] for r in rows], dtype=np.int64),
            "links": np.array([r[3] for r in rows], dtype=np.int64),
            "via": pd.array(via, dtype="string"),
            "in_degree": np.array([degrees.get(i, (0, 0))[0] for i in ids], dtype=np.int64),
            "out_degree": np.array([degrees.get(i, (0, 0))[1] for i in ids], dtype=np.int64),
            "followers_count": masked_array(np.array([followers_count[i] for i in ids], dtype=np.float64), "Int64"),
        },
        scheme=scheme, seed_key=seed_key, hops=hops, direction=direction, limit=limit,
        reached=reached, depth=depth,
    )


def _degrees(graph: SparkGraph, ids: list[int]) -> tuple[dict[int, tuple[int, int]], dict[int, float]]:
    """In- and out-degree in the whole graph, and the declared ``followers_count``, of ``ids``."""
    wanted = graph.spark.createDataFrame([(i,) for i in ids], "id long")
    follows = graph.follows
    into = follows.join(F.broadcast(wanted.withColumnRenamed("id", "followee")), "followee").groupBy(
        F.col("followee").alias("id")).agg(F.count("*").alias("in_degree"))
    out = follows.join(F.broadcast(wanted.withColumnRenamed("id", "follower")), "follower").groupBy(
        F.col("follower").alias("id")).agg(F.count("*").alias("out_degree"))
    table = (
        wanted.join(into, "id", "left").join(out, "id", "left")
        .join(graph.accounts.select("id", "followers_count"), "id", "left")
        .collect()
    )
    degrees = {int(r["id"]): (int(r["in_degree"] or 0), int(r["out_degree"] or 0)) for r in table}
    declared = {int(r["id"]): (np.nan if r["followers_count"] is None else float(r["followers_count"]))
                for r in table}
    return degrees, declared
