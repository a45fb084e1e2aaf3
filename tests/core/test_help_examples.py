"""Every ``--help`` ends with Examples that run, as written, on the demo workspace.

Each command's (and group's) help is read at 80 columns; its last section must be
``Examples:`` with command lines. Every line is then run in a folder laid out as
a clone of the repository after ``graphkit demo``: ``graphkit-demo`` (a copy of
the demo workspace, built once per session), ``graphkit/data/demo`` and
``examples/`` (the repository's own files, linked; ``tests/`` too, for the
helpers an example starts in the background, such as the crawlers' test network
``python tests/crawl/fakenet.py --port N &``, given a free port). A command
that serves until stopped (``graphkit serve --port N &``) runs in the
background the same way: its block goes on once the port answers, and the
server is stopped when the block ends. The ``neo4j``
examples need a server: ``tests/neo4j/test_neo4j_examples.py`` runs them against
the test server; ``--engine spark`` examples start a JVM, so
``tests/spark/test_spark_examples.py`` runs them on the Spark tests' session
(marker ``spark``). Group listings show whole first sentences, never cut with "...".
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
    needs_spark,
    run_block,
)

ALL_EXAMPLES = all_examples()


@pytest.fixture
def clone_after_demo(demo_workspace, tmp_path, monkeypatch):
    """A folder like a clone of the repository in which `graphkit demo` has run."""
    make_clone(demo_workspace, tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "GRAPHKIT_WORKSPACE",
                 "X_BEARER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_every_command_has_examples():
    assert len(COMMANDS) >= 28  # every command, group and sub-command
    for path, lines in ALL_EXAMPLES.items():
        assert lines, path
        # an example of a command shows that command (a group's, one of its sub-commands), or the
        # command shares its group's examples (the crawl sub-commands of one platform)
        shows_it = any(command_of(line)[: len(path)] == path for line in lines)
        assert shows_it or lines == ALL_EXAMPLES.get(path[:-1]), (path, lines)


def test_help_never_points_below_and_never_cuts_summaries():
    for path in COMMANDS:
        text = help_text(path)
        assert "see below" not in text.lower(), path
        if isinstance(COMMANDS[path], click.Group):
            section = text.split("Commands:\n", 1)[1].split(EXAMPLES_HEADING[:-1])[0]
            for name, command in COMMANDS.items():
                if len(name) == len(path) + 1 and name[: len(path)] == path:
                    summary = command.get_short_help_str(limit=10_000)
                    assert " ".join(summary.split()) in " ".join(section.split()), (name, summary)


#: Every distinct Examples block once (sub-commands may share their group's block).
BLOCKS = {tuple(lines): path for path, lines in ALL_EXAMPLES.items()
          if not any(needs_neo4j(line) or needs_spark(line) for line in lines)}


@pytest.mark.parametrize("lines", list(BLOCKS), ids=lambda lines: " ".join(BLOCKS[lines]) or "graphkit")
def test_examples_run_on_the_demo_workspace(lines, clone_after_demo):
    for line, result in run_block(list(lines)):
        assert result.exit_code == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        out = re.search(r"(?:--out|-o) (\S+)", line)
        if out:
            assert (clone_after_demo / out.group(1)).stat().st_size > 0, line


def test_neo4j_and_spark_examples_are_run_elsewhere():
    # the blocks left out above need a Neo4j server (tests/neo4j/test_neo4j_examples.py runs
    # them) or start a JVM (tests/spark/test_spark_examples.py): one Spark block, kept small
    left_out = [path for path, lines in ALL_EXAMPLES.items() if any(map(needs_neo4j, lines))]
    assert left_out and all(path[:1] == ("neo4j",) for path in left_out), left_out
    on_spark = [path for path, lines in ALL_EXAMPLES.items() if any(map(needs_spark, lines))]
    assert on_spark == [("export", "spark")], on_spark
