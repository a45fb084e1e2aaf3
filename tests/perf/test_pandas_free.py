"""The cold command path imports no pandas, and gives what the pandas path gives.

``graphkit affinity`` and ``graphkit lookalikes`` compute on NumPy and write a :class:`ResultTable`; the
workspace opens a base from NumPy files and builds the accounts DataFrame only
when asked. These tests hold the three promises: the process never imports
pandas (checked in ``sys.modules`` of a real subprocess, per output format), the
text written is the text the pandas frame gives, and the API's frames do not
depend on whether the graph's accounts table was deferred.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from graphkit.graph import FollowGraph
from graphkit.workspace import open_workspace
from queries.affinity import affinity, affinity_table
from queries.writers import to_csv, to_json, to_ndjson, to_table
from tests.perf.module_probe import run_probe as _run_probe

ROOT = Path(__file__).resolve().parents[2]
@pytest.mark.parametrize("command", ["affinity", "lookalikes"])
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson", "parquet"])
def test_query_command_never_imports_pandas(demo_workspace, tmp_path, fmt, command):
    args = ["-w", str(demo_workspace), command, "acme", "--top", "5"]
    args += ["--out", str(tmp_path / "a.parquet")] if fmt == "parquet" else ["--format", fmt]
    result = _run_probe(args, tmp_path)
    assert result["code"] == 0
    assert "pandas" not in result["loaded"]
    # pyarrow only to write Parquet; never scipy or networkx
    expected = ["pyarrow"] if fmt == "parquet" else []
    assert result["loaded"] == expected


def test_affinity_command_with_options_never_imports_pandas(demo_workspace, tmp_path):
    args = ["-w", str(demo_workspace), "affinity", "acme", "--top", "8", "--tier", "micro,mid",
            "--weight", "mass-followers", "--sort", "lift", "--baseline", "camp_ivy", "--format", "csv"]
    result = _run_probe(args, tmp_path)
    assert result == {"code": 0, "loaded": []}


def test_probe_sees_pandas_when_a_command_imports_it(demo_workspace, tmp_path):
    # the check itself can fail: a command that needs the accounts frame imports pandas
    result = _run_probe(["-w", str(demo_workspace), "advocates", "acme", "--top", "3"], tmp_path)
    assert result["code"] == 0 and "pandas" in result["loaded"]


# -- the same text from a ResultTable and from its pandas frame ---------------------------------
def _tables(graph, brand):
    yield affinity_table(graph, brand, top=25)
    yield affinity_table(graph, brand, top=10, sort="count", weight="mass-followers")
    yield affinity_table(graph, brand, top=10, min_count=10**9)  # no row
    yield affinity_table(graph, brand, top=10, population=100_000_000)


@pytest.fixture(scope="module")
def graphs(demo_workspace, snap_graph):
    return [(open_workspace(demo_workspace).graph, "acme"), (snap_graph("wiki-vote"), "4037")]


def test_writers_give_the_pandas_text_for_a_result_table(graphs, tmp_path):
    from queries.lookalikes import lookalikes_table

    for graph, brand in graphs:
        for table in [*_tables(graph, brand), lookalikes_table(graph, brand, top=30, metric="cosine")]:
            frame = table.to_pandas()
            for write in (to_csv, to_json, to_ndjson, to_table):
                assert write(table) == write(frame), write.__name__
            assert to_csv(table, sep="\t") == to_csv(frame, sep="\t")


def test_parquet_of_a_result_table_reads_back_as_the_frame(graphs, tmp_path):
    from queries.writers import write_frame

    graph, brand = graphs[0]
    table = affinity_table(graph, brand, top=25)
    write_frame(table, str(tmp_path / "a.parquet"))
    write_frame(table.to_pandas(), str(tmp_path / "b.parquet"))
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    assert a.to_pylist() == b.to_pylist()
    assert a.column_names == b.column_names


def test_csv_neutralizes_and_quotes_like_pandas():
    graph = FollowGraph.from_pairs([("f1", "brand"), ("f2", "brand"), ("f1", "=cmd"), ("f2", "+x"),
                                    ("f1", "a,b"), ("r", "+x")])
    table = affinity_table(graph, "brand", top=10)
    assert to_csv(table) == to_csv(table.to_pandas())
    assert "'=cmd" in to_csv(table) and "'+x" in to_csv(table)


# -- the API's frames do not depend on the deferred accounts table -------------------------------
def _eager(graph: FollowGraph) -> FollowGraph:
    """The same graph with its accounts DataFrame built up front (the path before columns)."""
    return FollowGraph(graph.accounts.copy(), graph.out_indptr, graph.out_indices, graph.in_indptr, graph.in_indices)


@pytest.mark.parametrize("options", [
    dict(top=20), dict(), dict(top=5, sort="lift"), dict(top=10, weight="mass-followers"),
    dict(top=10, tiers=["nano", "micro"]), dict(top=10, population=100_000_000), dict(top=7, exclude_followed=True),
])
def test_affinity_frames_equal_with_a_deferred_or_a_built_accounts_table(demo_workspace, options):
    lazy = open_workspace(demo_workspace).graph
    assert not lazy.frame_built
    got = affinity(lazy, "acme", **options)
    assert not lazy.frame_built  # answered from the NumPy columns
    want = affinity(_eager(open_workspace(demo_workspace).graph), "acme", **options)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got.attrs == want.attrs


def test_deferred_accounts_table_is_the_snapshot_frame(demo_workspace):
    workspace = open_workspace(demo_workspace)
    graph = workspace.graph
    assert graph.columns is not None and not graph.frame_built
    pd.testing.assert_frame_equal(graph.accounts, workspace.snapshot.accounts().reset_index(drop=True))
    assert graph.observed.tolist() == graph.accounts["observed"].tolist()
    for name in ("followers_count", "following_count"):
        stored = open_workspace(demo_workspace).graph.numeric(name)
        from_frame = pd.to_numeric(graph.accounts[name], errors="coerce").to_numpy("float64", na_value=float("nan"))
        assert pd.Series(stored).equals(pd.Series(from_frame))


@pytest.mark.parametrize("options", [dict(top=20), dict(), dict(top=5, metric="overlap", tiers=["mid", "micro"])])
def test_lookalikes_frames_equal_with_a_deferred_or_a_built_accounts_table(demo_workspace, options):
    from queries.lookalikes import lookalikes

    lazy = open_workspace(demo_workspace).graph
    got = lookalikes(lazy, "acme", **options)
    assert not lazy.frame_built
    want = lookalikes(_eager(open_workspace(demo_workspace).graph), "acme", **options)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got.attrs == want.attrs


def test_unknown_brand_still_suggests_close_keys(demo_workspace):
    from graphkit.errors import AccountNotFound

    graph = open_workspace(demo_workspace).graph
    with pytest.raises(AccountNotFound) as err:
        graph.id_of("acm")
    assert "acme" in err.value.suggestions


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_info_never_imports_pandas(demo_workspace, tmp_path, fmt):
    # the counts come from the NumPy columns, the source log from its Arrow table
    result = _run_probe(["-w", str(demo_workspace), "info", "--format", fmt], tmp_path)
    assert result["code"] == 0 and "pandas" not in result["loaded"]
