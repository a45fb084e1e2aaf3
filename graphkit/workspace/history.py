"""Follows and attributes at a date: what "audience over time" and ``--as-of`` read.

Every follow has **spells**: from the first load that saw it (``first_seen``)
through the last (``last_seen``) to the full-list load that no longer
contained it (``ended``; empty while it lasts). A follow that comes back
starts a new spell. A follow is *current at* a date ``d`` when one of its
spells has ``first_seen <= d`` and no ``ended`` or ``ended > d``. Attributes
keep every value loaded with its load time; *as last loaded by* ``d`` is the
latest value a source loaded at or before ``d`` gave.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables
>>> from graphkit.workspace import Workspace
>>> ws = Workspace(tempfile.mkdtemp() + "/ws")
>>> first = SourceTables.from_pairs("ann.txt", [("ann", "bob"), ("ann", "cat")])
>>> first.seen_at, first.complete_following = "2026-01-01", {"ann": None}
>>> second = SourceTables.from_pairs("ann.txt", [("ann", "bob")])
>>> second.seen_at, second.complete_following = "2026-02-01", {"ann": None}
>>> _ = ws.commit([first]); _ = ws.commit([second])
>>> sorted(follows_at(ws, "2026-01-15").itertuples(index=False, name=None))
[('ann', 'bob'), ('ann', 'cat')]
>>> sorted(follows_at(ws, "2026-02-15").itertuples(index=False, name=None))
[('ann', 'bob')]
>>> spells = follow_spells(ws)
>>> spells["followee"].tolist(), [str(t.date()) if pd.notna(t) else None for t in spells["ended"]]
(['bob', 'cat'], [None, '2026-02-01'])
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa

from graphkit import arrow_arrays as arrow
from graphkit.clock import parse_instant
from graphkit.graph import FollowGraph
from graphkit.lazy import lazy_module
from graphkit.workspace.accounts import events_frame
from graphkit.workspace.follows import NO_TIME, Spells, constant, decode, encode, replay
from graphkit.workspace.renames import RENAMES_FILE, keys_at, no_renames, rename_events
from graphkit.workspace.segments import concat_tables
from graphkit.workspace.snapshot import HISTORY_COLUMNS, Snapshot
from graphkit.workspace.storage import seconds_of

pd = lazy_module("pandas")

__all__ = ["follow_spells", "follows_at", "accounts_at", "graph_at", "base_spells", "all_spells", "account_history",
           "account_renames", "renames_between", "instant", "current_follows"]


# -- one snapshot's history (the workspace's own files) ------------------------------------------
def base_spells(snapshot: Snapshot) -> tuple[Spells, Spells]:
    """The base's open spells (every follow it holds, sorted) and its closed ones."""
    if snapshot.is_empty:
        return Spells.empty(), Spells.empty()
    indptr, indices = snapshot.base_csr("out")
    codes = encode(np.repeat(np.arange(snapshot.n_base, dtype=np.int64), np.diff(np.asarray(indptr))),
                   np.asarray(indices))
    if snapshot.legacy:
        current = snapshot.base_spells_of(codes)
    else:
        n = len(codes)
        fixed = _constant_columns(snapshot.path / snapshot.base["name"] / "follows.parquet", HISTORY_COLUMNS)
        wanted = [name for name in HISTORY_COLUMNS if name not in fixed]
        table = snapshot.read_base("follows.parquet", wanted) if wanted else None
        columns = {name: constant(value, n, np.int8 if name == "listed" else np.int64) for name, value in fixed.items()}
        columns.update({name: _bits(table.column(name)) if name == "listed" else seconds_of(table.column(name))
                        for name in wanted})
        current = Spells(codes, columns["first_seen"], columns["last_seen"], constant(NO_TIME, n, np.int64),
                         columns["listed"])
    closed = Spells.empty()
    if "spells.parquet" in (snapshot.base.get("files") or {}):
        table = snapshot.read_base("spells.parquet")
        closed = Spells(encode(arrow.to_numpy(table.column("follower")), arrow.to_numpy(table.column("followee"))),
                        *(seconds_of(table.column(c)) for c in ("first_seen", "last_seen", "ended")),
                        _bits(table.column("listed")))
    return current, closed


