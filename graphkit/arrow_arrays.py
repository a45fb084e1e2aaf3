"""Arrow arrays from NumPy buffers, without pyarrow's pandas check.

``pa.array(x)`` first asks whether ``x`` is a pandas object, and that question
imports pandas (~0.4 s, ~45 MiB) even for a NumPy array or an empty list. The
load and query paths build their arrays here instead: a NumPy array's memory
becomes the Arrow array's data buffer (no copy).

Examples
--------
>>> import numpy as np
>>> from_numpy(np.array([3, 1], dtype=np.int32)).to_pylist()
[3, 1]
>>> from_numpy(np.array([True, False])).to_pylist()
[True, False]
>>> empty(pa.large_string()).type, len(empty(pa.int64()))
(DataType(large_string), 0)
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pyarrow as pa

__all__ = ["array", "from_numpy", "to_numpy", "filled", "strings", "empty", "null", "scalar", "with_pandas_metadata"]


def from_numpy(values: np.ndarray, arrow_type: pa.DataType | None = None) -> pa.Array:
    """A numeric or boolean NumPy array as an Arrow array of its type (or ``arrow_type``, of the
    same width), sharing its memory when it is contiguous; no nulls."""
    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        data = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, data])
    arrow_type = pa.from_numpy_dtype(values.dtype) if arrow_type is None else arrow_type
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(values)])


def empty(arrow_type: pa.DataType) -> pa.Array:
    """An array of ``arrow_type`` with no values."""
    return pa.nulls(0, arrow_type)


def to_numpy(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of a fixed-width Arrow array without nulls as a read-only NumPy view
    (booleans: unpacked, a copy).

    >>> to_numpy(from_numpy(np.arange(5, dtype=np.int64)).slice(2)).tolist()
    [2, 3, 4]
    """
    if isinstance(array, pa.ChunkedArray):
        array = array.chunk(0) if array.num_chunks == 1 else pa.concat_arrays(array.chunks) \
            if array.num_chunks else empty(array.type)
    if array.null_count:
        raise ValueError("to_numpy: the array has missing values")
    data = array.buffers()[1]
    if pa.types.is_boolean(array.type):
        bits = np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, np.uint8)
        return np.unpackbits(bits, bitorder="little", count=array.offset + len(array))[array.offset:].astype(bool)
    dtype = np.dtype(array.type.to_pandas_dtype())
    if data is None or not len(array):
        return np.empty(0, dtype)
    return np.frombuffer(data, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)


def filled(array: pa.Array | pa.ChunkedArray, value) -> np.ndarray:
    """The values of a fixed-width Arrow array as NumPy, missing ones replaced by ``value``.

    >>> filled(pa.array([1, None], pa.int8()), 0).tolist()
    [1, 0]
    """
    return to_numpy(array.fill_null(scalar(value, array.type)) if array.null_count else array)


