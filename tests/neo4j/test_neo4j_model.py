"""The graph model on a real server: tier, tags as lists, indexes, and the README's Cypher examples."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import pull_into

from graphkit.graph import FollowGraph
from graphkit.neo4j import push_graph
from graphkit.schema import split_tags
from graphkit.tiers import TierScheme

pytestmark = pytest.mark.neo4j

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_model_queries() -> list[str]:
    """The ```cypher blocks of the README's "The graph model" section."""
    text = README.read_text("utf-8")
    section = text.split("### The graph model", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```cypher\n(.*?)```", section, re.S)


def test_tier_and_tags_are_stored_for_filtering(loaded, demo_graph):
    store = loaded("demo", demo_graph)
    rows = store.read("MATCH (a:Account) RETURN a.key AS key, a.tier AS tier, a.tags AS tags")
    stored = pd.DataFrame(rows).set_index("key")
    accounts = demo_graph.accounts.set_index(demo_graph.accounts["key"].astype(object))
    tiers = TierScheme.default().assign(demo_graph.attribute("followers_count").to_numpy()).astype(str)
    expected_tier = pd.Series(list(tiers), index=accounts.index)
    assert (stored["tier"] == expected_tier.loc[stored.index]).all()
    assert len(stored) == demo_graph.n_accounts
    tagged = accounts["tags"].dropna()
    assert len(tagged) > 1000
    for key, text in tagged.items():
        assert stored.loc[key, "tags"] == split_tags(text)
    assert stored.loc[accounts.index[accounts["tags"].isna()], "tags"].isna().all()
    count = store.read("MATCH (a:Account) WHERE '#hiking' IN a.tags RETURN count(a) AS n")[0]["n"]
    assert count == sum("#hiking" in split_tags(t) for t in tagged)


def test_push_creates_the_indexes(loaded, demo_graph):
    store = loaded("demo", demo_graph)
    indexes = store.read(
        "SHOW INDEXES YIELD name, labelsOrTypes, properties, owningConstraint, state "
        "WHERE labelsOrTypes = ['Account'] RETURN name, properties, owningConstraint, state"
    )
    by_name = {row["name"]: row for row in indexes}
    assert by_name["graphkit_account_tier"]["properties"] == ["tier"]
    assert by_name["graphkit_account_followers_count"]["properties"] == ["followers_count"]
    assert by_name["graphkit_account_key"]["owningConstraint"] == "graphkit_account_key"
    # the planner uses them: a filter on tier seeks the index instead of scanning every node
    with store.session() as session:
        summary = session.run("EXPLAIN MATCH (a:Account) WHERE a.tier = 'micro' RETURN a").consume()
        operators = str(summary.plan)
    assert "NodeIndexSeek" in operators


def test_tier_follows_the_scheme_of_the_push(store, tmp_path):
    scheme_file = tmp_path / "tiers.toml"
    scheme_file.write_text("[tiers]\nsmall = 0\nbig = 5000\n")
    scheme = TierScheme.from_toml(scheme_file)
    attributes = pd.DataFrame({"key": ["a", "b", "c"],
                               "followers_count": pd.array([10, 5000, None], dtype="Int64")})
    graph = FollowGraph.from_pairs([("a", "b"), ("b", "c")], attributes=attributes)
    push_graph(graph, store, tier_scheme=scheme)
    rows = store.read("MATCH (a:Account) RETURN a.key AS key, a.tier AS tier ORDER BY key")
    assert rows == [{"key": "a", "tier": "small"}, {"key": "b", "tier": "big"}, {"key": "c", "tier": "unknown"}]
    pulled = pull_into(store, tmp_path / "pulled")
    assert "tier" not in pulled.accounts.columns  # derived, not an attribute
    assert pulled.accounts.set_index("key").loc["b", "followers_count"] == 5000


def test_the_readme_documents_three_queries():
    queries = readme_model_queries()
    assert len(queries) == 3
    assert all("$" not in query for query in queries)  # they run as written in Neo4j Browser


def test_readme_query_micro_accounts_of_the_audience(loaded, demo_graph):
    store = loaded("demo", demo_graph)
    rows = store.read(readme_model_queries()[0])
    g = demo_graph
    accounts = g.accounts.assign(key=g.accounts["key"].astype(object))
    tier = pd.Series(list(TierScheme.default().assign(g.attribute("followers_count").to_numpy()).astype(str)))
    edges = g.edges_frame().astype(object)
    audience = set(edges.loc[edges.followee == "acme", "follower"]) & set(accounts.key[accounts.observed])
    wanted = set(accounts.key[tier.isin(["nano", "micro"])]) - {"acme"}
    counts = edges[edges.follower.isin(audience) & edges.followee.isin(wanted)].groupby("followee").size()
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert [(r["account"], r["audience_count"]) for r in rows] == expected
    followers_count = accounts.set_index("key")["followers_count"]
    assert all(r["followers_count"] == followers_count[r["account"]] for r in rows)
    assert {r["tier"] for r in rows} <= {"nano", "micro"} and len(rows) == 10


def test_readme_query_hiking_accounts_by_followers(loaded, demo_graph):
    store = loaded("demo", demo_graph)
    rows = store.read(readme_model_queries()[1])
    accounts = demo_graph.accounts.assign(key=demo_graph.accounts["key"].astype(object))
    count = accounts["followers_count"]
    hiking = accounts["tags"].map(lambda t: "#hiking" in split_tags(t), na_action="ignore").fillna(False)
    chosen = accounts[(count >= 10_000) & (count < 100_000) & hiking.astype(bool)]
    chosen = chosen.sort_values(["followers_count", "key"], ascending=[False, True]).head(10)
    assert [(r["account"], r["followers_count"]) for r in rows] == list(
        zip(chosen["key"], chosen["followers_count"].astype(int)))
    assert all("#hiking" in r["tags"] for r in rows) and len(rows) == 10


def test_readme_query_tier_mix_of_the_followers(loaded, demo_graph):
    store = loaded("demo", demo_graph)
    rows = store.read(readme_model_queries()[2])
    g = demo_graph
    followers = g.followers(g.id_of("acme"))
    tiers = TierScheme.default().assign(g.attribute("followers_count").iloc[followers].to_numpy())
    counts = pd.Series(list(tiers.astype(str))).value_counts()
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(r["tier"], r["followers"]) for r in rows] == expected
    assert sum(r["followers"] for r in rows) == 2_115
