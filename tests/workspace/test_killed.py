"""SIGKILL while a segment is written, while segments merge, and while a compaction runs."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import pytest

from graphkit.workspace import Workspace
from graphkit.workspace.history import follow_spells
from tests.support import graphkit_process, run_graphkit, snapshot, wait_for


def _content(ws: Path) -> dict:
    """What a reader sees (the manifest too: a killed write must leave it byte for byte)."""
    with Workspace(ws) as reader:
        spells = follow_spells(reader).astype(str).values.tolist()
        sources = reader.sources()["path"].tolist()
    return {**snapshot(ws), "spells": spells, "sources": sources,
            "manifest_file": (ws / "manifest.json").read_text()}


def _same_data(a: dict, b: dict) -> bool:
    """Equal graph, tables, history and sources (the folders holding them may differ)."""
    keys = ("accounts", "follows", "tables", "spells", "sources")
    return all(a[k] == b[k] for k in keys) and a["manifest"]["counts"] == b["manifest"]["counts"]


def _folders(ws: Path) -> list[str]:
    return sorted(p.name for p in ws.iterdir() if p.is_dir() and not p.name.startswith("."))


def _live(ws: Path) -> list[str]:
    manifest = Workspace(ws).manifest
    return sorted([manifest["base"]["name"]] + [s["name"] for s in manifest["segments"]])


NOW = "2026-04-01T10:00:00Z"  # a fixed clock: a load run twice records the same times


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A workspace of 3,000 follows (a base) and seven small loads on it (segments)."""
    folder = tmp_path_factory.mktemp("template")
    ws = folder / "ws"
    edges = folder / "edges.csv"
    edges.write_text("follower,followee\n" + "".join(f"u{i},u{(i * 13) % 997}\n" for i in range(3000)))
    env = {"GRAPHKIT_NOW": NOW}
    assert run_graphkit("-w", str(ws), "load", "edges", str(edges), env=env).returncode == 0
    for i in range(7):
        (folder / f"l{i}.txt").write_text(f"u{i}\nu{i + 1}\nfresh{i}\n")
        assert run_graphkit("-w", str(ws), "load", "following", str(folder / f"l{i}.txt"),
                            "--of", f"owner{i}", env=env).returncode == 0
    assert len(Workspace(ws).manifest["segments"]) == 7
    return ws


@pytest.fixture
def grown(template, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GRAPHKIT_NOW", NOW)
    shutil.copytree(template, tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.parametrize("stage", ["segment-staging", "segment-staged", "swapped"])
def test_a_load_killed_while_writing_its_segment(grown, tmp_path, stage):
    before = _content(grown)
    reference = tmp_path / "reference"
    shutil.copytree(grown, reference)
    listing = tmp_path / "more.txt"
    listing.write_text("u5\nnewcomer\n")
    args = ("load", "following", str(listing), "--of", "owner9")
    assert run_graphkit("-w", str(reference), *args).returncode == 0
    after = _content(reference)
    # the eighth small load merges the seven level-0 segments with its own (a tier merge)
    assert len(Workspace(reference).manifest["segments"]) == 1
    process = graphkit_process("-w", str(grown), *args,
                               env={"GRAPHKIT_FAULT_PAUSE": stage, "GRAPHKIT_FAULT_SECONDS": "60"})
    if stage == "segment-staging":
        wait_for(lambda: any((p / "sources.parquet").exists() for p in grown.glob(".tmp-*")), what=stage)
    elif stage == "segment-staged":
        wait_for(lambda: (grown / "seg-000009").exists(), what=stage)
    else:
        wait_for(lambda: json.loads((grown / "manifest.json").read_text())["generation"] == 9, what=stage)
    process.send_signal(signal.SIGKILL)
    process.wait()
    state = _content(grown)
    if stage == "swapped":
        assert _same_data(state, after)   # committed: the new state, whole
    else:
        assert state == before            # not committed: the old state, byte for byte
        assert run_graphkit("-w", str(grown), *args).returncode == 0
        assert _same_data(_content(grown), after)
    # the next writer cleans what the killed one left (staging folders, merged segments)
    assert run_graphkit("-w", str(grown), "load", "profiles", str(_profiles(tmp_path))).returncode == 0
    assert _folders(grown) == _live(grown)


def _profiles(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.csv"
    path.write_text("username,followers\nu1,10\n")
    return path


@pytest.mark.parametrize("stage", ["compacting", "compacted", "swapped"])
def test_a_compaction_killed_at_any_stage_keeps_the_data(grown, stage):
    before = _content(grown)
    process = graphkit_process("-w", str(grown), "compact",
                               env={"GRAPHKIT_FAULT_PAUSE": stage, "GRAPHKIT_FAULT_SECONDS": "60"})
    if stage == "compacting":
        wait_for(lambda: any((p / "accounts.parquet").exists() for p in grown.glob(".tmp-*")), what=stage)
    elif stage == "compacted":
        wait_for(lambda: (grown / "base-000009").exists(), what=stage)
    else:
        wait_for(lambda: json.loads((grown / "manifest.json").read_text())["generation"] == 9, what=stage)
    process.send_signal(signal.SIGKILL)
    process.wait()
    state = _content(grown)
    assert _same_data(state, before)
    if stage != "swapped":
        assert state == before
        assert len(Workspace(grown).manifest["segments"]) == 7
    result = run_graphkit("-w", str(grown), "compact")
    assert result.returncode == 0, result.stderr
    expected = "nothing to compact" if stage == "swapped" else "compacted 7 segments into one base"
    assert result.stdout.startswith(expected)
    assert _same_data(_content(grown), before)
    assert _folders(grown) == _live(grown) and len(_live(grown)) == 1
