"""Accounts that hold flags only, merged without pandas: what follow lists alone make.

An edge list, a crawl's follows or a SNAP graph give accounts a key and two
flags, ``observed`` and ``follows_self``, and nothing else. While every stored
account event is of that kind (no attribute, rename, alias or extra table),
the next base's accounts are the stored keys followed by the new ones, and each
flag the last value its events gave. :func:`flag_accounts` works them out
from the Arrow files and NumPy, in the same order and with the same values as
:func:`graphkit.workspace.accounts.apply_account_events` (``tests/perf/test_pandas_free_load.py``
compares every file written both ways), so that ``graphkit load edges`` and
the compaction it triggers never import pandas.

Examples
--------
>>> last_values(np.array([3, 1, 3]), np.array([True, True, False]), 4).tolist()
[False, True, False, False]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyarrow as pa

from graphkit import arrow_arrays as arrow
from graphkit.workspace.delta import Delta
from graphkit.workspace.renames import RENAMES_FILE
from graphkit.workspace.segments import concat_tables
from graphkit.workspace.snapshot import Snapshot

__all__ = ["FLAGS", "FlagAccounts", "flag_accounts", "holds_flags_only", "last_values"]

#: The boolean account columns follows alone set.
FLAGS = ("observed", "follows_self")
#: Columns of a stored account event besides the flags.
_EVENT_COLUMNS = {"id", "key", "loaded_at", "gen"}


class FlagAccounts(NamedTuple):
    """The accounts of a new base: keys (row = id), flags, and the flag history."""

    keys: pa.Array
    flags: dict[str, np.ndarray]
    #: the ``account_updates.parquet`` rows (``id``, ``loaded_at``, flags), oldest first
    history: pa.Table | None


def holds_flags_only(snapshot: Snapshot, delta: Delta | None) -> bool:
    """Whether the stored accounts and the delta's events carry keys and flags only, and no
    key was renamed or merged (the case :func:`flag_accounts` handles)."""
    if snapshot.legacy or snapshot.table_names():
        return False
    if delta is not None:
        arrow_events = delta.account_events is None or isinstance(delta.account_events, pa.Table)
        if not arrow_events or delta.identity.merged or delta.identity.renamed or delta.tables \
                or delta.alias_pairs is not None:
            return False
    if snapshot.base:
        files = snapshot.base.get("files") or {}
        if RENAMES_FILE in files:
            return False
        stored = snapshot.read_base_schema("accounts.parquet").names
        if set(stored) - {"key", *FLAGS}:
            return False
    events = snapshot.account_event_table()
    if events is not None:
        if set(events.column_names) - _EVENT_COLUMNS - set(FLAGS):
            return False
        if "key" in events.column_names:  # keys given to new ids only, each once, in id order
            keyed = arrow.to_numpy(events.column("id").filter(events.column("key").is_valid())).astype(np.int64)
            if not np.array_equal(keyed, np.arange(snapshot.n_base, snapshot.n_base + len(keyed))):
                return False
    return True


def last_values(ids: np.ndarray, values: np.ndarray, n: int, before: np.ndarray | None = None) -> np.ndarray:
    """A flag of ``n`` accounts after events setting ``values`` for ``ids`` in order (the last
    one wins; accounts no event names keep ``before``, else False)."""
    out = np.zeros(n, dtype=bool) if before is None else np.array(before, dtype=bool, copy=True)
    if len(ids):
        reversed_ids = np.asarray(ids, dtype=np.int64)[::-1]
        named, last = np.unique(reversed_ids, return_index=True)
        out[named] = np.asarray(values, dtype=bool)[::-1][last]
    return out


def flag_accounts(snapshot: Snapshot, delta: Delta | None) -> FlagAccounts:
    """The accounts of the base written from ``snapshot`` plus ``delta`` (see :func:`holds_flags_only`)."""
    n = delta.counts["accounts"] if delta is not None else snapshot.n_accounts
    keys = [snapshot.base_keys().cast(pa.large_string())] if snapshot.base else []
    stored = snapshot.account_event_table()
    delta_events = delta.account_events if delta is not None else None
    for events in (stored, delta_events):
        if events is not None and "key" in events.column_names:
            keys.append(events.column("key").filter(events.column("key").is_valid()).combine_chunks()
                        .cast(pa.large_string()))
    keys = pa.concat_arrays(keys) if keys else arrow.empty(pa.large_string())
    if len(keys) != n:
        raise ValueError(f"internal: {len(keys)} keys for {n} accounts")
    base_flags = None
    if snapshot.base:
        stored_flags = [name for name in FLAGS if name in snapshot.read_base_schema("accounts.parquet").names]
        base_flags = snapshot.read_base("accounts.parquet", stored_flags)
    flags = {}
    for name in FLAGS:
        before = None
        if base_flags is not None and name in base_flags.column_names:
            before = np.zeros(n, dtype=bool)
            before[:snapshot.n_base] = arrow.filled(base_flags.column(name), False)
        named = [events for events in (stored, delta_events) if events is not None and name in events.column_names]
        if before is None and not named and name != "observed":
            continue  # a column no account ever had
        ids, values = [], []
        for events in named:
            given = events.filter(events.column(name).is_valid())
            ids.append(arrow.to_numpy(given.column("id")).astype(np.int64))
            values.append(arrow.to_numpy(given.column(name)))
        flags[name] = last_values(np.concatenate(ids) if ids else np.empty(0, np.int64),
                                  np.concatenate(values) if values else np.empty(0, bool), n, before)
    return FlagAccounts(keys, flags, _history(snapshot, stored, delta_events))


def _history(snapshot: Snapshot, stored: pa.Table | None, delta_events: pa.Table | None) -> pa.Table | None:
    """The base's flag history, then the segments', then the delta's: rows setting a flag."""
    parts = []
    if snapshot.base and "account_updates.parquet" in (snapshot.base.get("files") or {}):
        parts.append(snapshot.read_base("account_updates.parquet").replace_schema_metadata(None))
    for events in (stored, delta_events):
        if events is not None:
            parts.append(events.drop_columns([c for c in ("key", "gen") if c in events.column_names])
                         .replace_schema_metadata(None))
    history = concat_tables(parts)
    if history is None:
        return None
    values = [c for c in history.column_names if c not in ("id", "loaded_at")]
    if not values:
        return None
    valid = np.zeros(history.num_rows, dtype=bool)
    for name in values:
        valid |= arrow.to_numpy(history.column(name).is_valid())
    history = history.filter(arrow.from_numpy(valid))
    history = history.set_column(history.schema.get_field_index("id"), "id", history.column("id").cast(pa.int32()))
    return arrow.with_pandas_metadata(history, {"id": "int32", **{name: "boolean" for name in values}})
