"""Helpers of the reliability suite (the shared ones come from tests.support)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import graphkit_process, run_graphkit, snapshot, wait_for

__all__ = ["graphkit_process", "run_graphkit", "snapshot", "wait_for", "assert_one_line_error",
           "manifest_generation"]










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
