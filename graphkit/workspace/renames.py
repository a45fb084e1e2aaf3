"""Renames: when an account's key (its handle) changed, from what, to what.

An account keeps its id through a rename (a crawl's alias ``platform id ->
handle`` names the same account by a new handle). The account events of a
segment record the new key with the load's time; a compaction keeps every
rename in the base's ``account_renames.parquet`` (``id``, ``loaded_at``,
``key``, ``previous``), so that "the handle as it was at a date" and "who was
renamed between two dates" survive compactions.

Examples
--------
>>> events = pd.DataFrame({"id": [2, 0, 2], "key": ["cat", "ann2", "cat2"],
...                        "loaded_at": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"], utc=True)})
>>> renames = rename_events(pa.array(["ann", "bob"]), events)
>>> renames[["id", "previous", "key"]].values.tolist()
[[0, 'ann', 'ann2'], [2, 'cat', 'cat2']]
>>> keys_at(pd.Series(["ann2", "bob", "cat2"]), renames, pd.Timestamp("2026-01-15", tz="UTC")).tolist()
['ann', 'bob', 'cat']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from graphkit.lazy import lazy_module

pd = lazy_module("pandas")

__all__ = ["RENAMES_FILE", "RENAME_COLUMNS", "rename_events", "no_renames", "keys_at"]

#: The base file that keeps every rename through compactions.
RENAMES_FILE = "account_renames.parquet"
RENAME_COLUMNS = ("id", "loaded_at", "key", "previous")


def no_renames() -> pd.DataFrame:
    """An empty rename table with its columns."""
    return pd.DataFrame({"id": pd.Series([], dtype=np.int64),
                         "loaded_at": pd.Series([], dtype="datetime64[ns, UTC]"),
                         "key": pd.Series([], dtype="string"), "previous": pd.Series([], dtype="string")})


def rename_events(keys: pa.Array, events: pd.DataFrame | None) -> pd.DataFrame:
    """The renames among account ``events`` (``id``, ``key``, ``loaded_at``, in commit order).

    ``keys`` are the keys of ids ``0..len(keys)-1`` before the events. An
    event with a key for the next new id introduces an account; one for an
    existing id renames it (``previous`` is the key it had until then).
    """
    if events is None or not len(events) or "key" not in events.columns:
        return no_renames()
    keyed = events[events["key"].notna()]
    ids = keyed["id"].to_numpy(dtype=np.int64)
    n_known = len(keys)
    # Only an account keyed before (an id below n_known) or keyed twice can be renamed: a
    # first load names millions of new accounts once each, and none of them is looked at.
    repeated = np.bincount(ids)[ids] > 1 if len(ids) else np.zeros(0, dtype=bool)
    candidates = np.flatnonzero((ids < n_known) | repeated)
    if not len(candidates):
        return no_renames()
    keyed = keyed.iloc[candidates]
    current: dict[int, str] = {}
    rows = []
    for account, key, when in zip(keyed["id"].tolist(), keyed["key"].tolist(), keyed["loaded_at"].tolist()):
        previous = current.get(account)
        if previous is None and account >= n_known:  # a new account's first key: not a rename
            current[account] = key
            continue
        if previous is None:
            previous = keys[account].as_py()
        if previous != key:
            rows.append((account, when, key, previous))
        current[account] = key
    if not rows:
        return no_renames()
    frame = pd.DataFrame(rows, columns=list(RENAME_COLUMNS))
    frame["id"] = frame["id"].astype(np.int64)
    frame["loaded_at"] = pd.to_datetime(frame["loaded_at"], utc=True)
    frame["key"] = frame["key"].astype("string")
    frame["previous"] = frame["previous"].astype("string")
    return frame


def keys_at(keys: pd.Series, renames: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    """``keys`` (row = id, the keys now) as they were at ``when``: an account renamed later
    shows the key it had before its first rename after ``when``."""
    later = renames[renames["loaded_at"] > when]
    if not len(later):
        return keys
    first = later.drop_duplicates("id", keep="first")
    out = keys.astype("string").copy()
    out.iloc[first["id"].to_numpy(dtype=np.int64)] = first["previous"].to_numpy()
    return out
