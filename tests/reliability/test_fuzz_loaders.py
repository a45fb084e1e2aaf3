"""Fuzzing every loader: the only outcomes are loaded tables or a GraphkitError with a message.

Each case writes a file (random bytes, a valid-looking CSV/JSON/JS/TXT of the
loader's layout with values of the wrong type, odd Unicode, NUL bytes, huge
fields), reads it with ``read_source`` as its kind, and — when it was read —
commits it to a workspace and reads the graph back. Any other exception is a
bug. The number of examples comes from the hypothesis profile (see conftest).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphkit.errors import GraphkitError
from graphkit.handles import bad_key_reason
from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from loaders import ReadContext, read_source

# nothing may print "Exception ignored in ..." (e.g. a Python callback inside pyarrow that is
# handed a row it cannot decode): such a warning fails the test
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

# -- what hostile input looks like --------------------------------------------------------
ODD = [
    "\u200f", "\u200e", "\u202e", "\u200d", "\u200b", "\u0301", "\u0336", "\ufeff", "\x00", "\x7f",
    "\r", "\n", "\r\n", "\t", ",", ";", '"', "'", "\\", "@", "@@", "#", "/", "x.com/", "//",
    "https://www.instagram.com/_u/", "tiktok.com/@", "İ", "ß", "ﬁ", "Σ", "𝔞", "👩‍👩‍👧", "\U0010ffff",
    "=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>", "</script>", "${{7*7}}", "NaN", "-1",
    "1e309", "9" * 40, "", " ", "null", "true", "[", "{",
]
odd_text = st.lists(
    st.one_of(st.sampled_from(ODD), st.text(max_size=8)), max_size=6
).map("".join)
handle_like = st.one_of(
    odd_text,
    st.from_regex(r"@?[A-Za-z0-9_.]{1,15}", fullmatch=True),
    st.sampled_from(["ann", "@Bob", "https://x.com/cat", "tiktok.com/@Dance.Star", "12345678901234567890"]),
)
huge = st.sampled_from(["a" * 70_000, "é" * 40_000, "x," * 30_000, "\u200d" * 20_000])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), handle_like,
)
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(odd_text, inner, max_size=3)),
    max_leaves=8,
)
leaf = st.one_of(handle_like, json_values, huge)

PROFILE_KEYS = ["username", "followers", "followersCount", "following", "posts", "avg_likes",
                "avg_comments", "engagement_rate", "category", "biography", "bio", "hashtags",
                "is_verified", "verified", "full_name", "id", "pk", "city", "is_private"]
POST_KEYS = ["post_id", "date", "author", "author_followers", "text", "location", "likes",
             "comments", "views", "url", "hashtags", "mentions", "timestamp", "ownerUsername"]
CUSTOMER_KEYS = ["customer_id", "email", "first_name", "instagram", "tiktok", "twitter",
                 "Instagram Handle", "total_orders", "total_spent", "last_order_date", "ltv"]
LIST_KEYS = ["username", "handle", "full_name", "followers", "id", "profile_url"]
EDGE_KEYS = ["follower", "followee", "source", "target", "weight"]


def _records(keys: list[str]):
    return st.lists(st.dictionaries(st.sampled_from(keys), leaf, max_size=len(keys)), min_size=0, max_size=5)


def _csv_text(keys: list[str]):
    """A header of known column names, then rows of odd cells (sometimes of the wrong width)."""
    @st.composite
    def build(draw):
        header = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys)))
        delimiter = draw(st.sampled_from([",", "\t", ";"]))
        rows = draw(st.lists(
            st.lists(st.one_of(handle_like, odd_text, huge, st.integers().map(str)),
                     min_size=max(0, len(header) - 1), max_size=len(header) + 1),
            max_size=5,
        ))
        out = io.StringIO()
        if draw(st.booleans()):
            writer = csv.writer(out, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)
        else:  # raw joins: unbalanced quotes and stray delimiters
            out.write(delimiter.join(header) + "\n")
            out.writelines(delimiter.join(row) + draw(st.sampled_from(["\n", "\r\n", "\r"])) for row in rows)
        return out.getvalue().encode("utf-8", errors="surrogatepass")
    return build()


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", errors="surrogatepass")


@st.composite
def instagram_json(draw):
    items = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"title": leaf, "string_list_data": st.lists(
            st.fixed_dictionaries({"href": leaf, "value": leaf, "timestamp": leaf}), max_size=2)}),
        json_values,
    ), max_size=4))
    wrapper = draw(st.sampled_from([None, "relationships_following", "relationships_followers", "followers"]))
    return _dumps(items if wrapper is None else {wrapper: items})


@st.composite
def instagram_html(draw):
    names = draw(st.lists(leaf.map(str), max_size=4))
    body = "".join(f'<div><a target="_blank" href="https://www.instagram.com/{n}">{n}</a></div>'
                   f"<div>{draw(odd_text)}</div>" for n in names)
    return f"<html><head><title>Followers</title></head><body>{body}</body></html>".encode(
        "utf-8", errors="surrogatepass")


@st.composite
def x_js(draw):
    section = draw(st.sampled_from(["follower", "following"]))
    items = draw(st.lists(st.one_of(
        st.fixed_dictionaries({section: st.fixed_dictionaries({"accountId": leaf, "userLink": leaf})}),
        json_values,
    ), max_size=4))
    return f"window.YTD.{section}.part0 = ".encode() + _dumps(items)


@st.composite
def tiktok_json(draw):
    entries = st.lists(st.one_of(st.fixed_dictionaries({"UserName": leaf, "Date": leaf}), json_values), max_size=4)
    doc = {"Your Activity": {"Follower": {"FansList": draw(entries)},
                             "Following": {"Following": draw(entries)}}}
    if draw(st.booleans()):
        doc = {"Activity": {"Follower List": {"FansList": draw(entries)}}, "Profile": draw(json_values)}
    return _dumps(doc)


@st.composite
def tiktok_txt(draw):
    names = draw(st.lists(leaf.map(str), max_size=4))
    return "".join(f"Date: {draw(odd_text)}\nUsername: {n}\n\n" for n in names).encode(
        "utf-8", errors="surrogatepass")


def _json_or_ndjson(keys):
    @st.composite
    def build(draw):
        records = draw(_records(keys))
        if draw(st.booleans()):
            return b"\n".join(_dumps(r) for r in records) + b"\n"
        return _dumps(records)
    return build()


def _junk(prefixes: list[bytes]):
    """Random bytes, sometimes after the first bytes a detector looks for."""
    return st.tuples(st.sampled_from([b"", *prefixes]), st.binary(max_size=600)).map(lambda t: t[0] + t[1])


def _zip_of(members):
    @st.composite
    def build(draw):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, strategy in members:
                zf.writestr(name, draw(strategy))
        return buffer.getvalue()
    return build()


def _tar_of(members):
    @st.composite
    def build(draw):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for name, strategy in members:
                data = draw(strategy)
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()
    return build()


numbers_text = st.lists(
    st.lists(st.one_of(st.integers(0, 10**20).map(str), odd_text), min_size=1, max_size=3).map(" ".join),
    max_size=6,
).map(lambda rows: "\n".join(rows).encode("utf-8", errors="surrogatepass"))

# (test id, kind, file name, strategy of the file's bytes)
CASES = [
    ("followers-list", "followers", "list.txt", st.lists(leaf.map(str), max_size=6).map(
        lambda xs: "\n".join(xs).encode("utf-8", errors="surrogatepass"))),
    ("following-csv", "following", "list.csv", _csv_text(LIST_KEYS)),
    ("followers-bytes", "followers", "list.txt", _junk([b"username,", b"[", b"\xef\xbb\xbf", b"\xff\xfe"])),
    ("edges-csv", "edges", "edges.csv", _csv_text(EDGE_KEYS)),
    ("edges-snap", "edges", "edges.txt", numbers_text),
    ("edges-bytes", "edges", "edges.txt", _junk([b"follower,followee\n", b"# c\n1\t2\n", b"\x1f\x8b"])),
    ("profiles-csv", "profiles", "p.csv", _csv_text(PROFILE_KEYS)),
    ("profiles-json", "profiles", "p.json", _json_or_ndjson(PROFILE_KEYS)),
    ("profiles-bytes", "profiles", "p.json", _junk([b"[", b"{", b"username,followers\n"])),
    ("instagram-json", "followers", "followers_1.json", instagram_json()),
    ("instagram-following-json", "following", "following.json", instagram_json()),
    ("instagram-html", "followers", "followers_1.html", instagram_html()),
    ("x-archive", "followers", "follower.js", x_js()),
    ("x-bytes", "following", "following.js", _junk([b"window.YTD.following.part0 = ["])),
    ("tiktok-json", "following", "user_data_tiktok.json", tiktok_json()),
    ("tiktok-txt", "followers", "Follower List.txt", tiktok_txt()),
    ("scraper-json", "followers", "scraped.json", _json_or_ndjson(LIST_KEYS + ["followersCount", "isVerified"])),
    ("posts-csv", "posts", "posts.csv", _csv_text(POST_KEYS)),
    ("posts-json", "posts", "posts.json", _json_or_ndjson(POST_KEYS)),
    ("posts-bytes", "posts", "posts.csv", _junk([b"author,text\n", b"[", b"{"])),
    ("customers-csv", "customers", "customers.csv", _csv_text(CUSTOMER_KEYS)),
    ("customers-bytes", "customers", "customers.csv", _junk([b"instagram,total_spent\n"])),
    ("export-zip", "export", "download.zip", _zip_of([
        ("connections/followers_and_following/followers_1.json", instagram_json()),
        ("connections/followers_and_following/following.json", instagram_json()),
    ])),
    ("export-x-zip", "export", "x.zip", _zip_of([("data/follower.js", x_js()), ("data/account.js", x_js())])),
    ("export-tiktok-zip", "export", "tiktok.zip", _zip_of([("TikTok/user_data_tiktok.json", tiktok_json())])),
    ("export-bytes", "export", "download.zip", _junk([b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 18])),
    ("snap-ego-tar", "snap-ego", "egos.tar.gz", _tar_of([("1.edges", numbers_text), ("1.feat", numbers_text),
                                                          ("1.circles", numbers_text)])),
    ("snap-ego-edges", "snap-ego", "12.edges", numbers_text),
]


def _read_or_refuse(kind: str, path: Path) -> SourceTables | None:
    """Read ``path`` as ``kind``; a GraphkitError is an allowed outcome, anything else is a bug."""
    ctx = ReadContext(kind=kind, owner="acme" if kind in ("followers", "following") else None)
    try:
        source = read_source(path, ctx)
    except GraphkitError as err:
        message = str(err)
        assert message.strip(), f"{type(err).__name__} without a message"
        assert "\n" not in message, f"a multi-line message: {message!r}"
        return None
    assert isinstance(source, SourceTables)
    return source


def _commit_and_reopen(source: SourceTables, folder: Path) -> None:
    """Commit to a fresh workspace and read it back: every key stored is a valid key."""
    ws_path = Path(tempfile.mkdtemp(dir=folder))
    try:
        Workspace(ws_path).commit([source])
    except GraphkitError as err:
        assert str(err).strip() and "\n" not in str(err)
        return
    graph = Workspace(ws_path).graph
    keys = graph.keys.tolist()
    assert all(isinstance(k, str) and k and bad_key_reason(k) is None for k in keys)
    assert len(set(keys)) == len(keys)
    shutil.rmtree(ws_path)


@pytest.mark.parametrize(("kind", "name", "strategy"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_loader_reads_or_refuses_cleanly(kind, name, strategy, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")

    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=strategy)
    def check(data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        source = _read_or_refuse(kind, path)
        if source is not None:
            _commit_and_reopen(source, folder)

    check()


# -- fixed hostile shapes for every kind ---------------------------------------------------
DEEP = 10_000
HOSTILE = {
    "deep-array": b"[" * DEEP + b"]" * DEEP,
    "deep-object": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "deep-mixed": b'[{"username": ' + b"[" * DEEP + b"]" * DEEP + b"}]",
    "x-deep": b"window.YTD.follower.part0 = " + b"[" * DEEP + b"]" * DEEP,
    "tiktok-deep": b'{"Your Activity": {"Follower": {"FansList": ' + b"[" * DEEP + b"]" * DEEP + b"}}}",
    "nul-bytes": b"ann\x00bob\nc\x00\n",
    "nul-in-json": b'[{"username": "a\\u0000b", "followers": 1}]',
    "utf16-nul": "username\nann\x00\n".encode("utf-16"),
    "huge-line": b"username,bio\nann," + b"x" * (17 * 1024 * 1024) + b"\n",
    "huge-number": b'[{"username": "ann", "followers": ' + b"9" * 5000 + b"}]",
    "bad-gzip": b"\x1f\x8b\x08\x00" + b"\x00" * 50,
    "gzip-of-junk": gzip.compress(b"\xff\xfe\x00\x01" * 100),
    "rtl-handles": "\u202eann\n\u200fbob\u200d\nc\u0301\u0301\u0301\n".encode(),
    "only-bom": b"\xef\xbb\xbf",
    "empty": b"",
    "csv-deep-cell": b"author,text,hashtags,mentions\nann,hi,\"" + b"[" * DEEP + b"]" * DEEP + b"\",\"[]\"\n",
    "csv-huge-int-cell": b"author,text,hashtags\nann,hi,\"[" + b"9" * 5000 + b"]\"\n",
    "csv-object-cells": b"author,text,hashtags\nann,hi,\"[{\"\"name\"\": " + b"[" * DEEP + b"]" * DEEP + b"}]\"\n",
    "count-beyond-int64": b"username,followers,following\nann,12345678901234567890," + b"9" * 400 + b"\n",
    "duplicate-headers": b"username,username,username_1,followers,followers\nann,bob,cat,1,2\n",
    "json-key-with-newline": b'[{"post_id\\n": "1", "username\\r\\n": "ann", "followers": 1}]',
    "nan-inf": b'[{"username": "ann", "followers": NaN, "avg_likes": Infinity, "engagement_rate": -Infinity}]',
}
FILE_NAMES = {
    "followers": ["list.txt", "followers_1.json", "follower.js", "user_data_tiktok.json"],
    "following": ["list.csv", "following.json", "following.js"],
    "edges": ["edges.csv"],
    "profiles": ["p.json", "p.csv"],
    "posts": ["posts.json", "posts.csv"],
    "customers": ["customers.csv"],
    "export": ["user_data_tiktok.json", "following.json"],
    "snap-ego": ["1.edges"],
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
@pytest.mark.parametrize("kind", sorted(FILE_NAMES))
def test_hostile_shapes_every_kind(kind, shape, tmp_path):
    for name in FILE_NAMES[kind]:
        path = tmp_path / name
        path.write_bytes(HOSTILE[shape])
        source = _read_or_refuse(kind, path)
        if source is not None:
            _commit_and_reopen(source, tmp_path)
        path.unlink()


def test_deeply_nested_json_inside_an_export_zip(tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("connections/followers_and_following/followers_1.json", HOSTILE["deep-array"])
    with pytest.raises(GraphkitError, match="followers_1.json"):
        read_source(archive, ReadContext(kind="export", owner="me"))


def test_bad_utf8_in_an_odd_edge_row_is_reported_by_line(tmp_path):
    # the fast path stops without a Python row handler (which pyarrow could not hand such a
    # row to without an "Exception ignored" warning); the line reader reports the line
    path = tmp_path / "edges.csv"
    path.write_bytes(b"follower,followee\nann,bob\n\xff\xfe,x,y\ncat,dan\n")
    with pytest.raises(GraphkitError, match=r"edges\.csv, line 3: "):
        read_source(path, ReadContext(kind="edges"))


@pytest.mark.parametrize("members", ["1\t9223372036854775808", "1\t\u00b2\u0663", "1\t" + "9" * 30])
def test_snap_ego_circle_member_ids_that_no_integer_holds(tmp_path, members):
    (tmp_path / "7.edges").write_text("1 2\n")
    (tmp_path / "7.circles").write_text(f"c1\t{members}\n")
    with pytest.raises(GraphkitError, match=r"7\.circles, line 1: circle members must be node ids"):
        read_source(tmp_path / "7.edges", ReadContext(kind="snap-ego"))
