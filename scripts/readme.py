#!/usr/bin/env python3
"""Regenerate, or check, every console block of README.md from a real run.

    python scripts/readme.py --check     # exit 1 and a diff when a block differs from a fresh run
    python scripts/readme.py --write     # rewrite the blocks' output in place

A console block is a fenced ``console`` block: lines starting with ``$ `` are
commands, the lines after each one are its output (stdout and stderr as a
terminal shows them). Every command of the README runs, top to bottom, in one
shell session, as a reader following the README would run them: one temporary
folder laid out like a clone of the repository (``graphkit/`` with its demo data,
``examples/`` and ``tests/`` linked from this checkout, so that ``python -c 'import
graphkit'`` run there imports the package, as in a clone; nothing is copied), the
environment fixed so the output is the same on every machine::

    COLUMNS=80  TERM=dumb  NO_COLOR=1  LANG=C.UTF-8  TZ=UTC
    GRAPHKIT_NOW=2026-11-02T09:00:00Z  (graphkit/clock.py)

Shell state carries from command to command (``export``, ``cd``, files
written), as in a terminal. A command that exits non-zero must print a
graphkit ``Error:`` line (a user error shown on purpose); anything else stops
the run.

A block may be preceded by a directive, an HTML comment naming what it needs::

    <!-- readme: setup="python -m tests.fake_platform --port 8765 &" env="GRAPHKIT_NOW=2026-01-01" -->

``setup``
    a shell command run in the session before the block (its output is
    hidden; it must succeed). Background processes it starts (``... &``) are
    stopped when the run ends.
``env``
    ``NAME=VALUE`` pairs (space-separated) for this block's commands only.
``requires``
    ``neo4j``: the block runs only when ``NEO4J_URI`` is set (the Neo4j test
    suite checks these blocks against its server); ``spark``: the block starts
    Spark (a JVM), so it runs only with ``--only-requires spark`` (the Spark
    test suite checks it; ``--write --only-requires spark`` rewrites it).
    Otherwise the block is left as it is and reported as skipped.
``mask``
    a regular expression for the parts of the output that differ from run to
    run (a server address, a duration); they are compared as ``…``.
``port``
    a port number the block shows (a local test server's); the run uses a free
    port in its place, so two runs never collide, and shows this number.

A command ending in ``&`` starts a background process (a test server): its
output up to the moment it stops printing is shown, and it runs until the end.

Speed: ``graphkit`` commands do not each start Python and import pandas again.
The session's ``graphkit`` is a small client that hands its argv, environment,
folder and standard streams (the file descriptors themselves) to a server that
has imported graphkit once and forks a child per command; the child runs the
console script's ``main()`` with the command's streams, so the output is what
the real command writes (``--subprocess`` runs the installed console script
instead, for comparison).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: The environment every command sees (plus PATH, HOME and the block's own ``env``).
BASE_ENV = {
    "COLUMNS": "80",
    "LINES": "50",
    "TERM": "dumb",
    "NO_COLOR": "1",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TZ": "UTC",
    "GRAPHKIT_NOW": "2026-11-02T09:00:00Z",
    "PYTHONUNBUFFERED": "1",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
}
#: Passed through from the caller to ``requires="neo4j"`` blocks.
NEO4J_ENV = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
#: Passed through from the caller to ``requires="spark"`` blocks (which Java runs Spark).
SPARK_ENV = ("JAVA_HOME",)
#: What ``requires=`` may name.
SERVICES = ("neo4j", "spark")
#: What the session folder links from the checkout: the package (its demo data; `python -c` in a
#: clone imports it from there), inputs, and test helpers such as the fake network.
LINKED = ("graphkit", "examples", "tests")
#: Seconds a single command may take before the run stops.
COMMAND_TIMEOUT = 300

_DIRECTIVE = re.compile(r"^<!--\s*readme:(.*?)-->\s*$")
_ATTRIBUTE = re.compile(r'([a-z][\w-]*)="((?:[^"\\]|\\.)*)"')
_KNOWN = {"setup", "env", "requires", "mask", "port"}
#: Seconds a background command (``... &``) may take to print its first output.
BACKGROUND_WAIT = 30


class ReadmeError(Exception):
    """The README cannot be regenerated (a bad directive, a failing command)."""


@dataclass
class Block:
    """One console block: where it is, what precedes it, its commands and their output."""

    start: int  # index of the line after the opening fence
    end: int  # index of the closing fence
    lines: list[str]
    directive: dict[str, str] = field(default_factory=dict)

    @property
    def commands(self) -> list[tuple[str, list[str]]]:
        """``(command, output lines)`` in order."""
        found: list[tuple[str, list[str]]] = []
        for line in self.lines:
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                found[-1][1].append(line)
            elif line.strip():
                raise ReadmeError(f"README.md:{self.start + 1}: a console block must start with a `$ ` command")
        return found


def parse(text: str) -> list[Block]:
    """The console blocks of a Markdown text, with their directives."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
            if end is None:
                raise ReadmeError(f"README.md:{i + 1}: the console block is not closed")
            block = Block(i + 1, end, lines[i + 1:end], _directive(lines, i))
            block.commands  # noqa: B018  (refuses a block that does not start with a command)
            blocks.append(block)
            i = end
        i += 1
    return blocks


