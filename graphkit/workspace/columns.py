"""The base's account columns as NumPy files, and the cold read path that uses them.

A base holds, beside ``accounts.parquet`` (every attribute, what the API's
``FollowGraph.accounts`` DataFrame is built from) and ``keys.arrow``, the few
account columns a query reads, in files NumPy memory-maps without decoding:

==============================  =====================================================
``columns/key_offsets.npy``     int64, ``n + 1``: key ``i`` is ``keys.bytes[o[i]:o[i+1]]``
``columns/keys.bytes``          the keys' UTF-8 bytes, concatenated
``columns/observed.npy``        bool: the account's following list is loaded
``columns/<name>.npy``          float64 (NaN: not given), for each of
                                :data:`~graphkit.account_columns.NUMERIC_COLUMNS`
==============================  =====================================================

:func:`open_graph` builds the :class:`~graphkit.graph.FollowGraph` of a
generation that is a base alone (no segment) from these files and the CSR
``.npy`` files, importing neither pandas nor pyarrow: a cold ``graphkit
affinity`` costs the interpreter, NumPy and the arithmetic. The accounts
DataFrame is built on first use, by the same code as before (so the API's
frames are unchanged). A generation with segments, or a base written before
these files existed, is read by :class:`~graphkit.workspace.snapshot.Snapshot`.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables
>>> from graphkit.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp() + "/ws")
>>> _ = ws.commit([SourceTables.from_pairs("a.csv", [("ann", "bob"), ("bob", "cat")])])
>>> graph = open_graph(ws.path, ws.manifest, frame=lambda: ws.snapshot.accounts())
>>> graph.keys_of(graph.following(graph.id_of("ann"))).tolist(), graph.frame_built
(['bob'], False)
"""

from __future__ import annotations

import mmap
from collections.abc import Callable
from pathlib import Path

import numpy as np

from graphkit.account_columns import NUMERIC_COLUMNS, AccountColumns
from graphkit.graph import FollowGraph

__all__ = ["write_columns", "open_graph", "COLUMN_FILES"]

OFFSETS, DATA, OBSERVED = "columns/key_offsets.npy", "columns/keys.bytes", "columns/observed.npy"
#: Every file :func:`write_columns` writes (relative to the base folder).
COLUMN_FILES = (OFFSETS, DATA, OBSERVED, *(f"columns/{name}.npy" for name in NUMERIC_COLUMNS))


def write_columns(folder: Path, offsets: np.ndarray, data, observed: np.ndarray,
                  numeric: dict[str, np.ndarray]) -> list[str]:
    """Write the column files into ``folder`` (a base being written); their names.

    ``offsets`` and ``data`` are the keys (``data`` a bytes-like object; offsets
    may start past 0, as in a sliced Arrow array); ``numeric`` gives a float64
    array for each of :data:`~graphkit.account_columns.NUMERIC_COLUMNS`.
    """
    (folder / "columns").mkdir(exist_ok=True)
    offsets = np.asarray(offsets, dtype=np.int64)
    first, last = int(offsets[0]), int(offsets[-1])
    np.save(folder / OFFSETS, offsets - first)
    with open(folder / DATA, "wb") as sink:
        sink.write(memoryview(data)[first:last])
    np.save(folder / OBSERVED, np.asarray(observed, dtype=bool))
    for name in NUMERIC_COLUMNS:
        np.save(folder / f"columns/{name}.npy", np.asarray(numeric[name], dtype=np.float64))
    return list(COLUMN_FILES)


def _sizes_match(path: Path, manifest: dict) -> bool:
    """Every file of the base has the size the manifest records (the cheap part of ``verify``)."""
    base = manifest["base"]
    for name, record in (base.get("files") or {}).items():
        try:
            if (path / base["name"] / name).stat().st_size != record["bytes"]:
                return False
        except OSError:
            return False
    return True


def open_graph(path: Path, manifest: dict, *, frame: Callable) -> FollowGraph | None:
    """The graph of a base-only generation from its NumPy files, or ``None`` when this path
    does not apply (segments, an older base, a file not as recorded: the caller then reads
    the generation the full way, which also reports any damage).

    ``frame`` builds the accounts DataFrame when a user asks for it.
    """
    base = manifest.get("base")
    if not base or manifest.get("segments") or manifest.get("legacy"):
        return None
    files = base.get("files") or {}
    if not all(name in files for name in COLUMN_FILES) or not _sizes_match(path, manifest):
        return None
    folder = path / base["name"]
    n = int(manifest["counts"]["accounts"])
    try:
        offsets = np.load(folder / OFFSETS, mmap_mode="r")
        observed = np.load(folder / OBSERVED, mmap_mode="r")
        csr = {f"{d}_{p}": np.load(folder / f"{d}_{p}.npy", mmap_mode="r")
               for d in ("out", "in") for p in ("indptr", "indices")}
        with open(folder / DATA, "rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if files[DATA]["bytes"] else b""
    except (OSError, ValueError):
        return None
    if len(offsets) != n + 1 or len(csr["out_indptr"]) != n + 1 or int(csr["out_indptr"][-1]) != manifest["counts"]["follows"]:
        return None

    def loader(name: str) -> Callable[[], np.ndarray]:
        return lambda: np.load(folder / f"columns/{name}.npy", mmap_mode="r")

    columns = AccountColumns(offsets, data, observed, {name: loader(name) for name in NUMERIC_COLUMNS})
    return FollowGraph(frame, csr["out_indptr"], csr["out_indices"], csr["in_indptr"], csr["in_indices"],
                       columns=columns)
