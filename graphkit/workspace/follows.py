"""Follows as integer codes: membership in a CSR, splicing changes into it, replaying spells.

A follow ``u -> v`` is the code ``(u << 32) | v``; sorted codes are the CSR's
order (rows by follower, each row by followee). A segment records follow
*events* in order: a **sighting** (a load saw the follow at a time) or an
**end** (a full-list load no longer contained it). The rules:

* a follow is current when its last event is a sighting (or, without events,
  when the base holds it);
* a **spell** runs from a sighting of a follow that was not current to the
  end that closes it: ``first_seen`` is its earliest sighting, ``last_seen``
  its latest, ``ended`` the end's time (empty while it lasts).

Examples
--------
>>> indptr, indices = np.array([0, 2, 2, 3]), np.array([1, 2, 0], dtype=np.int32)
>>> contains(indptr, indices, np.array([0, 2, 1]), np.array([2, 1, 0])).tolist()
[True, False, False]
>>> new_ptr, new_idx = splice(indptr, indices, encode([2], [1]), encode([0], [1]))
>>> new_ptr.tolist(), new_idx.tolist()
([0, 1, 1, 3], [2, 0, 1])
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from graphkit.graph import unique_ints
from graphkit.workspace.storage import NO_SECONDS

__all__ = [
    "encode", "decode", "swap", "find_in_rows", "contains", "splice", "last_events", "sorted_unique",
    "csr_from_sorted_codes", "Events", "Spells", "replay", "from_sightings", "SIGHT", "END", "NO_TIME",
    "BY_FOLLOWER", "BY_FOLLOWEE", "constant", "is_constant", "take", "concat",
]

#: Event kinds of a segment's ``follows.parquet`` rows.
SIGHT, END = 0, 1
NO_TIME = NO_SECONDS


def constant(value, n: int, dtype) -> np.ndarray:
    """A read-only column of ``n`` times ``value`` that holds one value (a stride-0 view).

    A load's follows share one time, one kind and one ``listed`` mark as often as not: at
    200 M follows, three full columns of them would cost 3.4 GB for four numbers.

    >>> column = constant(7, 3, np.int64)
    >>> column.tolist(), column.nbytes <= 24, is_constant(column)
    ([7, 7, 7], True, True)
    """
    return np.broadcast_to(np.asarray(value, dtype=dtype), (n,))


def is_constant(values: np.ndarray) -> bool:
    """Whether ``values`` is a :func:`constant` column (a stride-0 view of one value)."""
    return values.ndim == 1 and len(values) > 1 and values.strides == (0,)


def take(values: np.ndarray, where) -> np.ndarray:
    """``values[where]`` (a mask or indices); a constant column stays constant.

    >>> take(constant(5, 4, np.int64), np.array([True, False, True, True])).tolist()
    [5, 5, 5]
    """
    if not is_constant(values):
        return values[where]
    where = np.asarray(where)
    n = int(np.count_nonzero(where)) if where.dtype == bool else len(where)
    return constant(values[0], n, values.dtype)


def concat(parts: list[np.ndarray]) -> np.ndarray:
    """The columns of ``parts`` one after another; constant if every part holds the same value.

    >>> concat([constant(1, 2, np.int8), constant(1, 3, np.int8)]).shape, concat([np.array([1]), np.array([2])]).tolist()
    ((5,), [1, 2])
    """
    parts = [part for part in parts if len(part)]
    if len(parts) == 1:
        return parts[0]
    if parts and all(is_constant(p) or len(p) == 1 for p in parts) and len({p[0] for p in parts}) == 1:
        return constant(parts[0][0], sum(len(p) for p in parts), parts[0].dtype)
    return np.concatenate(parts) if parts else np.empty(0)


def encode(src, dst) -> np.ndarray:
    """Codes ``(src << 32) | dst`` of follows.

    >>> encode([1], [2]).tolist()
    [4294967298]
    """
    codes = np.asarray(src, dtype=np.int64) << 32
    codes |= np.asarray(dst, dtype=np.int64)
    return codes


def decode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(src, dst)`` int32 arrays of codes.

    >>> [a.tolist() for a in decode(encode([1, 0], [2, 3]))]
    [[1, 0], [2, 3]]
    """
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    if sys.byteorder == "little":  # the two halves of each code, copied from a view: no int64 temporaries
        halves = codes.view(np.int32).reshape(-1, 2)
        return halves[:, 1].copy(), halves[:, 0].copy()
    return (codes >> 32).astype(np.int32), (codes & 0xFFFFFFFF).astype(np.int32)


