"""One generation of a workspace as a reader sees it: the base with its segments applied.

A :class:`Snapshot` reads only what it is asked for, once: the graph (base
CSR, memory-mapped, with the segments' follow changes spliced in; accounts
with the segments' account events applied), an extra table, a meta document,
the source log. Writers use the same object for the lookups a commit needs
(ids of keys, whether follows exist, when they were last seen) without
building the whole graph.

The rules that combine base and segments are those of
:mod:`graphkit.workspace.datafiles` (which other engines follow):

* **accounts** — base row ``i`` is id ``i``; each account event sets, for its
  ``id``, every column it gives (a non-empty value); later events win. Ids
  past the base are the accounts the segments added, each with its ``key``.
* **follows** — the base's follows, then each follow's events in order: a
  follow whose last event is a sighting is current, an end removes it.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables
>>> from graphkit.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp() + "/ws")
>>> _ = ws.commit([SourceTables.from_pairs("a.csv", [("a", "b"), ("b", "a")])])  # the base
>>> _ = ws.commit([SourceTables.from_pairs("b.csv", [("b", "c")])])              # a segment
>>> snapshot = ws.snapshot
>>> [decode(codes)[1].tolist() for codes in snapshot.net_follows()]  # followees added, removed
[[2], []]
>>> snapshot.csr("out")[1].tolist(), snapshot.n_base, snapshot.n_accounts
([1, 0, 2], 2, 3)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from graphkit import arrow_arrays as arrow
from graphkit.errors import WorkspaceError
from graphkit.graph import FollowGraph, gather_rows
from graphkit.lazy import lazy_module
from graphkit.workspace.accounts import apply_account_events, events_frame
from graphkit.workspace.aliases import AliasTable
from graphkit.workspace.follows import (
    SIGHT,
    Events,
    Spells,
    contains,
    decode,
    encode,
    find_in_rows,
    last_events,
    replay,
    splice,
    swap,
)
from graphkit.workspace.keys import KeyIndex, as_arrow
from graphkit.workspace.manifest import live_files
from graphkit.workspace.segments import concat_tables, follow_arrays
from graphkit.workspace.storage import (
    NO_SECONDS,
    crc32_of,
    one_line,
    read_json,
    read_table,
    seconds_of,
    to_seconds,
)

pd = lazy_module("pandas")

__all__ = ["Snapshot", "CSR_FILES", "HISTORY_COLUMNS", "KEYS_FILE", "source_key",
           "SOURCE_COLUMNS"]

CSR_FILES = ("out_indptr", "out_indices", "in_indptr", "in_indices")
#: The base's keys as an uncompressed Arrow file (large_string), opened memory-mapped.
KEYS_FILE = "keys.arrow"
#: The history columns of a base's ``follows.parquet`` (beside ``follower``, ``followee``).
HISTORY_COLUMNS = ("first_seen", "last_seen", "listed")


def source_key(path: str, kind: str | None, owner: str | None) -> str:
    """The identity of a source for reloads: its path, kind and owner, as one string.

    >>> source_key("p.csv", "profiles", None)
    '["p.csv", "profiles", null]'
    """
    import json

    return json.dumps([str(path), kind, owner])


class Snapshot:
    """The generation a manifest describes, read lazily."""

    def __init__(self, path: Path, manifest: dict) -> None:
        self.path = path
        self.manifest = manifest
        self.base = manifest.get("base")
        self.segments = list(manifest.get("segments", []))
        self.legacy = manifest.get("legacy")
        self._cache: dict = {}

    @property
    def generation(self) -> int:
        return int(self.manifest.get("generation", 0))

    @property
    def is_empty(self) -> bool:
        return self.base is None

    @property
    def n_base(self) -> int:
        return int(self.base.get("accounts", 0)) if self.base else 0

    def damaged(self, what: str) -> WorkspaceError:
        """The error for damage found: what is wrong, that nothing was rebuilt, the way out."""
        paths = []
        if not self._cache.get("reporting"):  # the source log may be the damaged part
            self._cache["reporting"] = True
            try:
                paths = self.sources(["path"])["path"].astype(str).tolist()
            except WorkspaceError:
                pass
            finally:
                self._cache["reporting"] = False
        shown = ", ".join(paths[:5]) + (", ..." if len(paths) > 5 else "")
        return WorkspaceError(
            f"workspace {self.path} is damaged: {what}. Nothing was rebuilt from partial data. "
            f"Restore the folder from a backup, or delete it and load the sources again"
            + (f" ({shown})" if shown else "")
        )

    # -- files --------------------------------------------------------------------------
    def verify(self, *, deep: bool = False) -> None:
        """Check every file the manifest names: present, its size, and with ``deep`` its CRC-32."""
        for relative, record in live_files(self.manifest):
            file = self.path / relative
            try:
                actual = file.stat().st_size
            except FileNotFoundError:
                raise self.damaged(f"{file} is missing") from None
            except OSError as err:
                raise self.damaged(f"{file} cannot be read ({err.strerror})") from err
            if actual != record["bytes"]:
                raise self.damaged(f"{file} has {actual:,} bytes, the manifest says {record['bytes']:,}")
            if deep and record.get("crc32"):
                try:
                    crc = crc32_of(file)
                except OSError as err:
                    raise self.damaged(f"{file} cannot be read ({err.strerror})") from err
                if crc != record["crc32"]:
                    raise self.damaged(f"{file} does not match the checksum recorded when it was written")

    def _read(self, folder: str, name: str, columns: list[str] | None = None) -> pa.Table:
        file = self.path / folder / name
        try:
            return read_table(file, columns)
        except Exception as err:  # OSError, or pyarrow's own error types for corrupt files
            raise self.damaged(f"{file} cannot be read ({one_line(err)})") from err

    def read_base(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """A Parquet file of the base (a damaged one raises the "damaged" error)."""
        return self._read(self.base["name"], name, columns)

    def read_base_schema(self, name: str) -> pa.Schema:
        """The Arrow schema of a Parquet file of the base (its footer only, read once)."""
        cache = ("base_schema", name)
        if cache not in self._cache:
            file = self.path / self.base["name"] / name
            try:
                self._cache[cache] = pq.ParquetFile(file).schema_arrow
            except Exception as err:  # OSError, or pyarrow's own error types for corrupt files
                raise self.damaged(f"{file} cannot be read ({one_line(err)})") from err
        return self._cache[cache]

    def read_segment_file(self, segment: dict, name: str) -> pa.Table:
        """A Parquet file of one segment (its manifest record)."""
        return self._read(segment["name"], name)

    def _has_base_file(self, name: str) -> bool:
        return bool(self.base) and name in (self.base.get("files") or {})

    def _segment_part(self, name: str) -> pa.Table | None:
        """One file of every segment (``accounts.parquet``, ...), one after the other."""
        if name not in self._cache:
            parts = [self._read(s["name"], name) for s in self.segments if name in s["files"]]
            self._cache[name] = concat_tables(parts)
        return self._cache[name]

    # -- accounts -----------------------------------------------------------------------
    def base_accounts(self) -> pd.DataFrame:
        if "base_accounts" not in self._cache:
            if self.is_empty:
                accounts = pd.DataFrame({"key": pd.array([], dtype="string"), "observed": np.array([], dtype=bool)})
            elif self._has_base_file(KEYS_FILE):  # keys memory-mapped; the other columns decoded
                names = pq.ParquetFile(self.path / self.base["name"] / "accounts.parquet").schema_arrow.names
                accounts = self._read(self.base["name"], "accounts.parquet", [n for n in names if n != "key"]).to_pandas()
                accounts.insert(0, "key", pd.Series(pd.arrays.ArrowStringArray(self.base_keys()), index=accounts.index))
            else:
                accounts = self._read(self.base["name"], "accounts.parquet").to_pandas()
                accounts["key"] = accounts["key"].astype("string")
            pa.default_memory_pool().release_unused()  # parquet decoding buffers
            self._cache["base_accounts"] = accounts
        return self._cache["base_accounts"]

    def base_keys(self) -> pa.Array:
        """The base's keys: memory-mapped from ``keys.arrow`` (no decoding: a commit looking up
        a few keys reads only what it scans), else the key column of ``accounts.parquet``."""
        if "base_keys" not in self._cache:
            if self.is_empty:
                self._cache["base_keys"] = arrow.empty(pa.large_string())
            elif self._has_base_file(KEYS_FILE):
                file = self.path / self.base["name"] / KEYS_FILE
                try:
                    with pa.memory_map(str(file)) as source:
                        keys = pa.ipc.open_file(source).read_all().column("key")
                    keys = keys.combine_chunks() if keys.num_chunks != 1 else keys.chunk(0)
                except Exception as err:  # OSError, or pyarrow's error for a damaged file
                    raise self.damaged(f"{file} cannot be read ({one_line(err)})") from err
                if len(keys) != self.n_base:
                    raise self.damaged(f"{file} does not match the manifest's counts")
                self._cache["base_keys"] = keys
            elif "base_accounts" in self._cache:
                self._cache["base_keys"] = as_arrow(self._cache["base_accounts"]["key"])
            else:
                table = self._read(self.base["name"], "accounts.parquet", ["key"])
                self._cache["base_keys"] = as_arrow(table.column("key"))
        return self._cache["base_keys"]

    def account_events(self) -> pd.DataFrame | None:
        """Every segment's account events, in order."""
        if "account_events" not in self._cache:
            table = self.account_event_table()
            self._cache["account_events"] = None if table is None else events_frame(table)
        return self._cache["account_events"]

    def account_event_table(self) -> pa.Table | None:
        """Every segment's account events as stored (Arrow; :meth:`account_events` as pandas)."""
        if "account_event_table" not in self._cache:
            self._cache["account_event_table"] = self._segment_part("accounts.parquet")
        return self._cache["account_event_table"]

    def accounts(self) -> pd.DataFrame:
        """The current accounts (row = id)."""
        return apply_account_events(self.base_accounts(), self.account_events())

    def key_index(self) -> KeyIndex:
        if "key_index" not in self._cache:
            events = self.account_event_table()
            renamed: dict[int, str] = {}
            added: list[str] = []
            if events is not None and "key" in events.column_names:
                keyed = events.filter(events.column("key").is_valid())
                for account, key in zip(keyed.column("id").to_pylist(), keyed.column("key").to_pylist()):
                    if account >= self.n_base + len(added) and account == self.n_base + len(added):
                        added.append(key)
                    else:
                        renamed[account] = key
            self._cache["key_index"] = KeyIndex(self.base_keys(), renamed, arrow.array(added, pa.string()))
        return self._cache["key_index"]

    def observed(self, ids: np.ndarray) -> np.ndarray:
        """Whether each id is observed now."""
        ids = np.asarray(ids, dtype=np.int64)
        out = np.zeros(len(ids), dtype=bool)
        in_base = ids < self.n_base
        if in_base.any():
            if "base_accounts" in self._cache:
                flags = self._cache["base_accounts"]["observed"].to_numpy(dtype=bool)
            else:
                if "base_observed" not in self._cache:
                    table = self._read(self.base["name"], "accounts.parquet", ["observed"])
                    self._cache["base_observed"] = arrow.filled(table.column("observed"), False).astype(bool)
                flags = self._cache["base_observed"]
            out[in_base] = flags[ids[in_base]]
        events = self.account_event_table()
        if events is not None and "observed" in events.column_names:
            marked = arrow.to_numpy(events.column("id").filter(arrow.from_numpy(arrow.filled(events.column("observed"), False))))
            out |= np.isin(ids, marked.astype(np.int64))
        return out

    # -- follows ------------------------------------------------------------------------
    def base_csr(self, direction: str) -> tuple[np.ndarray, np.ndarray]:
        key = f"base_csr_{direction}"
        if key not in self._cache:
            if self.is_empty:
                self._cache[key] = (np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32))
            else:
                folder = self.path / self.base["name"]
                try:
                    arrays = tuple(np.load(folder / f"{direction}_{part}.npy", mmap_mode="r")
                                   for part in ("indptr", "indices"))
                except (OSError, ValueError) as err:
                    raise self.damaged(f"a data file cannot be read ({one_line(err)})") from err
                if len(arrays[0]) != self.n_base + 1 or int(arrays[0][-1]) != len(arrays[1]):
                    raise self.damaged(f"the {direction} arrays of {self.base['name']} do not match its counts")
                self._cache[key] = arrays
        return self._cache[key]

    def follow_events(self) -> Events:
        """Every segment's follow events, in order."""
        if "follow_events" not in self._cache:
            self._cache["follow_events"] = follow_arrays(self._segment_part("follows.parquet"))
        return self._cache["follow_events"]

    def base_contains(self, codes: np.ndarray) -> np.ndarray:
        """Whether each follow code is in the base."""
        codes = np.asarray(codes, dtype=np.int64)
        out = np.zeros(len(codes), dtype=bool)
        if self.is_empty or not len(codes):
            return out
        src, dst = decode(codes)
        inside = src < self.n_base
        if inside.all():
            return contains(*self.base_csr("out"), src, dst)
        if inside.any():
            out[inside] = contains(*self.base_csr("out"), src[inside], dst[inside])
        return out

    def net_follows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(added, removed)``: codes the segments add to the base's follows, and take out."""
        if "net_follows" not in self._cache:
            events = self.follow_events()
            touched, last = last_events(events.codes, events.kinds)
            in_base = self.base_contains(touched)
            current = last == SIGHT
            self._cache["net_follows"] = (touched[current & ~in_base], touched[~current & in_base])
        return self._cache["net_follows"]

    def contains(self, codes: np.ndarray) -> np.ndarray:
        """Whether each follow code is current."""
        codes = np.asarray(codes, dtype=np.int64)
        present = self.base_contains(codes)
        added, removed = self.net_follows()
        if len(added):
            present |= np.isin(codes, added)
        if len(removed):
            present &= ~np.isin(codes, removed)
        return present

    def csr(self, direction: str) -> tuple[np.ndarray, np.ndarray]:
        """The current CSR of one direction (the base's memory-mapped arrays when unchanged)."""
        indptr, indices = self.base_csr(direction)
        added, removed = self.net_follows()
        n = self.n_accounts
        if n > len(indptr) - 1:  # accounts added by segments: empty rows at the end
            indptr = np.concatenate([np.asarray(indptr), np.full(n - len(indptr) + 1, indptr[-1], dtype=np.int64)])
        if direction == "in":
            added, removed = swap(added), swap(removed)
        try:
            return splice(indptr, indices, added, removed)
        except ValueError as err:
            raise self.damaged(f"the segments do not fit the base ({err})") from err

    @property
    def n_accounts(self) -> int:
        return int(self.manifest["counts"]["accounts"])

    def current_codes(self, ids: np.ndarray, direction: str) -> np.ndarray:
        """Codes of the current follows of ``ids``: those they follow (``out``) or that follow
        them (``in``), sorted."""
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        indptr, indices = self.base_csr(direction)
        inside = ids[ids < self.n_base]
        others = gather_rows(indptr, indices, inside).astype(np.int64)
        owners = np.repeat(inside, np.asarray(indptr[inside + 1]) - np.asarray(indptr[inside]))
        codes = encode(owners, others) if direction == "out" else encode(others, owners)
        added, removed = self.net_follows()
        side = 0 if direction == "out" else 1
        plus = added[np.isin(decode(added)[side], ids)]
        minus = removed[np.isin(decode(removed)[side], ids)]
        return np.union1d(np.setdiff1d(codes, minus), plus)

    def base_spells_of(self, codes: np.ndarray) -> Spells:
        """The open spells of base follows (``codes``: sorted, all held by the base)."""
        codes = np.asarray(codes, dtype=np.int64)
        no_end = np.full(len(codes), NO_SECONDS, np.int64)
        if self.legacy or not len(codes):  # a version-1 base knows only when it was written
            when = to_seconds(self.legacy["loaded_at"]) if self.legacy and self.legacy.get("loaded_at") else 0
            seen = np.full(len(codes), when, np.int64)
            return Spells(codes, seen, seen.copy(), no_end, np.zeros(len(codes), np.int8))
        src, dst = decode(codes)
        positions, found = find_in_rows(*self.base_csr("out"), src, dst)
        if not found.all():
            raise ValueError("base_spells_of asked about a follow the base does not hold")
        file = self.path / self.base["name"] / "follows.parquet"
        try:  # only the row groups holding the wanted follows
            reader = pq.ParquetFile(file)
            sizes = [reader.metadata.row_group(i).num_rows for i in range(reader.metadata.num_row_groups)]
            starts = np.cumsum([0, *sizes])
            group_of = np.searchsorted(starts, positions, side="right") - 1
            groups = np.unique(group_of)
            table = reader.read_row_groups(groups.tolist(), columns=list(HISTORY_COLUMNS), use_threads=False)
        except Exception as err:
            raise self.damaged(f"{file} cannot be read ({one_line(err)})") from err
        offsets = np.concatenate([[0], np.cumsum([sizes[g] for g in groups])])
        local = arrow.array(positions - starts[group_of] + offsets[np.searchsorted(groups, group_of)], pa.int64())
        listed = arrow.filled(table.column("listed").take(local), 0).astype(np.int8)
        return Spells(codes, seconds_of(table.column("first_seen").take(local)),
                      seconds_of(table.column("last_seen").take(local)), no_end, listed)

    def current_spells(self, codes: np.ndarray) -> Spells:
        """The open spells of those of ``codes`` that are current, sorted by code."""
        codes = np.unique(np.asarray(codes, dtype=np.int64))
        start = self.base_spells_of(codes[self.base_contains(codes)])
        events = self.follow_events()
        current, _ = replay(start, events.take(np.isin(events.codes, codes)))
        return current

    def graph(self) -> FollowGraph:
        """The current :class:`FollowGraph` (checked against the manifest's counts)."""
        if self.is_empty:
            return FollowGraph(self.base_accounts(), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32))
        self.verify()
        accounts = self.accounts()
        counts = self.manifest["counts"]
        if len(accounts) != counts["accounts"]:
            raise self.damaged("the data files do not match the manifest's counts")
        out_indptr, out_indices = self.csr("out")
        if int(out_indptr[-1]) != counts["follows"]:
            raise self.damaged("the data files do not match the manifest's counts")
        if not self.segments:
            return FollowGraph(accounts, out_indptr, out_indices, *self.csr("in"))
        return FollowGraph(accounts, out_indptr, out_indices, reverse=lambda: self.csr("in"))

    # -- aliases, tables, meta, sources ---------------------------------------------------------
    def aliases(self) -> AliasTable:
        """The resolved alias table: the base's, then each commit's pairs in the segments."""
        if "aliases" not in self._cache:
            has_base = self._has_base_file("tables/aliases.parquet")
            table = AliasTable.from_table(self.read_base("tables/aliases.parquet") if has_base else None)
            pairs = self._segment_part("aliases.parquet")
            if pairs is not None:
                gens = arrow.to_numpy(pairs.column("gen"))
                aliases, keys = pairs.column("alias").to_pylist(), pairs.column("key").to_pylist()
                bounds = [0, *np.flatnonzero(gens[1:] != gens[:-1]) + 1, len(gens)]
                for start, end in zip(bounds[:-1], bounds[1:]):  # resolved commit by commit
                    table, _ = table.apply(zip(aliases[start:end], keys[start:end]))
            self._cache["aliases"] = table
        return self._cache["aliases"]

    def table_names(self) -> list[str]:
        return list(self.manifest.get("tables", []))

    def base_table(self, name: str) -> pd.DataFrame:
        if self._has_base_file(f"tables/{name}.parquet"):
            return self._read(self.base["name"], f"tables/{name}.parquet").to_pandas()
        return pd.DataFrame()

    def table(self, name: str) -> pd.DataFrame:
        """An extra table: the base's rows and every segment's, duplicates dropped."""
        if name == "aliases" and any("aliases.parquet" in s["files"] for s in self.segments):
            return self.aliases().to_frame()
        parts = [self.base_table(name)] if self.base else []
        parts += [self._read(s["name"], f"tables/{name}.parquet").to_pandas()
                  for s in self.segments if f"tables/{name}.parquet" in s["files"]]
        parts = [p for p in parts if len(p.columns)]
        if not parts:
            return pd.DataFrame()
        if len(parts) == 1 and not self.segments:
            return parts[0]
        return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)

    def meta_documents(self) -> dict[str, dict]:
        """Every meta document (later commits win; ``None`` removes)."""
        if "meta" not in self._cache:
            documents: dict = {}
            if self.legacy:
                documents.update(self.legacy.get("meta") or {})
            elif self._has_base_file("meta.json"):
                documents.update(self._read_json(self.base["name"], "meta.json"))
            for segment in self.segments:
                if "meta.json" in segment["files"]:
                    documents.update(self._read_json(segment["name"], "meta.json"))
            self._cache["meta"] = {k: v for k, v in documents.items() if v is not None}
        return self._cache["meta"]

    def _read_json(self, folder: str, name: str) -> dict:
        file = self.path / folder / name
        try:
            content = read_json(file)
        except (OSError, ValueError) as err:
            raise self.damaged(f"{file} cannot be read ({one_line(err)})") from err
        if not isinstance(content, dict):
            raise self.damaged(f"{file} is not a JSON object")
        return content

    def sources_table(self, columns: list[str] | None = None) -> pa.Table | None:
        """The source log as stored (``None``: no source yet); see :meth:`sources`."""
        cache = ("sources_table", tuple(columns or ()))
        if cache not in self._cache:
            parts = []
            if self.legacy:
                parts.append(legacy_sources(self.legacy.get("sources") or []).select(columns or SOURCE_COLUMNS))
            elif self._has_base_file("sources.parquet"):
                parts.append(self._read(self.base["name"], "sources.parquet", columns))
            parts += [self._read(s["name"], "sources.parquet", columns)
                      for s in self.segments if "sources.parquet" in s["files"]]
            self._cache[cache] = concat_tables(parts)
        return self._cache[cache]

    def sources(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The source log: one row per source loaded, oldest first (``columns``: only those)."""
        cache = ("sources", tuple(columns or ()))
        if cache not in self._cache:
            table = self.sources_table(columns)
            frame = empty_sources() if table is None else table.to_pandas()
            self._cache[cache] = frame if columns is None else frame.reindex(columns=columns)
        return self._cache[cache]

    def check_counts(self) -> None:
        """The manifest's records agree with each other and with the base's arrays (cheap)."""
        if self.is_empty:
            return
        counts = self.manifest["counts"]
        last = self.segments[-1] if self.segments else self.base
        if counts["accounts"] != last.get("accounts") or counts["follows"] != last.get("follows", counts["follows"]):
            raise self.damaged("the data files do not match the manifest's counts")
        indptr, _ = self.base_csr("out")
        if self.base.get("follows") is not None and int(indptr[-1]) != self.base["follows"]:
            raise self.damaged("the data files do not match the manifest's counts")


SOURCE_COLUMNS = ("path", "format", "kind", "owner", "key", "fingerprint", "loaded_at", "report", "gen")


def empty_sources() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in SOURCE_COLUMNS})


def legacy_sources(entries: list[dict]) -> pa.Table:
    """A version-1 manifest's list of sources as a source log."""
    import json

    rows = []
    for entry in entries:
        fingerprint = entry.get("fingerprint") or {}
        rows.append({
            "path": str(entry.get("path")), "format": entry.get("format"), "kind": fingerprint.get("kind"),
            "owner": fingerprint.get("owner"),
            "key": source_key(entry.get("path"), fingerprint.get("kind"), fingerprint.get("owner")) if fingerprint else None,
            "fingerprint": json.dumps(fingerprint, sort_keys=True) if fingerprint else None,
            "loaded_at": entry.get("loaded_at"), "report": json.dumps(entry.get("report") or {}), "gen": 0,
        })
    schema = pa.schema([(c, pa.int32() if c == "gen" else pa.string()) for c in SOURCE_COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


