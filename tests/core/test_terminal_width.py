"""Every command that prints a table keeps its terminal output within 80 columns (on the demo)."""

from __future__ import annotations

import pytest

WIDTH = 80

#: Every command that prints a table on the terminal, with the options that widen it most.
TABLE_COMMANDS = [
    ["affinity", "acme"],
    ["affinity", "acme", "--weight", "mass-followers", "--baseline", "dev.alpine"],
    ["affinity", "acme", "--population", "1000000000"],
    ["advocates", "acme"],
    ["advocates", "acme", "--niche", "hiking,camping"],
    ["talkers", "acme"],
    ["expand", "acme"],
    ["expand", "acme", "--hops", "2"],
    ["rank", "acme"],
    ["rank", "acme", "--niche", "hiking,camping", "--tier", "nano,micro"],
    ["centrality"],
    ["centrality", "--measure", "ppr", "--audience-of", "acme"],
    ["centrality", "--measure", "hits"],
    ["centrality", "--measure", "betweenness", "--seed", "acme"],
    ["lookalikes", "acme"],
    ["overlap", "acme", "dev.alpine", "nora.hike"],
    ["segments", "acme"],
    ["landscape", "acme"],
    ["landscape", "acme", "--show", "nodes", "--niche", "hiking,camping"],
    ["landscape", "acme", "--show", "links"],
    ["plan", "acme", "--budget", "20000"],
    ["plan", "acme", "--budget", "5000", "--niche", "hiking"],
]


def assert_fits(text: str) -> None:
    wide = [line for line in text.splitlines() if len(line) > WIDTH]
    assert not wide, "\n".join(f"{len(line)}: {line}" for line in wide)


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_table_fits_80_columns(demo_workspace, run_cli, args):
    result = run_cli(*args, workspace=demo_workspace)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") > 3  # a table was printed
    assert_fits(result.stdout)


def test_demo_command_fits_80_columns(run_cli, tmp_path):
    result = run_cli("demo", workspace=tmp_path / "demo")
    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout)
