"""Push and pull against a real Neo4j server: exact round trips, idempotence, parameters only."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import pull_into

from graphkit.errors import Neo4jStoreError
from graphkit.graph import FollowGraph
from graphkit.neo4j import push_graph
from graphkit.neo4j.status import store_status

pytestmark = pytest.mark.neo4j

INJECTION = "x'}) DETACH DELETE n //"


def _counts(store) -> tuple[int, int, int]:
    status = store_status(store)
    return status.accounts, status.follows, status.observed


def test_demo_workspace_round_trip(loaded, neo4j_server, demo_graph, tmp_path, assert_same_graph):
    store = loaded("demo", demo_graph)
    report = neo4j_server.reports["demo"]
    assert (report.nodes_created, report.relationships_created) == (
        demo_graph.n_accounts, demo_graph.n_follows)
    assert _counts(store) == (demo_graph.n_accounts, demo_graph.n_follows, int(demo_graph.observed.sum()))
    pulled = pull_into(store, tmp_path / "pulled")
    assert_same_graph(demo_graph, pulled)


def test_a_second_push_changes_nothing(loaded, demo_graph, tmp_path, assert_same_graph):
    store = loaded("demo", demo_graph)
    before = _counts(store)
    again = push_graph(demo_graph, store, batch_size=20_000)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert again.counters["nodes_deleted"] == again.counters["relationships_deleted"] == 0
    assert _counts(store) == before
    assert_same_graph(demo_graph, pull_into(store, tmp_path / "pulled"))


def test_ego_twitter_sample_round_trip(store, shared_data, tmp_path, assert_same_graph):
    from graphkit.api import load_files, open_workspace

    workspace = open_workspace(tmp_path / "ego")
    load_files(workspace, "snap-ego", [shared_data / "snap" / "ego-twitter" / "egos_sample"])
    graph = open_workspace(tmp_path / "ego").graph
    assert graph.attribute("tags").notna().sum() > 100  # features became tags
    report = push_graph(graph, store, batch_size=1_000)
    assert report.relationships_created == graph.n_follows
    pulled = pull_into(store, tmp_path / "pulled")
    assert_same_graph(graph, pulled)
    # SNAP ids stay strings: no float or int conversion on the way
    assert pulled.accounts["key"].str.fullmatch(r"[0-9]+").all()


def test_large_integers_and_gaps_survive(store, tmp_path, assert_same_graph):
    attributes = pd.DataFrame({
        "key": ["a", "b"],
        "followers_count": pd.array([2**62 + 1, None], dtype="Int64"),
        "orders_count": pd.array([None, 2**53 + 1], dtype="Int64"),
    })
    graph = FollowGraph.from_pairs([("a", "b")], attributes=attributes)
    push_graph(graph, store)
    pulled = pull_into(store, tmp_path / "pulled")
    assert_same_graph(graph, pulled)
    assert pulled.accounts.set_index("key").loc["b", "orders_count"] == 2**53 + 1


def test_push_mirrors_removed_attributes(store, tmp_path):
    first = FollowGraph.from_pairs(
        [("a", "b")], attributes=pd.DataFrame({"key": ["b"], "bio": ["old bio"]})
    )
    push_graph(first, store)
    second = FollowGraph.from_pairs(
        [("a", "b")], attributes=pd.DataFrame({"key": ["b"], "bio": pd.array([None], dtype="string")})
    )
    push_graph(second, store)
    props = store.read("MATCH (b:Account {key: 'b'}) RETURN properties(b) AS p")[0]["p"]
    assert props == {"key": "b", "observed": False, "tier": "unknown"}


def test_injection_text_is_stored_as_literal_strings(store, tmp_path, assert_same_graph):
    attributes = pd.DataFrame({
        "key": [INJECTION, "brand"],
        "bio": ["'}) MATCH (m) DETACH DELETE m RETURN 1 //", 'a "quoted` bio\\'],
        "tags": ["#x'}) detach delete n //,$rows", "camping"],
        "display_name": ["Robert'); DROP TABLE accounts;--", "{key: $key}"],
    }, dtype="string")
    graph = FollowGraph.from_pairs(
        [("fan1", "brand"), ("fan2", "brand"), ("fan1", INJECTION), ("fan2", INJECTION), (INJECTION, "brand")],
        attributes=attributes,
    )
    key = graph.keys[graph.id_of(INJECTION)]
    assert key == INJECTION.lower()
    push_graph(graph, store)
    assert _counts(store)[:2] == (graph.n_accounts, graph.n_follows)
    stored = store.read("MATCH (a:Account {key: $key}) RETURN a.bio AS bio, a.tags AS tags", {"key": key})
    assert stored == [{"bio": "'}) MATCH (m) DETACH DELETE m RETURN 1 //", "tags": ["#x'}) detach delete n //", "$rows"]}]
    assert_same_graph(graph, pull_into(store, tmp_path / "pulled"))
    from queries import neo4j_backend
    from queries.affinity import affinity

    pd.testing.assert_frame_equal(neo4j_backend.affinity(store, "brand"), affinity(graph, "brand"))
    assert neo4j_backend.expand(store, INJECTION)["account"].iloc[0] == key


def test_pull_any_follow_graph_by_label_rel_and_key(store, tmp_path):
    store.write(
        "UNWIND $people AS p CREATE (:GkPerson {id: p[0], followers: p[1], screen: p[2]})",
        {"people": [[1, 1200, "Ann"], [2, None, "Bob"], [3, 5, "Cat"]]},
    )
    store.write(
        "UNWIND $pairs AS pair MATCH (a:GkPerson {id: pair[0]}), (b:GkPerson {id: pair[1]}) "
        "CREATE (a)-[:KNOWS]->(b)",
        {"pairs": [[1, 2], [2, 3], [1, 3]]},
    )
    graph = pull_into(store, tmp_path / "ws", label="GkPerson", rel="KNOWS", key="id")
    assert sorted(graph.edges_frame().astype(object).itertuples(index=False, name=None)) == [
        ("1", "2"), ("1", "3"), ("2", "3")]
    by_key = graph.accounts.set_index("key")
    assert by_key.loc["1", "followers_count"] == 1200
    assert pd.isna(by_key.loc["2", "followers_count"])
    assert by_key.loc["3", "screen"] == "Cat"
    # no observed flag in that graph: every account that follows someone is observed (edge list)
    assert sorted(by_key.index[by_key["observed"]]) == ["1", "2"]


def test_pull_of_a_missing_label_says_so(store, tmp_path):
    with pytest.raises(Neo4jStoreError, match="no \\(:Nobody\\) nodes"):
        pull_into(store, tmp_path / "ws", label="Nobody")
