"""README.md's Spark block (``requires="spark"``) equals a fresh run.

``tests/core/test_readme.py`` checks every other console block and leaves this
one out: it starts Spark (a JVM). Here ``scripts/readme.py --check
--only-requires spark`` runs it as a reader would, in a fresh shell session;
``--write --only-requires spark`` regenerates it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.spark, pytest.mark.readme]


def test_readme_spark_block_matches_a_fresh_run():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHKIT_", "SPARK_"))}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme.py"), "--check", "--only-requires", "spark"],
        capture_output=True, text=True, timeout=900, cwd=ROOT, env=env,
    )
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert "1 console blocks run" in done.stdout and " 0 differ" in done.stdout
