"""One word, one meaning across the whole CLI (see graphkit/cli/options.py).

Walks every command and sub-command of the click tree, hidden ones included,
and checks the options a user sees in ``--help``: an option name means the
same thing wherever it appears (same kind of value, same metavar), every
"how many rows/accounts" option is ``--top`` (or ``--<part>-top`` /
``--top-<part>``), every random seed is ``--random-seed``, ``--seed`` is an
account, ``--tier`` always filters, and ``--format`` always chooses an output
format. The older names still work, hidden.
"""

from __future__ import annotations

import re
from collections import defaultdict

import click
import pytest

from graphkit.cli.main import COMMANDS, cli
from graphkit.cli.options import OUTPUT_FORMATS, TIER_HELP

ROOT_CTX = click.Context(cli)

#: Output formats a ``--format`` may offer: tables, graph files, reports.
KNOWN_FORMATS = {*OUTPUT_FORMATS, "graphml", "gexf", "html"}
#: Names a row count must not have (they were --top's older names).
COUNT_NAMES = {"--limit", "--map-limit", "-n", "--count", "--rows", "--max", "--max-rows", "--num", "--number"}


def walk(command: click.Command, path: tuple[str, ...]):
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ROOT_CTX):
            yield from walk(command.get_command(ROOT_CTX, name), (*path, name))


COMMAND_TREE = dict(walk(cli, ()))


def visible_options():
    """``(command path, visible option name, the click.Option)`` for every option shown in help."""
    for path, command in COMMAND_TREE.items():
        if command.hidden:
            continue
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            hidden = set(getattr(param, "hidden_aliases", ()))
            for name in [*param.opts, *param.secondary_opts]:
                if name not in hidden:
                    yield path, name, param


def signature(param: click.Option) -> tuple:
    """What kind of value an option takes: the part of its meaning a program can see.

    A range is its number type (``--hops`` is an integer whether bounded or not).
    """
    kind = type(param.type).__name__
    if isinstance(param.type, click.Choice):
        kind = "Choice"
    elif isinstance(param.type, click.types.IntParamType):
        kind = "int"
    elif isinstance(param.type, click.types.FloatParamType):
        kind = "float"
    return (kind, param.is_flag, param.multiple, param.nargs)


def test_the_walk_sees_every_command():
    names = {path[0] for path in COMMAND_TREE if path}
    assert names == set(COMMANDS)
    assert ("load", "download") in COMMAND_TREE and ("export", "neighbourhood") in COMMAND_TREE
    assert sum(1 for _ in visible_options()) > 100


def test_an_option_name_means_the_same_in_every_command():
    uses = defaultdict(list)
    for path, name, param in visible_options():
        uses[name].append((" ".join(path), signature(param)))
    clashes = {
        name: found for name, found in uses.items()
        if len({sig for _, sig in found}) > 1
    }
    assert not clashes, "option names with different meanings:\n" + "\n".join(
        f"{name}: " + "; ".join(f"{cmd} {sig}" for cmd, sig in found) for name, found in clashes.items()
    )


def test_row_counts_are_top():
    wrong = []
    for path, name, param in visible_options():
        is_count = name in COUNT_NAMES or (
            isinstance(param.type, click.types.IntParamType)
            and re.search(r"\b(rows?|accounts?)\b", param.help or "", re.I)
            and re.search(r"\b(show|list|print|table|map|besides)\b", param.help or "", re.I)
        )
        if is_count and not (name == "--top" or name.startswith("--top-") or name.endswith("-top")):
            wrong.append(f"graphkit {' '.join(path)} {name}: {param.help}")
        if name == "--top" or name.endswith("-top") or name.startswith("--top-"):
            assert isinstance(param.type, click.types.IntParamType), (path, name)
            assert (param.help or "").startswith("How many"), (path, name, param.help)
    assert not wrong, "row counts not named --top:\n" + "\n".join(wrong)


