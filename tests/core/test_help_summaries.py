"""``graphkit --help`` lists the commands from graphkit/cli/summaries.py without importing them."""

from __future__ import annotations

import json
import subprocess
import sys

import click
from click.testing import CliRunner

from graphkit.cli import summaries
from graphkit.cli.main import COMMANDS, cli


def _current() -> dict[str, str]:
    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name).get_short_help_str(limit=10_000) for name in COMMANDS}


def test_every_summary_is_the_commands_own():
    current = _current()
    assert current == summaries.SUMMARIES, (
        "graphkit/cli/summaries.py is stale; its dictionary should read:\n"
        + "\n".join(f"    {k!r}: {v!r}," for k, v in current.items()))


def test_help_is_the_same_with_and_without_the_summaries(monkeypatch):
    fast = CliRunner().invoke(cli, ["--help"]).output
    monkeypatch.setattr("graphkit.cli.main.SUMMARIES", {})
    assert CliRunner().invoke(cli, ["--help"]).output == fast


def test_help_imports_no_command_module():
    probe = ("import json, sys\nfrom graphkit.cli.main import main\nsys.argv = ['graphkit', '--help']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('MODULES ' + json.dumps(sorted(m for m in sys.modules if m.startswith('graphkit'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    loaded = json.loads([x for x in done.stdout.splitlines() if x.startswith("MODULES ")][-1][len("MODULES "):])
    commands = {spec.split(":")[0] for spec in COMMANDS.values()}
    assert not commands & set(loaded), sorted(commands & set(loaded))
    assert "Commands:" in done.stdout
