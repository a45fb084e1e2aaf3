"""The follow graph as two Spark DataFrames, read from a workspace or an exported dataset.

:func:`spark_inputs` is the one place that knows where the files are. It reads

* a **workspace** folder (``manifest.json``; local, or on any file system Spark
  reaches such as ``s3a://`` or ``hdfs://``): the base and segments of the
  generation the manifest names (:meth:`Workspace.data_files`), combined by
  :data:`graphkit.workspace.datafiles.RULES` — the base's ``accounts.parquet``
  (row i is account id i, so the id is Parquet's row index) and
  ``follows.parquet``, then each segment's account and follow events in order;
* a dataset written by ``graphkit export spark`` (``_graphkit.json``, see
  :mod:`graphkit.spark.dataset`): ``accounts/`` with an ``id`` column and
  ``follows/`` partitioned by a hash of the follower.

Either way the result is a :class:`SparkGraph`: ``accounts(id, key, observed,
followers_count, following_count)`` and ``follows(follower, followee)``, the
same ids the in-memory :class:`~graphkit.graph.FollowGraph` uses.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.errors import AccountNotFound, QueryError, WorkspaceError
from graphkit.handles import normalize_handle
from graphkit.spark.dataset import DATASET_FILE
from graphkit.workspace.datafiles import describe_manifest

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

    from graphkit.workspace import Workspace

__all__ = ["SparkGraph", "spark_inputs", "location_of", "ACCOUNT_COLUMNS", "SUGGEST_SCAN"]

#: account columns the engine reads (attributes a query needs; absent ones are null)
ACCOUNT_COLUMNS = ("key", "observed", "followers_count", "following_count")

#: on graphs with more accounts, "did you mean" looks only at keys sharing the first two
#: characters, at most this many (as :meth:`graphkit.graph.FollowGraph.suggest`)
SUGGEST_SCAN = 20_000


def location_of(source: Workspace | str | os.PathLike) -> str:
    """The folder as a URI Spark reads: a local path made absolute, a URI kept as given.

    >>> location_of("s3a://bucket/ws")
    's3a://bucket/ws'
    >>> location_of("/data/ws/")
    '/data/ws'
    """
    path = getattr(source, "path", source)
    text = str(path)
    if "://" in text:
        return text.rstrip("/")
    return str(Path(text).resolve())


def _read_json(spark: SparkSession, uri: str) -> dict | None:
    """A small JSON file through Spark's file systems (``None`` when it does not exist)."""
    if "://" not in uri:
        file = Path(uri)
        return json.loads(file.read_text("utf-8")) if file.is_file() else None
    try:
        rows = spark.read.text(uri, wholetext=True).collect()
    except Exception as err:  # AnalysisException: path does not exist
        if "PATH_NOT_FOUND" in str(err) or "does not exist" in str(err):
            return None
        raise
    return json.loads(rows[0][0]) if rows else None


def spark_inputs(source: Workspace | str | os.PathLike, spark: SparkSession) -> SparkGraph:
    """The accounts and follows of a workspace or of a ``graphkit export spark`` dataset.

    Raises
    ------
    WorkspaceError
        The folder is neither, or the workspace is empty.
    """
    from pyspark.sql import functions as F

    where = location_of(source)
    dataset = _read_json(spark, f"{where}/{DATASET_FILE}")
    if dataset is not None:
        accounts = spark.read.parquet(f"{where}/accounts")
        follows = spark.read.schema("follower INT, followee INT, bucket INT").parquet(f"{where}/follows")
        n_accounts, n_follows = int(dataset["accounts"]), int(dataset["follows"])
    else:
        manifest = _read_json(spark, f"{where}/manifest.json")
        if manifest is None:
            raise WorkspaceError(
                f"{where}: neither a workspace (manifest.json) nor a graphkit export spark "
                "dataset (_graphkit.json)"
            )
        # an open Workspace pins its generation while Spark reads the files
        files = source.data_files() if hasattr(source, "data_files") else describe_manifest(where, manifest)
        if files["base"] is None:
            raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
        accounts, follows = _combined(spark, files)
        counts = source.counts if hasattr(source, "counts") else manifest["counts"]
        n_accounts, n_follows = int(counts["accounts"]), int(counts["follows"])
    accounts = _account_columns(accounts)
    follows = follows.select(F.col("follower").cast("long"), F.col("followee").cast("long"))
    return SparkGraph(spark, accounts, follows, where, n_accounts, n_follows)


def _account_columns(accounts: DataFrame) -> DataFrame:
    """``id`` and :data:`ACCOUNT_COLUMNS` with the engine's types (absent ones null)."""
    from pyspark.sql import functions as F

    present = set(accounts.columns)
    columns = [F.col("id").cast("long").alias("id")]
    for name in ACCOUNT_COLUMNS:
        kind = {"key": "string", "observed": "boolean"}.get(name, "double")
        value = F.col(name) if name in present else F.lit(None)
        columns.append(value.cast(kind).alias(name))
    return accounts.select(*columns)


