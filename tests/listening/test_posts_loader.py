"""``graphkit load posts``: columns found by name, times, hashtags, mentions, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from graphkit.api import load_files, open_workspace
from graphkit.errors import InputError
from loaders.timestamps import parse_time

LISTENING_CSV = """\
Post ID,Date,Author,Full Text,Hashtags,Location,Likes,Comments,Views,Url
p1,2024-05-01T10:00:00+02:00,@Ann,Sunrise with @ACME and @trail.co. #TrailRunning,#denver,"Denver, CO",1.2K,10,,https://www.instagram.com/p/p1/
p2,1714557600,https://www.instagram.com/bob/,Coffee first #coffee #Coffee,,Boulder,5,,300,
p3,1714557600123,cat,mail me at cat@example.com,,,0,0,,
p4,Wed Oct 10 20:19:24 +0000 2018,dan,"no tags, no mentions",,,,,,
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _posts(ws) -> pd.DataFrame:
    return ws.table("posts").set_index("post_id")


def test_listening_csv_columns_times_hashtags_mentions(tmp_path):
    ws = open_workspace(tmp_path / "ws")
    reports = load_files(ws, "posts", [_write(tmp_path, "posts.csv", LISTENING_CSV)])
    assert reports[0].format == "posts-csv" and reports[0].rows_read == 4
    assert "4 posts by 4 authors, 0 of them in the follow graph" in str(reports[0])
    posts = _posts(open_workspace(tmp_path / "ws"))
    assert sorted(posts.index) == ["p1", "p2", "p3", "p4"]
    assert posts.loc["p1", "author"] == "ann"
    assert posts.loc["p2", "author"] == "bob"  # profile URL -> handle
    # +02:00 -> UTC; epoch seconds; epoch milliseconds; the X API form
    assert posts.loc["p1", "time"] == "2024-05-01T08:00:00Z"
    assert posts.loc["p2", "time"] == "2024-05-01T10:00:00Z"
    assert posts.loc["p3", "time"] == "2024-05-01T10:00:00Z"
    assert posts.loc["p4", "time"] == "2018-10-10T20:19:24Z"
    # the column's hashtags first, then the text's; lower-cased, no repeats
    assert posts.loc["p1", "hashtags"] == "#denver,#trailrunning"
    assert posts.loc["p2", "hashtags"] == "#coffee"
    assert pd.isna(posts.loc["p4", "hashtags"])
    # mentions from the text; an e-mail address is not a mention; trailing dot dropped
    assert posts.loc["p1", "mentions"] == "acme,trail.co"
    assert pd.isna(posts.loc["p3", "mentions"])
    assert posts.loc["p1", "location"] == "Denver, CO"
    assert int(posts.loc["p1", "likes"]) == 1200 and int(posts.loc["p1", "comments"]) == 10
    assert pd.isna(posts.loc["p1", "views"]) and int(posts.loc["p2", "views"]) == 300
    graph = open_workspace(tmp_path / "ws").graph
    assert sorted(graph.keys.tolist()) == ["ann", "bob", "cat", "dan"]  # authors only, not mentions


def test_loading_twice_changes_nothing_and_reexports_keep_one_row_per_post(tmp_path):
    ws = open_workspace(tmp_path / "ws")
    path = _write(tmp_path, "posts.csv", LISTENING_CSV)
    load_files(ws, "posts", [path])
    before = open_workspace(tmp_path / "ws").table("posts")
    again = load_files(open_workspace(tmp_path / "ws"), "posts", [path])
    assert again[0].skipped_reason
    pd.testing.assert_frame_equal(open_workspace(tmp_path / "ws").table("posts"), before)
    # the same post in a later export with more likes: the query side keeps the last one
    later = _write(tmp_path, "later.csv", "post_id,author,likes\np1,ann,2000\n")
    load_files(open_workspace(tmp_path / "ws"), "posts", [later])
    from queries.talkers import prepare_posts

    table = prepare_posts(open_workspace(tmp_path / "ws").table("posts"))
    assert table["post_id"].tolist().count("p1") == 1
    assert int(table.set_index("post_id").loc["p1", "likes"]) == 2000


