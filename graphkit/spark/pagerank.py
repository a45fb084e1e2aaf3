"""PageRank and personalized PageRank on Spark DataFrames, with the in-memory conventions.

Same definition as :func:`graphkit.algorithms.centrality.pagerank` (networkx's):
each step ``x' = alpha * (P^T x + (x . d) p) + (1 - alpha) p`` with ``P`` the
row-normalized follow matrix, ``d`` the accounts that follow nobody (their mass
goes through ``p``, the uniform or the personalization vector), started from
the uniform vector, stopped when the L1 change ``||x' - x||_1`` is below the
absolute ``tol`` (every value is then within ``tol * alpha / (1 - alpha)`` of
the fixed point), a :class:`~graphkit.errors.QueryError` after ``max_iter``.

One step on Spark: the state ``(id, inv_out, dangling, p, x)`` and the follows
are both hash-partitioned on the account id (follower), so joining them needs
no shuffle; the contributions ``x * inv_out`` summed per followee are the one
shuffle of a step. The new state is checkpointed (lineage cut) and, in the
same job, observed for the L1 change and the dangling mass of the next step.
Nothing of size ``n`` reaches the driver.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Observation
from pyspark.sql import functions as F

from graphkit.algorithms.centrality import check_pagerank_options, not_converged
from graphkit.spark.graph import SparkGraph

__all__ = ["pagerank"]


def pagerank(
    graph: SparkGraph,
    *,
    alpha: float = 0.85,
    personalization: DataFrame | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> DataFrame:
    """``(id, score)`` of every account (scores sum to 1).

    Parameters
    ----------
    graph : SparkGraph
    alpha : float
        Damping factor, in ``[0, 1)``.
    personalization : DataFrame, optional
        ``(id, weight)`` with non-negative weights (normalized here); ``None``
        teleports uniformly.
    tol, max_iter
        As :func:`graphkit.algorithms.centrality.pagerank`.
    """
    check_pagerank_options(alpha=alpha, tol=tol, max_iter=max_iter)
    n = graph.n_accounts
    parts = int(graph.spark.conf.get("spark.sql.shuffle.partitions"))
    out_degree = graph.follows.groupBy(F.col("follower").alias("id")).agg(F.count("*").alias("out_degree"))
    nodes = graph.accounts.select("id").join(out_degree, "id", "left")
    if personalization is None:
        teleport = F.lit(1.0 / n)
    else:
        total = personalization.agg(F.sum("weight")).first()[0]
        nodes = nodes.join(personalization.select("id", (F.col("weight") / F.lit(float(total))).alias("p")),
                           "id", "left")
        teleport = F.coalesce(F.col("p"), F.lit(0.0))
    state = nodes.select(
        "id",
        F.when(F.col("out_degree").isNull(), F.lit(0.0)).otherwise(F.lit(1.0) / F.col("out_degree")).alias("inv_out"),
        F.col("out_degree").isNull().alias("dangling"),
        teleport.alias("p"),
        F.lit(1.0 / n).alias("x"),
    ).repartition(parts, "id")
    follows = graph.follows.repartition(parts, "follower").cache()
    state = state.localCheckpoint(eager=True)
    dangling_mass = state.where("dangling").agg(F.sum("x")).first()[0] or 0.0
    err = float("inf")
    try:
        for _ in range(max_iter):
            contributions = (
                follows.join(state.select(F.col("id").alias("follower"), (F.col("x") * F.col("inv_out")).alias("c")),
                             "follower")
                .groupBy(F.col("followee").alias("id")).agg(F.sum("c").alias("s"))
            )
            jump = alpha * dangling_mass + (1.0 - alpha)
            step = state.join(contributions, "id", "left").select(
                "id", "inv_out", "dangling", "p",
                (F.lit(alpha) * F.coalesce(F.col("s"), F.lit(0.0)) + F.lit(jump) * F.col("p")).alias("x_next"),
                "x",
            )
            observation = Observation()
            step = step.observe(
                observation,
                F.sum(F.abs(F.col("x_next") - F.col("x"))).alias("err"),
                F.sum(F.when(F.col("dangling"), F.col("x_next")).otherwise(F.lit(0.0))).alias("dangling"),
            )
            state = step.select("id", "inv_out", "dangling", "p", F.col("x_next").alias("x"))
            state = state.localCheckpoint(eager=True)
            metrics = observation.get
            err, dangling_mass = float(metrics["err"] or 0.0), float(metrics["dangling"] or 0.0)
            if err < tol:
                return state.select("id", F.col("x").alias("score"))
    finally:
        follows.unpersist()
    raise not_converged(tol, max_iter, err)
