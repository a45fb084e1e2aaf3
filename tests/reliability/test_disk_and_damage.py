"""A full disk, a read-only workspace, a damaged workspace: one clear line, nothing lost.

The full disk and the read-only workspace are real where the machine allows it
(a 1 MiB tmpfs mounted as root, then remounted read-only); elsewhere those two
tests skip and the injected-error tests below still run (the write calls raise
``ENOSPC``/``EROFS``/``EACCES``).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from graphkit.cli.main import cli
from graphkit.errors import WorkspaceError
from graphkit.workspace import Workspace
from tests.reliability.helpers import assert_one_line_error, run_graphkit, snapshot


def _edge_file(path: Path, n: int = 120_000) -> Path:
    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, 20_000, n), rng.integers(0, 20_000, n)
    path.write_text("follower,followee\n" + "".join(f"u{a},u{b}\n" for a, b in zip(src, dst)))
    return path


def data_folders(ws: Path) -> list[str]:
    return sorted(p.name for p in ws.iterdir() if p.is_dir() and not p.name.startswith("."))


def live_folders(ws: Path) -> list[str]:
    manifest = Workspace(ws).manifest
    return sorted([manifest["base"]["name"]] + [s["name"] for s in manifest["segments"]])


def _extra_table_file(ws: Path, name: str) -> Path:
    """The Parquet file holding (part of) an extra table, in the base or a segment."""
    for folder in live_folders(ws):
        if (ws / folder / "tables" / f"{name}.parquet").exists():
            return ws / folder / "tables" / f"{name}.parquet"
    raise AssertionError(f"no file of table {name}")


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MiB tmpfs (skips where mounting is not allowed)."""
    point = tmp_path / "disk"
    point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)):
        pytest.skip("cannot mount a tmpfs here (needs root); the injected-error tests cover this")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _cli(*args: str, workspace: Path):
    return CliRunner().invoke(cli, ["-w", str(workspace), *args], catch_exceptions=False)


def test_full_disk_is_one_line_and_keeps_the_old_state(tiny_disk, tmp_path):
    ws = tiny_disk / "ws"
    (tmp_path / "first.txt").write_text("ann\nbob\n")
    assert run_graphkit("-w", str(ws), "load", "followers", str(tmp_path / "first.txt"), "--of", "acme").returncode == 0
    before = snapshot(ws)
    big = _edge_file(tmp_path / "big.csv")
    result = run_graphkit("-w", str(ws), "load", "edges", str(big))
    assert result.returncode == 1
    assert_one_line_error(result.stderr)
    assert "no space left on the device" in result.stderr and "the workspace is unchanged" in result.stderr
    assert snapshot(ws) == before
    assert not list(ws.glob(".tmp-*")) and not list(ws.glob("manifest.json.*"))
    # with room again, the same command completes the load
    assert _mount("-o", "remount,size=64m", str(tiny_disk))
    result = run_graphkit("-w", str(ws), "load", "edges", str(big))
    assert result.returncode == 0, result.stderr
    assert Workspace(ws).graph.n_follows > before["manifest"]["counts"]["follows"]


def test_read_only_workspace_refuses_loads_and_still_answers_queries(tiny_disk, tmp_path):
    ws = tiny_disk / "ws"
    (tmp_path / "first.txt").write_text("ann\nbob\n")
    (tmp_path / "ann.txt").write_text("cat\nacme\n")
    assert run_graphkit("-w", str(ws), "load", "followers", str(tmp_path / "first.txt"), "--of", "acme").returncode == 0
    assert run_graphkit("-w", str(ws), "load", "following", str(tmp_path / "ann.txt"), "--of", "ann").returncode == 0
    before = snapshot(ws)
    assert _mount("-o", "remount,ro", str(tiny_disk))
    (tmp_path / "more.txt").write_text("dan\n")
    result = run_graphkit("-w", str(ws), "load", "followers", str(tmp_path / "more.txt"), "--of", "acme")
    assert result.returncode == 1
    assert_one_line_error(result.stderr)
    assert "read-only" in result.stderr
    info = run_graphkit("-w", str(ws), "info")
    assert info.returncode == 0 and "follows     3" in info.stdout, info.stderr
    query = run_graphkit("-w", str(ws), "affinity", "acme", "--format", "csv")
    assert query.returncode == 0 and "cat" in query.stdout, query.stderr
    assert snapshot(ws) == before


