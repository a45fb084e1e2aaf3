"""README.md cannot drift: every console block equals a fresh run (scripts/readme.py).

Run alone with ``python -m pytest -m readme``; regenerate with
``python scripts/readme.py --write``. The blocks marked ``requires="neo4j"`` are
checked by ``tests/neo4j/test_neo4j_readme.py`` against the test server.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "readme.py"

pytestmark = pytest.mark.readme


def _script():
    spec = importlib.util.spec_from_file_location("readme_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("readme_script", module)
    spec.loader.exec_module(module)
    return module


def test_readme_matches_a_fresh_run():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHKIT_"))}
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True,
                          timeout=900, cwd=ROOT, env=env)
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert " 0 differ" in done.stdout


def test_directives_are_parsed():
    readme = _script()
    text = (
        "# t\n\n<!-- readme: setup=\"printf 'a\\n' > x.txt\" env=\"GRAPHKIT_NOW=2026-01-01 A=b\" -->\n\n"
        "```console\n$ cat x.txt\na\n```\n\n```bash\n$ not a console block\n```\n"
        "<!-- readme: requires=\"neo4j\" mask=\"in [0-9.]+ s\" -->\n```console\n$ graphkit neo4j status\n```\n"
    )
    blocks = readme.parse(text)
    assert [b.directive for b in blocks] == [
        {"setup": "printf 'a\\n' > x.txt", "env": "GRAPHKIT_NOW=2026-01-01 A=b"},
        {"requires": "neo4j", "mask": "in [0-9.]+ s"},
    ]
    assert blocks[0].commands == [("cat x.txt", ["a"])]
    with pytest.raises(readme.ReadmeError, match="unknown or no attribute"):
        readme.parse('<!-- readme: step="x" -->\n```console\n$ true\n```\n')
    with pytest.raises(readme.ReadmeError, match="must start with a `\\$ ` command"):
        readme.parse("```console\noutput first\n```\n")


@pytest.mark.parametrize("use_server", [True, False], ids=["fork-server", "console-script"])
def test_setup_env_session_and_cleanup(use_server, tmp_path):
    readme = _script()
    pid_file = tmp_path / "sleeper.pid"
    text = (
        f"<!-- readme: setup=\"printf 'ann\\nbob\\n' > acme.txt; sleep 600 & echo $! > {pid_file}\" "
        "env=\"GRAPHKIT_NOW=2026-01-01\" -->\n"
        "```console\n$ export GRAPHKIT_WORKSPACE=ws\n$ graphkit load followers acme.txt --of acme\n"
        "$ echo $GRAPHKIT_NOW $COLUMNS\n$ graphkit affinity nobody\nold output\n```\n\n"
        "```console\n$ echo $GRAPHKIT_NOW $GRAPHKIT_WORKSPACE\n$ ls graphkit/data/demo | head -1; ls -d examples/lists\n```\n"
    )
    new, diffs = readme.process(text, use_server=use_server, log=lambda *_: None)
    assert new.split("\n") == [
        text.split("\n")[0],
        "```console", "$ export GRAPHKIT_WORKSPACE=ws", "$ graphkit load followers acme.txt --of acme",
        "acme.txt (handle-list): 2 rows read, 3 accounts added, 2 follows added, 0 duplicates, "
        "0 self-follows dropped",
        "$ echo $GRAPHKIT_NOW $COLUMNS", "2026-01-01 80",
        "$ graphkit affinity nobody",
        "Error: account 'nobody' is not in the graph",
        "```", "",
        "```console", "$ echo $GRAPHKIT_NOW $GRAPHKIT_WORKSPACE", "2026-11-02T09:00:00Z ws",
        "$ ls graphkit/data/demo | head -1; ls -d examples/lists", "acme_followers.txt", "examples/lists", "```", "",
    ]
    assert len(diffs) == 2
    assert not _running(int(pid_file.read_text()))  # the setup's background process was stopped


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a killed child not yet reaped is a zombie: not live)."""
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.1)
    return True


def test_a_failing_command_without_a_graphkit_error_stops_the_run():
    readme = _script()
    with pytest.raises(readme.ReadmeError, match="exited 3 without a graphkit error"):
        readme.process("```console\n$ exit 3\n```\n", use_server=False, log=lambda *_: None)


def test_a_background_server_on_the_port_the_block_shows(tmp_path):
    # the block shows port 8787; the run uses a free port in its place and shows 8787 again
    readme = _script()
    text = (
        '<!-- readme: port="8787" -->\n```console\n'
        "$ python -m http.server 8787 --bind 127.0.0.1 &\n"
        "$ python -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8787/').status)\"\n"
        "```\n"
    )
    new, _ = readme.process(text, use_server=False, log=lambda *_: None)
    assert new.split("\n")[2:6] == [
        "$ python -m http.server 8787 --bind 127.0.0.1 &",
        "Serving HTTP on 127.0.0.1 port 8787 (http://127.0.0.1:8787/) ...",
        "$ python -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8787/').status)\"",
        "200",
    ]
