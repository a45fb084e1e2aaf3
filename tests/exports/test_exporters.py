"""Neighbourhood exports: round trips through networkx readers, types, injection safety."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, GraphkitError, QueryError
from graphkit.graph import FollowGraph
from queries.exporters import edges_path, write_neighbourhood
from queries.neighbourhood import neighbourhood

PAIRS = [
    ("seed", "ann"), ("ann", "seed"), ("bob", "seed"), ("ann", "bob"), ("cat", "ann"),
    ("bob", "zed"), ("zed", "seed"), ("out", "zed"),
]
BIO = "<script>alert(1)</script> & \"quotes\""


@pytest.fixture
def graph() -> FollowGraph:
    profiles = pd.DataFrame({
        "key": ["seed", "ann", "bob", "cat"],
        "followers_count": pd.array([250_000, 12_000, None, 900], dtype="Int64"),
        "bio": [None, BIO, "=HYPERLINK(\"http://x\")", "-2+3"],
        "display_name": ["Seed Co", "@ann", "+bob", "\tcat"],
        "verified": pd.array([True, False, None, False], dtype="boolean"),
    })
    return FollowGraph.from_pairs(PAIRS, attributes=profiles)


@pytest.fixture
def table() -> pd.DataFrame:
    frame = pd.DataFrame({
        "rank": [0, 1, 2, 3],
        "account": ["seed", "ann", "bob", "cat"],
        "hops": [0, 1, 1, 2],
        "score": [1.0, 0.75, np.nan, 0.125],
        "links": pd.array([0, 2, None, 1], dtype="Int64"),
        "via": [None, "seed", "seed", "ann"],
        "mutual": [False, True, False, False],
    })
    frame.attrs["seed"] = "seed"
    return frame


def expected_edges(accounts: list[str]) -> set[tuple[str, str]]:
    """The induced subgraph's follows, straight from the pair list."""
    chosen = set(accounts)
    return {(a, b) for a, b in PAIRS if a in chosen and b in chosen}


# -- the neighbourhood ---------------------------------------------------------------------------


def test_neighbourhood_keeps_table_order_columns_and_profile(graph, table):
    hood = neighbourhood(graph, table)
    assert hood.nodes["account"].tolist() == ["seed", "ann", "bob", "cat"]
    assert list(hood.nodes.columns[: len(table.columns)]) == ["account", "rank", "hops", "score", "links", "via", "mutual"]
    assert hood.nodes.loc[1, "bio"] == BIO
    assert hood.nodes["tier"].astype(str).tolist() == ["mid", "micro", "unknown", "regular"]
    assert set(zip(hood.edges.follower, hood.edges.followee)) == expected_edges(table.account.tolist())
    assert hood.seed == "seed"


def test_neighbourhood_errors(graph, table):
    with pytest.raises(QueryError, match="'account' column"):
        neighbourhood(graph, table.drop(columns="account"))
    with pytest.raises(QueryError, match="empty"):
        neighbourhood(graph, table.iloc[:0])
    with pytest.raises(QueryError, match="appears twice"):
        neighbourhood(graph, pd.concat([table, table.iloc[[1]]]))
    with pytest.raises(AccountNotFound):
        neighbourhood(graph, pd.DataFrame({"account": ["seed", "nobody"]}))
    with pytest.raises(GraphkitError, match="export format"):
        write_neighbourhood(graph, table, "hood.xlsx")


# -- typed round trips ----------------------------------------------------------------------------


EXPECTED_TYPES = {"rank": int, "hops": int, "score": float, "links": int, "via": str, "mutual": bool,
                  "followers_count": int, "bio": str, "verified": bool, "tier": str, "observed": bool}