# -- the same faults injected at each write call (runs everywhere) -------------------------
@pytest.fixture
def loaded(tmp_path) -> Path:
    ws = tmp_path / "ws"
    (tmp_path / "first.txt").write_text("ann\nbob\n")
    assert _cli("load", "followers", str(tmp_path / "first.txt"), "--of", "acme", workspace=ws).exit_code == 0
    (tmp_path / "more.txt").write_text("dan\n")
    return ws


def _raiser(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize(("target", "code", "words"), [
    ("replace", errno.EROFS, "read-only"),       # the manifest swap
    ("replace", errno.ENOSPC, "no space left"),
    ("fsync", errno.EIO, "Input/output error"),   # flushing a data file
    ("mkdir", errno.ENOSPC, "no space left"),     # the staging folder
    ("rename", errno.EACCES, "permission denied"),  # staging -> seg-NNNNNN
])
def test_an_os_error_at_any_write_step_is_one_line_and_changes_nothing(loaded, tmp_path, monkeypatch, target, code, words):
    before = snapshot(loaded)
    if target == "replace":
        monkeypatch.setattr(os, "replace", _raiser(code))
    elif target == "fsync":
        monkeypatch.setattr(os, "fsync", _raiser(code))
    elif target == "mkdir":
        real = Path.mkdir

        def mkdir(self, *args, **kwargs):
            if self.name.startswith(".tmp-"):
                raise OSError(code, os.strerror(code))
            return real(self, *args, **kwargs)
        monkeypatch.setattr(Path, "mkdir", mkdir)
    else:
        monkeypatch.setattr(Path, "rename", _raiser(code))
    result = _cli("load", "followers", str(tmp_path / "more.txt"), "--of", "acme", workspace=loaded)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert_one_line_error(result.stderr)
    assert words in result.stderr and "unchanged" in result.stderr
    assert snapshot(loaded) == before
    assert data_folders(loaded) == live_folders(loaded)
    assert not list(loaded.glob("manifest.json.*"))


def test_a_workspace_whose_lock_cannot_be_created_is_one_line(loaded, tmp_path, monkeypatch):
    import builtins

    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    result = _cli("load", "followers", str(tmp_path / "more.txt"), "--of", "acme", workspace=loaded)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert_one_line_error(result.stderr)
    assert "read-only" in result.stderr


# -- a damaged workspace is reported, with the way out, and never rebuilt from part of it --
def _truncate(file: Path) -> None:
    file.write_bytes(file.read_bytes()[: max(1, file.stat().st_size // 3)])


def _scramble(file: Path) -> None:
    """Same size, different bytes (a size check cannot see it)."""
    data = bytearray(file.read_bytes())
    data[: min(len(data), 64)] = b"\xa5" * min(len(data), 64)
    file.write_bytes(bytes(data))


def _edit_manifest(ws: Path, change) -> None:
    manifest = json.loads((ws / "manifest.json").read_text())
    change(manifest)
    (ws / "manifest.json").write_text(json.dumps(manifest))


def _segment_files(ws: Path) -> list[str]:
    manifest = json.loads((ws / "manifest.json").read_text())
    return [f"{s['name']}/{name}" for s in manifest["segments"] for name in s["files"] if name.endswith(".parquet")]


DAMAGE = {
    "truncated accounts.parquet": (lambda ws, d: _truncate(d / "accounts.parquet"), "accounts.parquet"),
    "scrambled accounts.parquet": (lambda ws, d: _scramble(d / "accounts.parquet"),
                                   "accounts.parquet does not match the checksum"),
    "missing out_indices.npy": (lambda ws, d: (d / "out_indices.npy").unlink(), "out_indices.npy is missing"),
    "scrambled in_indptr.npy": (lambda ws, d: _scramble(d / "in_indptr.npy"),
                                "in_indptr.npy does not match the checksum"),
    "missing data folder": (lambda ws, d: shutil.rmtree(d), "is missing"),
    "counts off by one": (lambda ws, d: _edit_manifest(ws, lambda m: m["counts"].update(accounts=m["counts"]["accounts"] + 1)),
                          "do not match"),
    "manifest not JSON": (lambda ws, d: (ws / "manifest.json").write_text('{"schema_version": 1, "data": '), "manifest.json"),
    "manifest a list": (lambda ws, d: (ws / "manifest.json").write_text("[]"), "manifest.json"),
    "manifest without counts": (lambda ws, d: _edit_manifest(ws, lambda m: m.pop("counts")), "manifest.json"),
    "manifest files not a table": (lambda ws, d: _edit_manifest(ws, lambda m: m["base"].update(files=[1, 2])), "manifest.json"),
    "manifest pointing outside": (lambda ws, d: _edit_manifest(ws, lambda m: m["base"].update(name="../elsewhere")), "manifest.json"),
    "segment file missing": (lambda ws, d: next((ws / s).unlink() for s in _segment_files(ws)), "is missing"),
    "scrambled segment file": (lambda ws, d: _scramble(ws / _segment_files(ws)[0]), "does not match the checksum"),
    "manifest deleted": (lambda ws, d: (ws / "manifest.json").unlink(), "manifest.json is missing"),
    "newer schema": (lambda ws, d: _edit_manifest(ws, lambda m: m.update(schema_version=99)), "upgrade graphkit"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_workspace_info_says_what_and_how_and_load_refuses(damage, demo_copy, tmp_path):
    ws = demo_copy
    (tmp_path / "extra.txt").write_text("acme\nnew_account\n")  # a small load: a segment beside the base
    assert _cli("load", "following", str(tmp_path / "extra.txt"), "--of", "someone", workspace=ws).exit_code == 0
    folder = ws / Workspace(ws).manifest["base"]["name"]
    assert _segment_files(ws), "the workspace should hold a segment too"
    harm, words = DAMAGE[damage]
    harm(ws, folder)
    files_before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name not in (".lock",)
                    and ".readers" not in p.parts}

    result = _cli("info", workspace=ws)
    assert result.exit_code == 1, result.stdout
    assert_one_line_error(result.stderr)
    assert words in result.stderr
    assert "backup" in result.stderr or "upgrade graphkit" in result.stderr  # the way out

    # a compaction rebuilds the base from every file: it checks their checksums first and refuses
    result = _cli("compact", workspace=ws)
    assert result.exit_code == 1
    assert_one_line_error(result.stderr)
    if "checksum" not in words:  # damage a size check sees: small loads refuse too
        (tmp_path / "more.txt").write_text("dan\n")
        result = _cli("load", "followers", str(tmp_path / "more.txt"), "--of", "acme", workspace=ws)
        assert result.exit_code == 1
        assert_one_line_error(result.stderr)
    files_after = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name not in (".lock",)
                   and ".readers" not in p.parts}
    assert files_after == files_before, "a damaged workspace was written to"


def test_a_damaged_extra_table_is_reported_not_a_traceback(demo_copy):
    table = _extra_table_file(demo_copy, "posts")
    _scramble(table)
    with pytest.raises(WorkspaceError, match="damaged"):
        Workspace(demo_copy).table("posts")
    result = _cli("talkers", "acme", workspace=demo_copy)
    assert result.exit_code == 1
    assert_one_line_error(result.stderr)


def test_damaged_array_contents_are_detected(demo_copy):
    """Damage that keeps a file's size and header: `graphkit info` finds it by checksum."""
    from graphkit.api import info

    file = demo_copy / Workspace(demo_copy).manifest["base"]["name"] / "out_indices.npy"
    data = bytearray(file.read_bytes())
    data[-400:] = b"\xff\xff\xff\x7f" * 100  # account ids far beyond the graph
    file.write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match=r"damaged: .*out_indices\.npy does not match the checksum"):
        info(Workspace(demo_copy))
