"""``lookalikes``: against brute force with Python sets on real and hand-made graphs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.lookalikes import lookalikes


def brute_force(graph: FollowGraph, seed: str, metric: str, min_audience: int) -> dict:
    """{account: (score, shared, audience)} from sets of observed followers, one account at a time."""
    keys = graph.keys.tolist()
    observed = graph.observed.tolist()
    audiences: dict[str, set] = {}
    for follower in range(graph.n_accounts):
        if not observed[follower]:
            continue
        for followee in graph.following(follower).tolist():
            audiences.setdefault(keys[followee], set()).add(keys[follower])
    mine = audiences.get(seed, set())
    out = {}
    for account, theirs in audiences.items():
        shared = len(mine & theirs)
        if account == seed or shared == 0 or len(theirs) < min_audience:
            continue
        if metric == "jaccard":
            score = shared / len(mine | theirs)
        elif metric == "overlap":
            score = shared / min(len(mine), len(theirs))
        else:
            score = shared / math.sqrt(len(mine) * len(theirs))
        out[account] = (score, shared, len(theirs))
    return out


def partly_observed(graph: FollowGraph, fraction: float, seed: int = 5) -> FollowGraph:
    """The same follows with only some of the accounts observed."""
    accounts = graph.accounts.copy()
    rng = np.random.default_rng(seed)
    accounts["observed"] = accounts["observed"].to_numpy() & (rng.random(len(accounts)) < fraction)
    return FollowGraph(accounts, graph.out_indptr, graph.out_indices)


@pytest.mark.parametrize("metric", ["jaccard", "overlap", "cosine"])
@pytest.mark.parametrize("name, seed, fraction", [("wiki-vote", "4037", 1.0), ("email-eu-core", "160", 0.6)])
def test_matches_brute_force_on_snap(snap_graph, metric, name, seed, fraction):
    graph = partly_observed(snap_graph(name), fraction)
    table = lookalikes(graph, seed, metric=metric, min_audience=3)
    expected = brute_force(graph, seed, metric, 3)
    assert len(table) == len(expected)
    got = {a: (s, sh, au) for a, s, sh, au in table[["account", "score", "shared", "audience"]].values}
    assert got.keys() == expected.keys()
    for account, (score, shared, size) in expected.items():
        assert got[account][1:] == (shared, size)
        assert got[account][0] == pytest.approx(score, rel=1e-12)
    order = sorted(expected, key=lambda a: (-expected[a][0], -expected[a][1], a))
    # equal floats may differ in the last bit between the two computations: compare rounded ranks
    assert [round(expected[a][0], 12) for a in order] == [round(s, 12) for s in table["score"]]
    assert table.attrs["seed_audience"] == sum(graph.observed[graph.followers(graph.id_of(seed))])


def test_hand_worked_scores_and_tie_order():
    # seed's observed audience {f1, f2, f3, f4}; x is followed by f1, f2; y by f3, f4; z by f1, f5, f6.
    pairs = [(f, "seed") for f in ["f1", "f2", "f3", "f4"]]
    pairs += [("f1", "x"), ("f2", "x"), ("f3", "y"), ("f4", "y"), ("f1", "z"), ("f5", "z"), ("f6", "z")]
    g = FollowGraph.from_pairs(pairs)
    jac = lookalikes(g, "seed", metric="jaccard", min_audience=1)
    # x: 2 / |{f1..f4}| = 0.5, y the same (tie -> by key), z: 1 / 6
    assert jac[["account", "shared", "audience"]].values.tolist() == [["x", 2, 2], ["y", 2, 2], ["z", 1, 3]]
    assert jac["score"].tolist() == pytest.approx([0.5, 0.5, 1 / 6])
    ovl = lookalikes(g, "seed", metric="overlap", min_audience=1)
    assert ovl["score"].tolist() == pytest.approx([1.0, 1.0, 1 / 3])
    cos = lookalikes(g, "seed", metric="cosine", min_audience=1)
    assert cos["score"].tolist() == pytest.approx([2 / math.sqrt(8), 2 / math.sqrt(8), 1 / math.sqrt(12)])
    assert lookalikes(g, "seed", min_audience=3)["account"].tolist() == ["z"]
    assert lookalikes(g, "seed", min_audience=1, min_shared=2)["account"].tolist() == ["x", "y"]


def test_unobserved_followers_do_not_count():
    pairs = [("f1", "seed"), ("f2", "seed"), ("f1", "x"), ("f2", "x"), ("f3", "x")]
    g = FollowGraph.from_pairs(pairs, observed=["f1", "f3"])
    table = lookalikes(g, "seed", min_audience=1)
    # A(seed) = {f1}, A(x) = {f1, f3}: shared 1, union 2
    assert table[["account", "shared", "audience"]].values.tolist() == [["x", 1, 2]]
    assert table["score"].tolist() == [0.5]


@pytest.mark.parametrize(
    "pairs, observed, seed, error, message",
    [
        ([("a", "b")], None, "zed", AccountNotFound, "'zed' is not in the graph"),
        ([("a", "b")], None, "a", QueryError, "'a' has no followers"),
        ([("a", "b"), ("c", "b")], ["a"], "b", QueryError, "follows any other account"),
        ([("a", "b"), ("c", "d")], [], "b", QueryError, "none of 'b'.*1 followers is observed"),
        ([("a", "b"), ("a", "c")], None, "b", QueryError, "lower --min-audience"),
    ],
)
def test_clear_errors(pairs, observed, seed, error, message):
    g = FollowGraph.from_pairs(pairs, observed=observed)
    with pytest.raises(error, match=message):
        lookalikes(g, seed, min_audience=2)


def test_bad_options():
    g = FollowGraph.from_pairs([("a", "b"), ("a", "c")])
    with pytest.raises(QueryError, match="unknown metric"):
        lookalikes(g, "b", metric="dice")
    with pytest.raises(QueryError, match="--min-audience must be at least 1"):
        lookalikes(g, "b", min_audience=0)


def test_cli(tmp_path, run_cli):
    edges = tmp_path / "follows.csv"
    edges.write_text("follower,followee\nf1,seed\nf2,seed\nf1,x\nf2,x\nf3,x\nf3,y\n")
    assert run_cli("load", "edges", str(edges)).exit_code == 0
    result = run_cli("lookalikes", "seed", "--min-audience", "1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "rank,account,score,shared,audience,tier,followers_count",
        "1,x,0.6666666666666666,2,3,unknown,",
    ]
    missing = run_cli("lookalikes", "sed")
    assert missing.exit_code == 1 and "did you mean 'seed'" in missing.stderr
