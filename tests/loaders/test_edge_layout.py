"""Strict edge lists: ambiguous layouts are refused with the columns found and the options to use."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from graphkit.errors import InputError
from graphkit.tables import follows_frame
from loaders import ReadContext, read_source
from loaders.edges import parse_edge_lines
from loaders.textio import decode_lines

OTC = "snap/bitcoin-otc/soc-sign-bitcoinotc.csv"


def pairs(source) -> list[tuple[str, str]]:
    frame = pd.concat(map(follows_frame, source.follows), ignore_index=True).astype(str)
    return list(zip(frame["follower"], frame["followee"]))


def read(path, **extra):
    return read_source(str(path), ReadContext(kind="edges", extra=extra))


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_unknown_header_with_three_columns_is_refused(tmp_path, run_cli, workspace_path):
    path = tmp_path / "foo.csv"
    path.write_text("foo,bar,baz\n1,2,3\n4,5,6\n")
    message = one_line_error(run_cli("load", "edges", str(path)))
    assert "foo.csv, line 1: the header (foo, bar, baz) names no follower and followee columns" in message
    assert "--columns FOLLOWER,FOLLOWEE" in message and "--no-header" in message
    result = run_cli("load", "edges", str(path), "--columns", "foo,baz")
    assert result.exit_code == 0, result.stderr
    assert pairs(read(path, columns="foo,baz")) == [("1", "3"), ("4", "6")]


def test_unknown_two_column_header_over_numbers_is_refused(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("a,b\n1,2\n2,3\n")
    with pytest.raises(InputError, match=r"the header \(a, b\) names no follower"):
        read(path)
    assert pairs(read(path, no_header=True)) == [("a", "b"), ("1", "2"), ("2", "3")]


def test_profiles_files_are_refused_with_a_hint(tmp_path):
    path = tmp_path / "profiles.csv"
    path.write_text("username,followers\nalice,100\nbob,2000\n")
    with pytest.raises(InputError, match="looks like a profiles file.*graphkit load profiles"):
        read(path)
    wide = tmp_path / "wide.csv"
    wide.write_text("username,full_name,followers,following,bio\nann,Ann,10,20,hi\n")
    with pytest.raises(InputError, match=r"names account attributes \(full_name, followers, bio\)"):
        read(wide)


def test_bundled_demo_profiles_refused_as_edges(run_cli):
    from graphkit.demo import demo_files

    message = one_line_error(run_cli("load", "edges", str(demo_files()["profiles"])))
    assert "looks like a profiles file" in message


def test_headerless_wide_file_names_positions_and_the_weight_filter(shared_data, run_cli):
    message = one_line_error(run_cli("load", "edges", str(shared_data / OTC)))
    assert "line 1: 4 columns (6, 2, 4, 1289241911.72836) and no header" in message
    assert "--columns 1,2" in message and "--min-weight" in message


def test_bitcoin_otc_with_min_weight_keeps_only_trust(shared_data):
    with open(shared_data / OTC, newline="") as handle:
        rows = list(csv.reader(handle))
    trusted = {(a, b) for a, b, rating, _ in rows if float(rating) >= 1}
    distrusted = {(a, b) for a, b, rating, _ in rows if float(rating) < 0}
    source = read(shared_data / OTC, columns="1,2,3", min_weight=1)
    got = pairs(source)
    assert source.rows_read == len(rows) == 35_592
    assert len(got) == len(set(got)) == len(trusted) == 32_029
    assert set(got) == trusted and not set(got) & distrusted
    assert source.summarize(None) == f"{len(rows) - len(trusted):,} rows with a weight below 1 left out"


def test_fast_and_line_readers_agree_on_the_weight_filter(shared_data):
    path = str(shared_data / OTC)
    ctx = ReadContext(kind="edges", extra={"columns": "1,2,3", "min_weight": 0})
    fast = read_source(path, ctx)
    slow = parse_edge_lines(decode_lines((shared_data / OTC).read_bytes(), path), path, ctx)
    assert pairs(fast) == pairs(slow)
    assert fast.summarize(None) == slow.summarize(None)


@pytest.mark.parametrize(("name", "follows"), [
    ("snap/wiki-vote/Wiki-Vote.txt", 103_689),
    ("snap/email-eu-core/email-Eu-core.txt", 25_571),
    ("snap/ego-facebook/facebook_combined.txt", 88_234),
])
def test_headerless_two_column_snap_files_load_as_before(shared_data, name, follows):
    source = read(shared_data / name)
    assert source.format == "snap-edges"
    assert len(pairs(source)) == follows


def test_columns_choose_and_order(tmp_path):
    path = tmp_path / "e.tsv"
    path.write_text("# a comment\nb\ta\nc\tb\n")
    assert pairs(read(path)) == [("b", "a"), ("c", "b")]
    assert pairs(read(path, columns="2,1")) == [("a", "b"), ("b", "c")]
    headed = tmp_path / "h.csv"
    headed.write_text("id,from_id,to_id\n1,x,y\n")
    assert pairs(read(headed, columns="from_id,to_id")) == [("x", "y")]
    # the older spelling
    ctx = ReadContext(kind="edges", source_col="from_id", target_col="to_id")
    assert pairs(read_source(str(headed), ctx)) == [("x", "y")]


@pytest.mark.parametrize(("text", "extra", "message"), [
    ("1,2\n", {"min_weight": 1}, "--min-weight needs the weight column"),
    ("1,2,5\n", {"columns": "1,2,3"}, r"names a weight column \(3\): give --min-weight"),
    ("1,2,5\n", {"columns": "1,4"}, "--columns 4: the file has 3 columns"),
    ("1,2,5\n", {"columns": "1,1"}, "names one column twice"),
    ("1,2,5\n", {"columns": "1"}, "give FOLLOWER,FOLLOWEE or FOLLOWER,FOLLOWEE,WEIGHT"),
    ("src,dst\na,b\n", {"columns": "src,nope"}, r"--columns 'nope': no such column \(the header has src, dst\)"),
    ("1,2,5\n2,3,x\n", {"columns": "1,2,3", "min_weight": 1}, r"line 2: weight 'x' is not a number"),
    ("1,2,5\n2,3\n", {"columns": "1,2,3", "min_weight": 1}, r"line 2: expected 3 fields \(as on line 1\), found 2"),
    ("alice\nbob\n", {}, "line 1 has one column.*graphkit load followers"),
])
def test_option_and_row_errors(tmp_path, text, extra, message):
    path = tmp_path / "e.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read(path, **extra)


def test_cli_reports_rows_left_out(tmp_path, run_cli):
    path = tmp_path / "signed.csv"
    path.write_text("a,b,10\nb,c,-10\nc,a,0\n")
    result = run_cli("load", "edges", str(path), "--columns", "1,2,3", "--min-weight", "1")
    assert result.exit_code == 0, result.stderr
    assert "1 follows added" in result.stdout
    assert "2 rows with a weight below 1 left out" in result.stdout


def test_wide_file_of_handles_suggests_the_header_names(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("who,whom,note\nalice,bob,x\n")
    with pytest.raises(InputError) as err:
        read(path)
    assert "3 columns (who, whom, note) and no header" in str(err.value)
    assert str(err.value).endswith("if line 1 names the columns, use the names: --columns who,whom")
    assert pairs(read(path, columns="who,whom")) == [("alice", "bob")]
