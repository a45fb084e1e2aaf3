"""The workspace: merges, idempotence, atomicity (also under SIGKILL), locking, damage."""

import json
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from graphkit.api import load_files
from graphkit.errors import InputError, WorkspaceError, WorkspaceLocked
from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from tests.support import graphkit_process, snapshot, wait_for


def test_merge_keeps_ids_and_unions_edges(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([SourceTables.from_pairs("a", [("a", "b"), ("b", "c")], observed=["a"])])
    before = ws.graph.keys.tolist()
    reports = ws.commit([SourceTables.from_pairs("b", [("b", "c"), ("c", "d")], observed=["c"])])
    g = Workspace(tmp_path / "ws").graph
    assert g.keys.tolist()[: len(before)] == before
    assert g.n_follows == 3
    assert reports[0].follows_added == 1 and reports[0].duplicates == 1 and reports[0].accounts_added == 1
    assert g.keys_of(np.flatnonzero(g.observed)).tolist() == ["a", "c"]


def test_attributes_later_values_win_missing_values_keep(tmp_path, tmp_path_factory):
    folder = tmp_path
    (folder / "p1.csv").write_text("username,followers,bio\nann,10,hi\nbob,20,yo\n")
    (folder / "p2.csv").write_text("username,followers,bio\nann,11,\n")
    ws = Workspace(folder / "ws")
    load_files(ws, "profiles", [folder / "p1.csv"])
    load_files(ws, "profiles", [folder / "p2.csv"])
    accounts = Workspace(folder / "ws").graph.accounts.set_index("key")
    assert accounts.loc["ann", "followers_count"] == 11
    assert accounts.loc["ann", "bio"] == "hi"
    assert accounts.loc["bob", "followers_count"] == 20


def test_loading_the_same_file_twice_changes_nothing(tmp_path):
    (tmp_path / "f.txt").write_text("ann\nbob\n")
    ws = Workspace(tmp_path / "ws")
    load_files(ws, "followers", [tmp_path / "f.txt"], of="acme")
    first = snapshot(tmp_path / "ws")
    reports = load_files(ws, "followers", [tmp_path / "f.txt"], of="acme")
    assert reports[0].skipped_reason == "already loaded; nothing changed"
    assert snapshot(tmp_path / "ws") == first


def test_a_bad_file_among_good_ones_writes_nothing(tmp_path):
    (tmp_path / "good.txt").write_text("ann\n")
    (tmp_path / "bad.csv").write_text("username,x\nann,1,2\n")
    ws = Workspace(tmp_path / "ws")
    load_files(ws, "followers", [tmp_path / "good.txt"], of="acme")
    before = snapshot(tmp_path / "ws")
    with pytest.raises(InputError):
        load_files(ws, "following", [tmp_path / "good.txt", tmp_path / "bad.csv"], of="{stem}")
    assert snapshot(tmp_path / "ws") == before


def data_folders(path: Path) -> list[str]:
    """The data folders of a workspace (not the lock and pin files)."""
    return sorted(p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


def live_folders(ws: Workspace) -> list[str]:
    manifest = ws.manifest
    return sorted([manifest["base"]["name"]] + [s["name"] for s in manifest["segments"]])


@pytest.mark.parametrize("write", ["segment", "base"])
def test_os_error_during_write_leaves_old_state(tmp_path, monkeypatch, write):
    import pyarrow.parquet as pq

    ws = Workspace(tmp_path / "ws")
    ws.commit([SourceTables.from_pairs("a", [("a", "b")])])
    ws.commit([SourceTables.from_pairs("b", [("b", "c")])])
    before = snapshot(tmp_path / "ws")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full_disk)
    with pytest.raises(WorkspaceError, match="no space left"):
        if write == "segment":
            Workspace(tmp_path / "ws").commit([SourceTables.from_pairs("c", [("c", "d")])])
        else:
            Workspace(tmp_path / "ws").compact()
    monkeypatch.undo()
    assert snapshot(tmp_path / "ws") == before
    assert data_folders(tmp_path / "ws") == live_folders(Workspace(tmp_path / "ws"))


def test_damaged_workspace_is_reported_not_rebuilt(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([SourceTables.from_pairs("a.csv", [("a", "b")])])
    data = tmp_path / "ws" / ws.manifest["base"]["name"] / "accounts.parquet"
    data.write_bytes(data.read_bytes()[:20])
    with pytest.raises(WorkspaceError, match=r"damaged: .*accounts\.parquet has 20 bytes.*load the sources again \(a\.csv\)"):
        _ = Workspace(tmp_path / "ws").graph


def test_manifest_that_is_not_json(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([SourceTables.from_pairs("a", [("a", "b")])])
    (tmp_path / "ws" / "manifest.json").write_text("{not json")
    with pytest.raises(WorkspaceError, match="damaged"):
        _ = Workspace(tmp_path / "ws").graph


def test_second_writer_waits_then_fails_clearly(tmp_path, monkeypatch):
    ws = Workspace(tmp_path / "ws")
    monkeypatch.setenv("GRAPHKIT_LOCK_TIMEOUT", "0.3")
    with ws.lock():
        with pytest.raises(WorkspaceLocked, match="being written by another graphkit process"):
            Workspace(tmp_path / "ws").commit([SourceTables.from_pairs("a", [("a", "b")])])


# -- a load killed with SIGKILL at each stage leaves the previous workspace ---------------

def _big_edge_file(path: Path, n: int = 300_000) -> Path:
    rng = np.random.default_rng(7)
    src = rng.integers(0, 40_000, n)
    dst = rng.integers(0, 40_000, n)
    with open(path, "w") as handle:
        handle.write("follower,followee\n")
        handle.writelines(f"user{a},user{b}\n" for a, b in zip(src, dst))
    return path


@pytest.mark.parametrize("stage", ["early", "staging", "staged", "swapped"])
def test_load_killed_mid_write_leaves_previous_state(tmp_path, stage):
    """A big load onto a small workspace rewrites the base; killed anywhere, nothing is lost."""
    ws_path = tmp_path / "ws"
    (tmp_path / "first.txt").write_text("ann\nbob\n")
    load_files(Workspace(ws_path), "followers", [tmp_path / "first.txt"], of="acme")
    before = snapshot(ws_path)
    big = _big_edge_file(tmp_path / "big.csv")
    env = {} if stage == "early" else {"GRAPHKIT_FAULT_PAUSE": stage, "GRAPHKIT_FAULT_SECONDS": "60"}
    process = graphkit_process("-w", str(ws_path), "load", "edges", str(big), env=env)
    if stage == "early":
        time.sleep(0.3)
    elif stage == "staging":
        wait_for(lambda: any(p.name.startswith(".tmp-") for p in ws_path.iterdir()) and
                  any((p / "accounts.parquet").exists() for p in ws_path.glob(".tmp-*")))
    elif stage == "staged":
        wait_for(lambda: (ws_path / "base-000002").exists())
    elif stage == "swapped":
        wait_for(lambda: json.loads((ws_path / "manifest.json").read_text())["generation"] == 2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = snapshot(ws_path)
    if stage == "swapped":
        # the new state was already committed: it is complete, not a mix
        assert after["manifest"]["counts"]["follows"] > before["manifest"]["counts"]["follows"]
    else:
        assert after == before
    # running the load again completes it
    rerun = graphkit_process("-w", str(ws_path), "load", "edges", str(big))
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    final = Workspace(ws_path)
    assert final.graph.n_follows > before["manifest"]["counts"]["follows"]
    assert data_folders(ws_path) == live_folders(final)


def test_meta_documents_are_committed_with_the_data_and_can_be_removed(tmp_path):
    from graphkit.tables import SourceTables
    from graphkit.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.commit([SourceTables.from_pairs("x.csv", [("a", "b")])], meta={"crawl/x": {"done": ["a"]}})
    assert Workspace(ws.path).meta("crawl/x") == {"done": ["a"]}
    ws.commit([], meta={"crawl/x": {"done": ["a", "b"]}})  # state alone is a commit too
    reopened = Workspace(ws.path)
    assert reopened.meta("crawl/x") == {"done": ["a", "b"]} and reopened.graph.n_follows == 1
    reopened.commit([], meta={"crawl/x": None})
    assert Workspace(ws.path).meta("crawl/x") is None


def test_the_clock_can_be_fixed_for_reproducible_loads(tmp_path, monkeypatch):
    from graphkit.tables import SourceTables
    from graphkit.workspace import Workspace

    monkeypatch.setenv("GRAPHKIT_NOW", "2026-02-03T04:05:06Z")
    ws = Workspace(tmp_path / "ws")
    ws.commit([SourceTables.from_pairs("x.csv", [("a", "b")])])
    assert Workspace(ws.path).sources()["loaded_at"].tolist() == ["2026-02-03T04:05:06+00:00"]
