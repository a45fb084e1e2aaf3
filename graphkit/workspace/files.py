"""File primitives of the workspace that need no array library: atomic JSON, checksums,
flushing, the one-line errors of failed writes, fault injection.

Every file the workspace writes goes through :func:`seal` (flushed to disk,
size and CRC-32 recorded) before a manifest names it; :func:`os_error` turns
an ``OSError`` into the one-line :class:`~graphkit.errors.WorkspaceError` a
user sees; :func:`fault_point` lets the reliability tests kill a writer at a
named stage. Reading a workspace's manifest and pinning its generation import
only this module (a cold query stays free of pandas and pyarrow);
:mod:`graphkit.workspace.storage` adds the Parquet and time helpers.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_json_atomic(folder / "m.json", {"generation": 1})
>>> read_json(folder / "m.json")
{'generation': 1}
>>> seal(folder, ["m.json"])["m.json"]["bytes"] > 0
True
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

from graphkit.errors import WorkspaceError

__all__ = ["fault_point", "fsync_dir", "write_json_atomic", "read_json", "crc32_of", "os_error", "one_line", "seal"]


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
