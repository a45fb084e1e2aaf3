"""README.md's Neo4j blocks (``requires="neo4j"``) equal a fresh run against the test server.

The other blocks are checked by ``tests/core/test_readme.py``; these need a server,
so they run here, where the session's server is, with ``NEO4J_URI`` set as a user
would set it. Server address, version and durations are masked by the blocks'
directives.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.neo4j, pytest.mark.readme]


def test_readme_neo4j_blocks_match_a_fresh_run(store):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHKIT_"))}
    env["NEO4J_URI"] = store.settings.uri
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme.py"), "--check", "--only-requires", "neo4j"],
        capture_output=True, text=True, timeout=900, cwd=ROOT, env=env,
    )
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert "2 console blocks run" in done.stdout and " 0 differ" in done.stdout
