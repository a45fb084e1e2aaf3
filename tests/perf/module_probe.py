"""Run a real ``graphkit`` command in a fresh interpreter and report which heavy modules it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "pyarrow", "scipy", "networkx")

#: run the CLI in this process, then report which heavy modules it imported
PROBE = """
import json, sys
from graphkit.cli.main import main
sys.argv = ["graphkit", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as done:
    code = done.code
else:
    code = 0
print("MODULES " + json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
""".replace("HEAVY", repr(HEAVY))


def run_probe(args: list[str], cwd: Path) -> dict:
    """``{"code": exit code, "loaded": [heavy modules in sys.modules at exit]}`` of ``graphkit ARGS``."""
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    lines = [x for x in done.stdout.splitlines() if x.startswith("MODULES ")]
    assert lines, done.stderr
    return json.loads(lines[-1][len("MODULES "):])
