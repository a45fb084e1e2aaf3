"""A query's result as NumPy columns: what the CLI writes without pandas.

A query that runs on every cold command (``affinity``) builds its rows as a
:class:`ResultTable`; :mod:`queries.writers` writes one as a terminal table,
CSV, JSON, NDJSON or Parquet (Parquet through pyarrow), and
:meth:`ResultTable.to_pandas` gives the Python API its
:class:`pandas.DataFrame`, with the dtypes the query always returned. A command
that imports pandas only through ``to_pandas`` starts in half the time.

Column kinds (:data:`KINDS`) are the pandas dtypes the frames use: ``int64``,
``float64`` (NaN is a value), ``Int64`` and ``Float64`` (a mask marks missing
values), ``object`` (text; ``None`` is missing; pandas infers its dtype, ``str``
unless the column is empty), ``str`` (text as pandas' ``str`` dtype even when
empty), ``string`` (text as pandas' nullable ``string`` dtype: ``None`` becomes
``<NA>``), ``category`` (labels and their ordered categories) and ``bool``.

Examples
--------
>>> table = ResultTable({
...     "account": text_column(np.array(["ann", "bob"], dtype=object)),
...     "audience_count": int_column(np.array([3, 1])),
...     "affinity": masked_column(np.array([2.5, np.nan]), "Float64"),
... }, attrs={"brand": "acme"})
>>> len(table), table.names, table.values("affinity")
(2, ['account', 'audience_count', 'affinity'], [2.5, None])
>>> frame = table.to_pandas()
>>> frame.dtypes.astype(str).tolist(), frame.attrs["brand"]
(['str', 'int64', 'Float64'], 'acme')
>>> table.head(1).values("account")
['ann']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

__all__ = ["ResultTable", "Column", "KINDS", "int_column", "float_column", "masked_column", "text_column",
           "category_column"]

KINDS = ("int64", "float64", "Int64", "Float64", "object", "str", "string", "category", "bool")
NUMERIC_KINDS = ("int64", "float64", "Int64", "Float64")


@dataclass(frozen=True)
class Column:
    """One column: ``values`` (NumPy), ``mask`` (True = missing; masked kinds only), its kind
    and, for ``category``, the ordered categories."""

    values: np.ndarray
    kind: str
    mask: np.ndarray | None = None
    categories: tuple[str, ...] | None = None

    def take(self, positions: np.ndarray) -> Column:
        mask = None if self.mask is None else self.mask[positions]
        return Column(self.values[positions], self.kind, mask, self.categories)


def int_column(values) -> Column:
    return Column(np.asarray(values, dtype=np.int64), "int64")


def float_column(values) -> Column:
    return Column(np.asarray(values, dtype=np.float64), "float64")


def masked_column(values, kind: str = "Float64") -> Column:
    """A nullable ``Int64``/``Float64`` column with NaN as missing (like :func:`queries.ranking.masked_array`)."""
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if kind == "Int64":
        return Column(np.where(missing, 0, values).astype(np.int64), kind, missing)
    return Column(np.where(missing, 0.0, values), kind, missing)


def text_column(values, kind: str = "object") -> Column:
    """Text, ``None`` missing; ``kind`` ``"string"`` for pandas' nullable string dtype."""
    return Column(np.asarray(values, dtype=object), kind)


def category_column(labels, categories: Sequence[str]) -> Column:
    return Column(np.asarray(labels, dtype=object), "category", categories=tuple(categories))


class ResultTable:
    """Named columns of equal length and the result's ``attrs`` (like ``DataFrame.attrs``)."""

    def __init__(self, columns: dict[str, Column], attrs: dict | None = None) -> None:
        self.columns = dict(columns)
        self.attrs = dict(attrs or {})
        lengths = {len(c.values) for c in self.columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self._length = lengths.pop() if lengths else 0

    def __len__(self) -> int:
        return self._length

    @property
    def empty(self) -> bool:
        return self._length == 0 or not self.columns

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def kind(self, name: str) -> str:
        return self.columns[name].kind

    def is_numeric(self, name: str) -> bool:
        """Numeric and not boolean (what a table right-aligns, what CSV leaves unneutralized)."""
        return self.columns[name].kind in NUMERIC_KINDS

    def values(self, name: str) -> list:
        """The column as Python values, ``None`` where missing (NaN stays in ``float64``)."""
        column = self.columns[name]
        values = column.values.tolist()
        if column.mask is not None and column.mask.any():
            return [None if missing else v for v, missing in zip(values, column.mask.tolist())]
        return values

    def take(self, positions) -> ResultTable:
        positions = np.asarray(positions, dtype=np.int64)
        return ResultTable({n: c.take(positions) for n, c in self.columns.items()}, self.attrs)

    def head(self, n: int) -> ResultTable:
        return self.take(np.arange(min(n, len(self))))

    def select(self, names: Sequence[str]) -> ResultTable:
        return ResultTable({n: self.columns[n] for n in names}, self.attrs)

    def to_pandas(self) -> pd.DataFrame:
        """The pandas frame of this table (the dtypes of :data:`KINDS`), ``attrs`` copied."""
        import pandas as pd

        data = {}
        for name, column in self.columns.items():
            if column.kind == "Int64":
                data[name] = pd.arrays.IntegerArray(column.values, column.mask)
            elif column.kind == "Float64":
                data[name] = pd.arrays.FloatingArray(column.values, column.mask)
            elif column.kind == "category":
                data[name] = pd.Categorical(column.values, categories=list(column.categories), ordered=True)
            elif column.kind in ("str", "string"):
                data[name] = pd.array(column.values, dtype=column.kind)
            else:
                data[name] = column.values
        frame = pd.DataFrame(data)
        frame.attrs.update(self.attrs)
        return frame

    def to_arrow(self) -> pa.Table:
        """The columns as a :class:`pyarrow.Table` (text and categories as ``large_string``), for
        Parquet. Built from buffers: ``pa.array`` would import pandas to check its argument."""
        import pyarrow as pa

        arrays = []
        for column in self.columns.values():
            missing = column.mask
            if column.kind in ("object", "str", "string", "category"):
                missing = np.array([v is None for v in column.values.tolist()], dtype=bool)
                encoded = [b"" if v is None else str(v).encode("utf-8") for v in column.values.tolist()]
                offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
                np.cumsum([len(e) for e in encoded], out=offsets[1:])
                kind, buffers = pa.large_string(), [pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
            elif column.kind == "bool":
                kind = pa.bool_()
                buffers = [pa.py_buffer(np.packbits(column.values.astype(bool), bitorder="little"))]
            else:
                kind = pa.int64() if column.kind in ("int64", "Int64") else pa.float64()
                buffers = [pa.py_buffer(np.ascontiguousarray(column.values, dtype=kind.to_pandas_dtype()))]
            nulls = 0 if missing is None else int(missing.sum())
            validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if nulls else None
            arrays.append(pa.Array.from_buffers(kind, len(column.values), [validity, *buffers], null_count=nulls))
        return pa.Table.from_arrays(arrays, names=self.names)