def test_post_id_falls_back_to_url_then_to_a_hash(tmp_path):
    text = (
        "author,date,text,url\n"
        "ann,2024-01-01,hello,https://x.com/ann/status/1?s=20\n"
        "ann,2024-01-01,hello,https://x.com/ann/status/1\n"  # the same post, cleaner URL
        "bob,2024-01-02,hi,\n"
        "bob,2024-01-02,hi,\n"  # an exact repeat without id or URL
    )
    ws = open_workspace(tmp_path / "ws")
    load_files(ws, "posts", [_write(tmp_path, "p.csv", text)])
    posts = open_workspace(tmp_path / "ws").table("posts")
    assert len(posts) == 2
    assert "https://x.com/ann/status/1" in posts["post_id"].tolist()


def test_nested_json_scraper_export(tmp_path):
    records = [
        {"id": "v1", "text": "Run club with @acme", "createTime": 1714557600,
         "authorMeta": {"name": "Dance.Star", "fans": 15000, "nickName": "Dance Star"},
         "hashtags": [{"name": "running"}, {"name": "TrailRunning"}], "diggCount": 500,
         "commentCount": 20, "playCount": 9000, "webVideoUrl": "https://www.tiktok.com/@dance.star/video/1"},
        {"id": "v2", "text": "Rest day", "createTime": 1714644000,
         "authorMeta": {"name": "dance.star", "fans": 16000, "nickName": "Dance Star"},
         "hashtags": [], "diggCount": 100, "commentCount": 0, "playCount": 1000},
    ]
    path = _write(tmp_path, "tiktok.json", json.dumps(records))
    ws = open_workspace(tmp_path / "ws")
    assert load_files(ws, "posts", [path])[0].format == "posts-json"
    ws = open_workspace(tmp_path / "ws")
    posts = _posts(ws)
    assert posts.loc["v1", "author"] == "dance.star"
    assert posts.loc["v1", "hashtags"] == "#running,#trailrunning"
    assert posts.loc["v1", "mentions"] == "acme"
    assert int(posts.loc["v1", "likes"]) == 500 and int(posts.loc["v1", "views"]) == 9000
    account = ws.graph.accounts.set_index("key").loc["dance.star"]
    assert int(account["followers_count"]) == 16000  # from the latest post
    assert account["display_name"] == "Dance Star"


def test_ndjson_with_author_column_named_by_option(tmp_path):
    lines = [
        {"poster_handle": "ann", "caption": "x #a", "timestamp": "2024-01-01T00:00:00Z"},
        {"poster_handle": "bob", "caption": "y", "timestamp": "2024-01-02T00:00:00Z"},
    ]
    path = _write(tmp_path, "p.ndjson", "\n".join(json.dumps(x) for x in lines) + "\n")
    ws = open_workspace(tmp_path / "ws")
    with pytest.raises(InputError, match="no author column"):
        load_files(ws, "posts", [path])
    load_files(ws, "posts", [path], column="poster_handle")
    assert sorted(open_workspace(tmp_path / "ws").table("posts")["author"]) == ["ann", "bob"]


def test_missing_author_column_is_reported_and_nothing_is_written(tmp_path):
    ws = open_workspace(tmp_path / "ws")
    load_files(ws, "followers", [_write(tmp_path, "f.txt", "ann\n")], of="acme")
    manifest = (tmp_path / "ws" / "manifest.json").read_text()
    path = _write(tmp_path, "bad.csv", "date,text,likes\n2024-01-01,hi,3\n")
    with pytest.raises(InputError) as err:
        load_files(open_workspace(tmp_path / "ws"), "posts", [path])
    assert str(path) in str(err.value) and "no author column" in str(err.value)
    assert (tmp_path / "ws" / "manifest.json").read_text() == manifest


