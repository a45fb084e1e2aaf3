"""Whole downloads (`load export`): folders at any depth, zips read in memory, hostile archives."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from loader_helpers import EXPORTS, lists_of, load, manifest_files

from graphkit.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: where each platform puts its lists inside the download
INNER = {"instagram": "connections/followers_and_following", "x-archive": "data", "tiktok": "TikTok"}


def _download(shared_data, tmp_path, name):
    """The real files of ``name`` laid out as in the platform's download, plus unrelated files."""
    root = tmp_path / "download"
    inner = root / "nested" / INNER[name.split("/")[0]]
    inner.mkdir(parents=True)
    for file in (shared_data / "exports" / name).iterdir():
        shutil.copy(file, inner / file.name)
    (root / "nested" / "index.html").write_text("<html>start here</html>")
    (root / "nested" / "media").mkdir()
    (root / "nested" / "media" / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(64))
    return root


def _zip(folder, target):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return target


@pytest.mark.parametrize("name", list(EXPORTS))
@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_whole_download_loads_both_directions(shared_data, tmp_path, name, packed):
    path = _download(shared_data, tmp_path, name)
    if packed:
        path = _zip(path, tmp_path / "download.zip")
    workspace, reports = load(tmp_path / "ws", "export", [path], of="Owner")
    assert reports[0].format == name.split("/")[0].replace("x-archive", "x") + "-download"
    fans, follows = lists_of(workspace.graph, "owner")
    assert (len(fans), len(follows), len(fans & follows)) == EXPORTS[name]
    assert workspace.graph.observed[workspace.graph.id_of("owner")]
    assert workspace.graph.n_accounts == len(fans | follows) + 1


def test_loading_the_same_download_twice_changes_nothing(shared_data, tmp_path):
    path = _zip(_download(shared_data, tmp_path, "instagram/2025-08_kaankaramese"), tmp_path / "d.zip")
    load(tmp_path / "ws", "export", [path], of="me")
    _, reports = load(tmp_path / "ws", "export", [path], of="me")
    assert reports[0].skipped_reason == "already loaded; nothing changed"


def test_cli_export_command(shared_data, run_cli, tmp_path):
    path = _download(shared_data, tmp_path, "tiktok/2026-01_beyzaacesur")
    result = run_cli("load", "export", str(path), "--owner", "me")
    assert result.exit_code == 0, result.output
    assert "(tiktok-download): 184 rows read" in result.stdout
    result = run_cli("load", "export", str(path))
    assert result.exit_code == 1 and "pass --owner ACCOUNT" in result.stderr


def _zip_with(tmp_path, members):
    target = tmp_path / "bad.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                archive.writestr(name, data)
    return target


FOLLOWERS = json.dumps([{"title": "", "string_list_data": [{"value": "ann"}]}])


def _symlink_info(name):
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([("../../x", b"boom"), ("followers_1.json", FOLLOWERS)], "member ../../x: its path climbs out of the archive"),
        ([("/etc/cron.d/x", b"boom"), ("followers_1.json", FOLLOWERS)], "member /etc/cron.d/x: its path is absolute"),
        ([(_symlink_info("connections/followers_1.json"), "/etc/passwd")], "is a symbolic link"),
        ([("likes/liked_posts.json", '{"likes_media_likes": []}'), ("readme.txt", "hi")], "no follower or following file found"),
        ([("a/followers_1.json", FOLLOWERS), ("b/followers_1.json", FOLLOWERS)], "in several folders (a, b)"),
        ([("ig/followers_1.json", FOLLOWERS), ("ig/follower.js", "window.YTD.follower.part0 = []")], "lists of several platforms"),
        ([("x/followers_1.json", "[" * 10 + '{"title"')], "member x/followers_1.json, line 1: the JSON stops in the middle"),
    ],
)
def test_hostile_or_wrong_archives_are_refused(tmp_path, members, message):
    path = _zip_with(tmp_path, members)
    with pytest.raises(InputError) as info:
        load(tmp_path / "ws", "export", [path], of="me")
    assert str(path) in str(info.value) and message in str(info.value)
    assert "manifest.json" not in manifest_files(tmp_path / "ws")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.zip"]  # nothing extracted, nothing written


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    path = _zip_with(tmp_path, [("followers_1.json", b" " * (64 << 20))])
    assert path.stat().st_size < 1 << 20
    with pytest.raises(InputError, match=r"bad\.zip, member followers_1\.json: inflates .* a zip bomb"):
        load(tmp_path / "ws", "export", [path], of="me")


