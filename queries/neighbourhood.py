"""A neighbourhood: the accounts of a ranked table, their attributes, and the follows among them.

A *neighbourhood* is the subgraph induced by the accounts of a ranked table
(any query result with an ``account`` column: ``expand``, ``affinity``,
``rank``, ...). Every column of the table becomes a node attribute, next to
the account's profile attributes from the graph; the follows among those
accounts become the edges. Only the subgraph is ever handed to networkx.

Attribute types are declared, not all strings (:func:`column_kinds`):
integers, floats, booleans and everything else as text. A missing value is
left out of that node's attributes (:func:`node_attributes`), so a reader sees
"absent", never ``"nan"``. The writers (:mod:`queries.exporters`) and the map
(:mod:`queries.html_map`) build on this module.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("c", "z")])
>>> table = pd.DataFrame({"rank": [1, 2, 3], "account": ["a", "b", "c"],
...                       "score": [0.9, 0.5, None]})
>>> hood = neighbourhood(g, table)
>>> hood.nodes[["account", "rank", "score"]].values.tolist()
[['a', 1, 0.9], ['b', 2, 0.5], ['c', 3, nan]]
>>> hood.edges.values.tolist()
[['a', 'b'], ['b', 'c'], ['c', 'a']]
>>> nxg = to_networkx(hood)
>>> nxg.nodes["a"]["score"], "score" in nxg.nodes["c"]
(0.9, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["Neighbourhood", "neighbourhood", "column_kinds", "node_attributes", "to_networkx"]

#: Graph attributes that are bookkeeping, not account data.
_SKIP_GRAPH_COLUMNS = frozenset({"key", "graph_id"})


@dataclass(frozen=True)
class Neighbourhood:
    """The accounts of a ranked table with their attributes, and the follows among them.

    Attributes
    ----------
    nodes : DataFrame
        One row per account in the table's order: ``account`` first, then the
        table's columns, then profile attributes the table did not have.
    edges : DataFrame
        ``follower, followee`` keys of every follow between two of the accounts
        (other columns become edge attributes, e.g. a landscape's ``similarity``).
    seed : str or None
        The account the neighbourhood was grown from (``table.attrs["seed"]``).
    title : str
        A short description for file metadata and page titles.
    table_columns : tuple of str
        The columns of the ranked table (the others are profile attributes).
    order : str or None
        How the table's rows are ordered, in words (``table.attrs["order"]``).
    directed : bool
        Whether the edges have a direction (follows do; audience overlap does not).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    seed: str | None = None
    title: str = "graphkit neighbourhood"
    table_columns: tuple[str, ...] = field(default=())
    order: str | None = None
    directed: bool = True

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.edges)


def _account_ids(graph: FollowGraph, accounts: pd.Series) -> np.ndarray:
    """Ids of the table's accounts; unknown ones raise ``AccountNotFound``."""
    keys = accounts.astype(object).to_numpy()
    positions = graph.index.get_indexer(keys)
    if (positions < 0).any():
        missing = keys[positions < 0][0]
        graph.id_of(str(missing))  # raises AccountNotFound with suggestions
        raise QueryError(f"account {missing!r} of the table is not in the graph")  # pragma: no cover
    return positions.astype(np.int64)


def neighbourhood(
    graph: FollowGraph,
    table: pd.DataFrame,
    *,
    seed: str | None = None,
    tier_scheme: TierScheme | None = None,
    title: str | None = None,
) -> Neighbourhood:
    """The subgraph induced by ``table.account``, with the table's columns as node data.

    Parameters
    ----------
    graph : FollowGraph
    table : DataFrame
        A ranked result with an ``account`` column (one row per account).
    seed : str, optional
        The seed account; defaults to ``table.attrs["seed"]`` (or ``"brand"``).
    tier_scheme : TierScheme, optional
        Used to add a ``tier`` column when the table has none.
    title : str, optional
        Defaults to ``"neighbourhood of SEED"``.

    Returns
    -------
    Neighbourhood

    Raises
    ------
    QueryError
        The table has no ``account`` column, repeats an account, or is empty.
    AccountNotFound
        An account of the table is not in the graph.
    """
    if "account" not in table.columns:
        raise QueryError("a neighbourhood needs a table with an 'account' column")
    if table.empty:
        raise QueryError("the neighbourhood is empty: there is nothing to export")
    accounts = table["account"].astype("string")
    duplicated = accounts[accounts.duplicated()]
    if not duplicated.empty:
        raise QueryError(f"account {duplicated.iloc[0]!r} appears twice in the table")
    ids = _account_ids(graph, accounts)
    sub = graph.subgraph(ids)
    # sub's rows are sorted by original id; map them back to table order
    order = pd.Index(sub.accounts["graph_id"].to_numpy()).get_indexer(ids)
    profile = sub.accounts.iloc[order].reset_index(drop=True)
    nodes = table.reset_index(drop=True).copy()
    nodes["account"] = accounts.to_numpy()
    for column in profile.columns:
        if column not in _SKIP_GRAPH_COLUMNS and column not in nodes.columns:
            nodes[column] = profile[column].array
    if "tier" not in nodes.columns:
        scheme = tier_scheme or TierScheme.default()
        nodes["tier"] = scheme.assign(graph.attribute("followers_count").iloc[ids].to_numpy())
    nodes = nodes[["account", *[c for c in nodes.columns if c != "account"]]]
    seed = seed or table.attrs.get("seed") or table.attrs.get("brand")
    title = title or (f"neighbourhood of {seed}" if seed else "graphkit neighbourhood")
    return Neighbourhood(
        nodes=nodes,
        edges=sub.edges_frame(),
        seed=str(seed) if seed else None,
        title=title,
        table_columns=tuple(str(c) for c in table.columns),
        order=table.attrs.get("order"),
    )


