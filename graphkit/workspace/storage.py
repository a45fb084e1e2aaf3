"""Parquet files and times of the workspace.

The file primitives that need no array library (atomic JSON, :func:`seal`,
:func:`os_error`, :func:`fault_point`, ...) live in
:mod:`graphkit.workspace.files` and are re-exported here.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_table(pa.table({"x": [1, 2]}), folder / "t.parquet")
>>> read_table(folder / "t.parquet").column("x").to_pylist()
[1, 2]
>>> seal(folder, ["t.parquet"])["t.parquet"]["bytes"] > 0
True
>>> to_seconds("2026-01-01T00:00:00Z")
1767225600
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from graphkit import arrow_arrays as arrow
from graphkit.clock import parse_instant
from graphkit.workspace.files import (
    crc32_of,
    fault_point,
    fsync_dir,
    one_line,
    os_error,
    read_json,
    seal,
    write_json_atomic,
)

__all__ = [
    "TIMESTAMP", "fault_point", "fsync_dir", "write_json_atomic", "read_json", "crc32_of", "os_error",
    "one_line", "write_table", "read_table", "seal", "to_seconds", "from_seconds", "seconds_of", "NO_SECONDS",
]

#: How times are stored in Parquet: whole seconds, UTC.
TIMESTAMP = pa.timestamp("s", tz="UTC")
#: "No time" in arrays of seconds (a follow not ended, a value never given).
NO_SECONDS = np.iinfo(np.int64).min


def write_table(table: pa.Table, file: Path) -> None:
    """Write a Parquet file (zstd; a file is small or columnar enough that this is the right default)."""
    pq.write_table(table, file, compression="zstd")


def read_table(file: Path, columns: list[str] | None = None) -> pa.Table:
    """Read a Parquet file in one call (``ParquetFile`` is several times faster than the
    dataset reader on the small files of segments)."""
    return pq.ParquetFile(file).read(columns=columns, use_threads=False)


def seconds_of(column) -> np.ndarray:
    """A timestamp column (any unit: Parquet stores seconds as milliseconds) as int64 seconds;
    empty values become :data:`NO_SECONDS`.

    >>> seconds_of(pa.array([1_767_225_600_000, None], pa.timestamp("ms", tz="UTC"))).tolist()
    [1767225600, -9223372036854775808]
    """
    return arrow.filled(column.cast(TIMESTAMP).cast(pa.int64()), NO_SECONDS).astype(np.int64, copy=False)


def to_seconds(instant: str) -> int:
    """An ISO-8601 instant as whole seconds since 1970 (UTC)."""
    return int(parse_instant(instant, what="time").timestamp())


def from_seconds(seconds: int) -> str:
    """Whole seconds since 1970 as ISO-8601 UTC.

    >>> from_seconds(1767225600)
    '2026-01-01T00:00:00+00:00'
    """
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(seconds), UTC).isoformat(timespec="seconds")