def test_huge_single_line_is_refused(tmp_path):
    path = tmp_path / "following.json"
    name = "a" * (17 << 20)
    path.write_text('{"relationships_following": [{"title": "' + name + '"}]}')
    with pytest.raises(InputError, match=r"following\.json, line 1: line 1 is 17,825,836 bytes long"):
        load(tmp_path / "ws", "following", [path], of="me")


def test_undetectable_file_lists_the_formats(tmp_path, run_cli):
    path = tmp_path / "mystery.json"
    path.write_text('{"something": {"else": 1}}')
    result = run_cli("load", "followers", str(path), "--of", "me")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and str(path) in line
    for name in ("instagram-json", "instagram-html", "x-archive", "tiktok-json", "tiktok-txt", "scraper-json", "handle-list"):
        assert name in line


def test_formats_command_lists_every_platform_with_how_to_get_it(run_cli):
    result = run_cli("formats")
    assert result.exit_code == 0
    for name in ("instagram-json", "instagram-html", "x-archive", "tiktok-json", "tiktok-txt", "scraper-json",
                 "scraper-csv", "instagram-download", "x-download", "tiktok-download", "snap-ego"):
        assert name in result.stdout
    assert "Download your information" in result.stdout


def test_instagram_owner_from_personal_information(shared_data, tmp_path):
    root = _download(shared_data, tmp_path, "instagram/2025-08_kaankaramese")
    info = root / "nested" / "personal_information" / "personal_information"
    info.mkdir(parents=True)
    (info / "personal_information.json").write_text(json.dumps(
        {"profile_user": [{"string_map_data": {"Username": {"href": "", "value": "Kaan.K", "timestamp": 0}}}]}))
    workspace, _ = load(tmp_path / "ws", "export", [_zip(root, tmp_path / "d.zip")])
    fans, follows = lists_of(workspace.graph, "kaan.k")
    assert (len(fans), len(follows)) == (269, 365)


def test_a_newer_download_ends_the_follows_it_no_longer_holds(tmp_path):
    """A download holds the owner's whole lists: loading a newer one ends what it lacks."""
    from graphkit.workspace.history import follow_spells

    newer = tmp_path / "instagram-acme"
    shutil.copytree(EXAMPLES / "downloads" / "instagram-acme", newer)
    lists = newer / "connections" / "followers_and_following"
    fans = json.loads((lists / "followers_1.json").read_text())
    following = json.loads((lists / "following.json").read_text())
    (lists / "followers_1.json").write_text(json.dumps(fans[1:]))  # one follower left
    following["relationships_following"] = following["relationships_following"][1:]  # one unfollowed
    (lists / "following.json").write_text(json.dumps(following))
    lost_fan = fans[0]["string_list_data"][0]["value"]
    dropped = json.loads((EXAMPLES / "downloads" / "instagram-acme" / INNER["instagram"] / "following.json")
                         .read_text())["relationships_following"][0]["title"]

    workspace, _ = load(tmp_path / "ws", "download", [EXAMPLES / "downloads" / "instagram-acme"])
    before_fans, before_follows = lists_of(workspace.graph, "acme")
    workspace, reports = load(tmp_path / "ws", "download", [newer])
    assert reports[0].follows_ended == 2
    fans_now, follows_now = lists_of(workspace.graph, "acme")
    assert fans_now == before_fans - {lost_fan} and follows_now == before_follows - {dropped}
    spells = follow_spells(workspace)
    ended = spells[spells["ended"].notna()]
    assert sorted(zip(ended["follower"], ended["followee"])) == sorted([(lost_fan, "acme"), ("acme", dropped)])