def _combined(spark: SparkSession, files: dict) -> tuple[DataFrame, DataFrame]:
    """The current accounts and follows of a workspace's base and segments, by
    :data:`graphkit.workspace.datafiles.RULES` (the same as the in-memory graph)."""
    from pyspark.sql import functions as F

    base = files["base"]
    # one file: the row index is the account id
    accounts = _account_columns(spark.read.parquet(base["accounts"]).withColumn("id", F.col("_metadata.row_index")))
    follows = spark.read.parquet(base["follows"]).select(
        F.col("follower").cast("long"), F.col("followee").cast("long"))
    # events in order: segments as listed, rows in file order
    account_events, follow_events = None, None
    for index, segment in enumerate(files["segments"]):
        order = (F.lit(index).cast("long") * (1 << 40) + F.col("_metadata.row_index")).alias("order")
        if segment["accounts"]:
            events = _account_columns(spark.read.parquet(segment["accounts"])).select("*", order)
            account_events = events if account_events is None else account_events.unionByName(events)
        if segment["follows"]:
            events = spark.read.parquet(segment["follows"]).select(
                F.col("follower").cast("long"), F.col("followee").cast("long"),
                F.col("ended").isNotNull().alias("is_end"), order)
            follow_events = events if follow_events is None else follow_events.unionByName(events)
    if account_events is not None:
        latest = [F.max_by(F.col(name), F.when(F.col(name).isNotNull(), F.col("order"))).alias(name)
                  for name in ACCOUNT_COLUMNS if name != "observed"]
        latest.append(F.max(F.col("observed").cast("int")).alias("observed"))
        changes = account_events.groupBy("id").agg(*latest)
        joined = accounts.alias("b").join(changes.alias("e"), "id", "full_outer")
        values = [F.col("id")]
        for name in ACCOUNT_COLUMNS:
            if name == "observed":
                values.append((F.coalesce(F.col("b.observed"), F.lit(False))
                               | F.coalesce(F.col("e.observed") == 1, F.lit(False))).alias("observed"))
            else:
                values.append(F.coalesce(F.col(f"e.{name}"), F.col(f"b.{name}")).alias(name))
        accounts = joined.select(*values)
    if follow_events is not None:
        last = follow_events.groupBy("follower", "followee").agg(F.max_by("is_end", "order").alias("is_end"))
        ended = last.where(F.col("is_end")).select("follower", "followee")
        seen = last.where(~F.col("is_end")).select("follower", "followee")
        kept = follows.join(ended, ["follower", "followee"], "left_anti")
        follows = kept.unionByName(seen.join(kept, ["follower", "followee"], "left_anti"))
    return accounts, follows


@dataclass
class SparkGraph:
    """A follow graph held by Spark: account and follow DataFrames with integer ids.

    ``accounts``: ``id, key, observed, followers_count, following_count``
    (counts as doubles, null when not declared); ``follows``: ``follower,
    followee``. ``n_accounts`` and ``n_follows`` come from the manifest.
    """

    spark: SparkSession
    accounts: DataFrame
    follows: DataFrame
    source: str
    n_accounts: int
    n_follows: int

    def cached(self) -> SparkGraph:
        """The same graph with both DataFrames kept in executor memory (for several queries)."""
        return SparkGraph(self.spark, self.accounts.cache(), self.follows.cache(), self.source,
                          self.n_accounts, self.n_follows)

    def find(self, account: str) -> tuple[int, str]:
        """``(id, key)`` of a handle; :class:`AccountNotFound` with close matches if absent."""
        return self.find_many([account])[0]

    def find_many(self, accounts: Sequence[str]) -> list[tuple[int, str]]:
        """``(id, key)`` of several handles, in order; the first unknown one raises."""
        from pyspark.sql import functions as F

        if self.n_accounts == 0:
            raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
        keys = [normalize_handle(a) for a in accounts]
        wanted = sorted({k for k in keys if k is not None})
        rows = self.accounts.where(F.col("key").isin(wanted)).select("key", "id").collect() if wanted else []
        found = {r["key"]: int(r["id"]) for r in rows}
        out = []
        for raw, key in zip(accounts, keys):
            if key not in found:
                raise AccountNotFound(str(raw), self.suggest(key or str(raw)))
            out.append((found[key], key))
        return out

    def keys_of(self, ids: Sequence[int]) -> dict[int, str]:
        """``{id: key}`` of the given ids."""
        from pyspark.sql import functions as F

        ids = sorted({int(i) for i in ids})
        if not ids:
            return {}
        rows = self.accounts.where(F.col("id").isin(ids)).select("id", "key").collect()
        return {int(r["id"]): r["key"] for r in rows}

    def suggest(self, key: str, n: int = 3) -> list[str]:
        """Up to ``n`` keys close to ``key``, from the same keys the in-memory graph looks at."""
        from pyspark.sql import functions as F

        keys = self.accounts
        if self.n_accounts > SUGGEST_SCAN:
            head = key[:2]
            if not head:
                return []
            keys = keys.where(F.col("key").startswith(head)).orderBy("id").limit(SUGGEST_SCAN)
        names = [r["key"] for r in keys.select("key").collect()]
        return difflib.get_close_matches(key, names, n=n, cutoff=0.6)
