"""Segments: the changes of one or more commits, as a folder of small files.

A commit that adds little to a big workspace writes a segment instead of
rewriting the base. Its files (every table has a ``gen`` column: the commit
that wrote the row; rows are in commit order):

``accounts.parquet``
    account events: ``id`` (int32), ``key`` (a new account's key, or a new key
    for a renamed one; else empty), ``observed``/``follows_self`` (``true``
    or empty), the attribute columns a source gave (empty: not given), and
    ``loaded_at`` (when the source was loaded).
``follows.parquet``
    follow events: ``follower``, ``followee`` (int32 ids), ``seen_at`` (a
    sighting: a load saw the follow then) or ``ended`` (a full-list load no
    longer contained it, from then on), and ``listed`` (bits: 1 = the
    follower's whole following list held it, 2 = the followee's whole
    followers list did; only such a list can end it later).
``sources.parquet``
    the source log: ``path``, ``format``, ``kind``, ``owner``,
    ``fingerprint`` (JSON), ``loaded_at``, ``report`` (JSON).
``aliases.parquet``
    ``alias -> key`` pairs the commits' sources gave, in order.
``tables/NAME.parquet``
    rows appended to an extra table (``circles``, ``posts``...).
``meta.json``
    meta documents set (or, with ``null``, removed) by the commits.

Segments are merged in tiers (:func:`plan_merge`): when :data:`FANOUT`
segments of one level end the list, the next commit writes them and its own
changes as one segment of the next level. A workspace after *n* small loads
so holds at most ``(FANOUT - 1) * log_FANOUT(n)`` segments, and each event is
rewritten about ``log_FANOUT(n)`` times, not ``n`` times.

Examples
--------
>>> plan_merge([0] * 7)
(7, 1)
>>> plan_merge([1] * 7 + [0] * 7)
(14, 2)
>>> plan_merge([1, 0, 0])
(0, 0)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit import arrow_arrays as arrow
from graphkit.lazy import lazy_module
from graphkit.workspace.follows import END, SIGHT, Events, decode, encode
from graphkit.workspace.storage import TIMESTAMP, read_json, read_table, seconds_of, write_table

pd = lazy_module("pandas")

__all__ = ["FANOUT", "SegmentData", "plan_merge", "concat_tables", "read_segment", "write_segment",
           "follow_arrays", "frame_to_table", "ACCOUNT_EVENT_COLUMNS"]

#: Segments of one level merged into one of the next level (see :func:`plan_merge`).
FANOUT = 8
#: The bookkeeping columns of ``accounts.parquet`` (the others are attributes).
ACCOUNT_EVENT_COLUMNS = ("id", "key", "loaded_at", "gen")


def plan_merge(levels: list[int]) -> tuple[int, int]:
    """How many trailing segments the next commit absorbs, and the level of what it writes.

    ``levels`` are the levels of the current segments, oldest first. The new
    changes are a level-0 segment; while the ``FANOUT - 1`` segments before
    it are all of its level, they are merged into it and it goes up a level.
    """
    absorbed, level = 0, 0
    while True:
        end = len(levels) - absorbed
        tail = levels[max(0, end - (FANOUT - 1)): end]
        if len(tail) < FANOUT - 1 or any(x != level for x in tail):
            return absorbed, level
        absorbed += FANOUT - 1
        level += 1


def concat_tables(tables: list[pa.Table]) -> pa.Table | None:
    """Tables one after the other; missing columns are empty, a column whose types
    disagree is kept as text (the reader applies it like any other value).

    >>> concat_tables([pa.table({"a": [1]}), pa.table({"a": ["x"], "b": [2]})]).to_pydict()
    {'a': ['1', 'x'], 'b': [None, 2]}
    """
    tables = [t for t in tables if t is not None]
    if not tables:
        return None
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        types: dict[str, set] = {}
        for table in tables:
            for f in table.schema:
                types.setdefault(f.name, set()).add(f.type)
        text = {name for name, kinds in types.items() if len({t for t in kinds if t != pa.null()}) > 1}
        fixed = [t.cast(pa.schema([pa.field(f.name, pa.string() if f.name in text else f.type)
                                   for f in t.schema])) for t in tables]
        return pa.concat_tables(fixed, promote_options="permissive")


@dataclass
class SegmentData:
    """The content of one segment in memory (tables in commit order)."""

    accounts: pa.Table | None = None
    follows: pa.Table | None = None
    sources: pa.Table | None = None
    aliases: pa.Table | None = None
    tables: dict[str, pa.Table] = field(default_factory=dict)
    meta: dict[str, dict | None] = field(default_factory=dict)

    @staticmethod
    def follow_events(events: Events, gen: int) -> pa.Table:
        """The ``follows.parquet`` table of :class:`~graphkit.workspace.follows.Events`."""
        src, dst = decode(events.codes)
        sight = events.kinds == SIGHT
        seconds = arrow.array(events.times).cast(TIMESTAMP)
        return pa.table({
            "follower": arrow.array(src, pa.int32()),
            "followee": arrow.array(dst, pa.int32()),
            "seen_at": pc.if_else(arrow.array(sight), seconds, arrow.null(TIMESTAMP)),
            "ended": pc.if_else(arrow.array(~sight), seconds, arrow.null(TIMESTAMP)),
            "listed": arrow.array(events.listed.astype(np.int8)),
            "gen": arrow.array(np.full(len(src), gen, dtype=np.int32)),
        })

    @classmethod
    def merged(cls, parts: list[SegmentData]) -> SegmentData:
        """Several segments (oldest first) as one."""
        names = sorted({name for part in parts for name in part.tables})
        meta: dict[str, dict | None] = {}
        for part in parts:
            meta.update(part.meta)
        return cls(
            accounts=concat_tables([p.accounts for p in parts]),
            follows=concat_tables([p.follows for p in parts]),
            sources=concat_tables([p.sources for p in parts]),
            aliases=concat_tables([p.aliases for p in parts]),
            tables={name: concat_tables([p.tables.get(name) for p in parts]) for name in names},
            meta=meta,
        )

    def counts(self) -> dict[str, int]:
        def rows(table):
            return 0 if table is None else table.num_rows

        return {"account_events": rows(self.accounts), "follow_events": rows(self.follows),
                "sources": rows(self.sources)}


def follow_arrays(table: pa.Table | None) -> Events:
    """The :class:`~graphkit.workspace.follows.Events` of a ``follows.parquet`` table."""
    if table is None or table.num_rows == 0:
        return Events.empty()
    codes = encode(arrow.to_numpy(table.column("follower")), arrow.to_numpy(table.column("followee")))
    ended = table.column("ended")
    kinds = np.where(arrow.to_numpy(ended.is_valid()), END, SIGHT).astype(np.int8)
    seconds = seconds_of(pc.coalesce(table.column("seen_at").cast(TIMESTAMP), ended.cast(TIMESTAMP)))
    listed = arrow.filled(table.column("listed"), 0).astype(np.int8)
    return Events(codes, kinds, seconds, listed)


def write_segment(data: SegmentData, folder: Path) -> list[str]:
    """Write ``data`` into ``folder`` (which exists); the names written."""
    written = []
    for name in ("accounts", "follows", "sources", "aliases"):
        table = getattr(data, name)
        if table is not None and table.num_rows:
            write_table(table, folder / f"{name}.parquet")
            written.append(f"{name}.parquet")
    tables = {name: t for name, t in data.tables.items() if t is not None and t.num_rows}
    if tables:
        (folder / "tables").mkdir()
        for name, table in tables.items():
            write_table(table, folder / "tables" / f"{name}.parquet")
            written.append(f"tables/{name}.parquet")
    if data.meta:
        with open(folder / "meta.json", "w", encoding="utf-8") as handle:
            json.dump(data.meta, handle)
        written.append("meta.json")
    return written


def read_segment(folder: Path, files: dict) -> SegmentData:
    """Read a segment's files (those its manifest record names)."""
    data = SegmentData()
    for name in ("accounts", "follows", "sources", "aliases"):
        if f"{name}.parquet" in files:
            setattr(data, name, read_table(folder / f"{name}.parquet"))
    for name in files:
        if name.startswith("tables/"):
            data.tables[name[len("tables/"):-len(".parquet")]] = read_table(folder / name)
    if "meta.json" in files:
        data.meta = dict(read_json(folder / "meta.json"))
    return data


def frame_to_table(frame: pd.DataFrame) -> pa.Table:
    """A DataFrame as a pyarrow table without its index."""
    return pa.Table.from_pandas(frame, preserve_index=False)
