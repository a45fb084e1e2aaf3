"""Writing a ranked neighbourhood: GraphML, GEXF, node-link JSON, CSV, Parquet, HTML.

The neighbourhood of a ranked table (:mod:`queries.neighbourhood`: the table's
accounts, their attributes, the follows among them) written to a file whose
extension picks the format. Attribute types are declared, not all strings:
integers are written as ``long``, floats as ``double``, booleans as
``boolean`` and everything else as ``string`` (GraphML and GEXF alike). A
missing value is left out of that node's attributes, so a reader sees
"absent", never ``"nan"``. GEXF carries the map's layout, sizes and tier
colours (:mod:`queries.layout`); ``.html`` is the interactive map of
:mod:`queries.html_map`.

Examples
--------
>>> import tempfile, networkx as nx
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("c", "z")])
>>> table = pd.DataFrame({"rank": [1, 2, 3], "account": ["a", "b", "c"],
...                       "score": [0.9, 0.5, None]})
>>> path = tempfile.mkdtemp() + "/hood.gexf"
>>> [p.name for p in write_neighbourhood(g, table, path)]
['hood.gexf']
>>> sorted(nx.read_gexf(path).edges())
[('a', 'b'), ('b', 'c'), ('c', 'a')]
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from graphkit.clock import now
from graphkit.errors import GraphkitError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.gexf import NodeLook, gexf_bytes
from queries.html_map import render_map
from queries.layout import layout_positions, node_sizes, tier_colors
from queries.neighbourhood import (
    Neighbourhood,
    column_kinds,
    neighbourhood,
    node_attributes,
    to_networkx,
)
from queries.timeline import Timeline, timeline
from queries.writers import atomic_write_bytes, neutralize_cell, write_frame

__all__ = [
    "GRAPH_FORMATS",
    "graph_format_from_path",
    "write_neighbourhood",
    "write_hood",
    "edges_path",
    "csv_bytes",
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
    """GraphML through networkx, with booleans in xsd:boolean's lexical form (``true``/``false``)."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(hood), buffer, named_key_ids=True)
    return _xsd_booleans(buffer.getvalue())


_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def _xsd_booleans(document: bytes) -> bytes:
    """Rewrite the ``True``/``False`` networkx writes for boolean keys as ``true``/``false``.

    >>> doc = (b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="v" for="node" '
    ...        b'attr.name="v" attr.type="boolean"/><graph edgedefault="directed"><node id="a">'
    ...        b'<data key="v">True</data></node></graph></graphml>')
    >>> b'<data key="v">true</data>' in _xsd_booleans(doc)
    True
    """
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _GRAPHML_NS)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.fromstring(document)
    ns = {"g": _GRAPHML_NS}
    booleans = {key.get("id") for key in root.findall("g:key", ns) if key.get("attr.type") == "boolean"}
    if not booleans:
        return document
    for data in root.iter(f"{{{_GRAPHML_NS}}}data"):
        if data.get("key") in booleans and data.text is not None:
            data.text = data.text.strip().lower()
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _gexf_bytes(hood: Neighbourhood, layout_seed: int = 0, line: Timeline | None = None) -> bytes:
    """GEXF 1.3 (:mod:`queries.gexf`) with the map's layout, node sizes and tier colours;
    dynamic (the spells of ``line``) when a timeline is given."""
    if line is not None:
        hood = line.hood
    keys = hood.nodes["account"].astype(object).tolist()
    positions = layout_positions(hood, seed=layout_seed)
    sizes = node_sizes(hood)
    colors = tier_colors(hood.nodes["tier"].astype("string").fillna("unknown").tolist())
    looks = [
        NodeLook(x=float(positions[key][0]) * 1000.0, y=float(positions[key][1]) * 1000.0,
                 size=float(size), color=color)
        for key, size, color in zip(keys, sizes, colors)
    ]
    kinds = {name: kind for name, kind in column_kinds(hood.nodes).items() if name != "account"}
    description = hood.title + (f"; {hood.order}" if hood.order else "")
    extra = hood.edges[[c for c in hood.edges.columns if c not in ("follower", "followee")]]
    return gexf_bytes(
        list(zip(keys, node_attributes(hood.nodes))), kinds,
        list(zip(hood.edges["follower"].astype(object), hood.edges["followee"].astype(object))),
        looks=looks, date=now().date().isoformat(), description=description, directed=hood.directed,
        edge_kinds=column_kinds(extra), edge_values=node_attributes(extra, skip=()) if len(extra.columns) else None,
        node_spells=line.node_spells if line is not None else None,
        edge_spells=line.edge_spells if line is not None else None,
    )


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
    spells: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the neighbourhood of a ranked table to ``out``; returns the files written.

    Parameters
    ----------
    graph : FollowGraph
    table : DataFrame
        A ranked table with an ``account`` column (see :func:`queries.neighbourhood.neighbourhood`).
    out : path
        The file; its extension picks the format unless ``fmt`` is given:
        ``.graphml``, ``.gexf`` (1.3, with layout, size and tier colour),
        ``.json`` (node-link), ``.csv`` and ``.parquet`` (nodes, plus a
        ``<stem>-edges`` file beside them), ``.html`` (an interactive map).
    fmt : str, optional
        One of ``graphml, gexf, json, csv, parquet, html``.
    layout_seed : int
        Seed of the force-directed layout (GEXF and HTML).
    spells : DataFrame, optional
        Follow spells (:func:`graphkit.workspace.history.follow_spells`): write a dynamic
        GEXF whose timeline plays the follows among the accounts (:mod:`queries.timeline`).
        GEXF only.

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
    if spells is not None and fmt != "gexf":
        raise GraphkitError(f"a dynamic export (--dynamic) is GEXF only (.gexf), not {fmt}")
    hood = neighbourhood(graph, table, seed=seed, tier_scheme=tier_scheme, title=title)
    return write_hood(hood, out, fmt, layout_seed=layout_seed,
                      line=timeline(hood, spells) if spells is not None else None)


def write_hood(hood: Neighbourhood, out: str | Path, fmt: str | None = None, *, layout_seed: int = 0,
               line: Timeline | None = None) -> list[Path]:
    """Write an already built :class:`Neighbourhood` (see :func:`write_neighbourhood`);
    ``line`` (GEXF only) makes the GEXF dynamic."""
    out = Path(out)
    fmt = fmt or graph_format_from_path(str(out))
    if fmt not in set(GRAPH_FORMATS.values()):
        raise GraphkitError(f"unknown export format {fmt!r}")
    if line is not None and fmt != "gexf":
        raise GraphkitError(f"a dynamic export (--dynamic) is GEXF only (.gexf), not {fmt}")
    if fmt == "graphml":
        atomic_write_bytes(out, _graphml_bytes(hood))
        return [out]
    if fmt == "gexf":
        atomic_write_bytes(out, _gexf_bytes(hood, layout_seed, line))
        return [out]
    if fmt == "json":
        atomic_write_bytes(out, _node_link_bytes(hood))
        return [out]
    if fmt == "html":
        atomic_write_bytes(out, render_map(hood, layout_seed=layout_seed).encode("utf-8"))
        return [out]
    second = edges_path(out)
    if fmt == "csv":
        atomic_write_bytes(out, csv_bytes(hood.nodes))
        atomic_write_bytes(second, csv_bytes(hood.edges))
    else:
        write_frame(hood.nodes, str(out), fmt)
        write_frame(hood.edges, str(second), fmt)
    return [out, second]
