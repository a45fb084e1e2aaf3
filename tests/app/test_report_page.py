"""The report for people (issue 12, item 13; issue 15): human headings, one format per column,
linked handles, the currency, plan and naive pick stacked, fractional reach explained, empty
columns left out with a reason, and the landscape instead of the hairball."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from graphkit.graph import FollowGraph
from queries.glossary import describe
from queries.plan import Costs
from queries.report import render_report, report_data


def visible(page: str) -> str:
    """The page without its scripts (what a reader sees)."""
    return re.sub(r"<script.*?</script>", "", page, flags=re.S)


def headings(page: str) -> list[list[str]]:
    return [re.findall(r"<th[^>]*>(.*?)</th>", head) for head in re.findall(r"<thead>(.*?)</thead>", page)]


@pytest.fixture(scope="module")
def page_with_plan(demo_graph):
    costs = Costs(tier={"nano": 150.0, "micro": 500.0}, currency="EUR")
    data = report_data(demo_graph, "acme", budget=2000, costs=costs, niche="hiking", top=8, map_limit=150,
                       platform="instagram")
    return data, render_report(data)


def test_human_headings_with_explanations(page_with_plan):
    data, page = page_with_plan
    shown = visible(page)
    for machine in ("lift_lower", "tier_fit", "audience_count", "cumulative_share", "affinity_pct"):
        assert f">{machine}<" not in shown
    tables = headings(shown)
    assert ["#", "Account", "Tier", "Followers", "Audience followers", "Audience share", "Baseline share",
            "Lift", "Cautious lift"] in tables
    assert f'title="{describe("lift_lower").explanation}"' in shown


def test_handles_link_to_profiles_and_money_has_the_currency(page_with_plan, demo_graph):
    data, page = page_with_plan
    first = data.affinity["account"].iloc[0]
    assert f'<a href="https://www.instagram.com/{first}/" rel="noopener noreferrer">{first}</a>' in page
    assert "Plan for a budget of 2,000 EUR" in page and ">150 EUR<" in page
    plain = render_report(report_data(demo_graph, "acme", top=3, map_limit=50))
    assert "instagram.com" not in visible(plain)


def test_plan_and_naive_are_stacked_and_fractional_reach_is_explained(page_with_plan):
    data, page = page_with_plan
    shown = visible(page)
    assert "gk-compare" not in shown
    assert shown.index("<h3>The plan</h3>") < shown.index("<h3>The naive pick</h3>")
    assert data.plan.attrs["weighted"]
    assert "Reach is fractional: with niche terms each reached follower counts 1 + its niche overlap" in shown
    # one format per column: every reach cell of the plan has one decimal
    plan_table = shown.split("<h3>The plan</h3>")[1].split("<h3>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", plan_table.split("<tbody>")[1])
    reach_cells = [re.findall(r"<td[^>]*>(.*?)</td>", row)[4] for row in rows]
    assert reach_cells and all(re.fullmatch(r"[\d,]+\.\d", cell) for cell in reach_cells)


def test_empty_columns_are_left_out_with_one_sentence():
    pairs = [(f"f{i}", "brand") for i in range(5)] + [(f"f{i}", x) for i in range(5) for x in ("a", "b")]
    page = render_report(report_data(FollowGraph.from_pairs(pairs), "brand", map_limit=10))
    shown = visible(page)
    assert "Followers" not in [h for table in headings(shown) for h in table]
    assert "Followers is left out: no profile with these values is loaded (graphkit load profiles FILE)" in shown
    assert "Lift, Cautious lift are left out: there is no baseline to compare with" in shown
    assert "Niche fit is left out: no --niche terms were given" in shown


def test_the_landscape_replaces_the_neighbourhood_map(page_with_plan):
    data, page = page_with_plan
    assert "Neighbourhood map" not in page and 'id="gk-data"' not in page
    assert data.landscape.n_nodes == 150
    assert "Where the audience lives: the influencer landscape" in page
    assert "worker-src blob:" in page and re.findall(r"https?://(?!www\.w3\.org/2000/svg|www\.instagram\.com)",
                                                      visible(page)) == []
    clusters = data.landscape.clusters
    for label in clusters["label"]:
        assert label in page


def test_hostile_profile_text_is_escaped_everywhere():
    bio = "<img src=x onerror=alert(1)>"
    pairs = [(f"f{i}", "brand") for i in range(5)] + [(f"f{i}", x) for i in range(5) for x in ("a", "b")]
    attrs = pd.DataFrame({"key": ["a", "b"], "bio": [bio, "fine"], "display_name": ["<b>A</b>", "B"],
                          "followers_count": [20_000, 30_000]})
    page = render_report(report_data(FollowGraph.from_pairs(pairs, attributes=attrs), "brand", map_limit=10))
    assert bio not in page and "<b>A</b>" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


def test_the_margin_of_error_and_the_small_sample_warning_are_affinitys(page_with_plan):
    # one implementation (queries.sample_size): the report's card is affinity's header number
    data, page = page_with_plan
    attrs = data.affinity.attrs
    assert f"<b>± {attrs['share_margin'] * 100:.1f} pts</b><span>margin of error of a share (95%)</span>" in page
    assert f"corrected for {attrs['share_margin_population']:,} followers in all" in page
    assert "followers are observed (fewer than 30)" not in page
    pairs = [(f"f{i}", "brand") for i in range(5)] + [(f"f{i}", x) for i in range(5) for x in ("a", "b")]
    small = report_data(FollowGraph.from_pairs(pairs), "brand", map_limit=10)
    shown = visible(render_report(small))
    assert small.affinity.attrs["sample_warning"]
    assert '<p class="gk-note">Only 5 of 5 followers are observed (fewer than 30): shares and lifts' in shown
