"""Reading and running the Examples of every ``--help`` (shared by the core and Neo4j tests)."""

from __future__ import annotations

import glob
import os
import shlex
import shutil
from pathlib import Path

import click
from click.testing import CliRunner

from graphkit.cli.help import EXAMPLES_HEADING
from graphkit.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
ROOT_CTX = click.Context(cli)


def walk(command: click.Command, path: tuple[str, ...]):
    if command.hidden:
        return
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ROOT_CTX):
            yield from walk(command.get_command(ROOT_CTX, name), (*path, name))


COMMANDS = dict(walk(cli, ()))


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def example_lines(text: str) -> list[str]:
    """The command lines of the Examples section, which must end the help."""
    lines = text.rstrip("\n").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == EXAMPLES_HEADING]
    assert starts, "no Examples section"
    found = [line.strip() for line in lines[starts[-1] + 1:]]
    assert found and all(line.startswith("graphkit ") for line in found), found
    return found


def command_of(line: str) -> tuple[str, ...]:
    """The command path an example runs (``graphkit -w X load edges F`` -> ``("load", "edges")``)."""
    words = shlex.split(line)[1:]
    path: list[str] = []
    command: click.Command = cli
    while words:
        word = words.pop(0)
        if word in ("-w", "--workspace", "--tiers"):
            words.pop(0)
            continue
        if isinstance(command, click.Group) and word in command.list_commands(ROOT_CTX):
            command = command.get_command(ROOT_CTX, word)
            path.append(word)
            continue
        if not word.startswith("-"):
            break
    return tuple(path)


def all_examples() -> dict[tuple[str, ...], list[str]]:
    """Command path -> the example lines of its help."""
    return {path: example_lines(help_text(path)) for path in COMMANDS}



def make_clone(demo_workspace: Path, folder: Path) -> Path:
    """``folder`` laid out as a clone of the repository in which `graphkit demo` has run."""
    shutil.copytree(demo_workspace, folder / "graphkit-demo")
    (folder / "graphkit" / "data").mkdir(parents=True)
    os.symlink(ROOT / "graphkit" / "data" / "demo", folder / "graphkit" / "data" / "demo")
    os.symlink(ROOT / "examples", folder / "examples")
    return folder


def run_example(line: str):
    """Run one example line in-process, as a shell would (quotes, ``*`` globs)."""
    args = []
    for word in shlex.split(line)[1:]:
        matches = sorted(glob.glob(word)) if "*" in word else []
        args.extend(matches or [word])
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def needs_neo4j(line: str) -> bool:
    """Whether an example talks to a Neo4j server."""
    return command_of(line)[:1] == ("neo4j",) or "--backend neo4j" in line