def _directive(lines: list[str], fence: int) -> dict[str, str]:
    """The ``<!-- readme: ... -->`` comment right above a fence (blank lines allowed)."""
    j = fence - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    match = _DIRECTIVE.match(lines[j]) if j >= 0 else None
    if not match:
        return {}
    found = {name: value.replace('\\"', '"') for name, value in _ATTRIBUTE.findall(match.group(1))}
    unknown = set(found) - _KNOWN
    if unknown or not found:
        raise ReadmeError(f"README.md:{j + 1}: readme directive with unknown or no attribute: {lines[j]}")
    if not found.get("port", "1").isdigit():
        raise ReadmeError(f"README.md:{j + 1}: port= wants a port number")
    if found.get("requires", SERVICES[0]) not in SERVICES:
        raise ReadmeError(f"README.md:{j + 1}: requires= knows only {', '.join(SERVICES)}")
    return found


# -- the session: one folder, one environment, a fork server for graphkit ----------------------

_CLIENT = '''#!{python} -IS
import json, os, socket, struct, sys
sock = socket.socket(socket.AF_UNIX)
sock.connect({address!r})
payload = json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}).encode()
socket.send_fds(sock, [struct.pack("!I", len(payload)) + payload], [0, 1, 2])
status = b""
while len(status) < 4:
    chunk = sock.recv(4 - len(status))
    if not chunk:
        sys.exit(1)
    status += chunk
sys.exit(struct.unpack("!i", status)[0])
'''

_SUBPROCESS_CLIENT = '''#!/bin/sh
exec {command} "$@"
'''


def serve(address: str) -> None:
    """The fork server: import graphkit once, then run each client's command in a forked child."""
    import graphkit.cli.main as cli_main
    import graphkit.workspace  # noqa: F401  (the heavy imports every command needs, done once)
    import loaders.registry  # noqa: F401
    import queries.affinity  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    server = socket.socket(socket.AF_UNIX)
    server.bind(address)
    server.listen(8)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        head, fds, _, _ = socket.recv_fds(conn, 4, 3)
        size = struct.unpack("!I", head)[0]
        payload = b""
        while len(payload) < size:
            payload += conn.recv(size - len(payload))
        request = json.loads(payload)
        if os.fork() == 0:
            server.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.alarm(COMMAND_TIMEOUT)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            sys.argv = ["graphkit", *request["argv"]]
            code = 0
            try:
                cli_main.main(request["argv"])
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
                if isinstance(done.code, str):
                    print(done.code, file=sys.stderr)
            except BaseException:  # a bug: the traceback is the output, as in a real run
                import traceback

                traceback.print_exc()
                code = 1
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except OSError:
                    pass
            conn.sendall(struct.pack("!i", code))
            os._exit(code)
        for fd in fds:
            os.close(fd)
        conn.close()


