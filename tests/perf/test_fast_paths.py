"""The optimized paths of the core give exactly what the slow, obvious ones give.

Speed itself is measured by ``python -m benchmarks.run``, never asserted here.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.errors import InputError
from graphkit.graph import FollowGraph, gather_rows, transpose_csr, unique_ints
from graphkit.handles import normalize_handle, normalize_handle_array, normalize_handles
from graphkit.tables import SourceTables, follows_frame
from graphkit.workspace import Workspace
from loaders import ReadContext, read_source
from loaders.edges import parse_edge_lines
from queries.audience import audience_counts

# characters that exercise every branch of normalization: clean, case, @, spaces, URLs,
# non-ASCII letters whose lower-casing differs between libraries, control characters
_ALPHABET = "abcXYZ019_.-@ \t/:?#é\u00a0\x1f\x85\nİK\u212aß"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=9), max_size=40))
def test_normalize_handle_array_matches_per_value(values):
    got = normalize_handle_array(pa.array(values, type=pa.string())).to_pylist()
    assert got == [normalize_handle(v) for v in values]


def test_normalize_handle_array_urls_and_nulls():
    values = ["https://www.instagram.com/_u/Bob.Smith/", " @Ann ", "x.com/Cat", None, "", "ok", "@@x"]
    got = normalize_handle_array(pa.array(values, type=pa.string())).to_pylist()
    assert got[:6] == ["bob.smith", "ann", "cat", None, None, "ok"]
    assert got[6] == normalize_handle("@@x")


def test_normalize_handles_series_keeps_index_and_name():
    series = pd.Series(["@A", "b", None], index=[5, 6, 7], name="who", dtype="string")
    out = normalize_handles(series)
    assert out.index.tolist() == [5, 6, 7] and out.name == "who"
    assert out.tolist() == ["a", "b", pd.NA]


def _handles(rng: random.Random, n: int) -> list[str]:
    names = [f"user{i}_{rng.choice('abcxyz')}" for i in range(n)]
    spelled = []
    for name in names:
        roll = rng.random()
        spelled.append(f"@{name.upper()}" if roll < 0.1 else f" {name} " if roll < 0.15 else name)
    return spelled


def _edge_file(tmp_path, rows: int, seed: int, header: str = "follower,followee") -> tuple:
    rng = random.Random(seed)
    handles = _handles(rng, max(3, rows // 4))
    lines = [header]
    for _ in range(rows):
        a = rng.choice(handles[: len(handles) // 3 + 1])
        b = rng.choice(handles) if rng.random() > 0.02 else a  # a few self-follows
        lines.append(f"{a},{b}")
    lines += lines[1:20]  # duplicates
    path = tmp_path / f"edges-{seed}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, lines


def _graph_arrays(graph: FollowGraph) -> tuple:
    return (
        graph.keys.tolist(), graph.observed.tolist(), np.asarray(graph.out_indptr).tolist(),
        np.asarray(graph.out_indices).tolist(), np.asarray(graph.in_indptr).tolist(),
        np.asarray(graph.in_indices).tolist(),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streamed_edge_csv_equals_line_reader(tmp_path, seed, monkeypatch):
    """Same follows, same account ids, same report, whether read in blocks or line by line."""
    import loaders.edges as edges

    monkeypatch.setattr(edges, "_BLOCK", 4096)  # many blocks, many dictionaries
    path, lines = _edge_file(tmp_path, 3000, seed)
    fast = read_source(str(path), ReadContext(kind="edges"))
    slow = parse_edge_lines(lines, str(path), ReadContext(kind="edges"))
    assert len(fast.follows) > 3
    fast_pairs = pd.concat(map(follows_frame, fast.follows), ignore_index=True).astype(str).values.tolist()
    assert fast_pairs == pd.concat(map(follows_frame, slow.follows), ignore_index=True).astype(str).values.tolist()
    assert fast.rows_read == slow.rows_read

    # ids follow the order keys are first met, which depends on the block layout: compare by key
    reports = {}
    graphs = {}
    for name, source in (("fast", fast), ("slow", slow)):
        ws = Workspace(tmp_path / f"ws-{name}")
        reports[name] = [r.as_dict() for r in ws.commit([source])]
        graph = ws.graph
        keys = graph.keys
        follows = sorted(zip(keys[graph.sources()].tolist(), keys[graph.out_indices].tolist()))
        graphs[name] = (sorted(keys.tolist()), sorted(keys[graph.observed].tolist()), follows)
    for report in reports.values():
        for r in report:
            r.pop("path", None), r.pop("format", None)
    assert reports["fast"] == reports["slow"]
    assert graphs["fast"] == graphs["slow"]


@pytest.mark.parametrize("merge_at", [None, 1, 700])
def test_dictionary_chunks_merge_like_strings_onto_a_base(tmp_path, monkeypatch, merge_at):
    """Second loads and several sources in one commit number accounts the same either way,
    whether the blocks' dictionaries are merged at the end of a file or after every block
    (``merge_at`` 1) or every few (700 keys): the shared dictionary keeps the ids."""
    import loaders.block_keys as block_keys
    import loaders.edges as edges

    monkeypatch.setattr(edges, "_BLOCK", 2048)
    if merge_at is not None:
        monkeypatch.setattr(block_keys, "MERGE_AT", merge_at)
    first, _ = _edge_file(tmp_path, 800, 11)
    second, _ = _edge_file(tmp_path, 800, 12)
    third, _ = _edge_file(tmp_path, 500, 13)

    def as_strings(source: SourceTables) -> SourceTables:
        frames = [follows_frame(f).astype("string") for f in source.follows]
        return SourceTables(path=source.path, format=source.format, follows=frames,
                            observe_followers=True, rows_read=source.rows_read)

    results = []
    for convert in (lambda s: s, as_strings):
        ws = Workspace(tmp_path / f"ws-{len(results)}")
        reports = [r.as_dict() for r in ws.commit([convert(read_source(str(first), ReadContext(kind="edges")))])]
        reports += [r.as_dict() for r in ws.commit([
            convert(read_source(str(second), ReadContext(kind="edges"))),
            convert(read_source(str(third), ReadContext(kind="edges"))),
        ])]
        results.append((reports, _graph_arrays(ws.graph)))
    assert results[0] == results[1]


def test_control_character_in_a_block_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("follower,followee\nann,bob\nbo\x85b,cat\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        read_source(str(path), ReadContext(kind="edges"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=12), st.data())
def test_gather_rows_matches_concatenation(degrees, data):
    indptr = np.concatenate([[0], np.cumsum(degrees)]).astype(np.int64)
    indices = np.arange(indptr[-1], dtype=np.int32)[::-1].copy()
    rows = np.array(data.draw(st.lists(st.integers(0, len(degrees) - 1), max_size=15)), dtype=np.int64)
    expected = [int(v) for r in rows for v in indices[indptr[r] : indptr[r + 1]]]
    assert gather_rows(indptr, indices, rows).tolist() == expected


def _random_graph(seed: int, n: int = 300, m: int = 3000) -> FollowGraph:
    rng = np.random.default_rng(seed)
    accounts = pd.DataFrame({"key": pd.array([f"a{i}" for i in range(n)], dtype="string")})
    accounts["observed"] = True
    return FollowGraph.from_arrays(accounts, rng.integers(n, size=m), rng.integers(n, size=m))


@pytest.mark.parametrize("share", [0.01, 0.5, 1.0])
def test_audience_counts_equal_brute_force(share):
    graph = _random_graph(5)
    rng = np.random.default_rng(7)
    ids = np.sort(rng.choice(graph.n_accounts, size=max(1, int(share * graph.n_accounts)), replace=False))
    expected = np.zeros(graph.n_accounts, dtype=np.int64)
    for f in ids:
        for a in graph.following(f):
            expected[a] += 1
    assert audience_counts(graph, ids).tolist() == expected.tolist()
    # repeated ids count twice, whichever path runs
    doubled = np.concatenate([ids, ids])
    assert audience_counts(graph, doubled).tolist() == (2 * expected).tolist()


def test_transpose_and_unique_ints_match_numpy():
    graph = _random_graph(9)
    rows = graph.sources()
    order = np.lexsort((rows, graph.out_indices))
    t_indptr, t_indices = transpose_csr(graph.out_indptr, graph.out_indices, graph.n_accounts)
    assert t_indices.tolist() == rows[order].tolist()
    assert t_indptr.tolist() == np.concatenate([[0], np.cumsum(np.bincount(graph.out_indices, minlength=graph.n_accounts))]).tolist()
    values = np.random.default_rng(3).integers(-50, 50, size=1000)
    assert unique_ints(values).tolist() == np.unique(values).tolist()
