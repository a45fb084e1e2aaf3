"""The report page and the ``export neighbourhood`` / ``report`` commands."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphkit.graph import FollowGraph
from queries.rank import rank
from queries.report import render_report, report_data, tier_mix

XSS = "<script>alert(1)</script>"


def brand_graph():
    """brand with 6 followers (f5 unobserved), 4 creators of known size, one advocate."""
    pairs = [(f"f{i}", "brand") for i in range(6)]
    pairs += [("f0", "big"), ("f1", "big"), ("f2", "big"), ("f3", "big"), ("f0", "nan1"), ("f1", "nan1"),
              ("f2", "mic1"), ("f4", "mic1"), ("f3", "reg1"), ("f0", "f1"), ("f2", "f1"), ("f5", "big"),
              ("x1", "big"), ("x2", "nan1"), ("brand", "f1")]
    observed = ["f0", "f1", "f2", "f3", "f4", "x1", "x2"]
    accounts = pd.DataFrame({
        "key": ["big", "nan1", "mic1", "reg1", "f1"],
        "followers_count": pd.array([2_000_000, 5_000, 20_000, 300, 12_000], dtype="Int64"),
        "bio": [None, "hiking guide", None, None, XSS],
    })
    return pairs, observed, accounts


@pytest.fixture
def graph() -> FollowGraph:
    pairs, observed, accounts = brand_graph()
    return FollowGraph.from_pairs(pairs, observed=observed, attributes=accounts)


def test_tier_mix_against_counting_by_hand(graph):
    mix = tier_mix(graph, "brand").set_index("tier")
    pairs, observed, accounts = brand_graph()
    audience = {f for f, b in pairs if b == "brand" and f in observed}
    followed = [b for f, b in pairs if f in audience and b != "brand"]
    # big: mega (4 follows), nan1: nano (2), mic1: micro (2), reg1: regular (1), f1: micro (2)
    assert followed.count("big") == 4
    assert mix.loc["mega", "follows"] == 4 and mix.loc["mega", "accounts"] == 1
    assert mix.loc["nano", "follows"] == 2
    assert mix.loc["micro", "follows"] == 4 and mix.loc["micro", "accounts"] == 2
    assert mix.loc["regular", "follows"] == 1
    assert mix["follows"].sum() == len(followed)
    assert mix["follows_share"].sum() == pytest.approx(1.0)


def test_report_numbers_come_from_the_queries(graph):
    from queries.advocates import advocates
    from queries.affinity import affinity

    data = report_data(graph, "brand", budget=700, top=5, map_limit=50)
    assert (data.n_followers, data.n_observed) == (6, 5)
    pd.testing.assert_frame_equal(data.affinity, affinity(graph, "brand", top=5))
    pd.testing.assert_frame_equal(data.advocates, advocates(graph, "brand", top=5))
    page = render_report(data)
    assert "<b>6</b><span>followers in the graph</span>" in page
    assert "Cautious lift" in page and "lift_lower" not in page.split('id="gk-land-data"')[0]
    assert "<b>5</b><span>observed (83.3%)</span>" in page
    for account in data.affinity["account"]:
        assert f"<td class=\"\">{account}</td>" in page
    # the plan: budget 700 buys nano1 (150) and a micro (500); reach counted once
    plan = data.plan
    assert plan is not None and "Plan for a budget of 700" in page
    assert plan.attrs["spent"] <= 700
    assert f"<b>{plan.attrs['reach']:,.0f}</b>" in page
    land = data.landscape  # the influencer landscape replaced the neighbourhood hairball
    assert land.nodes["account"].tolist() == rank(graph, "brand")["account"].tolist()
    assert 'id="gk-land-data"' in page and "Where the audience lives" in page


def test_report_page_is_safe_and_offline(graph):
    page = render_report(report_data(graph, "brand", map_limit=50))
    assert XSS not in page and "\\u003cscript\\u003ealert(1)" in page
    assert "default-src 'none'" in page
    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/json" id="gk-land-data">', "<script>"]
    assert re.findall(r"https?://(?!www\.w3\.org/2000/svg)", page) == []
    assert "<svg" in page and "<rect" in page  # the tier chart is inline


# -- commands -----------------------------------------------------------------------------------


@pytest.fixture
def workspace(make_workspace):
    pairs, observed, accounts = brand_graph()
    return make_workspace(pairs, observed=observed, accounts=accounts)


def test_cli_report(workspace, run_cli, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("report", "brand", "--out", str(out), "--budget", "700", "--top", "3")
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "Audience report: brand" in page and "Plan for a budget of 700" in page
    bad = run_cli("report", "brand", "--out", str(tmp_path / "report.pdf"))
    assert bad.exit_code != 0 and "HTML" in bad.stderr
    missing = run_cli("report", "nobody", "--out", str(out))
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("ext", ["graphml", "gexf", "json", "csv", "parquet", "html"])
def test_cli_export_neighbourhood_every_format(workspace, run_cli, tmp_path, ext):
    from queries.expand import expand

    out = tmp_path / f"hood.{ext}"
    result = run_cli("export", "neighbourhood", "brand", "--hops", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    pairs, observed, accounts = brand_graph()
    members = {"brand"} | {a for a, b in pairs if b == "brand"} | {b for a, b in pairs if a == "brand"}
    edges = {(a, b) for a, b in pairs if a in members and b in members}
    table = expand(workspace.graph, "brand", hops=1, limit=500)
    assert set(table.account) == members
    if ext == "graphml":
        read = nx.read_graphml(out)
    elif ext == "gexf":
        read = nx.read_gexf(out, version="1.3")
    elif ext == "json":
        read = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    elif ext in ("csv", "parquet"):
        reader = pd.read_csv if ext == "csv" else pd.read_parquet
        nodes, links = reader(out), reader(tmp_path / f"hood-edges.{ext}")
        assert set(nodes["account"]) == members
        assert set(zip(links.follower, links.followee)) == edges
        assert nodes.set_index("account").loc["f1", "followers_count"] == 12_000
        return
    else:
        page = out.read_text("utf-8")
        payload = json.loads(re.search(r'id="gk-data">(.*?)</script>', page, re.S).group(1))
        assert set(payload["nodes"]["id"]) == members and len(payload["edges"]["s"]) == len(edges)
        return
    assert set(read.nodes) == members and set(read.edges) == edges
    assert read.nodes["brand"]["hops"] == 0 and read.nodes["f1"]["hops"] == 1
    assert isinstance(read.nodes["f1"]["followers_count"], int)
    ranks = {n: read.nodes[n]["rank"] for n in read.nodes}
    assert sorted(ranks.values()) == list(range(len(members)))
    assert np.all([isinstance(v, int) for v in ranks.values()])


def test_cli_export_neighbourhood_needs_a_known_extension(workspace, run_cli, tmp_path):
    result = run_cli("export", "neighbourhood", "brand", "--out", str(tmp_path / "hood.xlsx"))
    assert result.exit_code == 1 and "export format" in result.stderr