def check_nodes(read: nx.DiGraph, table: pd.DataFrame, graph: FollowGraph) -> None:
    """Every non-missing table value and profile value is back, with its Python type."""
    assert set(read.nodes) == set(table.account)
    assert set(read.edges) == expected_edges(table.account.tolist())
    for record in table.to_dict("records"):
        data = read.nodes[record["account"]]
        for column, value in record.items():
            if column == "account":
                continue
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                assert column not in data, (record["account"], column)
            else:
                assert data[column] == value
                assert type(data[column]) is EXPECTED_TYPES[column], (column, type(data[column]))
    ann = read.nodes["ann"]
    assert ann["bio"] == BIO and ann["followers_count"] == 12_000 and ann["verified"] is False
    assert ann["tier"] == "micro"
    assert "followers_count" not in read.nodes["bob"]  # missing stays missing, never "nan"
    assert read.nodes["cat"]["display_name"] == "\tcat"


def test_graphml_round_trip_with_declared_types(graph, table, tmp_path):
    path = tmp_path / "hood.graphml"
    assert write_neighbourhood(graph, table, path) == [path]
    check_nodes(nx.read_graphml(path), table, graph)
    root = ET.parse(path).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    types = {k.get("attr.name"): k.get("attr.type") for k in root.findall("g:key", ns) if k.get("for") == "node"}
    assert types["rank"] == "long" and types["followers_count"] == "long"
    assert types["score"] == "double"
    assert types["mutual"] == "boolean" and types["verified"] == "boolean"
    assert types["bio"] == "string" and types["tier"] == "string"


GEXF_TYPES = {  # the attrtype-type enumeration of the GEXF 1.3 schema
    "integer", "long", "double", "float", "boolean", "bigdecimal", "biginteger", "byte", "char",
    "short", "liststring", "listboolean", "listinteger", "listlong", "listfloat", "listdouble",
    "listbyte", "listshort", "listbigdecimal", "listbiginteger", "listchar", "string", "anyURI",
}


GEXF_SCHEMA = Path(__file__).parent / "schemas" / "gexf-1.3" / "gexf.rng"


def validate_gexf(path: Path) -> None:
    """Validate against the official GEXF 1.3 RelaxNG grammar (schemas/gexf-1.3, with lxml)."""
    from lxml import etree

    grammar = etree.RelaxNG(etree.parse(str(GEXF_SCHEMA)))
    document = etree.parse(str(path))
    assert grammar.validate(document), str(grammar.error_log)


def check_gexf_structure(path: Path) -> dict[str, str]:
    """Schema-valid, and what the schema cannot say: ids are names, values parse as their type.

    Every ``attribute`` has its name as its ``id`` (and ``title``); every
    ``attvalue`` names a declared id and its value parses as the declared type
    (booleans ``true``/``false``); every edge joins declared nodes; ``graph``
    has no ``name``. Returns ``{title: type}``.
    """
    validate_gexf(path)
    root = ET.parse(path).getroot()
    ns = "{http://gexf.net/1.3}"
    assert root.tag == f"{ns}gexf" and root.get("version") == "1.3"
    graph_el = root.find(f"{ns}graph")
    assert graph_el is not None and graph_el.get("defaultedgetype") in ("directed", "undirected", "mutual")
    assert graph_el.get("name") is None
    declared = {}
    for block in graph_el.findall(f"{ns}attributes"):
        assert block.get("class") in ("node", "edge")
        for attribute in block.findall(f"{ns}attribute"):
            assert attribute.get("id") == attribute.get("title") != ""
            assert attribute.get("type") in GEXF_TYPES, attribute.get("type")
            declared[attribute.get("id")] = (attribute.get("title"), attribute.get("type"))
    parsers = {"long": int, "integer": int, "double": float, "float": float, "string": str,
               "boolean": lambda v: {"true": True, "false": False}[v]}
    node_ids = set()
    for node in graph_el.find(f"{ns}nodes").findall(f"{ns}node"):
        node_ids.add(node.get("id"))
        for value in node.iter(f"{ns}attvalue"):
            title, kind = declared[value.get("for")]
            parsers[kind](value.get("value"))
    for edge in graph_el.find(f"{ns}edges").findall(f"{ns}edge"):
        assert edge.get("source") in node_ids and edge.get("target") in node_ids
    return {title: kind for title, kind in declared.values()}