def strings(values: list[str | None], arrow_type: pa.DataType | None = None) -> pa.Array:
    """Python strings (``None``: missing) as an Arrow ``string`` (or ``large_string``) array.

    >>> strings(["a", None, "çé"]).to_pylist()
    ['a', None, 'çé']
    """
    arrow_type = pa.string() if arrow_type is None else arrow_type
    encoded = [b"" if value is None else value.encode("utf-8") for value in values]
    offset_type = np.int64 if pa.types.is_large_string(arrow_type) else np.int32
    offsets = np.zeros(len(values) + 1, dtype=offset_type)
    np.cumsum([len(item) for item in encoded], out=offsets[1:])
    missing = np.fromiter((value is None for value in values), dtype=bool, count=len(values))
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    return pa.Array.from_buffers(arrow_type, len(values), [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
                                 null_count=int(missing.sum()))


def array(values, arrow_type: pa.DataType | None = None) -> pa.Array:
    """``pa.array(values, arrow_type)`` without importing pandas, for what the workspace builds
    arrays from: NumPy arrays, ranges, Arrow arrays, and lists of strings or numbers
    (``None``: missing, in strings). Anything else goes to ``pa.array``.

    >>> array(range(3), pa.int64()).to_pylist(), array(["a", None]).to_pylist(), array([1, 2], pa.int32()).type
    ([0, 1, 2], ['a', None], DataType(int32))
    """
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        out = values
    elif isinstance(values, range):
        out = from_numpy(np.arange(values.start, values.stop, values.step, dtype=np.int64))
    elif isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        out = from_numpy(values)
    else:
        values = values.tolist() if isinstance(values, np.ndarray) else list(values)
        textual = arrow_type is None or pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
        if textual and all(value is None or isinstance(value, str) for value in values):
            return strings(values, arrow_type)
        if arrow_type is not None and not any(value is None for value in values):
            if pa.types.is_boolean(arrow_type):
                return from_numpy(np.array(values, dtype=bool))
            if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
                return from_numpy(np.array(values, dtype=arrow_type.to_pandas_dtype()))
        return pa.array(values, arrow_type)
    return out if arrow_type is None or out.type == arrow_type else out.cast(arrow_type)


def null(arrow_type: pa.DataType) -> pa.Scalar:
    """The missing value of ``arrow_type`` (``pa.scalar(None, ...)`` imports pandas).

    >>> null(pa.string()).is_valid
    False
    """
    return pa.nulls(1, arrow_type)[0]


def scalar(value, arrow_type: pa.DataType) -> pa.Scalar:
    """``pa.scalar(value, arrow_type)`` without importing pandas (for compute kernels' operands:
    a plain Python value there goes through ``pa.scalar``).

    >>> scalar(False, pa.bool_()).as_py(), scalar("", pa.string()).as_py()
    (False, '')
    """
    return null(arrow_type) if value is None else array([value], arrow_type)[0]


def with_pandas_metadata(table: pa.Table, numpy_types: dict[str, str]) -> pa.Table:
    """``table`` with the ``pandas`` schema metadata ``DataFrame.to_parquet`` would write for
    a frame of these columns (``numpy_types``: each column's pandas dtype, e.g. ``bool``,
    ``boolean``, ``string``, ``int32``), so that pandas reads the file back with those dtypes.
    The metadata follows pandas' published format; pandas is not imported.

    >>> t = with_pandas_metadata(pa.table({"ok": [True]}), {"ok": "bool"})
    >>> json.loads(t.schema.metadata[b"pandas"])["columns"][0]["pandas_type"]
    'bool'
    """
    columns = []
    for field in table.schema:
        numpy_type, metadata = numpy_types.get(field.name), None
        if pa.types.is_timestamp(field.type):  # (its type says it all)
            pandas_type, numpy_type = ("datetimetz", f"datetime64[{field.type.unit}]") if field.type.tz \
                else ("datetime", f"datetime64[{field.type.unit}]")
            metadata = {"timezone": field.type.tz} if field.type.tz else None
        elif pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            pandas_type = "object"
        elif pa.types.is_boolean(field.type):
            pandas_type = "bool"
        else:
            pandas_type = str(field.type)
        if numpy_type is None:
            raise KeyError(f"with_pandas_metadata: no pandas dtype given for column {field.name!r}")
        columns.append({"name": field.name, "field_name": field.name, "pandas_type": pandas_type,
                        "numpy_type": numpy_type, "metadata": metadata})
    try:
        pandas_version = version("pandas")
    except PackageNotFoundError:  # pragma: no cover - pandas is a dependency
        pandas_version = "unknown"
    document = {"index_columns": [], "column_indexes": [], "columns": columns, "attributes": {},
                "creator": {"library": "pyarrow", "version": pa.__version__}, "pandas_version": pandas_version}
    return table.replace_schema_metadata({b"pandas": json.dumps(document).encode("utf-8")})
