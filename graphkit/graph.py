"""The columnar follow graph: accounts by dense id, follows as CSR in both directions.

A :class:`FollowGraph` holds

* ``accounts`` — a :class:`pandas.DataFrame` whose row ``i`` is account id ``i``:
  the ``key`` (normalized handle or id string), ``observed`` (its following list
  was loaded) and the attribute columns of :mod:`graphkit.schema`. A graph
  opened from a workspace builds it on first use: until then lookups, the
  observed mask and declared counts (:meth:`FollowGraph.numeric`) are read from
  NumPy :class:`~graphkit.account_columns.AccountColumns`, and pandas is not imported;
* the follows as compressed sparse rows: ``out_indptr``/``out_indices`` (row ``u``
  lists the accounts ``u`` follows, sorted) and, built lazily on first use,
  ``in_indptr``/``in_indices`` (row ``v`` lists the followers of ``v``).

No per-edge Python object exists: a follow costs 4 bytes in each direction
(int32 ids) plus the shared ``indptr`` arrays. Whole-graph work is vectorized
numpy/scipy over these arrays; networkx is only built for subgraphs.

Examples
--------
>>> g = FollowGraph.from_pairs([("ann", "bob"), ("ann", "cat"), ("bob", "cat")])
>>> g.n_accounts, g.n_follows
(3, 3)
>>> g.keys_of(g.followers(g.id_of("cat"))).tolist()
['ann', 'bob']
>>> g.keys_of(g.following(g.id_of("ann"))).tolist()
['bob', 'cat']
>>> g.in_degree().tolist()
[0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from graphkit.account_columns import AccountColumns
from graphkit.errors import AccountNotFound, QueryError
from graphkit.handles import normalize_handle

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["FollowGraph", "csr_from_edges", "transpose_csr", "gather_rows", "unique_ints", "NETWORKX_EDGE_LIMIT"]

#: Above this many follows, :meth:`FollowGraph.to_networkx` refuses the whole graph.
NETWORKX_EDGE_LIMIT = 2_000_000


def csr_from_edges(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, de-duplicated CSR ``(indptr, indices)`` of the edges ``src -> dst``.

    >>> indptr, indices = csr_from_edges(np.array([1, 0, 1, 1]), np.array([0, 1, 0, 2]), 3)
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 3, 3], [1, 0, 2])
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    codes = unique_ints((src << 32) | dst)
    rows = (codes >> 32).astype(np.int64)
    indices = (codes & 0xFFFFFFFF).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, indices


def unique_ints(values: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """Sorted distinct values of an integer array, like ``np.unique(values)``.

    numpy 2.4's ``np.unique`` hashes by default, which is 20 to 100 times slower
    than sorting on follow codes and account ids; this sorts a copy (or, with
    ``in_place``, ``values`` itself, saving a copy of a large array) and keeps
    the first of each run.

    >>> unique_ints(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    if in_place:
        values.sort()
    else:
        values = np.sort(np.asarray(values).ravel())
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values if keep.all() else values[keep]  # distinct already: no copy of a big array


def gather_rows(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The concatenation of CSR rows ``rows``, without a Python loop.

    >>> gather_rows(np.array([0, 2, 3, 5]), np.array([7, 8, 9, 5, 6]), np.array([2, 0])).tolist()
    [5, 6, 7, 8]
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = np.asarray(indptr[rows], dtype=np.int64)
    lengths = np.asarray(indptr[rows + 1], dtype=np.int64) - starts
    nonempty = lengths > 0
    if not nonempty.all():
        starts, lengths = starts[nonempty], lengths[nonempty]
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=indices.dtype)
    # positions by one cumulative sum of steps: +1 inside a row, a jump at each row's start
    # (one int64 array instead of a repeat, an arange and their sum)
    steps = np.ones(total, dtype=np.int64)
    heads = np.cumsum(lengths[:-1])
    steps[0] = starts[0]
    steps[heads] = starts[1:] - (starts[:-1] + lengths[:-1] - 1)
    np.cumsum(steps, out=steps)
    return indices[steps]


def transpose_csr(indptr: np.ndarray, indices: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR of the reversed edges; each output row stays sorted.

    The reversed follows are packed as int64 codes ``(followee << 32) | follower``
    and sorted in place: numpy's sort of int64 is vectorized (SIMD), faster than
    scipy's CSR -> CSC counting sort at 10 M follows (0.19 s against 0.23 s, plus
    0.2 s to import scipy), and it needs 8 bytes per follow besides the result
    instead of a stable argsort's 8 plus the gathered copy.

    >>> t_indptr, t_indices = transpose_csr(np.array([0, 2, 3, 3]), np.array([1, 2, 0], dtype=np.int32), 3)
    >>> t_indptr.tolist(), t_indices.tolist()
    ([0, 1, 2, 3], [1, 0, 0])
    """
    nnz = int(indptr[-1]) if len(indptr) else 0
    if n == 0 or nnz == 0:
        return np.zeros(n + 1, dtype=np.int64), np.empty(0, dtype=np.int32)
    indices = np.asarray(indices)
    counts = np.diff(np.asarray(indptr, dtype=np.int64))
    codes = indices.astype(np.int64)
    codes <<= 32
    codes |= np.repeat(np.arange(n, dtype=np.int32), counts)  # cast in buffered blocks: 4 bytes a follow
    codes.sort()
    reversed_indices = np.empty(nnz, dtype=np.int32)
    np.bitwise_and(codes, 0xFFFFFFFF, out=reversed_indices, casting="unsafe")
    del codes
    reversed_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(indices, minlength=n), out=reversed_indptr[1:])
    return reversed_indptr, reversed_indices


class FollowGraph:
    """A directed follow graph over accounts with attributes.

    Parameters
    ----------
    accounts : DataFrame, or a callable returning one
        One row per account, row ``i`` is id ``i``; must have a ``key`` column.
        An ``observed`` boolean column is added (all ``False``) if missing. A
        callable (given with ``columns``) is called on first use of :attr:`accounts`.
    out_indptr, out_indices : ndarray
        CSR of the follows (row = follower, columns = followees), rows sorted,
        no duplicates, no self-follows.
    in_indptr, in_indices : ndarray, optional
        CSR of the reverse direction, if already known (else built lazily).
    reverse : callable, optional
        Called (once, on first use) for ``(in_indptr, in_indices)`` instead of
        transposing the out direction: a workspace merges its stored reverse
        CSR with recent changes this way.
    columns : AccountColumns, optional
        The keys, observed mask and declared counts as NumPy arrays, read
        instead of the DataFrame until it is built (they must agree with it).
    """

    def __init__(
        self,
        accounts: pd.DataFrame | Callable[[], pd.DataFrame],
        out_indptr: np.ndarray,
        out_indices: np.ndarray,
        in_indptr: np.ndarray | None = None,
        in_indices: np.ndarray | None = None,
        *,
        reverse: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
        columns: AccountColumns | None = None,
    ) -> None:
        self._accounts = None
        self._build_accounts = None
        if callable(accounts):
            if columns is None:
                raise ValueError("a lazily built accounts table needs its columns")
            self._build_accounts = accounts
        else:
            self._accounts = _prepared(accounts)
        self.columns = columns
        n = columns.n if self._accounts is None else len(self._accounts)
        if len(out_indptr) != n + 1:
            raise ValueError("out_indptr must have one entry more than there are accounts")
        self.out_indptr = out_indptr
        self.out_indices = out_indices
        self._in_indptr = in_indptr
        self._in_indices = in_indices
        self._reverse = reverse
        self._index: pd.Index | None = None

    @property
    def accounts(self) -> pd.DataFrame:
        """The accounts table (row ``i`` = id ``i``), built on first use if it was deferred."""
        if self._accounts is None:
            self._accounts = _prepared(self._build_accounts())
            self._build_accounts = None
        return self._accounts

    @accounts.setter
    def accounts(self, frame: pd.DataFrame) -> None:
        self._accounts = frame
        self._build_accounts = None
        self.columns = None
        self._index = None

    @property
    def frame_built(self) -> bool:
        """Whether the accounts DataFrame exists (a graph from a workspace defers it)."""
        return self._accounts is not None

    def _light(self) -> AccountColumns | None:
        """The NumPy columns while the DataFrame is not built (afterwards the frame answers)."""
        return self.columns if self._accounts is None else None

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_arrays(cls, accounts: pd.DataFrame, src: np.ndarray, dst: np.ndarray) -> FollowGraph:
        """Build from follower/followee id arrays (duplicates and self-follows dropped)."""
        src = np.asarray(src)
        dst = np.asarray(dst)
        keep = src != dst
        indptr, indices = csr_from_edges(src[keep], dst[keep], len(accounts))
        return cls(accounts, indptr, indices)

    @classmethod
    def from_key_arrays(cls, keys: np.ndarray, src: np.ndarray, dst: np.ndarray) -> FollowGraph:
        """Like :meth:`from_arrays` for accounts that are only keys, without pandas: the
        accounts table is built on first use (a walk over a neighbourhood needs none).

        >>> g = FollowGraph.from_key_arrays(np.array(["a", "b"], dtype=object), np.array([0]), np.array([1]))
        >>> g.n_follows, g.keys_of([1]).tolist(), g.frame_built
        (1, ['b'], False)
        """
        keys = np.asarray(keys, dtype=object)
        src, dst = np.asarray(src), np.asarray(dst)
        keep = src != dst
        indptr, indices = csr_from_edges(src[keep], dst[keep], len(keys))

        def frame() -> pd.DataFrame:
            import pandas as pd

            return pd.DataFrame({"key": keys})

        columns = AccountColumns.from_keys(keys.tolist(), np.zeros(len(keys), dtype=bool))
        return cls(frame, indptr, indices, columns=columns)

    @classmethod
    def from_pairs(
        cls,
        pairs: Iterable[tuple[str, str]],
        *,
        observed: Iterable[str] | None = None,
        attributes: pd.DataFrame | None = None,
    ) -> FollowGraph:
        """Build a small graph from ``(follower, followee)`` handles (tests, examples).

        Keys are normalized. ``observed`` defaults to every account that follows
        someone. ``attributes`` is a frame with a ``key`` column; its accounts
        are added even when they have no follows.

        >>> g = FollowGraph.from_pairs([("@A", "b")], observed=["a"])
        >>> g.accounts[["key", "observed"]].values.tolist()
        [['a', True], ['b', False]]
        """
        import pandas as pd

        rows = [(normalize_handle(a), normalize_handle(b)) for a, b in pairs]
        keys: dict[str, int] = {}
        for a, b in rows:
            keys.setdefault(a, len(keys))
            keys.setdefault(b, len(keys))
        if attributes is not None:
            for key in attributes["key"].map(normalize_handle):
                keys.setdefault(key, len(keys))
        accounts = pd.DataFrame({"key": pd.array(list(keys), dtype="string")})
        src = np.array([keys[a] for a, _ in rows], dtype=np.int64)
        dst = np.array([keys[b] for _, b in rows], dtype=np.int64)
        if observed is None:
            observed_keys = {a for a, _ in rows}
        else:
            observed_keys = {normalize_handle(k) for k in observed}
        accounts["observed"] = accounts["key"].isin(observed_keys).to_numpy(dtype=bool)
        if attributes is not None:
            attrs = attributes.copy()
            attrs["key"] = attrs["key"].map(normalize_handle).astype("string")
            accounts = accounts.merge(attrs, on="key", how="left")
        return cls.from_arrays(accounts, src, dst)

    # -- sizes and lookups -------------------------------------------------------------
    @property
    def n_accounts(self) -> int:
        light = self._light()
        return light.n if light is not None else len(self.accounts)

    @property
    def n_follows(self) -> int:
        return int(self.out_indptr[-1])

    def __repr__(self) -> str:
        return f"<FollowGraph {self.n_accounts:,} accounts, {self.n_follows:,} follows>"

    @property
    def keys(self) -> np.ndarray:
        """Account keys by id, as an object array (converts every key: avoid on big graphs)."""
        return self.accounts["key"].to_numpy(dtype=object)

    def numeric(self, name: str) -> np.ndarray:
        """A numeric attribute by id as float64, NaN where missing or not a number.

        The same values as ``pd.to_numeric(graph.attribute(name), errors="coerce")``;
        read from the NumPy columns, without pandas, when they hold it.

        >>> g = FollowGraph.from_pairs([("a", "b")])
        >>> g.numeric("followers_count").tolist()
        [nan, nan]
        """
        light = self._light()
        if light is not None and light.has_numeric(name):
            return light.numeric(name)
        import pandas as pd

        values = pd.to_numeric(self.attribute(name), errors="coerce")
        return values.to_numpy(dtype=np.float64, na_value=np.nan)

    def _key_array(self):
        """The keys as a pyarrow array (zero-copy when the column is arrow-backed)."""
        import pyarrow as pa

        column = self.accounts["key"].array
        array = getattr(column, "_pa_array", None)
        if array is None:
            array = pa.array(self.accounts["key"].to_numpy(dtype=object), type=pa.string())
        return array

    @property
    def index(self) -> pd.Index:
        """A hash index from key to id (built once; costly on millions of accounts)."""
        import pandas as pd

        if self._index is None:
            self._index = pd.Index(self.accounts["key"].to_numpy(dtype=object))
        return self._index

    def keys_of(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Keys of the given ids, as an object array."""
        ids = np.asarray(ids, dtype=np.int64)
        light = self._light()
        if light is not None and len(ids) <= 100_000:
            return light.keys_of(ids)
        return self.accounts["key"].array.take(ids).to_numpy(dtype=object)

    def has(self, account: str) -> bool:
        """Whether a handle (normalized first) is in the graph."""
        key = normalize_handle(account)
        return key is not None and self._find(key) >= 0

    def _find(self, key: str) -> int:
        """Position of ``key`` or -1: a vectorized scan unless the hash index exists."""
        light = self._light()
        if light is not None:
            return light.find(key)
        if self._index is not None:
            return int(self._index.get_indexer([key])[0])
        import pyarrow.compute as pc

        position = pc.index(self._key_array(), key).as_py()
        return -1 if position is None else int(position)

    def id_of(self, account: str) -> int:
        """The id of a handle; :class:`AccountNotFound` with close matches if absent."""
        key = normalize_handle(account)
        if key is not None:
            position = self._find(key)
            if position >= 0:
                return position
        raise AccountNotFound(str(account), self.suggest(key or str(account)))

    def ids_of(self, accounts: Iterable[str]) -> np.ndarray:
        """Ids of several handles; the first unknown one raises :class:`AccountNotFound`."""
        accounts = list(accounts)
        keys = [normalize_handle(a) for a in accounts]
        if self._light() is not None and len(keys) <= 32:  # a few seeds: searched in the NumPy key data
            found = {k: position for k in keys if k is not None and (position := self._find(k)) >= 0}
        elif self._index is None and len(keys) < 50_000:
            import pyarrow as pa
            import pyarrow.compute as pc

            wanted = pa.array([k for k in keys if k is not None], type=pa.string())
            positions = np.flatnonzero(pc.is_in(self._key_array(), value_set=wanted).to_numpy(zero_copy_only=False))
            found = dict(zip(self.keys_of(positions).tolist(), positions.tolist()))
        else:
            found = {k: int(i) for k, i in zip(keys, self.index.get_indexer(keys)) if i >= 0}
        out = np.empty(len(keys), dtype=np.int64)
        for i, (raw, key) in enumerate(zip(accounts, keys)):
            position = found.get(key) if key is not None else None
            if position is None:
                raise AccountNotFound(str(raw), self.suggest(key or str(raw)))
            out[i] = position
        return out

    def suggest(self, key: str, n: int = 3) -> list[str]:
        """Up to ``n`` keys close to ``key`` (for "did you mean" messages)."""
        keys = self.accounts["key"]
        if len(keys) > 20_000:
            head = key[:2]
            keys = keys[keys.str.startswith(head).fillna(False)] if head else keys[:0]
            keys = keys[:20_000]
        import difflib

        return difflib.get_close_matches(key, keys.astype(object).tolist(), n=n, cutoff=0.6)

    # -- adjacency ---------------------------------------------------------------------
    @property
    def in_indptr(self) -> np.ndarray:
        self._ensure_in()
        return self._in_indptr  # type: ignore[return-value]

    @property
    def in_indices(self) -> np.ndarray:
        self._ensure_in()
        return self._in_indices  # type: ignore[return-value]

    def _ensure_in(self) -> None:
        if self._in_indptr is None:
            if self._reverse is not None:
                self._in_indptr, self._in_indices = self._reverse()
                self._reverse = None
            else:
                self._in_indptr, self._in_indices = transpose_csr(
                    self.out_indptr, self.out_indices, self.n_accounts
                )

    def following(self, account_id: int) -> np.ndarray:
        """Ids that ``account_id`` follows (sorted)."""
        return self.out_indices[self.out_indptr[account_id] : self.out_indptr[account_id + 1]]

    def followers(self, account_id: int) -> np.ndarray:
        """Ids that follow ``account_id`` (sorted)."""
        return self.in_indices[self.in_indptr[account_id] : self.in_indptr[account_id + 1]]

    def gather_following(self, ids: np.ndarray) -> np.ndarray:
        """All followees of ``ids``, concatenated (with repeats)."""
        return gather_rows(self.out_indptr, self.out_indices, ids)

    def gather_followers(self, ids: np.ndarray) -> np.ndarray:
        """All followers of ``ids``, concatenated (with repeats)."""
        return gather_rows(self.in_indptr, self.in_indices, ids)

    def out_degree(self) -> np.ndarray:
        return np.diff(self.out_indptr)

    def in_degree(self) -> np.ndarray:
        return np.diff(self.in_indptr)

    @property
    def observed(self) -> np.ndarray:
        """Boolean mask: accounts whose following list is loaded."""
        light = self._light()
        if light is not None:
            return np.asarray(light.observed, dtype=bool)
        return self.accounts["observed"].to_numpy(dtype=bool)

    def sources(self) -> np.ndarray:
        """Follower id of every follow, aligned with ``out_indices``."""
        return np.repeat(np.arange(self.n_accounts, dtype=np.int32), self.out_degree())

    def adjacency(self, direction: str = "out", dtype=np.float64) -> sp.csr_matrix:
        """The follows as a ``scipy.sparse.csr_matrix`` (``A[u, v] = 1`` if u follows v).

        ``direction="in"`` gives the transpose (rows are followees).
        """
        import scipy.sparse as sp

        n = self.n_accounts
        if direction == "out":
            indptr, indices = self.out_indptr, self.out_indices
        elif direction == "in":
            indptr, indices = self.in_indptr, self.in_indices
        else:
            raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
        data = np.ones(len(indices), dtype=dtype)
        return sp.csr_matrix((data, indices, indptr), shape=(n, n))

    # -- attributes ----------------------------------------------------------------------
    def attribute(self, name: str) -> pd.Series:
        """An attribute column by id; all missing if no source gave it."""
        import pandas as pd

        if name in self.accounts.columns:
            return self.accounts[name]
        return pd.Series(pd.NA, index=self.accounts.index, dtype="object", name=name)

    # -- subgraphs ---------------------------------------------------------------------
    def subgraph(self, ids: Iterable[int]) -> FollowGraph:
        """The graph induced by ``ids``; a ``graph_id`` column keeps the original ids.

        >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
        >>> sub = g.subgraph(g.ids_of(["a", "b"]))
        >>> sub.keys.tolist(), sub.n_follows
        (['a', 'b'], 1)
        """
        ids = unique_ints(np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64))
        remap = np.full(self.n_accounts, -1, dtype=np.int64)
        remap[ids] = np.arange(len(ids))
        src = np.repeat(ids, np.diff(self.out_indptr)[ids])
        dst = gather_rows(self.out_indptr, self.out_indices, ids).astype(np.int64)
        keep = remap[dst] >= 0
        accounts = self.accounts.iloc[ids].reset_index(drop=True)
        accounts["graph_id"] = ids
        return FollowGraph.from_arrays(accounts, remap[src[keep]], remap[dst[keep]])

    def edges_frame(self) -> pd.DataFrame:
        """All follows as a ``follower, followee`` table of keys."""
        import pandas as pd

        keys = self.accounts["key"].astype("string").array
        return pd.DataFrame(
            {"follower": keys.take(self.sources()), "followee": keys.take(self.out_indices)}
        )

    def to_networkx(self, ids: Iterable[int] | None = None) -> nx.DiGraph:
        """A ``networkx.DiGraph`` keyed by account key, with attributes as node data.

        Without ``ids`` the whole graph is converted, which is refused above
        :data:`NETWORKX_EDGE_LIMIT` follows: pick a neighbourhood instead.

        >>> FollowGraph.from_pairs([("a", "b")]).to_networkx().edges()
        OutEdgeView([('a', 'b')])
        """
        import networkx as nx

        graph = self if ids is None else self.subgraph(ids)
        if graph.n_follows > NETWORKX_EDGE_LIMIT:
            raise QueryError(
                f"{graph.n_follows:,} follows are too many for networkx "
                f"(limit {NETWORKX_EDGE_LIMIT:,}); convert a neighbourhood instead"
            )
        out = nx.DiGraph()
        keys = graph.keys
        columns = [c for c in graph.accounts.columns if c not in ("key", "graph_id")]
        records = graph.accounts[columns].astype(object).where(graph.accounts[columns].notna(), None)
        for key, row in zip(keys, records.to_dict("records")):
            out.add_node(key, **{k: v for k, v in row.items() if v is not None})
        src = graph.sources()
        out.add_edges_from(zip(keys[src], keys[graph.out_indices]))
        return out


def _prepared(accounts: pd.DataFrame) -> pd.DataFrame:
    """The accounts frame as a graph holds it: a 0..n-1 index and an ``observed`` column."""
    accounts = accounts.reset_index(drop=True)
    if "observed" not in accounts.columns:
        accounts["observed"] = False
    return accounts
