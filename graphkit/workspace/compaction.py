"""Compaction: the base, segments and a commit's delta rewritten as one new base.

A base folder holds the whole state, with ids ``0..n-1``:

``accounts.parquet``
    row ``i`` = account id ``i``: ``key``, ``observed``, attributes.
``keys.arrow``
    the keys again, as an uncompressed Arrow file that readers memory-map (a
    commit looking up a few keys, and a cold query, decode no key column).
``follows.parquet``
    the current follows in CSR order: ``follower``, ``followee`` (int32 ids),
    ``first_seen``, ``last_seen`` (the current spell: first and latest
    sighting) and ``listed`` (bits: the follower's / followee's whole list held it).
``spells.parquet``
    past spells of follows that ended: ``follower``, ``followee``,
    ``first_seen``, ``last_seen``, ``ended``, ``listed``.
``account_updates.parquet``
    every attribute value ever loaded: ``id``, ``loaded_at``, attributes (the
    history that "as last loaded by a date" reads).
``account_renames.parquet``
    every rename: ``id``, ``loaded_at``, ``key``, ``previous`` (see
    :mod:`graphkit.workspace.renames`).
``out_indptr.npy``, ``out_indices.npy``, ``in_indptr.npy``, ``in_indices.npy``
    the follows as CSR in both directions, opened memory-mapped.
``columns/``
    the keys (offsets and bytes), ``observed`` and the declared counts as NumPy
    files: a cold query reads these, not the Parquet (:mod:`graphkit.workspace.columns`).
``sources.parquet``, ``tables/NAME.parquet``, ``meta.json``
    the source log, the extra tables (``aliases`` resolved), meta documents.

A first load writes a base directly; later loads append segments until they
grow past 5 % of the base (see :func:`should_compact`) or two stored
accounts merge; then the commit writes a new base. ``graphkit compact`` does
it on demand.

Examples
--------
>>> should_compact({"accounts": 1000, "follows": 100_000}, {"account_events": 10, "follow_events": 1000}, 3)
False
>>> should_compact({"accounts": 1000, "follows": 100_000}, {"account_events": 10, "follow_events": 6000}, 3)
True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from graphkit import arrow_arrays as arrow
from graphkit.account_columns import NUMERIC_COLUMNS
from graphkit.graph import transpose_csr
from graphkit.lazy import lazy_module
from graphkit.progress import Progress
from graphkit.workspace.accounts import apply_account_events
from graphkit.workspace.columns import write_columns
from graphkit.workspace.delta import Delta, DeltaBuilder
from graphkit.workspace.flag_accounts import flag_accounts, holds_flags_only
from graphkit.workspace.follows import (
    Spells,
    csr_from_sorted_codes,
    decode,
    encode,
    is_constant,
    replay,
)
from graphkit.workspace.history import account_history, account_renames, base_spells
from graphkit.workspace.keys import as_arrow
from graphkit.workspace.renames import RENAMES_FILE, rename_events
from graphkit.workspace.segments import concat_tables, frame_to_table
from graphkit.workspace.snapshot import KEYS_FILE, Snapshot
from graphkit.workspace.storage import TIMESTAMP, fault_point, write_table

pd = lazy_module("pandas")

__all__ = ["compact_into", "should_compact", "FOLLOW_SHARE", "ACCOUNT_SHARE", "MAX_SEGMENTS"]

#: Compact when the segments' follow events pass this share of the base's follows ...
FOLLOW_SHARE = 0.05
#: ... or their account events this share of the base's accounts ...
ACCOUNT_SHARE = 0.05
#: ... or there are more segments than this (tiered merging keeps far fewer in practice).
MAX_SEGMENTS = 64


def should_compact(base: dict, pending: dict, n_segments: int) -> bool:
    """Whether segments holding ``pending`` events (``account_events``, ``follow_events``)
    on top of a base of ``base`` sizes (``accounts``, ``follows``) should become a new base.

    Why 5 %: ``python -m benchmarks.segments`` (docs/benchmarks.md) times a cold
    ``graphkit affinity`` on the 10 M-follow workspace with one segment holding 2.5, 5,
    10 and 20 % of its follows: about 1.3× the compacted time up to 5 %, 1.45-1.5× at
    10 %, 2.3× at 20 % (opening splices every segment follow into the CSR). Compacting
    costs about a third of a full load, so doing it at 5 % adds ~2 ms per 150-follow load.
    """
    return (  # (a tiny base counts as 10,000 follows and 1,000 accounts: no rewrite every other load)
        pending.get("follow_events", 0) > FOLLOW_SHARE * max(base.get("follows") or 0, 10_000)
        or pending.get("account_events", 0) > ACCOUNT_SHARE * max(base.get("accounts") or 0, 1_000)
        or n_segments > MAX_SEGMENTS
    )


#: Follows written to Parquet per part of this many rows: the Arrow copies of a part are
#: transient (at 200 M follows whole-table copies cost gigabytes).
PART_ROWS = 4_000_000


#: The id columns of the follow files.
_IDS = ("follower", "followee")


def _constant(values: np.ndarray) -> bool:
    if is_constant(values):
        return True
    return bool(len(values)) and values.min() == values.max()


def _small(values: np.ndarray, constant: bool | None = None) -> pa.Array:
    """Small ints (``listed`` bits); a constant column as a one-value dictionary."""
    values = np.asarray(values, dtype=np.int8)
    if _constant(values) if constant is None else constant:
        return pa.DictionaryArray.from_arrays(arrow.array(np.zeros(len(values), dtype=np.int8)), arrow.array(values[:1]))
    return arrow.array(values)


def _times(values: np.ndarray, constant: bool | None = None) -> pa.Array:
    """Seconds as a timestamp column; a constant one is written as a one-value dictionary."""
    values = np.asarray(values, dtype=np.int64)
    if _constant(values) if constant is None else constant:
        return pa.DictionaryArray.from_arrays(arrow.array(np.zeros(len(values), dtype=np.int8)),
                                              arrow.array(values[:1]).cast(TIMESTAMP))
    return arrow.array(values).cast(TIMESTAMP)


def _write_spells(spells: Spells, file: Path, times: tuple[str, ...]) -> None:
    """``follower, followee``, the time columns ``times`` and ``listed`` of ``spells`` as one
    Parquet file, written part by part (the same file as one table: a column constant over
    all rows is a one-value dictionary in every part)."""
    import pyarrow.parquet as pq

    columns = {name: getattr(spells, name) for name in times}
    constant = {name: _constant(values) for name, values in columns.items()}
    listed_constant = _constant(spells.listed)
    writer = None
    try:
        for start in range(0, max(len(spells.codes), 1), PART_ROWS):
            part = slice(start, start + PART_ROWS)
            src, dst = decode(spells.codes[part])
            table = pa.table({
                "follower": arrow.array(src), "followee": arrow.array(dst),
                **{name: _times(values[part], constant[name]) for name, values in columns.items()},
                "listed": _small(spells.listed[part], listed_constant),
            })
            if writer is None:  # ids: delta-packed, no dictionary (hashing 2 x 10 M ids took 0.3 s, for a
                # file twice as big); the constant columns stay one-value dictionaries
                writer = pq.ParquetWriter(
                    file, table.schema, compression="zstd",
                    use_dictionary=[name for name in table.column_names if name not in _IDS],
                    column_encoding={name: "DELTA_BINARY_PACKED" for name in _IDS})
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _remap_spells(spells: Spells, remap: np.ndarray, combine: bool) -> Spells:
    """Spells with ids renumbered; self-follows dropped; with ``combine``, one spell per follow."""
    src, dst = decode(spells.codes)
    src, dst = remap[src], remap[dst]
    keep = src != dst
    spells = spells.take(keep)
    spells.codes = encode(src[keep], dst[keep])
    spells = spells.take(np.argsort(spells.codes, kind="stable"))
    if not combine or not len(spells):
        return spells
    bounds = np.flatnonzero(np.r_[True, spells.codes[1:] != spells.codes[:-1]])
    return Spells(spells.codes[bounds], np.minimum.reduceat(spells.first_seen, bounds),
                  np.maximum.reduceat(spells.last_seen, bounds), spells.ended[bounds],
                  np.bitwise_or.reduceat(spells.listed, bounds))


def _merge_accounts(accounts: pd.DataFrame, merged: dict[int, int]) -> tuple[pd.DataFrame, np.ndarray]:
    """Fold merged accounts into their survivors (gaps filled, observed if either was);
    the accounts left and the old id -> new id array."""
    n = len(accounts)
    parent = np.arange(n)
    for account, survivor in merged.items():
        parent[account] = survivor
    children = np.array(sorted(merged), dtype=np.int64)
    heads = parent[children]
    accounts = accounts.copy()
    for column in accounts.columns:
        if column == "key":
            continue
        if column in ("observed", "follows_self"):
            flags = accounts[column].fillna(False).to_numpy(dtype=bool, copy=True)
            np.logical_or.at(flags, heads, flags[children])
            accounts[column] = flags
            continue
        values = accounts[column].iloc[children]
        gap = accounts[column].iloc[heads].isna().to_numpy(dtype=bool) & values.notna().to_numpy(dtype=bool)
        if gap.any():
            accounts.loc[heads[gap], column] = values.to_numpy()[gap]
    keep = parent == np.arange(n)
    new_id = np.cumsum(keep) - 1
    return accounts[keep].reset_index(drop=True), new_id[parent]


@dataclass
class _Accounts:
    """The new base's accounts, however they were worked out (row ``i`` = id ``i``)."""

    keys: pa.Array  # large_string
    observed: np.ndarray
    numeric: dict[str, np.ndarray]
    #: writes ``accounts.parquet`` into a folder
    write: Callable[[Path], None]
    history: pa.Table | None
    renames: pa.Table | None
    #: old id -> new id when stored accounts merged
    remap: np.ndarray | None


