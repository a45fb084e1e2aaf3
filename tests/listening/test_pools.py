"""Candidate pools (``--from``), ``advocates --customers``, and the demo's posts and customers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.pools import candidate_pool, customer_advocates, parse_sources

# acme's followers: ann, bob (observed), cat (not observed).
# Customers: cat (a follower), dan (observed, does not follow acme), eve (not in any follow).
# Talkers: dan and fay post about acme; acme posts about itself.
PAIRS = [
    ("ann", "acme"), ("bob", "acme"), ("cat", "acme"),
    ("ann", "dan"), ("bob", "dan"), ("ann", "cat"), ("dan", "ann"), ("dan", "fay"), ("bob", "fay"),
]
ATTRS = pd.DataFrame({
    "key": ["cat", "dan", "eve", "fay"],
    "is_customer": [True, True, True, None],
    "customer_value": [10.0, 250.0, 40.0, None],
    "orders_count": [1, 5, 2, None],
    "followers_count": [900, 25_000, None, 3_000],
})
POSTS = pd.DataFrame({
    "post_id": ["1", "2", "3", "4"],
    "author": ["dan", "fay", "acme", "gil"],
    "text": ["my @acme tent", "Acme jacket", "new season @acme", "hello"],
    "mentions": ["acme", None, "acme", None],
})


@pytest.fixture
def graph():
    return FollowGraph.from_pairs(PAIRS, observed=["ann", "bob", "dan"], attributes=ATTRS)


def _keys(graph, ids):
    return sorted(graph.keys_of(ids).tolist())


def test_pools(graph):
    assert _keys(graph, candidate_pool(graph, "acme", "followers")) == ["ann", "bob", "cat"]
    assert _keys(graph, candidate_pool(graph, "acme", "customers")) == ["cat", "dan", "eve"]
    assert _keys(graph, candidate_pool(graph, "acme", "talkers", posts=POSTS)) == ["dan", "fay"]
    assert _keys(graph, candidate_pool(graph, "acme", "all", posts=POSTS)) == ["ann", "bob", "cat", "dan", "eve", "fay"]
    assert _keys(graph, candidate_pool(graph, "acme", "talkers,customers", posts=POSTS)) == ["cat", "dan", "eve", "fay"]
    # all without posts: the pools that have data
    assert _keys(graph, candidate_pool(graph, "acme", "all")) == ["ann", "bob", "cat", "dan", "eve"]


def test_pool_errors(graph):
    with pytest.raises(QueryError, match="needs posts"):
        candidate_pool(graph, "acme", "talkers")
    plain = FollowGraph.from_pairs(PAIRS)
    with pytest.raises(QueryError, match="needs customers"):
        candidate_pool(plain, "acme", "customers")
    with pytest.raises(QueryError, match="choose from talkers, customers, followers, all"):
        parse_sources("friends")
    with pytest.raises(AccountNotFound):
        candidate_pool(graph, "acmee", "followers")
    assert _keys(graph, candidate_pool(graph, "ann", "followers")) == ["dan"]
    lonely = FollowGraph.from_pairs([("x", "y")])
    with pytest.raises(QueryError, match="is empty"):
        candidate_pool(lonely, "x", "followers")


def test_customer_advocates_hand_worked(graph):
    table = customer_advocates(graph, "acme")
    rows = table.set_index("account").to_dict("index")
    assert sorted(rows) == ["ann", "bob", "cat", "dan", "eve"]
    # reach among acme's observed followers ann, bob: dan is followed by both (dan is not one
    # of them, so the share is over 2); cat by ann (cat is not observed: share over 2);
    # ann and bob by nobody else; eve by nobody
    assert (rows["dan"]["audience_count"], rows["dan"]["audience_share"]) == (2, 1.0)
    assert (rows["cat"]["audience_count"], rows["cat"]["audience_share"]) == (1, 0.5)
    assert rows["ann"]["audience_count"] == 0 and rows["ann"]["audience_share"] == 0
    assert [rows[a]["is_customer"] for a in ("ann", "cat", "dan", "eve")] == [False, True, True, True]
    assert [rows[a]["follows_brand"] for a in ("ann", "cat", "dan", "eve")] == [True, True, False, False]
    assert rows["dan"]["customer_value"] == 250.0 and rows["dan"]["orders_count"] == 5
    assert rows["dan"]["tier"] == "micro"
    assert table["account"].tolist()[:2] == ["dan", "cat"]
    assert table.columns[:7].tolist() == ["rank", "account", "is_customer", "customer_value", "tier",
                                          "followers_count", "audience_count"]
    by_value = customer_advocates(graph, "acme", sort="value", top=3)
    assert by_value["account"].tolist() == ["dan", "eve", "cat"] and by_value["rank"].tolist() == [1, 2, 3]
    with pytest.raises(QueryError, match="needs customers"):
        customer_advocates(FollowGraph.from_pairs(PAIRS), "acme")


def test_customer_advocates_take_observed_engagement_from_posts(graph):
    posts = pd.DataFrame({"post_id": ["1", "2"], "author": ["dan", "dan"], "likes": [400, 600],
                          "comments": [100, 0], "hashtags": ["#hiking", "#hiking"]})
    table = customer_advocates(graph, "acme", posts=posts, niche="hiking").set_index("account")
    assert table.loc["dan", "engagement_rate"] == pytest.approx(550 / 25_000)
    assert table.loc["dan", "niche_overlap"] == pytest.approx(1.0)  # #hiking became a tag
    assert pd.isna(table.loc["cat", "niche_overlap"])


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cli_workspace(run_cli, tmp_path):
    edges = "follower,followee\n" + "".join(f"{a},{b}\n" for a, b in PAIRS)
    profiles = "username,followers\ncat,900\ndan,25000\nfay,3000\nann,12000\nbob,60000\n"
    customers = "id,email,instagram,orders,ltv\n1,c@example.com,cat,1,10\n2,d@example.com,dan,5,250\n3,e@example.com,eve,2,40\n"
    posts = "author,text\ndan,my @acme tent\nfay,Acme jacket\nacme,new season @acme\n"
    for kind, name, text in [("edges", "e.csv", edges), ("profiles", "p.csv", profiles),
                             ("customers", "c.csv", customers), ("posts", "posts.csv", posts)]:
        result = run_cli("load", kind, str(_write(tmp_path, name, text)))
        assert result.exit_code == 0, result.stderr
    return run_cli


def test_rank_from_keeps_only_the_pool(cli_workspace):
    def accounts(*args):
        result = cli_workspace("rank", "acme", "--format", "json", "--top", "50", *args)
        assert result.exit_code == 0, result.stderr
        return sorted(r["account"] for r in json.loads(result.stdout))

    everyone = accounts()
    # rank's own rule still applies: followed by at least one observed follower of acme (ann, bob,
    # dan are the observed accounts; only ann and bob follow acme)
    assert everyone == ["cat", "dan", "fay"]
    assert accounts("--from", "customers") == ["cat", "dan"]  # eve: nobody follows her
    assert accounts("--from", "talkers") == ["dan", "fay"]
    assert accounts("--from", "followers") == ["cat"]
    assert accounts("--from", "all") == everyone


def test_plan_from_plans_inside_the_pool(cli_workspace):
    result = cli_workspace("plan", "acme", "--budget", "100000", "--from", "talkers", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {r["account"] for r in json.loads(result.stdout)} <= {"dan", "fay"}


def test_advocates_customers_cli(cli_workspace):
    result = cli_workspace("advocates", "acme", "--customers", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert sorted(table["account"]) == ["ann", "bob", "cat", "dan", "eve"]
    assert table.set_index("account").loc["dan", "customer_value"] == 250.0
    result = cli_workspace("advocates", "acme", "--sort", "value")
    assert result.exit_code == 2 and "--sort value needs --customers" in result.stderr


def test_demo_has_talkers_and_customers(run_cli, tmp_path):
    from graphkit.demo import build_demo, demo_files, open_workspace

    ws = open_workspace(tmp_path / "demo")
    reports = {r.format: r for r in build_demo(ws)}
    assert not reports["posts-csv"].rejected and not reports["customers-csv"].rejected
    customers = pd.read_csv(demo_files()["customers"])
    note = reports["customers-csv"].notes[0]
    assert note.startswith(f"{len(customers)} customers: ")
    no_handle = int((customers["instagram"].isna() & customers["tiktok"].isna()).sum())
    assert note.endswith(f"{no_handle} have no social handle")
    # no demo e-mail address reached the workspace
    emails = set(customers["email"])
    stored = "\n".join(pd.read_parquet(p).astype(str).to_csv() for p in (tmp_path / "demo").rglob("*.parquet"))
    assert not any(e in stored for e in emails)
    result = run_cli("talkers", "acme", "--hashtag", "trailrunning", "--location", "Denver",
                     "--format", "json", workspace=tmp_path / "demo")
    rows = json.loads(result.stdout)
    assert rows and all(r["posts"] >= 1 for r in rows)
    posts = pd.read_csv(demo_files()["posts"])
    expected = posts[posts["text"].str.contains("#trailrunning", regex=False) & (posts["location"] == "Denver")]
    assert sum(r["posts"] for r in rows) == len(expected)
    counts = np.array([r["audience_count"] for r in rows])
    assert (np.diff(counts) <= 0).all()
