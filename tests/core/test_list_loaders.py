"""Handle lists, CSV lists, edge lists and profiles: content, detection, errors."""

from pathlib import Path

import pytest

from graphkit.errors import FormatNotDetected, InputError
from graphkit.tables import follows_frame
from loaders import ReadContext, read_source


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def pairs(source):
    return [tuple(r) for chunk in source.follows for r in follows_frame(chunk).itertuples(index=False)]


def test_handle_list_with_bom_crlf_comments_and_urls(tmp_path):
    path = write(tmp_path, "f.txt", b"\xef\xbb\xbf# exported\r\n@Ann\r\n\r\nhttps://www.instagram.com/bob/\r\ntiktok.com/@Cat\r\nhttps://x.com/dan")
    source = read_source(path, ReadContext(kind="followers", owner="acme"))
    assert source.format == "handle-list"
    assert pairs(source) == [("ann", "acme"), ("bob", "acme"), ("cat", "acme"), ("dan", "acme")]
    assert source.observed == set()
    assert source.rows_read == 4


def test_following_list_marks_owner_observed(tmp_path):
    path = write(tmp_path, "alice.txt", "bob\ncat\n")
    source = read_source(path, ReadContext(kind="following", owner="@Alice"))
    assert pairs(source) == [("alice", "bob"), ("alice", "cat")]
    assert source.observed == {"alice"}


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_list_finds_account_column_and_keeps_attributes(tmp_path, delimiter):
    header = delimiter.join(["full_name", "username", "followersCount", "biography", "favourite"])
    rows = [delimiter.join(["Ann A", "@ann", "12.5K", "Hikes #outdoors", "blue"]),
            delimiter.join(["Bob", "bob", "999", "", "red"])]
    path = write(tmp_path, "l.csv", "\n".join([header, *rows]) + "\n")
    source = read_source(path, ReadContext(kind="followers", owner="acme"))
    assert source.format == "csv-list"
    assert pairs(source) == [("ann", "acme"), ("bob", "acme")]
    accounts = source.accounts.set_index("key")
    assert accounts.loc["ann", "followers_count"] == 12500
    assert accounts.loc["bob", "followers_count"] == 999
    assert accounts.loc["ann", "display_name"] == "Ann A"
    assert accounts.loc["ann", "bio"] == "Hikes #outdoors"
    assert accounts.loc["ann", "favourite"] == "blue"  # unknown columns are kept


@pytest.mark.parametrize("column", ["handle", "user", "screen_name", "login", "account", "name"])
def test_csv_list_account_column_synonyms(tmp_path, column):
    path = write(tmp_path, "l.csv", f"id,{column}\n1,Ann\n2,Bob\n")
    source = read_source(path, ReadContext(kind="following", owner="me"))
    assert pairs(source) == [("me", "ann"), ("me", "bob")]


def test_csv_list_explicit_column(tmp_path):
    path = write(tmp_path, "l.csv", "who,handle\nAnn,ann_real\n")
    source = read_source(path, ReadContext(kind="following", owner="me", column="who"))
    assert pairs(source) == [("me", "ann")]


def test_edge_csv_with_header_and_named_columns(tmp_path):
    path = write(tmp_path, "e.csv", "source,target\nA,B\nB,C\n")
    source = read_source(path, ReadContext(kind="edges"))
    assert source.format == "edge-csv"
    assert pairs(source) == [("a", "b"), ("b", "c")]
    assert source.observe_followers
    path = write(tmp_path, "w.csv", "source,target,weight\nA,B,1\nB,C,2\n")
    with pytest.raises(InputError, match="3 columns"):
        read_source(path, ReadContext(kind="edges"))
    source = read_source(path, ReadContext(kind="edges", extra={"columns": "source,target"}))
    assert pairs(source) == [("a", "b"), ("b", "c")]
    source = read_source(path, ReadContext(kind="edges", extra={"columns": "1,2,weight", "min_weight": 2}))
    assert pairs(source) == [("b", "c")]
    path = write(tmp_path, "e2.csv", "from_id\tto_id\n1\t2\n")
    source = read_source(path, ReadContext(kind="edges", source_col="from_id", target_col="to_id"))
    assert pairs(source) == [("1", "2")]


def test_snap_text_with_comments_and_spaces(tmp_path):
    path = write(tmp_path, "g.txt", "# Directed graph\n# FromNodeId ToNodeId\n1 2\n2  3\n3\t1\n")
    source = read_source(path, ReadContext(kind="edges"))
    assert source.format == "snap-edges"
    assert pairs(source) == [("1", "2"), ("2", "3"), ("3", "1")]


