"""Loads killed at unknown points, loads racing each other, loads under a busy reader.

tests/core/test_workspace.py already kills a load with SIGKILL at each named
stage (early, staging, staged, swapped); these tests add what it does not
cover: kills at arbitrary moments of a real load, a killed writer's lock,
readers running throughout, and several writers at once.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from graphkit.workspace import Workspace
from tests.reliability.helpers import (
    assert_one_line_error,
    graphkit_process,
    manifest_generation,
    run_graphkit,
    snapshot,
    wait_for,
)


def _edge_file(path: Path, n: int, seed: int, prefix: str = "user") -> Path:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, 30_000, n), rng.integers(0, 30_000, n)
    path.write_text("follower,followee\n" + "".join(f"{prefix}{a},{prefix}{b}\n" for a, b in zip(src, dst)))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return _edge_file(tmp_path_factory.mktemp("big") / "big.csv", 250_000, seed=11)


@pytest.fixture
def base_ws(tmp_path) -> Path:
    """A workspace holding a first load (the state a kill must preserve)."""
    ws = tmp_path / "ws"
    (tmp_path / "first.txt").write_text("ann\nbob\ncat\n")
    result = run_graphkit("-w", str(ws), "load", "followers", str(tmp_path / "first.txt"), "--of", "acme")
    assert result.returncode == 0, result.stderr
    return ws


def _reference(base_ws: Path, tmp_path: Path, *loads: list[str]) -> dict:
    """The state after the loads ran to completion, in a copy of the workspace."""
    ref = tmp_path / "reference"
    shutil.copytree(base_ws, ref)
    for args in loads:
        result = run_graphkit("-w", str(ref), *args)
        assert result.returncode == 0, result.stderr
    return _content(ref)


def _content(ws: Path) -> dict:
    """What a reader sees, without the clocks and folder names a rerun changes."""
    snap = snapshot(ws)
    manifest = snap["manifest"]
    with Workspace(ws) as reader:
        log = reader.sources().drop(columns=["loaded_at", "gen"])
        sources = [{k: v for k, v in row.items() if k != "report" or "loaded_at" not in str(v)}
                   for row in log.astype(object).where(log.notna(), None).to_dict("records")]
    return {"accounts": snap["accounts"], "follows": snap["follows"], "counts": manifest["counts"],
            "sources": sources, "tables": snap["tables"]}


def _staged(ws: Path, generation: int) -> bool:
    """Whether a writer has staged generation ``generation`` (a new base or a segment)."""
    return (ws / f"base-{generation:06d}").exists() or (ws / f"seg-{generation:06d}").exists()


def _data_folders(ws: Path) -> list[str]:
    return sorted(p.name for p in ws.iterdir() if p.is_dir() and not p.name.startswith("."))


def _live_folders(ws: Path) -> list[str]:
    manifest = Workspace(ws).manifest
    return sorted([manifest["base"]["name"]] + [s["name"] for s in manifest["segments"]])


@pytest.mark.slow
def test_kill_at_arbitrary_moments_leaves_before_or_after_never_a_mix(base_ws, big, tmp_path):
    before = _content(base_ws)
    after = _reference(base_ws, tmp_path, ["load", "edges", str(big)])
    pristine = tmp_path / "pristine"
    shutil.copytree(base_ws, pristine)
    for delay in (0.5, 0.9, 1.2, 1.5, 2.0):
        process = graphkit_process("-w", str(base_ws), "load", "edges", str(big))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _content(base_ws)
        assert state in (before, after), f"killed after {delay} s: a state that is neither before nor after"
        if state == after:  # the load had finished: start the next kill from the previous state
            shutil.rmtree(base_ws)
            shutil.copytree(pristine, base_ws)
    # whatever happened, running the load again completes it exactly
    result = run_graphkit("-w", str(base_ws), "load", "edges", str(big))
    assert result.returncode == 0, result.stderr
    assert _content(base_ws) == after
    assert _data_folders(base_ws) == _live_folders(base_ws)


def test_a_killed_writer_does_not_leave_the_workspace_locked(base_ws, tmp_path):
    before = _content(base_ws)
    (tmp_path / "more.txt").write_text("dan\n")
    writer = graphkit_process("-w", str(base_ws), "load", "followers", str(tmp_path / "more.txt"), "--of", "acme",
                              env={"GRAPHKIT_FAULT_PAUSE": "staging", "GRAPHKIT_FAULT_SECONDS": "60"})
    wait_for(lambda: any((p / "accounts.parquet").exists() for p in base_ws.glob(".tmp-*")), what="staging")
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert (base_ws / ".lock").exists()  # the lock file stays; the kernel released the lock itself
    assert _content(base_ws) == before
    result = run_graphkit("-w", str(base_ws), "load", "followers", str(tmp_path / "more.txt"), "--of", "acme",
                          env={"GRAPHKIT_LOCK_TIMEOUT": "1"})
    assert result.returncode == 0, result.stderr
    assert ("dan", "acme") in snapshot(base_ws)["follows"]
    assert not list(base_ws.glob(".tmp-*"))


READER = textwrap.dedent("""
    import json, sys, time
    from graphkit.workspace import Workspace
    path, seconds = sys.argv[1], float(sys.argv[2])
    seen, reads = set(), 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not reads:
        ws = Workspace(path)
        g = ws.graph
        counts = ws.manifest["counts"]
        assert g.n_follows == counts["follows"] and g.n_accounts == counts["accounts"], counts
        assert int(g.out_indptr[-1]) == len(g.out_indices) == g.n_follows
        assert int(g.in_indptr[-1]) == g.n_follows
        keys = g.keys_of(g.sources()[:1000])
        assert all(isinstance(k, str) and k for k in keys)
        seen.add(g.n_follows)
        reads += 1
        if reads == 1:
            print("reading", flush=True)  # the test starts the writers once it sees this
    print(json.dumps({"seen": sorted(seen), "reads": reads}))
