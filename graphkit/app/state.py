"""The workspace held warm by ``graphkit serve``: one graph in memory, reopened when it changes.

Every request asks :meth:`WarmWorkspace.snapshot` for the current
:class:`Snapshot`: the workspace, its graph and the results computed on it.
One small read per request (:meth:`Workspace.changed`) tells whether a load
or a crawl committed a new generation; if so the workspace is reopened and the new
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

from graphkit.graph import FollowGraph
from graphkit.workspace import Workspace, open_workspace
from queries.profile_links import workspace_platform

__all__ = ["Snapshot", "WarmWorkspace"]

#: Results kept per kind of result (least recently used ones are dropped first).
CACHE_SIZE = 16


class Snapshot:
    """One generation of the workspace and the results computed on it."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.graph: FollowGraph = workspace.graph
        #: the one platform of the workspace's sources (profile links), ``None`` if none or several
        self.platform: str | None = workspace_platform(workspace.sources()["format"])
        self._results: dict[str, OrderedDict] = {}
        self._lock = threading.Lock()
        self._pending: dict[tuple, threading.Lock] = {}

    @property
    def generation(self) -> int:
        return self.workspace.generation

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
    """A workspace path, opened once and reopened whenever a commit changes it."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current snapshot (reopened first if a commit replaced the generation it reads)."""
        current = self._snapshot
        if current is not None and not current.workspace.changed():
            return current
        with self._lock:
            current = self._snapshot
            if current is None or current.workspace.changed():
                current = Snapshot(open_workspace(self.path))
                self._snapshot = current
            return current
