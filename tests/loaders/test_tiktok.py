"""TikTok downloads: current JSON, the older "Activity" JSON and the TXT export."""

from __future__ import annotations

import json

import pytest
from loader_helpers import EXPORTS, lists_of, load

from graphkit.errors import InputError

DOWNLOADS = [name for name in EXPORTS if name.startswith("tiktok/")]


def _json(folder):
    return next(folder.glob("user_data_tiktok*.json"))


@pytest.mark.parametrize("name", DOWNLOADS)
def test_real_download_counts(shared_data, tmp_path, name):
    path = _json(shared_data / "exports" / name)
    load(tmp_path / "ws", "followers", [path], of="me")
    workspace, reports = load(tmp_path / "ws", "following", [path], of="me")
    assert reports[0].format == "tiktok-json"
    fans, follows = lists_of(workspace.graph, "me")
    assert (len(fans), len(follows), len(fans & follows)) == EXPORTS[name]
    raw = json.loads(path.read_text())["Your Activity"]
    assert fans == {e["UserName"].lower() for e in raw["Follower"]["FansList"]}


def test_older_activity_layout(tmp_path):
    path = tmp_path / "user_data.json"
    path.write_text(json.dumps({
        "Activity": {
            "Favorite Videos": {"FavoriteVideoList": []},
            "Follower List": {"FansList": [{"Date": "2021-03-01 10:00:00", "UserName": "Ann"},
                                           {"Date": "2021-02-01 10:00:00", "UserName": "bob"}]},
            "Following List": {"Following": [{"Date": "2021-03-02 10:00:00", "UserName": "bob"}]},
        },
        "Profile": {"Profile Information": {"ProfileMap": {"userName": "me"}}},
    }, indent=2))
    load(tmp_path / "ws", "followers", [path], of="me")
    workspace, _ = load(tmp_path / "ws", "following", [path], of="me")
    assert lists_of(workspace.graph, "me") == ({"ann", "bob"}, {"bob"})


TXT_FANS = "Date: 2020-12-01 10:00:00\nUsername: ann\n\nDate: 2020-11-01 09:00:00\nUsername: Bob.B\n\n"
TXT_FOLLOWING = "Date: 2020-12-02 10:00:00\r\nUsername: bob.b\r\n\r\n"


def test_txt_export_single_files_and_folder(tmp_path):
    folder = tmp_path / "TikTok" / "Activity"
    folder.mkdir(parents=True)
    (folder / "Follower List.txt").write_text(TXT_FANS)
    (folder / "Following List.txt").write_bytes(TXT_FOLLOWING.encode())
    workspace, reports = load(tmp_path / "ws", "followers", [folder / "Follower List.txt"], of="me")
    assert reports[0].format == "tiktok-txt"
    assert lists_of(workspace.graph, "me")[0] == {"ann", "bob.b"}
    exported, reports = load(tmp_path / "ws2", "export", [tmp_path / "TikTok"], of="me")
    assert reports[0].format == "tiktok-download"
    assert lists_of(exported.graph, "me") == ({"ann", "bob.b"}, {"bob.b"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"Your Activity": {"Like List": {"ItemFavoriteList": []}}}', "no TikTok follower or following list"),
        ('{"Your Activity": {"Follower": {"FansList": []}}}', "the followers list is empty"),
        ('{"Your Activity": {"Follower": {"FansList": [{"Date": "2020-01-01"}]}}}', "record 1: Your Activity > Follower > FansList: an entry without UserName"),
        ('{"Your Activity": {"Follower": {"FansList": [{"UserName": "a"}', "truncated"),
    ],
)
def test_bad_tiktok_json(tmp_path, content, message):
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load(tmp_path / "ws", "followers", [path], of="me")
    assert str(path) in str(info.value) and message in str(info.value)


def test_file_of_another_platform_with_a_forced_format(shared_data, tmp_path):
    path = _json(shared_data / "exports" / DOWNLOADS[0])
    with pytest.raises(InputError, match="not an Instagram follower or following file"):
        load(tmp_path / "ws", "followers", [path], of="me", fmt="instagram-json")
    insta = shared_data / "exports/instagram/2025-08_kaankaramese/followers_1.json"
    with pytest.raises(InputError, match="expected TikTok's JSON object, found a list"):
        load(tmp_path / "ws", "followers", [insta], of="me", fmt="tiktok-json")


def test_owner_comes_from_the_profile_section(tmp_path):
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(json.dumps({
        "Profile": {"Profile Info": {"ProfileMap": {"userName": "Dance.Star", "bioDescription": ""}}},
        "Your Activity": {"Follower": {"FansList": [{"Date": "2025-01-01 00:00:00", "UserName": "ann"}]}},
    }))
    workspace, _ = load(tmp_path / "ws", "export", [path])
    assert lists_of(workspace.graph, "dance.star") == ({"ann"}, set())
