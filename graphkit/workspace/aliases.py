"""Aliases: one account known by several names (an id and a handle, an old and a new handle).

A pair ``alias -> key`` says that ``alias`` names the account keyed ``key``.
The rules (:func:`resolve_aliases`): a later pair wins; the key the alias
pointed to before becomes an alias of the new one (a renamed handle); a pair
that would close a loop makes its key canonical again; chains are resolved to
the final key. An :class:`AliasTable` keeps the resolved map as two pyarrow
columns, so that a commit bringing a few pairs re-resolves only the entries
they touch, not a crawl's million.

Examples
--------
>>> sorted(resolve_aliases({"1": "jack_old"}, [("1", "jack"), ("2", "1")]).items())
[('1', 'jack'), ('2', 'jack'), ('jack_old', 'jack')]
>>> table, changed = AliasTable.empty().apply([("did:1", "ann"), ("did:2", "bob")])
>>> table, changed = table.apply([("did:1", "ann2")])
>>> table.to_frame().values.tolist(), changed
([['ann', 'ann2'], ['did:1', 'ann2'], ['did:2', 'bob']], {'did:1': 'ann2', 'ann': 'ann2'})
>>> table.canonical(pa.array(["did:2", "zed"])).to_pylist()
['bob', 'zed']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from graphkit import arrow_arrays as arrow
from graphkit.lazy import lazy_module

pd = lazy_module("pandas")

__all__ = ["resolve_aliases", "AliasTable"]


def resolve_aliases(table: dict[str, str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``alias -> key`` after the new ``pairs``, chains resolved to the final key.

    ``table`` is the resolved map before (not modified). A later pair wins:
    the key the alias pointed to before becomes an alias of the new one, and a
    pair that would close a loop makes its key canonical again, so no cycle
    can form.

    >>> resolve_aliases({}, [("1", "jack"), ("jack", "1")])
    {'jack': '1'}
    """
    table = dict(table)

    def link(alias: str, key: str) -> None:
        table[alias] = key
        step, seen = key, 0
        while step in table and seen <= len(table):  # did the new pair close a loop?
            step, seen = table[step], seen + 1
            if step == alias:
                table.pop(key)  # the newer pair wins: its key is canonical again
                break

    for alias, key in pairs:
        if alias == key:
            continue
        previous = table.get(alias)
        if previous is not None and previous != key:
            link(previous, key)
        link(alias, key)
    resolved: dict[str, str] = {}
    for alias in table:
        chain = [alias]
        while chain[-1] in table and chain[-1] not in resolved and len(chain) <= len(table):
            chain.append(table[chain[-1]])
        final = resolved.get(chain[-1], chain[-1])
        for step in chain[:-1]:
            resolved[step] = final
    return {alias: key for alias, key in resolved.items() if alias != key}


class AliasTable:
    """The resolved ``alias -> key`` map as two string columns (distinct aliases)."""

    def __init__(self, aliases: pa.Array, keys: pa.Array) -> None:
        self.aliases = aliases.cast(pa.string())
        self.keys = keys.cast(pa.string())

    @classmethod
    def empty(cls) -> AliasTable:
        return cls(arrow.empty(pa.string()), arrow.empty(pa.string()))

    @classmethod
    def from_table(cls, table: pa.Table | None) -> AliasTable:
        """From a table with columns ``alias`` and ``key`` (e.g. ``tables/aliases.parquet``)."""
        if table is None or table.num_rows == 0:
            return cls.empty()
        return cls(table.column("alias").combine_chunks(), table.column("key").combine_chunks())

    def __len__(self) -> int:
        return len(self.aliases)

    def to_frame(self) -> pd.DataFrame:
        """The ``aliases`` table (sorted by alias)."""
        order = pc.sort_indices(self.aliases)
        return pd.DataFrame({"alias": pd.array(self.aliases.take(order).to_pylist(), dtype="string"),
                             "key": pd.array(self.keys.take(order).to_pylist(), dtype="string")})

    def canonical(self, names: pa.Array) -> pa.Array:
        """The key each name stands for (the name itself when it is no alias)."""
        names = names.cast(pa.string())
        if not len(self) or not len(names):
            return names
        return pc.coalesce(self.keys.take(pc.index_in(names, value_set=self.aliases)), names)

    def apply(self, pairs: Iterable[tuple[str, str]]) -> tuple[AliasTable, dict[str, str]]:
        """The table after ``pairs`` (in order: one commit's), and the entries they added or
        changed. Only the entries the pairs can affect are resolved again: those whose alias
        is a name of a pair, and those pointing to such a name or to its current key.
        """
        pairs: Sequence[tuple[str, str]] = [(str(a), str(k)) for a, k in pairs]
        if not pairs:
            return self, {}
        names = arrow.array(sorted({n for pair in pairs for n in pair}), pa.string())
        named = pc.is_in(self.aliases, value_set=names)
        reach = pa.concat_arrays([names, pc.unique(self.keys.filter(named))])
        touched = pc.or_(named, pc.is_in(self.keys, value_set=reach))
        before = dict(zip(self.aliases.filter(touched).to_pylist(), self.keys.filter(touched).to_pylist()))
        after = resolve_aliases(before, pairs)
        changed = {a: k for a, k in after.items() if before.get(a) != k}
        kept = pc.invert(touched)
        table = AliasTable(pa.concat_arrays([self.aliases.filter(kept), arrow.array(list(after), pa.string())]),
                           pa.concat_arrays([self.keys.filter(kept), arrow.array(list(after.values()), pa.string())]))
        return table, changed
