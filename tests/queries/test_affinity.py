"""affinity with baselines: pandas references on wiki-Vote, hand-worked graphs, reliability."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.affinity import affinity, wilson_bounds

Z = 1.96


# -- independent references ----------------------------------------------------------------
def wilson_by_roots(p_hat: float, n: float, z: float = Z) -> tuple[float, float]:
    """Both ends of the Wilson interval: the roots p of (p_hat - p)^2 = z^2 p (1 - p) / n."""
    a = n + z * z
    b = -(2 * n * p_hat + z * z)
    c = n * p_hat * p_hat
    disc = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return max((-b - disc) / (2 * a), 0.0), min((-b + disc) / (2 * a), 1.0)


def read_edges(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", comment="#", header=None, names=["follower", "followee"], dtype=str)


def pandas_affinity(edges: pd.DataFrame, brand: str, members: set[str], weights=None) -> pd.DataFrame:
    """Audience and baseline figures with groupby; every source of an edge list is observed."""
    observed = set(edges["follower"])
    audience = set(edges.loc[edges.followee == brand, "follower"]) & observed
    w = weights if weights is not None else pd.Series(1.0, index=sorted(observed))

    def side(people: set[str], prefix: str) -> pd.DataFrame:
        rows = edges[edges.follower.isin(people) & (edges.followee != brand)]
        count = rows.groupby("followee").size().rename(f"{prefix}_count")
        mass = rows.assign(w=rows.follower.map(w)).groupby("followee")["w"].sum()
        total = w[sorted(people)].sum()
        share = (mass / total).rename(f"{prefix}_share")
        n_eff = total**2 / (w[sorted(people)] ** 2).sum()
        return pd.concat([count, share], axis=1), n_eff, len(people)

    aud, n_eff, _ = side(audience, "audience")
    base, m_eff, m = side(members, "baseline")
    table = aud.join(base, how="left").fillna({"baseline_count": 0, "baseline_share": 0.0})
    table["affinity"] = table.audience_share / table.baseline_share.clip(lower=0.5 / m)
    lower = table.audience_share.map(lambda p: wilson_by_roots(p, n_eff)[0])
    upper = table.baseline_share.map(lambda p: wilson_by_roots(p, m_eff)[1])
    table["lift_lower"] = lower / upper.clip(lower=0.5 / m)
    table.index.name = "account"
    return table.reset_index()


def sorted_like_graphkit(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return table.sort_values([column, "audience_count", "account"], ascending=[False, False, True])


@pytest.fixture(scope="module")
def wiki(snap_graph, shared_data):
    return snap_graph("wiki-vote"), read_edges(shared_data / "snap/wiki-vote/Wiki-Vote.txt")


# -- wiki-Vote against pandas ----------------------------------------------------------------
@pytest.mark.parametrize("brand", ["4037", "2565"])
def test_rest_baseline_equals_pandas_on_wiki_vote(wiki, brand):
    graph, edges = wiki
    observed = set(edges["follower"])
    rest = observed - set(edges.loc[edges.followee == brand, "follower"]) - {brand}
    expected = sorted_like_graphkit(pandas_affinity(edges, brand, rest), "lift_lower")
    got = affinity(graph, brand)
    assert got.attrs["baseline_size"] == len(rest)
    assert len(got) == len(expected) > 100
    assert got["account"].tolist() == expected["account"].tolist()
    assert got["audience_count"].tolist() == expected["audience_count"].tolist()
    assert got["baseline_count"].tolist() == expected["baseline_count"].astype(int).tolist()
    for column in ("audience_share", "baseline_share", "affinity", "lift_lower"):
        assert got[column].astype(float).tolist() == pytest.approx(expected[column].tolist(), rel=1e-9)
    assert got.attrs["note"] is None


def test_reference_account_baseline_equals_pandas(wiki):
    graph, edges = wiki
    reference = "2565"
    members = set(edges.loc[edges.followee == reference, "follower"]) - {"4037"}
    expected = sorted_like_graphkit(pandas_affinity(edges, "4037", members), "affinity")
    got = affinity(graph, "4037", baseline=reference, sort="lift")
    assert got.attrs["baseline"] == reference and got.attrs["baseline_size"] == len(members)
    assert got["account"].tolist() == expected["account"].tolist()
    assert got["affinity"].astype(float).tolist() == pytest.approx(expected["affinity"].tolist(), rel=1e-9)


def test_mass_follower_weights_equal_pandas(wiki):
    graph, edges = wiki
    out_degree = edges.groupby("follower").size()
    # N: the observed accounts, i.e. every follower of the edge list
    weights = np.log1p(edges["follower"].nunique() / out_degree.clip(lower=1))
    brand = "4037"
    rest = set(edges["follower"]) - set(edges.loc[edges.followee == brand, "follower"]) - {brand}
    expected = sorted_like_graphkit(pandas_affinity(edges, brand, rest, weights), "lift_lower")
    got = affinity(graph, brand, weight="mass-followers")
    assert got.attrs["weight_population"] == edges["follower"].nunique() < graph.n_accounts
    assert got["account"].tolist() == expected["account"].tolist()
    assert got["audience_count"].tolist() == expected["audience_count"].tolist()
    for column in ("audience_share", "baseline_share", "lift_lower"):
        assert got[column].astype(float).tolist() == pytest.approx(expected[column].tolist(), rel=1e-9)
    # weighting changes the shares: the sort by share is no longer the sort by count
    by_share = affinity(graph, brand, weight="mass-followers", sort="share")
    assert by_share["account"].tolist() != affinity(graph, brand, sort="count")["account"].tolist()


def test_wilson_bounds_are_the_roots_of_the_score_equation():
    shares = np.array([0.0, 0.001, 0.2, 2 / 3, 1.0])
    sizes = np.array([10.0, 2000.0, 2000.0, 3.0, 7.0])
    low, high = wilson_bounds(shares, sizes)
    for p, n, lo, hi in zip(shares, sizes, low, high):
        assert (lo, hi) == pytest.approx(wilson_by_roots(p, n), abs=1e-12)
        assert lo <= p <= hi


# -- hand-worked graphs -----------------------------------------------------------------------
def small_graph() -> FollowGraph:
    return FollowGraph.from_pairs([
        ("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y"),
        ("r1", "y"), ("r2", "y"), ("r2", "x"),
    ])


def test_small_graph_by_hand():
    # audience {f1, f2}: x 2/2, y 1/2; rest {r1, r2}: x 1/2, y 2/2
    table = affinity(small_graph(), "brand", sort="lift").set_index("account")
    assert table.loc["x", ["audience_count", "baseline_count"]].tolist() == [2, 1]
    assert table.loc["x", "affinity"] == pytest.approx(2.0)
    assert table.loc["y", "affinity"] == pytest.approx(0.5)
    assert "brand" not in table.index
    assert table.attrs["baseline_size"] == 2


def test_small_graph_mass_followers_by_hand():
    # 4 observed accounts (f1, f2, r1, r2); follows: f1 2, f2 3, r1 1, r2 2  ->  w = ln(1 + 4/d)
    w_f1, w_f2, w_r1, w_r2 = math.log(3), math.log(1 + 4 / 3), math.log(5), math.log(3)
    table = affinity(small_graph(), "brand", weight="mass-followers").set_index("account")
    assert table.loc["y", "audience_share"] == pytest.approx(w_f2 / (w_f1 + w_f2))
    assert table.loc["x", "baseline_share"] == pytest.approx(w_r2 / (w_r1 + w_r2))
    assert table.loc["x", "affinity"] == pytest.approx((w_r1 + w_r2) / w_r2)
    assert table.loc["y", "audience_count"] == 1  # counts stay plain counts


def two_of_three_vs_400_of_2000() -> FollowGraph:
    """2,000 observed followers of the brand and 2,000 other observed accounts.

    big: followed by 400 of the 2,000 audience members and 250 of the 2,000 others
    (shares 0.2 vs 0.125, lift 1.6); tiny: followed by 3 observed accounts, 2 of them in
    the audience (shares 0.001 vs 0.0005, lift 2.0).
    """
    pairs = [(f"a{i}", "brand") for i in range(2000)]
    pairs += [(f"r{i}", "filler") for i in range(2000)]
    pairs += [(f"a{i}", "big") for i in range(400)] + [(f"r{i}", "big") for i in range(250)]
    pairs += [("a0", "tiny"), ("a1", "tiny"), ("r0", "tiny")]
    return FollowGraph.from_pairs(pairs)


def test_two_of_three_does_not_outrank_400_of_2000():
    graph = two_of_three_vs_400_of_2000()
    by_lift = affinity(graph, "brand", sort="lift")
    assert by_lift["account"].tolist() == ["tiny", "big"]  # the raw lift is fooled
    assert by_lift["affinity"].astype(float).tolist() == pytest.approx([2.0, 1.6])
    table = affinity(graph, "brand")  # default: lift-lower
    assert table.attrs["sort"] == "lift-lower"
    assert table["account"].tolist() == ["big", "tiny"]
    lower = dict(zip(table["account"], table["lift_lower"].astype(float)))
    # worked by hand: big 0.18305 / 0.14022, tiny 0.0002744 / 0.0028268
    assert lower["big"] == pytest.approx(1.3055, abs=2e-3)
    assert lower["tiny"] == pytest.approx(0.0971, abs=1e-3)


def test_population_baseline_by_hand():
    attrs = pd.DataFrame({"key": ["x"], "followers_count": [1000]})
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x"), ("f1", "y")], attributes=attrs)
    table = affinity(graph, "brand", population=1_000_000, sort="lift").set_index("account")
    assert table.loc["x", "baseline_count"] == 1000
    assert table.loc["x", "baseline_share"] == pytest.approx(0.001)
    assert table.loc["x", "affinity"] == pytest.approx(1000.0)
    assert table.loc["y", ["baseline_share", "affinity", "lift_lower"]].isna().all()
    assert "1 of 2 accounts have no declared followers_count" in table.attrs["note"]
    assert table.index.tolist() == ["x", "y"]  # the unknown lift sorts last


def test_population_smaller_than_a_follower_count_is_refused():
    attrs = pd.DataFrame({"key": ["x"], "followers_count": [5000]})
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x")], attributes=attrs)
    with pytest.raises(QueryError, match="smaller than the declared followers_count of 'x'"):
        affinity(graph, "brand", population=1000)


def test_ties_are_broken_by_account():
    graph = FollowGraph.from_pairs([("f", "brand"), ("f", "c"), ("f", "a"), ("f", "b"), ("r", "zz")])
    for sort in ("lift-lower", "lift", "share", "count"):
        assert affinity(graph, "brand", sort=sort)["account"].tolist() == ["a", "b", "c"]


# -- no baseline, reliability ------------------------------------------------------------------
def test_no_rest_left_gives_empty_columns_and_a_note():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y")])
    table = affinity(graph, "brand")
    assert table["account"].tolist() == ["x", "y"]
    for column in ("baseline_count", "baseline_share", "affinity", "lift_lower"):
        assert table[column].isna().all()
    assert table["audience_share"].notna().all()
    assert "no baseline: every observed account other than 'brand' follows it" in table.attrs["note"]
    assert "ranked by audience_share" in table.attrs["note"]


def test_reference_without_observed_followers_gives_a_note():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x"), ("u", "comp")], observed=["f1"])
    table = affinity(graph, "brand", baseline="comp")
    assert table["affinity"].isna().all()
    assert "none of 'comp''s 1 followers is observed" in table.attrs["note"]


def test_population_without_profiles_gives_a_note():
    table = affinity(small_graph(), "brand", population=10_000)
    assert table["baseline_share"].isna().all() and len(table) == 2
    assert "no account has a declared followers_count" in table.attrs["note"]


def test_reference_errors():
    graph = small_graph()
    with pytest.raises(QueryError, match="is the brand itself"):
        affinity(graph, "brand", baseline="@Brand")
    with pytest.raises(AccountNotFound, match="did you mean 'r1'"):
        affinity(graph, "brand", baseline="r11")
    with pytest.raises(QueryError, match="not both"):
        affinity(graph, "brand", baseline="r1", population=10)


def test_unknown_brand_and_unobserved_audience():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x")], observed=[])
    with pytest.raises(AccountNotFound, match="did you mean 'brand'"):
        affinity(graph, "brnad")
    with pytest.raises(QueryError, match="none of 'brand''s 1 followers is observed"):
        affinity(graph, "brand")
    with pytest.raises(QueryError, match="'f1' has no followers in the graph"):
        affinity(graph, "f1")


def test_empty_result_says_why():
    table = affinity(small_graph(), "brand", tiers=["mega"])
    assert table.empty
    assert "in tier mega" in table.attrs["note"]


def test_bad_options():
    graph = small_graph()
    with pytest.raises(QueryError, match="unknown sort"):
        affinity(graph, "brand", sort="score")
    with pytest.raises(QueryError, match="unknown weight"):
        affinity(graph, "brand", weight="idf")
    with pytest.raises(QueryError, match="population"):
        affinity(graph, "brand", population=0)


# -- CLI -----------------------------------------------------------------------------------------
@pytest.fixture
def small_workspace(tmp_path, run_cli):
    edges = tmp_path / "edges.csv"
    edges.write_text("follower,followee\nf1,brand\nf2,brand\nf1,x\nf2,x\nf2,y\nr1,y\nr2,y\nr2,x\n")
    result = run_cli("load", "edges", str(edges))
    assert result.exit_code == 0, result.output
    return run_cli


def test_cli_affinity_columns_and_notes(small_workspace):
    result = small_workspace("affinity", "brand", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "rank,account,audience_count,audience_share,baseline_count,baseline_share,affinity,"
        "lift_lower,tier,followers_count"
    )
    assert [line.split(",")[1] for line in lines[1:]] == ["x", "y"]
    assert "baseline rest: 2 observed accounts; sorted by lift-lower" in result.stderr


def test_cli_no_baseline_note_on_stderr(small_workspace):
    result = small_workspace("affinity", "brand", "--baseline", "f1", "--format", "json")
    assert result.exit_code == 0
    assert "note: no baseline: 'f1' has no followers in the graph" in result.stderr
    assert '"affinity": null' in result.stdout


def test_cli_errors_are_one_line(small_workspace):
    result = small_workspace("affinity", "brnad")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["Error: account 'brnad' is not in the graph; did you mean 'brand'?"]
    result = small_workspace("affinity", "brand", "--baseline", "r1", "--population", "5")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_reference_baseline_leaves_the_brand_out():
    # brand follows comp; comp's observed followers without the brand: {r1}
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f1", "x"), ("brand", "comp"), ("brand", "x"),
                                    ("r1", "comp"), ("r1", "y")])
    table = affinity(graph, "brand", baseline="comp").set_index("account")
    assert table.attrs["baseline_size"] == 1
    assert table.loc["x", "baseline_count"] == 0


def test_empty_graph():
    graph = FollowGraph.from_pairs([])
    with pytest.raises(QueryError, match="the workspace is empty"):
        affinity(graph, "brand")


# -- mass-follower weights: N is the observed accounts ------------------------------------------
def test_profile_only_accounts_do_not_change_mass_follower_ranking(demo_workspace, tmp_path):
    """Loading 20,000 accounts known only from a profile leaves the weighted ranking as it was."""
    import shutil

    from graphkit.tables import SourceTables
    from graphkit.workspace import open_workspace

    path = tmp_path / "ws"
    shutil.copytree(demo_workspace, path)
    workspace = open_workspace(path)
    before = affinity(workspace.graph, "acme", weight="mass-followers", top=200)
    rng = np.random.default_rng(12)
    profiles = pd.DataFrame({
        "key": pd.array([f"profile.only.{i:05d}" for i in range(20_000)], dtype="string"),
        "followers_count": pd.array(rng.integers(0, 2_000_000, 20_000), dtype="Int64"),
        "following_count": pd.array(rng.integers(0, 5_000, 20_000), dtype="Int64"),
    })
    workspace.commit([SourceTables(path="profiles-only.csv", format="profiles-csv", accounts=profiles,
                                   rows_read=len(profiles))])
    graph = open_workspace(path).graph
    assert graph.n_accounts == workspace.graph.n_accounts
    after = affinity(graph, "acme", weight="mass-followers", top=200)
    assert after.attrs["weight_population"] == before.attrs["weight_population"] == int(graph.observed.sum())
    pd.testing.assert_frame_equal(after, before, check_exact=True)


def test_weight_population_in_the_header(demo_workspace, run_cli):
    result = run_cli("affinity", "acme", "--weight", "mass-followers", "--top", "3", workspace=demo_workspace)
    assert result.exit_code == 0, result.stderr
    assert "shares weighted by mass-followers (N = 2,158 observed accounts)" in result.stderr


# -- margin of error and the small-sample warning -----------------------------------------------
def test_share_margin_worst_case_and_finite_population():
    from queries.sample_size import share_margin

    # 95 %, p = 0.5: 1.96 * 0.5 / sqrt(n); FPC sqrt((N - n) / (N - 1))
    assert share_margin(1_557) == pytest.approx(1.96 * 0.5 / math.sqrt(1_557))
    assert share_margin(1_557, 184_000) == pytest.approx(
        1.96 * 0.5 / math.sqrt(1_557) * math.sqrt((184_000 - 1_557) / 183_999))
    assert share_margin(400, 400) == 0.0
    assert share_margin(100, z=2.576) == pytest.approx(0.1288)


def test_demo_header_margin(demo_workspace, run_cli):
    result = run_cli("affinity", "acme", "--top", "3", workspace=demo_workspace)
    assert result.exit_code == 0, result.stderr
    # 1,557 observed of acme's declared 184,000 followers: 1.96 * 0.5 / sqrt(1557) * FPC = 2.47 points
    assert "acme: 1,557 of 2,115 followers observed (audience shares ±2.5 points at 95%)" in result.stderr
    assert "warning" not in result.stderr


def test_small_sample_warning_in_the_cli(tmp_path, run_cli):
    edges = tmp_path / "edges.csv"
    edges.write_text("follower,followee\n" + "".join(f"f{i},brand\nf{i},x{i % 2}\n" for i in range(3)))
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    result = run_cli("affinity", "brand", "--baseline", "x0")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "(audience shares ±56.6 points at 95%)" in lines[0]
    assert lines[1] == (
        "warning: only 3 of 3 followers are observed (fewer than 30): shares and lifts rest on a "
        "handful of accounts and can change a lot with one more follower; load more following "
        "lists before ranking by them"
    )


def test_ego_twitter_12831_warns(snap_graph, shared_data):
    """ego-Twitter as `load snap-ego` reads it (the 973 egos observed): 3 of 12831's 16 followers."""
    import tarfile

    with tarfile.open(shared_data / "snap/ego-twitter/twitter_egos_all_973.tar.gz") as tar:
        egos = {member.name.rsplit("/", 1)[-1].split(".")[0] for member in tar if member.isfile()}
    combined = snap_graph("ego-twitter")
    accounts = combined.accounts.copy()
    accounts["observed"] = accounts["key"].isin(egos).to_numpy(dtype=bool)
    graph = FollowGraph(accounts, combined.out_indptr, combined.out_indices)
    assert int(graph.observed.sum()) == len(egos) == 973
    table = affinity(graph, "12831")
    attrs = table.attrs
    assert (attrs["audience_observed"], attrs["audience_followers"]) == (3, 16)
    assert attrs["share_margin"] == pytest.approx(1.96 * 0.5 / math.sqrt(3))
    assert attrs["sample_warning"].startswith("only 3 of 16 followers are observed (fewer than 30)")
