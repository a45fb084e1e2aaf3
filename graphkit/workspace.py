"""The workspace: a graph kept on disk, replaced atomically on every load.

Layout of a workspace directory::

    manifest.json          schema version, current data folder, sources, counts, file sizes
    data-000003/           the current generation (named by the manifest)
        accounts.parquet   row i = account id i: key, observed, attributes
        follows.parquet    follower, followee (int32 ids), sorted
        out_indptr.npy ... the CSR arrays in both directions, opened memory-mapped
        tables/NAME.parquet  extra tables (e.g. circles)
    .lock                  held (flock) by the one process writing

A load writes a complete new ``data-NNNNNN`` folder, flushes it to disk, then
replaces ``manifest.json`` in one ``os.replace``. A process killed at any point
leaves the manifest naming the previous, complete generation; the next writer
removes the orphaned folder. Readers never see a half-written graph.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables
>>> ws = Workspace(tempfile.mkdtemp() + "/ws")
>>> [str(r) for r in ws.commit([SourceTables.from_pairs("x.csv", [("a", "b"), ("a", "a")])])]
['x.csv (pairs): 2 rows read, 2 accounts added, 1 follows added, 0 duplicates, 1 self-follows dropped']
>>> ws.graph.n_follows
1
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from graphkit.clock import now_iso
from graphkit.errors import GraphkitError, WorkspaceError, WorkspaceLocked
from graphkit.graph import FollowGraph
from graphkit.progress import Progress
from graphkit.tables import LoadReport, SourceTables

__all__ = ["Workspace", "open_workspace", "SCHEMA_VERSION", "DEFAULT_WORKSPACE"]

SCHEMA_VERSION = 1
DEFAULT_WORKSPACE = "graphkit-workspace"
MANIFEST = "manifest.json"
_CSR_FILES = ("out_indptr", "out_indices", "in_indptr", "in_indices")


def open_workspace(path: str | os.PathLike | None = None) -> Workspace:
    """Open the workspace at ``path`` (default ``$GRAPHKIT_WORKSPACE`` or ``./graphkit-workspace``).

    A missing directory is an empty workspace; it is created on the first load.
    """
    if path is None:
        path = os.environ.get("GRAPHKIT_WORKSPACE") or DEFAULT_WORKSPACE
    return Workspace(path)


def _fault_point(stage: str) -> None:
    """Pause at a named stage of a write when ``$GRAPHKIT_FAULT_PAUSE`` names it.

    For fault-injection tests only: they kill the process while it waits here
    (stages: ``staging`` — files half written; ``staged`` — new generation in
    place, manifest not yet swapped; ``swapped`` — manifest swapped, old
    generation not yet removed).
    """
    stages = os.environ.get("GRAPHKIT_FAULT_PAUSE")
    if stages and stage in stages.split(","):
        time.sleep(float(os.environ.get("GRAPHKIT_FAULT_SECONDS", "60")))


def _now() -> str:
    return now_iso()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _empty_manifest() -> dict:
    return {"schema_version": SCHEMA_VERSION, "generation": 0, "data": None,
            "sources": [], "counts": {"accounts": 0, "follows": 0, "observed": 0},
            "files": {}, "tables": []}


def _manifest_problem(manifest: object) -> str | None:
    """What makes a parsed manifest unusable (``None``: nothing).

    >>> _manifest_problem([]), _manifest_problem({"data": "../x"})
    ('not a JSON object', "it names the data folder '../x'")
    """
    if not isinstance(manifest, dict):
        return "not a JSON object"
    data = manifest.get("data")
    if data is None:
        return None
    if not isinstance(data, str) or not re.fullmatch(r"data-\d{6}", data):
        return f"it names the data folder {data!r}"
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(counts.get(k), int) for k in ("accounts", "follows")):
        return "its counts are missing"
    if not isinstance(manifest.get("files"), dict):
        return "its list of files is missing"
    if not isinstance(manifest.get("sources", []), list) or not isinstance(manifest.get("tables", []), list):
        return "its sources or tables are not lists"
    if not isinstance(manifest.get("meta", {}), dict):
        return "its meta documents are not an object"
    return None


def _one_line(err: BaseException) -> str:
    """An exception's text on one line (pyarrow's messages span several)."""
    return " ".join(str(err).split())


def _write_json_atomic(file: Path, content: dict) -> None:
    tmp = file.with_name(f"{file.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _os_error(action: str, path: Path, err: OSError) -> WorkspaceError:
    reason = err.strerror or str(err)
    if err.errno == errno.ENOSPC or (err.errno is None and "requested and" in str(err)):
        reason = "no space left on the device"  # (numpy reports a full disk as a short write)
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "permission denied (is the workspace read-only?)"
    return WorkspaceError(f"cannot {action} {path}: {reason}; the workspace is unchanged")


class Workspace:
    """A graph on disk: open it, read ``graph``, ``commit`` sources into it."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._graph: FollowGraph | None = None
        self._manifest: dict | None = None
        self._tables: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"<Workspace {str(self.path)!r}>"

    # -- reading -------------------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        """The manifest (an empty one for a new workspace)."""
        if self._manifest is None:
            self._manifest = self._read_manifest()
        return self._manifest

    def _read_manifest(self) -> dict:
        file = self.path / MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise WorkspaceError(f"{self.path} is a file, not a workspace directory")
        if not file.exists():
            generations = sorted(p.name for p in self.path.glob("data-*")) if self.path.is_dir() else []
            if generations:  # a first load writes the manifest before any data folder
                raise WorkspaceError(
                    f"{file} is missing but {generations[-1]} holds data; the workspace is damaged. "
                    "Nothing was rebuilt from partial data: restore manifest.json from a backup, "
                    "or delete the folder and load the sources again"
                )
            return _empty_manifest()
        try:
            manifest = json.loads(file.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise WorkspaceError(
                f"{file} cannot be read ({err}); the workspace is damaged: "
                "restore it from a backup or delete it and load the sources again"
            ) from err
        problem = _manifest_problem(manifest)
        if problem:
            raise WorkspaceError(
                f"{file} is damaged ({problem}); nothing was rebuilt from partial data: "
                "restore the workspace from a backup or delete it and load the sources again"
            )
        version = manifest.get("schema_version")
        if version != SCHEMA_VERSION:
            newer = isinstance(version, int) and version > SCHEMA_VERSION
            raise WorkspaceError(
                f"{file}: schema version {version!r}, this graphkit reads {SCHEMA_VERSION}; "
                + ("upgrade graphkit to open it" if newer else
                   "restore the workspace from a backup or delete it and load the sources again")
            )
        return manifest

    @property
    def is_empty(self) -> bool:
        return not self.manifest.get("data")

    def verify(self, *, deep: bool = False) -> None:
        """Check that every file the manifest names is there with its recorded size.

        With ``deep``, also read every file and compare its CRC-32 with the one
        recorded when it was written (catches damage that keeps a file's size;
        ``graphkit info`` does this). Raises :class:`WorkspaceError` saying what
        is wrong and how to recover.
        """
        data = self.manifest.get("data")
        if not data:
            return
        folder = self.path / data
        for name, size in self.manifest.get("files", {}).items():
            file = folder / name
            if not file.exists():
                raise WorkspaceError(self._damaged(f"{file} is missing"))
            actual = file.stat().st_size
            if actual != size:
                raise WorkspaceError(
                    self._damaged(f"{file} has {actual:,} bytes, the manifest says {size:,}")
                )
        if deep:
            checksums = self.manifest.get("checksums")
            for name, expected in (checksums.items() if isinstance(checksums, dict) else ()):
                file = folder / name
                try:
                    with open(file, "rb") as handle:
                        actual_crc = _crc32(handle)
                except OSError as err:
                    raise WorkspaceError(self._damaged(f"{file} cannot be read ({err.strerror})")) from err
                if actual_crc != expected:
                    raise WorkspaceError(self._damaged(
                        f"{file} does not match the checksum recorded when it was written"
                    ))

    def _damaged(self, what: str) -> str:
        sources = ", ".join(s["path"] for s in self.manifest.get("sources", [])[:5])
        return (
            f"workspace {self.path} is damaged: {what}. Nothing was rebuilt from partial data. "
            f"Restore the folder from a backup, or delete it and load the sources again"
            + (f" ({sources}{', ...' if len(self.manifest.get('sources', [])) > 5 else ''})" if sources else "")
        )

    @property
    def graph(self) -> FollowGraph:
        """The workspace's :class:`FollowGraph` (read once, CSR arrays memory-mapped)."""
        if self._graph is None:
            try:
                self._graph = self._read_graph()
            except WorkspaceError:
                # a writer may have swapped generations between our manifest read and
                # the data read: look again once before calling the workspace damaged
                seen = self.manifest.get("data")
                self._manifest = None
                if self.manifest.get("data") == seen:
                    raise
                self._graph = self._read_graph()
        return self._graph

    def _read_graph(self) -> FollowGraph:
        if self.is_empty:
            accounts = pd.DataFrame({"key": pd.array([], dtype="string"), "observed": np.array([], dtype=bool)})
            return FollowGraph(accounts, np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32))
        self.verify()
        folder = self.path / self.manifest["data"]
        try:
            accounts = pd.read_parquet(folder / "accounts.parquet")
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _CSR_FILES}
        except (OSError, ValueError) as err:
            raise WorkspaceError(self._damaged(f"a data file cannot be read ({_one_line(err)})")) from err
        except Exception as err:  # pyarrow raises its own error types for corrupt files
            raise WorkspaceError(self._damaged(f"a data file cannot be read ({_one_line(err)})")) from err
        accounts["key"] = accounts["key"].astype("string")
        import pyarrow as pa

        pa.default_memory_pool().release_unused()  # parquet decoding buffers, else kept by the allocator
        counts = self.manifest["counts"]
        if len(accounts) != counts["accounts"] or int(arrays["out_indptr"][-1]) != counts["follows"]:
            raise WorkspaceError(self._damaged("the data files do not match the manifest's counts"))
        return FollowGraph(
            accounts,
            arrays["out_indptr"],
            arrays["out_indices"],
            arrays["in_indptr"],
            arrays["in_indices"],
        )

    def table(self, name: str) -> pd.DataFrame:
        """An extra table (e.g. ``circles``); empty if no source gave one."""
        if name not in self._tables:
            if name in self.manifest.get("tables", []):
                file = self.path / self.manifest["data"] / "tables" / f"{name}.parquet"
                try:
                    self._tables[name] = pd.read_parquet(file)
                except Exception as err:  # OSError, or pyarrow's own error types for corrupt files
                    raise WorkspaceError(self._damaged(f"{file} cannot be read ({_one_line(err)})")) from err
            else:
                self._tables[name] = pd.DataFrame()
        return self._tables[name]

    def meta(self, name: str) -> dict | None:
        """A small JSON document stored with the data by :meth:`commit` (``None``: none).

        Crawlers keep their state here so that what was fetched and the record
        of having fetched it land in the same atomic commit.
        """
        document = self.manifest.get("meta", {}).get(name)
        return dict(document) if isinstance(document, dict) else None

    def is_loaded(self, fingerprint: dict) -> bool:
        """Whether a source with this fingerprint (hash, kind, options) was loaded."""
        return any(s.get("fingerprint") == fingerprint for s in self.manifest.get("sources", []))

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the workspace's write lock; wait up to ``timeout`` seconds for it.

        The timeout defaults to ``$GRAPHKIT_LOCK_TIMEOUT`` or 30 seconds.
        """
        if timeout is None:
            timeout = float(os.environ.get("GRAPHKIT_LOCK_TIMEOUT", "30"))
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = open(self.path / ".lock", "a+")  # noqa: SIM115
        except OSError as err:
            raise _os_error("create the workspace", self.path, err) from err
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WorkspaceLocked(
                            f"workspace {self.path} is being written by another graphkit process "
                            f"(waited {timeout:g} s); try again when it has finished"
                        ) from None
                    time.sleep(0.1)
            yield
        finally:
            handle.close()

    def commit(
        self,
        sources: Sequence[SourceTables],
        *,
        progress: Progress | None = None,
        meta: dict[str, dict | None] | None = None,
    ) -> list[LoadReport]:
        """Merge ``sources`` into the workspace as one atomic update.

        Sources whose fingerprint is already in the manifest are skipped (loading
        the same file twice changes nothing). ``meta`` names small JSON documents
        to store (or, with ``None``, remove) in the same update; see :meth:`meta`.
        Returns one report per source.
        """
        with self.lock():
            self._manifest = None  # re-read under the lock
            self._graph = None
            self._tables = {}
            self._remove_orphans()
            merger = _Merger(self.graph)
            merger.known_aliases = self.table("aliases")  # id -> handle pairs loaded before
            reports = []
            todo = []
            for source in sources:
                if source.fingerprint and (self.is_loaded(source.fingerprint) or source.fingerprint in [s.fingerprint for s in todo]):
                    reports.append(LoadReport(source.path, source.format, skipped_reason="already loaded; nothing changed"))
                    continue
                todo.append(source)
                reports.append(merger.add(source, progress))
            if not todo and not meta:
                return reports
            graph = merger.finish()
            tables = self._merged_tables(todo)
            if merger.resolved_aliases is not None:  # later pairs win; chains resolved
                tables["aliases"] = merger.resolved_aliases
            self._write_generation(graph, tables, todo, reports, meta or {})
            self._graph = None
            self._tables = {}
            return reports

    def _merged_tables(self, sources: Sequence[SourceTables]) -> dict[str, pd.DataFrame]:
        names = set(self.manifest.get("tables", []))
        for source in sources:
            names.update(source.extra_tables)
        merged = {}
        for name in sorted(names):
            parts = [self.table(name)] + [s.extra_tables[name] for s in sources if name in s.extra_tables]
            parts = [p for p in parts if len(p.columns)]
            frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
            merged[name] = frame.drop_duplicates(ignore_index=True)
        return merged

    def _remove_orphans(self) -> None:
        if not self.path.exists():
            return
        current = self.manifest.get("data")
        for child in self.path.iterdir():
            if child.is_dir() and child.name.startswith(("data-", ".tmp-")) and child.name != current:
                shutil.rmtree(child, ignore_errors=True)

    def _write_generation(
        self,
        graph: FollowGraph,
        tables: dict[str, pd.DataFrame],
        sources: Sequence[SourceTables],
        reports: list[LoadReport],
        meta: dict[str, dict | None],
    ) -> None:
        manifest = dict(self.manifest)
        documents = dict(manifest.get("meta", {}))
        for name, document in meta.items():
            if document is None:
                documents.pop(name, None)
            else:
                documents[name] = json.loads(json.dumps(document))  # a copy; fails early if not JSON
        manifest["meta"] = documents
        generation = int(manifest.get("generation", 0)) + 1
        name = f"data-{generation:06d}"
        staging = self.path / f".tmp-{uuid.uuid4().hex[:8]}"
        try:
            if not (self.path / MANIFEST).exists():  # so that data without a manifest means damage
                _write_json_atomic(self.path / MANIFEST, _empty_manifest())
            staging.mkdir(parents=True)
            files, checksums = _write_graph_files(graph, tables, staging)
            staging.rename(self.path / name)
            _fsync_dir(self.path)
            _fault_point("staged")
        except OSError as err:
            shutil.rmtree(staging, ignore_errors=True)
            raise _os_error("write to", self.path, err) from err
        sources_list = list(manifest.get("sources", []))
        for source, report in zip([s for s in sources], [r for r in reports if not r.skipped_reason]):
            sources_list.append({
                "path": source.path,
                "format": source.format,
                "fingerprint": source.fingerprint,
                "loaded_at": _now(),
                "report": report.as_dict(),
            })
        previous = manifest.get("data")
        manifest.update({
            "schema_version": SCHEMA_VERSION,
            "generation": generation,
            "data": name,
            "created": manifest.get("created") or _now(),
            "updated": _now(),
            "sources": sources_list,
            "counts": {
                "accounts": graph.n_accounts,
                "follows": graph.n_follows,
                "observed": int(graph.observed.sum()),
            },
            "files": files,
            "checksums": checksums,
            "tables": sorted(tables),
        })
        tmp = self.path / f"{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path / MANIFEST)
            _fsync_dir(self.path)
        except OSError as err:
            with contextlib.suppress(OSError):
                tmp.unlink()
            shutil.rmtree(self.path / name, ignore_errors=True)
            raise _os_error("write to", self.path, err) from err
        self._manifest = manifest
        _fault_point("swapped")
        if previous and previous != name:
            shutil.rmtree(self.path / previous, ignore_errors=True)


def _write_graph_files(
    graph: FollowGraph, tables: dict[str, pd.DataFrame], folder: Path
) -> tuple[dict[str, int], dict[str, str]]:
    """Write a generation's files into ``folder``, flushed to disk; return sizes and CRC-32s."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = []
    accounts = graph.accounts.drop(columns=["graph_id"], errors="ignore")
    accounts.to_parquet(folder / "accounts.parquet", index=False)
    written.append("accounts.parquet")
    _fault_point("staging")
    follows = pa.table({
        "follower": pa.array(graph.sources(), type=pa.int32()),
        "followee": pa.array(np.asarray(graph.out_indices, dtype=np.int32), type=pa.int32()),
    })
    pq.write_table(follows, folder / "follows.parquet")
    written.append("follows.parquet")
    arrays = {
        "out_indptr": graph.out_indptr,
        "out_indices": graph.out_indices,
        "in_indptr": graph.in_indptr,
        "in_indices": graph.in_indices,
    }
    for array_name, array in arrays.items():
        np.save(folder / f"{array_name}.npy", np.ascontiguousarray(array))
        written.append(f"{array_name}.npy")
    if tables:
        (folder / "tables").mkdir()
        for table_name, frame in tables.items():
            frame.to_parquet(folder / "tables" / f"{table_name}.parquet", index=False)
            written.append(f"tables/{table_name}.parquet")
    sizes, checksums = {}, {}
    for relative in written:
        file = folder / relative
        with open(file, "rb") as handle:
            checksums[relative] = _crc32(handle)
            os.fsync(handle.fileno())
        sizes[relative] = file.stat().st_size
    if tables:
        _fsync_dir(folder / "tables")
    _fsync_dir(folder)
    return sizes, checksums


