"""Overview numbers, crawl progress from the crawlers' state, the account card, profile links,
the glossary's headings and the XLSX download."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from graphkit.graph import FollowGraph
from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from queries.account_card import account_card
from queries.affinity import affinity
from queries.glossary import COLUMNS, describe, format_column
from queries.landscape import landscape
from queries.lookalikes import lookalikes
from queries.overview import (
    audience_summary,
    brand_index,
    brand_search,
    crawl_progress,
    workspace_sources,
)
from queries.plan import plan
from queries.profile_links import profile_url, workspace_platform
from queries.rank import rank
from queries.shortlist import candidates, shortlist
from queries.xlsx import xlsx_bytes


def test_the_margin_of_error_is_affinitys(demo_graph):
    # one implementation (queries.sample_size): the overview says what affinity's header says
    s = audience_summary(demo_graph, "acme")
    attrs = affinity(demo_graph, "acme").attrs
    assert s["margin_of_error"] == attrs["share_margin"] and s["confidence"] == attrs["confidence"]
    assert s["margin_population"] == attrs["share_margin_population"] == s["followers_count"] == 184_000
    n, big_n = 1557, 184_000  # worst case, finite-population corrected with the declared count
    assert s["margin_of_error"] == pytest.approx(1.96 * math.sqrt(0.25 / n) * math.sqrt((big_n - n) / (big_n - 1)))
    assert s["sample_warning"] is None
    small = pd.DataFrame({"key": ["brand"], "followers_count": [None]})
    g = FollowGraph.from_pairs([(f"f{i}", "brand") for i in range(12)] + [("f0", "x"), ("f1", "x")],
                               observed=["f0", "f1"], attributes=small)
    s = audience_summary(g, "brand")
    assert s["margin_population"] is None and s["margin_of_error"] == pytest.approx(1.96 * math.sqrt(0.25 / 2))
    assert s["sample_warning"].startswith("only 2 of 12 followers are observed")
    s = audience_summary(FollowGraph.from_pairs([("f0", "brand"), ("x", "y")], observed=["x"]), "brand")
    assert s["observed"] == 0 and s["margin_of_error"] is None


def test_audience_summary_and_brand_search(demo_graph):
    s = audience_summary(demo_graph, "acme")
    assert (s["followers"], s["observed"]) == (2115, 1557)
    assert s["observed_share"] == pytest.approx(1557 / 2115)
    index = brand_index(demo_graph)
    assert index["account"].iloc[0] == "acme"  # the most observed followers
    assert (index["followers"] > 0).all()
    found = brand_search(index, "@ACM")
    assert found["account"].iloc[0] == "acme" and all("acm" in a for a in found["account"])
    assert brand_search(index, "zzzz-none").empty
    assert brand_search(index, "", limit=3)["account"].tolist() == index["account"].head(3).tolist()


def test_crawl_progress_and_sources_come_from_the_workspace(tmp_path):
    # the crawlers' documents (crawl:<platform>, loaders.crawl.crawl_documents), one item per job
    ws = Workspace(tmp_path / "ws")
    progress = {"requests_done": 7, "requests_planned": 9, "lists_done": 3, "lists_planned": 4, "retries": 1,
                "rate_limit_waits": 0, "skipped": 2, "accounts": 40, "follows": 300}
    jobs = {"followers acme": {"command": "followers", "targets": ["acme"], "stage": "lists",
                               "started": "2026-03-01T10:00:00Z", "updated": "2026-03-01T10:05:00Z",
                               "finished": None, "progress": progress},
            "profiles acme": {"command": "profiles", "targets": ["acme"], "stage": "done",
                              "started": "2026-02-01T10:00:00Z", "updated": "2026-02-01T10:01:00Z",
                              "finished": "2026-02-01T10:01:00Z", "progress": {}}}
    ws.commit([SourceTables.from_pairs("x.csv", [("a", "b")])],
              meta={"crawl:bluesky": {"platform": "bluesky", "jobs": jobs}, "other/thing": {"progress": 1}})
    workspace = Workspace(tmp_path / "ws")
    found = crawl_progress(workspace)
    assert [(c["platform"], c["job"]) for c in found] == [("bluesky", "followers acme"), ("bluesky", "profiles acme")]
    assert found[0]["progress"] == progress and found[0]["finished"] is None and found[0]["stage"] == "lists"
    assert found[0]["text"] == "lists 3 of 4 (75%), requests 7 of 9, 1 retry, 2 skipped"
    assert found[1]["finished"] and found[1]["text"] == "no progress recorded yet"
    sources = workspace_sources(workspace)
    assert sources["path"].tolist() == ["x.csv"] and sources["loaded_at"].notna().all()


def test_account_card_explains_the_rank(demo_graph):
    ranked = candidates(demo_graph, "acme").table
    card = account_card(demo_graph, "acme", "hike_theo", ranked=ranked, plan_accounts=["theo.trail.59"],
                        platform="instagram")
    row = rank(demo_graph, "acme").set_index("account").loc["hike_theo"]
    assert card.ranking["score"] == pytest.approx(row["score"])
    assert card.ranking["affinity_pct"] == pytest.approx(row["affinity_pct"])
    counts = affinity(demo_graph, "acme").set_index("account")
    assert card.audience_count == counts.loc["hike_theo", "audience_count"]
    assert card.profile_url == "https://www.instagram.com/hike_theo/"
    assert card.tier == "micro"
    pd.testing.assert_frame_equal(card.lookalikes, lookalikes(demo_graph, "hike_theo", top=8))
    # overlap with the plan, by set logic
    observed = set(np.asarray(demo_graph.followers(demo_graph.id_of("acme"))).tolist()) & set(
        np.flatnonzero(demo_graph.observed).tolist())
    mine = set(demo_graph.followers(demo_graph.id_of("hike_theo")).tolist()) & observed
    theirs = set(demo_graph.followers(demo_graph.id_of("theo.trail.59")).tolist()) & observed
    assert card.plan_overlap["shared_with_plan"] == len(mine & theirs)
    assert card.plan_overlap["new_reach"] == len(mine - theirs)
    assert account_card(demo_graph, "acme", "hike_theo").profile_url is None
    assert "not among" in account_card(demo_graph, "acme", "hike_theo", ranked=ranked.head(3)).notes[0]


def test_profile_links():
    assert profile_url("trail.journal", "tiktok") == "https://www.tiktok.com/@trail.journal"
    assert profile_url("<script>", "instagram") == "https://www.instagram.com/%3Cscript%3E/"
    assert workspace_platform(["instagram-json", "x-archive"]) is None
    assert workspace_platform(["edge-csv"]) is None
    assert workspace_platform(["instagram-json", "edge-csv", "instagram-json"]) == "instagram"


def test_every_column_people_see_has_a_heading_and_an_explanation(demo_graph):
    tables = [
        rank(demo_graph, "acme", niche="hiking", tiers=["micro"], top=5),
        affinity(demo_graph, "acme", top=5),
        plan(demo_graph, "acme", 2000),
        shortlist(candidates(demo_graph, "acme"), top=5),
        lookalikes(demo_graph, "hike_theo", top=3),
    ]
    land = landscape(demo_graph, "acme", top=60)
    tables += [land.nodes.drop(columns=["x", "y"]), land.clusters]
    for table in tables:
        for column in table.columns:
            assert column in COLUMNS, column
            assert describe(column).explanation and describe(column).heading != column


def test_one_format_per_column():
    assert format_column(pd.Series([1.0, 2.5]), "new_reach") == ["1.0", "2.5"]
    assert format_column(pd.Series([1.0, 2.0]), "new_reach") == ["1", "2"]
    assert format_column(pd.Series([0.12345, None]), "audience_share") == ["12.3%", ""]
    assert format_column(pd.Series([2500.0]), "cost", currency="€") == ["€2,500"]


def test_xlsx_holds_exactly_the_table_with_human_headings(demo_graph):
    import openpyxl

    table = shortlist(candidates(demo_graph, "acme"), tiers=["micro"], top=20)
    table.loc[0, "account"] = "=HYPERLINK(\"http://x\")"
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, sheet="shortlist")))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [describe(c).heading for c in table.columns]
    assert len(rows) == len(table) + 1
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == table.loc[0, "account"]
    for r, record in enumerate(table.astype(object).itertuples(index=False), start=1):
        for value, cell in zip(record, rows[r]):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                assert cell is None
            elif isinstance(value, float):
                assert cell == pytest.approx(value)
            else:
                assert str(cell) == str(value)
    share = list(table.columns).index("audience_share")
    assert sheet.cell(row=2, column=share + 1).number_format == "0.0%"
    assert sheet.cell(row=1, column=share + 1).comment.text == describe("audience_share").explanation
