"""A commit's changes, computed from its sources against the current snapshot.

:class:`DeltaBuilder` takes the sources of one commit in order and works out,
without building the whole graph:

* the **ids** of every key they name (existing, new, or re-keyed by an alias;
  see :mod:`graphkit.workspace.keys`) — all keys are dictionary-encoded
  together by pyarrow, so no Python loop runs per key or per follow;
* **account events**: new accounts, renames, attribute values (with the time
  the source was loaded), accounts becoming observed, dropped self-follows;
* **follow events**: a sighting of every follow the sources hold (at the
  source's ``seen_at``, else the load time), marked as *held* when the source
  is its follower's whole following list or its followee's whole followers list
  (``complete_following`` / ``complete_followers``); and an **end** for every
  current follow of such a list's owner that this commit did not see and that
  an earlier whole list of the owner, on the same side, held. A list only
  retracts what a list of its kind said: a brand's followers list and a
  follower's scraped following list do not cancel each other. If the list's
  sighting began at a given time (a crawl committed page by page), the follows
  seen since then are the list's;
* the **reports** (accounts and follows added, duplicates, self-follows) and
  the counts after the commit.

The result, a :class:`Delta`, is written as a segment or folded into a new
base by :mod:`graphkit.workspace.compaction`.

Examples
--------
>>> import tempfile, pathlib
>>> from graphkit.workspace.manifest import empty_manifest
>>> snap = Snapshot(pathlib.Path(tempfile.mkdtemp()), empty_manifest())
>>> builder = DeltaBuilder(snap, generation=1, loaded_at="2026-01-01T00:00:00+00:00")
>>> print(builder.add(SourceTables.from_pairs("x.csv", [("a", "b"), ("a", "a")]), None))
x.csv (pairs): 2 rows read, 0 accounts added, 0 follows added, 0 duplicates, 0 self-follows dropped
>>> delta = builder.finish()
>>> [str(r) for r in delta.reports]
['x.csv (pairs): 2 rows read, 2 accounts added, 1 follows added, 0 duplicates, 1 self-follows dropped']
>>> delta.counts
{'accounts': 2, 'follows': 1, 'observed': 0}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit import arrow_arrays as arrow
from graphkit.errors import GraphkitError
from graphkit.graph import unique_ints
from graphkit.lazy import lazy_module
from graphkit.progress import Progress
from graphkit.tables import LoadReport, SourceTables
from graphkit.workspace.accounts import concat_events, events_as_frame, flag_events, keyed_events
from graphkit.workspace.aliases import AliasTable
from graphkit.workspace.follows import (
    BY_FOLLOWEE,
    BY_FOLLOWER,
    END,
    NO_TIME,
    SIGHT,
    Events,
    constant,
    decode,
    is_constant,
    sorted_unique,
)
from graphkit.workspace.keys import Identity, as_arrow, assign_ids
from graphkit.workspace.segments import SegmentData, frame_to_table
from graphkit.workspace.snapshot import SOURCE_COLUMNS, Snapshot, source_key
from graphkit.workspace.storage import to_seconds

pd = lazy_module("pandas")

__all__ = ["Delta", "DeltaBuilder"]

#: The type keys are encoded in (what pandas' ``string`` columns hold: no conversion per source).
_KEY_TYPE = pa.large_string()

#: Columns of account events that are not attributes: an attribute of that name becomes ``extra_NAME``
#: (as the loaders do with ``key`` and ``observed``).
_BOOKKEEPING = {"id", "loaded_at", "gen", "graph_id"}


class _SharedDictionary(NamedTuple):
    """The dictionary a source's chunks share: its memory (:func:`_identity`), its key part,
    and the highest code the chunks so far named (they name new keys in order)."""

    identity: tuple
    part: int
    reached: int


@dataclass
class Delta:
    """The changes of one commit (ids already assigned)."""

    generation: int
    n_before: int
    identity: Identity
    #: an Arrow table when no source gave attributes (built without pandas), else a pandas frame
    account_events: pd.DataFrame | pa.Table | None
    follows: Events
    sources: pa.Table | None
    tables: dict[str, pd.DataFrame]
    alias_pairs: pd.DataFrame | None
    aliases_after: AliasTable | None
    counts: dict[str, int]
    reports: list[LoadReport]
    meta: dict[str, dict | None] = field(default_factory=dict)

    @property
    def needs_rewrite(self) -> bool:
        """Whether two stored accounts became one (ids shift: only a new base can say that)."""
        return bool(self.identity.merged)

    @property
    def size(self) -> dict[str, int]:
        return {"account_events": 0 if self.account_events is None else len(self.account_events),
                "follow_events": len(self.follows)}

    def events_frame(self) -> pd.DataFrame | None:
        """The account events as a pandas frame (as the sources' frames make them)."""
        events = self.account_events
        return events_as_frame(events) if isinstance(events, pa.Table) else events

    def as_segment(self) -> SegmentData:
        """The delta as a segment's tables (every row tagged with this generation)."""
        gen = self.generation
        accounts = None
        if isinstance(self.account_events, pa.Table) and self.account_events.num_rows:
            events = self.account_events
            accounts = events.append_column("gen", arrow.from_numpy(np.full(events.num_rows, gen, dtype=np.int32)))
            accounts = arrow.with_pandas_metadata(accounts, {"id": "int32", "key": "string", "observed": "boolean",
                                                             "follows_self": "boolean", "gen": "int32"})
        elif self.account_events is not None and len(self.account_events):
            frame = self.account_events.copy()
            frame["gen"] = np.int32(gen)
            accounts = frame_to_table(frame)
        follows = SegmentData.follow_events(self.follows, gen) if len(self.follows) else None
        aliases = None
        if self.alias_pairs is not None and len(self.alias_pairs):
            frame = self.alias_pairs.copy()
            frame["gen"] = np.int32(gen)
            aliases = frame_to_table(frame)
        tables = {name: frame_to_table(frame) for name, frame in self.tables.items() if len(frame)}
        return SegmentData(accounts, follows, self.sources, aliases, tables, dict(self.meta))


class DeltaBuilder:
    """Accumulates a commit's sources (:meth:`add`), then assigns ids and events (:meth:`finish`)."""

    #: build the account events of a commit whose sources give no attributes in Arrow (False:
    #: in pandas, as every commit with attributes does; the tests compare the two)
    arrow_events: bool = True

    def __init__(self, snapshot: Snapshot, generation: int, loaded_at: str) -> None:
        self.snapshot = snapshot
        self.generation = generation
        self.loaded_at = loaded_at
        self.now = to_seconds(loaded_at)
        self.key_parts: list[pa.Array] = []
        #: part index -> (part of its dictionary, int32 codes into it): dictionary-encoded follows
        self.mapped: dict[int, tuple[int, np.ndarray]] = {}
        self.plan: list[tuple] = []  # (source index, role, ...)
        self.reports: list[LoadReport] = []
        self.times: list[int] = []
        self.updates: list[tuple[int, pd.DataFrame, int]] = []  # (key part, attributes, time)
        self.alias_frames: list[pd.DataFrame] = []
        self.extra: dict[str, list[pd.DataFrame]] = {}
        self.log: list[dict] = []
        #: the dictionary the current source's chunks share, while they share one
        self._shared: _SharedDictionary | None = None
        #: (part, ids of its keys): the ids of the shared dictionary the last chunk used
        self._shared_ids: tuple | None = None

    def _part(self, values) -> int:
        self.key_parts.append(as_arrow(values, _KEY_TYPE))
        return len(self.key_parts) - 1

    # -- reading sources ----------------------------------------------------------------------
    def add(self, source: SourceTables, progress: Progress | None) -> LoadReport:
        """Take one source (its follows are read chunk by chunk); its report, completed by :meth:`finish`."""
        index = len(self.reports)
        report = LoadReport(source.path, source.format, rows_read=source.rows_read, rejected=list(source.rejected))
        self.reports.append(report)
        when = to_seconds(source.seen_at) if source.seen_at else self.now
        self.times.append(when)
        aliases = source.extra_tables.get("aliases")
        if aliases is not None and len(aliases):
            self.alias_frames.append(aliases[["alias", "key"]].astype("string"))
        for name, frame in source.extra_tables.items():
            if name != "aliases" and len(frame.columns):
                self.extra.setdefault(name, []).append(frame)
        accounts = source.accounts
        if accounts is not None and len(accounts):
            part = self._part(accounts["key"])
            self.plan.append((index, "accounts", part))
            if len(accounts.columns) > 1:  # attributes beside the key
                update = accounts.drop(columns=["key"]).reset_index(drop=True)
                update = update.rename(columns={c: f"extra_{c}" for c in update.columns if c in _BOOKKEEPING})
                self.updates.append((part, update, when))
        if source.observed:
            self.plan.append((index, "observed", self._part(sorted(source.observed))))
        for chunk in source.follows:
            if not len(chunk):
                continue
            follower, followee = self._follow_parts(chunk)
            self.plan.append((index, "follows", follower, followee, source.observe_followers))
            if progress is not None:
                progress.advance(len(chunk))
        self._end_shared()
        for direction, complete in (("out", source.complete_following), ("in", source.complete_followers)):
            if complete:
                keys = sorted(complete)
                starts = [to_seconds(complete[k]) if complete[k] else None for k in keys]
                self.plan.append((index, "complete", self._part(keys), direction, starts))
        fingerprint = source.fingerprint or {}
        self.log.append({
            "path": str(source.path), "format": source.format, "kind": fingerprint.get("kind"),
            "owner": fingerprint.get("owner"),
            "key": source_key(source.path, fingerprint.get("kind"), fingerprint.get("owner")) if fingerprint else None,
            "fingerprint": json.dumps(fingerprint, sort_keys=True, default=str) if fingerprint else None,
            "loaded_at": self.loaded_at, "report": None, "gen": self.generation,
        })
        return report

    def _follow_parts(self, chunk: pd.DataFrame | pa.Table) -> tuple[int, int]:
        """Key parts of a follows chunk; a shared dictionary is encoded once, not per follow.

        Loaders may hand follows as pyarrow dictionary arrays (``loaders.edges``
        does) whose one dictionary lists the chunk's keys in order of first
        appearance, followers first. Only the dictionary then joins the global
        encoding, and the follows keep their int32 codes: a follow costs 8
        bytes until :meth:`finish` instead of two strings. Chunks of one source
        may share one dictionary (an edge file's blocks do): it joins once, and
        the order of first appearance is checked across the chunks.
        """
        if isinstance(chunk, pa.Table):
            columns = (chunk.column("follower"), chunk.column("followee"))
        else:  # a pandas frame: its columns' Arrow arrays, if they hold some
            columns = (chunk["follower"].array, chunk["followee"].array)  # each column looked up once
        arrays = []
        for column in columns:
            array = column if isinstance(column, pa.ChunkedArray) else getattr(column, "_pa_array", None)
            if array is None or not pa.types.is_dictionary(array.type):
                break
            if isinstance(array, pa.ChunkedArray):  # (one chunk: no copy of a shared dictionary)
                array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
            arrays.append(array)
        if len(arrays) == 2 and not arrays[0].null_count + arrays[1].null_count:
            keys = arrays[0].dictionary
            identity = _identity(keys)
            if identity == _identity(arrays[1].dictionary) or keys.equals(arrays[1].dictionary):
                again = self._shared is not None and self._shared.identity == identity
                codes = [arrow.to_numpy(a.indices) for a in arrays]
                reached = _appearance(np.concatenate(codes), self._shared.reached if again else -1)
                if reached is not None:
                    shared = self._shared.part if again else self._part(keys)
                    self._shared = _SharedDictionary(identity, shared, reached)
                    nothing = arrow.empty(_KEY_TYPE)
                    follower, followee = self._part(nothing), self._part(nothing)
                    self.mapped[follower] = (shared, codes[0])
                    self.mapped[followee] = (shared, codes[1])
                    return follower, followee
        self._shared = None  # (the strings below name their keys themselves: nothing left to check)
        return self._part(columns[0]), self._part(columns[1])

    def _end_shared(self) -> None:
        """After a source's chunks: its shared dictionary must have named every key it holds."""
        if self._shared is not None and self._shared.reached != len(self.key_parts[self._shared.part]) - 1:
            raise GraphkitError("internal: a loader's dictionary holds keys that none of its follows uses")
        self._shared = None

    # -- ids -------------------------------------------------------------------------------
    def _encode(self) -> tuple[pa.Array, list[np.ndarray]]:
        """All keys dictionary-encoded together: the distinct keys and each part's codes."""
        if not self.key_parts:
            return arrow.empty(_KEY_TYPE), []
        encoded = pc.dictionary_encode(pa.chunked_array(self.key_parts, type=_KEY_TYPE))
        dictionary = encoded.chunks[0].dictionary if encoded.num_chunks else arrow.empty(_KEY_TYPE)
        indices = pa.concat_arrays([chunk.indices for chunk in encoded.chunks]) if encoded.num_chunks else arrow.empty(pa.int32())
        if indices.null_count:
            raise GraphkitError("internal: an empty account key reached the workspace")
        flat = arrow.to_numpy(indices).astype(np.int32, copy=False)
        del indices
        bounds = np.cumsum([0, *(len(part) for part in self.key_parts)])  # empty parts are dropped: use lengths
        codes = [flat[bounds[i]: bounds[i + 1]] for i in range(len(self.key_parts))]
        self.key_parts = []
        pa.default_memory_pool().release_unused()
        return dictionary, codes

    def _ids(self, ids_of_keys: np.ndarray, codes: list[np.ndarray], part: int) -> np.ndarray:
        if part in self.mapped:
            shared, local = self.mapped.pop(part)
            if self._shared_ids is None or self._shared_ids[0] != shared:  # (chunks of a file share one)
                self._shared_ids = (shared, ids_of_keys[codes[shared]])
            return self._shared_ids[1][local]
        return ids_of_keys[codes[part]]

    # -- the delta ----------------------------------------------------------------------------
    def finish(self) -> Delta:
        snapshot = self.snapshot
        n_before = snapshot.n_accounts
        dictionary, codes = self._encode()
        pairs = pd.concat(self.alias_frames, ignore_index=True) if self.alias_frames else None
        if len(dictionary) or pairs is not None:
            before = snapshot.aliases()
            after, changed = before.apply(zip(pairs["alias"].astype(str), pairs["key"].astype(str))) \
                if pairs is not None else (before, {})
            identity = assign_ids(dictionary, snapshot.key_index(), after, changed)
        else:  # nothing named (a commit of meta documents, or of empty sources): no lookups
            after, identity = None, Identity(np.empty(0, np.int64), dictionary)
        ids_of_keys = identity.ids

        n_sources = len(self.reports)
        # every entry's ids; the largest id each source names (for "accounts added")
        named = np.full(n_sources, n_before - 1, dtype=np.int64)
        complete: list[tuple[int, str, np.ndarray, list]] = []
        observed: list[np.ndarray] = []
        follow_entries = []
        for entry in self.plan:
            index, role = entry[0], entry[1]
            if role == "follows":
                follow_entries.append(entry)
                continue
            ids = self._ids(ids_of_keys, codes, entry[2])
            if len(ids):
                named[index] = max(named[index], int(ids.max()))
            if role == "observed":
                observed.append(ids)
            elif role == "complete":
                complete.append((index, entry[3], ids, entry[4]))
        rows, tags, kept_rows, self_counts, self_follows = self._follow_rows(
            follow_entries, ids_of_keys, codes, named, observed, complete)
        # accounts added: the new ids a source names first (sources in order)
        reached = np.maximum.accumulate(named)
        previous = np.r_[n_before - 1, reached[:-1]]
        for index, report in enumerate(self.reports):
            report.accounts_added = int(max(0, reached[index] - previous[index]))
            report.self_follows = int(self_counts[index])

        seen, added = self._sightings(rows, tags, n_sources)
        del rows, tags
        for index, report in enumerate(self.reports):
            report.follows_added = int(added[index])
            report.duplicates = int(kept_rows[index]) - report.follows_added
        lists_events = self._lists(complete, seen)
        n_ended = int((lists_events.kinds == END).sum())
        observed_ids = sorted_unique(np.concatenate(observed)) if observed else np.empty(0, np.int64)
        newly_observed = int((~snapshot.observed(observed_ids[observed_ids < n_before])).sum()) + int((observed_ids >= n_before).sum())

        counts = snapshot.manifest["counts"]
        after_counts = {
            "accounts": n_before + len(identity.new_keys),
            "follows": int(counts["follows"]) + int(added.sum()) - n_ended,
            "observed": int(counts.get("observed", 0)) + newly_observed,
        }
        for index, report in enumerate(self.reports):
            self.log[index]["report"] = json.dumps(report.as_dict())
        sources = pa.Table.from_arrays(
            [arrow.from_numpy(np.array([row[c] for row in self.log], dtype=np.int32)) if c == "gen"
             else arrow.strings([row[c] for row in self.log]) for c in SOURCE_COLUMNS], names=list(SOURCE_COLUMNS),
        ) if self.log else None
        return Delta(
            generation=self.generation, n_before=n_before, identity=identity,
            account_events=self._account_events(identity, ids_of_keys, codes, observed_ids, self_follows, n_before),
            follows=Events.concat([seen, lists_events]),
            sources=sources,
            tables={name: pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
                    for name, frames in self.extra.items()},
            alias_pairs=pairs, aliases_after=after if pairs is not None else None,
            counts=after_counts, reports=self.reports,
        )

    def _follow_rows(self, entries, ids_of_keys, codes, named, observed, complete):
        """The follows of this commit as sighting events, one chunk at a time.

        Returns ``(events, tags, kept_rows, self_counts, self_follows)``: the
        events in source order (self-follows dropped), each event's source (or,
        when one source names every follow, that source's index), follows kept
        per source, self-follows per source and the accounts that follow
        themselves. Each chunk's ids go straight into one preallocated array of
        int64 codes (8 bytes a follow; no whole-load follower, followee or
        source arrays), and a column holding one value (the time, the kind, no
        ``listed`` mark) is a :func:`constant`: at 200 M follows the events take
        1.6 GB instead of 5.2.
        """
        n_sources = len(self.reports)
        kept_rows = np.zeros(n_sources, dtype=np.int64)
        self_counts = np.zeros(n_sources, dtype=np.int64)
        self_follows: list[np.ndarray] = []
        total = sum(len(self.mapped[entry[2]][1]) if entry[2] in self.mapped else len(codes[entry[2]])
                    for entry in entries)
        follows = np.empty(total, dtype=np.int64)
        lists: dict[int, list] = {}  # source -> the owners of its whole lists: (following, followers)
        for index, direction, ids, _starts in complete:
            lists.setdefault(index, [np.empty(0, np.int64), np.empty(0, np.int64)])[direction == "in"] = ids
        listed = np.zeros(total, dtype=np.int8) if lists else None
        filled, lengths, chunk_sources = 0, [], []
        for index, _role, follower, followee, observing in entries:
            src = self._ids(ids_of_keys, codes, follower)
            dst = self._ids(ids_of_keys, codes, followee)
            if len(src):
                named[index] = max(named[index], int(src.max()), int(dst.max()))
            if observing:  # (a self-follow's account is observed too)
                observed.append(unique_ints(src))
            own = src == dst
            if own.any():
                self_counts[index] += int(own.sum())
                self_follows.append(src[own])
                src, dst = src[~own], dst[~own]
            part = slice(filled, filled + len(src))
            np.left_shift(src, 32, out=follows[part], dtype=np.int64)
            follows[part] |= dst
            if index in lists:
                listed[part] = _listed(src, dst, *lists[index])
            kept_rows[index] += len(src)
            filled += len(src)
            lengths.append(len(src))
            chunk_sources.append(index)
        follows = follows[:filled]
        sources = np.array(chunk_sources, dtype=np.int32)
        single = len(set(chunk_sources)) <= 1
        tags = (chunk_sources[0] if chunk_sources else 0) if single else np.repeat(sources, lengths)
        whens = np.asarray(self.times, dtype=np.int64)[sources] if len(sources) else np.empty(0, np.int64)
        if len(set(whens.tolist())) <= 1:
            times = constant(whens[0] if len(whens) else self.now, filled, np.int64)
        else:
            times = np.repeat(whens, lengths)
        listed = constant(0, filled, np.int8) if listed is None else listed[:filled]
        events = Events(follows, constant(SIGHT, filled, np.int8), times, listed)
        return events, tags, kept_rows, self_counts, self_follows

    def _sightings(self, events: Events, tags: np.ndarray | int, n_sources: int) -> tuple[Events, np.ndarray]:
        """Distinct sightings (one per follow and time, list marks combined), and how many
        follows each source added (a follow is added by the first source naming it)."""
        added = np.zeros(n_sources, dtype=np.int64)
        if not len(events):
            return Events.empty(), added
        if isinstance(tags, int):  # one source names every follow (an edge list, say)
            unmarked = (events.listed[0] == 0) if is_constant(events.listed) else not events.listed.any()
            if unmarked:  # whatever is new after de-duplication is its own
                codes = sorted_unique(events.codes)
                added[tags] = int(np.count_nonzero(~self.snapshot.contains(codes)))
                n = len(codes)
                return Events(codes, constant(SIGHT, n, np.int8), constant(events.times[0], n, np.int64),
                              constant(0, n, np.int8)), added
            tags = np.full(len(events), tags, dtype=np.int32)
        order = np.lexsort((events.times, events.codes))  # by follow, then time: one sighting per (follow, time)
        events, tags = events.take(order), tags[order]
        head = np.r_[True, events.codes[1:] != events.codes[:-1]]
        distinct = head | np.r_[True, events.times[1:] != events.times[:-1]]
        first = np.flatnonzero(head)
        earliest = np.minimum.reduceat(tags, first)
        new = ~self.snapshot.contains(events.codes[first])
        added += np.bincount(earliest[new], minlength=n_sources)[:n_sources]
        bounds = np.flatnonzero(distinct)
        kept = events.take(bounds)
        kept.listed = np.bitwise_or.reduceat(events.listed, bounds).astype(np.int8)
        return kept, added

    def _lists(self, complete: list, seen: Events) -> Events:
        """What the full lists of this commit change besides their sightings.

        A current follow of a list's owner that this commit did not see, and
        that an earlier full list of the owner (on the same side) held, ends
        (at the time the list's sighting began, or the source's time). A list
        whose sighting began earlier (a crawl committed page by page) also
        marks as held the follows seen since it began.
        """
        marks: list[Events] = []
        ends: list[Events] = []
        for side, bit in (("out", BY_FOLLOWER), ("in", BY_FOLLOWEE)):
            owners: dict[int, tuple[int, int, int]] = {}  # owner -> (start or NO_TIME, time of the end, source)
            for index, direction, ids, starts in complete:
                if direction == side:
                    for account, start in zip(ids.tolist(), starts):
                        owners[account] = (NO_TIME if start is None else start,
                                           start if start is not None else self.times[index], index)
            if not owners:
                continue
            accounts = np.fromiter(owners, dtype=np.int64, count=len(owners))
            order = np.argsort(accounts)
            accounts = accounts[order]
            starts = np.array([owners[a][0] for a in accounts.tolist()], dtype=np.int64)
            whens = np.array([owners[a][1] for a in accounts.tolist()], dtype=np.int64)
            by = np.array([owners[a][2] for a in accounts.tolist()], dtype=np.int64)
            codes = self.snapshot.current_codes(accounts, side)
            codes = codes[~np.isin(codes, seen.codes)]
            if not len(codes):
                continue
            where = np.searchsorted(accounts, decode(codes)[0 if side == "out" else 1])
            state = self.snapshot.current_spells(codes)  # all current, sorted like codes
            held = (state.listed & bit) != 0
            recent = (starts[where] != NO_TIME) & (state.last_seen >= starts[where])
            end = held & ~recent
            if ends:  # ended by the other side's list already: once is enough
                end &= ~np.isin(codes, ends[0].codes)
            mark = recent & ~held
            marks.append(Events(codes[mark], np.full(int(mark.sum()), SIGHT, np.int8), state.last_seen[mark],
                                np.full(int(mark.sum()), bit, np.int8)))
            ends.append(Events(codes[end], np.full(int(end.sum()), END, np.int8), whens[where][end],
                               np.zeros(int(end.sum()), np.int8)))
            for index, count in zip(*np.unique(by[where][end], return_counts=True)):
                self.reports[int(index)].follows_ended += int(count)
        return Events.concat(marks + ends)  # marks first: a mark after an end would reopen the follow

    def _account_events(self, identity: Identity, ids_of_keys, codes, observed_ids, self_follows, n_before):
        """New accounts, renames, attribute values, observed accounts and self-follows, in that
        order: an Arrow table when no source gives attributes (a load of follows alone never
        imports pandas), else the pandas frame the sources' attribute frames join."""
        if not self.updates and self.arrow_events:
            tables = []
            if len(identity.new_keys) or identity.renamed:
                renamed = sorted(identity.renamed.items())
                ids = np.concatenate([n_before + np.arange(len(identity.new_keys)),
                                      np.array([i for i, _ in renamed], dtype=np.int64)])
                keys = pa.concat_arrays([identity.new_keys.cast(pa.large_string()),
                                         arrow.strings([k for _, k in renamed], pa.large_string())])
                tables.append(keyed_events(ids, keys, self.now))
            if len(observed_ids):
                tables.append(flag_events(observed_ids, "observed", self.now))
            if self_follows:
                tables.append(flag_events(sorted_unique(np.concatenate(self_follows)), "follows_self", self.now))
            return concat_events(tables)
        frames = []
        if len(identity.new_keys) or identity.renamed:
            renamed = sorted(identity.renamed.items())
            frames.append(pd.DataFrame({
                "id": np.concatenate([n_before + np.arange(len(identity.new_keys)), [i for i, _ in renamed]]).astype(np.int32),
                "key": pd.array(identity.new_keys.to_pylist() + [k for _, k in renamed], dtype="string"),
                "loaded_at": self.now,
            }))
        for part, update, when in self.updates:
            update = update.copy()
            update.insert(0, "id", self._ids(ids_of_keys, codes, part).astype(np.int32))
            update["loaded_at"] = when
            frames.append(update)
        if len(observed_ids):
            frames.append(pd.DataFrame({"id": observed_ids.astype(np.int32),
                                        "observed": pd.array(np.ones(len(observed_ids), bool), dtype="boolean"),
                                        "loaded_at": self.now}))
        if self_follows:
            flagged = sorted_unique(np.concatenate(self_follows))
            frames.append(pd.DataFrame({"id": flagged.astype(np.int32),
                                        "follows_self": pd.array(np.ones(len(flagged), bool), dtype="boolean"),
                                        "loaded_at": self.now}))
        if not frames:
            return None
        events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        events["loaded_at"] = pd.to_datetime(events["loaded_at"].astype(np.int64), unit="s", utc=True)
        for column in events.columns:  # a column only some frames had: keep its nullable type
            if events[column].dtype == object:
                events[column] = events[column].astype("string")
        return events


def _listed(src: np.ndarray, dst: np.ndarray, following: np.ndarray, followers: np.ndarray) -> np.ndarray:
    """The ``listed`` bits of one source's sightings ``src -> dst``: held by a whole following
    list of the follower (the source holds the following lists of ``following``) or a whole
    followers list of the followee (of ``followers``).

    >>> _listed(np.array([1, 2]), np.array([3, 4]), np.array([1]), np.array([4])).tolist()
    [1, 2]
    """
    bits = np.zeros(len(src), dtype=np.int8)
    for bit, ends, owners in ((BY_FOLLOWER, src, following), (BY_FOLLOWEE, dst, followers)):
        if len(owners):
            bits[np.isin(ends, owners)] |= bit
    return bits


def _appearance(codes: np.ndarray, reached: int) -> int | None:
    """Whether ``codes`` name new keys in order (``0, 1, 2, ...`` as they first appear),
    after codes up to ``reached`` were named: the highest code named then, or ``None``.

    >>> _appearance(np.array([0, 1, 0, 2]), -1), _appearance(np.array([1, 0]), -1), _appearance(np.array([3, 1]), 2)
    (2, None, 3)
    """
    if len(codes) == 0:
        return reached
    running = np.maximum.accumulate(codes)
    before = np.empty(len(codes), dtype=np.int64)
    before[0] = reached
    np.maximum(running[:-1], reached, out=before[1:])
    if not (codes <= before + 1).all():
        return None
    return max(reached, int(running[-1]))


def _identity(array: pa.Array) -> tuple:
    """The memory an Arrow array lies in: equal for views of one array (no byte compared)."""
    return (array.offset, len(array), *((b.address, b.size) if b is not None else None for b in array.buffers()))

