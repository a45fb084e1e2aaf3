"""Ordering result rows: descending scores, missing values last, ties by account key.

Every ranked table in graphkit is ordered the same way: by one or more score
columns, descending, with missing values after every number, then by the
account key ascending, so equal scores always come out in the same order.
:func:`order_rows` sorts a finished frame; :func:`top_rows` picks the first
``top`` ids in that same order from numpy arrays, before any frame is built
(ranking a whole graph's candidates costs far less than building their rows).
:func:`masked_array` turns ``NaN`` into the nullable ``<NA>`` the tables show.

Examples
--------
>>> table = pd.DataFrame({"account": ["b", "a", "c"], "score": [1.0, 1.0, None]})
>>> order_rows(table, ["score"])["account"].tolist()
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.graph import FollowGraph

__all__ = ["order_rows", "top_rows", "masked_array"]


def order_rows(table: pd.DataFrame, descending: list[str]) -> pd.DataFrame:
    """Sort by ``descending`` columns (missing values last), then ``account`` ascending."""
    keys = pd.DataFrame(index=table.index)
    for i, column in enumerate(descending):
        values = pd.to_numeric(table[column], errors="coerce").astype("float64")
        keys[f"k{i}"] = values.fillna(-np.inf).to_numpy()
    keys["account"] = table["account"].astype(object).to_numpy()
    order = keys.sort_values(
        [*(f"k{i}" for i in range(len(descending))), "account"],
        ascending=[False] * len(descending) + [True], kind="stable",
    ).index
    return table.loc[order]


def top_rows(graph: FollowGraph, ids: np.ndarray, descending: Sequence[np.ndarray], top: int) -> np.ndarray:
    """The first ``top`` of ``ids`` in the order of :func:`order_rows`, without a frame.

    ``descending`` are the sort keys aligned with ``ids`` (``NaN`` last), then the
    account key ascending breaks ties. Only the rows that can be among the first
    ``top`` — the ``top`` best by the numeric keys and every row tied with the
    last of them on all of these keys — are ordered, and only their keys read.

    >>> g = FollowGraph.from_pairs([("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")])
    >>> ids = g.ids_of(["b", "d", "f", "h"])
    >>> g.keys_of(top_rows(g, ids, [np.array([1.0, 2.0, 2.0, np.nan])], 2)).tolist()
    ['d', 'f']
    >>> g.keys_of(top_rows(g, ids, [np.array([1.0, 1.0, 3.0, 1.0]), np.array([0, 5, 0, 5])], 2)).tolist()
    ['f', 'd']
    """
    ids = np.asarray(ids, dtype=np.int64)
    # NaN sorts last, like -inf; adding 0.0 makes -0.0 equal to 0.0 for partition and sort
    keys = [np.where(np.isnan(k), -np.inf, np.asarray(k, dtype=np.float64)) + 0.0 for k in descending]
    if len(ids) > top:
        keep = _top_with_ties(keys, top)
        ids = ids[keep]
        keys = [k[keep] for k in keys]
    names = graph.keys_of(ids)
    order = np.argsort(names, kind="stable")  # by key first, so the stable lexsort breaks ties by key
    order = order[np.lexsort([-k[order] for k in reversed(keys)])]
    return ids[order[:top]]


def _top_with_ties(keys: list[np.ndarray], top: int) -> np.ndarray:
    """Mask of the ``top`` best rows by ``keys`` (descending, lexicographic) and all their ties."""
    n = len(keys[0])
    keep = np.zeros(n, dtype=bool)
    contenders = np.arange(n)  # rows tied with the cut-off on every key so far
    left = top  # places still free among the contenders
    for key in keys:
        if len(contenders) <= left:
            break
        values = key[contenders]
        cut = np.partition(values, len(values) - left)[len(values) - left]
        better = values > cut
        keep[contenders[better]] = True
        left -= int(np.count_nonzero(better))
        contenders = contenders[values == cut]
    keep[contenders] = True
    return keep


def masked_array(values: np.ndarray, dtype: str = "Float64") -> pd.api.extensions.ExtensionArray:
    """A nullable ``Float64``/``Int64`` array with ``NaN`` as missing.

    >>> masked_array(np.array([1.5, np.nan])).tolist()
    [1.5, <NA>]
    """
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if dtype == "Int64":
        return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing)
