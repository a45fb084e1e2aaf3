"""One dictionary of account keys for a whole edge file, built block by block.

The edge reader encodes each block of a file as int32 codes into the block's
distinct keys. In a scrape most followees of a block appear once in it, so the
blocks' dictionaries together hold about one key per follow: at 200 M follows,
5 GB of strings for 14 M accounts. :class:`BlockKeys` merges the pending block
dictionaries into one whenever they outgrow it (twice its size, at least
:data:`MERGE_AT` keys), remapping those blocks' codes; a file then costs its
codes (8 bytes a follow) plus one dictionary, and every chunk it hands on
shares that dictionary.

The merged dictionary keeps the order in which keys first appear, block after
block (followers first, then followees, as in each block): the order in which
the workspace numbers new accounts, so ids are the same as without merging.

Examples
--------
>>> import pyarrow as pa
>>> keys = BlockKeys(merge_at=1)
>>> keys.add(pa.array(["ann", "bob"]), np.array([0, 1], np.int32), 1)
>>> keys.add(pa.array(["cat", "ann"]), np.array([0, 1], np.int32), 1)
>>> chunks = keys.chunks()
>>> [(c["follower"].to_pylist(), c["followee"].to_pylist()) for c in chunks]
[(['ann'], ['bob']), (['cat'], ['ann'])]
>>> chunks[0]["follower"].chunk(0).dictionary.to_pylist()
['ann', 'bob', 'cat']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit import arrow_arrays as arrow

__all__ = ["BlockKeys", "MERGE_AT"]

#: Pending block keys below this count are not merged yet (merging rehashes the dictionary; at
#: 10 M follows two merges at 4 M keys cost 1.1 s of an 8.5 s load, for 150 MB).
MERGE_AT = 16_000_000
#: The key type of the merged dictionary (the workspace's: no cast when it takes the keys).
KEY_TYPE = pa.large_string()


class BlockKeys:
    """Blocks of follows (codes into each block's keys) gathered under one dictionary."""

    def __init__(self, merge_at: int | None = None) -> None:
        self.keys = arrow.empty(KEY_TYPE)
        self.merge_at = MERGE_AT if merge_at is None else merge_at
        self._pending: list[tuple[pa.Array, np.ndarray, int]] = []
        self._pending_keys = 0
        #: merged blocks: (codes into self.keys, follower codes then followee codes; n)
        self._merged: list[tuple[np.ndarray, int]] = []

    def add(self, keys: pa.Array, codes: np.ndarray, n: int) -> None:
        """One block: its ``keys`` (a key may be listed twice: the merge makes it one, where
        it was first listed) and ``codes`` into them (``n`` followers, then ``n`` followees)."""
        self._pending.append((keys, codes, n))
        self._pending_keys += len(keys)
        if self._pending_keys >= max(self.merge_at, 2 * len(self.keys)):
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        parts = [self.keys] + [keys.cast(KEY_TYPE) for keys, _, _ in self._pending]
        encoded = pc.dictionary_encode(pa.chunked_array(parts, type=KEY_TYPE))
        dictionary = encoded.chunk(0).dictionary  # (one dictionary for every chunk; empty chunks are dropped)
        flat = np.concatenate([arrow.to_numpy(chunk.indices).astype(np.int32, copy=False)
                               for chunk in encoded.chunks])
        del encoded
        # the dictionary lists the merged keys first (they are distinct), so their codes stay
        start = len(self.keys)
        for keys, codes, n in self._pending:
            self._merged.append((flat[start:start + len(keys)][codes], n))
            start += len(keys)
        self.keys = dictionary
        self._pending, self._pending_keys = [], 0
        pa.default_memory_pool().release_unused()  # the hash table's pages, or the allocator keeps them

    def chunks(self) -> list[pa.Table]:
        """Every block as a ``follower, followee`` table of dictionary arrays sharing one dictionary."""
        self._merge()
        out = []
        for codes, n in self._merged:
            indices = arrow.from_numpy(codes.astype(np.int32, copy=False))
            out.append(pa.Table.from_arrays(
                [pa.DictionaryArray.from_arrays(indices.slice(0, n), self.keys),
                 pa.DictionaryArray.from_arrays(indices.slice(n), self.keys)], names=["follower", "followee"]))
        self._merged = []
        return out