def test_random_seeds_are_random_seed_and_seed_is_an_account():
    for path, name, param in visible_options():
        text = f"{name} {param.help or ''}".lower()
        if isinstance(param.type, click.types.IntParamType) and ("seed" in name or "random" in text):
            assert name == "--random-seed", f"graphkit {' '.join(path)} {name} is a random seed"
        if name == "--random-seed":
            assert (param.help or "").startswith("Seed of the random numbers"), path
        if name == "--seed":
            assert param.metavar == "ACCOUNT" and not isinstance(param.type, click.types.IntParamType), path


def test_tier_always_filters():
    found = [(path, param) for path, name, param in visible_options() if name == "--tier"]
    assert len(found) >= 7
    for path, param in found:
        assert param.help == TIER_HELP, f"graphkit {' '.join(path)} --tier: {param.help}"


def test_format_always_chooses_an_output_format():
    found = [(path, param) for path, name, param in visible_options() if name == "--format"]
    assert len(found) >= 20
    for path, param in found:
        assert isinstance(param.type, click.Choice), path
        assert set(param.type.choices) <= KNOWN_FORMATS, (path, param.type.choices)
        assert {"json", "table"} & set(param.type.choices) or "graphml" in param.type.choices, path


@pytest.mark.parametrize(("args", "new", "old", "hidden"), [
    (["expand", "acme"], ["--top", "3"], ["--limit", "3"], "--limit"),
    (["centrality", "--measure", "betweenness", "--samples", "20"], ["--random-seed", "4"],
     ["--sample-seed", "4"], "--sample-seed"),
    (["segments", "acme", "--format", "csv"], ["--random-seed", "3"], ["--seed", "3"], "--seed"),
    (["rank", "acme", "--top", "5"], ["--component-weight", "niche=0.5"], ["-W", "niche=0.5"], "-W"),
    (["rank", "acme", "--top", "5"], ["--component-weight", "ppr=0"], ["--weight", "ppr=0"], "--weight"),
    (["rank", "acme", "--top", "5", "--format", "csv"], ["--prefer-tier", "nano", "--tier", "nano"],
     ["--prefer-tier", "nano", "--strict-tier"], "--strict-tier"),
    (["neo4j", "status", "--uri", "bolt://127.0.0.1:1"], ["--format", "table"], ["--format", "text"], "text"),
    (["info"], ["--format", "json"], ["--format", "json"], "--json"),
    (["affinity", "acme", "--top", "3"], ["--engine", "memory"], ["--backend", "memory"], "--backend"),
    (["advocates", "acme", "--top", "3"], ["--engine", "memory"], ["--backend", "memory"], "--backend"),
])
def test_older_names_still_work_hidden(args, new, old, hidden, demo_workspace):
    from click.testing import CliRunner

    runner = CliRunner()
    ran = [runner.invoke(cli, ["-w", str(demo_workspace), *args, *flags]) for flags in (new, old)]
    assert ran[0].exit_code == ran[1].exit_code, (ran[0].output, ran[1].output)
    assert ran[0].stdout == ran[1].stdout
    path = tuple(a for a in args[:2] if not a.startswith("-") and a != "acme")
    command = COMMAND_TREE[path]
    assert not re.search(rf"(?<![\w-]){re.escape(hidden)}(?![\w-])", command.get_help(click.Context(command)))


def test_load_refuses_an_input_format_given_as_format_with_a_hint(tmp_path):
    from click.testing import CliRunner

    listing = tmp_path / "a.txt"
    listing.write_text("ann\n")
    result = CliRunner().invoke(cli, ["-w", str(tmp_path / "ws"), "load", "followers", str(listing), "--of",
                                      "acme", "--format", "handle-list"])
    assert result.exit_code == 2
    assert "--input-format" in result.stderr
    ok = CliRunner().invoke(cli, ["-w", str(tmp_path / "ws"), "load", "followers", str(listing), "--of",
                                  "acme", "--input-format", "handle-list", "--json"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.lstrip().startswith("[")