def test_profiles_csv_json_and_ndjson_agree(tmp_path):
    csv_path = write(tmp_path, "p.csv", "username,followers,avg_likes,avg_comments,tags\nann,1000,40,10,\"#a, b\"\n")
    json_path = write(tmp_path, "p.json", '[{"handle": "ann", "follower_count": 1000, "avg_likes": 40, "avg_comments": 10, "hashtags": ["#a", "b"]}]')
    nd_path = write(tmp_path, "p.ndjson", '{"username": "ann", "followersCount": 1000, "avgLikes": 40, "avgComments": 10, "tags": "#a,b"}\n')
    for path in (csv_path, json_path, nd_path):
        accounts = read_source(path, ReadContext(kind="profiles")).accounts.set_index("key")
        assert accounts.loc["ann", "followers_count"] == 1000
        assert accounts.loc["ann", "engagement_rate"] == pytest.approx(0.05)
        assert accounts.loc["ann", "tags"] == "#a,b"


# -- bad input: one clear message naming the file, the line and the problem --------------

def test_missing_file():
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_source("nope.txt", ReadContext(kind="followers", owner="x"))


def test_binary_file(tmp_path):
    path = write(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary data"):
        read_source(path, ReadContext(kind="followers", owner="x"))


def test_non_utf8_names_line_and_suggests_encoding(tmp_path):
    path = write(tmp_path, "l.csv", "username\nann\ncaf\xe9\n".encode("cp1252"))
    with pytest.raises(InputError) as err:
        read_source(path, ReadContext(kind="followers", owner="x"))
    assert "l.csv, line 3: not valid UTF-8" in str(err.value)
    assert "--encoding cp1252" in str(err.value)
    source = read_source(path, ReadContext(kind="followers", owner="x", encoding="cp1252"))
    assert ("café", "x") in pairs(source)


def test_csv_without_account_column(tmp_path):
    path = write(tmp_path, "l.csv", "colour,size\nred,1\n")
    with pytest.raises(InputError, match=r"l\.csv, line 1: the header \(colour, size\) has no account column"):
        read_source(path, ReadContext(kind="followers", owner="x"))


def test_row_with_wrong_number_of_fields(tmp_path):
    path = write(tmp_path, "l.csv", "username,followers\nann,1\nbob,2,3\n")
    with pytest.raises(InputError, match=r"l\.csv, line 3: expected 2 fields \(as in the header\), found 3"):
        read_source(path, ReadContext(kind="followers", owner="x"))


def test_skip_bad_rows_reports_each(tmp_path):
    path = write(tmp_path, "l.csv", "username,followers\nann,1\nbob,2,3\ncat,4\n,5\n")
    source = read_source(path, ReadContext(kind="followers", owner="x", skip_bad_rows=True))
    assert pairs(source) == [("ann", "x"), ("cat", "x")]
    assert [(r.line, r.problem) for r in source.rejected] == [(3, "expected 2 fields (as in the header), found 3")]


def test_edge_list_with_one_column(tmp_path):
    path = write(tmp_path, "e.txt", "1 2\n3\n")
    with pytest.raises(InputError, match=r"e\.txt, line 2: expected 2 fields"):
        read_source(path, ReadContext(kind="edges"))


def test_edge_csv_bad_row_line_number_after_comments(tmp_path):
    rows = "".join(f"u{i},v{i}\n" for i in range(5000))
    path = write(tmp_path, "e.csv", "follower,followee\n" + rows + "x,y,z\n")
    with pytest.raises(InputError, match=r"e\.csv, line 5002: expected 2 fields"):
        read_source(path, ReadContext(kind="edges"))


def test_handle_list_line_with_two_words(tmp_path):
    path = write(tmp_path, "l.txt", "ann\nbob smith\n")
    with pytest.raises(InputError, match=r"l\.txt, line 2: expected one account"):
        read_source(path, ReadContext(kind="followers", owner="x"))


def test_empty_list(tmp_path):
    path = write(tmp_path, "l.txt", "# nothing\n\n")
    with pytest.raises(InputError, match="empty"):
        read_source(path, ReadContext(kind="followers", owner="x"))


def test_undetectable_profiles_file(tmp_path):
    path = write(tmp_path, "p.txt", "just some words\n")
    with pytest.raises(FormatNotDetected, match="profiles-json"):
        read_source(path, ReadContext(kind="profiles"))


def test_bad_count_in_profiles_names_line_and_column(tmp_path):
    path = write(tmp_path, "p.csv", "username,followers\nann,10\nbob,lots\n")
    with pytest.raises(InputError, match=r"p\.csv, line 3: column 'followers_count': not a count: 'lots'"):
        read_source(path, ReadContext(kind="profiles"))