def _crc32(handle) -> str:
    """CRC-32 of a binary stream, as 8 hex digits (a damage check, not a security one)."""
    import zlib

    crc = 0
    for block in iter(lambda: handle.read(1 << 20), b""):
        crc = zlib.crc32(block, crc)
    return f"{crc:08x}"


class _Merger:
    """Accumulates sources onto a base graph; ids are assigned in one vectorized pass.

    All keys (the base graph's first, then each source's accounts, observed
    keys and follow endpoints, in order) are dictionary-encoded together by
    pyarrow: the dictionary lists keys in order of first appearance, so the base
    keys keep their ids ``0..n-1`` and new keys get the next ids in the order
    the sources name them. No Python loop runs per key or per follow.
    """

    def __init__(self, base: FollowGraph) -> None:
        import pyarrow as pa

        self.base = base
        self.segments: list = [_as_arrow(base.accounts["key"])] if base.n_accounts else []
        self.plan: list[tuple] = []  # (source index, role, segment index[, segment index])
        self.pending_reports: list[tuple[int, LoadReport]] = []
        self.attribute_updates: list[tuple[int, pd.DataFrame]] = []
        self.n_sources = 0
        self._pa = pa
        #: segment -> (segment of its dictionary, int32 codes into it): dictionary-encoded follows
        self.mapped: dict[int, tuple[int, np.ndarray]] = {}
        #: aliases (columns alias, key): an account keyed by ``alias`` takes ``key``
        self.known_aliases: pd.DataFrame = pd.DataFrame()
        self.new_aliases: list[pd.DataFrame] = []
        self.resolved_aliases: pd.DataFrame | None = None

    def _segment(self, values) -> int:
        self.segments.append(_as_arrow(values))
        return len(self.segments) - 1

    def add(self, source: SourceTables, progress: Progress | None) -> LoadReport:
        index = self.n_sources
        self.n_sources += 1
        report = LoadReport(source.path, source.format, rows_read=source.rows_read, rejected=list(source.rejected))
        if len(source.extra_tables.get("aliases", ())):
            self.new_aliases.append(source.extra_tables["aliases"])
        if len(source.accounts):
            segment = self._segment(source.accounts["key"])
            update = source.accounts.drop(columns=["key"]).reset_index(drop=True)
            self.plan.append((index, "accounts", segment))
            if len(update.columns):
                self.attribute_updates.append((segment, update))
        if source.observed:
            self.plan.append((index, "observed", self._segment(sorted(source.observed))))
        for chunk in source.follows:
            if not len(chunk):
                continue
            follower, followee = self._follow_segments(chunk)
            self.plan.append((index, "follows", follower, followee, source.observe_followers))
            if progress is not None:
                progress.advance(len(chunk))
        self.pending_reports.append((index, report))
        return report

    def _follow_segments(self, chunk: pd.DataFrame) -> tuple[int, int]:
        """Segments of a follows chunk; a shared dictionary is encoded once, not per follow.

        Loaders may hand follows as pyarrow dictionary arrays (``loaders.edges``
        does) whose one dictionary lists the chunk's keys in order of first
        appearance, followers first. Only the dictionary then joins the global
        encoding, and the follows keep their int32 codes: a follow costs 8
        bytes until :meth:`finish` instead of two strings. Any other chunk is
        taken as strings.
        """
        pa = self._pa
        arrays = []
        for column in ("follower", "followee"):
            array = getattr(chunk[column].array, "_pa_array", None)
            if array is None or not pa.types.is_dictionary(array.type):
                break
            array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
            arrays.append(array)
        if len(arrays) == 2 and arrays[0].dictionary.equals(arrays[1].dictionary):
            keys = arrays[0].dictionary
            codes = [np.asarray(a.indices.to_numpy(zero_copy_only=False)) for a in arrays]
            if _first_appearance_order(np.concatenate(codes), len(keys)) and not arrays[0].null_count + arrays[1].null_count:
                shared = self._segment(keys)
                empty = pa.array([], type=pa.string())
                follower, followee = self._segment(empty), self._segment(empty)
                self.mapped[follower] = (shared, codes[0])
                self.mapped[followee] = (shared, codes[1])
                return follower, followee
        return self._segment(chunk["follower"]), self._segment(chunk["followee"])

    def _length(self, codes: list[np.ndarray], segment: int) -> int:
        return len(self.mapped[segment][1]) if segment in self.mapped else len(codes[segment])

    def _codes(self, codes: list[np.ndarray], segment: int) -> np.ndarray:
        """The account ids of a segment's values (decoding a mapped segment once)."""
        if segment in self.mapped:
            shared, local = self.mapped.pop(segment)
            return codes[shared].astype(np.int64)[local] if len(local) > len(codes[shared]) else codes[shared][local].astype(np.int64)
        return codes[segment].astype(np.int64)

    def finish(self) -> FollowGraph:
        import pyarrow.compute as pc

        base = self.base
        n_base = base.n_accounts
        if self.segments:
            encoded = pc.dictionary_encode(self._pa.chunked_array(self.segments, type=self._pa.string()))
            dictionary = encoded.chunks[0].dictionary if encoded.num_chunks else self._pa.array([], self._pa.string())
            if any(chunk.indices.null_count for chunk in encoded.chunks):
                raise GraphkitError("internal: an empty account key reached the workspace")
            # int32 (account ids are int32 throughout), widened per segment when used
            codes = [np.asarray(chunk.indices.to_numpy(zero_copy_only=False), dtype=np.int32) for chunk in encoded.chunks]
            # empty segments are dropped from a chunked array: map back by length
            codes = _align_codes(self.segments, codes)
            del encoded
            self.segments = []  # the keys live on in ``dictionary``; free the rest now
            self._pa.default_memory_pool().release_unused()
        else:
            dictionary, codes = self._pa.array([], self._pa.string()), []
        n = len(dictionary)

        reports = dict(self.pending_reports)
        seen_max = n_base - 1
        observed_mask = np.zeros(n, dtype=bool)
        self_follow_mask = np.zeros(n, dtype=bool)  # accounts named in a dropped self-follow
        # every follow code (the base graph's first) goes into one buffer: no list to concatenate
        n_base_edges = base.n_follows
        n_rows = sum(self._length(codes, entry[2]) for entry in self.plan if entry[1] == "follows")
        buffer = np.empty(n_base_edges + n_rows, dtype=np.int64)
        filled = n_base_edges
        edge_source: list[tuple[int, int]] = []  # (source index, follows kept) per chunk
        rows_kept = np.zeros(self.n_sources, dtype=np.int64)
        for entry in self.plan:
            index, role = entry[0], entry[1]
            report = reports[index]
            if role == "follows":
                src, dst = self._codes(codes, entry[2]), self._codes(codes, entry[3])
                new_max = max(seen_max, int(src.max(initial=-1)), int(dst.max(initial=-1)))
                report.accounts_added += new_max - seen_max
                seen_max = new_max
                self_follow = src == dst
                report.self_follows += int(self_follow.sum())
                self_follow_mask[src[self_follow]] = True
                keep = ~self_follow
                edge = src << 32
                edge |= dst
                kept = int(keep.sum())
                buffer[filled : filled + kept] = edge if kept == len(edge) else edge[keep]
                filled += kept
                edge_source.append((index, kept))
                rows_kept[index] += kept
                if entry[4]:
                    observed_mask[src] = True
                del src, dst, edge, keep, self_follow
            else:
                ids = self._codes(codes, entry[2])
                new_max = max(seen_max, int(ids.max(initial=-1)))
                report.accounts_added += new_max - seen_max
                seen_max = new_max
                if role == "observed":
                    observed_mask[ids] = True

        accounts = base.accounts
        if n > n_base:
            new_keys = pd.Series(pd.arrays.ArrowStringArray(dictionary.slice(n_base)))
            new = pd.DataFrame({"key": new_keys, "observed": np.zeros(n - n_base, dtype=bool)})
            accounts = pd.concat([accounts, new], ignore_index=True)
        accounts = accounts.copy()
        accounts["observed"] = accounts["observed"].fillna(False).astype(bool)
        for segment, update in self.attribute_updates:
            update = update.copy()
            update.index = self._codes(codes, segment)
            accounts = _apply_update(accounts, update)
        if observed_mask.any():
            mask = accounts["observed"].to_numpy(dtype=bool, copy=True)
            mask |= observed_mask
            accounts["observed"] = mask
        if self_follow_mask.any() or "follows_self" in accounts.columns:
            # kept so that statistics can be set against sources that count self-loops (SNAP)
            known = accounts["follows_self"].fillna(False).to_numpy(dtype=bool) if "follows_self" in accounts.columns else np.zeros(n, dtype=bool)
            accounts["follows_self"] = known | self_follow_mask
        accounts["key"] = accounts["key"].astype("string")
        accounts, remap, self.resolved_aliases = _resolve_aliases(accounts, n_base, self.known_aliases, self.new_aliases)
        n = len(accounts)

        if edge_source or remap is not None:
            all_codes = buffer[:filled]
            base_codes = all_codes[:n_base_edges]
            base_codes[:] = base.sources()
            base_codes <<= 32
            base_codes |= np.asarray(base.out_indices)
            adding = {index for index, _ in edge_source}
            if remap is None and len(adding) <= 1:
                # one source adds follows: the base follows are distinct, so whatever is new
                # after de-duplication is that source's; an in-place sort is enough
                unique_codes = _sorted_unique(all_codes)
                added = np.zeros(self.n_sources, dtype=np.int64)
                for index in adding:
                    added[index] = len(unique_codes) - n_base_edges
            else:
                tags = np.concatenate([
                    np.full(n_base_edges, -1, dtype=np.int32),
                    *(np.full(count, index, dtype=np.int32) for index, count in edge_source),
                ])
                if remap is not None:  # accounts merged by an alias: renumber their follows
                    all_codes, tags = _remap_follows(all_codes, tags, remap)
                unique_codes, first = np.unique(all_codes, return_index=True)
                added = np.bincount(tags[first] + 1, minlength=self.n_sources + 1)[1:]
            del all_codes, base_codes, buffer
            indptr, indices = _csr_from_sorted_codes(unique_codes, n)
        else:
            added = np.zeros(self.n_sources, dtype=np.int64)
            indptr = np.concatenate([np.asarray(base.out_indptr), np.full(n - n_base, base.out_indptr[-1], dtype=np.int64)])
            indices = np.asarray(base.out_indices, dtype=np.int32)
        for index, report in self.pending_reports:
            report.follows_added = int(added[index])
            report.duplicates = int(rows_kept[index]) - report.follows_added
        return FollowGraph(accounts, indptr, indices)


