"""Scraper outputs: CSV, JSON and NDJSON follower/following/profile lists with profile columns."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from loader_helpers import lists_of, load

from graphkit.errors import InputError

CAMEL = [
    {"username": "Ann", "fullName": "Ann A.", "id": "9007199254740993", "followersCount": "12.5k",
     "followingCount": 300, "biography": "hiking", "isVerified": True, "isPrivate": False,
     "category": "Outdoor", "externalUrl": "https://ann.example", "profilePicUrl": "https://cdn/a.jpg",
     "favouriteColour": "green"},
    {"username": "bob", "fullName": "", "id": "2", "followersCount": 10, "followingCount": 1,
     "biography": None, "isVerified": False, "isPrivate": True, "category": None, "externalUrl": None,
     "profilePicUrl": None, "favouriteColour": None},
]


def _check_ann(graph):
    row = graph.accounts.iloc[graph.id_of("ann")]
    assert row["followers_count"] == 12500 and row["following_count"] == 300
    assert (row["display_name"], row["bio"], row["category"]) == ("Ann A.", "hiking", "Outdoor")
    assert bool(row["verified"]) and not bool(row["is_private"])
    assert row["external_url"] == "https://ann.example"
    assert row["profile_pic_url"] == "https://cdn/a.jpg" and row["favourite_colour"] == "green"
    assert row["account_id"] == "9007199254740993"  # 2**53 + 1: never went through a float
    bob = graph.accounts.iloc[graph.id_of("bob")]
    assert bool(bob["is_private"]) and pd.isna(bob["display_name"])


@pytest.mark.parametrize("layout", ["json", "ndjson", "csv"])
def test_follower_list_keeps_every_profile_column(tmp_path, layout):
    path = tmp_path / f"followers.{layout}"
    if layout == "json":
        path.write_text(json.dumps(CAMEL, indent=1))
    elif layout == "ndjson":
        path.write_text("".join(json.dumps(r) + "\n" for r in CAMEL))
    else:
        pd.DataFrame(CAMEL).to_csv(path, index=False)
    workspace, reports = load(tmp_path / "ws", "followers", [path], of="brand")
    assert reports[0].format == ("scraper-csv" if layout == "csv" else "scraper-json")
    assert lists_of(workspace.graph, "brand")[0] == {"ann", "bob"}
    _check_ann(workspace.graph)


def test_snake_case_scraper_columns(tmp_path):
    path = tmp_path / "following.csv"
    path.write_text(
        "pk,username,full_name,follower_count,following_count,is_verified,is_private,profile_pic_url\n"
        "11,cat,Cat C,1.2M,10,1,0,https://cdn/c.jpg\n"
    )
    workspace, _ = load(tmp_path / "ws", "following", [path], of="brand")
    row = workspace.graph.accounts.iloc[workspace.graph.id_of("cat")]
    assert (row["followers_count"], row["display_name"], row["account_id"]) == (1_200_000, "Cat C", "11")
    assert lists_of(workspace.graph, "brand")[1] == {"cat"}


def test_x_scraper_name_is_the_display_name(tmp_path):
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps([{"id_str": "44", "screen_name": "Dora", "name": "Dora the Explorer", "followers_count": 5}]))
    workspace, reports = load(tmp_path / "ws", "profiles", [path])
    assert reports[0].format == "scraper-json"
    row = workspace.graph.accounts.iloc[workspace.graph.id_of("dora")]
    assert (row["display_name"], row["account_id"]) == ("Dora the Explorer", "44")


def test_a_plain_profile_table_stays_with_the_profiles_reader(tmp_path):
    path = tmp_path / "profiles.csv"
    path.write_text("username,followers_count,bio,category\nann,1000,hi,food\n")
    _, reports = load(tmp_path / "ws", "profiles", [path])
    assert reports[0].format == "profiles-csv"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.json", "[]", "the list is empty"),
        ("bad.json", '[{"username": "ann", "fullName": "A"}, {"username": ', "invalid JSON"),
        ("bad.csv", "username,fullName\nann,A,extra\n", "line 2: expected 2 fields"),
    ],
)
def test_bad_scraper_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load(tmp_path / "ws", "followers", [path], of="brand")
    assert str(path) in str(info.value) and message in str(info.value)
