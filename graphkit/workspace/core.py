"""The :class:`Workspace`: a graph on disk that grows by small, atomic steps.

Layout of a workspace directory::

    manifest.json          which base and segments make up the workspace now (a few kB)
    base-000007/           the last compaction: accounts, follows (CSR + history), sources, tables
    seg-000012/ ...        changes appended since (see graphkit.workspace.segments)
    .lock                  held (flock) by the one process writing
    .readers/gen-NNNNNN    held (shared flock) by processes reading that generation

A commit reads only what it needs of the current generation, writes its
changes as a new segment folder (or, when the segments have grown past a
share of the base, a new base), flushes it, then replaces ``manifest.json`` in
one ``os.replace``. A process killed at any point leaves the manifest naming
the previous, complete generation; the next writer removes the orphaned
folder. Folders a new generation no longer needs are removed once no open
:class:`Workspace` still reads them.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables
>>> ws = Workspace(tempfile.mkdtemp() + "/ws")
>>> [str(r) for r in ws.commit([SourceTables.from_pairs("x.csv", [("a", "b"), ("a", "a")])])]
['x.csv (pairs): 2 rows read, 2 accounts added, 1 follows added, 0 duplicates, 1 self-follows dropped']
>>> _ = ws.commit([SourceTables.from_pairs("y.csv", [("b", "c")])])
>>> ws.graph.n_follows, len(ws.manifest["segments"])
(2, 1)
>>> ws.compact()["segments"]
1
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.clock import now_iso
from graphkit.errors import WorkspaceError
from graphkit.graph import FollowGraph
from graphkit.progress import Progress
from graphkit.workspace.columns import open_graph
from graphkit.workspace.files import fault_point, fsync_dir, os_error, seal, write_json_atomic
from graphkit.workspace.locking import READERS, ReaderPin, held_generations, write_lock
from graphkit.workspace.manifest import (
    MANIFEST,
    SCHEMA_VERSION,
    empty_manifest,
    live_folders,
    read_manifest,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from graphkit.tables import LoadReport, SourceTables
    from graphkit.workspace.delta import Delta
    from graphkit.workspace.snapshot import Snapshot

__all__ = ["Workspace", "open_workspace", "DEFAULT_WORKSPACE"]

DEFAULT_WORKSPACE = "graphkit-workspace"
_SKIPPED = "already loaded; nothing changed"


def open_workspace(path: str | os.PathLike | None = None) -> Workspace:
    """Open the workspace at ``path`` (default ``$GRAPHKIT_WORKSPACE`` or ``./graphkit-workspace``).

    A missing directory is an empty workspace; it is created on the first load.
    """
    if path is None:
        path = os.environ.get("GRAPHKIT_WORKSPACE") or DEFAULT_WORKSPACE
    return Workspace(path)


class Workspace:
    """A graph on disk: open it, read ``graph``, ``commit`` sources into it.

    An open workspace reads one generation (the one current when it first
    looked) until :meth:`refresh` or :meth:`close`: loads committed meanwhile
    by other processes neither change nor break what it reads. Use it as a
    context manager (or call :meth:`close`) so the generation it pins can be
    cleaned up promptly.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._snapshot: Snapshot | None = None
        self._manifest: dict | None = None
        self._pin: ReaderPin | None = None
        self._graph: FollowGraph | None = None
        self._graph_at: tuple | None = None
        self._tables: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"<Workspace {str(self.path)!r}>"

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Forget what was read and release the pinned generation."""
        self._snapshot = None
        self._manifest = None
        self._graph = None
        self._graph_at = None
        self._tables = {}
        if self._pin is not None:
            self._pin.release()
            self._pin = None

    def refresh(self) -> None:
        """Move to the current generation (what later reads see)."""
        self.close()

    # -- the pinned generation -----------------------------------------------------------------
    def _pinned(self) -> dict:
        """The manifest of the generation this workspace reads (pinned on first use)."""
        if self._manifest is None:
            manifest = read_manifest(self.path)
            for _ in range(100):
                if manifest.get("base") is None:
                    break
                pin = ReaderPin.acquire(self.path, manifest["generation"])
                if pin is None:  # pins cannot be written: a read-only workspace, which nobody changes
                    break
                again = read_manifest(self.path)
                if again.get("generation") == manifest["generation"]:
                    self._pin = pin
                    break
                pin.release()
                manifest = again
            self._manifest = manifest
        return self._manifest

    @property
    def snapshot(self) -> Snapshot:
        """The generation this workspace reads (pinned on first use)."""
        if self._snapshot is None:
            from graphkit.workspace.snapshot import Snapshot

            self._snapshot = Snapshot(self.path, self._pinned())
        return self._snapshot

    @property
    def manifest(self) -> dict:
        """The manifest of the pinned generation (an empty one for a new workspace)."""
        return self._pinned()

    @property
    def is_empty(self) -> bool:
        """Whether the pinned generation holds no account (nothing loaded, or only crawl state)."""
        manifest = self._pinned()
        return manifest.get("base") is None or int(manifest["counts"]["accounts"]) == 0

    @property
    def generation(self) -> int:
        """The number of the pinned generation (0: nothing committed); each commit adds one."""
        return int(self._pinned().get("generation", 0))

    @property
    def updated(self) -> str | None:
        """When the pinned generation was committed (ISO 8601, UTC), ``None`` if never."""
        return self._pinned().get("updated")

    @property
    def counts(self) -> dict[str, int]:
        """``{"accounts", "follows", "observed"}`` of the pinned generation, without reading data."""
        return {k: int(v) for k, v in self._pinned()["counts"].items()}

    def changed(self) -> bool:
        """Whether a commit has replaced the pinned generation since (one small file read).

        A long-lived reader (the web app) checks this and calls :meth:`refresh`
        to read the new generation.
        """
        try:
            current = read_manifest(self.path).get("generation", 0)
        except WorkspaceError:
            return True  # let the reopen say what is wrong
        return int(current) != self.generation

    def verify(self, *, deep: bool = False) -> None:
        """Check that every file the manifest names is there with its recorded size.

        With ``deep``, also read every file and compare its CRC-32 with the one
        recorded when it was written (catches damage that keeps a file's size;
        ``graphkit info`` does this). Raises :class:`WorkspaceError` saying what
        is wrong and how to recover.
        """
        self.snapshot.verify(deep=deep)
        self.snapshot.check_counts()

    # -- reading -------------------------------------------------------------------------
    @property
    def graph(self) -> FollowGraph:
        """The workspace's :class:`FollowGraph` (base CSR memory-mapped, recent loads spliced in).

        A generation that is a base alone is opened from NumPy files
        (:func:`~graphkit.workspace.columns.open_graph`: no pandas, no pyarrow);
        its accounts DataFrame is built on first use.
        """
        if self._graph is None:
            self._graph = (open_graph(self.path, self._pinned(), frame=lambda: self.snapshot.accounts())
                           or self.snapshot.graph())
        return self._graph

    def graph_as_of(self, when) -> FollowGraph:
        """The graph as it stood at ``when`` (ISO 8601 text, a date or a datetime; UTC when no
        zone is given): the follows seen by then and not yet ended then, the accounts known by
        then with their attributes as last loaded by then and the handles they had then.

        Built from the follow and attribute history (see
        :func:`graphkit.workspace.history.graph_at`); :attr:`graph` stays the fast path
        for "now". The graph for one ``when`` is kept while this workspace is open.

        >>> import tempfile
        >>> from graphkit.tables import SourceTables
        >>> ws = Workspace(tempfile.mkdtemp() + "/ws")
        >>> first = SourceTables.from_pairs("ann.txt", [("ann", "bob"), ("ann", "cat")])
        >>> first.seen_at, first.complete_following = "2026-01-01", {"ann": None}
        >>> later = SourceTables.from_pairs("ann.txt", [("ann", "bob"), ("ann", "dan")])
        >>> later.seen_at, later.complete_following = "2026-02-01", {"ann": None}
        >>> _ = ws.commit([first]); _ = ws.commit([later])
        >>> ws.graph_as_of("2026-01-15").edges_frame().values.tolist()
        [['ann', 'bob'], ['ann', 'cat']]
        >>> ws.graph.n_accounts, ws.graph_as_of("2026-01-15").n_accounts
        (4, 3)
        """
        from graphkit.workspace.history import graph_at, instant

        key = instant(when)
        if self._graph_at is None or self._graph_at[0] != key:
            self._graph_at = (key, graph_at(self, key))
        return self._graph_at[1]

    def table(self, name: str) -> pd.DataFrame:
        """An extra table (e.g. ``circles``); empty if no source gave one."""
        if name not in self._tables:
            import pandas as pd

            self._tables[name] = self.snapshot.table(name) if name in self.snapshot.table_names() else pd.DataFrame()
        return self._tables[name]

    def meta(self, name: str) -> dict | None:
        """A small JSON document stored with the data by :meth:`commit` (``None``: none).

        Crawlers keep their state here so that what was fetched and the record
        of having fetched it land in the same atomic commit.
        """
        document = self.snapshot.meta_documents().get(name)
        return json.loads(json.dumps(document)) if isinstance(document, dict) else None

    def meta_names(self, prefix: str = "") -> list[str]:
        """The names of the stored meta documents that start with ``prefix``, sorted."""
        return sorted(name for name in self.snapshot.meta_documents() if name.startswith(prefix))

    def sources(self) -> pd.DataFrame:
        """The source log: ``path``, ``format``, ``kind``, ``owner``, ``fingerprint`` (JSON),
        ``loaded_at``, ``report`` (JSON), one row per source loaded, oldest first."""
        return self.snapshot.sources()

    def is_loaded(self, fingerprint: dict) -> bool:
        """Whether the latest load of this source (path aside: same hash, kind, options) had
        this fingerprint."""
        text = json.dumps(fingerprint, sort_keys=True, default=str)
        return bool((self.snapshot.sources(["fingerprint"])["fingerprint"] == text).any())

    def data_files(self) -> dict:
        """The Parquet files of the pinned generation and the rule that combines them.

        For engines that read the workspace themselves (Spark, DuckDB); see
        :mod:`graphkit.workspace.datafiles`. Keep this workspace open while they
        read: the files of a pinned generation are not removed.
        """
        from graphkit.workspace.datafiles import describe

        return describe(self.snapshot)

    # -- writing -------------------------------------------------------------------------
    def lock(self, timeout: float | None = None):
        """Hold the workspace's write lock; wait up to ``timeout`` seconds for it.

        The timeout defaults to ``$GRAPHKIT_LOCK_TIMEOUT`` or 30 seconds.
        """
        return write_lock(self.path, timeout)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Snapshot]:
        """Under the write lock: the current generation, checked, orphans removed."""
        from graphkit.workspace.snapshot import Snapshot

        with self.lock():
            self.close()
            snapshot = Snapshot(self.path, read_manifest(self.path))
            self._snapshot = snapshot
            self._manifest = snapshot.manifest
            snapshot.verify()
            snapshot.check_counts()
            if not snapshot.is_empty:  # the arrays' headers: damage the sizes do not show
                snapshot.base_csr("out"), snapshot.base_csr("in")
            self._remove_orphans(snapshot.manifest)
            self._collect_garbage(snapshot.manifest["retired"], snapshot.generation + 1)
            try:
                yield snapshot
            finally:
                self.close()

    def commit(
        self,
        sources: Sequence[SourceTables],
        *,
        progress: Progress | None = None,
        meta: dict[str, dict | None] | None = None,
    ) -> list[LoadReport]:
        """Merge ``sources`` into the workspace as one atomic update.

        A source whose content equals the latest load of the same source
        (same path, kind and owner; its ``fingerprint``) is skipped: loading
        the same file twice changes nothing. A source whose content differs is
        applied, later values winning. ``meta`` names small JSON documents to
        store (or, with ``None``, remove) in the same update; see :meth:`meta`.
        Returns one report per source.
        """
        from graphkit.tables import LoadReport
        from graphkit.workspace.compaction import should_compact
        from graphkit.workspace.delta import DeltaBuilder
        from graphkit.workspace.snapshot import source_key

        documents = {name: None if doc is None else json.loads(json.dumps(doc)) for name, doc in (meta or {}).items()}
        with self._writing() as snapshot:
            builder = DeltaBuilder(snapshot, snapshot.generation + 1, now_iso())
            latest = self._latest_fingerprints(snapshot, sources)
            reports, applied = [], 0
            for source in sources:
                fingerprint = source.fingerprint
                if fingerprint:
                    key = source_key(source.path, fingerprint.get("kind"), fingerprint.get("owner"))
                    text = json.dumps(fingerprint, sort_keys=True, default=str)
                    if latest.get(key) == text:
                        reports.append(LoadReport(source.path, source.format, skipped_reason=_SKIPPED))
                        continue
                    latest[key] = text
                reports.append(builder.add(source, progress))
                applied += 1
            if not applied and not documents:
                return reports
            delta = builder.finish()
            delta.meta = documents
            pending = {k: sum(s.get(k, 0) for s in snapshot.segments) + v for k, v in delta.size.items()}
            if (snapshot.is_empty or snapshot.legacy or delta.needs_rewrite
                    or should_compact(snapshot.base, pending, len(snapshot.segments) + 1)):
                self._write_base(snapshot, delta, None)
            else:
                self._write_segment(snapshot, delta)
        return reports

    def compact(self, progress: Progress | None = None) -> dict:
        """Rewrite the base and segments as one new base; what was done.

        Returns ``{"segments", "generation", "accounts", "follows", "seconds",
        "compacted"}`` (``compacted`` is false when there was nothing to do).
        """
        started = time.perf_counter()
        with self._writing() as snapshot:
            report = {"segments": len(snapshot.segments), "generation": snapshot.generation,
                      "accounts": snapshot.n_accounts, "follows": int(snapshot.manifest["counts"]["follows"]),
                      "compacted": False}
            if not snapshot.is_empty and (snapshot.segments or snapshot.legacy):
                manifest = self._write_base(snapshot, None, progress)
                report.update(generation=manifest["generation"], accounts=manifest["counts"]["accounts"],
                              follows=manifest["counts"]["follows"], compacted=True)
        report["seconds"] = time.perf_counter() - started
        return report

    @staticmethod
    def _latest_fingerprints(snapshot: Snapshot, sources: Sequence[SourceTables]) -> dict[str, str]:
        """``source key -> fingerprint`` of the latest load of each source among ``sources``."""
        from graphkit.workspace.snapshot import source_key

        wanted = {source_key(s.path, s.fingerprint.get("kind"), s.fingerprint.get("owner"))
                  for s in sources if s.fingerprint}
        if not wanted or snapshot.is_empty:
            return {}
        log = snapshot.sources_table(["key", "fingerprint"])
        if log is None:
            return {}
        pairs = zip(log.column("key").to_pylist(), log.column("fingerprint").to_pylist())
        return {key: fingerprint for key, fingerprint in pairs if key in wanted}  # later rows win

    # -- the two ways to write -------------------------------------------------------------
    @contextlib.contextmanager
    def _new_folder(self, name: str) -> Iterator[Path]:
        """A staging folder to write into; complete, flushed and renamed to ``name`` after the block.

        A failure leaves no trace (an ``OSError`` becomes the one-line
        "cannot write" error); a kill leaves a ``.tmp-`` folder the next
        writer removes.
        """
        staging = self.path / f".tmp-{uuid.uuid4().hex[:8]}"
        try:
            if not (self.path / MANIFEST).exists():  # so that data without a manifest means damage
                write_json_atomic(self.path / MANIFEST, empty_manifest())
            staging.mkdir(parents=True)
            yield staging
            staging.rename(self.path / name)
            fsync_dir(self.path)
        except OSError as err:
            shutil.rmtree(staging, ignore_errors=True)
            raise os_error("write to", self.path, err) from err
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _write_segment(self, snapshot: Snapshot, delta: Delta) -> dict:
        from graphkit.workspace.segments import SegmentData, plan_merge, read_segment, write_segment

        manifest = snapshot.manifest
        segments = list(manifest["segments"])
        absorbed, level = plan_merge([s["level"] for s in segments])
        merging = segments[len(segments) - absorbed:] if absorbed else []
        name = f"seg-{delta.generation:06d}"
        parts = [read_segment(self.path / s["name"], s["files"]) for s in merging]
        data = SegmentData.merged([*parts, delta.as_segment()])
        with self._new_folder(name) as staging:
            written = write_segment(data, staging)
            fault_point("staging")
            fault_point("segment-staging")
            files = seal(staging, written)
        fault_point("staged")
        fault_point("segment-staged")
        record = {
            "name": name,
            "generations": [merging[0]["generations"][0] if merging else delta.generation, delta.generation],
            "level": level, "accounts": delta.counts["accounts"], "follows": delta.counts["follows"],
            "files": files, **data.counts(),
        }
        tables = set(manifest.get("tables", [])) | set(delta.tables) | ({"aliases"} if delta.aliases_after is not None else set())
        new = dict(manifest, generation=delta.generation, updated=now_iso(),
                   segments=segments[: len(segments) - absorbed] + [record], counts=delta.counts,
                   tables=sorted(tables), n_sources=int(manifest.get("n_sources", 0)) + len(delta.reports))
        return self._swap(manifest, new, retiring=[s["name"] for s in merging], written=name)

    def _write_base(self, snapshot: Snapshot, delta: Delta | None, progress: Progress | None) -> dict:
        from graphkit.workspace.compaction import compact_into

        # a new base is rebuilt from every file: never from damaged ones (checksums, not only sizes)
        snapshot.verify(deep=True)
        manifest = snapshot.manifest
        generation = snapshot.generation + 1
        name = f"base-{generation:06d}"
        with self._new_folder(name) as staging:
            result = compact_into(snapshot, delta, staging, progress)
            files = seal(staging, result["files"])
        fault_point("staged")
        fault_point("compacted")
        counts = {"accounts": result["accounts"], "follows": result["follows"], "observed": result["observed"]}
        new = dict(manifest, schema_version=SCHEMA_VERSION, generation=generation, updated=now_iso(),
                   created=manifest.get("created") or now_iso(),
                   base={"name": name, "generation": generation, "accounts": result["accounts"],
                         "follows": result["follows"], "files": files},
                   segments=[], counts=counts, tables=result["tables"],
                   n_sources=int(manifest.get("n_sources", 0)) + (len(delta.reports) if delta else 0))
        new.pop("legacy", None)
        return self._swap(manifest, new, retiring=live_folders(manifest), written=name)

    def _swap(self, old: dict, new: dict, *, retiring: list[str], written: str) -> dict:
        """Replace the manifest; retire what the new generation no longer reads."""
        retired = self._collect_garbage(old.get("retired", []), old["generation"] + 1)
        new["retired"] = retired + [{"name": n, "retired": new["generation"]} for n in retiring]
        try:
            write_json_atomic(self.path / MANIFEST, new)
            fsync_dir(self.path)
        except OSError as err:
            shutil.rmtree(self.path / written, ignore_errors=True)
            raise os_error("write to", self.path, err) from err
        fault_point("swapped")
        self._collect_garbage(new["retired"], new["generation"])
        return new

    def _collect_garbage(self, retired: list[dict], current: int) -> list[dict]:
        """Remove retired folders no open reader needs; the entries still needed.

        A folder retired at generation *r* is read by generations before *r*
        only; it goes once no reader pins such a generation.
        """
        held = held_generations(self.path, below=current)
        needed = []
        for entry in retired:
            if any(g < entry["retired"] for g in held) and (self.path / entry["name"]).exists():
                needed.append(entry)
            else:
                shutil.rmtree(self.path / entry["name"], ignore_errors=True)
        return needed

    def _remove_orphans(self, manifest: dict) -> None:
        """Folders no manifest names (a writer killed before its swap) and stale temporaries."""
        if not self.path.is_dir():
            return
        keep = set(live_folders(manifest)) | {e["name"] for e in manifest.get("retired", [])} | {READERS}
        for child in self.path.iterdir():
            if child.is_dir() and child.name.startswith(("data-", "base-", "seg-", ".tmp-")) and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
