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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.errors import GraphkitError
from graphkit.progress import Progress
from graphkit.tables import LoadReport, SourceTables
from graphkit.workspace.aliases import AliasTable
from graphkit.workspace.follows import (
    BY_FOLLOWEE,
    BY_FOLLOWER,
    END,
    NO_TIME,
    SIGHT,
    Events,
    decode,
    encode,
    sorted_unique,
)
from graphkit.workspace.keys import Identity, as_arrow, assign_ids
from graphkit.workspace.segments import SegmentData, frame_to_table
from graphkit.workspace.snapshot import SOURCE_COLUMNS, Snapshot, source_key
from graphkit.workspace.storage import to_seconds

__all__ = ["Delta", "DeltaBuilder"]

#: The type keys are encoded in (what pandas' ``string`` columns hold: no conversion per source).
_KEY_TYPE = pa.large_string()

#: Columns of account events that are not attributes: an attribute of that name becomes ``extra_NAME``
#: (as the loaders do with ``key`` and ``observed``).
_BOOKKEEPING = {"id", "loaded_at", "gen", "graph_id"}


@dataclass
class Delta:
    """The changes of one commit (ids already assigned)."""

    generation: int
    n_before: int
    identity: Identity
    account_events: pd.DataFrame | None
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

    def as_segment(self) -> SegmentData:
        """The delta as a segment's tables (every row tagged with this generation)."""
        gen = self.generation
        accounts = None
        if self.account_events is not None and len(self.account_events):
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
        if len(accounts):
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

    def _follow_parts(self, chunk: pd.DataFrame) -> tuple[int, int]:
        """Key parts of a follows chunk; a shared dictionary is encoded once, not per follow.

        Loaders may hand follows as pyarrow dictionary arrays (``loaders.edges``
        does) whose one dictionary lists the chunk's keys in order of first
        appearance, followers first. Only the dictionary then joins the global
        encoding, and the follows keep their int32 codes: a follow costs 8
        bytes until :meth:`finish` instead of two strings.
        """
        columns = (chunk["follower"].array, chunk["followee"].array)  # each column looked up once
        arrays = []
        for column in columns:
            array = getattr(column, "_pa_array", None)
            if array is None or not pa.types.is_dictionary(array.type):
                break
            arrays.append(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)
        if len(arrays) == 2 and arrays[0].dictionary.equals(arrays[1].dictionary):
            keys = arrays[0].dictionary
            codes = [np.asarray(a.indices.to_numpy(zero_copy_only=False)) for a in arrays]
            if _first_appearance_order(np.concatenate(codes), len(keys)) and not arrays[0].null_count + arrays[1].null_count:
                shared = self._part(keys)
                empty = pa.array([], type=_KEY_TYPE)
                follower, followee = self._part(empty), self._part(empty)
                self.mapped[follower] = (shared, codes[0])
                self.mapped[followee] = (shared, codes[1])
                return follower, followee
        return self._part(columns[0]), self._part(columns[1])

    # -- ids -------------------------------------------------------------------------------
    def _encode(self) -> tuple[pa.Array, list[np.ndarray]]:
        """All keys dictionary-encoded together: the distinct keys and each part's codes."""
        if not self.key_parts:
            return pa.array([], _KEY_TYPE), []
        encoded = pc.dictionary_encode(pa.chunked_array(self.key_parts, type=_KEY_TYPE))
        dictionary = encoded.chunks[0].dictionary if encoded.num_chunks else pa.array([], _KEY_TYPE)
        indices = pa.concat_arrays([chunk.indices for chunk in encoded.chunks]) if encoded.num_chunks else pa.array([], pa.int32())
        if indices.null_count:
            raise GraphkitError("internal: an empty account key reached the workspace")
        flat = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
        del indices
        bounds = np.cumsum([0, *(len(part) for part in self.key_parts)])  # empty parts are dropped: use lengths
        codes = [flat[bounds[i]: bounds[i + 1]] for i in range(len(self.key_parts))]
        self.key_parts = []
        pa.default_memory_pool().release_unused()
        return dictionary, codes

    def _ids(self, ids_of_keys: np.ndarray, codes: list[np.ndarray], part: int) -> np.ndarray:
        if part in self.mapped:
            shared, local = self.mapped.pop(part)
            return ids_of_keys[codes[shared]][local]
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
        src_parts, dst_parts, chunk_sources, observing = [], [], [], np.zeros(n_sources, dtype=bool)
        for entry in self.plan:
            index, role = entry[0], entry[1]
            if role == "follows":
                src_parts.append(self._ids(ids_of_keys, codes, entry[2]))
                dst_parts.append(self._ids(ids_of_keys, codes, entry[3]))
                chunk_sources.append(index)
                observing[index] |= entry[4]
                continue
            ids = self._ids(ids_of_keys, codes, entry[2])
            if len(ids):
                named[index] = max(named[index], int(ids.max()))
            if role == "observed":
                observed.append(ids)
            elif role == "complete":
                complete.append((index, entry[3], ids, entry[4]))
        src = np.concatenate(src_parts) if src_parts else np.empty(0, np.int64)
        dst = np.concatenate(dst_parts) if dst_parts else np.empty(0, np.int64)
        tags = np.repeat(np.array(chunk_sources, dtype=np.int64), [len(p) for p in src_parts])
        del src_parts, dst_parts
        if len(src):
            np.maximum.at(named, tags, np.maximum(src, dst))
            observed.append(src[observing[tags]])
        # accounts added: the new ids a source names first (sources in order)
        reached = np.maximum.accumulate(named)
        previous = np.r_[n_before - 1, reached[:-1]]
        self_follow = src == dst
        self_counts = np.bincount(tags[self_follow], minlength=n_sources)
        self_follows = [src[self_follow]] if self_follow.any() else []
        if self_follow.any():
            src, dst, tags = src[~self_follow], dst[~self_follow], tags[~self_follow]
        kept_rows = np.bincount(tags, minlength=n_sources)
        times = np.asarray(self.times, dtype=np.int64)
        rows = Events(encode(src, dst), np.zeros(len(src), np.int8), times[tags], _listed(src, dst, tags, complete))
        del src, dst
        for index, report in enumerate(self.reports):
            report.accounts_added = int(max(0, reached[index] - previous[index]))
            report.self_follows = int(self_counts[index])

        seen, added = self._sightings(rows, tags, n_sources)
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
        sources = pa.Table.from_pylist(self.log, schema=pa.schema(
            [(c, pa.int32() if c == "gen" else pa.string()) for c in SOURCE_COLUMNS])) if self.log else None
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

    def _sightings(self, events: Events, tags: np.ndarray, n_sources: int) -> tuple[Events, np.ndarray]:
        """Distinct sightings (one per follow and time, list marks combined), and how many
        follows each source added (a follow is added by the first source naming it)."""
        added = np.zeros(n_sources, dtype=np.int64)
        if not len(events):
            return Events.empty(), added
        if tags[0] == tags[-1] and (tags == tags[0]).all() and not events.listed.any():
            # one source names follows (an edge list, say): whatever is new after de-duplication is its own
            codes = sorted_unique(events.codes)
            added[tags[0]] = int((~self.snapshot.contains(codes)).sum())
            return Events(codes, np.zeros(len(codes), np.int8), np.full(len(codes), self.times[tags[0]]),
                          np.zeros(len(codes), np.int8)), added
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


