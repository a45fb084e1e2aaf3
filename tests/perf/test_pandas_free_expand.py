"""``graphkit expand`` imports no pandas, and ``expand()`` gives the frames it gave before.

The in-memory query builds a :class:`~queries.result_table.ResultTable`
(``expand_result``); the walk that ranks the neighbourhood is a key-only graph
(``FollowGraph.from_key_arrays``). The frames are checked against the frame the
query built with pandas before (``_pandas_reference``, over the shared
``rank_neighbourhood``), on the demo workspace and on wiki-Vote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from graphkit.workspace import open_workspace
from queries.expand import expand, expand_result, expand_table, rank_neighbourhood
from queries.ranking import masked_array
from queries.writers import to_csv, to_json, to_ndjson, to_table
from tests.perf.module_probe import run_probe


@pytest.mark.parametrize("options", [
    ["--hops", "1"],
    ["--hops", "2", "--direction", "following"],
    ["--hops", "2", "--direction", "followers"],
])
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson", "parquet"])
def test_expand_command_never_imports_pandas(demo_workspace, tmp_path, options, fmt):
    args = ["-w", str(demo_workspace), "expand", "acme", *options, "--top", "9"]
    args += ["--out", str(tmp_path / "e.parquet")] if fmt == "parquet" else ["--format", fmt]
    result = run_probe(args, tmp_path)
    assert result["code"] == 0
    # scipy: the walk's personalized PageRank; pyarrow only to write Parquet
    assert result["loaded"] == (["pyarrow"] if fmt == "parquet" else []) + ["scipy"]


# -- the frames equal the pandas frames of before --------------------------------------------------
def _pandas_reference(graph: FollowGraph, seed: str, *, hops: int, direction: str, limit) -> pd.DataFrame:
    """``expand`` as it built its frame with pandas (the walk over the same neighbourhood)."""
    from queries.expand import ORDER

    seed_id = graph.id_of(seed)
    visited, ids, distance, frontier, depth = {seed_id}, [seed_id], [0], [seed_id], 0
    for step in range(1, hops + 1):
        found = set()
        for account in frontier:
            if direction in ("following", "both"):
                found.update(graph.following(account).tolist())
            if direction in ("followers", "both"):
                found.update(graph.followers(account).tolist())
        found -= visited
        if not found:
            break
        depth = step
        frontier = sorted(found)
        visited |= found
        ids += frontier
        distance += [step] * len(frontier)
    ids = np.array(ids, dtype=np.int64)
    local = {account: i for i, account in enumerate(ids.tolist())}
    follower, followee = [], []
    for account in ids.tolist():
        for followed in graph.following(account).tolist():
            if followed in local:
                follower.append(local[account])
                followee.append(local[followed])
    ranked = rank_neighbourhood(graph.keys_of(ids), np.array(distance), np.array(follower, dtype=np.int64),
                                np.array(followee, dtype=np.int64), direction=direction, limit=limit)
    kept = ids[ranked.index]
    followers_count = pd.to_numeric(graph.attribute("followers_count").iloc[kept], errors="coerce")
    followers_count = masked_array(followers_count.to_numpy(dtype=np.float64, na_value=np.nan), "Int64")
    via_ids = np.where(ranked.via >= 0, ids[np.maximum(ranked.via, 0)], -1)
    via = pd.Series(graph.keys_of(np.maximum(via_ids, 0)), dtype="string").mask(via_ids < 0).array
    frame = pd.DataFrame({
        "rank": np.arange(len(kept), dtype=np.int64),
        "account": graph.keys_of(kept),
        "relevance": ranked.relevance,
        "hops": ranked.hops,
        "links": ranked.links,
        "via": via,
        "in_degree": graph.in_degree()[kept].astype(np.int64),
        "out_degree": graph.out_degree()[kept].astype(np.int64),
        "tier": TierScheme.default().assign(followers_count),
        "followers_count": followers_count,
    })
    frame.attrs.update(seed=str(graph.keys_of([seed_id])[0]), hops=hops, direction=direction, limit=limit,
                       reached=ranked.reached, depth=depth, order=ORDER)
    return frame


@pytest.fixture(scope="module")
def graphs(demo_workspace, snap_graph):
    return {"demo": (open_workspace(demo_workspace).graph, ["acme", "camp_ivy"]),
            "wiki-vote": (snap_graph("wiki-vote"), ["4037", "30"])}


@pytest.mark.parametrize("name", ["demo", "wiki-vote"])
@pytest.mark.parametrize("hops, direction, limit", [
    (1, "both", None), (1, "followers", 25), (2, "following", 40), (2, "both", 15), (3, "followers", 10),
])
def test_frames_equal_the_pandas_frames(graphs, name, hops, direction, limit):
    graph, seeds = graphs[name]
    for seed in seeds:
        got = expand(graph, seed, hops=hops, direction=direction, limit=limit)
        want = _pandas_reference(graph, seed, hops=hops, direction=direction, limit=limit)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert {k: v for k, v in got.attrs.items() if k != "note"} == want.attrs


def test_the_reference_sees_a_wrong_via(graphs):
    # the comparison can fail: the seed's via is missing, not the empty text
    graph, _ = graphs["demo"]
    want = _pandas_reference(graph, "acme", hops=1, direction="both", limit=5)
    wrong = want.assign(via=want["via"].fillna(""))
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(expand(graph, "acme", limit=5), wrong, check_exact=True)


def test_frames_do_not_depend_on_a_deferred_accounts_table(demo_workspace):
    lazy = open_workspace(demo_workspace).graph
    got = expand(lazy, "acme", hops=2, limit=30)
    assert not lazy.frame_built
    built = open_workspace(demo_workspace).graph
    eager = FollowGraph(built.accounts.copy(), built.out_indptr, built.out_indices)
    pd.testing.assert_frame_equal(got, expand(eager, "acme", hops=2, limit=30), check_exact=True)


def test_writers_give_the_frames_text(graphs):
    for graph, seeds in graphs.values():
        table = expand_result(graph, seeds[0], hops=2, limit=40)
        frame = table.to_pandas()
        assert frame["via"].dtype == "string" and frame["via"].isna().tolist()[0]
        for write in (to_csv, to_json, to_ndjson, to_table):
            assert write(table) == write(frame), write.__name__


def test_the_other_engines_table_takes_pandas_arrays():
    # Neo4j and Spark hand pandas arrays (missing via and counts) to expand_table
    frame = expand_table({
        "account": np.array(["s", "a"], dtype=object), "relevance": np.array([0.6, 0.4]),
        "hops": np.array([0, 1]), "links": np.array([0, 1]),
        "via": pd.array([None, "s"], dtype="string"), "in_degree": np.array([1, 0]),
        "out_degree": np.array([0, 1]), "followers_count": pd.array([None, 20_000], dtype="Int64"),
    }, scheme=TierScheme.default(), seed_key="s", hops=1, direction="both", limit=None, reached=1, depth=1)
    assert frame["via"].tolist() == [pd.NA, "s"]
    assert frame["followers_count"].tolist() == [pd.NA, 20_000]
    assert frame["tier"].astype(str).tolist() == ["unknown", "micro"]
    assert frame.attrs["note"] is None and frame.attrs["reached"] == 1