def test_gexf_round_trip_types_and_structure(graph, table, tmp_path):
    path = tmp_path / "hood.gexf"
    write_neighbourhood(graph, table, path)
    types = check_gexf_structure(path)
    assert types["rank"] == "long" and types["score"] == "double"
    assert types["mutual"] == "boolean" and types["bio"] == "string"
    read = nx.read_gexf(path, version="1.3")
    assert read.is_directed()
    check_nodes(read, table, graph)
    viz = read.nodes["seed"]["viz"]  # layout, size and tier colour for Gephi
    assert set(viz) >= {"position", "size", "color"}
    assert viz["size"] >= read.nodes["cat"]["viz"]["size"]  # higher score, bigger node


def test_node_link_json_round_trip(graph, table, tmp_path):
    path = tmp_path / "hood.json"
    write_neighbourhood(graph, table, path)
    data = json.loads(path.read_text("utf-8"))
    assert data["directed"] is True and data["graph"]["seed"] == "seed"
    check_nodes(nx.node_link_graph(data, edges="edges"), table, graph)


def test_parquet_nodes_and_edges(graph, table, tmp_path):
    path = tmp_path / "hood.parquet"
    written = write_neighbourhood(graph, table, path)
    assert written == [path, tmp_path / "hood-edges.parquet"]
    nodes = pd.read_parquet(path)
    assert nodes["account"].tolist() == table.account.tolist()
    assert pd.api.types.is_integer_dtype(nodes["links"]) and nodes["links"].isna().tolist() == [False, False, True, False]
    assert pd.api.types.is_float_dtype(nodes["score"]) and pd.api.types.is_bool_dtype(nodes["mutual"])
    edges = pd.read_parquet(written[1])
    assert set(zip(edges.follower, edges.followee)) == expected_edges(table.account.tolist())


def test_csv_nodes_edges_and_formula_neutralization(graph, table, tmp_path):
    path = tmp_path / "hood.csv"
    written = write_neighbourhood(graph, table, path)
    assert written == [path, edges_path(path)] and written[1].name == "hood-edges.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = {row["account"]: row for row in csv.DictReader(handle)}
    assert rows["bob"]["bio"] == "'=HYPERLINK(\"http://x\")"
    assert rows["cat"]["bio"] == "'-2+3"
    assert rows["ann"]["display_name"] == "'@ann"
    assert rows["bob"]["display_name"] == "'+bob"
    assert rows["cat"]["display_name"] == "'\tcat"
    assert rows["ann"]["bio"] == BIO  # not a formula: untouched
    assert rows["ann"]["score"] == "0.75" and rows["bob"]["score"] == ""
    for row in rows.values():  # no cell a spreadsheet would run
        assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())
    with written[1].open(newline="", encoding="utf-8") as handle:
        edges = {(r["follower"], r["followee"]) for r in csv.DictReader(handle)}
    assert edges == expected_edges(table.account.tolist())