def swap(codes: np.ndarray) -> np.ndarray:
    """The reversed follows' codes (``v -> u`` for ``u -> v``), unsorted.

    >>> decode(swap(encode([1], [2])))[0].tolist()
    [2]
    """
    src, dst = decode(codes)
    return encode(dst, src)


def sorted_unique(codes: np.ndarray) -> np.ndarray:
    """The distinct values of ``codes``, sorted; sorts ``codes`` in place (no copy of a big array).

    >>> sorted_unique(np.array([5, 1, 5, 3])).tolist()
    [1, 3, 5]
    """
    return unique_ints(codes, in_place=True)


def csr_from_sorted_codes(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``(indptr, indices)`` of sorted distinct codes.

    >>> indptr, indices = csr_from_sorted_codes(encode([0, 2], [2, 0]), 3)
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 1, 2], [2, 0])
    """
    indptr = np.searchsorted(codes, np.arange(n + 1, dtype=np.int64) << 32).astype(np.int64)
    indices = np.empty(len(codes), dtype=np.int32)
    np.bitwise_and(codes, 0xFFFFFFFF, out=indices, casting="unsafe")
    return indptr, indices


def find_in_rows(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where ``values[i]`` is or would go in CSR row ``rows[i]``: ``(position, found)``.

    A vectorized binary search over all queries at once (a few passes of
    numpy over the queries; it reads only the rows it needs of a
    memory-mapped CSR).

    >>> find_in_rows(np.array([0, 3]), np.array([2, 5, 9]), np.array([0, 0]), np.array([5, 6]))
    (array([1, 2]), array([ True, False]))
    """
    rows = np.asarray(rows, dtype=np.int64)
    values = np.asarray(values, dtype=np.int64)
    lo = np.asarray(indptr[rows], dtype=np.int64)
    end = np.asarray(indptr[rows + 1], dtype=np.int64)
    hi = end.copy()
    active = np.flatnonzero(lo < hi)
    while len(active):
        mid = (lo[active] + hi[active]) >> 1
        below = np.asarray(indices[mid], dtype=np.int64) < values[active]
        lo[active[below]] = mid[below] + 1
        hi[active[~below]] = mid[~below]
        active = active[lo[active] < hi[active]]
    found = lo < end
    found[found] = np.asarray(indices[lo[found]], dtype=np.int64) == values[found]
    return lo, found