def _listed(src: np.ndarray, dst: np.ndarray, sources: np.ndarray, complete: list) -> np.ndarray:
    """The ``listed`` bits of sightings: a follow seen by a source that holds its follower's
    whole following list (``complete`` entries ``(source, "out", ids, ...)``) or its
    followee's whole followers list (``"in"``).

    >>> _listed(np.array([1, 2]), np.array([3, 4]), np.array([0, 0]), [(0, "out", np.array([1]), [None])]).tolist()
    [1, 0]
    """
    bits = np.zeros(len(src), dtype=np.int8)
    for side, bit, ends in (("out", BY_FOLLOWER, src), ("in", BY_FOLLOWEE, dst)):
        owners = [encode(np.full(len(ids), index), ids) for index, direction, ids, _ in complete if direction == side]
        if owners:
            bits[np.isin(encode(sources, ends), np.concatenate(owners))] |= bit
    return bits


def _first_appearance_order(codes: np.ndarray, n_keys: int) -> bool:
    """Whether ``codes`` use each of ``0..n_keys-1``, first appearing in that order.

    >>> _first_appearance_order(np.array([0, 1, 0, 2]), 3), _first_appearance_order(np.array([1, 0]), 2)
    (True, False)
    """
    if len(codes) == 0:
        return n_keys == 0
    running = np.maximum.accumulate(codes)
    return bool(codes[0] == 0 and running[-1] == n_keys - 1 and (codes[1:] <= running[:-1] + 1).all())