@pytest.mark.parametrize("strict", [True, False])
def test_unparseable_date_names_file_and_line(tmp_path, strict):
    text = "author,date,text\nann,2024-01-01,ok\nbob,next tuesday,bad\ncat,2024-01-03,ok\n"
    path = _write(tmp_path, "p.csv", text)
    ws = open_workspace(tmp_path / "ws")
    if strict:
        with pytest.raises(InputError) as err:
            load_files(ws, "posts", [path])
        assert str(err.value).startswith(f"{path}, line 3: column 'date'")
        assert not (tmp_path / "ws" / "manifest.json").exists()
    else:
        report = load_files(ws, "posts", [path], skip_bad_rows=True)[0]
        assert [r.line for r in report.rejected] == [3]
        assert sorted(open_workspace(tmp_path / "ws").table("posts")["author"]) == ["ann", "cat"]


def test_json_array_errors_name_the_record(tmp_path):
    path = _write(tmp_path, "p.json", json.dumps([{"user": "ann", "date": "2024-01-01"},
                                                  {"user": "bob", "date": "soon"}]))
    with pytest.raises(InputError, match=r"p\.json, record 2: column 'date'"):
        load_files(open_workspace(tmp_path / "ws"), "posts", [path])


def test_post_without_author_and_bad_count(tmp_path):
    path = _write(tmp_path, "p.csv", "author,likes\nann,3\n,4\nbob,lots\n")
    with pytest.raises(InputError, match="line 3: no author"):
        load_files(open_workspace(tmp_path / "ws"), "posts", [path])
    report = load_files(open_workspace(tmp_path / "ws"), "posts", [path], skip_bad_rows=True)[0]
    assert [(r.line, "likes" in r.problem) for r in report.rejected] == [(3, False), (4, True)]


def test_slash_dates_are_day_first_when_a_day_exceeds_twelve(tmp_path):
    us = _write(tmp_path, "us.csv", "author,date\nann,05/01/2024\nbob,12/31/2024\n")
    eu = _write(tmp_path, "eu.csv", "author,date\ncat,05/01/2024\ndan,31/12/2024\n")
    ws = open_workspace(tmp_path / "ws")
    load_files(ws, "posts", [us, eu])
    times = open_workspace(tmp_path / "ws").table("posts").set_index("author")["time"]
    assert times["ann"].startswith("2024-05-01") and times["cat"].startswith("2024-01-05")


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-05-01", "2024-05-01T00:00:00+00:00"),
    ("2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123000+00:00"),
    ("2024/05/01 10:30", "2024-05-01T10:30:00+00:00"),
    ("01.05.2024", "2024-05-01T00:00:00+00:00"),
    ("May 1, 2024", "2024-05-01T00:00:00+00:00"),
    ("1 May 2024", "2024-05-01T00:00:00+00:00"),
    ("Wed, 01 May 2024 10:00:00 GMT", "2024-05-01T10:00:00+00:00"),
    ("20240501", "2024-05-01T00:00:00+00:00"),
    (1714557600.0, "2024-05-01T10:00:00+00:00"),
])
def test_parse_time_forms(value, expected):
    assert parse_time(value).isoformat() == expected


@pytest.mark.parametrize("value", ["soon", "2024-13-45", "-5", True])
def test_parse_time_refuses(value):
    with pytest.raises(ValueError):
        parse_time(value)


def test_cli_load_posts_one_line_error(run_cli, tmp_path):
    path = _write(tmp_path, "p.csv", "author,date\nann,never\n")
    result = run_cli("load", "posts", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {path}, line 2: column 'date': not a date or time: 'never'"]
    good = _write(tmp_path, "g.csv", LISTENING_CSV)
    result = run_cli("load", "posts", str(good))
    assert result.exit_code == 0 and "4 posts by 4 authors" in result.stdout
