"""Account events: new accounts, renames and attribute values, applied in order.

A segment's ``accounts.parquet`` holds one row per event: the ``id`` it is
about and the columns it sets (empty: not given). Applying them to the
accounts table (row = id) appends the new ids and lets later non-empty values
win, a column's type kept where the values allow it.

Examples
--------
>>> accounts = pd.DataFrame({"key": pd.array(["a", "b"], dtype="string"), "observed": [True, False]})
>>> events = pd.DataFrame({"id": [2, 1], "key": ["c", None],
...                        "followers_count": pd.array([None, 5], dtype="Int64")})
>>> apply_account_events(accounts, events)[["key", "observed", "followers_count"]].values.tolist()
[['a', True, <NA>], ['b', False, 5], ['c', False, <NA>]]
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from graphkit import arrow_arrays as arrow
from graphkit.lazy import lazy_module

pd = lazy_module("pandas")

__all__ = ["events_frame", "events_as_frame", "apply_account_events", "keyed_events", "flag_events", "concat_events",
           "LOADED_AT"]

#: The type of ``loaded_at`` in account events (pandas' ``datetime64[us, UTC]``).
LOADED_AT = pa.timestamp("us", tz="UTC")


def _nullable(arrow_type: pa.DataType):
    """The nullable pandas type of an Arrow column type (``None``: pandas' default)."""
    if pa.types.is_signed_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None


def events_frame(table: pa.Table) -> pd.DataFrame:
    """Account events as a DataFrame with graphkit's nullable attribute types (``Int64``,
    ``Float64``, ``boolean``, ``string``), whatever segments they were concatenated from."""
    return table.to_pandas(types_mapper=_nullable)


def _loaded_at(n: int, seconds: int) -> pa.Array:
    return arrow.from_numpy(np.full(n, seconds * 1_000_000, dtype=np.int64)).cast(LOADED_AT)


def keyed_events(ids: np.ndarray, keys: pa.Array, seconds: int) -> pa.Table:
    """Events giving accounts ``ids`` their ``keys`` (new accounts, renames), at ``seconds``.

    Built in Arrow (no pandas): a load that gives no attributes writes its
    account events without importing pandas.

    >>> keyed_events(np.array([0, 1]), pa.array(["a", "b"]), 0).column_names
    ['id', 'key', 'loaded_at']
    """
    return pa.Table.from_arrays(
        [arrow.from_numpy(np.asarray(ids, dtype=np.int32)), keys.cast(pa.large_string()), _loaded_at(len(ids), seconds)],
        names=["id", "key", "loaded_at"])


def flag_events(ids: np.ndarray, column: str, seconds: int) -> pa.Table:
    """Events setting the boolean ``column`` (``observed``, ``follows_self``) of ``ids`` at ``seconds``.

    >>> flag_events(np.array([3]), "observed", 0).to_pylist()[0]["observed"]
    True
    """
    ids = np.asarray(ids, dtype=np.int32)
    return pa.Table.from_arrays(
        [arrow.from_numpy(ids), arrow.from_numpy(np.ones(len(ids), dtype=bool)), _loaded_at(len(ids), seconds)],
        names=["id", column, "loaded_at"])


def concat_events(tables: list[pa.Table]) -> pa.Table | None:
    """Event tables one after the other; a column some lack is missing there (columns in order
    of first appearance, as ``pd.concat`` orders them).

    >>> concat_events([keyed_events(np.array([0]), pa.array(["a"]), 0),
    ...                flag_events(np.array([0]), "observed", 0)]).column_names
    ['id', 'key', 'loaded_at', 'observed']
    """
    if not tables:
        return None
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="default")


def events_as_frame(table: pa.Table) -> pd.DataFrame:
    """Account events built in Arrow as the pandas frame the same events built in pandas are:
    ``id`` int32, the flags and keys nullable, ``loaded_at`` UTC.

    >>> events_as_frame(flag_events(np.array([2]), "observed", 0)).dtypes.astype(str).tolist()
    ['int32', 'boolean', 'datetime64[us, UTC]']
    """
    frame = events_frame(table)
    frame["id"] = frame["id"].to_numpy(dtype=np.int32)
    return frame


def apply_account_events(accounts: pd.DataFrame, events: pd.DataFrame | None) -> pd.DataFrame:
    """``accounts`` (row = id) with account events applied: new ids appended, later values win.

    Missing values in an event keep the value before (a source that does not
    give a column leaves it alone).
    """
    if events is None or not len(events):
        return accounts
    ids = events["id"].to_numpy(dtype=np.int64)
    n_before, n_after = len(accounts), max(len(accounts), int(ids.max()) + 1)
    accounts = accounts.copy(deep=False)  # columns are copied when written (pandas' copy-on-write)
    if n_after > n_before:  # the new accounts, with the key their first event gives
        keyed = events["key"].notna().to_numpy(dtype=bool) & (ids >= n_before) if "key" in events else ids < 0
        first = pd.Series(events["key"].to_numpy()[keyed] if keyed.any() else [], index=ids[keyed], dtype="string")
        first = first[~first.index.duplicated(keep="first")].reindex(range(n_before, n_after))
        added = pd.DataFrame({"key": first.array, "observed": np.zeros(n_after - n_before, dtype=bool)})
        accounts = pd.concat([accounts, added], ignore_index=True)
    for column in events.columns:
        if column in ("id", "loaded_at", "gen"):
            continue
        values = events[column]
        present = values.notna().to_numpy(dtype=bool)
        if column == "key":  # a new account's key is in place; only renames are left
            present = present & ((ids < n_before) | events.duplicated("id").to_numpy())
        if column not in accounts.columns:
            accounts[column] = pd.Series(None, index=accounts.index, dtype=values.dtype)
        if not present.any():
            continue
        update = pd.Series(values[present].to_numpy(), index=ids[present], dtype=values.dtype)
        update = update[~update.index.duplicated(keep="last")]
        if accounts[column].dtype != update.dtype:
            try:
                update = update.astype(accounts[column].dtype)
            except (TypeError, ValueError):
                accounts[column] = accounts[column].astype("string")
                update = update.astype("string")
        accounts.loc[update.index, column] = update.to_numpy()
    accounts["observed"] = accounts["observed"].fillna(False).astype(bool)
    if "follows_self" in accounts.columns:
        accounts["follows_self"] = accounts["follows_self"].fillna(False).astype(bool)
    if accounts["key"].dtype != "string":
        accounts["key"] = accounts["key"].astype("string")
    return accounts
