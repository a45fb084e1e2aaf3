"""X/Twitter archives: follower.js/following.js, parts, ids as strings, id -> handle aliases."""

from __future__ import annotations

import json
import re

import pytest
from loader_helpers import EXPORTS, lists_of, load, manifest_files

from graphkit.errors import InputError

ARCHIVES = [name for name in EXPORTS if name.startswith("x-archive/")]


def _raw_ids(path) -> list[str]:
    """The accountId strings of an archive file, read with a regex (no JSON, no int)."""
    return re.findall(r'"accountId"\s*:\s*"(\d+)"', path.read_text())


@pytest.mark.parametrize("name", ARCHIVES)
def test_real_archive_counts_and_exact_ids(shared_data, tmp_path, name):
    folder = shared_data / "exports" / name
    load(tmp_path / "ws", "followers", [folder / "follower.js"], of="me")
    workspace, reports = load(tmp_path / "ws", "following", [folder / "following.js"], of="me")
    assert reports[0].format == "x-archive"
    fans, follows = lists_of(workspace.graph, "me")
    assert (len(fans), len(follows), len(fans & follows)) == EXPORTS[name]
    assert fans == set(_raw_ids(folder / "follower.js"))
    assert follows == set(_raw_ids(folder / "following.js"))


def test_big_ids_do_not_pass_through_floats(shared_data, tmp_path):
    path = shared_data / "exports/x-archive/2020-06_keithfrankish/follower.js"
    big = [i for i in _raw_ids(path) if int(i) > 2**53]
    assert len(big) > 3000  # the README: about 29% of 13,188
    workspace, _ = load(tmp_path / "ws", "followers", [path], of="me")
    assert set(big) <= lists_of(workspace.graph, "me")[0]


def test_split_list_in_parts(shared_data, tmp_path):
    """A big list continues in follower-part1.js (window.YTD.follower.part1)."""
    text = (shared_data / "exports/x-archive/2023-08_larsbrinkhoff/follower.js").read_text()
    records = json.loads(text.split("=", 1)[1])
    assert len(records) == 764
    (tmp_path / "follower.js").write_text("window.YTD.follower.part0 = " + json.dumps(records[:400], indent=2))
    (tmp_path / "follower-part1.js").write_text("window.YTD.follower.part1 = " + json.dumps(records[400:], indent=2))
    workspace, _ = load(tmp_path / "ws", "followers", [tmp_path / "follower.js", tmp_path / "follower-part1.js"], of="me")
    assert len(lists_of(workspace.graph, "me")[0]) == 764


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("followers", '[ {"follower" : {"accountId" : "1"}} ]', "lacks its `window.YTD.<section>.part0 = ` first line"),
        ("followers", 'window.YTD.like.part0 = [ {"like": {"tweetId": "1"}} ]', "the X archive's 'like' file"),
        ("followers", 'window.YTD.following.part0 = [ {"following": {"accountId": "1"}} ]', "this is the X archive following list"),
        ("followers", 'window.YTD.follower.part0 = [ {"follower": {"accountId": "1"}}, ', "truncated"),
        ("followers", "window.YTD.follower.part0 = [ ]", "the followers list is empty"),
        ("followers", 'window.YTD.follower.part0 = [ {"follower": {"accountId": "12ab"}} ]', "record 1: accountId '12ab' is not a numeric X id"),
    ],
)
def test_bad_archive_files(tmp_path, kind, text, message):
    path = tmp_path / "follower.js"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load(tmp_path / "ws", kind, [path], of="me")
    assert str(path) in str(info.value) and message in str(info.value)
    assert "manifest.json" not in manifest_files(tmp_path / "ws")


# -- ids and handles: one account ---------------------------------------------------------
ARCHIVE_FOLLOWERS = 'window.YTD.follower.part0 = [ {"follower": {"accountId": "1111111111111111111"}}, {"follower": {"accountId": "222"}} ]'
ARCHIVE_FOLLOWING = 'window.YTD.following.part0 = [ {"following": {"accountId": "1111111111111111111"}} ]'
PROFILES = "id,username,followers_count\n1111111111111111111,Jack,12000\n333,zed,5\n"


def _archive(tmp_path):
    (tmp_path / "follower.js").write_text(ARCHIVE_FOLLOWERS)
    (tmp_path / "following.js").write_text(ARCHIVE_FOLLOWING)
    (tmp_path / "profiles.csv").write_text(PROFILES)
    # jack's own following list, scraped by handle
    (tmp_path / "jack.txt").write_text("@me\n@nike\n")


@pytest.mark.parametrize("profiles_first", [False, True])
def test_profiles_file_gives_ids_their_handle(tmp_path, profiles_first):
    _archive(tmp_path)
    ws = tmp_path / "ws"
    steps = [
        ("followers", [tmp_path / "follower.js"], {"of": "me"}),
        ("following", [tmp_path / "following.js"], {"of": "me"}),
        ("following", [tmp_path / "jack.txt"], {"of": "jack"}),
    ]
    profile = ("profiles", [tmp_path / "profiles.csv"], {})
    steps = [profile, *steps] if profiles_first else [*steps, profile]
    for kind, paths, options in steps:
        workspace, reports = load(ws, kind, paths, **options)
    graph = workspace.graph
    keys = set(graph.keys)
    assert "1111111111111111111" not in keys and "jack" in keys  # one account, keyed by the handle
    fans, follows = lists_of(graph, "me")
    assert fans == {"jack", "222"} and follows == {"jack"}
    jack = graph.id_of("jack")
    assert set(graph.keys_of(graph.following(jack))) == {"me", "nike"}
    assert graph.observed[jack]
    row = graph.accounts.iloc[jack]
    assert row["account_id"] == "1111111111111111111" and row["followers_count"] == 12000
    aliases = workspace.table("aliases")
    assert sorted(map(tuple, aliases.values.tolist())) == [("1111111111111111111", "jack"), ("333", "zed")]


def test_export_reads_the_owner_and_its_id_from_account_js(shared_data, tmp_path):
    """data/account.js names the owner; its id becomes an alias of the handle."""
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    source = shared_data / "exports/x-archive/2023-08_larsbrinkhoff"
    for name in ("follower.js", "following.js"):
        (data / name).write_bytes((source / name).read_bytes())
    (data / "account.js").write_text(
        'window.YTD.account.part0 = [ {"account": {"email": "x@example.org", "username": "LarsB",'
        ' "accountId": "99", "accountDisplayName": "Lars"}} ]'
    )
    # someone else's archive already says they follow id 99
    (tmp_path / "friend.js").write_text('window.YTD.following.part0 = [ {"following": {"accountId": "99"}} ]')
    load(tmp_path / "ws", "following", [tmp_path / "friend.js"], of="friend")
    workspace, reports = load(tmp_path / "ws", "export", [tmp_path / "archive"])
    assert reports[0].format == "x-download"
    fans, follows = lists_of(workspace.graph, "larsb")
    assert (len(fans - {"friend"}), len(follows)) == (764, 79)
    assert "99" not in set(workspace.graph.keys)
    assert "friend" in fans and lists_of(workspace.graph, "friend")[1] == {"larsb"}
