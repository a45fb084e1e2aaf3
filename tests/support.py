"""Helpers shared by the test suites: workspace snapshots, graphkit in a child process, polling."""

from __future__ import annotations

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


def most_followed(graph, k: int = 2) -> list[str]:
    """The ``k`` accounts of ``graph`` with the most observed followers (ties: key ascending)."""
    import numpy as np

    observed_in = np.bincount(
        np.asarray(graph.out_indices)[np.repeat(graph.observed, graph.out_degree())],
        minlength=graph.n_accounts,
    )
    order = np.lexsort((graph.keys, -observed_in))
    return [str(k) for k in graph.keys[order[:k]]]