def compact_into(snapshot: Snapshot, delta: Delta | None, folder: Path, progress: Progress | None = None) -> dict:
    """Write the state of ``snapshot`` plus ``delta`` as a base into ``folder`` (which exists).

    Returns ``{"files": [names], "accounts", "follows", "observed", "tables": [names]}``.
    While the accounts hold keys and flags only (follow lists alone: an edge list,
    a crawl), they are merged in Arrow and NumPy and pandas is not imported.
    """
    bar = progress or Progress("compacting", total=6, enabled=False)
    if DeltaBuilder.arrow_events and holds_flags_only(snapshot, delta):
        accounts = _flag_accounts(snapshot, delta)
    else:
        accounts = _merged_accounts(snapshot, delta)
    bar.advance(1)
    # follows: base spells, then the segments' events, then the delta's
    current, closed = base_spells(snapshot)
    batches = [snapshot.follow_events()] + ([delta.follows] if delta is not None else [])
    for batch in batches:
        current, ended = replay(current, batch)
        if len(ended):
            closed = Spells.concat([closed, ended])
    if accounts.remap is not None:
        current = _remap_spells(current, accounts.remap, combine=True)
        closed = _remap_spells(closed, accounts.remap, combine=False)
    bar.advance(1)
    n = len(accounts.keys)
    indptr, indices = csr_from_sorted_codes(current.codes, n)
    written = []
    accounts.write(folder / "accounts.parquet")
    written.append("accounts.parquet")
    keys = pa.table({"key": accounts.keys})
    with pa.OSFile(str(folder / KEYS_FILE), "wb") as sink, pa.ipc.new_file(sink, keys.schema) as writer:
        writer.write_table(keys)
    written.append(KEYS_FILE)
    written += _write_account_columns(folder, accounts)
    fault_point("staging")
    fault_point("compacting")
    _write_spells(current, folder / "follows.parquet", ("first_seen", "last_seen"))
    written.append("follows.parquet")
    del current
    bar.advance(1)
    if len(closed):
        _write_spells(closed, folder / "spells.parquet", ("first_seen", "last_seen", "ended"))
        written.append("spells.parquet")
    for name, array in (("out_indptr", indptr), ("out_indices", indices)):
        np.save(folder / f"{name}.npy", np.ascontiguousarray(array))
    for name, array in zip(("in_indptr", "in_indices"), transpose_csr(indptr, indices, n)):
        np.save(folder / f"{name}.npy", np.ascontiguousarray(array))
    written += ["out_indptr.npy", "out_indices.npy", "in_indptr.npy", "in_indices.npy"]
    bar.advance(1)
    if accounts.history is not None and accounts.history.num_rows:
        write_table(accounts.history, folder / "account_updates.parquet")
        written.append("account_updates.parquet")
    if accounts.renames is not None and accounts.renames.num_rows:
        write_table(accounts.renames, folder / RENAMES_FILE)
        written.append(RENAMES_FILE)
    sources = concat_tables([snapshot.sources_table(), delta.sources if delta is not None else None])
    if sources is not None and sources.num_rows:
        write_table(sources, folder / "sources.parquet")
        written.append("sources.parquet")
    bar.advance(1)
    tables = _tables(snapshot, delta)
    if tables:
        (folder / "tables").mkdir()
        for name, frame in tables.items():
            frame.to_parquet(folder / "tables" / f"{name}.parquet", index=False)
            written.append(f"tables/{name}.parquet")
    documents = dict(snapshot.meta_documents())
    for name, document in (delta.meta.items() if delta is not None else ()):
        if document is None:
            documents.pop(name, None)
        else:
            documents[name] = document
    if documents:
        with open(folder / "meta.json", "w", encoding="utf-8") as handle:
            json.dump(documents, handle)
        written.append("meta.json")
    bar.advance(1)
    return {"files": written, "accounts": n, "follows": len(indices),
            "observed": int(np.count_nonzero(accounts.observed)), "tables": sorted(tables)}


