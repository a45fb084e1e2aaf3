"""The accounts a query reads, as NumPy arrays: keys, observed flags, declared counts.

A :class:`~graphkit.graph.FollowGraph` opened from a workspace keeps its
``accounts`` DataFrame unbuilt until someone asks for it; the hot paths of a
query (find the brand, the observed mask, the declared follower counts, the
keys of the rows it returns) read an :class:`AccountColumns` instead: arrays
memory-mapped from the files :mod:`graphkit.workspace.columns` writes, so a
cold command imports neither pandas nor pyarrow.

Keys are stored like an Arrow string column: one byte string of every key
(UTF-8, concatenated) and ``n + 1`` int64 offsets; key ``i`` is
``data[offsets[i]:offsets[i + 1]]``.

Examples
--------
>>> columns = AccountColumns.from_keys(["ann", "bob", "cat"], observed=[True, False, True],
...                                    numeric={"followers_count": [10.0, float("nan"), 3.0]})
>>> columns.n, columns.find("bob"), columns.find("bo"), columns.find("zed")
(3, 1, -1, -1)
>>> columns.keys_of([2, 0]).tolist()
['cat', 'ann']
>>> columns.numeric("followers_count").tolist()
[10.0, nan, 3.0]
>>> columns.numeric("posts_count") is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

__all__ = ["AccountColumns", "NUMERIC_COLUMNS"]

#: The declared counts stored as float64 columns (NaN: not given): what queries rank and weigh by.
NUMERIC_COLUMNS = ("followers_count", "following_count")


class AccountColumns:
    """Keys (offsets + UTF-8 bytes), the observed mask and some numeric columns of ``n`` accounts.

    Parameters
    ----------
    offsets : ndarray of int64, ``n + 1`` entries
    data : buffer
        The keys' bytes (``bytes``, ``mmap.mmap`` or a uint8 array).
    observed : ndarray of bool
    numeric : mapping of name to ndarray or to a callable returning one
        Float64 columns (NaN where not given); a callable is called once, on first use.
    """

    def __init__(self, offsets: np.ndarray, data, observed: np.ndarray,
                 numeric: Mapping[str, np.ndarray | Callable[[], np.ndarray]] | None = None) -> None:
        self.offsets = offsets
        self.data = data
        self.observed = observed
        self._numeric = dict(numeric or {})
        if len(observed) != len(offsets) - 1:
            raise ValueError("observed must have one entry per key")

    @classmethod
    def from_keys(cls, keys: Iterable[str], observed: Iterable[bool],
                  numeric: Mapping[str, Iterable[float]] | None = None) -> AccountColumns:
        """Columns of a list of keys (tests and examples)."""
        encoded = [k.encode("utf-8") for k in keys]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        arrays = {name: np.asarray(list(values), dtype=np.float64) for name, values in (numeric or {}).items()}
        return cls(offsets, b"".join(encoded), np.asarray(list(observed), dtype=bool), arrays)

    @property
    def n(self) -> int:
        return len(self.offsets) - 1

    def key(self, account_id: int) -> str:
        return bytes(self.data[int(self.offsets[account_id]):int(self.offsets[account_id + 1])]).decode("utf-8")

    def keys_of(self, ids: Iterable[int]) -> np.ndarray:
        """The keys of ``ids`` as an object array (one slice per id: for a few thousand ids)."""
        ids = np.asarray(ids, dtype=np.int64)
        out = np.empty(len(ids), dtype=object)
        starts, ends = self.offsets[ids], self.offsets[ids + 1]
        for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist())):
            out[i] = bytes(self.data[start:end]).decode("utf-8")
        return out

    def find(self, key: str) -> int:
        """The id of ``key``, or -1: a byte search of the key data (``memchr`` speed), each hit
        checked against the offsets so that a key inside another never matches."""
        needle = key.encode("utf-8")
        if not needle:
            return -1
        data, offsets = self.data, self.offsets
        start = 0
        for _ in range(1 << 20):  # bounded: each round moves past one hit
            position = data.find(needle, start) if hasattr(data, "find") else bytes(data).find(needle, start)
            if position < 0:
                return -1
            row = int(np.searchsorted(offsets, position, side="right")) - 1
            if offsets[row] == position and offsets[row + 1] == position + len(needle):
                return row
            start = position + 1
        return -1

    def numeric(self, name: str) -> np.ndarray | None:
        """A stored float64 column (NaN: not given), or ``None`` if it is not stored."""
        column = self._numeric.get(name)
        if callable(column):
            column = self._numeric[name] = np.asarray(column(), dtype=np.float64)
        return column

    def has_numeric(self, name: str) -> bool:
        return name in self._numeric
