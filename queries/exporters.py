"""Writing a ranked neighbourhood: GraphML, GEXF, node-link JSON, CSV, Parquet, HTML.

A *neighbourhood* is the subgraph induced by the accounts of a ranked table
(any query result with an ``account`` column: ``expand``, ``affinity``,
``rank``, ...). Every column of the table becomes a node attribute, next to
the account's profile attributes from the graph; the follows among those
accounts become the edges. Only the subgraph is ever handed to networkx.

Attribute types are declared, not all strings: integers are written as
``long``, floats as ``double``, booleans as ``boolean`` and everything else
as ``string`` (GraphML and GEXF alike). A missing value is left out of that
node's attributes, so a reader sees "absent", never ``"nan"``.

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

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from graphkit.errors import GraphkitError, QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "GRAPH_FORMATS",
    "Neighbourhood",
    "neighbourhood",
    "graph_format_from_path",
    "column_kinds",
    "node_attributes",
    "to_networkx",
    "write_neighbourhood",
    "write_hood",
    "edges_path",
    "atomic_write",
]

#: Extensions ``write_neighbourhood`` understands, and the format each one means.
GRAPH_FORMATS = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
}

#: Node data keys that networkx's GEXF writer treats as structure, not attributes.
_GEXF_RESERVED = frozenset({"id", "label", "viz", "pid", "start", "end", "spells", "parents"})
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
    directed : bool
        Whether the edges have a direction (follows do; audience overlap does not).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    seed: str | None = None
    title: str = "graphkit neighbourhood"
    table_columns: tuple[str, ...] = field(default=())
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


# -- writers ---------------------------------------------------------------------------------


def graph_format_from_path(path: str) -> str:
    """The export format an ``--out`` path asks for.

    >>> graph_format_from_path("hood.GEXF")
    'gexf'
    """
    suffix = Path(path).suffix.lower()
    fmt = GRAPH_FORMATS.get(suffix)
    if fmt is None:
        names = ", ".join(sorted(set(GRAPH_FORMATS)))
        raise GraphkitError(f"cannot tell the export format of {path!r}; use one of {names}")
    return fmt


def edges_path(path: str | Path) -> Path:
    """Where the edge table goes beside a node table: ``<stem>-edges<suffix>``.

    >>> edges_path("out/hood.csv").as_posix()
    'out/hood-edges.csv'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}-edges{path.suffix}")


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    from queries.writers import _atomic_write_bytes

    _atomic_write_bytes(str(path), data)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """RFC 4180 CSV (CRLF line ends) with formula-looking text cells neutralized.

    Cells are neutralized by :func:`queries.writers.neutralize_cell`. Lines end
    in CRLF so that a carriage return inside a cell (a pasted bio) is quoted
    and a reader does not split the row there.

    >>> print(csv_bytes(pd.DataFrame({"bio": ["=1+1", "ok"]})).decode().replace("\\r\\n", "|"))
    bio|'=1+1|ok|
    >>> csv_bytes(pd.DataFrame({"bio": ["x\\ry"]})).count(b'"')  # a CR inside a cell is quoted
    2
    """
    import io

    from queries.writers import neutralize_cell

    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            safe[column] = series.astype(object).map(neutralize_cell, na_action="ignore")
    safe.columns = [str(neutralize_cell(str(c))) for c in safe.columns]
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


def _graphml_bytes(hood: Neighbourhood) -> bytes:
    import io

    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(hood), buffer, named_key_ids=True)
    return buffer.getvalue()


