"""``--engine neo4j`` equals the in-memory engine: same rows, numbers, order and notes.

Each query runs twice on the same real graph — in memory on the
:class:`FollowGraph`, and as Cypher on a server holding that graph — and the
two DataFrames must be exactly equal (``check_exact``), ``attrs`` included.
"""

from __future__ import annotations

import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from queries import neo4j_backend
from queries.advocates import advocates
from queries.affinity import affinity
from queries.expand import expand
from tests.support import most_followed

pytestmark = pytest.mark.neo4j

#: graphs from ../shared/data (and the bundled demo, which has profiles and tiers)
DATASETS = ("ego-twitter-sample", "email-eu-core", "demo")


@pytest.fixture(scope="module", params=DATASETS)
def dataset(request, snap_graph, demo_graph):
    name = request.param
    graph = demo_graph if name == "demo" else snap_graph(name)
    if name == "demo":
        brand, reference = "acme", [k for k in most_followed(graph, 2) if k != "acme"][0]
    else:
        brand, reference = most_followed(graph)
    return name, graph, brand, reference


@pytest.fixture
def both(dataset, loaded):
    """``(graph, store, brand, reference)`` with the store holding the same graph."""
    name, graph, brand, reference = dataset
    return graph, loaded(name, graph), brand, reference


def assert_same(memory: pd.DataFrame, server: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(server, memory, check_exact=True)
    assert server.attrs == memory.attrs


AFFINITY_CASES = [
    {},
    {"sort": "lift", "top": None},
    {"sort": "count", "top": 25},
    {"sort": "share", "min_count": 2, "exclude_followed": True, "top": 200},
    {"baseline": "REFERENCE", "top": None},
    {"population": 1_000_000_000, "top": 50},
    {"tiers": ["nano", "micro", "unknown"], "top": 40, "z": 2.58},
]


@pytest.mark.parametrize("options", AFFINITY_CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_affinity(both, options):
    graph, store, brand, reference = both
    options = {k: (reference if v == "REFERENCE" else v) for k, v in options.items()}
    memory = affinity(graph, brand, **options)
    assert len(memory)  # the comparison is not vacuous
    assert_same(memory, neo4j_backend.affinity(store, brand, **options))


@pytest.mark.parametrize("options", [
    {},
    {"sort": "followers", "top": None},
    {"sort": "engagement", "tiers": ["micro", "mid", "unknown"]},
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_advocates(both, options):
    graph, store, brand, _ = both
    memory = advocates(graph, brand, **options)
    assert len(memory)
    assert_same(memory, neo4j_backend.advocates(store, brand, **options))


@pytest.mark.parametrize("options", [
    {"hops": 1, "limit": None},
    {"hops": 2, "direction": "following", "limit": 100},
    {"hops": 2, "direction": "followers", "limit": None},
    {"hops": 3, "direction": "both", "limit": 300},
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_expand(both, options):
    graph, store, brand, reference = both
    reached = 0
    for seed in (brand, reference):
        memory = expand(graph, seed, **options)
        reached += len(memory) - 1
        assert_same(memory, neo4j_backend.expand(store, seed, **options))
    assert reached


def test_unknown_account_and_refused_options(both):
    graph, store, brand, _ = both
    with pytest.raises(AccountNotFound) as server_err:
        neo4j_backend.affinity(store, brand + "zz")
    with pytest.raises(AccountNotFound) as memory_err:
        affinity(graph, brand + "zz")
    assert str(server_err.value) == str(memory_err.value)
    with pytest.raises(QueryError, match="not available with --engine neo4j"):
        neo4j_backend.affinity(store, brand, weight="mass-followers")
    with pytest.raises(QueryError, match="not available with --engine neo4j"):
        neo4j_backend.advocates(store, brand, niche="hiking")


@pytest.mark.parametrize("options", [
    {"min_audience": 1},
    {"metric": "overlap", "min_audience": 3, "top": 30},
    {"metric": "cosine", "min_shared": 2, "top": None},
    {"metric": "jaccard", "tiers": ["unknown", "micro", "mid"], "top": 40},
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_lookalikes(both, options):
    from queries.lookalikes import lookalikes

    graph, store, brand, reference = both
    for seed in (brand, reference):
        memory = lookalikes(graph, seed, **options)
        assert_same(memory, neo4j_backend.lookalikes(store, seed, **options))


def test_lookalikes_refusals_match(both):
    from queries.lookalikes import lookalikes

    graph, store, brand, _ = both
    options = {"min_audience": 10**9}
    with pytest.raises(QueryError) as memory_err:
        lookalikes(graph, brand, **options)
    with pytest.raises(QueryError) as server_err:
        neo4j_backend.lookalikes(store, brand, **options)
    assert str(server_err.value) == str(memory_err.value)
