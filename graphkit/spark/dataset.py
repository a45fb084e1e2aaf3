"""``graphkit export spark``: a workspace as a partitioned Parquet dataset for a cluster.

Layout of the folder (plain Parquet, readable by Spark, DuckDB, pandas, ...)::

    DIR/_graphkit.json                  written last: format, counts, buckets
    DIR/accounts/part-00000.parquet     id (int64), key, observed, attributes
    DIR/follows/bucket=00007/part-0.parquet   follower, followee (int32 ids)

Follows are split into ``buckets`` by a hash of the follower
(:func:`bucket_of`), so every account's following list lies in one file and
files are of similar size however the ids were assigned. The export streams
the workspace's files batch by batch (memory stays near one batch per open
bucket file) and needs no Spark: copy the folder to HDFS or S3 (``hdfs dfs -put``,
``aws s3 cp --recursive``), or give ``--out`` a ``s3://`` / ``hdfs://`` URI that
pyarrow can write. The folder is written under a temporary name and renamed
when complete (local folders), and ``_graphkit.json`` is the last file in any
case: a reader refuses a folder without it.

Examples
--------
>>> bucket_of(np.array([0, 1, 2, 3]), 4).tolist()
[0, 1, 2, 3]
>>> default_buckets(1_000), default_buckets(40_000_000)
(1, 5)
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from graphkit.errors import QueryError, WorkspaceError

if TYPE_CHECKING:  # pragma: no cover
    from graphkit.graph import FollowGraph
    from graphkit.workspace import Workspace

__all__ = [
    "export_spark", "bucket_of", "default_buckets", "DATASET_FILE", "FORMAT", "FOLLOWS_PER_BUCKET", "MAX_BUCKETS",
]

#: the file that marks a dataset (format, counts, buckets); written last
DATASET_FILE = "_graphkit.json"

#: ``format`` of ``_graphkit.json``
FORMAT = "graphkit-spark-dataset"

#: default bucket size: about 60 MB of Parquet per bucket file
FOLLOWS_PER_BUCKET = 8_000_000

#: more follow files than this is a mistake (each is a file on the storage, and an open writer)
MAX_BUCKETS = 100_000

_BATCH = 1 << 20


def bucket_of(follower: np.ndarray, buckets: int) -> np.ndarray:
    """The bucket of each follower id: a multiplicative (Fibonacci) hash, modulo ``buckets``."""
    hashed = (np.asarray(follower, dtype=np.uint64) * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)
    return (hashed % np.uint64(buckets)).astype(np.int64)


def default_buckets(n_follows: int) -> int:
    """One bucket per :data:`FOLLOWS_PER_BUCKET` follows (at least one)."""
    return max(1, -(-int(n_follows) // FOLLOWS_PER_BUCKET))


def export_spark(workspace: Workspace, out: str | os.PathLike, *, buckets: int | None = None,
                 overwrite: bool = False, graph: FollowGraph | None = None) -> dict:
    """Write ``workspace`` as a Spark dataset in ``out`` (see the module notes).

    Parameters
    ----------
    workspace : Workspace
    out : str or path
        A local folder (must not exist unless ``overwrite``), or a URI pyarrow
        writes (``s3://bucket/prefix``, ``hdfs://...``).
    buckets : int, optional
        Follow files; default :func:`default_buckets`.
    overwrite : bool
        Replace an existing local folder (only one that holds a dataset).
    graph : FollowGraph, optional
        Write this graph of the workspace instead of its current one (e.g.
        ``workspace.graph_as_of(date)``).

    Returns
    -------
    dict
        The ``_graphkit.json`` document (counts, buckets, source generation).

    Raises
    ------
    QueryError
        Empty workspace, bad ``buckets``, an existing ``out``.
    """
    if workspace.is_empty:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    counts = _counts(workspace, graph)
    buckets = default_buckets(counts["follows"]) if buckets is None else int(buckets)
    if not 1 <= buckets <= MAX_BUCKETS:
        raise QueryError(f"--buckets must be between 1 and {MAX_BUCKETS:,}, not {buckets}")
    workspace.verify()
    try:
        return _export(workspace, out, buckets, overwrite, graph)
    except OSError as err:
        raise QueryError(f"{out}: cannot write the dataset ({err.strerror or err})") from err


def _counts(workspace: Workspace, graph: FollowGraph | None) -> dict:
    if graph is None:
        return workspace.counts
    return {"accounts": graph.n_accounts, "follows": graph.n_follows}


def _export(workspace: Workspace, out: str | os.PathLike, buckets: int, overwrite: bool,
            graph: FollowGraph | None) -> dict:
    import pyarrow as pa
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    counts = _counts(workspace, graph)
    text = str(out)
    local = "://" not in text
    if local:
        final = Path(text)
        if final.exists() and not overwrite:
            raise QueryError(f"{final} already exists: choose a new folder (or --overwrite)")
        if final.exists() and not (final / DATASET_FILE).is_file():
            raise QueryError(f"{final} exists and is not a graphkit dataset: not overwriting it")
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex[:8]}"
        fs, root = pafs.LocalFileSystem(), str(staging.resolve())
    else:
        try:
            fs, root = pafs.FileSystem.from_uri(text)
        except (ValueError, pa.ArrowException) as err:  # unknown scheme, a malformed URI
            raise QueryError(f"{text}: not a folder or a URI pyarrow can write ({err})") from err
        staging = final = None
    try:
        fs.create_dir(f"{root}/accounts", recursive=True)
        schema, account_batches, follow_batches = _graph_batches(workspace, graph)
        offset = 0
        with pq.ParquetWriter(f"{root}/accounts/part-00000.parquet", _with_id(schema), filesystem=fs) as writer:
            for batch in account_batches:
                ids = pa.array(np.arange(offset, offset + batch.num_rows, dtype=np.int64))
                writer.write_batch(pa.RecordBatch.from_arrays([ids, *batch.columns],
                                                              schema=_with_id(batch.schema)))
                offset += batch.num_rows
        if offset != counts["accounts"]:
            raise WorkspaceError(f"{workspace.path}: {offset:,} accounts read, the manifest says "
                                 f"{counts['accounts']:,}")
        written = _write_follows(follow_batches, fs, root, buckets)
        if written != counts["follows"]:
            raise WorkspaceError(f"{workspace.path}: {written:,} follows read, the manifest says "
                                 f"{counts['follows']:,}")
        document = {
            "format": FORMAT, "version": 1, "accounts": int(counts["accounts"]),
            "follows": int(counts["follows"]), "buckets": buckets,
            "bucket_hash": "(follower * 0x9E3779B1 mod 2^32) mod buckets",
            "generation": workspace.generation, "source": str(workspace.path),
        }
        with fs.open_output_stream(f"{root}/{DATASET_FILE}") as handle:
            handle.write(json.dumps(document, indent=2).encode("utf-8"))
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    if staging is not None:
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    return document


def _with_id(schema):
    import pyarrow as pa

    return pa.schema([pa.field("id", pa.int64(), nullable=False), *schema])


def _graph_batches(workspace: Workspace, graph: FollowGraph | None):
    """``(accounts schema, account batches, (follower, followee) array pairs)`` of the graph.

    A compacted workspace streams its base files; one with segments reads the
    graph graphkit builds from base and segments (the CSR, by follower chunks),
    as does a given ``graph``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = workspace.data_files()
    if graph is None and not files["segments"]:
        accounts = pq.ParquetFile(files["base"]["accounts"])
        follows = pq.ParquetFile(files["base"]["follows"])
        pairs = ((b.column(0).to_numpy(), b.column(1).to_numpy())
                 for b in follows.iter_batches(batch_size=_BATCH, columns=["follower", "followee"]))
        return accounts.schema_arrow, accounts.iter_batches(batch_size=_BATCH), pairs
    graph = workspace.graph if graph is None else graph
    table = pa.Table.from_pandas(graph.accounts, preserve_index=False)

    def csr_pairs():
        indptr, indices = np.asarray(graph.out_indptr), graph.out_indices
        start = 0
        while start < graph.n_accounts:
            stop = int(np.searchsorted(indptr, indptr[start] + _BATCH, side="right")) - 1
            stop = min(max(stop, start + 1), graph.n_accounts)
            counts = np.diff(indptr[start:stop + 1])
            yield (np.repeat(np.arange(start, stop, dtype=np.int64), counts),
                   np.asarray(indices[indptr[start]:indptr[stop]]))
            start = stop

    return table.schema, table.to_batches(max_chunksize=_BATCH), csr_pairs()


def _write_follows(pairs, fs, root: str, buckets: int) -> int:
    """Write ``(follower, followee)`` array pairs into one file per bucket; return the follows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field("follower", pa.int32()), pa.field("followee", pa.int32())])
    writers: dict[int, pq.ParquetWriter] = {}
    total = 0
    try:
        for follower, followee in pairs:
            bucket = bucket_of(follower, buckets)
            order = np.argsort(bucket, kind="stable")
            bounds = np.searchsorted(bucket[order], np.arange(buckets + 1))
            for b in np.flatnonzero(np.diff(bounds)):
                rows = order[bounds[b]:bounds[b + 1]]
                if b not in writers:
                    fs.create_dir(f"{root}/follows/bucket={b:05d}", recursive=True)
                    writers[b] = pq.ParquetWriter(f"{root}/follows/bucket={b:05d}/part-0.parquet", schema,
                                                  filesystem=fs)
                writers[b].write_table(pa.table({"follower": follower[rows].astype(np.int32),
                                                 "followee": followee[rows].astype(np.int32)}, schema=schema))
            total += len(follower)
    finally:
        for writer in writers.values():
            writer.close()
    return total
