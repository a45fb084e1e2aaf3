"""Account ids: looking keys up, giving new keys the next ids, and aliases.

Account ids are dense and stable: the base holds ids ``0..n-1`` (row ``i`` of
``accounts.parquet``) and every segment appends the next ones. A commit looks
up the keys its sources name (:class:`KeyIndex`), gives the new ones the next
ids in the order the sources first name them, and applies **aliases**: pairs
``alias -> key`` (an X id and its handle, a Bluesky DID and its current
handle), kept by :mod:`graphkit.workspace.aliases`. An account keyed by an alias takes the
canonical key (same id: a rename); if the canonical key has an account too,
the two are one account, and the **older id survives** with the follows of
both. When both were stored by earlier commits, every later id shifts, so
that commit rewrites the base (see :mod:`graphkit.workspace.compaction`).

Examples
--------
>>> index = KeyIndex(pa.array(["ann", "bob"]), {1: "rob"}, pa.array(["cat"]))
>>> index.lookup(pa.array(["cat", "bob", "rob", "dan"])).tolist()
[2, -1, 1, -1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit import arrow_arrays as arrow
from graphkit.lazy import lazy_module
from graphkit.workspace.aliases import AliasTable

pd = lazy_module("pandas")

__all__ = ["as_arrow", "KeyIndex", "Identity", "assign_ids"]


def as_arrow(values, kind: pa.DataType | None = None) -> pa.Array:
    """A pyarrow array of keys (``kind``: string, the default, or large_string) from a Series,
    array or list; zero-copy when arrow-backed with that type (pandas' ``string`` dtype is
    large_string).

    >>> as_arrow(pd.Series(["a", "b"], dtype="string")).to_pylist()
    ['a', 'b']
    """
    kind = kind or pa.string()
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else None
    if array is None and not isinstance(values, list):  # (only then ask pandas: asking imports it)
        if isinstance(values, pd.Series):
            values = values.array
        array = getattr(values, "_pa_array", None)
    if array is not None:
        if isinstance(array, pa.ChunkedArray):
            array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
        return array if array.type == kind else array.cast(kind)
    if not isinstance(values, list):
        values = [None if v is pd.NA else v for v in values]
    return arrow.array(values, kind)


def _positions(found: pa.Array) -> np.ndarray:
    """An ``index_in`` result as int64 with -1 for "not found"."""
    return arrow.to_numpy(found.fill_null(arrow.scalar(-1, found.type))).astype(np.int64)


class KeyIndex:
    """The current accounts' keys: the base's, renamed and extended by the segments.

    Parameters
    ----------
    base_keys : pyarrow string array
        Key of every base id (row order).
    renamed : dict
        ``id -> key`` for accounts whose key a segment changed (base or segment ids).
    added_keys : pyarrow string array
        Keys of the accounts the segments added, ids ``len(base_keys)...``, as first stored.
    """

    def __init__(self, base_keys: pa.Array, renamed: dict[int, str], added_keys: pa.Array) -> None:
        self.base_keys = as_arrow(base_keys)
        self.n_base = len(self.base_keys)
        self.n = self.n_base + len(added_keys)
        current = dict(zip(range(self.n_base, self.n), as_arrow(added_keys).to_pylist()))
        current.update(renamed)
        self._delta_ids = np.fromiter(current, dtype=np.int64, count=len(current))
        self._delta_keys = arrow.array(list(current.values()), pa.string())
        self._renamed_base = np.array([i for i in renamed if i < self.n_base], dtype=np.int64)

    def lookup(self, keys: pa.Array) -> np.ndarray:
        """The id of each key (``-1``: no account has it); ``keys`` must be distinct."""
        keys = as_arrow(keys)
        out = np.full(len(keys), -1, dtype=np.int64)
        if self.n_base and len(keys):
            if len(keys) <= self.n_base:  # hash the smaller side, scan the other
                where = _positions(pc.index_in(self.base_keys, value_set=keys))
                hits = np.flatnonzero(where >= 0)
                out[where[hits]] = hits
            else:
                out = _positions(pc.index_in(keys, value_set=self.base_keys))
            if len(self._renamed_base):  # a renamed base account no longer answers to its old key
                out[np.isin(out, self._renamed_base)] = -1
        if len(self._delta_ids) and len(keys):
            where = _positions(pc.index_in(keys, value_set=self._delta_keys))
            hits = where >= 0
            out[hits] = self._delta_ids[where[hits]]
        return out

    def keys_of(self, ids: Sequence[int]) -> list[str]:
        """The current keys of some ids."""
        delta = dict(zip(self._delta_ids.tolist(), self._delta_keys.to_pylist()))
        base = [i for i in ids if i not in delta]
        found = dict(zip(base, self.base_keys.take(arrow.array(base, pa.int64())).to_pylist())) if base else {}
        return [delta.get(i, found.get(i)) for i in ids]


@dataclass
class Identity:
    """What :func:`assign_ids` decided for a commit's keys.

    ``ids`` gives the final id of each named key; ``new_keys`` the keys of the
    new ids ``n_before...`` in order; ``renamed`` the stored accounts taking a
    new key; ``merged`` the stored accounts folded into an older one
    (``id -> surviving id``), which needs a rewrite of the base.
    """

    ids: np.ndarray
    new_keys: pa.Array
    renamed: dict[int, str] = field(default_factory=dict)
    merged: dict[int, int] = field(default_factory=dict)


def assign_ids(named: pa.Array, index: KeyIndex, aliases: AliasTable, changed: dict[str, str]) -> Identity:
    """Ids of the distinct keys ``named`` (in first-appearance order), with aliases applied.

    ``aliases`` is the alias table after this commit's pairs and ``changed``
    the entries those pairs added or changed (see :meth:`AliasTable.apply`).

    >>> index = KeyIndex(pa.array(["jack_old", "ann"]), {}, pa.array([], pa.string()))
    >>> table, changed = AliasTable.empty().apply([("1", "jack_old"), ("1", "jack")])
    >>> who = assign_ids(pa.array(["1", "bob", "jack"]), index, table, changed)
    >>> who.ids.tolist(), who.new_keys.to_pylist(), who.renamed
    ([0, 2, 0], ['bob'], {0: 'jack'})
    """
    named = as_arrow(named)
    existing = index.lookup(named)
    n_before = index.n
    canonical = aliases.canonical(named)
    if not changed and (not len(named) or not pc.any(pc.not_equal(canonical, named.cast(pa.string()))).as_py()):
        new = np.flatnonzero(existing < 0)
        existing[new] = n_before + np.arange(len(new))
        return Identity(existing, named.take(arrow.array(new, pa.int64())))
    keys, canon = named.to_pylist(), canonical.to_pylist()
    # stored accounts keyed by an alias learned (or changed) now, and those holding canonical keys
    extra_keys = sorted((set(changed) | set(changed.values()) | set(canon)) - set(keys))
    extra = arrow.array(extra_keys, pa.string())
    extra_ids = index.lookup(extra) if extra_keys else np.empty(0, np.int64)
    members: dict[str, list[int]] = {}  # canonical key -> stored ids in its group
    targets = canon + aliases.canonical(extra).to_pylist()
    for target, account in zip(targets, existing.tolist() + extra_ids.tolist()):
        if account >= 0:
            members.setdefault(target, []).append(account)
    ids = np.empty(len(keys), dtype=np.int64)
    new_keys: list[str] = []
    new_ids: dict[str, int] = {}
    renamed: dict[int, str] = {}
    merged: dict[int, int] = {}
    for position, key in enumerate(canon):
        stored = members.get(key)
        if stored:
            ids[position] = min(stored)
            continue
        if key not in new_ids:
            new_ids[key] = n_before + len(new_keys)
            new_keys.append(key)
        ids[position] = new_ids[key]
    survivors = {key: min(stored) for key, stored in members.items()}
    current = dict(zip(survivors.values(), index.keys_of(list(survivors.values()))))
    for key, stored in members.items():
        for account in set(stored) - {survivors[key]}:
            merged[account] = survivors[key]
        if current[survivors[key]] != key:
            renamed[survivors[key]] = key
    return Identity(ids, arrow.array(new_keys, pa.string()), renamed, merged)
