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
import pandas as pd
import pyarrow as pa

__all__ = ["events_frame", "apply_account_events"]

_NULLABLE = {pa.int8(): pd.Int64Dtype(), pa.int16(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.float32(): pd.Float64Dtype(), pa.float64(): pd.Float64Dtype(),
             pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}


def events_frame(table: pa.Table) -> pd.DataFrame:
    """Account events as a DataFrame with graphkit's nullable attribute types (``Int64``,
    ``Float64``, ``boolean``, ``string``), whatever segments they were concatenated from."""
    return table.to_pandas(types_mapper=_NULLABLE.get)


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