_XSI_WRONG = b'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"'
_XSI_RIGHT = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def _gexf_bytes(hood: Neighbourhood, layout_seed: int = 0) -> bytes:
    import io

    import networkx as nx

    from queries.html_map import layout_positions, node_sizes, tier_colors

    graph = to_networkx(hood)
    renamed = {name: f"{name}_attr" for name in _GEXF_RESERVED}
    positions = layout_positions(hood, seed=layout_seed)
    sizes = node_sizes(hood)
    colors = tier_colors(hood.nodes["tier"].astype("string").fillna("unknown").tolist())
    for (key, data), size, color in zip(graph.nodes(data=True), sizes, colors):
        for name in list(data):
            if name in renamed:
                data[renamed[name]] = data.pop(name)
        data["label"] = key
        x, y = positions[key]
        red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        data["viz"] = {
            "position": {"x": float(x) * 1000.0, "y": float(y) * 1000.0, "z": 0.0},
            "size": float(size),
            "color": {"r": red, "g": green, "b": blue, "a": 1.0},
        }
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, version="1.3")
    # networkx 3.x spells the XML Schema instance namespace without "www."
    return buffer.getvalue().replace(_XSI_WRONG, _XSI_RIGHT)


def _node_link_bytes(hood: Neighbourhood) -> bytes:
    import networkx as nx

    data = nx.node_link_data(to_networkx(hood), edges="edges")
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_neighbourhood(
    graph: FollowGraph,
    table: pd.DataFrame,
    out: str | Path,
    fmt: str | None = None,
    *,
    seed: str | None = None,
    tier_scheme: TierScheme | None = None,
    layout_seed: int = 0,
    title: str | None = None,
) -> list[Path]:
    """Write the neighbourhood of a ranked table to ``out``; returns the files written.

    Parameters
    ----------
    graph : FollowGraph
    table : DataFrame
        A ranked table with an ``account`` column (see :func:`neighbourhood`).
    out : path
        The file; its extension picks the format unless ``fmt`` is given:
        ``.graphml``, ``.gexf`` (1.3, with layout, size and tier colour),
        ``.json`` (node-link), ``.csv`` and ``.parquet`` (nodes, plus a
        ``<stem>-edges`` file beside them), ``.html`` (an interactive map).
    fmt : str, optional
        One of ``graphml, gexf, json, csv, parquet, html``.
    layout_seed : int
        Seed of the force-directed layout (GEXF and HTML).

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile, networkx as nx
    >>> from graphkit.graph import FollowGraph
    >>> g = FollowGraph.from_pairs([("a", "b"), ("b", "a")])
    >>> table = pd.DataFrame({"rank": [1, 2], "account": ["a", "b"], "score": [1.0, 0.5]})
    >>> path = tempfile.mkdtemp() + "/hood.graphml"
    >>> [p.name for p in write_neighbourhood(g, table, path)]
    ['hood.graphml']
    >>> nx.read_graphml(path).nodes["b"]["score"]
    0.5
    """
    out = Path(out)
    fmt = fmt or graph_format_from_path(str(out))
    if fmt not in set(GRAPH_FORMATS.values()):
        raise GraphkitError(f"unknown export format {fmt!r}")
    hood = neighbourhood(graph, table, seed=seed, tier_scheme=tier_scheme, title=title)
    return write_hood(hood, out, fmt, layout_seed=layout_seed)


def write_hood(hood: Neighbourhood, out: str | Path, fmt: str | None = None, *, layout_seed: int = 0) -> list[Path]:
    """Write an already built :class:`Neighbourhood` (see :func:`write_neighbourhood`)."""
    out = Path(out)
    fmt = fmt or graph_format_from_path(str(out))
    if fmt not in set(GRAPH_FORMATS.values()):
        raise GraphkitError(f"unknown export format {fmt!r}")
    if fmt == "graphml":
        atomic_write(out, _graphml_bytes(hood))
        return [out]
    if fmt == "gexf":
        atomic_write(out, _gexf_bytes(hood, layout_seed))
        return [out]
    if fmt == "json":
        atomic_write(out, _node_link_bytes(hood))
        return [out]
    if fmt == "html":
        from queries.html_map import render_map

        atomic_write(out, render_map(hood, layout_seed=layout_seed).encode("utf-8"))
        return [out]
    second = edges_path(out)
    if fmt == "csv":
        atomic_write(out, csv_bytes(hood.nodes))
        atomic_write(second, csv_bytes(hood.edges))
    else:
        from queries.writers import write_frame

        write_frame(hood.nodes, str(out), fmt)
        write_frame(hood.edges, str(second), fmt)
    return [out, second]