def _constant_columns(file, names) -> dict[str, int]:
    """The columns of a Parquet file that hold one value in every row (by the row groups'
    statistics: nothing is read), as ``{name: value}`` (timestamps as seconds).

    A load's follows share their first and last sighting: at 200 M follows, reading those
    columns would take 3.2 GB for two numbers.
    """
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(file)
        metadata, schema = parquet.metadata, parquet.schema_arrow
    except (OSError, ValueError):
        return {}  # (the read that follows reports a damaged file)
    positions = {metadata.schema.column(i).name: i for i in range(metadata.num_columns)}
    found = {}
    for name in names:
        values = set()
        for group in range(metadata.num_row_groups):
            chunk = metadata.row_group(group).column(positions[name]) if name in positions else None
            stats = chunk.statistics if chunk is not None else None
            # (the raw stored values: converting a timestamp statistic to Python asks for pandas)
            if stats is None or not stats.has_min_max or stats.null_count or stats.min_raw != stats.max_raw:
                break
            values.add(stats.min_raw)
        else:
            if len(values) == 1 and metadata.num_row_groups:
                value, kind = int(values.pop()), schema.field(name).type
                if pa.types.is_timestamp(kind):  # in the stored unit: as seconds
                    value = int(seconds_of(arrow.from_numpy(np.array([value], dtype=np.int64)).cast(kind))[0])
                found[name] = value
    return found


def _bits(column) -> np.ndarray:
    return arrow.filled(column.cast(pa.int8()), 0).astype(np.int8)


def all_spells(snapshot: Snapshot) -> tuple[Spells, Spells]:
    """``(current, closed)`` spells of every follow (reads every history file: not for hot paths)."""
    current, closed = base_spells(snapshot)
    current, more = replay(current, snapshot.follow_events())
    return current, Spells.concat([closed, more])


def account_history(snapshot: Snapshot) -> pd.DataFrame:
    """Every attribute event (``id``, ``loaded_at``, attributes), oldest first."""
    parts = []
    if "account_updates.parquet" in ((snapshot.base or {}).get("files") or {}):
        parts.append(snapshot.read_base("account_updates.parquet"))
    for segment in snapshot.segments:
        if "accounts.parquet" in segment["files"]:
            events = snapshot.read_segment_file(segment, "accounts.parquet")
            parts.append(events.drop_columns([c for c in ("key", "gen") if c in events.column_names]))
    table = concat_tables(parts)
    return pd.DataFrame({"id": [], "loaded_at": []}) if table is None else events_frame(table)


def account_renames(snapshot: Snapshot) -> pd.DataFrame:
    """Every rename (``id``, ``loaded_at``, ``key``, ``previous``), oldest first: the base's
    record of earlier ones, then the segments'."""
    parts = []
    if RENAMES_FILE in ((snapshot.base or {}).get("files") or {}):
        kept = snapshot.read_base(RENAMES_FILE).to_pandas()
        kept["loaded_at"] = pd.to_datetime(kept["loaded_at"], utc=True)
        parts.append(kept)
    parts.append(rename_events(snapshot.base_keys(), snapshot.account_events()))
    frames = [p for p in parts if len(p)]
    if not frames:
        return no_renames()
    out = pd.concat(frames, ignore_index=True)
    out["id"] = out["id"].astype(np.int64)
    return out.astype({"key": "string", "previous": "string"})


def _seconds(when: str | datetime) -> int:
    if isinstance(when, str):
        when = parse_instant(when)
    return int(pd.Timestamp(when).timestamp())


def instant(when: str | datetime) -> pd.Timestamp:
    """``when`` (ISO 8601 text, a date, a datetime) as a UTC timestamp, to the second.

    >>> str(instant("2026-02-01"))
    '2026-02-01 00:00:00+00:00'
    """
    return pd.Timestamp(_seconds(when), unit="s", tz="UTC")


def _times(seconds: np.ndarray) -> pd.Series:
    """Seconds as UTC timestamps (``NaT`` for "no time")."""
    seconds = np.asarray(seconds, dtype=np.int64)
    given = seconds != NO_TIME
    values = pd.Series(pd.to_datetime(np.where(given, seconds, 0), unit="s", utc=True))
    values[~given] = pd.NaT
    return values


def follow_spells(workspace, *, ids: bool = False) -> pd.DataFrame:
    """Every spell of every follow: ``follower``, ``followee``, ``first_seen``, ``last_seen``,
    ``ended`` (``NaT`` while current), sorted by follower, followee, first_seen.

    Accounts are keys, or ids of :attr:`Workspace.graph` with ``ids=True``.
    """
    current, closed = all_spells(workspace.snapshot)
    codes = np.concatenate([current.codes, closed.codes])
    src, dst = decode(codes)
    frame = pd.DataFrame({
        "follower": src, "followee": dst,
        "first_seen": _times(np.concatenate([current.first_seen, closed.first_seen])),
        "last_seen": _times(np.concatenate([current.last_seen, closed.last_seen])),
        "ended": _times(np.concatenate([current.ended, closed.ended])),
    })
    frame = frame.sort_values(["follower", "followee", "first_seen"], kind="stable").reset_index(drop=True)
    if not ids:
        keys = workspace.graph.accounts["key"].astype("string").array
        frame["follower"] = keys.take(frame["follower"].to_numpy())
        frame["followee"] = keys.take(frame["followee"].to_numpy())
    return frame