class Session:
    """A temporary clone-like folder where the README's commands run, in order."""

    def __init__(self, *, use_server: bool = True) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="graphkit-readme-")
        self.root = Path(self._tmp.name)
        self.folder = self.root / "work"
        self.folder.mkdir()
        for relative in LINKED:
            (self.folder / relative).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(ROOT / relative, self.folder / relative)
        (self.root / "home").mkdir()
        bin_dir = self.root / "bin"
        bin_dir.mkdir()
        self.groups: list[int] = []  # process groups started, stopped at the end
        self.server = None
        client = bin_dir / "graphkit"
        if use_server:
            address = str(self.root / "graphkit.sock")
            self.server = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--serve", address],
                stdout=subprocess.PIPE, env={**os.environ, **BASE_ENV}, start_new_session=True,
            )
            self.groups.append(self.server.pid)
            if self.server.stdout.readline().strip() != b"ready":
                raise ReadmeError("the graphkit command server did not start")
            client.write_text(_CLIENT.format(python=sys.executable, address=address))
        else:
            script = Path(sys.executable).with_name("graphkit")  # the installed console script
            command = str(script) if script.exists() else f"{sys.executable} -P -m graphkit.cli.main"
            client.write_text(_SUBPROCESS_CLIENT.format(command=command))
        client.chmod(0o755)
        python = bin_dir / "python"  # `python` in a command is the interpreter graphkit runs on
        python.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
        python.chmod(0o755)
        self.state = self.root / "state.sh"
        self.logs = 0
        env = {**BASE_ENV, "HOME": str(self.root / "home"), "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"}
        self.state.write_text("".join(f"export {k}={_quote(v)}\n" for k, v in env.items())
                              + f"cd {_quote(str(self.folder))}\n")

    def run(self, command: str, extra_env: dict[str, str] | None = None) -> tuple[int, str]:
        """Run one shell command with the session's state; returns (exit status, output)."""
        exports = "".join(f"export {k}={_quote(v)}\n" for k, v in (extra_env or {}).items())
        script = (
            f"source {_quote(str(self.state))}\n{exports}"
            f"{command}\n__status=$?\n"
            f"{{ export -p; echo cd {_quote_expr('$PWD')}; }} > {_quote(str(self.state))}.new\n"
            "exit $__status\n"
        )
        # output to a file, not a pipe: a background process the command starts keeps its copy
        # of the output open, and the command is done when the shell exits, not at end of file
        self.logs += 1
        log = self.root / f"output-{self.logs}.log"
        with open(log, "wb") as sink:
            process = subprocess.Popen(
                ["bash", "--noprofile", "--norc", "-c", script], stdin=subprocess.DEVNULL,
                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True, env={},
            )
        self.groups.append(process.pid)
        try:
            process.wait(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop_group(process.pid)
            raise ReadmeError(f"`{command}` took more than {COMMAND_TIMEOUT} s") from None
        output = _settled(log) if command.rstrip().endswith("&") else log.read_bytes()
        new_state = Path(f"{self.state}.new")
        if new_state.exists():
            text = new_state.read_text()
            before = self.state.read_text()
            for name in (extra_env or {}):  # a block's env is for that block only: restore the value
                line = re.compile(rf"^(?:declare -x|export) {re.escape(name)}=.*\n", flags=re.M)
                previous = line.search(before)
                text = line.sub("", text) + (previous.group(0) if previous else "")
            self.state.write_text(text)
        return process.returncode, output.decode("utf-8", errors="replace")

    @staticmethod
    def stop_group(pgid: int) -> None:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        for pgid in self.groups:
            self.stop_group(pgid)
        if self.server is not None:
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self._tmp.cleanup()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _settled(log: Path) -> bytes:
    """A background process's output once it has printed something and gone quiet."""
    deadline = time.monotonic() + BACKGROUND_WAIT
    seen, quiet_since = b"", time.monotonic()
    while time.monotonic() < deadline:
        now = log.read_bytes()
        if now != seen:
            seen, quiet_since = now, time.monotonic()
        elif seen and time.monotonic() - quiet_since > 0.5:
            break
        time.sleep(0.05)
    return seen


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def _quote_expr(expression: str) -> str:
    return f'"$(printf %q "{expression}")"'


# -- regenerating -----------------------------------------------------------------------------


def _env_of(block: Block) -> dict[str, str]:
    pairs = block.directive.get("env", "").split()
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise ReadmeError(f"README.md:{block.start}: env= wants NAME=VALUE pairs, not {pair!r}")
        env[name] = value
    passed = {"neo4j": NEO4J_ENV, "spark": SPARK_ENV}.get(block.directive.get("requires", ""), ())
    env.update({name: os.environ[name] for name in passed if name in os.environ})
    return env


def regenerate(block: Block, session: Session) -> list[str]:
    """The block's lines with every command's output from a fresh run."""
    shown_port = block.directive.get("port")
    real_port = str(_free_port()) if shown_port else None

    def real(text: str) -> str:  # what runs: the free port in place of the one shown
        return text.replace(shown_port, real_port) if shown_port else text

    def as_shown(text: str) -> str:
        return text.replace(real_port, shown_port) if shown_port else text

    setup = block.directive.get("setup")
    if setup:
        status, output = session.run(real(setup), _env_of(block))
        if status != 0:
            raise ReadmeError(f"README.md:{block.start}: setup `{setup}` failed ({status}):\n{output}")
    lines: list[str] = []
    for command, _ in block.commands:
        status, output = session.run(real(command), _env_of(block))
        output = as_shown(output)
        shown = [line.rstrip() for line in output.rstrip("\n").split("\n")] if output.strip() else []
        if status != 0 and not any(line.startswith("Error:") for line in shown):
            raise ReadmeError(
                f"README.md:{block.start}: `{command}` exited {status} without a graphkit error:\n{output}"
            )
        lines.append(f"$ {command}")
        lines.extend(shown)
    return lines


def _masked(lines: list[str], mask: str | None) -> list[str]:
    return [re.sub(mask, "…", line) if mask else line for line in lines]


def runnable(block: Block, only_requires: str | None = None) -> bool:
    """Whether this run can run the block.

    ``requires="neo4j"`` needs ``NEO4J_URI``; ``requires="spark"`` runs only
    when asked for (``only_requires="spark"``).
    """
    requires = block.directive.get("requires")
    if requires == "neo4j":
        return bool(os.environ.get("NEO4J_URI"))
    if requires == "spark":
        return only_requires == "spark"
    return True


def process(text: str, *, use_server: bool = True, only_requires: str | None = None,
            log=print, name: str = "README.md") -> tuple[str, list[str]]:
    """Regenerate ``text``'s console blocks; returns the new text and a diff per drifted block."""
    lines = text.split("\n")
    blocks = parse(text)
    diffs: list[str] = []
    skipped = 0
    started = time.monotonic()
    with Session(use_server=use_server) as session:
        for block in blocks:
            wanted = only_requires is None or block.directive.get("requires") == only_requires
            if not runnable(block, only_requires) or not wanted:
                skipped += 1
                continue
            fresh = regenerate(block, session)
            mask = block.directive.get("mask")
            if _masked(fresh, mask) != _masked([line.rstrip() for line in block.lines], mask):
                diffs.append("".join(difflib.unified_diff(
                    [line + "\n" for line in block.lines], [line + "\n" for line in fresh],
                    f"{name}:{block.start + 1} (as written)", "fresh run", n=2,
                )))
                block.lines = fresh
    for block in reversed(blocks):
        lines[block.start:block.end] = block.lines
    log(f"{len(blocks) - skipped} console blocks run, {skipped} skipped, {len(diffs)} differ "
        f"({time.monotonic() - started:.0f} s)")
    return "\n".join(lines), diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 when a block differs from a fresh run")
    mode.add_argument("--write", action="store_true", help="rewrite README.md with fresh output")
    mode.add_argument("--serve", metavar="SOCKET", help=argparse.SUPPRESS)
    parser.add_argument("--readme", type=Path, default=README, help="the file (default: README.md)")
    parser.add_argument("--subprocess", action="store_true",
                        help="run the installed console script for every command (slower)")
    parser.add_argument("--only-requires", choices=list(SERVICES), default=None,
                        help="only the blocks that need this service")
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    text = args.readme.read_text(encoding="utf-8")
    try:
        new, diffs = process(text, use_server=not args.subprocess, only_requires=args.only_requires,
                             name=args.readme.name)
    except ReadmeError as err:
        print(f"readme: {err}", file=sys.stderr)
        return 1
    if args.write:
        if new != text:
            args.readme.write_text(new, encoding="utf-8")
        print(f"rewrote {len(diffs)} blocks of {args.readme}")
        return 0
    for diff in diffs:
        print(diff)
    if diffs:
        print(f"{len(diffs)} console blocks of {args.readme} differ from a fresh run: "
              "python scripts/readme.py --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
