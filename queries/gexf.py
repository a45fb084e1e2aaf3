"""GEXF 1.3 documents (Gephi's format), valid against the official RelaxNG schema.

Each node attribute is declared once, with **its name as its id**
(``<attribute id="followers_count" title="followers_count" type="long"/>``),
and every ``<attvalue for="followers_count" .../>`` refers to that name. Gephi
matches columns by id, so two exports with different attribute sets append
into one workspace with every value under its own column, and toolkit code can
ask for ``getColumn("followers_count")``. Values are written in the schema's
lexical forms: ``true``/``false`` for booleans, ``repr`` of floats (no
rounding), decimal integers. A missing value is left out of the node; a
character XML cannot hold (a control character pasted into a bio) becomes
U+FFFD.

A **dynamic** document (``spells`` given) has ``mode="dynamic"``,
``timeformat="dateTime"`` and, on each node and edge that has them,
``<spells><spell start=... end=.../></spells>``: the intervals it existed
(no ``end``: it still does). Gephi's timeline plays it.

The document carries no ``<graph name=...>`` (not in the 1.3 grammar); the
title goes into ``<meta><description>``. Edges are directed (follows) or
undirected (``directed=False``: an audience-overlap landscape); they may carry
a ``weight`` and their own attributes, declared like the nodes' under
``<attributes class="edge">``.

Examples
--------
>>> doc = gexf_bytes(
...     [("a", {"score": 0.5, "verified": True}), ("b", {})], {"score": "float", "verified": "bool"},
...     [("a", "b")], date="2025-01-31", description="two accounts",
... )
>>> print(doc.decode(), end="")
<?xml version='1.0' encoding='utf-8'?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <meta lastmodifieddate="2025-01-31">
    <creator>graphkit</creator>
    <description>two accounts</description>
  </meta>
  <graph defaultedgetype="directed" mode="static">
    <attributes class="node" mode="static">
      <attribute id="score" title="score" type="double" />
      <attribute id="verified" title="verified" type="boolean" />
    </attributes>
    <nodes>
      <node id="a" label="a">
        <attvalues>
          <attvalue for="score" value="0.5" />
          <attvalue for="verified" value="true" />
        </attvalues>
      </node>
      <node id="b" label="b" />
    </nodes>
    <edges>
      <edge id="0" source="a" target="b" />
    </edges>
  </graph>
</gexf>
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["GEXF_NS", "VIZ_NS", "GEXF_TYPES", "NodeLook", "Spells", "gexf_bytes"]

#: The intervals a node or an edge existed: ``(start, end)`` as xsd:dateTime text, ``end`` ``None``
#: while it lasts.
Spells = Sequence[tuple[str, "str | None"]]

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
#: graphkit's column kinds (``queries.neighbourhood.column_kinds``) as GEXF attribute types.
GEXF_TYPES = {"int": "long", "float": "double", "bool": "boolean", "str": "string"}
#: Characters XML 1.0 cannot hold, even escaped (a bell or vertical tab pasted into a bio).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class NodeLook:
    """Where and how Gephi draws a node: position, size (radius) and ``#rrggbb`` colour."""

    x: float
    y: float
    size: float
    color: str


def _text(value: str) -> str:
    """``value`` with the characters XML cannot hold replaced by U+FFFD.

    >>> _text("a\x07b")
    'a\ufffdb'
    """
    return _NOT_XML.sub("\ufffd", value)


def _lexical(value: object, kind: str) -> str:
    """A value in the schema's lexical form for its type.

    >>> _lexical(True, "bool"), _lexical(3, "int"), _lexical(0.1, "float"), _lexical("x", "str")
    ('true', '3', '0.1', 'x')
    """
    if kind == "bool":
        return "true" if value else "false"
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return repr(float(value))
    return _text(str(value))


