"""rank: hand-worked scores, components against networkx / scipy on wiki-Vote, weights, reliability."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from graphkit.errors import AccountNotFound, ConfigError, QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.rank import DEFAULT_WEIGHTS, load_weights, percentile, rank, resolve_weights, tier_fit

COMPONENT_COLUMNS = {
    "affinity": "affinity_pct", "ppr": "ppr_pct", "niche": "niche_overlap",
    "tier": "tier_fit", "engagement": "engagement_pct",
}


def hand_graph() -> FollowGraph:
    profiles = pd.DataFrame({"key": ["x", "y"], "tags": ["hiking", "baking"], "followers_count": [5_000, 20_000]})
    return FollowGraph.from_pairs(
        [("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y"), ("r", "y")],
        attributes=profiles,
    )


def test_hand_graph_score():
    # x: followed by both audience members, nobody else; y: by one of them and by r.
    # affinity: x's lift_lower 0.342 / 0.793 beats y's 0.095 / 1 -> percentiles 1, 0
    # ppr: x gets mass from f1 and f2, y only from f2 (r gets none) -> 1, 0
    # niche "hiking": x 1, y 0; tier nano: x (5,000) 1, y (20,000, micro) 0.5
    # engagement: no data -> left out; weights .35 .20 .20 .15 rescaled by 1 / 0.9
    table = rank(hand_graph(), "brand", niche="hiking", tiers=["nano"]).set_index("account")
    assert table.index.tolist() == ["x", "y"]
    assert table.loc["x", "score"] == pytest.approx(1.0)
    assert table.loc["y", "score"] == pytest.approx(0.15 * 0.5 / 0.9)
    assert table.loc["x", "lift_lower"] == pytest.approx(0.4315, abs=1e-4)
    assert table.loc["y", "lift_lower"] == pytest.approx(0.0945, abs=1e-4)
    assert table["engagement_pct"].isna().all()
    assert table.attrs["weights"] == pytest.approx({"affinity": 0.35 / 0.9, "ppr": 0.2 / 0.9,
                                                    "niche": 0.2 / 0.9, "tier": 0.15 / 0.9})
    assert "engagement not used" in table.attrs["note"]


def test_two_of_three_vs_400_of_2000_in_rank():
    pairs = [(f"a{i}", "brand") for i in range(2000)] + [(f"r{i}", "filler") for i in range(2000)]
    pairs += [(f"a{i}", "big") for i in range(400)] + [(f"r{i}", "big") for i in range(250)]
    pairs += [("a0", "tiny"), ("a1", "tiny"), ("r0", "tiny")]
    table = rank(FollowGraph.from_pairs(pairs), "brand", weights={"ppr": 0})
    assert table["account"].tolist() == ["big", "tiny"]
    assert table["affinity_pct"].tolist() == [1.0, 0.0]


@pytest.fixture(scope="module")
def wiki_rank(snap_graph):
    graph = snap_graph("wiki-vote")
    return graph, rank(graph, "4037", explain=True, top=None)


def test_ppr_component_equals_networkx(wiki_rank, shared_data):
    graph, table = wiki_rank
    g = nx.read_edgelist(shared_data / "snap/wiki-vote/Wiki-Vote.txt", create_using=nx.DiGraph, nodetype=str)
    audience = [f for f in g.predecessors("4037")]
    expected = nx.pagerank(g, alpha=0.85, personalization={f: 1.0 for f in audience}, tol=1e-12, max_iter=1000)
    got = dict(zip(table["account"], table["ppr"]))
    assert len(got) > 500
    for account, value in got.items():
        assert value == pytest.approx(expected[account], abs=1e-9)


def test_percentile_components_and_score_on_wiki_vote(wiki_rank):
    _, table = wiki_rank
    for raw, column in (("lift_lower", "affinity_pct"), ("ppr", "ppr_pct")):
        r = rankdata(table[raw].astype(float), method="average")
        assert table[column].astype(float).to_numpy() == pytest.approx((r - 1) / (len(r) - 1))
    weights = table.attrs["weights"]
    assert set(weights) == {"affinity", "ppr"}  # wiki-Vote has no profiles
    recomputed = sum(w * table[COMPONENT_COLUMNS[c]].astype(float) for c, w in weights.items())
    assert table["score"].to_numpy() == pytest.approx(recomputed.to_numpy())
    order = table.sort_values(["score", "audience_count", "account"], ascending=[False, False, True])
    assert table["account"].tolist() == order["account"].tolist()


def test_explain_lists_audience_followers(wiki_rank, shared_data):
    graph, table = wiki_rank
    follows: dict[str, set[str]] = {}
    for line in (shared_data / "snap/wiki-vote/Wiki-Vote.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")
            follows.setdefault(a, set()).add(b)
    indegree: dict[str, int] = {}
    for out in follows.values():
        for b in out:
            indegree[b] = indegree.get(b, 0) + 1
    audience = {a for a, out in follows.items() if "4037" in out}
    for account, text in zip(table["account"][:40], table["followed_by"][:40]):
        behind = sorted((f for f in audience if account in follows[f]), key=lambda f: (-indegree.get(f, 0), f))
        expected = ", ".join(behind[:3]) + (f" +{len(behind) - 3:,} more" if len(behind) > 3 else "")
        assert text == expected


def test_percentile_brute_force():
    values = np.array([3.0, 1.0, np.nan, 3.0, 2.0, 5.0, 3.0])
    known = values[~np.isnan(values)]
    expected = []
    for v in values:
        if np.isnan(v):
            expected.append(0.0)
            continue
        below = (known < v).sum()
        ties = (known == v).sum()
        expected.append((below + (ties - 1) / 2) / (len(known) - 1))
    assert percentile(values).tolist() == pytest.approx(expected)
    assert percentile(np.array([np.nan, 7.0])).tolist() == [0.0, 1.0]
    assert percentile(np.array([])).tolist() == []


def test_tier_fit_with_a_custom_scheme():
    scheme = TierScheme(("small", "medium", "large", "huge"), (0, 100, 1000, 10_000))
    fit = tier_fit(["small", "medium", "large", "huge", "unknown"], ["small", "huge"], scheme)
    assert fit.tolist() == [1.0, 0.5, 0.5, 1.0, 0.0]


def test_strict_tier_and_filters():
    table = rank(hand_graph(), "brand", tiers=["nano"], strict_tier=True)
    assert table["account"].tolist() == ["x"]
    with pytest.raises(QueryError, match="no account to rank: none is followed by at least 1 of the audience and in tier mega"):
        rank(hand_graph(), "brand", tiers=["mega"], strict_tier=True)
    with pytest.raises(QueryError, match="--strict-tier needs"):
        rank(hand_graph(), "brand", strict_tier=True)


def test_keep_tiers_filters_without_scoring_the_tier():
    # --tier filters (as in every command); the preference is --prefer-tier (tiers=)
    kept = rank(hand_graph(), "brand", keep_tiers=["nano"])
    assert kept["account"].tolist() == ["x"]
    assert kept["tier_fit"].isna().all() and "tier" not in kept.attrs["weights"]
    both = rank(hand_graph(), "brand", keep_tiers=["nano", "micro"], tiers=["micro"])
    assert set(both["account"]) == {"x", "y"} and "tier" in both.attrs["weights"]
    with pytest.raises(QueryError, match="and in tier mega"):
        rank(hand_graph(), "brand", keep_tiers=["mega"])


# -- weights -------------------------------------------------------------------------------------
def test_weights_file_and_overrides(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text("# ours\n[weights]\naffinity = 1\nniche = 0.5\n")
    assert load_weights(path) == {"affinity": 1.0, "niche": 0.5}
    weights = resolve_weights(path, ["niche=2", "engagement=0"])
    assert weights == {**DEFAULT_WEIGHTS, "affinity": 1.0, "niche": 2.0, "engagement": 0.0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[weights]\nreach = 1\n", "unknown score component 'reach'"),
        ("[weights]\nniche = -1\n", "must be a number >= 0"),
        ("[weights]\nniche = 'a lot'\n", "must be a number >= 0"),
        ("affinity = 1\n", "needs a \\[weights\\] table"),
        ("[weights\n", "not valid TOML"),
    ],
)
def test_bad_weights_files(tmp_path, text, message):
    path = tmp_path / "w.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_weights(path)


def test_missing_weights_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the weights file"):
        load_weights(tmp_path / "nope.toml")


def test_weights_change_the_order():
    graph = FollowGraph.from_pairs(
        [("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y"), ("r", "y")],
        attributes=pd.DataFrame({"key": ["x", "y"], "tags": ["baking", "hiking"]}),
    )
    assert rank(graph, "brand", niche="hiking")["account"].tolist() == ["x", "y"]
    only_niche = rank(graph, "brand", niche="hiking", weights={"affinity": 0, "ppr": 0})
    assert only_niche["account"].tolist() == ["y", "x"]
    assert only_niche.attrs["weights"] == {"niche": 1.0}


# -- reliability ------------------------------------------------------------------------------------
def test_graph_without_profiles_says_which_components_are_left_out():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x"), ("r", "x"), ("r", "y")])
    table = rank(graph, "brand", niche="hiking", tiers=["nano"])
    note = table.attrs["note"]
    assert "niche not used: no candidate has tags" in note
    assert "tier fit not used: no candidate has a declared followers_count" in note
    assert "engagement not used" in note
    assert table["score"].notna().all() and not table.empty
    for column in ("niche_overlap", "tier_fit", "engagement_pct"):
        assert table[column].isna().all()
    with pytest.raises(QueryError, match="every available score component has weight 0"):
        rank(graph, "brand", weights={"affinity": 0, "ppr": 0})


def test_no_baseline_uses_the_audience_share():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y")])
    table = rank(graph, "brand")
    assert table["account"].tolist() == ["x", "y"]
    assert "no baseline" in table.attrs["note"] and "audience share's lower bound" in table.attrs["note"]


def test_unknown_brand_and_empty_audience():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x")], observed=[])
    with pytest.raises(AccountNotFound):
        rank(graph, "nobody")
    with pytest.raises(QueryError, match="none of 'brand''s 1 followers is observed"):
        rank(graph, "brand")
    with pytest.raises(QueryError, match="no usable term"):
        rank(graph, "brand", niche=",,")


def test_cli_rank(tmp_path, run_cli):
    edges = tmp_path / "edges.csv"
    edges.write_text("follower,followee\nf1,brand\nf2,brand\nf1,x\nf2,x\nf2,y\nr,y\n")
    profiles = tmp_path / "profiles.csv"
    profiles.write_text("username,followers,tags\nx,5000,hiking\ny,20000,baking\n")
    weights = tmp_path / "w.toml"
    weights.write_text("[weights]\nppr = 0\n")
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    assert run_cli("load", "profiles", str(profiles)).exit_code == 0
    result = run_cli("rank", "brand", "--niche", "hiking", "--prefer-tier", "nano", "--weights", str(weights),
                     "--component-weight", "tier=0.35", "--explain", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "rank,account,score,affinity_pct,ppr_pct,niche_overlap,tier_fit,engagement_pct,audience_count,"
        "lift_lower,ppr,tier,followers_count,engagement_rate,followed_by"
    )
    first = lines[1].split(",")
    assert first[:2] == ["1", "x"] and float(first[2]) == pytest.approx(1.0)
    assert lines[1].endswith('"f1, f2"')
    assert "score = 0.39·affinity + 0.22·niche + 0.39·tier" in result.stderr
    result = run_cli("rank", "brand", "-W", "reach=1")
    assert result.exit_code == 1 and "unknown score component 'reach'" in result.stderr


def test_empty_graph():
    with pytest.raises(QueryError, match="the workspace is empty"):
        rank(FollowGraph.from_pairs([]), "brand")
