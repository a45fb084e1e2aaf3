"""The CLI end to end with CliRunner: exact output, every format, every error path."""

import json
from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    """acme has 4 followers; ann, bob and cat are observed; eve (observed) is the baseline."""
    (tmp_path / "acme_followers.txt").write_text("@ann\nbob\ncat\ndan\n")
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "ann.csv").write_text("username,followers\nnike,1200000\nrei,45000\nacme,\n")
    (tmp_path / "lists" / "bob.csv").write_text("username,followers\nrei,45000\npatagonia,800000\n")
    (tmp_path / "lists" / "cat.csv").write_text("username\nrei\n=HYPERLINK(1)\n")
    (tmp_path / "lists" / "eve.csv").write_text("username\nnike\n")
    return tmp_path


@pytest.fixture
def loaded(run_cli, lists):
    assert run_cli("load", "followers", str(lists / "acme_followers.txt"), "--of", "acme").exit_code == 0
    files = sorted(str(p) for p in (lists / "lists").glob("*.csv"))
    result = run_cli("load", "following", *files, "--of", "{stem}")
    assert result.exit_code == 0, result.output
    return lists


def test_load_prints_one_line_report_per_file(run_cli, lists):
    result = run_cli("load", "followers", str(lists / "acme_followers.txt"), "--of", "acme")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{lists / 'acme_followers.txt'} (handle-list): 4 rows read, 5 accounts added, "
        "4 follows added, 0 duplicates, 0 self-follows dropped\n"
    )


def test_affinity_table_exact(run_cli, loaded):
    # worked by hand: audience {ann, bob, cat}, baseline {eve}; lift = share / baseline share
    # (a zero baseline counts as half a follower); lift_lower = Wilson(3/3).low / Wilson(0/1).high
    result = run_cli("affinity", "acme")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "                     audience  audience             lift           followers\n"
        "rank  account           count     share  affinity  lower  tier         count\n"
        "   1  rei                   3    100.0%     2.000  0.553  micro       45,000\n"
        "   2  =hyperlink(1)         1     33.3%     0.667  0.077  unknown\n"
        "   3  patagonia             1     33.3%     0.667  0.077  macro      800,000\n"
        "   4  nike                  1     33.3%     0.333  0.061  mega     1,200,000\n"
        "(2 more columns: baseline_count, baseline_share; --format csv shows them)\n"
    )
    assert result.stderr.startswith(
        "acme: 3 of 4 followers observed (audience shares ±56.6 points at 95%); baseline rest: 1 observed")
    assert "\nwarning: only 3 of 4 followers are observed (fewer than 30)" in result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_affinity_sort_count_is_issue_2_order(run_cli, loaded):
    out = run_cli("affinity", "acme", "--sort", "count", "--format", "csv").stdout
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["rei", "'=hyperlink(1)", "nike", "patagonia"]


def test_affinity_csv_neutralizes_formulas(run_cli, loaded):
    result = run_cli("affinity", "acme", "--format", "csv", "--top", "2")
    assert result.stdout == (
        "rank,account,audience_count,audience_share,baseline_count,baseline_share,affinity,lift_lower,tier,followers_count\n"
        "1,rei,3,1.0,0,0.0,2.0,0.5526374846152737,micro,45000\n"
        "2,'=hyperlink(1),1,0.3333333333333333,0,0.0,0.6666666666666666,0.07749674886533182,unknown,\n"
    )


