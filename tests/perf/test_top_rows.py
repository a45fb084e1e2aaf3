"""The top-k paths of affinity and lookalikes give exactly the rows of the full sort.

With ``top`` set, both queries rank in numpy and build a frame only for the rows
that can be among the first ``top`` (ties included); without it they build and
sort the frame of every candidate. These tests hold the two paths equal on
random graphs with many ties, and :func:`top_rows` equal to a plain Python sort.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.errors import GraphkitError
from graphkit.graph import FollowGraph
from queries.affinity import SORTS, affinity, affinity_scores
from queries.audience import observed_in_degree
from queries.lookalikes import METRICS, lookalikes
from queries.ranking import top_rows

_TIERS = ["unknown", "regular", "nano", "micro", "mid", "macro", "mega"]


def _tied_graph(seed: int, n: int = 80) -> FollowGraph:
    """Few accounts, few follows each: counts and lifts tie a lot; keys in mixed scripts."""
    rng = random.Random(seed)
    names = [f"{rng.choice(['a', 'B', 'é', '_', 'z'])}{rng.randint(0, 10**6)}x{i}" for i in range(n)]
    pairs = set()
    for _ in range(n * 4):
        a = rng.choice(names[: n // 2])
        b = rng.choice(names[: rng.randint(2, n)])
        if a != b:
            pairs.add((a, b))
    counts = [None, 0, 999, 1000, 20_000, 600_000, 5_000_000]
    attributes = pd.DataFrame({
        "key": names,
        "followers_count": pd.array([rng.choice(counts) for _ in names], dtype="Int64"),
        "following_count": pd.array([rng.choice([None, 1, 50, 900]) for _ in names], dtype="Int64"),
    })
    observed = [name for name in names if rng.random() < 0.85]
    return FollowGraph.from_pairs(sorted(pairs), observed=observed, attributes=attributes)


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except GraphkitError as err:
        return f"{type(err).__name__}: {err}"


def _assert_same(fast, full) -> None:
    if isinstance(fast, str) or isinstance(full, str):
        assert fast == full
        return
    pd.testing.assert_frame_equal(fast, full, check_exact=True)
    assert fast.attrs == full.attrs


def _head(table, top: int):
    """The first ``top`` rows of a full table, as the query with ``top`` returns them."""
    if isinstance(table, str):
        return table
    head = table.head(top).reset_index(drop=True)
    head.attrs = table.attrs
    return head


@pytest.mark.parametrize("seed", range(12))
def test_affinity_top_equals_full_sort(seed):
    graph = _tied_graph(seed)
    rng = random.Random(seed)
    keys = graph.keys.tolist()
    for _ in range(8):
        brand = rng.choice(keys[: len(keys) // 2])
        options = {
            "sort": rng.choice(SORTS),
            "min_count": rng.choice([1, 1, 2]),
            "exclude_followed": rng.random() < 0.3,
            "weight": rng.choice(["none", "mass-followers"]),
        }
        roll = rng.random()
        if roll < 0.25:
            options["population"] = rng.choice([50, 10_000_000])
        elif roll < 0.5:
            options["baseline"] = rng.choice(keys)
        if rng.random() < 0.3:
            options["tiers"] = rng.sample(_TIERS, rng.randint(1, 2))
        full = _outcome(affinity, graph, brand, **options)
        for top in (1, 3, 7, 1000):
            _assert_same(_outcome(affinity, graph, brand, top=top, **options), _head(full, top))


@pytest.mark.parametrize("seed", range(12))
def test_lookalikes_top_equals_full_sort(seed):
    graph = _tied_graph(seed + 100)
    rng = random.Random(seed)
    keys = graph.keys.tolist()
    for _ in range(8):
        seed_account = rng.choice(keys)
        options = {
            "metric": rng.choice(METRICS),
            "min_audience": rng.choice([1, 2, 4]),
            "min_shared": rng.choice([1, 1, 2]),
        }
        if rng.random() < 0.3:
            options["tiers"] = rng.sample(_TIERS, rng.randint(1, 2))
        full = _outcome(lookalikes, graph, seed_account, **options)
        for top in (1, 2, 5, 1000):
            _assert_same(_outcome(lookalikes, graph, seed_account, top=top, **options), _head(full, top))


def test_top_cut_inside_a_tie_keeps_the_smallest_keys():
    # x, y, z each followed by both audience members: tied on every number, so the
    # first two by key win whatever their ids
    graph = FollowGraph.from_pairs([
        ("f1", "brand"), ("f2", "brand"),
        ("f1", "z"), ("f2", "z"), ("f1", "y"), ("f2", "y"), ("f1", "x"), ("f2", "x"), ("f1", "w"),
    ])
    table = affinity(graph, "brand", sort="count", top=2)
    assert table["account"].tolist() == ["x", "y"]
    assert table["rank"].tolist() == [1, 2]


_VALUES = st.sampled_from([0.0, -0.0, 1.0, 2.5, 3.0, float("nan"), float("-inf")])


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 25), st.integers(1, 2), st.integers(1, 30), st.data())
def test_top_rows_equals_python_sort(n, n_keys, top, data):
    graph = FollowGraph.from_pairs([(f"s{i}", f"t{data.draw(st.integers(0, 99))}x{i}") for i in range(n)])
    ids = np.asarray(data.draw(st.permutations(range(graph.n_accounts))), dtype=np.int64)
    keys = [np.array(data.draw(st.lists(_VALUES, min_size=len(ids), max_size=len(ids)))) for _ in range(n_keys)]
    names = graph.keys.tolist()

    def order(i: int):
        # descending, NaN and -inf last and equal to each other, then the key ascending
        numbers = [-math.inf if math.isnan(k[i]) else k[i] for k in keys]
        return ([-v for v in numbers], names[ids[i]])

    expected = [int(ids[i]) for i in sorted(range(len(ids)), key=order)[:top]]
    assert top_rows(graph, ids, keys, top).tolist() == expected


@pytest.mark.parametrize("share", [0.05, 0.5, 0.95, 1.0])
def test_observed_in_degree_equals_brute_force(share):
    rng = random.Random(int(share * 100))
    pairs = {(f"u{rng.randint(0, 60)}", f"u{rng.randint(0, 60)}") for _ in range(600)}
    pairs = sorted((a, b) for a, b in pairs if a != b)
    accounts = sorted({a for a, _ in pairs} | {b for _, b in pairs})
    observed = {a for a in accounts if rng.random() < share}
    graph = FollowGraph.from_pairs(pairs, observed=observed)
    expected = {key: sum(1 for a, b in pairs if b == key and a in observed) for key in accounts}
    assert dict(zip(graph.keys.tolist(), observed_in_degree(graph).tolist())) == expected


@pytest.mark.parametrize("share", [0.3, 0.9, 1.0])
def test_rest_baseline_counts_equal_brute_force(share):
    # the "rest" baseline is counted as observed in-degree less the audience and the brand
    # when unobserved accounts follow little; the counts must be those of the rest itself
    rng = random.Random(int(share * 10))
    pairs = sorted({(f"u{rng.randint(0, 40)}", f"u{rng.randint(0, 40)}") for _ in range(500)})
    pairs = [(a, b) for a, b in pairs if a != b] + [(f"u{i}", "brand") for i in range(0, 40, 3)]
    pairs += [("brand", "u1"), ("brand", "u2")]
    accounts = sorted({a for a, _ in pairs} | {b for _, b in pairs})
    observed = {a for a in accounts if rng.random() < share} | {"brand"}
    graph = FollowGraph.from_pairs(pairs, observed=observed)
    followers = {a for a, b in pairs if b == "brand"}
    rest = observed - followers - {"brand"}
    scores = affinity_scores(graph, "brand")
    expected = [sum(1 for a, b in pairs if b == key and a in rest) for key in graph.keys.tolist()]
    assert scores.baseline_size == len(rest)
    assert scores.baseline_counts.tolist() == expected
