"""Reading and running the Examples of every ``--help`` (shared by the core and Neo4j tests)."""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
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
    """The command lines of the Examples section, which must end the help.

    The section starts with a line ``Examples:`` (or ``Examples (...):``); a line
    ending in ``\\`` continues on the next; `` # comment`` tails are dropped. A
    line is a ``graphkit`` command (``NAME=value`` assignments may precede it) or
    a helper started in the background (``python tests/... &``, e.g. the
    crawlers' test network).
    """
    lines = text.rstrip("\n").splitlines()
    starts = [i for i, line in enumerate(lines)
              if line.strip().startswith(EXAMPLES_HEADING[:-1]) and line.strip().endswith(":")]
    assert starts, "no Examples section"
    found: list[str] = []
    pending = ""
    for raw in lines[starts[-1] + 1:]:
        line = re.sub(r"\s+#\s.*$", "", raw.strip())
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        found.append(pending + line)
        pending = ""
    assert found and all(_runnable(line) for line in found), found
    return found


def _runnable(line: str) -> bool:
    words = _without_assignments(shlex.split(line))[0]
    return bool(words) and (words[0] == "graphkit" or (words[0] == "python" and line.endswith("&")))


def _without_assignments(words: list[str]) -> tuple[list[str], dict[str, str]]:
    """``NAME=value`` words before the command, as an environment, and the rest."""
    env = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", words[0]):
        name, _, value = words[0].partition("=")
        env[name] = value
        words = words[1:]
    return words, env


def command_of(line: str) -> tuple[str, ...]:
    """The command path an example runs (``graphkit -w X load edges F`` -> ``("load", "edges")``)."""
    words, _ = _without_assignments(shlex.split(line))
    if not words or words[0] != "graphkit":
        return ()
    words = words[1:]
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
    os.symlink(ROOT / "tests", folder / "tests")  # helpers examples start (tests/crawl/fakenet.py)
    return folder


def run_example(line: str):
    """Run one ``graphkit`` example line in-process, as a shell would (quotes, ``*`` globs, ``NAME=v``)."""
    words, env = _without_assignments(shlex.split(line))
    args = []
    for word in words[1:]:
        matches = sorted(glob.glob(word)) if "*" in word else []
        args.extend(matches or [word])
    return CliRunner().invoke(cli, args, env=env or None, catch_exceptions=False)


class Background:
    """Processes an example block starts with ``... &`` (a test server, ``graphkit serve``), stopped at the end.

    ``python`` is this interpreter and ``graphkit`` the console script's module
    run by it (with ``-P``: the clone's ``graphkit/data`` folder must not shadow
    the package); ``NAME=value`` words before the command are its environment.
    """

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []

    def start(self, line: str, *, port: int | None = None) -> None:
        words, env = _without_assignments(shlex.split(line.rstrip("&").strip()))
        if words[0] == "python":
            words[0] = sys.executable
        elif words[0] == "graphkit":
            words[:1] = [sys.executable, "-P", "-m", "graphkit.cli.main"]
        process = subprocess.Popen(words, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, **env})
        self.processes.append(process)
        if port is not None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        return
                if process.poll() is not None:
                    raise AssertionError(f"`{line}` exited with {process.returncode}")
                time.sleep(0.1)
            raise AssertionError(f"`{line}` did not listen on port {port} within 60 s")

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_block(lines: list[str]) -> list[tuple[str, object]]:
    """Run an Examples block in the current folder: ``(line, click Result)`` per graphkit line.

    Each background process's port (``--port N`` in its line) is replaced by a
    free one in every line of the block, so blocks never collide with other
    servers; the block goes on once that port accepts connections.
    """
    ports = {}
    for line in lines:
        match = re.search(r"--port (\d+)", line)
        if match and line.endswith("&"):
            ports.setdefault(match.group(1), str(free_port()))
    for shown, real in ports.items():
        lines = [re.sub(rf"(?<!\d){shown}(?!\d)", real, line) for line in lines]
    helpers = Background()
    results = []
    try:
        for line in lines:
            if line.endswith("&"):
                match = re.search(r"--port (\d+)", line)
                helpers.start(line, port=int(match.group(1)) if match else None)
            else:
                results.append((line, run_example(line)))
    finally:
        helpers.stop()
    return results


def needs_neo4j(line: str) -> bool:
    """Whether an example talks to a Neo4j server."""
    return command_of(line)[:1] == ("neo4j",) or bool(re.search(r"--(engine|backend) neo4j\b", line))


def needs_spark(line: str) -> bool:
    """Whether an example runs a query on Apache Spark (starts a JVM: the spark tests run it)."""
    return bool(re.search(r"--engine spark\b", line))