def test_csv_neutralizes_carriage_return_and_dangerous_account_columns(tmp_path):
    profiles = pd.DataFrame({"key": ["a", "b"], "bio": ["\rcmd", "ok"]})
    g = FollowGraph.from_pairs([("a", "b")], attributes=profiles)
    frame = pd.DataFrame({"account": ["a", "b"], "note": ["@SUM(A1)", "fine"]})
    path = tmp_path / "n.csv"
    write_neighbourhood(g, frame, path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = {row["account"]: row for row in csv.DictReader(handle)}
    assert rows["a"]["bio"] == "'\rcmd" and rows["a"]["note"] == "'@SUM(A1)"
    assert rows["b"]["note"] == "fine"


# -- the HTML map is safe ---------------------------------------------------------------------------


def test_html_map_escapes_every_account_string(graph, table, tmp_path):
    path = tmp_path / "hood.html"
    write_neighbourhood(graph, table, path, title="<b>title</b>")
    page = path.read_text("utf-8")
    assert "<script>alert(1)" not in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    assert "<b>title</b>" not in page and "&lt;b&gt;title&lt;/b&gt;" in page
    # only the page's own two script elements: the JSON data and the drawing code
    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/json" id="gk-data">', "<script>"]
    data = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', page, re.S).group(1)
    assert not set("<>&") & set(data)
    payload = json.loads(data)
    ann = payload["nodes"]["id"].index("ann")
    assert payload["values"]["bio"][ann] == BIO  # decoded by JSON.parse, shown with textContent
    assert "innerHTML" not in page and "document.write" not in page and "eval(" not in page


def test_html_map_is_self_contained(graph, table, tmp_path):
    path = tmp_path / "hood.html"
    write_neighbourhood(graph, table, path)
    page = path.read_text("utf-8")
    assert "default-src 'none'" in page
    # no URL the browser could fetch: only the SVG namespace name and none at all here
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+", page.replace("http-equiv", "")) == []
    assert "<link rel=\"stylesheet\"" not in page and " src=" not in page
    payload = json.loads(re.search(r'id="gk-data">(.*?)</script>', page, re.S).group(1))
    assert payload["seed"] == "seed" and len(payload["nodes"]["id"]) == 4
    assert sorted(zip(payload["edges"]["s"], payload["edges"]["t"])) == sorted(
        (payload["nodes"]["id"].index(a), payload["nodes"]["id"].index(b)) for a, b in expected_edges(table.account.tolist())
    )
    x, y = payload["nodes"]["x"], payload["nodes"]["y"]
    assert max(map(abs, x + y)) <= 1.0 and (x[0], y[0]) == (0.0, 0.0)  # seed at the centre


def test_layout_is_deterministic(graph, table, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_neighbourhood(graph, table, first)
    write_neighbourhood(graph, table, second)
    assert first.read_bytes() == second.read_bytes()


# -- real data --------------------------------------------------------------------------------------


def test_real_graph_round_trip_against_networkx(shared_data, tmp_path):
    """email-Eu-core: an account's 1-hop neighbourhood equals networkx's induced subgraph."""
    from queries.expand import expand

    raw = shared_data / "snap" / "email-eu-core" / "email-Eu-core.txt"
    pairs = [tuple(line.split()) for line in raw.read_text().splitlines() if line.strip()]
    g = FollowGraph.from_pairs(pairs)
    table = expand(g, "160", hops=1, direction="both")
    path = tmp_path / "eu.graphml"
    write_neighbourhood(g, table, path)
    reference = nx.DiGraph((a, b) for a, b in pairs if a != b)
    members = set(reference.successors("160")) | set(reference.predecessors("160")) | {"160"}
    read = nx.read_graphml(path)
    assert set(read.nodes) == members
    assert set(read.edges) == set(reference.subgraph(members).edges)
    assert all(type(read.nodes[n]["hops"]) is int for n in read.nodes)


def test_demo_neighbourhood_map_keeps_the_most_relevant_accounts(demo_workspace, run_cli, tmp_path):
    """export neighbourhood: the limit keeps the most relevant accounts of every hop, and says so."""
    out = tmp_path / "acme.html"
    result = run_cli("export", "neighbourhood", "acme", "--hops", "2", "--limit", "40", "-o", str(out),
                     workspace=demo_workspace)
    assert result.exit_code == 0, result.stderr
    assert "most relevant first (personalized PageRank from the seed)" in result.stderr
    page = out.read_text()
    assert "most relevant first (personalized PageRank from the seed)" in page
    data = json.loads(re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', page, re.S)[1])
    hops = data["values"]["hops"]
    assert len(hops) == 41 and hops.count(2) > 10
    names = data["nodes"]["id"][1:]
    assert names != sorted(names)  # not the alphabetically first accounts of hop 1


# -- GraphML booleans and GEXF interop ------------------------------------------------------------


def test_graphml_booleans_are_xsd_booleans(graph, table, tmp_path):
    """``true``/``false`` in the XML (xsd:boolean), read back as booleans by networkx and igraph."""
    import igraph

    path = tmp_path / "hood.graphml"
    write_neighbourhood(graph, table, path)
    root = ET.parse(path).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    booleans = {k.get("id") for k in root.findall("g:key", ns) if k.get("attr.type") == "boolean"}
    assert {"mutual", "verified", "observed"} <= booleans
    texts = [d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data") if d.get("key") in booleans]
    assert texts and set(texts) == {"true", "false"}
    read = nx.read_graphml(path)
    assert read.nodes["ann"]["mutual"] is True and read.nodes["ann"]["verified"] is False
    other = igraph.Graph.Read_GraphML(str(path))
    by_id = {v["id"]: v for v in other.vs}
    assert by_id["ann"]["mutual"] is True and by_id["seed"]["mutual"] is False
    assert by_id["seed"]["verified"] is True and by_id["cat"]["verified"] is False


def _gexf_columns(path: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``{id: title}`` of the node attributes, and each node's ``{attribute id: value}``."""
    ns = "{http://gexf.net/1.3}"
    root = ET.parse(path).getroot()
    ids = {a.get("id"): a.get("title") for a in root.iter(f"{ns}attribute")}
    values = {
        node.get("id"): {v.get("for"): v.get("value") for v in node.iter(f"{ns}attvalue")}
        for node in root.iter(f"{ns}node")
    }
    return ids, values


def test_two_gexf_exports_with_different_columns_append_by_name(graph, table, tmp_path):
    """Gephi files a value under its attribute id: ids are the names, so a second export appends."""
    first, second = tmp_path / "expand.gexf", tmp_path / "scores.gexf"
    write_neighbourhood(graph, table, first)
    other = pd.DataFrame({"account": ["bob", "ann", "zed"], "audience_count": [5, 3, 1],
                          "lift_lower": [2.5, 1.25, 0.5]})
    write_neighbourhood(graph, other, second, seed="seed")
    for path in (first, second):
        check_gexf_structure(path)
    ids_a, values_a = _gexf_columns(first)
    ids_b, values_b = _gexf_columns(second)
    assert all(i == t for i, t in ids_a.items()) and all(i == t for i, t in ids_b.items())
    assert set(ids_a) != set(ids_b) and "followers_count" in set(ids_a) & set(ids_b)
    # ann is in both files: every shared column holds the same value under the same id
    for column in set(values_a["ann"]) & set(values_b["ann"]):
        assert values_a["ann"][column] == values_b["ann"][column], column
    assert values_a["ann"]["followers_count"] == values_b["ann"]["followers_count"] == "12000"
    assert values_b["ann"]["audience_count"] == "3" and values_a["ann"]["hops"] == "1"
    # networkx reads each file's values under the column names
    read_a, read_b = nx.read_gexf(first), nx.read_gexf(second)
    assert read_a.nodes["ann"]["followers_count"] == read_b.nodes["ann"]["followers_count"] == 12_000
    assert read_b.nodes["bob"]["lift_lower"] == 2.5 and read_a.nodes["bob"]["via"] == "seed"
    assert read_a.nodes["ann"]["bio"] == read_b.nodes["ann"]["bio"] == BIO


def test_gexf_drops_characters_xml_cannot_hold(tmp_path):
    g = FollowGraph.from_pairs([("a", "b")], attributes=pd.DataFrame({
        "key": ["a", "b"], "bio": ["bell\x07 and tab\t", "vertical\x0btab"]}))
    path = tmp_path / "ctl.gexf"
    write_neighbourhood(g, pd.DataFrame({"account": ["a", "b"]}), path)
    check_gexf_structure(path)
    read = nx.read_gexf(path)
    assert read.nodes["a"]["bio"] == "bell\ufffd and tab\t" and read.nodes["b"]["bio"] == "vertical\ufffdtab"


def test_demo_gexf_export_validates(demo_workspace, run_cli, tmp_path):
    """The GEXF `export neighbourhood` writes for the demo, 2 hops, is valid GEXF 1.3."""
    out = tmp_path / "acme.gexf"
    result = run_cli("export", "neighbourhood", "acme", "--hops", "2", "--limit", "300", "-o", str(out),
                     workspace=demo_workspace)
    assert result.exit_code == 0, result.stderr
    types = check_gexf_structure(out)
    assert types["relevance"] == "double" and types["verified"] == "boolean" and types["tags"] == "string"
    read = nx.read_gexf(out)
    assert read.number_of_nodes() == 301 and read.nodes["acme"]["rank"] == 0
