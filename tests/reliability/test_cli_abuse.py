"""Every CLI command with missing, empty, contradictory and absurd options: never a traceback.

The commands are walked from ``graphkit.cli.main.COMMANDS`` (and their
sub-commands), so a command added later is covered without editing this file.
Each option gets values of its type that make no sense (``--top -1``, ``--budget
nan``, ``--hops 1000``, an empty string, an unknown tier, ...). The outcome must
be a result (exit 0), a one-line error (exit 1) or a usage error (exit 2), and
values that cannot mean anything must not give exit 0. ``catch_exceptions=False``
lets any other exception fail the test with its traceback.
"""

from __future__ import annotations

import socket
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graphkit.cli.main import COMMANDS, cli

ROOT_CTX = click.Context(cli)


def _walk(command: click.Command, path: tuple[str, ...]):
    if isinstance(command, click.Group):
        for name in command.list_commands(ROOT_CTX):
            yield from _walk(command.get_command(ROOT_CTX, name), (*path, name))
    else:
        yield path, command


ALL = {path: command for name in COMMANDS for path, command in _walk(cli.get_command(ROOT_CTX, name), (name,))}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli-files")
    (folder / "list.txt").write_text("ann\nbob\n")
    (folder / "edges.csv").write_text("follower,followee\nann,bob\n")
    (folder / "profiles.csv").write_text("username,followers\nann,10\n")
    (folder / "posts.csv").write_text("author,text\nann,hello #x\n")
    (folder / "customers.csv").write_text("instagram,total_spent\nann,10\n")
    (folder / "1.edges").write_text("1 2\n")
    (folder / "out").mkdir()
    return {"folder": folder, "list": folder / "list.txt"}


def _base_args(path: tuple[str, ...], files: dict[str, Path], out: Path) -> list[str]:
    """A valid invocation of the command on the demo workspace (before mutations)."""
    folder = files["folder"]
    neo4j = ["--uri", f"bolt://127.0.0.1:{_closed_port()}"]
    load_file = {
        "followers": [str(folder / "list.txt"), "--of", "acme"],
        "following": [str(folder / "list.txt"), "--of", "ann"],
        "edges": [str(folder / "edges.csv")],
        "profiles": [str(folder / "profiles.csv")],
        "posts": [str(folder / "posts.csv")],
        "customers": [str(folder / "customers.csv")],
        "download": [str(folder / "list.txt"), "--owner", "acme"],
        "export": [str(folder / "list.txt"), "--owner", "acme"],  # the older name of download
        "snap-ego": [str(folder / "1.edges")],
    }
    base = {
        ("info",): [], ("formats",): [], ("demo",): [],
        ("centrality",): [], ("export", "accounts"): [], ("export", "edges"): [],
        ("overlap",): ["acme", "pia.trails48"],
        ("plan",): ["acme", "--budget", "5000"],
        ("report",): ["acme", "-o", str(out / "report.html")],
        ("export", "neighbourhood"): ["acme", "-o", str(out / "n.graphml"), "--hops", "1", "--limit", "50"],
        ("export", "spark"): ["-o", str(out / "dataset"), "--buckets", "2"],
    }
    if path[0] == "load":
        return load_file[path[1]]
    if path[0] == "neo4j":
        return neo4j
    if path[0] == "crawl":  # a closed local port: never any traffic off this machine, no retries
        if path[1] == "plan":
            return ["--followers", "1000"]
        crawl = ["acme", "--service", f"http://127.0.0.1:{_closed_port()}", "--retries", "0"]
        return crawl + (["--sample", "5"] if path[2] == "audience" else [])
    return base.get(path, ["acme"])


