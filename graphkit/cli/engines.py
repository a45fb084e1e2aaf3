"""``--engine memory|neo4j|spark`` (with ``--spark-master`` and ``--conf``) for the query commands.

The in-memory engine reads the workspace; ``neo4j`` runs the query as Cypher
on the server named by ``NEO4J_*``; ``spark`` runs it on Apache Spark over
the workspace folder given by ``-w`` (local, ``s3a://``, ``hdfs://``), or over
a ``graphkit export spark`` dataset. pyspark is imported only when ``--engine
spark`` is chosen. ``--backend`` is the older name of ``--engine`` on the
commands that had it (a hidden alias, :class:`~graphkit.cli.options.AliasedOption`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from graphkit.cli.options import AliasedOption

__all__ = ["ENGINES", "engine_options", "query_engine", "spark_graph"]

#: query -> engines it runs on (memory first, the default)
ENGINES: dict[str, tuple[str, ...]] = {
    "affinity": ("memory", "neo4j", "spark"),
    "expand": ("memory", "neo4j", "spark"),
    "lookalikes": ("memory", "neo4j", "spark"),
    "overlap": ("memory", "spark"),
    "centrality": ("memory", "spark"),
    "plan": ("memory", "spark"),
    "advocates": ("memory", "neo4j"),
}

_SPARK = "graphkit.spark_options"


def engine_options(name: str):
    """``--engine`` (choices from :data:`ENGINES`), ``--spark-master`` and ``--conf`` for query ``name``.

    The command receives ``engine``; the Spark settings are kept for
    :func:`spark_graph`.
    """
    engines = ENGINES[name]
    aliases = ["--backend"] if "neo4j" in engines else []

    def decorate(function):
        if "spark" not in engines:
            return _engine_option(aliases, engines)(function)

        @_engine_option(aliases, engines)
        @click.option("--spark-master", metavar="URL", envvar="SPARK_MASTER", show_envvar=True,
                      help="With --engine spark: local[*], local[2], spark://HOST:7077, yarn, k8s://...  "
                           "[default: local[*]]")
        @click.option("--conf", "spark_conf", multiple=True, metavar="KEY=VALUE",
                      help="With --engine spark: a Spark setting, e.g. spark.executor.memory=8g (repeatable).")
        @functools.wraps(function)
        def wrapper(*args, spark_master=None, spark_conf=(), **kwargs):
            ctx = click.get_current_context()
            if kwargs.get("engine") != "spark" and (spark_master_given(ctx) or spark_conf):
                raise click.UsageError("--spark-master and --conf apply to --engine spark only")
            ctx.meta[_SPARK] = (spark_master, list(spark_conf))
            return function(*args, **kwargs)

        return wrapper

    return decorate


def _engine_option(aliases: list[str], engines: tuple[str, ...]):
    return click.option(
        "--engine", "engine", cls=AliasedOption, hidden_aliases=aliases, type=click.Choice(engines),
        default="memory", show_default=True,
        help="memory: the workspace in this process. "
             + ("neo4j: Cypher on the server named by NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE "
                "(see graphkit neo4j push). " if "neo4j" in engines else "")
             + ("spark: Apache Spark over the workspace folder or a graphkit export spark "
                "dataset (-w; pip install 'graphkit[spark]')." if "spark" in engines else ""),
    )


def spark_master_given(ctx: click.Context) -> bool:
    """Whether ``--spark-master`` was typed (``$SPARK_MASTER`` alone does not count)."""
    source = ctx.get_parameter_source("spark_master")
    return source is not None and source.name == "COMMANDLINE"


def spark_graph(obj):
    """The workspace (or exported dataset) as a :class:`~graphkit.spark.graph.SparkGraph`.

    A local folder that is not a ``graphkit export spark`` dataset gets the
    workspace checks of :class:`~graphkit.cli.state.State` (missing, a file,
    empty: one line each) before Spark starts. A SparkSession started here is
    stopped when the command ends (one already running in this process is
    reused and left running).
    """
    from graphkit.spark.dataset import DATASET_FILE
    from graphkit.spark.graph import spark_inputs
    from graphkit.spark.session import spark_session
    from graphkit.workspace import DEFAULT_WORKSPACE

    ctx = click.get_current_context()
    master, conf = ctx.meta.get(_SPARK, (None, []))
    location = obj.workspace_path or os.environ.get("GRAPHKIT_WORKSPACE") or DEFAULT_WORKSPACE
    if "://" not in str(location) and not (Path(location) / DATASET_FILE).is_file():
        obj.stored_workspace  # noqa: B018 -- raises the CLI's workspace errors
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession() is not None  # e.g. a notebook's or spark-submit's
    session = spark_session(master, conf)
    if not running:
        ctx.call_on_close(session.stop)
    return spark_inputs(location, session)


def query_engine(obj, engine: str, name: str):
    """``(function, graph)`` that run query ``name`` on ``engine``."""
    if engine == "spark":
        from graphkit.cli.neo4j import as_of_refused
        from graphkit.spark.session import require_pyspark

        if getattr(obj, "as_of", None) is not None:
            raise as_of_refused(engine)
        require_pyspark()
        import queries.spark

        return getattr(queries.spark, name), spark_graph(obj)
    from graphkit.cli.neo4j import query_backend

    return query_backend(obj, engine, name)
