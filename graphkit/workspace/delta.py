"""A commit's changes, computed from its sources against the current snapshot.

:class:`DeltaBuilder` takes the sources of one commit in order and works out,
without building the whole graph:

* the **ids** of every key they name (existing, new, or re-keyed by an alias;
  see :mod:`graphkit.workspace.keys`) — all keys are dictionary-encoded
  together by pyarrow, so no Python loop runs per key or per follow;
* **account events**: new accounts, renames, attribute values (with the time
  the source was loaded), accounts becoming observed, dropped self-follows;
* **follow events**: a sighting of every follow the sources hold (at the
  source's ``seen_at``, else the load time), and an **end** for every current
  follow of a full list (``complete_following`` / ``complete_followers``) that
  this commit did not see — if the list's sighting began at a given time, only
  follows not seen since then end;
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
from graphkit.workspace.follows import END, SIGHT, encode, sorted_unique
from graphkit.workspace.keys import Identity, as_arrow, assign_ids, resolve_aliases
from graphkit.workspace.segments import SegmentData, frame_to_table
from graphkit.workspace.snapshot import SOURCE_COLUMNS, Snapshot, source_key
from graphkit.workspace.storage import TIMESTAMP, to_seconds

__all__ = ["Delta", "DeltaBuilder"]

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
    follow_codes: np.ndarray
    follow_kinds: np.ndarray
    follow_times: np.ndarray
    sources: pa.Table | None
    tables: dict[str, pd.DataFrame]
    alias_pairs: pd.DataFrame | None
    aliases_after: dict[str, str] | None
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
                "follow_events": len(self.follow_codes)}

    def as_segment(self) -> SegmentData:
        """The delta as a segment's tables (every row tagged with this generation)."""
        gen = self.generation
        accounts = None
        if self.account_events is not None and len(self.account_events):
            frame = self.account_events.copy()
            frame["gen"] = np.int32(gen)
            accounts = frame_to_table(frame)
        follows = None
        if len(self.follow_codes):
            follows = SegmentData.follow_events(self.follow_codes, self.follow_kinds, self.follow_times, gen)
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
        self.key_parts.append(as_arrow(values))
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
        if len(source.accounts):
            part = self._part(source.accounts["key"])
            self.plan.append((index, "accounts", part))
            update = source.accounts.drop(columns=["key"]).reset_index(drop=True)
            update = update.rename(columns={c: f"extra_{c}" for c in update.columns if c in _BOOKKEEPING})
            if len(update.columns):
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
        arrays = []
        for column in ("follower", "followee"):
            array = getattr(chunk[column].array, "_pa_array", None)
            if array is None or not pa.types.is_dictionary(array.type):
                break
            arrays.append(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)
        if len(arrays) == 2 and arrays[0].dictionary.equals(arrays[1].dictionary):
            keys = arrays[0].dictionary
            codes = [np.asarray(a.indices.to_numpy(zero_copy_only=False)) for a in arrays]
            if _first_appearance_order(np.concatenate(codes), len(keys)) and not arrays[0].null_count + arrays[1].null_count:
                shared = self._part(keys)
                empty = pa.array([], type=pa.string())
                follower, followee = self._part(empty), self._part(empty)
                self.mapped[follower] = (shared, codes[0])
                self.mapped[followee] = (shared, codes[1])
                return follower, followee
        return self._part(chunk["follower"]), self._part(chunk["followee"])

    # -- ids -------------------------------------------------------------------------------
    def _encode(self) -> tuple[pa.Array, list[np.ndarray]]:
        """All keys dictionary-encoded together: the distinct keys and each part's codes."""
        if not self.key_parts:
            return pa.array([], pa.string()), []
        encoded = pc.dictionary_encode(pa.chunked_array(self.key_parts, type=pa.string()))
        dictionary = encoded.chunks[0].dictionary if encoded.num_chunks else pa.array([], pa.string())
        if any(chunk.indices.null_count for chunk in encoded.chunks):
            raise GraphkitError("internal: an empty account key reached the workspace")
        flat = [np.asarray(chunk.indices.to_numpy(zero_copy_only=False), dtype=np.int32) for chunk in encoded.chunks]
        flat = np.concatenate(flat) if flat else np.empty(0, dtype=np.int32)
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
        has_aliases = "aliases" in snapshot.table_names() or any("aliases.parquet" in s["files"] for s in snapshot.segments)
        before = snapshot.aliases() if has_aliases else {}
        after = resolve_aliases(before, zip(pairs["alias"].astype(str), pairs["key"].astype(str))) if pairs is not None else before
        identity = assign_ids(dictionary, snapshot.key_index(), before, after)
        ids_of_keys = identity.ids

        n_sources = len(self.reports)
        seen_max = n_before - 1
        observed: list[np.ndarray] = []
        self_follows: list[np.ndarray] = []
        follow_codes: list[np.ndarray] = []
        follow_tags: list[np.ndarray] = []
        complete: list[tuple[np.ndarray, str, list, int]] = []
        kept_rows = np.zeros(n_sources, dtype=np.int64)
        for entry in self.plan:
            index, role = entry[0], entry[1]
            report = self.reports[index]
            if role == "follows":
                src, dst = self._ids(ids_of_keys, codes, entry[2]), self._ids(ids_of_keys, codes, entry[3])
                named_max = max(int(src.max(initial=-1)), int(dst.max(initial=-1)))
                self_follow = src == dst
                report.self_follows += int(self_follow.sum())
                if self_follow.any():
                    self_follows.append(src[self_follow])
                keep = ~self_follow
                chunk = encode(src[keep], dst[keep]) if not keep.all() else encode(src, dst)
                follow_codes.append(chunk)
                follow_tags.append(np.full(len(chunk), index, dtype=np.int32))
                kept_rows[index] += len(chunk)
                if entry[4]:
                    observed.append(src)
                del src, dst, keep, self_follow
            else:
                ids = self._ids(ids_of_keys, codes, entry[2])
                named_max = int(ids.max(initial=-1))
                if role == "observed":
                    observed.append(ids)
                elif role == "complete":
                    complete.append((ids, entry[3], entry[4], index))
            if named_max > seen_max:
                report.accounts_added += named_max - seen_max
                seen_max = named_max

        sights, sight_times, added = self._sightings(follow_codes, follow_tags, n_sources)
        for index, report in enumerate(self.reports):
            report.follows_added = int(added[index])
            report.duplicates = int(kept_rows[index]) - report.follows_added
        end_codes, end_times = self._ends(complete, sights, sight_times)
        observed_ids = sorted_unique(np.concatenate(observed)) if observed else np.empty(0, np.int64)
        newly_observed = int((~snapshot.observed(observed_ids[observed_ids < n_before])).sum()) + int((observed_ids >= n_before).sum())

        counts = snapshot.manifest["counts"]
        after_counts = {
            "accounts": n_before + len(identity.new_keys),
            "follows": int(counts["follows"]) + int(added.sum()) - len(end_codes),
            "observed": int(counts.get("observed", 0)) + newly_observed,
        }
        for index, report in enumerate(self.reports):
            self.log[index]["report"] = json.dumps(report.as_dict())
        sources = pa.Table.from_pylist(self.log, schema=pa.schema(
            [(c, pa.int32() if c == "gen" else pa.string()) for c in SOURCE_COLUMNS])) if self.log else None
        return Delta(
            generation=self.generation, n_before=n_before, identity=identity,
            account_events=self._account_events(identity, ids_of_keys, codes, observed_ids, self_follows, n_before),
            follow_codes=np.concatenate([sights, end_codes]),
            follow_kinds=np.concatenate([np.full(len(sights), SIGHT, np.int8), np.full(len(end_codes), END, np.int8)]),
            follow_times=np.concatenate([sight_times, end_times]),
            sources=sources,
            tables={name: pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
                    for name, frames in self.extra.items()},
            alias_pairs=pairs, aliases_after=after if pairs is not None else None,
            counts=after_counts, reports=self.reports,
        )

    def _sightings(self, chunks: list[np.ndarray], tags: list[np.ndarray], n_sources: int):
        """Distinct sightings ``(codes, times)`` and how many follows each source added."""
        added = np.zeros(n_sources, dtype=np.int64)
        if not chunks:
            return np.empty(0, np.int64), np.empty(0, np.int64), added
        all_codes = np.concatenate(chunks)
        times = np.asarray(self.times, dtype=np.int64)
        naming = {int(t[0]) for t in tags if len(t)}
        if len(naming) <= 1:
            # one source names follows: whatever is new after de-duplication is its own
            if not naming:
                return np.empty(0, np.int64), np.empty(0, np.int64), added
            source = naming.pop()
            codes = sorted_unique(all_codes)
            new = ~self.snapshot.contains(codes)
            added[source] = int(new.sum())
            return codes, np.full(len(codes), times[source], np.int64), added
        all_tags = np.concatenate(tags)
        all_times = times[all_tags]
        order = np.lexsort((all_times, all_codes))  # by code, then time: one sighting per (code, time)
        all_codes, all_tags, all_times = all_codes[order], all_tags[order], all_times[order]
        head = np.ones(len(all_codes), dtype=bool)
        head[1:] = all_codes[1:] != all_codes[:-1]
        distinct = head.copy()
        distinct[1:] |= all_times[1:] != all_times[:-1]
        # a follow is added by the first source (in commit order) that names it
        first = np.flatnonzero(head)
        run = np.cumsum(head) - 1
        earliest = np.full(len(first), n_sources, dtype=np.int64)
        np.minimum.at(earliest, run, all_tags)
        new = ~self.snapshot.contains(all_codes[first])
        added += np.bincount(earliest[new], minlength=n_sources)[:n_sources]
        return all_codes[distinct], all_times[distinct], added

    def _ends(self, complete, sights: np.ndarray, sight_times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """End events of the full lists: current follows this commit did not see."""
        ends: dict[int, int] = {}
        for ids, direction, starts, index in complete:
            for account, start in zip(ids.tolist(), starts):
                candidates = self.snapshot.row(account, direction)
                if not len(candidates):
                    continue
                codes = encode(np.full(len(candidates), account), candidates) if direction == "out" else \
                    encode(candidates, np.full(len(candidates), account))
                unseen = codes[~np.isin(codes, sights)]
                if start is not None and len(unseen):
                    unseen = unseen[self.snapshot.last_seen(unseen) < start]
                when = start if start is not None else self.times[index]
                for code in unseen.tolist():
                    ends.setdefault(code, when)
        if not ends:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        codes = np.fromiter(ends, dtype=np.int64, count=len(ends))
        order = np.argsort(codes)
        return codes[order], np.fromiter(ends.values(), dtype=np.int64, count=len(ends))[order]

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


def _first_appearance_order(codes: np.ndarray, n_keys: int) -> bool:
    """Whether ``codes`` use each of ``0..n_keys-1``, first appearing in that order.

    >>> _first_appearance_order(np.array([0, 1, 0, 2]), 3), _first_appearance_order(np.array([1, 0]), 2)
    (True, False)
    """
    if len(codes) == 0:
        return n_keys == 0
    running = np.maximum.accumulate(codes)
    return bool(codes[0] == 0 and running[-1] == n_keys - 1 and (codes[1:] <= running[:-1] + 1).all())


_ = TIMESTAMP
