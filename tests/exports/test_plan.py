"""Budget planning: against brute force, against the naive pick, costs files, the CLI."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.errors import ConfigError, QueryError
from graphkit.graph import FollowGraph
from queries.plan import (
    GUARANTEE,
    Costs,
    coverage_matrix,
    load_costs,
    modified_greedy,
    naive_pick,
    plan,
)


def brute_force(sets: list[set], costs: list[float], weights, budget: float) -> float:
    """The optimum of budgeted maximum coverage by trying every subset (``weights[element]``)."""
    best = 0.0
    for size in range(len(sets) + 1):
        for combo in itertools.combinations(range(len(sets)), size):
            if sum(costs[i] for i in combo) <= budget:
                covered = set().union(*(sets[i] for i in combo)) if combo else set()
                best = max(best, sum(weights[e] for e in covered))
    return best


@st.composite
def instances(draw):
    n_sets = draw(st.integers(1, 8))
    n_elements = draw(st.integers(1, 12))
    sets = [draw(st.sets(st.integers(0, n_elements - 1), max_size=n_elements)) for _ in range(n_sets)]
    costs = [draw(st.integers(1, 20)) for _ in range(n_sets)]
    weights = [draw(st.sampled_from([1.0, 1.5, 2.0])) for _ in range(n_elements)]
    budget = draw(st.integers(1, 40))
    return sets, costs, weights, budget


def as_matrix(sets, n_elements):
    dense = np.zeros((len(sets), n_elements), dtype=np.int8)
    for i, members in enumerate(sets):
        dense[i, list(members)] = 1
    return sp.csr_matrix(dense)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_modified_greedy_meets_its_guarantee_against_brute_force(instance):
    sets, costs, weights, budget = instance
    matrix = as_matrix(sets, len(weights))
    chosen = modified_greedy(matrix, np.array(costs, float), np.array(weights), budget)
    rows = chosen.rows.tolist()
    assert len(set(rows)) == len(rows)
    assert sum(costs[i] for i in rows) <= budget
    covered = set().union(*(sets[i] for i in rows)) if rows else set()
    true_reach = sum(weights[e] for e in covered)
    assert chosen.reach == pytest.approx(true_reach)  # marginal gains add up to the union
    optimum = brute_force(sets, costs, weights, budget)
    assert true_reach >= GUARANTEE * optimum - 1e-9
    assert true_reach <= optimum + 1e-9


def test_greedy_alone_can_be_arbitrarily_bad_so_the_best_single_is_kept():
    # the cheap set has the best ratio but leaves no money for the big one
    matrix = sp.csr_matrix(np.array([[1, 0, 0, 0, 0, 0], [0, 1, 1, 1, 1, 1]]))
    chosen = modified_greedy(matrix, np.array([1.0, 10.0]), np.ones(6), 10.0)
    assert chosen.rows.tolist() == [1] and chosen.reach == 5 and chosen.method == "best single"


def test_overlap_is_not_paid_twice():
    # a and b reach the same three followers; c reaches two others: pick one of a/b, and c
    sets = {"a": ["f1", "f2", "f3"], "b": ["f1", "f2", "f3"], "c": ["f4", "f5"]}
    pairs = [(f, "brand") for f in ("f1", "f2", "f3", "f4", "f5")]
    pairs += [(f, c) for c, members in sets.items() for f in members]
    g = FollowGraph.from_pairs(pairs)
    table = plan(g, "brand", 200, costs=Costs(tier={}, account={"a": 100, "b": 100, "c": 100}))
    assert table["account"].tolist() == ["a", "c"]  # a before b: ties go to the smaller key
    assert table["new_reach"].tolist() == [3, 2] and table["cumulative_reach"].tolist() == [3, 5]
    assert table.attrs["reach"] == 5 and table.attrs["spent"] == 200
    # the naive pick by own reach takes a then b (3 + 3 followers, 3 of them twice)
    assert table.attrs["naive"]["account"].tolist() == ["a", "b"]
    assert table.attrs["naive_reach"] == 3


def random_graph(seed: int):
    rng = np.random.default_rng(seed)
    n_followers, n_candidates = int(rng.integers(3, 14)), int(rng.integers(2, 9))
    followers = [f"f{i}" for i in range(n_followers)]
    candidates = [f"c{j}" for j in range(n_candidates)]
    follows = rng.random((n_followers, n_candidates)) < 0.35
    pairs = [(f, "brand") for f in followers]
    pairs += [(followers[i], candidates[j]) for i, j in zip(*np.nonzero(follows))]
    unobserved = [f for f in followers if rng.random() < 0.2]
    observed = [f for f in followers if f not in unobserved] or followers[:1]
    costs = {c: float(rng.integers(1, 12)) for c in candidates}
    scores = pd.Series(rng.random(n_candidates), index=candidates)
    budget = float(rng.integers(1, 30))
    g = FollowGraph.from_pairs(pairs, observed=observed)
    sets = [{f for f in observed if follows[followers.index(f), j]} for j, _ in enumerate(candidates)]
    return g, candidates, sets, costs, scores, budget, observed


@pytest.mark.parametrize("seed", range(40))
def test_plan_on_graphs_against_brute_force_and_the_naive_pick(seed):
    g, candidates, sets, costs, scores, budget, observed = random_graph(seed)
    priced = Costs(tier={}, account=costs)
    if not any(sets) or min(costs[c] for c, s in zip(candidates, sets) if s) > budget:
        with pytest.raises(QueryError):
            plan(g, "brand", budget, costs=priced, scores=scores)
        return
    table = plan(g, "brand", budget, costs=priced, scores=scores)
    chosen = table["account"].tolist()
    covered = set().union(*(sets[candidates.index(c)] for c in chosen))
    assert table.attrs["reach"] == len(covered)
    assert table["cumulative_reach"].iloc[-1] == len(covered)
    assert table["cost"].sum() == table.attrs["spent"] <= budget
    assert table.attrs["audience_observed"] == len(observed)
    optimum = brute_force(sets, [costs[c] for c in candidates], {f: 1.0 for f in observed}, budget)
    assert len(covered) >= GUARANTEE * optimum
    # the naive pick, recomputed here: walk down the scores, take whatever still fits
    remaining, naive = budget, set()
    for name in scores.sort_values(ascending=False, kind="stable").index:
        j = candidates.index(name)
        if sets[j] and costs[name] <= remaining:
            remaining -= costs[name]
            naive |= sets[j]
    assert table.attrs["naive_reach"] == len(naive)
    assert len(covered) >= len(naive)


def test_niche_weights_reached_followers():
    profiles = pd.DataFrame({"key": ["f1", "f2", "f4"], "tags": ["hiking,camping", "baking", "camping,hiking"]})
    pairs = [(f, "brand") for f in ("f1", "f2", "f3", "f4", "f5")]
    pairs += [("f1", "a"), ("f4", "a"), ("f2", "b"), ("f3", "b"), ("f5", "b")]
    g = FollowGraph.from_pairs(pairs, attributes=profiles)
    costs = Costs(tier={}, account={"a": 10, "b": 10})
    # f1 and f4 are all about the niche (cosine 1): weight 2 each; f2 matches nothing,
    # f3 and f5 have no profile: weight 1 each
    table = plan(g, "brand", 10, costs=costs, niche="hiking, camping")
    assert table.attrs["audience_weight"] == pytest.approx(7.0)
    assert table["account"].tolist() == ["a"] and table.attrs["reach"] == pytest.approx(4.0)
    # unweighted, b reaches three followers and a two
    unweighted = plan(g, "brand", 10, costs=costs)
    assert unweighted["account"].tolist() == ["b"] and unweighted.attrs["reach"] == 3


def test_coverage_matrix_against_a_loop():
    pairs = [("f1", "a"), ("f1", "b"), ("f2", "b"), ("f3", "a"), ("f3", "c"), ("a", "b")]
    g = FollowGraph.from_pairs(pairs)
    audience = g.ids_of(["f1", "f2", "f3", "a"])
    candidates = g.ids_of(["a", "b", "c"])
    expected = [[int((f, c) in set(pairs)) for f in ["f1", "f2", "f3", "a"]] for c in ["a", "b", "c"]]
    assert coverage_matrix(g, audience, candidates).toarray().tolist() == expected


def test_naive_pick_skips_what_no_longer_fits():
    assert naive_pick(np.array([4.0, 4.0, 1.0]), np.array([0, 1, 2]), 5.0).tolist() == [0, 2]


# -- costs -------------------------------------------------------------------------------------------


def test_default_costs_are_documented_placeholders():
    costs = load_costs()
    assert costs.tier == {"nano": 150.0, "micro": 500.0, "mid": 2500.0, "macro": 10000.0, "mega": 25000.0}
    assert "placeholder" in costs.source


def test_costs_file_with_account_override(tmp_path):
    path = tmp_path / "costs.toml"
    path.write_text('[cost]\nnano = 100\nmicro = 400.5\n[account_cost]\n"@Big_One" = 9\n')
    costs = load_costs(path)
    assert costs.tier == {"nano": 100.0, "micro": 400.5} and costs.account == {"big_one": 9.0}
    assert costs.prices(["big_one", "x", "y"], ["micro", "micro", "mega"]).tolist()[:2] == [9.0, 400.5]
    assert np.isnan(costs.prices(["y"], ["mega"])[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[cost]\nnano = -5\n", "price above 0"),
        ("[cost]\nnano = 'cheap'\n", "price above 0"),
        ("[cost]\ngiga = 5\n", "unknown tier 'giga'"),
        ("[prices]\nnano = 5\n", "unknown table"),
        ("[cost\n", "not valid TOML"),
        ("", "needs a \\[cost\\] table"),
    ],
)
def test_bad_costs_files(tmp_path, text, message):
    path = tmp_path / "costs.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_costs(path)


def test_plan_refuses_what_it_cannot_do():
    g = FollowGraph.from_pairs([("f", "brand"), ("f", "a")])
    with pytest.raises(QueryError, match="positive"):
        plan(g, "brand", 0)
    with pytest.raises(QueryError, match="has a price"):
        plan(g, "brand", 1000)  # a has no follower count: unknown tier, no price
    with pytest.raises(QueryError, match="below the cheapest"):
        plan(g, "brand", 5, costs=Costs(tier={}, account={"a": 50}))


# -- the CLI -------------------------------------------------------------------------------------------


@pytest.fixture
def planned_workspace(make_workspace):
    pairs = [(f"f{i}", "brand") for i in range(6)]
    pairs += [("f0", "a"), ("f1", "a"), ("f2", "a"), ("f3", "b"), ("f4", "b"), ("f0", "c"), ("f5", "c")]
    accounts = pd.DataFrame({"key": ["a", "b", "c"], "followers_count": pd.array([5000, 20000, 2000], dtype="Int64")})
    return make_workspace(pairs, accounts=accounts)


def test_cli_plan_prints_plan_and_naive_pick(planned_workspace, run_cli, tmp_path):
    result = run_cli("plan", "brand", "--budget", "300")
    assert result.exit_code == 0, result.output
    out = result.stdout
    # nano a (150) reaches f0-f2, nano c (150) f0 and f5: one more; micro b costs 500
    assert "2 influencers, 300 of 300 spent" in out and "followers reached: 4 (66.7%)" in out
    assert "naive pick" in out
    costs = tmp_path / "c.toml"
    costs.write_text("[cost]\nnano = 150\nmicro = 100\n")
    result = run_cli("plan", "brand", "--budget", "100", "--costs", str(costs), "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split(",")[:4] == ["1", "b", "micro", "100.0"]
    assert "naive pick" in result.stderr


def test_cli_plan_errors_are_one_line(planned_workspace, run_cli):
    result = run_cli("plan", "brand", "--budget", "10")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: the budget 10 is below the cheapest candidate (150)")
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("plan", "brand", "--budget", "1000", "--tier", "giga")
    assert result.exit_code == 1 and "unknown tier 'giga'" in result.stderr