def _as_arrow(values):
    """A pyarrow string array of keys from a Series, array or list."""
    import pyarrow as pa

    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.arrays.ArrowStringArray) or hasattr(values, "_pa_array"):
        array = values._pa_array  # zero-copy for arrow-backed strings
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        return array.cast(pa.string())
    return pa.array([None if v is pd.NA else v for v in values] if not isinstance(values, list) else values, type=pa.string())


def _first_appearance_order(codes: np.ndarray, n_keys: int) -> bool:
    """Whether ``codes`` use each of ``0..n_keys-1``, first appearing in that order.

    >>> _first_appearance_order(np.array([0, 1, 0, 2]), 3), _first_appearance_order(np.array([1, 0]), 2)
    (True, False)
    """
    if len(codes) == 0:
        return n_keys == 0
    running = np.maximum.accumulate(codes)
    return bool(codes[0] == 0 and running[-1] == n_keys - 1 and (codes[1:] <= running[:-1] + 1).all())


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """The distinct values of ``codes``, sorted; sorts ``codes`` in place.

    (``np.unique`` hashes on numpy 2.4, which is many times slower on these codes.)

    >>> _sorted_unique(np.array([5, 1, 5, 3])).tolist()
    [1, 3, 5]
    """
    codes.sort()
    if len(codes) == 0:
        return codes
    keep = np.empty(len(codes), dtype=bool)
    keep[0] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def _csr_from_sorted_codes(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``(indptr, indices)`` of sorted distinct codes ``(row << 32) | column``.

    >>> indptr, indices = _csr_from_sorted_codes(np.array([(0 << 32) | 2, (2 << 32) | 0]), 3)
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 1, 2], [2, 0])
    """
    indptr = np.searchsorted(codes, np.arange(n + 1, dtype=np.int64) << 32).astype(np.int64)
    indices = np.empty(len(codes), dtype=np.int32)
    np.bitwise_and(codes, 0xFFFFFFFF, out=indices, casting="unsafe")
    return indptr, indices


def _align_codes(segments: list, chunks: list[np.ndarray]) -> list[np.ndarray]:
    """Split the encoded chunks back into one codes array per input segment."""
    flat = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int32)
    lengths = [len(s) for s in segments]
    bounds = np.cumsum([0, *lengths])
    return [flat[bounds[i] : bounds[i + 1]] for i in range(len(segments))]


def _apply_update(accounts: pd.DataFrame, update: pd.DataFrame) -> pd.DataFrame:
    """Set attribute values from ``update`` (indexed by id); missing values keep the old."""
    update = update[~update.index.duplicated(keep="last")]
    for column in update.columns:
        values = update[column]
        present = values.notna().to_numpy(dtype=bool)
        if not present.any():
            if column not in accounts.columns:
                accounts[column] = pd.Series(pd.NA, index=accounts.index, dtype=values.dtype)
            continue
        if column not in accounts.columns:
            accounts[column] = pd.Series(pd.NA, index=accounts.index, dtype=values.dtype)
        elif accounts[column].dtype != values.dtype:
            try:
                values = values.astype(accounts[column].dtype)
            except (TypeError, ValueError):
                accounts[column] = accounts[column].astype("string")
                values = values.astype("string")
        accounts.loc[update.index[present], column] = values[present].to_numpy()
    return accounts


# -- aliases: one account known by an id and by a handle ---------------------------------
def _alias_map(known: pd.DataFrame, new: Sequence[pd.DataFrame]) -> dict[str, str]:
    """``alias -> key`` after the new pairs, chains resolved to the final key.

    A later pair wins: the key the alias pointed to before becomes an alias of
    the new one (a renamed handle), and a pair that would close a loop makes its
    key canonical again, so no cycle can form.

    >>> known = pd.DataFrame({"alias": ["1"], "key": ["jack_old"]})
    >>> sorted(_alias_map(known, [pd.DataFrame({"alias": ["1", "2"], "key": ["jack", "1"]})]).items())
    [('1', 'jack'), ('2', 'jack'), ('jack_old', 'jack')]
    >>> _alias_map(pd.DataFrame(), [pd.DataFrame({"alias": ["1", "jack"], "key": ["jack", "1"]})])
    {'jack': '1'}
    """
    table: dict[str, str] = {}
    if len(known.columns):
        table.update(zip(known["alias"].astype(str), known["key"].astype(str)))

    def link(alias: str, key: str) -> None:
        table[alias] = key
        step, seen = key, 0
        while step in table and seen <= len(table):  # did the new pair close a loop?
            step, seen = table[step], seen + 1
            if step == alias:
                table.pop(key)  # the newer pair wins: its key is canonical again
                break

    for frame in new:
        for alias, key in zip(frame["alias"].astype(str), frame["key"].astype(str)):
            if alias == key:
                continue
            previous = table.get(alias)
            if previous is not None and previous != key:
                link(previous, key)
            link(alias, key)
    resolved: dict[str, str] = {}
    for alias in table:
        chain = [alias]
        while chain[-1] in table and chain[-1] not in resolved and len(chain) <= len(table):
            chain.append(table[chain[-1]])
        final = resolved.get(chain[-1], chain[-1])
        for step in chain[:-1]:
            resolved[step] = final
    return {alias: key for alias, key in resolved.items() if alias != key}


def _resolve_aliases(
    accounts: pd.DataFrame, n_base: int, known: pd.DataFrame, new: Sequence[pd.DataFrame]
) -> tuple[pd.DataFrame, np.ndarray | None, pd.DataFrame | None]:
    """Give each account keyed by an alias its canonical key; merge it into that account if both exist.

    Returns the accounts, the old id -> new id array (``None`` when no account
    was merged, so ids are unchanged) and the alias table to store (``None``:
    unchanged). Merged accounts keep the canonical row's attributes, fill its
    gaps from the alias row, and are observed if either was.
    """
    if not new and (not len(known.columns) or len(accounts) == n_base):
        return accounts, None, None
    import pyarrow as pa
    import pyarrow.compute as pc

    table = _alias_map(known, new)
    stored = None
    if new:
        pairs = sorted(table.items())
        stored = pd.DataFrame({
            "alias": pd.array([a for a, _ in pairs], dtype="string"),
            "key": pd.array([k for _, k in pairs], dtype="string"),
        })
    if not table:
        return accounts, None, stored
    start = 0 if new else n_base  # old aliases can only name keys added now
    keys = _as_arrow(accounts["key"]).slice(start)
    aliases = list(table)
    found = pc.index_in(keys, value_set=pa.array(aliases, type=pa.string())).to_numpy(zero_copy_only=False)
    hits = np.flatnonzero(~np.isnan(found.astype(np.float64)))
    if not len(hits):
        return accounts, None, stored
    hit_ids = hits + start
    hit_keys = [table[aliases[int(found[h])]] for h in hits]
    targets = sorted(set(hit_keys))
    where = pc.index_in(_as_arrow(accounts["key"]), value_set=pa.array(targets, type=pa.string()))
    where = where.to_numpy(zero_copy_only=False).astype(np.float64)
    present = np.flatnonzero(~np.isnan(where))
    taken = {targets[int(where[i])]: int(i) for i in present}
    parent = np.arange(len(accounts))
    renamed: dict[int, str] = {}
    for account_id, key in zip(hit_ids.tolist(), hit_keys):
        target = taken.get(key)
        if target is None:
            taken[key] = account_id
            renamed[account_id] = key
        else:
            parent[account_id] = target
    accounts = accounts.copy()
    if renamed:
        accounts.loc[list(renamed), "key"] = pd.array(list(renamed.values()), dtype="string")
    children = np.flatnonzero(parent != np.arange(len(accounts)))
    if not len(children):
        return accounts, None, stored
    heads = parent[children]
    for column in accounts.columns:
        if column == "key":
            continue
        if column == "observed":
            observed = accounts["observed"].to_numpy(dtype=bool, copy=True)
            np.logical_or.at(observed, heads, observed[children])
            accounts["observed"] = observed
            continue
        values = accounts[column].iloc[children]
        given = values.notna().to_numpy(dtype=bool)
        gap = accounts[column].iloc[heads].isna().to_numpy(dtype=bool) & given
        if gap.any():
            accounts.loc[heads[gap], column] = values.to_numpy()[gap]
    keep = parent == np.arange(len(accounts))
    new_id = np.cumsum(keep) - 1
    accounts = accounts[keep].reset_index(drop=True)
    return accounts, new_id[parent], stored


def _remap_follows(codes: np.ndarray, tags: np.ndarray, remap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Follow codes ``(src << 32) | dst`` renumbered; follows that became self-follows dropped."""
    src = remap[codes >> 32]
    dst = remap[codes & 0xFFFFFFFF]
    keep = src != dst
    return (src[keep].astype(np.int64) << 32) | dst[keep], tags[keep]