# -- attribute typing -------------------------------------------------------------------------
def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """The declared type of each column: ``"int"``, ``"float"``, ``"bool"`` or ``"str"``.

    Nullable integer and boolean columns keep their kind; an object column is
    inspected (``pandas.api.types.infer_dtype`` on its non-missing values).

    >>> column_kinds(pd.DataFrame({"a": [1, None], "b": [0.5, 1], "c": [True, False],
    ...                            "d": ["x", None], "e": pd.Categorical(["m", "n"])}))
    {'a': 'float', 'b': 'float', 'c': 'bool', 'd': 'str', 'e': 'str'}
    >>> column_kinds(pd.DataFrame({"a": pd.array([1, None], dtype="Int64")}))
    {'a': 'int'}
    """
    kinds = {}
    for column in frame.columns:
        series = frame[column]
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            kind = "str"
        elif pd.api.types.is_bool_dtype(dtype):
            kind = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "int"
        elif pd.api.types.is_float_dtype(dtype):
            kind = "float"
        elif pd.api.types.is_object_dtype(dtype):
            inferred = pd.api.types.infer_dtype(series.dropna(), skipna=True)
            kind = {"integer": "int", "floating": "float", "mixed-integer-float": "float",
                    "boolean": "bool", "decimal": "float"}.get(inferred, "str")
        else:
            kind = "str"
        kinds[str(column)] = kind
    return kinds


def _native(value: object, kind: str) -> object:
    """``value`` as a plain Python object of ``kind``; ``None`` when missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.floating) and np.isnan(value):
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def node_attributes(nodes: pd.DataFrame, *, skip: tuple[str, ...] = ("account",)) -> list[dict]:
    """Per node, ``{column: native value}`` with missing values left out.

    >>> node_attributes(pd.DataFrame({"account": ["a", "b"], "n": pd.array([1, None], dtype="Int64")}))
    [{'n': 1}, {}]
    """
    kinds = column_kinds(nodes)
    columns = [c for c in nodes.columns if str(c) not in skip]
    out: list[dict] = [{} for _ in range(len(nodes))]
    for column in columns:
        kind = kinds[str(column)]
        for row, value in zip(out, nodes[column].astype(object).tolist()):
            native = _native(value, kind)
            if native is not None:
                row[str(column)] = native
    return out


def to_networkx(hood: Neighbourhood, *, positions: dict | None = None) -> nx.DiGraph:
    """The neighbourhood as a ``networkx.DiGraph`` keyed by account, typed node data.

    ``positions`` (account -> (x, y)) are stored as ``x`` and ``y`` node data; edge
    columns besides ``follower, followee`` become typed edge data. An undirected
    neighbourhood (``hood.directed`` false) gives a ``networkx.Graph``.
    """
    import networkx as nx

    graph = (nx.DiGraph if hood.directed else nx.Graph)(name=hood.title)
    if hood.seed:
        graph.graph["seed"] = hood.seed
    keys = hood.nodes["account"].astype(object).tolist()
    for key, attrs in zip(keys, node_attributes(hood.nodes)):
        if positions is not None and key in positions:
            attrs["x"], attrs["y"] = (float(v) for v in positions[key])
        graph.add_node(key, **attrs)
    extra = [c for c in hood.edges.columns if c not in ("follower", "followee")]
    ends = zip(hood.edges["follower"].astype(object), hood.edges["followee"].astype(object))
    if extra:
        graph.add_edges_from((a, b, data) for (a, b), data in zip(ends, node_attributes(hood.edges[extra], skip=())))
    else:
        graph.add_edges_from(ends)
    return graph
