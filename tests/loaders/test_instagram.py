"""Instagram downloads: JSON (old, 2026, pre-2021 layouts) and HTML, on real files and fixtures."""

from __future__ import annotations

import json
import re

import pytest
from loader_helpers import EXPORTS, lists_of, load, manifest_files

from graphkit.errors import InputError

INSTAGRAM = [name for name in EXPORTS if name.startswith("instagram/")]


def _files(folder):
    followers = sorted(folder.glob("followers_*.*"))
    following = sorted(folder.glob("following.*"))
    return followers, following


@pytest.mark.parametrize("name", INSTAGRAM)
def test_real_download_counts(shared_data, tmp_path, name):
    folder = shared_data / "exports" / name
    followers, following = _files(folder)
    load(tmp_path / "ws", "followers", followers, of="me")
    workspace, _ = load(tmp_path / "ws", "following", following, of="me")
    fans, follows = lists_of(workspace.graph, "me")
    assert (len(fans), len(follows), len(fans & follows)) == EXPORTS[name]
    assert workspace.graph.observed[workspace.graph.id_of("me")]


def test_real_names_match_the_raw_file(shared_data, tmp_path):
    """Every username of the 2026 following.json (title) and the HTML page (link) is a key."""
    folder = shared_data / "exports" / "instagram"
    raw = json.loads((folder / "2026-05_goodnessfx_newformat/following.json").read_text())
    titles = {item["title"].lower() for item in raw["relationships_following"]}
    html = (folder / "2025-07_html_enrico/followers_1.html").read_text()
    linked = {m.lower() for m in re.findall(r'href="https://www.instagram.com/([^"/]+)"', html)}
    load(tmp_path / "ws", "following", [folder / "2026-05_goodnessfx_newformat/following.json"], of="a")
    workspace, reports = load(tmp_path / "ws", "followers", [folder / "2025-07_html_enrico/followers_1.html"], of="b")
    assert reports[0].format == "instagram-html"
    assert lists_of(workspace.graph, "a")[1] == titles
    assert lists_of(workspace.graph, "b")[0] == linked


def _item(name, *, new=False):
    if new:
        return {"title": name, "string_list_data": [{"href": f"https://www.instagram.com/_u/{name}", "timestamp": 1}]}
    return {"title": "", "media_list_data": [], "string_list_data": [
        {"href": f"https://www.instagram.com/{name}", "value": name, "timestamp": 1}]}


def test_pre_2021_relationships_layout(tmp_path):
    """2021-2022: followers.json is {"relationships_followers": [...]}."""
    path = tmp_path / "followers.json"
    path.write_text(json.dumps({"relationships_followers": [_item("Ann"), _item("bob")]}, indent=2))
    workspace, reports = load(tmp_path / "ws", "followers", [path], of="me")
    assert reports[0].format == "instagram-json"
    assert lists_of(workspace.graph, "me") == ({"ann", "bob"}, set())


def test_legacy_connections_json_has_both_directions(tmp_path):
    """Pre-2021 connections.json: {"followers": {name: date}, "following": {name: date}}."""
    path = tmp_path / "connections.json"
    path.write_text(json.dumps({
        "followers": {"ann": "2019-01-31T10:00:00+00:00", "bob": "2018-05-01T09:00:00+00:00"},
        "following": {"bob": "2019-02-01T10:00:00+00:00", "cat": "2017-01-01T00:00:00+00:00"},
        "blocked_users": {},
    }, indent=2))
    load(tmp_path / "ws", "followers", [path], of="me")
    workspace, _ = load(tmp_path / "ws", "following", [path], of="me")
    assert lists_of(workspace.graph, "me") == ({"ann", "bob"}, {"bob", "cat"})
    exported, _ = load(tmp_path / "ws2", "export", [path], of="me")
    assert lists_of(exported.graph, "me") == ({"ann", "bob"}, {"bob", "cat"})


def test_2026_layout_uses_title_and_href(tmp_path):
    path = tmp_path / "following.json"
    items = [_item("Ann.B", new=True), {"title": "", "string_list_data": [{"href": "https://www.instagram.com/_u/cat_9"}]}]
    path.write_text(json.dumps({"relationships_following": items}))
    workspace, _ = load(tmp_path / "ws", "following", [path], of="me")
    assert lists_of(workspace.graph, "me")[1] == {"ann.b", "cat_9"}


def test_html_with_another_locale_and_no_date_parsing(tmp_path):
    page = (
        "<html><head><title>Abonnés</title></head><body><main>"
        '<div><a target="_blank" href="https://www.instagram.com/zoe_1">zoe_1</a></div><div>déc. 3, 2024 9:01 pm</div>'
        '<div><a href="https://www.instagram.com/_u/Yann">Yann</a></div><div>janv. 1, 2025 1:00 am</div>'
        '<div><a href="https://www.instagram.com/explore/tags/x/">#x</a></div>'
        "</main></body></html>"
    )
    path = tmp_path / "followers_1.html"
    path.write_text(page)
    workspace, _ = load(tmp_path / "ws", "followers", [path], of="me")
    assert lists_of(workspace.graph, "me")[0] == {"zoe_1", "yann"}


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("followers", "following.json", {"relationships_following": [_item("a")]},
         "this is the Instagram following list, not a followers list; load it with `graphkit load following`"),
        ("following", "followers_1.json", [_item("a")], "this is the Instagram followers list"),
        ("followers", "liked_posts.json", {"likes_media_likes": [_item("a")]}, "likes_media_likes section"),
        ("followers", "close_friends.json", {"relationships_close_friends": [_item("a")]}, "(close friends)"),
        ("followers", "followers_1.json", [], "the followers list is empty"),
        ("followers", "followers_1.json", [{"title": "", "string_list_data": [{"timestamp": 1}]}], "record 1: no account name"),
    ],
)
def test_wrong_section_or_empty_list_is_refused(tmp_path, kind, name, content, message):
    path = tmp_path / name
    path.write_text(json.dumps(content))
    with pytest.raises(InputError) as info:
        load(tmp_path / "ws", kind, [path], of="me")
    assert str(path) in str(info.value) and message in str(info.value)
    assert manifest_files(tmp_path / "ws") in ([], [".lock"])


def test_truncated_json_names_file_and_line(shared_data, tmp_path):
    data = (shared_data / "exports/instagram/2024-12_lampros-m/following.json").read_bytes()
    path = tmp_path / "following.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"following\.json, line \d+: the JSON stops in the middle"):
        load(tmp_path / "ws", "following", [path], of="me")
    assert not (tmp_path / "ws" / "manifest.json").exists()


def test_html_page_of_another_section_is_refused(tmp_path):
    path = tmp_path / "close_friends.html"
    path.write_text('<html><body><main><a href="https://www.instagram.com/ann">ann</a></main></body></html>')
    with pytest.raises(InputError, match="close_friends page of an Instagram download"):
        load(tmp_path / "ws", "followers", [path], of="me")


def test_cli_loads_a_followers_file_and_refuses_a_bad_one(shared_data, run_cli, tmp_path):
    path = shared_data / "exports/instagram/2025-08_kaankaramese/followers_1.json"
    result = run_cli("load", "followers", str(path), "--of", "me")
    assert result.exit_code == 0, result.output
    assert "(instagram-json): 269 rows read" in result.stdout
    bad = tmp_path / "followers_1.json"
    bad.write_text('[{"title": "", "string_list_data": [{"value": "a"}]},')
    result = run_cli("load", "followers", str(bad), "--of", "me")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "truncated" in lines[0]