INT_BAD = ["", "abc", "1.5"]
INT_ODD = ["0", "1000", "2147483648", "99999999999999999999999"]
#: integer options that may be negative (random seeds)
SIGNED = {"random_seed"}
FLOAT_BAD = ["nan", "-5", "inf", "-inf", "", "abc", "1e309"]
FLOAT_ODD = ["0", "1e-300", "1e300"]
STRING_ODD = ["", "\u202e\u200dacme", "=cmd|' /C calc'!A0", "x" * 5000, "{stem}%s%n"]
#: options whose empty or unknown value must be refused, not ignored
MUST_REFUSE_STRING = {"tier": ["unknowntier", "mega,bogus", ","], "weights": ["nonsense", "affinity=abc"],
                      "weight-items": ["nonsense"], "since": ["not-a-date"], "encoding": ["no-such-codec"],
                      "input-format": ["no-such-format"], "costs": ["/no/such/costs.toml"], "from": ["/no/such/file.csv"]}


def _mutations(param: click.Parameter) -> list[tuple[str, bool]]:
    """``(value, must_fail)`` pairs for one option."""
    kind = param.type
    if isinstance(kind, click.Choice):
        return [("bogus", True), ("", True)]
    if isinstance(kind, click.types.IntParamType):
        return [(v, True) for v in INT_BAD] + [("-1", param.name not in SIGNED)] + [(v, False) for v in INT_ODD]
    if isinstance(kind, click.types.FloatParamType):
        return [(v, True) for v in FLOAT_BAD] + [(v, False) for v in FLOAT_ODD]
    if isinstance(kind, (click.types.StringParamType, click.Path)):
        name = param.name.lstrip("-").replace("_", "-")
        refuse = MUST_REFUSE_STRING.get(name, [])
        return [(v, True) for v in refuse] + [(v, False) for v in STRING_ODD]
    return []


def _check(result, args, must_fail: bool) -> None:
    shown = " ".join(a[:40] for a in args)
    assert result.exit_code in (0, 1, 2), f"{shown}: exit {result.exit_code}\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout, shown
    if result.exit_code == 0:
        assert not must_fail, f"`graphkit {shown}` accepted an absurd value:\n{result.stdout[:500]}"
        return
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and len(errors[0]) > 10, f"{shown}: {result.stderr!r}"
    if result.exit_code == 1:  # a library error: the message is the last line, alone
        assert result.stderr.rstrip("\n").splitlines()[-1] == errors[0], f"{shown}: {result.stderr!r}"
        assert "\n" not in errors[0]


def _invoke(args: list[str], ws: Path, **kwargs):
    runner = CliRunner()
    return runner.invoke(cli, ["-w", str(ws), *args], catch_exceptions=False, **kwargs)


WRITES = {"load", "demo", "neo4j"}
SLOW = {"report", "segments"}


