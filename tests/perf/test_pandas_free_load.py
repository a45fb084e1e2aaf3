"""``graphkit load edges`` imports no pandas, and writes what the pandas path writes.

A load of follows alone (an edge list: no attributes, aliases or extra tables)
builds its account events in Arrow and, into an empty workspace, writes the
first base from Arrow and NumPy (:func:`graphkit.workspace.compaction.compact_into`);
into a workspace that has one, it appends a segment without reading the
accounts as a DataFrame. These tests hold both promises: the real command's
process never has pandas in ``sys.modules`` (first load, a segment, a segment
over segments, a file loaded again, SNAP text), and every file written equals,
value for value, the one the pandas path (``DeltaBuilder.arrow_events = False``)
writes for the same loads — on real SNAP graphs, not only toy ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphkit.api import load_files
from graphkit.workspace import open_workspace
from graphkit.workspace.delta import DeltaBuilder
from tests.perf.module_probe import run_probe

ROOT = Path(__file__).resolve().parents[2]

EDGES = "follower,followee\n@Ann,bob\nbob,cat\ncat,cat\nANN,dan\nx.com/Eve,ann\n"
MORE = "follower,followee\nfay,ann\nbob,gus\n"
LATER = "follower,followee\nhal,fay\nann,hal\n"


def _load(workspace: Path, *args: str, cwd: Path) -> dict:
    result = run_probe(["-w", str(workspace), "load", "edges", *args], cwd)
    return {"code": result["code"], "pandas": "pandas" in result["loaded"]}


def test_load_edges_never_imports_pandas(tmp_path, shared_data):
    for name, text in (("a.csv", EDGES), ("b.csv", MORE), ("c.csv", LATER)):
        (tmp_path / name).write_text(text)
    ws = tmp_path / "ws"
    steps = [("a.csv",), ("b.csv",), ("c.csv",), ("a.csv",),
             (str(shared_data / "snap/wiki-vote/Wiki-Vote.txt"),)]
    layouts = []
    for step in steps:
        result = _load(ws, *step, cwd=tmp_path)
        assert result == {"code": 0, "pandas": False}, step
        manifest = json.loads((ws / "manifest.json").read_text())
        layouts.append((manifest["base"]["generation"], len(manifest["segments"])))
    # a first base, segments over it, and a commit that compacts them (the big SNAP file)
    assert layouts == [(1, 0), (1, 1), (1, 2), (1, 2), (4, 0)]


def test_probe_sees_pandas_when_a_load_needs_it(tmp_path):
    # the check itself can fail: profiles are attributes, read as a DataFrame
    (tmp_path / "p.csv").write_text("username,followers_count\nann,5000\n")
    result = run_probe(["-w", str(tmp_path / "ws"), "load", "profiles", "p.csv"], tmp_path)
    assert result["code"] == 0 and "pandas" in result["loaded"]


# -- the same files from the Arrow path and the pandas path ----------------------------------------
def _build(folder: Path, files: list[Path], *, arrow_events: bool, monkeypatch) -> Path:
    monkeypatch.setattr(DeltaBuilder, "arrow_events", arrow_events)
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-06-01T00:00:00Z")
    ws = open_workspace(folder)
    for file in files:
        load_files(ws, "edges", [file])
    return folder


def _contents(folder: Path) -> dict[str, object]:
    """Every data file of a workspace, by path below its folder: tables without schema metadata."""
    out = {}
    for file in sorted(folder.rglob("*")):
        name = str(file.relative_to(folder))
        if not file.is_file() or name.startswith(".") or file.name == "manifest.json":
            continue
        if file.suffix == ".parquet":
            out[name] = pq.read_table(file)
        elif file.suffix == ".npy":
            out[name] = np.load(file)
        elif file.suffix == ".arrow":
            with pa.memory_map(str(file)) as source:
                out[name] = pa.ipc.open_file(source).read_all()
        else:
            out[name] = file.read_bytes()
    return out


def _same_files(left: Path, right: Path) -> None:
    a, b = _contents(left), _contents(right)
    assert sorted(a) == sorted(b)
    for name in a:
        if isinstance(a[name], pa.Table):
            assert a[name].schema.equals(b[name].schema, check_metadata=True), name
            assert a[name].equals(b[name]), name
        elif isinstance(a[name], np.ndarray):
            assert a[name].dtype == b[name].dtype and np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
        else:
            assert a[name] == b[name], name


def _same_frames(left: Path, right: Path) -> None:
    """What the API reads back is the same too (pandas metadata is not in the Arrow files)."""
    one, two = open_workspace(left), open_workspace(right)
    pd.testing.assert_frame_equal(one.graph.accounts, two.graph.accounts)
    pd.testing.assert_frame_equal(one.sources().drop(columns=["loaded_at"]), two.sources().drop(columns=["loaded_at"]))
    for base in (left, right):  # pandas reads the files the Arrow path wrote as the pandas path's
        for file in base.glob("base-*/*.parquet"):
            pd.read_parquet(file)
    named = sorted(left.glob("base-*/accounts.parquet"))
    if named:
        pd.testing.assert_frame_equal(pd.read_parquet(named[0]), pd.read_parquet(sorted(right.glob("base-*/accounts.parquet"))[0]))


@pytest.mark.parametrize("graph", ["wiki-vote/Wiki-Vote.txt", "email-eu-core/email-Eu-core.txt"])
def test_first_base_from_arrow_equals_the_pandas_path(graph, shared_data, tmp_path, monkeypatch):
    source = shared_data / "snap" / graph
    fast = _build(tmp_path / "fast", [source], arrow_events=True, monkeypatch=monkeypatch)
    slow = _build(tmp_path / "slow", [source], arrow_events=False, monkeypatch=monkeypatch)
    _same_files(fast, slow)
    _same_frames(fast, slow)


def test_segments_from_arrow_equal_the_pandas_path(tmp_path, monkeypatch):
    files = []
    for name, text in (("a.csv", EDGES), ("b.csv", MORE), ("c.csv", LATER)):
        files.append(tmp_path / name)
        files[-1].write_text(text)
    fast = _build(tmp_path / "fast", files, arrow_events=True, monkeypatch=monkeypatch)
    slow = _build(tmp_path / "slow", files, arrow_events=False, monkeypatch=monkeypatch)
    assert json.loads((fast / "manifest.json").read_text())["segments"]
    _same_files(fast, slow)
    _same_frames(fast, slow)
    # and compacting them (pandas) gives the same base either way
    for folder in (fast, slow):
        open_workspace(folder).compact()
    _same_files(fast, slow)
    _same_frames(fast, slow)


def test_compaction_of_flag_accounts_equals_the_pandas_path(shared_data, tmp_path, monkeypatch):
    files = []
    for name, text in (("a.csv", EDGES), ("b.csv", MORE)):
        files.append(tmp_path / name)
        files[-1].write_text(text)
    files.append(shared_data / "snap/wiki-vote/Wiki-Vote.txt")  # past 5 %: the commit compacts
    fast = _build(tmp_path / "fast", files, arrow_events=True, monkeypatch=monkeypatch)
    slow = _build(tmp_path / "slow", files, arrow_events=False, monkeypatch=monkeypatch)
    manifest = json.loads((fast / "manifest.json").read_text())
    assert manifest["base"]["generation"] == 3 and not manifest["segments"]
    _same_files(fast, slow)
    _same_frames(fast, slow)


def test_self_follows_and_normalized_keys_in_a_first_base(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text(EDGES)
    fast = _build(tmp_path / "fast", [tmp_path / "a.csv"], arrow_events=True, monkeypatch=monkeypatch)
    accounts = open_workspace(fast).graph.accounts
    # (ids in order of first appearance in a block: its followers, then its followees)
    assert accounts["key"].tolist() == ["ann", "bob", "cat", "eve", "dan"]
    assert accounts["follows_self"].tolist() == [False, False, True, False, False]
    assert accounts["observed"].tolist() == [True, True, True, True, False]
    slow = _build(tmp_path / "slow", [tmp_path / "a.csv"], arrow_events=False, monkeypatch=monkeypatch)
    _same_files(fast, slow)