def contains(indptr: np.ndarray, indices: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Whether each follow ``src[i] -> dst[i]`` is in the CSR."""
    if len(src) == 0:
        return np.zeros(0, dtype=bool)
    return find_in_rows(indptr, indices, src, dst)[1]


def splice(indptr: np.ndarray, indices: np.ndarray, added: np.ndarray, removed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A new CSR: ``added`` codes (not in the CSR) inserted, ``removed`` codes (in it) taken out.

    Rows stay sorted. The cost is one pass over ``indices`` plus a binary
    search per change; nothing is rebuilt from edges.
    """
    n = len(indptr) - 1
    if len(added) == 0 and len(removed) == 0:
        return indptr, indices
    added = np.sort(np.asarray(added, dtype=np.int64))
    removed = np.sort(np.asarray(removed, dtype=np.int64))
    add_src, add_dst = decode(added)
    rem_src, rem_dst = decode(removed)
    rem_pos, found = find_in_rows(indptr, indices, rem_src, rem_dst)
    if not found.all():
        raise ValueError("a follow to remove is not in the graph")
    ins_pos, present = find_in_rows(indptr, indices, add_src, add_dst)
    if present.any():
        raise ValueError("a follow to add is already in the graph")
    kept = np.delete(np.asarray(indices), rem_pos) if len(rem_pos) else np.asarray(indices)
    ins_pos -= np.searchsorted(rem_pos, ins_pos, side="left")
    out = np.insert(kept, ins_pos, add_dst.astype(kept.dtype)) if len(ins_pos) else np.array(kept)
    change = np.bincount(add_src, minlength=n).astype(np.int64)
    change -= np.bincount(rem_src, minlength=n)
    new_indptr = np.asarray(indptr, dtype=np.int64).copy()
    new_indptr[1:] += np.cumsum(change)
    return new_indptr, out


def last_events(codes: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes (sorted) and the kind of each one's last event (events in order).

    >>> [a.tolist() for a in last_events(np.array([7, 3, 7]), np.array([SIGHT, SIGHT, END]))]
    [[3, 7], [0, 1]]
    """
    order = np.argsort(codes, kind="stable")
    ordered = np.asarray(codes)[order]
    if len(ordered) == 0:
        return ordered, np.asarray(kinds)[order]
    last = np.empty(len(ordered), dtype=bool)
    last[-1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=last[:-1])
    return ordered[last], np.asarray(kinds)[order][last]


#: ``listed`` bits of a spell: a full list of the follower (its following list) or of the
#: followee (its followers list) held the follow. Only such a list can end it later.
BY_FOLLOWER, BY_FOLLOWEE = 1, 2


@dataclass
class Events:
    """Follow events in order: ``codes``, ``kinds`` (:data:`SIGHT`/:data:`END`), ``times``
    (seconds: when seen, or when ended) and ``listed`` bits of sightings."""

    codes: np.ndarray
    kinds: np.ndarray
    times: np.ndarray
    listed: np.ndarray

    @classmethod
    def empty(cls) -> Events:
        return cls(np.empty(0, np.int64), np.empty(0, np.int8), np.empty(0, np.int64), np.empty(0, np.int8))

    @classmethod
    def concat(cls, parts: list[Events]) -> Events:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        return cls(*(concat([getattr(p, name) for p in parts]) for name in ("codes", "kinds", "times", "listed")))

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, mask_or_index) -> Events:
        return Events(*(take(getattr(self, name), mask_or_index) for name in ("codes", "kinds", "times", "listed")))


@dataclass
class Spells:
    """Follow spells as parallel arrays: ``codes``, ``first_seen``, ``last_seen``, ``ended``
    (seconds since 1970; ``ended`` is :data:`NO_TIME` while the spell lasts) and ``listed``
    (:data:`BY_FOLLOWER`/:data:`BY_FOLLOWEE` bits)."""

    codes: np.ndarray
    first_seen: np.ndarray
    last_seen: np.ndarray
    ended: np.ndarray
    listed: np.ndarray

    _FIELDS = ("codes", "first_seen", "last_seen", "ended", "listed")

    @classmethod
    def empty(cls) -> Spells:
        zero = np.empty(0, dtype=np.int64)
        return cls(zero, zero.copy(), zero.copy(), zero.copy(), np.empty(0, np.int8))

    @classmethod
    def concat(cls, parts: list[Spells]) -> Spells:
        if not any(len(p) for p in parts):
            return cls.empty()
        return cls(*(concat([getattr(p, name) for p in parts]) for name in cls._FIELDS))

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, mask_or_index) -> Spells:
        return Spells(*(take(getattr(self, name), mask_or_index) for name in self._FIELDS))

    @property
    def is_open(self) -> np.ndarray:
        return self.ended == NO_TIME


def from_sightings(events: Events) -> Spells:
    """Open spells of follows seen for the first time (``first_seen``/``last_seen``: the
    earliest and latest sighting of each; ``listed``: every list that held it).

    >>> spells = from_sightings(Events(np.array([5, 3, 5]), np.zeros(3, np.int8), np.array([20, 10, 10]),
    ...                                np.array([0, 0, BY_FOLLOWER], np.int8)))
    >>> spells.codes.tolist(), spells.first_seen.tolist(), spells.last_seen.tolist(), spells.listed.tolist()
    ([3, 5], [10, 10], [10, 20], [0, 1])
    """
    codes, times, listed = events.codes, events.times, events.listed
    if len(codes) and (codes[1:] > codes[:-1]).all():  # sorted and distinct: nothing to combine
        # (the columns are shared, not copied: spells, like events, are never written in place)
        return Spells(codes, times, times, constant(NO_TIME, len(codes), np.int64), listed.astype(np.int8, copy=False))
    order = np.lexsort((times, codes))
    codes, times, listed = codes[order], times[order], listed[order]
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.empty(0, np.int64)
    if not len(bounds):
        return Spells.empty()
    return Spells(codes[bounds], times[bounds], np.maximum.reduceat(times, bounds),
                  np.full(len(bounds), NO_TIME, dtype=np.int64),
                  np.bitwise_or.reduceat(listed.astype(np.int8), bounds))


def replay(current: Spells, events: Events) -> tuple[Spells, Spells]:
    """Apply follow events (in order) to the current spells; ``(current, closed)`` spells after.

    ``current`` are the open spells before the events (sorted by code). A
    sighting of a follow that is not current opens a spell; a sighting of a
    current one widens its ``first_seen``/``last_seen`` and adds its
    ``listed`` bits; an end closes the open spell; an end of a follow that is
    not current is ignored.

    >>> before = Spells(encode([0], [1]), np.array([10]), np.array([10]), np.array([NO_TIME]), np.array([1], np.int8))
    >>> now, closed = replay(before, Events(encode([0, 0, 0], [1, 1, 2]), np.array([SIGHT, END, SIGHT], np.int8),
    ...                                     np.array([20, 30, 30]), np.zeros(3, np.int8)))
    >>> decode(now.codes)[1].tolist(), now.first_seen.tolist()
    ([2], [30])
    >>> closed.first_seen.tolist(), closed.last_seen.tolist(), closed.ended.tolist(), closed.listed.tolist()
    ([10], [20], [30], [1])
    """
    if len(events) == 0:
        return current, Spells.empty()
    if len(current) == 0 and (events.kinds == SIGHT).all():
        return from_sightings(events), Spells.empty()
    touched = sorted_unique(events.codes.copy())
    position = np.searchsorted(current.codes, touched)  # current.codes is sorted
    hit = position < len(current)
    hit[hit] = current.codes[position[hit]] == touched[hit]
    involved = np.zeros(len(current), dtype=bool)
    involved[position[hit]] = True
    untouched, start = current.take(~involved), current.take(involved)
    # one sequence: the open spell each touched follow had (kind 2), then its events in order
    all_codes = np.concatenate([start.codes, events.codes])
    all_kinds = np.concatenate([np.full(len(start), 2, dtype=np.int8), events.kinds.astype(np.int8)])
    low = np.concatenate([start.first_seen, events.times])
    high = np.concatenate([start.last_seen, events.times])
    listed = np.concatenate([start.listed, events.listed]).astype(np.int8)
    order = np.argsort(all_codes, kind="stable")  # the open spells come first: they are first in the input
    all_codes, all_kinds, low, high, listed = all_codes[order], all_kinds[order], low[order], high[order], listed[order]
    head = np.ones(len(all_codes), dtype=bool)
    head[1:] = all_codes[1:] != all_codes[:-1]
    # the state before an event is "current" unless the previous event of the follow was an end
    # (or there is none); so a sighting starts a spell exactly when that state is "not current"
    prev_kind = np.empty(len(all_codes), dtype=np.int8)
    prev_kind[1:] = all_kinds[:-1]
    prev_kind[head] = END
    was_current = prev_kind != END
    sight = all_kinds != END
    starts = (sight & ~was_current) | (all_kinds == 2)
    valid_end = (all_kinds == END) & was_current
    spell = np.cumsum(starts) - 1
    keep = sight | valid_end  # ignored ends belong to no spell
    spell, kinds_kept, listed = spell[keep], all_kinds[keep], listed[keep]
    is_end = kinds_kept == END
    low = np.where(is_end, np.iinfo(np.int64).max, low[keep])
    ended_at = np.where(is_end, high[keep], NO_TIME)
    high = np.where(is_end, NO_TIME, high[keep])
    listed = np.where(is_end, 0, listed).astype(np.int8)
    spell_codes = all_codes[keep]
    bounds = np.flatnonzero(np.r_[True, spell[1:] != spell[:-1]])
    spells = Spells(spell_codes[bounds], np.minimum.reduceat(low, bounds), np.maximum.reduceat(high, bounds),
                    np.maximum.reduceat(ended_at, bounds), np.bitwise_or.reduceat(listed, bounds))
    open_now = spells.is_open
    merged = Spells.concat([untouched, spells.take(open_now)])
    return merged.take(np.argsort(merged.codes, kind="stable")), spells.take(~open_now)