@pytest.mark.parametrize("path", sorted(ALL), ids=lambda p: "-".join(p))
def test_every_option_with_absurd_values(path, demo_workspace, demo_copy, files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("GRAPHKIT_LOCK_TIMEOUT", "2")
    ws = demo_copy if path[0] in WRITES else demo_workspace
    command = ALL[path]
    out = tmp_path / "out"
    out.mkdir()
    base = _base_args(path, files, out)
    result = _invoke([*path, *base], ws)
    assert "Traceback" not in result.stderr
    options = [p for p in command.params if isinstance(p, click.Option) and not p.is_flag]
    problems = []
    for param in options:
        flag = max(param.opts, key=len)
        for value, must_fail in _mutations(param):
            if path[0] == "neo4j" and param.name in ("uri", "user", "password", "database") and not must_fail:
                continue  # each try waits for the (closed) server: a few values are enough
            if path[0] in SLOW and not must_fail and value not in ("", "0"):
                continue  # a valid value builds the whole report: keep the test lean
            args = [*path, *_replace(base, param, flag, value)]
            try:
                _check(_invoke(args, ws), args, must_fail)
            except AssertionError as err:
                problems.append(str(err).split("\n")[0])
    for param in command.params:
        if isinstance(param, click.Option) and param.is_flag:
            args = [*path, *base, max(param.opts, key=len)]
            _check(_invoke(args, ws), args, False)
    assert not problems, "\n".join(problems)


def _replace(base: list[str], param: click.Option, flag: str, value: str) -> list[str]:
    args = list(base)
    for opt in param.opts:
        if opt in args:
            at = args.index(opt)
            del args[at : at + 2]
    return [*args, flag, value]


@pytest.mark.parametrize("path", sorted(p for p, c in ALL.items() if any(x.required for x in c.params)),
                         ids=lambda p: "-".join(p))
def test_missing_arguments_are_usage_errors(path, demo_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke(list(path), demo_workspace)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr and "Error:" in result.stderr


CONTRADICTIONS = [
    ["affinity", "acme", "--baseline", "acme"],
    ["affinity", "acme", "--baseline", "pia.trails48", "--population", "10"],
    ["affinity", "acme", "--min-count", "1000000"],
    ["affinity", "acme", "--format", "parquet"],
    ["affinity", "acme", "-o", "x.parquet", "--format", "csv"],
    ["affinity", "acme", "-o", "x.unknownext"],
    ["affinity", "acme", "-o", "."],
    ["affinity", "acme", "-o", "/no/such/dir/x.csv"],
    ["affinity", "acme", "--engine", "neo4j"],
    ["affinity", "nobody-at-all"],
    ["affinity", ""],
    ["rank", "acme", "--strict-tier"],
    ["rank", "acme", "--weights", "affinity=-1"],
    ["rank", "acme", "--weights", "affinity=nan"],
    ["rank", "acme", "--weights", "affinity=0,ppr=0,niche=0,tier=0,engagement=0"],
    ["centrality", "--measure", "ppr"],
    ["centrality", "--seed", "acme", "--audience-of", "acme"],
    ["centrality", "--alpha", "1.5"],
    ["centrality", "--measure", "betweenness", "--samples", "0"],
    ["expand", "acme", "--hops", "0"],
    ["expand", "acme", "--hops", "1000", "--limit", "5"],
    ["overlap"],
    ["overlap", "acme"],
    ["overlap", "acme", "acme"],
    ["plan", "acme", "--budget", "0"],
    ["plan", "acme", "--budget", "1", "--exclude", "acme"],
    ["plan", "acme", "--budget", "nan"],
    ["report", "acme", "-o", "r.csv"],
    ["report", "acme", "-o", "r.html", "--budget", "-5"],
    ["export", "neighbourhood", "acme", "-o", "n.xyz"],
    ["export", "neighbourhood", "acme", "-o", "n.graphml", "--format", "html"],
    ["segments", "acme", "--resolution", "0"],
    ["lookalikes", "acme", "--min-audience", "100000000"],
    ["talkers", "acme", "--since", "2999-01-01"],
    ["load", "followers", "-", "--of", ""],
    ["load", "followers", "/no/such/file.txt", "--of", "acme"],
    ["load", "following", ".", "--of", "acme"],
    ["load", "edges", "-", "--source-col", "a", "--target-col", "a"],
    ["load", "export", "/no/such/download.zip"],
]


@pytest.mark.parametrize("args", CONTRADICTIONS, ids=lambda a: " ".join(a)[:60])
def test_contradictory_options(args, demo_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{_closed_port()}")
    result = _invoke(args, demo_workspace, input="")
    _check(result, args, must_fail=False)


@pytest.mark.parametrize(("args", "message"), [
    (["affinity", "acme", "--top", "-1"], "top"),
    (["affinity", "acme", "--top", "0"], "top"),
    (["expand", "acme", "--hops", "-1"], "hops"),
    (["plan", "acme", "--budget", "nan"], "budget"),
    (["plan", "acme", "--budget", "-5"], "budget"),
    (["affinity", "acme", "--min-count", "0"], "min-count"),
    (["affinity", "acme", "--tier", "unknowntier"], "unknowntier"),
])
def test_absurd_values_name_the_option(args, message, demo_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke(args, demo_workspace)
    assert result.exit_code in (1, 2), result.stdout[:300]
    assert message in result.stderr, result.stderr


def test_1000_hops_is_answered_like_the_whole_reachable_set(demo_workspace):
    """More hops than the graph's diameter is not absurd: it is the reachable set, capped by --limit."""
    result = _invoke(["expand", "acme", "--hops", "1000", "--limit", "5", "--format", "csv"], demo_workspace)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 7  # header, the seed (hop 0), 5 rows
