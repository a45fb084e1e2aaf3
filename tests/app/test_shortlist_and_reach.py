"""The shortlist (a filtered view of rank), hand-picked reach and the reach curve (plan's arithmetic),
checked against rank, plan and set logic on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphkit.errors import ConfigError, QueryError
from queries.audience import audience
from queries.plan import Costs, load_costs, plan
from queries.rank import rank
from queries.reach import reach_curve, selection_reach
from queries.shortlist import candidates, shortlist


@pytest.fixture(scope="module")
def ranked(demo_graph):
    return candidates(demo_graph, "acme")


@pytest.fixture(scope="module")
def full_rank(demo_graph):
    return rank(demo_graph, "acme")


def test_a_tier_filter_keeps_ranks_and_scores(ranked, full_rank):
    table = shortlist(ranked, tiers=["micro"], top=40)
    expected = full_rank[full_rank["tier"] == "micro"].head(40)
    assert table["account"].tolist() == expected["account"].tolist()
    assert table["rank"].tolist() == expected["rank"].tolist()
    np.testing.assert_allclose(table["score"], expected["score"])
    assert table.attrs["matched"] == int((full_rank["tier"] == "micro").sum())
    assert table["audience_share"].tolist() == pytest.approx(
        (expected["audience_count"] / full_rank.attrs["audience_observed"]).tolist())


def test_follow_filters_against_the_graph(demo_graph, ranked):
    brand = demo_graph.id_of("acme")
    follows_brand = set(demo_graph.keys_of(demo_graph.followers(brand)).tolist())
    followed = set(demo_graph.keys_of(demo_graph.following(brand)).tolist())
    everyone = shortlist(ranked, top=None)
    assert followed & set(everyone["account"]) and follows_brand & set(everyone["account"])
    table = shortlist(ranked, exclude_followed=True, brand_followers="exclude", min_audience=20, top=None)
    assert not set(table["account"]) & (followed | follows_brand)
    assert (table["audience_count"] >= 20).all()
    expected = everyone[~everyone["account"].isin(followed | follows_brand) & (everyone["audience_count"] >= 20)]
    assert table["account"].tolist() == expected["account"].tolist()
    only = shortlist(ranked, brand_followers="only", top=None)
    assert set(only["account"]) == follows_brand & set(everyone["account"])


def test_niche_terms_score_and_filter(demo_graph):
    ranked = candidates(demo_graph, "acme", niche="photography")
    table = shortlist(ranked, niche_only=True, top=None)
    reference = rank(demo_graph, "acme", niche="photography")
    matching = reference[reference["niche_overlap"].fillna(0) > 0]
    assert table["account"].tolist() == matching["account"].tolist()
    assert (table["niche_overlap"] > 0).all()
    with pytest.raises(QueryError, match="niche terms"):
        shortlist(candidates(demo_graph, "acme"), niche_only=True)


def test_sort_by_any_column(ranked):
    table = shortlist(ranked, sort="followers_count", top=30)
    everyone = shortlist(ranked, top=None)
    known = everyone.dropna(subset=["followers_count"])
    expected = known.sort_values("followers_count", ascending=False, kind="stable").head(30)
    assert table["account"].tolist() == expected["account"].tolist()
    by_name = shortlist(ranked, sort="account", top=5)
    assert by_name["account"].tolist() == sorted(everyone["account"])[:5]
    reverse = shortlist(ranked, sort="score", ascending=True, top=3)
    assert reverse["account"].tolist() == everyone["account"].tolist()[::-1][:3]
    with pytest.raises(QueryError, match="cannot sort by 'nope'"):
        shortlist(ranked, sort="nope")
    with pytest.raises(QueryError, match="unknown tier 'micr'"):
        shortlist(ranked, tiers=["micr"])


def test_selection_reach_is_the_union_of_audiences(demo_graph):
    picks = ["hike_theo", "theo.trail.59", "thecampnora", "summitwithjade"]
    table = selection_reach(demo_graph, "acme", picks, costs=load_costs())
    observed = set(audience(demo_graph, "acme").observed.tolist())
    seen: set = set()
    for row, key in zip(table.itertuples(), picks):
        members = set(demo_graph.followers(demo_graph.id_of(key)).tolist()) & observed
        assert row.reach == len(members) and row.new_reach == len(members - seen)
        seen |= members
        assert row.cumulative_reach == len(seen)
    assert table.attrs["reach"] == len(seen)
    assert table["cost"].tolist() == [500.0, 2500.0, 2500.0, 500.0]  # micro, mid, mid, micro
    assert table.attrs["spent"] == 6000.0


def test_selection_of_the_plan_reaches_what_the_plan_says(demo_graph):
    for niche in (None, "hiking"):
        planned = plan(demo_graph, "acme", 3000, niche=niche)
        again = selection_reach(demo_graph, "acme", planned["account"].tolist(), costs=load_costs(), niche=niche)
        assert again.attrs["reach"] == pytest.approx(planned.attrs["reach"])
        np.testing.assert_allclose(again["new_reach"].to_numpy(float), planned["new_reach"].to_numpy(float))
        assert again["cumulative_cost"].tolist() == planned["cumulative_cost"].tolist()
    assert planned.attrs["weighted"] and not float(planned.attrs["reach"]).is_integer()


def test_selection_refuses_the_brand_and_unknown_accounts(demo_graph):
    with pytest.raises(QueryError, match="is the brand"):
        selection_reach(demo_graph, "acme", ["acme"])
    with pytest.raises(Exception, match="not in the graph"):
        selection_reach(demo_graph, "acme", ["no_such_account_x"])
    unpriced = selection_reach(demo_graph, "acme", ["cleohike94"], costs=load_costs())  # unknown tier
    assert unpriced.attrs["unpriced"] == ["cleohike94"] and pd.isna(unpriced["cost"].iloc[0])


def test_reach_curve_is_plan_at_each_budget(demo_graph):
    costs = load_costs()
    curve = reach_curve(demo_graph, "acme", [100, 1000, 4000])
    assert curve["budget"].tolist() == [100.0, 1000.0, 4000.0]
    assert curve.iloc[0]["plan_reach"] == 0  # below the cheapest price (150)
    for budget in (1000, 4000):
        table = plan(demo_graph, "acme", budget, costs=costs)
        row = curve[curve["budget"] == budget].iloc[0]
        assert row["plan_reach"] == table.attrs["reach"] and row["naive_reach"] == table.attrs["naive_reach"]
        assert row["plan_accounts"] == len(table)
    with pytest.raises(QueryError, match="positive"):
        reach_curve(demo_graph, "acme", [0, 100])


def test_currency_in_the_cost_file(tmp_path, demo_graph):
    path = tmp_path / "costs.toml"
    path.write_text('currency = "EUR"\n[cost]\nnano = 100\nmicro = 400\n', encoding="utf-8")
    costs = load_costs(path)
    assert costs.currency == "EUR" and costs.money(1234.4) == "1,234 EUR"
    assert plan(demo_graph, "acme", 1000, costs=costs).attrs["currency"] == "EUR"
    path.write_text('currency = 3\n[cost]\nnano = 100\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="currency must be a code or symbol"):
        load_costs(path)
    assert load_costs().currency is None and Costs(tier={}).money(5) == "5"


def test_plan_command_shows_the_currency(run_cli, tmp_path, demo_ws):
    path = tmp_path / "costs.toml"
    path.write_text('currency = "$"\n[cost]\nnano = 150\nmicro = 500\n', encoding="utf-8")
    result = run_cli("plan", "acme", "--budget", "2000", "--costs", str(path), workspace=demo_ws)
    assert result.exit_code == 0
    assert "of $2,000 spent" in result.output and "naive pick" in result.output