def gexf_bytes(
    nodes: Sequence[tuple[str, Mapping[str, object]]],
    kinds: Mapping[str, str],
    edges: Sequence[tuple[str, str]],
    *,
    looks: Sequence[NodeLook] | None = None,
    date: str,
    description: str | None = None,
    creator: str = "graphkit",
    directed: bool = True,
    edge_kinds: Mapping[str, str] | None = None,
    edge_values: Sequence[Mapping[str, object]] | None = None,
    weights: Sequence[float] | None = None,
    node_spells: Sequence[Spells] | None = None,
    edge_spells: Sequence[Spells] | None = None,
) -> bytes:
    """A GEXF 1.3 document (directed unless ``directed`` is false; dynamic with spells).

    Parameters
    ----------
    nodes : sequence of (id, {attribute: value})
        Node ids (account keys) with their attribute values; a missing key
        is a missing value.
    kinds : mapping
        Every attribute's kind, ``int``, ``float``, ``bool`` or ``str``, in
        declaration order.
    edges : sequence of (source id, target id)
    looks : sequence of NodeLook, optional
        One per node: ``viz:position``, ``viz:size``, ``viz:color``.
    date : str
        ``YYYY-MM-DD`` for ``lastmodifieddate``.
    description : str, optional
    directed : bool
        ``defaultedgetype``: directed (follows) or undirected.
    edge_kinds : mapping, optional
        Every edge attribute's kind, as ``kinds`` for the nodes.
    edge_values : sequence of mappings, optional
        One per edge: its attribute values (a missing key is a missing value).
    weights : sequence of float, optional
        One per edge: its ``weight`` (Gephi's layouts and modularity read it).
    node_spells, edge_spells : sequences of spells, optional
        One per node / edge: the ``(start, end)`` intervals it existed (dateTime
        text; ``end`` ``None`` while it lasts; an empty list: always). Either
        makes the graph ``mode="dynamic"`` with ``timeformat="dateTime"``.

    Examples
    --------
    >>> doc = gexf_bytes([("a", {}), ("b", {})], {}, [("a", "b")], date="2025-01-31", directed=False,
    ...                  edge_kinds={"shared": "int"}, edge_values=[{"shared": 4}], weights=[0.25])
    >>> print(doc.decode().split("<edges>")[1].split("</edges>")[0].strip())
    <edge id="0" source="a" target="b" weight="0.25">
            <attvalues>
              <attvalue for="shared" value="4" />
            </attvalues>
          </edge>

    >>> doc = gexf_bytes([("a", {}), ("b", {})], {}, [("a", "b")], date="2026-02-01",
    ...                  node_spells=[[("2026-01-01T00:00:00Z", None)], []],
    ...                  edge_spells=[[("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")]])
    >>> text = doc.decode()
    >>> 'mode="dynamic"' in text and 'timeformat="dateTime"' in text
    True
    >>> print(text.split("<edges>")[1].split("</edges>")[0].strip())
    <edge id="0" source="a" target="b">
            <spells>
              <spell start="2026-01-01T00:00:00Z" end="2026-02-01T00:00:00Z" />
            </spells>
          </edge>

    Returns
    -------
    bytes
        UTF-8 XML.
    """
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)

    def tag(name: str, ns: str = GEXF_NS) -> str:
        return f"{{{ns}}}{name}"

    root = ET.Element(tag("gexf"), {"version": "1.3"})
    meta = ET.SubElement(root, tag("meta"), {"lastmodifieddate": date})
    ET.SubElement(meta, tag("creator")).text = creator
    if description:
        ET.SubElement(meta, tag("description")).text = _text(description)
    dynamic = node_spells is not None or edge_spells is not None
    graph_attrs = {"defaultedgetype": "directed" if directed else "undirected",
                   "mode": "dynamic" if dynamic else "static"}
    if dynamic:
        graph_attrs.update(timeformat="dateTime", timerepresentation="interval")
    graph = ET.SubElement(root, tag("graph"), graph_attrs)
    edge_kinds = dict(edge_kinds or {})
    for cls, declared_kinds in (("node", kinds), ("edge", edge_kinds)):
        if cls == "edge" and not declared_kinds:
            continue
        declared = ET.SubElement(graph, tag("attributes"), {"class": cls, "mode": "static"})
        for name, kind in declared_kinds.items():
            ET.SubElement(declared, tag("attribute"), {"id": name, "title": name, "type": GEXF_TYPES[kind]})
    node_list = ET.SubElement(graph, tag("nodes"))
    for i, (key, values) in enumerate(nodes):
        node = ET.SubElement(node_list, tag("node"), {"id": _text(key), "label": _text(key)})
        _attvalues(node, values, kinds, tag)
        if node_spells is not None:
            _spells(node, node_spells[i], tag)
        if looks is not None:
            look = looks[i]
            red, green, blue = (int(look.color[j : j + 2], 16) for j in (1, 3, 5))
            ET.SubElement(node, tag("color", VIZ_NS), {"r": str(red), "g": str(green), "b": str(blue), "a": "1.0"})
            ET.SubElement(node, tag("position", VIZ_NS), {"x": repr(float(look.x)), "y": repr(float(look.y)), "z": "0.0"})
            ET.SubElement(node, tag("size", VIZ_NS), {"value": repr(float(look.size))})
    edge_list = ET.SubElement(graph, tag("edges"))
    for i, (source, target) in enumerate(edges):
        attrs = {"id": str(i), "source": _text(source), "target": _text(target)}
        if weights is not None:
            attrs["weight"] = repr(float(weights[i]))
        edge = ET.SubElement(edge_list, tag("edge"), attrs)
        if edge_values is not None:
            _attvalues(edge, edge_values[i], edge_kinds, tag)
        if edge_spells is not None:
            _spells(edge, edge_spells[i], tag)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _attvalues(element: ET.Element, values: Mapping[str, object], kinds: Mapping[str, str], tag) -> None:
    """``<attvalues>`` of a node or an edge: the declared attributes that have a value."""
    present = [(name, values[name]) for name in kinds if values.get(name) is not None]
    if present:
        attvalues = ET.SubElement(element, tag("attvalues"))
        for name, value in present:
            ET.SubElement(attvalues, tag("attvalue"), {"for": name, "value": _lexical(value, kinds[name])})


def _spells(element: ET.Element, spells: Spells, tag) -> None:
    """``<spells>`` of a node or an edge (none when it always existed)."""
    if not spells:
        return
    block = ET.SubElement(element, tag("spells"))
    for start, end in spells:
        ET.SubElement(block, tag("spell"), {"start": start} if end is None else {"start": start, "end": end})
