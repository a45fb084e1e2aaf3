"""``talkers``: brand mentions, hashtag/location filters, --since, reach, observed engagement."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from queries.talkers import (
    about_brand,
    observed_engagement,
    prepare_posts,
    talkers,
    with_post_attributes,
)

# acme's followers: ann, bob, cat (observed: ann, bob, cat); eve follows nobody relevant.
# ann follows dan and cat; bob follows dan; cat follows dan and ann.
PAIRS = [
    ("ann", "acme"), ("bob", "acme"), ("cat", "acme"),
    ("ann", "dan"), ("bob", "dan"), ("cat", "dan"), ("ann", "cat"), ("cat", "ann"),
    ("eve", "zed"),
]
PROFILES = pd.DataFrame({
    "key": ["dan", "ann", "eve"],
    "followers_count": [20_000, 1_500, 400],
    "engagement_rate": [0.05, None, None],
})


def _post(pid, author, time, text=None, hashtags=None, mentions=None, location=None, likes=None, comments=None):
    return {"post_id": pid, "author": author, "time": time, "text": text, "hashtags": hashtags,
            "mentions": mentions, "location": location, "location_id": None, "likes": likes,
            "comments": comments, "views": None, "url": None}


POSTS = pd.DataFrame([
    _post("1", "dan", "2024-03-01T00:00:00Z", "Loving @acme", mentions="acme", location="Denver, CO",
          hashtags="#trailrunning", likes=900, comments=100),
    _post("2", "dan", "2024-05-01T00:00:00Z", "Long run", hashtags="#trailrunning", location="Boulder"),
    _post("3", "ann", "2024-04-01T00:00:00Z", "My Acme pack!", location="Denver", likes=40, comments=5),
    _post("4", "ann", "2024-04-02T00:00:00Z", "hills", hashtags="#trailrunning,#hiking", location="Denverton",
          likes=20, comments=0),
    _post("5", "eve", "2024-06-01T00:00:00Z", "acmeville is not acme.com", location="Denver"),
    _post("6", "eve", "2024-06-02T00:00:00Z", "gear day", hashtags="#acme"),
    _post("7", "acme", "2024-06-03T00:00:00Z", "We are @acme #trailrunning", mentions="acme",
          hashtags="#trailrunning", location="Denver"),
    _post("8", "newbie", "2024-06-04T00:00:00Z", "thanks @ACME", mentions="acme"),
])


@pytest.fixture
def graph():
    return FollowGraph.from_pairs(PAIRS, observed=["ann", "bob", "cat", "eve"], attributes=PROFILES)


def _rows(table: pd.DataFrame) -> dict:
    return table.set_index("account").to_dict("index")


def test_about_brand_rules():
    posts = prepare_posts(POSTS)
    about = dict(zip(posts["post_id"], about_brand(posts, "@ACME")))
    # mention column; the handle as a word (case ignored); #acme; never the brand's own post;
    # acmeville and acme.com are not the handle as a word
    assert about == {"1": True, "2": False, "3": True, "4": False, "5": False, "6": True, "7": False, "8": True}


def test_talkers_of_the_brand(graph):
    table = talkers(graph, POSTS, "acme")
    rows = _rows(table)
    # reach: acme's observed followers are ann, bob, cat. dan is followed by all three;
    # ann by cat only, out of the two others (ann is observed herself)
    assert rows["dan"]["audience_count"] == 3 and rows["dan"]["audience_share"] == pytest.approx(1.0)
    assert rows["ann"]["audience_count"] == 1 and rows["ann"]["audience_share"] == pytest.approx(0.5)
    assert rows["eve"]["audience_count"] == 0 and rows["eve"]["audience_share"] == 0
    assert [rows[a]["follows_brand"] for a in ("ann", "dan", "eve")] == [True, False, False]
    assert rows["dan"]["posts"] == 1 and rows["dan"]["last_post"] == "2024-03-01"
    assert rows["dan"]["tier"] == "micro" and rows["ann"]["tier"] == "nano"
    assert rows["newbie"]["tier"] == "unknown"
    # ranked by reach: dan 3, ann 1, eve 0, then newbie (not in the graph: reach unknown)
    assert pd.isna(rows["newbie"]["audience_count"])
    assert table["account"].tolist() == ["dan", "ann", "eve", "newbie"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table.attrs["posts_matched"] == 4


def test_engagement_profile_first_then_observed(graph):
    rows = _rows(talkers(graph, POSTS, "acme"))
    assert rows["dan"]["engagement_rate"] == pytest.approx(0.05)
    assert rows["dan"]["engagement_from"] == "profile"
    # ann: no profile rate; posts 3 and 4 give (45 + 20) / 2 = 32.5 interactions over 1,500 followers
    assert rows["ann"]["engagement_rate"] == pytest.approx(32.5 / 1500)
    assert rows["ann"]["engagement_from"] == "posts"
    # eve: no likes in any post; newbie: no follower count
    assert pd.isna(rows["eve"]["engagement_rate"]) and pd.isna(rows["newbie"]["engagement_rate"])


def test_hashtag_filter_location_filter_and_both(graph):
    by_tag = talkers(graph, POSTS, "acme", hashtags=["TrailRunning"])
    assert _rows(by_tag)["dan"]["posts"] == 2 and _rows(by_tag)["ann"]["posts"] == 1
    assert sorted(by_tag["account"]) == ["ann", "dan"]  # acme's own post is not counted
    assert _rows(by_tag)["dan"]["brand_posts"] == 1 and _rows(by_tag)["ann"]["brand_posts"] == 1
    by_place = talkers(graph, POSTS, "acme", locations=["denver"])
    # "Denver, CO" and "Denver" match; "Denverton" does not
    assert {a: r["posts"] for a, r in _rows(by_place).items()} == {"dan": 1, "ann": 1, "eve": 1}
    both = talkers(graph, POSTS, "acme", hashtags=["#trailrunning"], locations=["Denver"])
    assert both["account"].tolist() == ["dan"] and both["posts"].tolist() == [1]
    assert talkers(graph, POSTS, "acme", hashtags=["hiking", "nope"])["account"].tolist() == ["ann"]


def test_since_keeps_later_posts_only(graph):
    table = talkers(graph, POSTS, "acme", since="2024-04-01")
    assert sorted(table["account"]) == ["ann", "eve", "newbie"]  # dan's acme post is from March
    table = talkers(graph, POSTS, "acme", hashtags=["trailrunning"], since="2024-04-02T00:00:00Z")
    assert {a: r["posts"] for a, r in _rows(table).items()} == {"ann": 1, "dan": 1}
    assert _rows(table)["ann"]["brand_posts"] == 0  # ann's acme post (April 1) is before --since
    empty = talkers(graph, POSTS, "acme", since="2030-01-01")
    assert empty.empty and "no post about 'acme' since 2030-01-01" in empty.attrs["note"]
    with pytest.raises(QueryError, match="--since 'someday' is not a date"):
        talkers(graph, POSTS, "acme", since="someday")


def test_sorts_tiers_and_top(graph):
    assert talkers(graph, POSTS, "acme", sort="followers")["account"].tolist()[:3] == ["dan", "ann", "eve"]
    assert talkers(graph, POSTS, "acme", sort="recent")["account"].tolist() == ["newbie", "eve", "ann", "dan"]
    assert talkers(graph, POSTS, "acme", tiers=["nano"])["account"].tolist() == ["ann"]
    assert talkers(graph, POSTS, "acme", top=2)["account"].tolist() == ["dan", "ann"]
    with pytest.raises(QueryError):
        talkers(graph, POSTS, "acme", sort="loudest")


def test_brand_missing_everywhere_or_no_posts(graph):
    with pytest.raises(AccountNotFound):
        talkers(graph, POSTS, "nobody")
    with pytest.raises(QueryError, match="no posts in the workspace"):
        talkers(graph, pd.DataFrame(), "acme")
    # a brand mentioned in posts but not in the graph: rows without audience columns, and a note
    table = talkers(graph, POSTS.assign(mentions=POSTS["mentions"].str.replace("acme", "newco")), "newco")
    assert table["account"].tolist() == ["dan", "acme", "newbie"]
    assert table["audience_count"].isna().all() and "not an account" in table.attrs["note"]


def test_observed_engagement_uses_the_last_window_posts():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [_post(str(i), "ann", (start + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  likes=i, comments=1) for i in range(40)]
    rows.append(_post("x", "ann", None, likes=10_000))  # no time: oldest
    posts = prepare_posts(pd.DataFrame(rows))
    rate = observed_engagement(posts, pd.Series({"ann": 100}))
    # the 30 latest posts are days 10..39: mean likes 24.5, plus 1 comment each
    assert float(rate["ann"]) == pytest.approx((24.5 + 1) / 100)
    assert float(observed_engagement(posts, pd.Series({"ann": 100}), window=5)["ann"]) == pytest.approx((37 + 1) / 100)


def test_with_post_attributes_merges_tags_and_keeps_the_graph(graph):
    enriched = with_post_attributes(graph, POSTS)
    rows = enriched.accounts.set_index("key")
    assert rows.loc["dan", "post_hashtags"] == "#trailrunning:2"
    assert rows.loc["dan", "post_locations"] == "Boulder (1); Denver, CO (1)"
    assert rows.loc["ann", "tags"] == "#hiking,#trailrunning"
    assert rows.loc["ann", "location"] == "Denver"  # most frequent post location, ties by name
    assert float(rows.loc["ann", "engagement_rate"]) == pytest.approx(32.5 / 1500)
    assert float(rows.loc["dan", "engagement_rate"]) == pytest.approx(0.05)  # the profile's
    assert int(rows.loc["dan", "post_count"]) == 2 and pd.isna(rows.loc["bob", "post_count"])
    assert enriched.n_follows == graph.n_follows
    assert "post_count" not in graph.accounts.columns  # the original is untouched


def _reference(pairs, observed, posts, brand, tags, places, since):
    """Talkers by brute force: Python sets and loops, no shared code."""
    following: dict[str, set] = {}
    for a, b in pairs:
        following.setdefault(a, set()).add(b)
    followers = {a for a, b in pairs if b == brand}
    observed_followers = followers & set(observed)
    out = {}
    for post in posts:
        if post["author"] == brand:
            continue
        if since and post["time"] < since:
            continue
        post_tags = (post["hashtags"] or "").split(",")
        if tags or places:
            ok = (not tags or any(t in post_tags for t in tags)) and (
                not places or any(p.lower() == (post["location"] or "").lower() for p in places))
        else:
            ok = brand in (post["mentions"] or "").split(",")
        if ok:
            entry = out.setdefault(post["author"], {"posts": 0, "last": ""})
            entry["posts"] += 1
            entry["last"] = max(entry["last"], post["time"][:10])
    for author, entry in out.items():
        entry["audience_count"] = sum(1 for f in observed_followers if f != author and author in following.get(f, ()))
        entry["follows_brand"] = author in followers
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_a_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    names = [f"u{i}" for i in range(60)]
    pairs = {(names[a], names[b]) for a, b in rng.integers(0, 60, size=(600, 2)) if a != b}
    pairs |= {(names[a], "brand") for a in rng.choice(60, 25, replace=False)}
    pairs = sorted(pairs)
    observed = [n for n in names if rng.random() < 0.7]
    cities, hashtags = ["Denver", "Boulder", "Austin"], ["#run", "#hike", "#camp", "#bike"]
    posts = []
    for i in range(300):
        tags = list(rng.choice(hashtags, int(rng.integers(0, 3)), replace=False))
        posts.append(_post(
            f"p{i}", str(rng.choice(names + ["brand", "outsider"])),
            f"2024-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}T00:00:00Z",
            text="text without the handle", hashtags=",".join(tags) or None,
            mentions="brand" if rng.random() < 0.3 else None, location=str(rng.choice(cities + [""])) or None))
    graph = FollowGraph.from_pairs(pairs, observed=observed)
    frame = pd.DataFrame(posts)
    for tags, places, since in [([], [], None), (["#run"], [], None), ([], ["Denver"], "2024-06-01"),
                                (["#hike", "#camp"], ["Austin", "Boulder"], "2024-03-15")]:
        expected = _reference(pairs, observed, posts, "brand", tags, places, since)
        table = talkers(graph, frame, "brand", hashtags=tags or None, locations=places or None, since=since)
        got = {r["account"]: r for r in table.to_dict("records")}
        assert set(got) == set(expected)
        for author, entry in expected.items():
            row = got[author]
            assert row["posts"] == entry["posts"] and row["last_post"] == entry["last"]
            if author == "outsider":
                assert pd.isna(row["audience_count"])
            else:
                assert row["audience_count"] == entry["audience_count"]
                assert bool(row["follows_brand"]) == entry["follows_brand"]
        # ranked by reach, then posts, then followers (unknown here), then account
        keys = [(-(r["audience_count"] if not pd.isna(r["audience_count"]) else -1), -r["posts"], r["account"])
                for r in table.to_dict("records")]
        assert keys == sorted(keys)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_talkers_end_to_end(run_cli, tmp_path):
    run_cli("load", "followers", str(_write(tmp_path, "acme.txt", "ann\nbob\n")), "--of", "acme")
    run_cli("load", "edges", str(_write(tmp_path, "e.csv", "follower,followee\nann,dan\nbob,dan\n")))
    result = run_cli("talkers", "acme")
    assert result.exit_code == 1 and "no posts in the workspace" in result.stderr
    posts = _write(tmp_path, "posts.csv",
                   "author,date,text,location\n"
                   "dan,2024-05-01,Trail day with @acme #trailrunning,Denver\n"
                   "ann,2024-05-02,#trailrunning in the rain,Boulder\n")
    assert run_cli("load", "posts", str(posts)).exit_code == 0
    result = run_cli("talkers", "acme", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("rank,account,tier,followers_count,engagement_rate,posts,last_post,audience_count,follows_brand")
    assert [line.split(",")[1] for line in lines[1:]] == ["dan"]
    assert lines[1].split(",")[7] == "2"  # both observed followers follow dan
    result = run_cli("talkers", "acme", "--hashtag", "trailrunning", "--location", "Boulder,Denver",
                     "--format", "json")
    assert [r["account"] for r in json.loads(result.stdout)] == ["dan", "ann"]
    result = run_cli("talkers", "acme", "--since", "2024-05-02")
    assert result.exit_code == 0 and "no post about 'acme' since 2024-05-02" in result.stderr


def test_cli_talkers_as_of_reads_the_posts_of_then(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_NOW", "2024-04-01T00:00:00Z")
    run_cli("load", "followers", str(_write(tmp_path, "acme.txt", "ann\nbob\n")), "--of", "acme")
    run_cli("load", "edges", str(_write(tmp_path, "e.csv", "follower,followee\nann,dan\nbob,dan\n")))
    posts = _write(tmp_path, "posts.csv",
                   "author,date,text,location\n"
                   "dan,2024-05-01,Trail day with @acme #trailrunning,Denver\n"
                   "ann,2024-05-02,#trailrunning in the rain,Boulder\n")
    assert run_cli("load", "posts", str(posts)).exit_code == 0
    args = ["talkers", "acme", "--hashtag", "trailrunning", "--format", "json"]
    assert [r["account"] for r in json.loads(run_cli(*args).stdout)] == ["dan", "ann"]
    then = run_cli(*args, "--as-of", "2024-05-01T12:00:00Z")
    assert then.exit_code == 0 and [r["account"] for r in json.loads(then.stdout)] == ["dan"]