def follows_at(workspace, when: str | datetime, *, ids: bool = False) -> pd.DataFrame:
    """The follows current at ``when``: ``follower``, ``followee`` (keys, or ids with ``ids=True``)."""
    return current_follows(follow_spells(workspace, ids=ids), instant(when))


def current_follows(spells: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """The follows (``follower``, ``followee``) of ``spells`` (:func:`follow_spells`) current at ``at``."""
    current = (spells["first_seen"] <= at) & (spells["ended"].isna() | (spells["ended"] > at))
    return spells.loc[current, ["follower", "followee"]].drop_duplicates().reset_index(drop=True)


def accounts_at(workspace, when: str | datetime) -> pd.DataFrame:
    """The accounts (row = id, as in :attr:`Workspace.graph`) with every attribute as last
    loaded at or before ``when`` (empty where nothing was loaded by then), and the key
    (handle) each had then: an account renamed since shows its old handle."""
    at = instant(when)
    accounts = workspace.graph.accounts
    keys = keys_at(accounts["key"], account_renames(workspace.snapshot), at)
    out = pd.DataFrame({"key": keys.array, "observed": np.zeros(len(accounts), dtype=bool)})
    history = account_history(workspace.snapshot)
    if not len(history):
        return out
    history = history[pd.to_datetime(history["loaded_at"], utc=True) <= at]
    for column in history.columns:
        if column in ("id", "loaded_at"):
            continue
        given = history[history[column].notna()]
        latest = given.drop_duplicates("id", keep="last")
        dtype = accounts[column].dtype if column in accounts else latest[column].dtype
        if dtype == np.bool_:  # observed, follows_self: unknown until loaded
            dtype = pd.BooleanDtype()
        values = pd.Series(pd.NA, index=out.index, dtype=dtype)
        values.iloc[latest["id"].to_numpy(dtype=np.int64)] = latest[column].to_numpy()
        out[column] = values
    for flag in ("observed", "follows_self"):
        if flag in out:
            out[flag] = out[flag].fillna(False).astype(bool)
    return out


def renames_between(workspace, since: str | datetime, until: str | datetime) -> pd.DataFrame:
    """The accounts renamed after ``since`` and at or before ``until``: ``id``, ``previous``
    (the key at ``since``), ``key`` (the key at ``until``), ``renamed_at`` (the last rename)."""
    start, end = instant(since), instant(until)
    renames = account_renames(workspace.snapshot)
    window = renames[(renames["loaded_at"] > start) & (renames["loaded_at"] <= end)]
    first = window.drop_duplicates("id", keep="first").set_index("id")
    last = window.drop_duplicates("id", keep="last").set_index("id")
    out = pd.DataFrame({"id": first.index.to_numpy(dtype=np.int64), "previous": first["previous"].array,
                        "key": last.loc[first.index, "key"].array,
                        "renamed_at": last.loc[first.index, "loaded_at"].to_numpy()})
    out = out[out["previous"] != out["key"]]
    return out.sort_values("id", kind="stable").reset_index(drop=True)


def graph_at(workspace, when: str | datetime) -> FollowGraph:
    """The graph as it was at ``when``: the accounts known by then (an attribute loaded, or a
    follow seen, at or before ``when``), their attributes and keys then (:func:`accounts_at`)
    and the follows current then (:func:`follows_at`).

    Ids are renumbered (the accounts keep the order of :attr:`Workspace.graph`), so the graph
    is the one a workspace loaded only up to ``when`` would hold.
    """
    at = instant(when)
    accounts = accounts_at(workspace, at)
    spells = follow_spells(workspace, ids=True)
    follows = current_follows(spells, at)
    known = np.zeros(len(accounts), dtype=bool)
    begun = spells[spells["first_seen"] <= at]
    known[begun["follower"].to_numpy(dtype=np.int64)] = True
    known[begun["followee"].to_numpy(dtype=np.int64)] = True
    history = account_history(workspace.snapshot)
    if len(history):
        loaded = history[pd.to_datetime(history["loaded_at"], utc=True) <= at]
        known[loaded["id"].to_numpy(dtype=np.int64)] = True
    new_id = np.cumsum(known) - 1
    kept = accounts[known].reset_index(drop=True)
    return FollowGraph.from_arrays(kept, new_id[follows["follower"].to_numpy(dtype=np.int64)],
                                   new_id[follows["followee"].to_numpy(dtype=np.int64)])
