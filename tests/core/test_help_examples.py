"""Every ``--help`` ends with Examples that run, as written, on the demo workspace.

Each command's (and group's) help is read at 80 columns; its last section must be
``Examples:`` with command lines. Every line is then run in a folder laid out as
a clone of the repository after ``graphkit demo``: ``graphkit-demo`` (a copy of
the demo workspace, built once per session), ``graphkit/data/demo`` and
``examples/`` (the repository's own files, linked). The ``neo4j`` examples need
a server: ``tests/neo4j/test_neo4j_examples.py`` runs them against the test
server. Group listings show whole first sentences, never cut with "...".
"""

from __future__ import annotations

import re

import click
import pytest

from graphkit.cli.help import EXAMPLES_HEADING
from tests.help_examples import (
    COMMANDS,
    all_examples,
    command_of,
    help_text,
    make_clone,
    needs_neo4j,
    run_example,
)

ALL_EXAMPLES = all_examples()


@pytest.fixture
def clone_after_demo(demo_workspace, tmp_path, monkeypatch):
    """A folder like a clone of the repository in which `graphkit demo` has run."""
    make_clone(demo_workspace, tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "GRAPHKIT_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_every_command_has_examples():
    assert len(COMMANDS) >= 28  # every command, group and sub-command
    for path, lines in ALL_EXAMPLES.items():
        assert lines, path
        # an example of a command shows that command (a group's, one of its sub-commands)
        assert any(command_of(line)[: len(path)] == path for line in lines), (path, lines)


def test_help_never_points_below_and_never_cuts_summaries():
    for path in COMMANDS:
        text = help_text(path)
        assert "see below" not in text.lower(), path
        if isinstance(COMMANDS[path], click.Group):
            section = text.split("Commands:\n", 1)[1].split(EXAMPLES_HEADING)[0]
            assert "..." not in section, (path, section)
            for name, command in COMMANDS.items():
                if len(name) == len(path) + 1 and name[: len(path)] == path:
                    summary = command.get_short_help_str(limit=10_000)
                    assert " ".join(summary.split()) in " ".join(section.split()), (name, summary)


@pytest.mark.parametrize("path", [p for p in ALL_EXAMPLES if p[:1] != ("neo4j",)], ids=lambda p: " ".join(p) or "graphkit")
def test_examples_run_on_the_demo_workspace(path, clone_after_demo):
    for line in ALL_EXAMPLES[path]:
        if needs_neo4j(line):
            continue  # needs the server: tests/neo4j/test_neo4j_examples.py
        result = run_example(line)
        assert result.exit_code == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        out = re.search(r"(?:--out|-o) (\S+)", line)
        if out:
            assert (clone_after_demo / out.group(1)).stat().st_size > 0, line
