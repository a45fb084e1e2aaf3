"""``expand`` on Spark: the neighbourhood and its follows found on the cluster, ranked as in memory.

The breadth-first search runs on Spark, one join per hop: the follows touching
the frontier (a DataFrame of ids, never sent through the driver), less the
accounts reached before; it always runs to ``hops`` (or until nothing new is
found), as in memory, so the limit never decides which hop is listed. Spark
then finds the follows among the reached accounts (both ends inside). The
driver collects the neighbourhood (id, key, hops) and those follows and ranks
them with :func:`queries.expand.rank_neighbourhood`, the function every engine
ranks with (personalized PageRank from the seed over the neighbourhood), so the
rows, the order and every ``relevance`` are the in-memory ones, bit for bit.
Last, Spark counts the whole-graph degrees and reads the declared
``followers_count`` of the rows kept (``limit + 1`` at most), and the table is
built by :func:`queries.expand.expand_table`.

Like the Neo4j engine, this holds the neighbourhood and the follows among it
on the driver (the walk runs there): a few hops from a seed, not the graph.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from graphkit.errors import QueryError
from graphkit.spark.graph import SparkGraph
from graphkit.tiers import TierScheme
from queries.expand import check_expand_options, expand_table, rank_neighbourhood
from queries.ranking import masked_array
from queries.spark.common import BROADCAST_ROWS

__all__ = ["expand", "neighbourhood"]


def _small(frame: DataFrame, rows: int) -> DataFrame:
    """``frame`` with a broadcast hint when it has at most :data:`BROADCAST_ROWS` rows."""
    return F.broadcast(frame) if rows <= BROADCAST_ROWS else frame


def _neighbours(graph: SparkGraph, frontier: DataFrame, rows: int, direction: str) -> DataFrame:
    """``dst``: the accounts linked to the frontier's ``id`` along ``direction`` (may repeat)."""
    follows = graph.follows
    frontier = _small(frontier, rows)
    parts = []
    if direction in ("following", "both"):
        parts.append(follows.join(frontier.select(F.col("id").alias("follower")), "follower")
                     .select(F.col("followee").alias("dst")))
    if direction in ("followers", "both"):
        parts.append(follows.join(frontier.select(F.col("id").alias("followee")), "followee")
                     .select(F.col("follower").alias("dst")))
    return parts[0] if len(parts) == 1 else parts[0].union(parts[1])


def neighbourhood(graph: SparkGraph, seed_id: int, hops: int, direction: str) -> tuple[DataFrame, int, int]:
    """``(reached, size, depth)``: ``reached(id, hops)`` holds the accounts within ``hops`` of the seed.

    ``reached`` is cached (the caller unpersists it); ``size`` counts its rows
    (the seed included) and ``depth`` is the farthest hop with an account.
    """
    spark = graph.spark
    reached = spark.createDataFrame([(int(seed_id), 0)], "id long, hops long").cache()
    frontier, size, added, depth = reached, 1, 1, 0
    cached = [reached]
    for step in range(1, hops + 1):
        found = (
            _neighbours(graph, frontier, added, direction).distinct()
            .join(_small(reached.select(F.col("id").alias("dst")), size), "dst", "left_anti")
            .select(F.col("dst").alias("id"), F.lit(step).cast("long").alias("hops"))
            .cache()
        )
        added = found.count()
        if added == 0:
            found.unpersist()
            break
        depth = step
        size += added
        reached = reached.union(found).cache()
        cached += [found, reached]
        frontier = found
    reached.count()  # materialized before the hop tables it was built from are dropped
    for frame in cached:
        if frame is not reached:
            frame.unpersist()
    return reached, size, depth


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
    seed_id, seed_key = graph.find(seed)
    reached, size, depth = neighbourhood(graph, seed_id, hops, direction)
    members = _small(reached.select("id"), size)
    nodes = (
        reached.join(graph.accounts.select("id", "key"), "id")
        .select("id", "key", "hops").toPandas()
    )
    among = (
        graph.follows
        .join(members.withColumnRenamed("id", "follower"), "follower")
        .join(members.withColumnRenamed("id", "followee"), "followee")
        .select("follower", "followee").toPandas()
    )
    reached.unpersist()
    # the seed first, the others in id order (rank_neighbourhood orders them canonically itself)
    nodes = nodes.sort_values(["hops", "id"], kind="stable").reset_index(drop=True)
    ids = nodes["id"].to_numpy(dtype=np.int64)
    by_id = np.argsort(ids, kind="stable")
    sorted_ids = ids[by_id]

    def positions(values: pd.Series) -> np.ndarray:
        return by_id[np.searchsorted(sorted_ids, values.to_numpy(dtype=np.int64))]

    keys = nodes["key"].to_numpy(dtype=object)
    ranked = rank_neighbourhood(
        keys, nodes["hops"].to_numpy(dtype=np.int64), positions(among["follower"]), positions(among["followee"]),
        direction=direction, limit=limit,
    )
    kept = ids[ranked.index]
    degrees, followers_count = _profile(graph, kept)
    via = [None if i < 0 else keys[i] for i in ranked.via]
    return expand_table(
        {
            "account": np.asarray(keys[ranked.index], dtype=object),
            "relevance": ranked.relevance,
            "hops": ranked.hops,
            "links": ranked.links,
            "via": pd.array(via, dtype="string"),
            "in_degree": degrees[:, 0],
            "out_degree": degrees[:, 1],
            "followers_count": masked_array(followers_count, "Int64"),
        },
        scheme=scheme, seed_key=seed_key, hops=hops, direction=direction, limit=limit,
        reached=ranked.reached, depth=depth,
    )


def _profile(graph: SparkGraph, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole-graph ``(in_degree, out_degree)`` rows and declared ``followers_count`` of ``ids``, aligned."""
    wanted = _small(graph.spark.createDataFrame([(int(i),) for i in ids], "id long"), len(ids))
    follows = graph.follows
    into = follows.join(wanted.withColumnRenamed("id", "followee"), "followee").groupBy(
        F.col("followee").alias("id")).agg(F.count("*").alias("in_degree"))
    out = follows.join(wanted.withColumnRenamed("id", "follower"), "follower").groupBy(
        F.col("follower").alias("id")).agg(F.count("*").alias("out_degree"))
    rows = (
        wanted.join(into, "id", "left").join(out, "id", "left")
        .join(graph.accounts.select("id", "followers_count"), "id", "left")
        .collect()
    )
    found = {int(r["id"]): r for r in rows}
    degrees = np.array([[found[int(i)]["in_degree"] or 0, found[int(i)]["out_degree"] or 0] for i in ids],
                       dtype=np.int64).reshape(len(ids), 2)
    declared = np.array([np.nan if found[int(i)]["followers_count"] is None else found[int(i)]["followers_count"]
                         for i in ids], dtype=np.float64)
    return degrees, declared
