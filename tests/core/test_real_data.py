"""Real SNAP graphs load with their published sizes; affinity equals pandas on wiki-Vote."""

import pandas as pd
import pytest

from graphkit.api import load_files
from graphkit.workspace import Workspace
from queries.affinity import affinity


@pytest.fixture(scope="module")
def wiki_vote(shared_data, tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("wiki") / "ws")
    reports = load_files(ws, "edges", [shared_data / "snap/wiki-vote/Wiki-Vote.txt"])
    return ws, reports


def test_wiki_vote_loads_with_snap_sizes(wiki_vote):
    ws, reports = wiki_vote
    assert (ws.graph.n_accounts, ws.graph.n_follows) == (7115, 103689)
    assert reports[0].self_follows == 0 and reports[0].duplicates == 0


def test_email_eu_core_keeps_accounts_of_dropped_self_follows(shared_data, tmp_path):
    ws = Workspace(tmp_path / "ws")
    (report,) = load_files(ws, "edges", [shared_data / "snap/email-eu-core/email-Eu-core.txt"])
    assert ws.graph.n_accounts == 1005
    assert ws.graph.n_follows == 24929
    assert report.self_follows == 642
    assert report.rows_read == 25571


def _pandas_affinity(path, brand: str) -> pd.DataFrame:
    edges = pd.read_csv(path, sep="\t", comment="#", header=None, names=["follower", "followee"], dtype=str)
    followers = set(edges.loc[edges.followee == brand, "follower"])
    observed = followers & set(edges["follower"])  # every source of an edge list is observed
    counts = (
        edges[edges.follower.isin(observed) & (edges.followee != brand)]
        .groupby("followee").size().rename("audience_count").reset_index()
        .rename(columns={"followee": "account"})
    )
    counts["audience_share"] = counts["audience_count"] / len(observed)
    return counts.sort_values(["audience_count", "account"], ascending=[False, True]).reset_index(drop=True)


@pytest.mark.parametrize("brand", ["4037", "15", "2565"])
def test_affinity_on_wiki_vote_equals_pandas(wiki_vote, shared_data, brand):
    ws, _ = wiki_vote
    expected = _pandas_affinity(shared_data / "snap/wiki-vote/Wiki-Vote.txt", brand)
    got = affinity(ws.graph, brand, sort="count")
    assert len(got) == len(expected) > 50
    assert got["account"].tolist() == expected["account"].tolist()
    assert got["audience_count"].tolist() == expected["audience_count"].tolist()
    assert got["audience_share"].tolist() == pytest.approx(expected["audience_share"].tolist())
    assert got["rank"].tolist() == list(range(1, len(got) + 1))


def test_email_eu_core_stats_equal_snap_table_counting_dropped_self_follows(shared_data, tmp_path):
    """SNAP's published figures for email-Eu-core count its 642 self-loops as edges."""
    from queries.stats import graph_stats

    ws = Workspace(tmp_path / "ws")
    load_files(ws, "edges", [shared_data / "snap/email-eu-core/email-Eu-core.txt"])
    stats = graph_stats(ws.graph)
    assert stats["nodes"] == 1005
    assert stats["edges_with_self_follows"] == 25571
    assert (stats["largest_wcc_nodes"], stats["largest_wcc_edges_with_self_follows"]) == (986, 25552)
    assert (stats["largest_scc_nodes"], stats["largest_scc_edges_with_self_follows"]) == (803, 24729)
    assert stats["triangles"] == 105461
    assert round(stats["avg_clustering"], 4) == 0.3994


def test_reloading_keeps_self_follow_marks(shared_data, tmp_path):
    ws = Workspace(tmp_path / "ws")
    load_files(ws, "edges", [shared_data / "snap/email-eu-core/email-Eu-core.txt"])
    (tmp_path / "more.txt").write_text("ann\n")
    load_files(ws, "followers", [tmp_path / "more.txt"], of="bob")
    assert int(Workspace(tmp_path / "ws").graph.accounts["follows_self"].sum()) == 642
