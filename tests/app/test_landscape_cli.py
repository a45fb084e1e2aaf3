"""`graphkit landscape` and `graphkit export landscape` on the demo: every format, read back."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

from queries.exporters import write_hood
from queries.landscape import landscape
from queries.landscape_page import cluster_colors, landscape_hood
from tests.exports.test_exporters import check_gexf_structure


def test_landscape_prints_the_communities(run_cli, demo_ws, demo_graph):
    result = run_cli("landscape", "acme", "--top", "150", workspace=demo_ws)
    assert result.exit_code == 0, result.output
    expected = landscape(demo_graph, "acme", top=150).clusters
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["cluster", "size", "reach_share", "label", "leader"]
    assert len(lines) == 1 + len(expected)
    assert all(len(line) <= 80 for line in lines)
    for line, row in zip(lines[1:], expected.itertuples()):
        assert line.split()[:2] == [str(row.cluster), str(row.size)]
        assert row.label in line and row.leaders.split(", ")[0] in line
    assert "communities (Louvain, modularity" in result.stderr
    csv = run_cli("landscape", "acme", "--top", "150", "--show", "nodes", "--format", "csv", workspace=demo_ws)
    nodes = pd.read_csv(io.StringIO(csv.stdout))
    assert nodes["account"].tolist() == landscape(demo_graph, "acme", top=150).nodes["account"].tolist()


@pytest.mark.parametrize("ext", ["html", "gexf", "graphml", "json", "csv"])
def test_export_landscape_every_format(run_cli, demo_ws, demo_graph, tmp_path, ext):
    out = tmp_path / f"land.{ext}"
    result = run_cli("export", "landscape", "acme", "--top", "120", "--random-seed", "2", "--out", str(out),
                     workspace=demo_ws)
    assert result.exit_code == 0, result.output
    land = landscape(demo_graph, "acme", top=120, random_seed=2)
    links = {frozenset(pair) for pair in zip(land.edges["source"], land.edges["target"])}
    if ext == "html":
        page = out.read_text("utf-8")
        payload = json.loads(re.search(r'id="gk-land-data">(.*?)</script>', page, re.S).group(1))
        assert payload["nodes"]["id"] == land.nodes["account"].tolist()
        assert payload["nodes"]["cluster"] == land.nodes["cluster"].tolist()
        assert len(payload["edges"]["s"]) == land.n_edges
        return
    if ext == "csv":
        nodes, edges = pd.read_csv(out), pd.read_csv(tmp_path / "land-edges.csv")
        assert nodes["cluster"].tolist() == land.nodes["cluster"].tolist()
        assert {frozenset(p) for p in zip(edges["follower"], edges["followee"])} == links
        return
    if ext == "gexf":
        read = nx.read_gexf(out, version="1.3")
    elif ext == "graphml":
        read = nx.read_graphml(out)
    else:
        read = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    assert not read.is_directed()
    assert set(read.nodes) == set(land.nodes["account"])
    assert {frozenset(e) for e in read.edges} == links
    first = land.edges.iloc[0]
    assert read.edges[first["source"], first["target"]]["similarity"] == pytest.approx(first["similarity"])
    top = land.nodes.iloc[0]
    assert read.nodes[top["account"]]["cluster"] == top["cluster"]
    assert read.nodes[top["account"]]["cluster_label"] == top["cluster_label"]


def test_export_landscape_refuses_bad_input_in_one_line(run_cli, demo_ws, tmp_path):
    result = run_cli("export", "landscape", "acme", "--out", str(tmp_path / "land.pdf"), workspace=demo_ws)
    assert result.exit_code == 1 and "export format" in result.stderr
    result = run_cli("export", "landscape", "acme", "--top", "5000", "--out", str(tmp_path / "l.html"),
                     workspace=demo_ws)
    assert result.exit_code == 1 and "between 1 and 2,000" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_landscape_gexf_is_valid_gexf_13_and_carries_the_picture(run_cli, demo_ws, demo_graph, tmp_path):
    # written by queries/gexf.py like every GEXF, valid against the official grammar (tests/exports/schemas)
    out = tmp_path / "land.gexf"
    result = run_cli("export", "landscape", "acme", "--top", "120", "--random-seed", "2", "--out", str(out),
                     workspace=demo_ws)
    assert result.exit_code == 0, result.output
    types = check_gexf_structure(out)
    assert types["cluster"] == "long" and types["cluster_label"] == "string" and types["audience_share"] == "double"
    assert types["similarity"] == "double" and types["shared"] == "long"  # edge attributes
    land = landscape(demo_graph, "acme", top=120, random_seed=2)
    root = ET.parse(out).getroot()
    ns, viz = "{http://gexf.net/1.3}", "{http://gexf.net/1.3/viz}"
    assert root.find(f"{ns}graph").get("defaultedgetype") == "undirected"
    nodes = {node.get("id"): node for node in root.iter(f"{ns}node")}
    colors = dict(zip(land.nodes["account"], cluster_colors(land.nodes["cluster"].astype(int).tolist())))
    for row in land.nodes.head(20).itertuples():
        node = nodes[row.account]
        position = node.find(f"{viz}position")
        assert float(position.get("x")) == pytest.approx(row.x * 1000)
        assert float(position.get("y")) == pytest.approx(row.y * 1000)
        color = node.find(f"{viz}color")
        assert "#" + "".join(f"{int(color.get(c)):02x}" for c in "rgb") == colors[row.account]
    weights = {frozenset((e.get("source"), e.get("target"))): float(e.get("weight")) for e in root.iter(f"{ns}edge")}
    assert weights == {frozenset((s, t)): pytest.approx(w)
                       for s, t, w in zip(land.edges["source"], land.edges["target"], land.edges["similarity"])}
    # the generic writer gives a valid undirected document too (the same neighbourhood, networkx's layout)
    write_hood(landscape_hood(land), tmp_path / "hood.gexf")
    check_gexf_structure(tmp_path / "hood.gexf")
    assert ET.parse(tmp_path / "hood.gexf").getroot().find(f"{ns}graph").get("defaultedgetype") == "undirected"
