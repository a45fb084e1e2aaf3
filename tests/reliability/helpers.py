"""Helpers of the reliability suite: workspace snapshots, graphkit in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def snapshot(path: Path) -> dict:
    """Everything a reader sees: manifest (minus its clock), accounts, follows, extra tables."""
    from graphkit.workspace import Workspace

    ws = Workspace(path)
    g = ws.graph
    return {
        "manifest": {k: v for k, v in ws.manifest.items() if k != "updated"},
        "accounts": g.accounts.astype(str).values.tolist(),
        "follows": sorted(zip(g.keys_of(g.sources()).tolist(), g.keys_of(g.out_indices).tolist())),
        "tables": {name: ws.table(name).astype(str).values.tolist() for name in ws.manifest.get("tables", [])},
    }


def graphkit_process(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """``graphkit ARGS`` in a child process (the working tree's package)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "graphkit.cli.main", *args], env=full_env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs,
    )


def run_graphkit(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``graphkit ARGS`` to completion; returns the completed process (text output)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "graphkit.cli.main", *args], env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )


def wait_for(condition, timeout: float = 60.0, what: str = "the expected stage") -> None:
    """Poll ``condition`` until it holds (fails the test after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached {what}")
        time.sleep(0.02)


def manifest_generation(ws: Path) -> int:
    try:
        return json.loads((ws / "manifest.json").read_text())["generation"]
    except (OSError, ValueError, KeyError):
        return -1


def assert_one_line_error(stderr: str) -> None:
    """A user error: one non-empty line on stderr, no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ") and len(lines[0]) > len("Error: ") + 5, stderr
