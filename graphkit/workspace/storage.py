"""File primitives of the workspace: atomic JSON, flushed Parquet/NumPy files, checksums, faults.

Every file the workspace writes goes through :func:`seal` (flushed to disk,
size and CRC-32 recorded) before a manifest names it; :func:`os_error` turns
an ``OSError`` into the one-line :class:`~graphkit.errors.WorkspaceError` a
user sees; :func:`fault_point` lets the reliability tests kill a writer at a
named stage.

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

import contextlib
import errno
import json
import os
import time
import uuid
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from graphkit.clock import parse_instant
from graphkit.errors import WorkspaceError

__all__ = [
    "TIMESTAMP", "fault_point", "fsync_dir", "write_json_atomic", "read_json", "crc32_of", "os_error",
    "one_line", "write_table", "read_table", "seal", "to_seconds", "from_seconds", "seconds_of", "NO_SECONDS",
]

#: How times are stored in Parquet: whole seconds, UTC.
TIMESTAMP = pa.timestamp("s", tz="UTC")
#: "No time" in arrays of seconds (a follow not ended, a value never given).
NO_SECONDS = np.iinfo(np.int64).min


def fault_point(stage: str) -> None:
    """Pause at a named stage of a write when ``$GRAPHKIT_FAULT_PAUSE`` names it.

    For fault-injection tests only: they kill the process while it waits here.
    Stages of every commit: ``staging`` (files half written), ``staged`` (the
    new folder complete, the manifest not yet swapped), ``swapped`` (manifest
    swapped, retired folders not yet removed). A commit that appends a segment
    pauses at ``segment-staging`` and ``segment-staged`` too; one that rewrites
    the base (compaction) at ``compacting`` and ``compacted``.
    """
    stages = os.environ.get("GRAPHKIT_FAULT_PAUSE")
    if stages and stage in stages.split(","):
        time.sleep(float(os.environ.get("GRAPHKIT_FAULT_SECONDS", "60")))


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (new names, renames) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(file: Path, content: dict) -> None:
    """Replace ``file`` with ``content`` in one rename, flushed first."""
    tmp = file.with_name(f"{file.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def read_json(file: Path) -> object:
    """A JSON file's content (raises ``OSError`` / ``ValueError``)."""
    with open(file, encoding="utf-8") as handle:
        return json.load(handle)


def crc32_of(file: Path) -> str:
    """CRC-32 of a file, as 8 hex digits (a damage check, not a security one)."""
    crc = 0
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            crc = zlib.crc32(block, crc)
    return f"{crc:08x}"


def os_error(action: str, path: Path, err: OSError) -> WorkspaceError:
    """The one-line error of a failed write: the reason a user can act on."""
    reason = err.strerror or str(err)
    if err.errno == errno.ENOSPC or (err.errno is None and "requested and" in str(err)):
        reason = "no space left on the device"  # (numpy reports a full disk as a short write)
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "permission denied (is the workspace read-only?)"
    return WorkspaceError(f"cannot {action} {path}: {reason}; the workspace is unchanged")


def one_line(err: BaseException) -> str:
    """An exception's text on one line (pyarrow's messages span several)."""
    return " ".join(str(err).split())


def write_table(table: pa.Table, file: Path) -> None:
    """Write a Parquet file (zstd; a file is small or columnar enough that this is the right default)."""
    pq.write_table(table, file, compression="zstd")


def read_table(file: Path, columns: list[str] | None = None) -> pa.Table:
    """Read a Parquet file in one call (``ParquetFile`` is several times faster than the
    dataset reader on the small files of segments)."""
    return pq.ParquetFile(file).read(columns=columns, use_threads=False)


def seal(folder: Path, names: Iterable[str]) -> dict[str, dict]:
    """Flush the files ``names`` of ``folder`` to disk; their sizes and CRC-32s.

    The folder itself (and a ``tables`` sub-folder) is flushed too, so that a
    manifest naming these files never outlives them on a crash.
    """
    records = {}
    for name in names:
        file = folder / name
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())
        records[name] = {"bytes": file.stat().st_size, "crc32": crc32_of(file)}
    if (folder / "tables").is_dir():
        fsync_dir(folder / "tables")
    fsync_dir(folder)
    return records


def seconds_of(column) -> np.ndarray:
    """A timestamp column (any unit: Parquet stores seconds as milliseconds) as int64 seconds;
    empty values become :data:`NO_SECONDS`.

    >>> seconds_of(pa.array([1_767_225_600_000, None], pa.timestamp("ms", tz="UTC"))).tolist()
    [1767225600, -9223372036854775808]
    """
    values = column.cast(TIMESTAMP).cast(pa.int64()).fill_null(NO_SECONDS)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)


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