""")


@pytest.mark.slow
def test_readers_see_only_complete_states_while_loads_are_killed_and_rerun(base_ws, big, tmp_path):
    before = Workspace(base_ws).graph.n_follows
    reader = subprocess.Popen([sys.executable, "-c", READER, str(base_ws), "6"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout.readline() == "reading\n"  # blocks until the reader has read once
    killed = graphkit_process("-w", str(base_ws), "load", "edges", str(big),
                              env={"GRAPHKIT_FAULT_PAUSE": "staged", "GRAPHKIT_FAULT_SECONDS": "60"})
    wait_for(lambda: (base_ws / "base-000002").exists(), what="staged")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    result = run_graphkit("-w", str(base_ws), "load", "edges", str(big))
    assert result.returncode == 0, result.stderr
    after = Workspace(base_ws).graph.n_follows
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    report = json.loads(out)
    assert report["reads"] > 5
    assert set(report["seen"]) <= {before, after} and before in report["seen"]


def test_second_writer_with_a_short_timeout_fails_with_one_clear_line(base_ws, tmp_path):
    before = _content(base_ws)
    (tmp_path / "a.txt").write_text("dan\n")
    (tmp_path / "b.txt").write_text("eve\n")
    first = graphkit_process("-w", str(base_ws), "load", "followers", str(tmp_path / "a.txt"), "--of", "acme",
                             env={"GRAPHKIT_FAULT_PAUSE": "staged", "GRAPHKIT_FAULT_SECONDS": "60"})
    wait_for(lambda: manifest_generation(base_ws) == 1 and _staged(base_ws, 2), what="staged")
    second = run_graphkit("-w", str(base_ws), "load", "followers", str(tmp_path / "b.txt"), "--of", "acme",
                          env={"GRAPHKIT_LOCK_TIMEOUT": "0.5"})
    assert second.returncode == 1
    assert_one_line_error(second.stderr)
    assert "being written by another graphkit process" in second.stderr and "try again" in second.stderr
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert _content(base_ws) == before


def test_writers_at_once_wait_for_each_other_and_all_land(base_ws, tmp_path):
    lists = []
    for i in range(4):
        lists.append(tmp_path / f"list{i}.txt")
        lists[-1].write_text("".join(f"w{i}_{j}\n" for j in range(200)))
    loads = [["load", "following", str(path), "--of", f"owner{i}"] for i, path in enumerate(lists)]
    # the first writer holds the lock for a while, the others queue up behind it
    env_first = {"GRAPHKIT_FAULT_PAUSE": "staged", "GRAPHKIT_FAULT_SECONDS": "1.5"}
    processes = [graphkit_process("-w", str(base_ws), *loads[0], env=env_first)]
    wait_for(lambda: _staged(base_ws, 2), what="the first writer staged")
    processes += [graphkit_process("-w", str(base_ws), *args, env={"GRAPHKIT_LOCK_TIMEOUT": "60"}) for args in loads[1:]]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    graph = Workspace(base_ws).graph
    follows = set(zip(graph.keys_of(graph.sources()).tolist(), graph.keys_of(graph.out_indices).tolist()))
    for i in range(4):
        assert {(f"owner{i}", f"w{i}_{j}") for j in range(200)} <= follows, f"load {i} was lost"
    assert {("ann", "acme"), ("bob", "acme"), ("cat", "acme")} <= follows
    assert graph.n_follows == 3 + 4 * 200
    assert Workspace(base_ws).manifest["generation"] == 5
    assert _data_folders(base_ws) == _live_folders(base_ws)
