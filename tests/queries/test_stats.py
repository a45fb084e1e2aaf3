"""``info --stats`` and ``graph_stats`` against SNAP's published table (../shared/data/README.md)."""

from __future__ import annotations

import json

import pytest

from graphkit.algorithms.components import largest_component
from queries.stats import graph_stats

# SNAP's published figures, copied from ../shared/data/README.md:
# nodes, edges, largest WCC nodes/edges, largest SCC nodes/edges, triangles, avg clustering
SNAP_TABLE = {
    "wiki-vote": (7_115, 103_689, 7_066, 103_663, 1_300, 39_456, 608_389, 0.1409),
    "email-eu-core": (1_005, 25_571, 986, 25_552, 803, 24_729, 105_461, 0.3994),
    "ego-facebook": (4_039, 88_234, 4_039, 88_234, None, None, 1_612_010, 0.6055),
    "ego-twitter": (81_306, 1_768_149, 81_306, 1_768_149, 68_413, 1_685_163, 13_082_506, 0.5653),
}
FILES = {
    "wiki-vote": "snap/wiki-vote/Wiki-Vote.txt",
    "email-eu-core": "snap/email-eu-core/email-Eu-core.txt",
    "ego-facebook": "snap/ego-facebook/facebook_combined.txt",
}


def self_loops(shared_data, name, graph):
    """Ids of the accounts with a self-loop in the source (SNAP counts them as edges, graphkit drops them)."""
    keys = set()
    if name == "ego-twitter":
        import tarfile

        with tarfile.open(shared_data / "snap/ego-twitter/twitter_egos_all_973.tar.gz") as tar:
            for member in tar:
                if member.name.endswith(".edges"):
                    for line in tar.extractfile(member).read().decode().splitlines():
                        a, b = line.split()
                        if a == b:
                            keys.add(a)
    else:
        for line in (shared_data / FILES[name]).read_text().splitlines():
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split()[:2]
            if a == b:
                keys.add(a)
    return {graph.id_of(k) for k in keys}


def check_against_snap(shared_data, snap_graph, name):
    graph = snap_graph(name)
    loops = self_loops(shared_data, name, graph)
    stats = graph_stats(graph)
    nodes, edges, wcc_n, wcc_e, scc_n, scc_e, tri, cc = SNAP_TABLE[name]
    weak = set(largest_component(graph, "weak").ids.tolist())
    strong = set(largest_component(graph, "strong").ids.tolist())
    assert stats["nodes"] == nodes
    assert stats["edges"] + len(loops) == edges
    assert stats["largest_wcc_nodes"] == wcc_n
    assert stats["largest_wcc_edges"] + len(loops & weak) == wcc_e
    if scc_n is not None:
        assert stats["largest_scc_nodes"] == scc_n
        assert stats["largest_scc_edges"] + len(loops & strong) == scc_e
    assert stats["triangles"] == tri
    assert round(stats["avg_clustering"], 4) == cc


@pytest.mark.parametrize("name", ["wiki-vote", "email-eu-core", "ego-facebook"])
def test_graph_stats_equal_snap(shared_data, snap_graph, name):
    check_against_snap(shared_data, snap_graph, name)


@pytest.mark.slow
def test_graph_stats_equal_snap_on_ego_twitter(shared_data, snap_graph):
    check_against_snap(shared_data, snap_graph, "ego-twitter")


def test_email_eu_core_differs_from_snap_only_by_its_642_self_loops(shared_data, snap_graph):
    graph = snap_graph("email-eu-core")
    assert len(self_loops(shared_data, "email-eu-core", graph)) == 642
    assert graph.n_follows == 25_571 - 642


def test_info_stats_cli_on_wiki_vote(shared_data, run_cli):
    assert run_cli("load", "edges", str(shared_data / FILES["wiki-vote"])).exit_code == 0
    result = run_cli("info", "--stats")
    assert result.exit_code == 0, result.output
    lines = {}
    for line in result.stdout.splitlines():
        label, value = line.rsplit("  ", 1)
        lines[label.strip()] = value.strip()
    assert lines["nodes"] == "7,115"
    assert lines["edges (follows)"] == "103,689"
    assert lines["self-follows dropped on load"] == "0"
    assert lines["largest WCC nodes"] == "7,066" and lines["largest WCC edges"] == "103,663"
    assert lines["largest SCC nodes"] == "1,300" and lines["largest SCC edges"] == "39,456"
    assert lines["triangles (undirected)"] == "608,389"
    assert lines["average clustering (undirected)"] == "0.1409"


def test_info_stats_json_reports_dropped_self_follows(shared_data, run_cli):
    assert run_cli("load", "edges", str(shared_data / FILES["email-eu-core"])).exit_code == 0
    facts = json.loads(run_cli("info", "--stats", "--format", "json").stdout)
    assert facts["edges"] + facts["self_follows_dropped"] == 25_571
    assert facts["largest_scc_nodes"] == 803


def test_info_stats_on_empty_workspace(run_cli, workspace_path):
    workspace_path.mkdir()
    result = run_cli("info", "--stats")
    assert result.exit_code == 0
    assert "is empty" in result.stdout