def test_affinity_json_and_ndjson(run_cli, loaded):
    rows = json.loads(run_cli("affinity", "acme", "--format", "json").stdout)
    assert {k: rows[0][k] for k in ("rank", "account", "audience_count", "audience_share", "tier", "followers_count")} == {
        "rank": 1, "account": "rei", "audience_count": 3, "audience_share": 1.0, "tier": "micro", "followers_count": 45000}
    assert rows[1]["followers_count"] is None
    lines = run_cli("affinity", "acme", "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line)["account"] for line in lines] == [r["account"] for r in rows]


def test_affinity_filters(run_cli, loaded):
    out = run_cli("affinity", "acme", "--tier", "mega,macro", "--format", "csv").stdout
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["patagonia", "nike"]
    out = run_cli("affinity", "acme", "--min-count", "2", "--format", "csv").stdout
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["rei"]


def test_affinity_exclude_followed(run_cli, loaded, lists):
    (lists / "acme.txt").write_text("rei\n")
    assert run_cli("load", "following", str(lists / "acme.txt"), "--of", "acme").exit_code == 0
    out = run_cli("affinity", "acme", "--exclude-followed", "--format", "csv").stdout
    assert "rei" not in out and "nike" in out


def test_affinity_out_file_by_extension(run_cli, loaded, tmp_path):
    target = tmp_path / "aff.parquet"
    result = run_cli("affinity", "acme", "--out", str(target))
    assert result.exit_code == 0
    frame = pd.read_parquet(target)
    assert frame["account"].tolist()[0] == "rei"
    assert f"wrote 4 rows to {target}" in result.stderr


def test_info_and_json(run_cli, loaded):
    result = run_cli("info", "--format", "json")
    facts = json.loads(result.stdout)
    assert (facts["accounts"], facts["follows"], facts["observed"]) == (10, 11, 4)
    assert facts["tiers"]["mega"] == 1 and facts["tiers"]["unknown"] == 7
    assert [s["kind"] for s in facts["sources"]] == ["followers"] + ["following"] * 4
    text = run_cli("info").stdout
    assert "accounts    10" in text and "observed    4" in text


def test_export_edges_and_accounts(run_cli, loaded, tmp_path):
    run_cli("export", "edges", "--out", str(tmp_path / "e.parquet"))
    edges = pd.read_parquet(tmp_path / "e.parquet")
    assert len(edges) == 11
    assert ("ann", "rei") in set(zip(edges.follower, edges.followee))
    out = run_cli("export", "accounts", "--format", "csv").stdout
    assert out.splitlines()[0].startswith("key,tier,observed")


# -- errors: one line on stderr, non-zero exit, no traceback ------------------------------

def _one_line_error(result, *fragments):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_account_suggests(run_cli, loaded):
    _one_line_error(run_cli("affinity", "acm"), "'acm' is not in the graph", "did you mean 'acme'")


def test_no_observed_followers(run_cli, loaded):
    (loaded / "newbrand.txt").write_text("zed\n")
    run_cli("load", "followers", str(loaded / "newbrand.txt"), "--of", "newbrand")
    _one_line_error(run_cli("affinity", "newbrand"), "none of 'newbrand''s 1 followers is observed")
    _one_line_error(run_cli("affinity", "dan"), "'dan' has no followers in the graph")


def test_missing_file_error(run_cli, tmp_path):
    _one_line_error(run_cli("load", "followers", str(tmp_path / "nope.txt"), "--of", "x"), "nope.txt: no such file")


def test_bad_row_error_leaves_workspace_untouched(run_cli, lists, workspace_path):
    (lists / "bad.csv").write_text("username,followers\nann,1\nbob,2,3\n")
    _one_line_error(run_cli("load", "followers", str(lists / "bad.csv"), "--of", "x"), "bad.csv, line 3:")
    assert not (workspace_path / "manifest.json").exists()


def test_usage_errors(run_cli, loaded):
    result = run_cli("affinity", "acme", "--top", "-1")
    assert result.exit_code == 2 and "must be at least 1" in result.stderr
    result = run_cli("affinity", "acme", "--tier", "giant")
    _one_line_error(result, "unknown tier 'giant'")
    result = run_cli("load", "followers", "x.txt")
    assert result.exit_code == 2 and "--of" in result.stderr


def test_skip_bad_rows_reports_rejected(run_cli, lists):
    (lists / "bad.csv").write_text("username,followers\nann,1\nbob,2,3\ncat,4\n")
    result = run_cli("load", "followers", str(lists / "bad.csv"), "--of", "x", "--skip-bad-rows")
    assert result.exit_code == 0
    assert "2 follows added" in result.stdout and "1 bad rows skipped" in result.stdout
    assert "line 3: expected 2 fields" in result.stderr


def test_custom_tiers_file(run_cli, loaded, tmp_path):
    (tmp_path / "tiers.toml").write_text("[tiers]\nsmall = 0\nbig = 100000\n")
    out = run_cli("--tiers", str(tmp_path / "tiers.toml"), "affinity", "acme", "--format", "csv").stdout
    assert "rei,3,1.0,0,0.0,2.0,0.5526374846152737,small,45000" in out


def test_demo_runs_offline(run_cli, tmp_path):
    result = run_cli("demo", "--top", "5", workspace=tmp_path / "demo")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split()[:3] == ["rank", "account", "count"]
    assert len(lines) == 2 + 5 + 1
    again = run_cli("demo", "--top", "5", workspace=tmp_path / "demo")
    assert again.stdout == result.stdout
    assert "already loaded" in again.stderr


def test_every_command_has_help():
    from click.testing import CliRunner

    from graphkit.cli.main import cli

    runner = CliRunner()

    def walk(command, path):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.stdout
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                sub = command.get_command(None, name)
                assert sub.help or sub.short_help, f"{' '.join([*path, name])} has no help"
                walk(sub, [*path, name])

    walk(cli, [])


# -- the workspace named by -w: missing, a file, empty ---------------------------------------
def test_missing_workspace_is_an_error_naming_it(run_cli, tmp_path):
    missing = tmp_path / "nonexistent" / "ws"
    for args in (["info"], ["info", "--stats"], ["affinity", "acme"], ["expand", "acme"], ["export", "edges"]):
        result = run_cli(*args, workspace=missing)
        assert result.exit_code == 1, args
        assert result.stderr == (
            f"Error: no workspace at {missing}: the folder does not exist. Check -w (or "
            "$GRAPHKIT_WORKSPACE), or load lists into it first (`graphkit load --help`); after "
            "`graphkit demo`, use -w graphkit-demo\n"
        )
    assert not missing.exists()


def test_a_file_is_not_a_workspace(run_cli, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("hello\n")
    edges = tmp_path / "e.csv"
    edges.write_text("follower,followee\na,b\n")
    for args in (["load", "edges", str(edges)], ["info"], ["affinity", "a"]):
        result = run_cli(*args, workspace=file)
        assert result.exit_code == 1
        assert result.stderr == f"Error: {file} is a file, not a workspace folder: give -w a folder (the first load creates it)\n"
    assert file.read_text() == "hello\n"


def test_empty_workspace_errors_name_it_and_hint_at_the_demo(run_cli, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = run_cli("affinity", "acme", workspace=folder)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: workspace {folder} is empty: load lists into it first (`graphkit load --help`); "
        "after `graphkit demo`, use -w graphkit-demo\n"
    )
    info = run_cli("info", workspace=folder)
    assert info.exit_code == 0 and "-w graphkit-demo" in info.stdout


def test_first_load_creates_the_workspace(run_cli, tmp_path):
    target = tmp_path / "new" / "ws"
    edges = tmp_path / "e.csv"
    edges.write_text("follower,followee\na,b\n")
    assert run_cli("load", "edges", str(edges), workspace=target).exit_code == 0
    info = run_cli("info", workspace=target)
    assert info.exit_code == 0 and "accounts    2" in info.stdout
