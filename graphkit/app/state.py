"""The workspace held warm by ``graphkit serve``: one graph in memory, reopened when it changes.

Every request asks :meth:`WarmWorkspace.snapshot` for the current
:class:`Snapshot`: the workspace, its graph and the results computed on it.
A ``stat`` of ``manifest.json`` per request tells whether a load or a crawl
committed a new generation; if so the workspace is reopened and the new
snapshot starts with empty caches, while requests already running finish on
the snapshot they hold (the old generation's files stay readable to them).

The server never writes to the workspace: it only opens it to read.

Results that are expensive to compute (a full ranking of every candidate,
a landscape, a plan) are cached per snapshot, keyed by their options, in a
small least-recently-used store; two requests asking for the same missing
result compute it once.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables
>>> from graphkit.workspace import Workspace
>>> path = tempfile.mkdtemp() + "/ws"
>>> _ = Workspace(path).commit([SourceTables.from_pairs("x.csv", [("a", "b")])])
>>> warm = WarmWorkspace(path)
>>> first = warm.snapshot()
>>> first.graph.n_follows, first.cached("answer", (), lambda: 42), first.cached("answer", (), lambda: 0)
(1, 42, 42)
>>> _ = Workspace(path).commit([SourceTables.from_pairs("y.csv", [("b", "c")])])
>>> second = warm.snapshot()
>>> second is first, second.graph.n_follows, second.cached("answer", (), lambda: 7)
(False, 2, 7)
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

from graphkit.errors import WorkspaceError
from graphkit.graph import FollowGraph
from graphkit.workspace import MANIFEST, Workspace, open_workspace

__all__ = ["Snapshot", "WarmWorkspace"]

#: Results kept per kind of result (least recently used ones are dropped first).
CACHE_SIZE = 16


class Snapshot:
    """One generation of the workspace and the results computed on it."""

    def __init__(self, workspace: Workspace, stamp: tuple | None) -> None:
        self.workspace = workspace
        self.stamp = stamp
        self.graph: FollowGraph = workspace.graph
        self.manifest: dict = workspace.manifest
        self._results: dict[str, OrderedDict] = {}
        self._lock = threading.Lock()
        self._pending: dict[tuple, threading.Lock] = {}

    @property
    def generation(self) -> int:
        return int(self.manifest.get("generation", 0))

    def cached(self, kind: str, key: Hashable, compute: Callable[[], object]) -> object:
        """The result of ``compute()`` for ``(kind, key)``, computed once per snapshot."""
        with self._lock:
            store = self._results.setdefault(kind, OrderedDict())
            if key in store:
                store.move_to_end(key)
                return store[key]
            gate = self._pending.setdefault((kind, key), threading.Lock())
        with gate:
            with self._lock:
                if key in store:
                    return store[key]
            value = compute()
            with self._lock:
                store[key] = value
                while len(store) > CACHE_SIZE:
                    store.popitem(last=False)
                self._pending.pop((kind, key), None)
            return value


class WarmWorkspace:
    """A workspace path, opened once and reopened whenever its manifest changes."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def _stamp(self) -> tuple | None:
        try:
            info = (self.path / MANIFEST).stat()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise WorkspaceError(f"cannot read {self.path / MANIFEST}: {err.strerror}") from err
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def snapshot(self) -> Snapshot:
        """The current snapshot (reopened first if the manifest changed since the last one)."""
        stamp = self._stamp()
        current = self._snapshot
        if current is not None and current.stamp == stamp:
            return current
        with self._lock:
            current = self._snapshot
            if current is None or current.stamp != stamp:
                current = Snapshot(open_workspace(self.path), stamp)
                self._snapshot = current
            return current
