"""``graphkit centrality`` imports no pandas, and ``centrality()`` gives the frames it gave before.

The query ranks on NumPy and builds a :class:`~queries.result_table.ResultTable`
(``centrality_table``); the Python API converts it at the edge. The frames are
checked against the pandas ranking the query used before (``_pandas_reference``:
a frame of every candidate, tier filter, ``sort_values`` by score descending then
account, ``head``) over scores computed by the algorithms themselves, on the demo
workspace (tiers from its profiles) and on wiki-Vote (no profiles, many ties).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphkit.algorithms import centrality as algo
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from graphkit.workspace import open_workspace
from queries.centrality import centrality, centrality_table, ranked_table
from queries.writers import to_csv, to_json, to_ndjson, to_table
from tests.perf.module_probe import run_probe

#: measures that need scipy.sparse (the power iterations and Brandes on the CSR)
SPARSE = ("pagerank", "ppr", "hits", "betweenness")


@pytest.mark.parametrize("options", [
    ["--measure", "pagerank"],
    ["--measure", "in-degree", "--tier", "micro,nano"],
    ["--measure", "out-degree"],
    ["--measure", "hits"],
    ["--measure", "ppr", "--audience-of", "acme", "--exclude-seeds", "--tier", "micro"],
    ["--measure", "ppr", "--seed", "acme", "--seed", "camp_ivy"],
    ["--measure", "betweenness", "--samples", "20", "--random-seed", "3"],
])
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson", "parquet"])
def test_centrality_command_never_imports_pandas(demo_workspace, tmp_path, options, fmt):
    args = ["-w", str(demo_workspace), "centrality", *options, "--top", "7"]
    args += ["--out", str(tmp_path / "c.parquet")] if fmt == "parquet" else ["--format", fmt]
    result = run_probe(args, tmp_path)
    assert result["code"] == 0
    assert "pandas" not in result["loaded"]
    expected = (["pyarrow"] if fmt == "parquet" else []) + (["scipy"] if options[1] in SPARSE else [])
    assert result["loaded"] == expected


def test_betweenness_around_seeds_still_runs_with_the_accounts_frame(demo_workspace, tmp_path):
    # the seeds' neighbourhood is a subgraph, which carries the accounts frame: pandas is imported
    args = ["-w", str(demo_workspace), "centrality", "--measure", "betweenness", "--seed", "acme", "--top", "3",
            "--format", "csv"]
    result = run_probe(args, tmp_path)
    assert result["code"] == 0 and "pandas" in result["loaded"]


# -- the frames equal the pandas ranking of before -----------------------------------------------
def _pandas_reference(graph: FollowGraph, score: np.ndarray, *, extra=None, candidates=None, tiers=None,
                      top=None, measure: str, note: str) -> pd.DataFrame:
    """The ranking ``queries.centrality`` did in pandas before it ranked on NumPy."""
    scheme = TierScheme.default()
    ids = np.arange(graph.n_accounts) if candidates is None else candidates
    followers_count = graph.attribute("followers_count").iloc[ids].to_numpy()
    table = pd.DataFrame({
        "account": graph.keys_of(ids),
        "score": score[ids],
        **{name: values[ids] for name, values in (extra or {}).items()},
        "tier": scheme.assign(followers_count),
        "followers_count": pd.array(followers_count, dtype="Int64"),
    })
    if tiers:
        table = table[table["tier"].isin(list(tiers))]
    table = table.sort_values(["score", "account"], ascending=[False, True], kind="stable")
    if top is not None:
        table = table.head(top)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table.attrs.update(measure=measure, note=note)
    return table


@pytest.fixture(scope="module")
def graphs(demo_workspace, snap_graph):
    return {"demo": (open_workspace(demo_workspace).graph, "acme"), "wiki-vote": (snap_graph("wiki-vote"), "4037")}


#: tiers each graph holds (wiki-Vote has no profiles: every account is ``unknown``)
TIERS = {"demo": (["micro", "nano"], ["regular", "unknown"]), "wiki-vote": (["unknown"], ["unknown"])}


@pytest.mark.parametrize("name", ["demo", "wiki-vote"])
@pytest.mark.parametrize("top, tier_set", [(None, None), (25, None), (10, 0), (5, 1)])
def test_frames_equal_the_pandas_ranking(graphs, name, top, tier_set):
    graph, brand = graphs[name]
    tiers = None if tier_set is None else TIERS[name][tier_set]
    n = graph.n_accounts
    hubs, authorities = algo.hits(graph)
    scores = {
        "pagerank": (algo.pagerank(graph), {}),
        "in-degree": (graph.in_degree(), {}),
        "out-degree": (graph.out_degree(), {}),
        "hits": (authorities, {"hub": hubs}),
    }
    for measure, (score, extra) in scores.items():
        got = centrality(graph, measure, top=top, tiers=tiers)
        want = _pandas_reference(graph, score, extra=extra, tiers=tiers, top=top, measure=measure,
                                 note=got.attrs["note"])
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs == want.attrs
    # personalized PageRank from the brand's observed followers, those and the brand left out
    observed = graph.followers(graph.id_of(brand))
    observed = observed[graph.observed[observed]]
    score = algo.pagerank(graph, personalization={int(i): 1.0 for i in observed})
    got = centrality(graph, "ppr", audience_of=brand, exclude_seeds=True, top=top, tiers=tiers)
    left = np.setdiff1d(np.arange(n), np.append(observed, graph.id_of(brand)))
    want = _pandas_reference(graph, score, candidates=left, tiers=tiers, top=top, measure="ppr",
                             note=got.attrs["note"])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # sampled betweenness: the same sample for the same seed
    score = algo.betweenness(graph, k=30, seed=5)
    got = centrality(graph, "betweenness", samples=30, sample_seed=5, top=top, tiers=tiers)
    want = _pandas_reference(graph, score, tiers=tiers, top=top, measure="betweenness", note=got.attrs["note"])
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_the_reference_sees_a_wrong_order(graphs):
    # the comparison can fail: a ranking by account first is not the query's
    graph, _ = graphs["wiki-vote"]
    got = centrality(graph, "in-degree", top=30)
    want = _pandas_reference(graph, graph.in_degree(), top=30, measure="in-degree", note=got.attrs["note"])
    wrong = want.sort_values("account", ignore_index=True).assign(rank=want["rank"])
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(got, wrong, check_exact=True)


def test_frames_do_not_depend_on_a_deferred_accounts_table(demo_workspace):
    for measure, options in (("pagerank", dict(top=20)), ("in-degree", dict(tiers=["micro"])),
                             ("ppr", dict(audience_of="acme", exclude_seeds=True, top=15)),
                             ("hits", dict(top=10, tiers=["nano", "unknown"]))):
        lazy = open_workspace(demo_workspace).graph
        got = centrality(lazy, measure, **options)
        assert not lazy.frame_built  # answered from the NumPy columns
        built = open_workspace(demo_workspace).graph
        eager = FollowGraph(built.accounts.copy(), built.out_indptr, built.out_indices)
        pd.testing.assert_frame_equal(got, centrality(eager, measure, **options), check_exact=True)


def test_writers_give_the_frames_text(graphs):
    for graph, _ in graphs.values():
        for measure in ("pagerank", "in-degree", "hits"):
            table = centrality_table(graph, measure, top=40)
            frame = table.to_pandas()
            for write in (to_csv, to_json, to_ndjson, to_table):
                assert write(table) == write(frame), (measure, write.__name__)


def test_ranked_table_of_the_other_engines_orders_and_filters():
    # Spark hands its collected rows here: missing counts, ties by account, the tier filter and top
    keys = np.array(["d", "b", "a", "c"], dtype=object)
    frame = ranked_table(keys, np.array([0.5, 0.25, 0.5, 0.1]), pd.array([None, 20_000, 5_000, None], dtype="Float64"),
                         TierScheme.default(), tiers=None, top=3, exclude_seeds=False, measure="pagerank", note="n")
    assert frame["account"].tolist() == ["a", "d", "b"]
    assert frame["tier"].astype(str).tolist() == ["nano", "unknown", "micro"]
    assert frame["followers_count"].tolist() == [5_000, pd.NA, 20_000]
    assert frame.attrs == {"measure": "pagerank", "note": "n"}
    only = ranked_table(keys, np.array([0.5, 0.25, 0.5, 0.1]), [None, 20_000, 5_000, None], TierScheme.default(),
                        tiers=["unknown"], top=None, exclude_seeds=False, measure="pagerank", note="")
    assert only["account"].tolist() == ["d", "c"]


def test_seeds_are_found_in_the_numpy_key_data(demo_workspace):
    from graphkit.errors import AccountNotFound

    lazy = open_workspace(demo_workspace).graph
    eager = open_workspace(demo_workspace).graph
    eager.accounts  # noqa: B018  (builds the frame: the pandas lookup)
    seeds = ["acme", "@Camp_Ivy", "acme", "lena.club"]
    assert lazy.ids_of(seeds).tolist() == eager.ids_of(seeds).tolist()
    assert not lazy.frame_built
    with pytest.raises(AccountNotFound) as err:
        lazy.ids_of(["acme", "acm"])
    assert "acme" in err.value.suggestions
