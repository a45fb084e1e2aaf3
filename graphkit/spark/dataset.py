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
                 overwrite: bool = False) -> dict:
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
    manifest = workspace.manifest
    counts = manifest["counts"]
    buckets = default_buckets(counts["follows"]) if buckets is None else int(buckets)
    if not 1 <= buckets <= MAX_BUCKETS:
        raise QueryError(f"--buckets must be between 1 and {MAX_BUCKETS:,}, not {buckets}")
    workspace.verify()
    try:
        return _export(workspace, out, buckets, overwrite)
    except OSError as err:
        raise QueryError(f"{out}: cannot write the dataset ({err.strerror or err})") from err


def _export(workspace: Workspace, out: str | os.PathLike, buckets: int, overwrite: bool) -> dict:
    import pyarrow as pa
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    manifest = workspace.manifest
    counts = manifest["counts"]
    folder = workspace.path / manifest["data"]
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
        accounts_file = pq.ParquetFile(folder / "accounts.parquet")
        offset = 0
        with pq.ParquetWriter(f"{root}/accounts/part-00000.parquet", _with_id(accounts_file.schema_arrow),
                              filesystem=fs) as writer:
            for batch in accounts_file.iter_batches(batch_size=_BATCH):
                ids = pa.array(np.arange(offset, offset + batch.num_rows, dtype=np.int64))
                writer.write_batch(pa.RecordBatch.from_arrays([ids, *batch.columns],
                                                              schema=_with_id(batch.schema)))
                offset += batch.num_rows
        if offset != counts["accounts"]:
            raise WorkspaceError(f"{folder / 'accounts.parquet'} has {offset:,} rows, the manifest says "
                                 f"{counts['accounts']:,}")
        written = _write_follows(folder / "follows.parquet", fs, root, buckets)
        if written != counts["follows"]:
            raise WorkspaceError(f"{folder / 'follows.parquet'} has {written:,} follows, the manifest says "
                                 f"{counts['follows']:,}")
        document = {
            "format": FORMAT, "version": 1, "accounts": int(counts["accounts"]),
            "follows": int(counts["follows"]), "buckets": buckets,
            "bucket_hash": "(follower * 0x9E3779B1 mod 2^32) mod buckets",
            "generation": manifest.get("generation"), "source": str(workspace.path),
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


def _write_follows(file: Path, fs, root: str, buckets: int) -> int:
    """Stream ``follows.parquet`` into one file per bucket; return the follows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field("follower", pa.int32()), pa.field("followee", pa.int32())])
    writers: dict[int, pq.ParquetWriter] = {}
    total = 0
    try:
        for batch in pq.ParquetFile(file).iter_batches(batch_size=_BATCH, columns=["follower", "followee"]):
            follower = batch.column(0).to_numpy()
            followee = batch.column(1).to_numpy()
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
            total += batch.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    return total