def _flag_accounts(snapshot: Snapshot, delta: Delta | None) -> _Accounts:
    """The accounts when they hold keys and flags only (:mod:`graphkit.workspace.flag_accounts`):
    Arrow and NumPy, no pandas."""
    found = flag_accounts(snapshot, delta)
    n = len(found.keys)
    names = ["key", *found.flags]
    table = pa.Table.from_arrays([found.keys, *(arrow.from_numpy(found.flags[name]) for name in names[1:])], names=names)
    table = arrow.with_pandas_metadata(table, {"key": "string", **{name: "bool" for name in found.flags}})

    def write(file: Path) -> None:
        import pyarrow.parquet as pq

        pq.write_table(table, file, compression="snappy")  # (as pandas' to_parquet writes accounts)

    return _Accounts(keys=found.keys, observed=found.flags["observed"],
                     numeric={name: np.full(n, np.nan) for name in NUMERIC_COLUMNS},
                     write=write, history=found.history, renames=None, remap=None)


def _merged_accounts(snapshot: Snapshot, delta: Delta | None) -> _Accounts:
    """The accounts of the base, the segments and the delta, applied in order (pandas)."""
    accounts = snapshot.accounts()
    events = delta.events_frame() if delta is not None else None
    renames = pd.concat([account_renames(snapshot), rename_events(as_arrow(accounts["key"]), events)],
                        ignore_index=True)
    accounts = apply_account_events(accounts, events)
    merged = delta.identity.merged if delta is not None else {}
    remap = None
    if merged:
        accounts, remap = _merge_accounts(accounts, merged)
    accounts = accounts.drop(columns=["graph_id"], errors="ignore")
    n = len(accounts)
    renames_table = None
    if len(renames):
        if remap is not None:
            renames["id"] = remap[renames["id"].to_numpy(dtype=np.int64)]
        renames_table = pa.Table.from_pandas(renames.astype({"id": np.int32}), preserve_index=False)
    observed = accounts["observed"].to_numpy(dtype=bool) if "observed" in accounts.columns else np.zeros(n, bool)
    numeric = {
        name: (pd.to_numeric(accounts[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
               if name in accounts.columns else np.full(n, np.nan))
        for name in NUMERIC_COLUMNS
    }
    return _Accounts(keys=as_arrow(accounts["key"], pa.large_string()), observed=observed, numeric=numeric,
                     write=lambda file: accounts.to_parquet(file, index=False),
                     history=_history(snapshot, events, remap), renames=renames_table, remap=remap)


def _write_account_columns(folder: Path, accounts: _Accounts) -> list[str]:
    """The NumPy account columns of the cold read path (:mod:`graphkit.workspace.columns`)."""
    keys = accounts.keys
    n = len(keys)
    _, offsets, data = keys.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[keys.offset:keys.offset + n + 1] if n else np.zeros(1, np.int64)
    return write_columns(folder, offsets, data if data is not None else b"", accounts.observed, accounts.numeric)


def _history(snapshot: Snapshot, events: pd.DataFrame | None, remap: np.ndarray | None) -> pa.Table | None:
    """The attribute history: the base's, the segments', the delta's (rows with a value only)."""
    parts = [account_history(snapshot)]
    if events is not None and len(events):
        parts.append(events.drop(columns=[c for c in ("key", "gen") if c in events.columns]))
    frames = [p for p in parts if len(p)]
    if not frames:
        return None
    history = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    values = [c for c in history.columns if c not in ("id", "loaded_at")]
    if not values:
        return None
    history = history[history[values].notna().any(axis=1)].reset_index(drop=True)
    if remap is not None:
        history["id"] = remap[history["id"].to_numpy(dtype=np.int64)]
    history["id"] = history["id"].astype(np.int32)
    return frame_to_table(history)


def _tables(snapshot: Snapshot, delta: Delta | None) -> dict[str, pd.DataFrame]:
    names = set(snapshot.table_names()) | set(delta.tables if delta is not None else ())
    out = {}
    for name in sorted(names - {"aliases"}):
        parts = [snapshot.table(name)] + ([delta.tables[name]] if delta is not None and name in delta.tables else [])
        parts = [p for p in parts if len(p.columns)]
        if parts:
            out[name] = pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)
    aliases = delta.aliases_after if delta is not None and delta.aliases_after is not None else None
    if aliases is None and "aliases" in names:
        aliases = snapshot.aliases()
    if aliases is not None:
        out["aliases"] = aliases.to_frame()
    return out
