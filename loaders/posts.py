"""Posts from social-listening tools and scrapers: who posted what, when, where, with what response.

``graphkit load posts FILE...`` reads CSV/TSV, a JSON array (or an object
holding one) or NDJSON, one record per post, as listening tools (Brandwatch,
Talkwalker, Meltwater, ...) and scrapers (Apify, Phantombuster, snscrape, ...)
export them. Columns are found by name (case, spaces, ``_``, ``-`` and ``.``
ignored); nested JSON objects are flattened (``authorMeta.name``):

==========  ===================================================================
author      ``author``, ``username``, ``ownerUsername``, ``user``, ``handle``,
            ``screen_name``, ``authorMeta.name``, ``user.screen_name``, ...
            (``--column`` names it). Required: a post without one is a bad row.
time        ``timestamp``, ``date``, ``created_at``, ``createTime``, ``taken_at``,
            ... (see :func:`loaders.timestamps.parse_time`; stored as UTC, ``YYYY-MM-DDTHH:MM:SSZ``)
text        ``text``, ``caption``, ``full_text``, ``content``, ``message``, ...
hashtags    a ``hashtags`` column, plus every ``#tag`` of the text
mentions    a ``mentions`` column, plus every ``@name`` of the text
location    ``location_name``, ``locationName``, ``location``, ``place``, ``city``;
            ``location_id``, ``locationId``, ``place_id``
likes       ``likes``, ``likesCount``, ``diggCount``, ``favorite_count``, ...
comments    ``comments``, ``commentsCount``, ``reply_count``, ...
views       ``views``, ``videoViewCount``, ``playCount``, ``impressions``, ...
url, id     ``url``, ``permalink``, ``webVideoUrl``; ``post_id``, ``id``, ``shortCode``
author's    ``author_followers``, ``ownerFollowersCount``, ``authorMeta.fans``,
profile     ``user.followers_count`` -> ``followers_count``; ``ownerFullName``,
            ``authorMeta.nickName`` -> ``display_name`` (from the author's latest post)
==========  ===================================================================

The posts become the workspace table ``posts`` (one row per post, columns
:data:`POST_COLUMNS`), and every author becomes an account. A post is
identified by its ``post_id``: the id column, else the URL without its query
string, else a hash of author, time and text. Loading the same file twice
changes nothing; queries keep the last loaded version of a post whose id
repeats (e.g. a later export with updated like counts).

Per-author figures (hashtags and locations with counts, observed engagement,
talkers) are computed at query time from the whole ``posts`` table, so they
always reflect every posts file loaded (see :mod:`queries.talkers`).

Examples
--------
>>> from loaders.tabular import parse_delimited
>>> records = parse_delimited([
...     "author,date,text,likes",
...     "@Ann,2024-05-01T10:00:00+02:00,Sunrise run with @ACME #TrailRunning #denver,120",
... ], "p.csv")
>>> src = parse_post_records(records, "p.csv", ReadContext(kind="posts"))
>>> row = src.extra_tables["posts"].iloc[0]
>>> row["author"], row["time"], row["hashtags"], row["mentions"], int(row["likes"])
('ann', '2024-05-01T08:00:00Z', '#trailrunning,#denver', 'acme', 120)
>>> src.accounts["key"].tolist()
['ann']
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.lazy import lazy_module
from graphkit.schema import parse_count
from graphkit.tables import Rejected, SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.tabular import (
    Records,
    find_column,
    looks_like_delimited,
    looks_like_json,
    parse_delimited,
    parse_json_records,
)
from loaders.textio import decode_lines, decode_text
from loaders.timestamps import dayfirst_for, format_time, parse_time

pd = lazy_module("pandas")

__all__ = [
    "POST_COLUMNS",
    "AUTHOR_COLUMNS",
    "hashtags_in",
    "mentions_in",
    "flatten_records",
    "parse_post_records",
]

#: Columns of the workspace table ``posts``.
POST_COLUMNS = (
    "post_id", "author", "time", "text", "hashtags", "mentions", "location", "location_id",
    "likes", "comments", "views", "url",
)

#: Header names of the author column, most specific first.
AUTHOR_COLUMNS = (
    "author_handle", "author_username", "author_screen_name", "authorusername", "owner_username",
    "ownerUsername", "authorMeta.name", "authorMeta.uniqueId", "author.userName", "author.username",
    "author.screen_name", "author.uniqueId", "user.screen_name", "user.username", "owner.username",
    "author", "username", "user_name", "screen_name", "handle", "user", "account", "uniqueId",
    "unique_id", "creator", "poster", "from_user", "profile",
)
_TIME_COLUMNS = (
    "timestamp", "created_at", "createdAt", "createTimeISO", "create_time_iso", "createTime",
    "create_time", "taken_at_timestamp", "taken_at", "takenAt", "posted_at", "postedAt",
    "published_at", "publishedAt", "publish_time", "published", "post_date", "date_posted",
    "datetime", "date_time", "date", "time", "created", "pubDate",
)
_TEXT_COLUMNS = (
    "text", "caption", "full_text", "fulltext", "content", "body", "message", "post_text",
    "tweet", "snippet", "description", "title",
)
_HASHTAG_COLUMNS = ("hashtags", "hashtag", "entities.hashtags", "hashtag_list", "tags")
_MENTION_COLUMNS = (
    "mentions", "mentioned_users", "user_mentions", "entities.user_mentions", "mentioned",
    "tagged_users", "taggedUsers", "mentions_list",
)
_LOCATION_COLUMNS = (
    "location_name", "locationName", "location.name", "place_name", "place.full_name", "place.name",
    "location", "place", "city", "geo_location",
)
_LOCATION_ID_COLUMNS = ("location_id", "locationId", "location.id", "place_id", "place.id")
_LIKE_COLUMNS = (
    "likes", "likes_count", "likesCount", "like_count", "likeCount", "diggCount", "digg_count",
    "favorite_count", "favoriteCount", "favourites", "reactions", "hearts", "heart_count",
)
_COMMENT_COLUMNS = (
    "comments", "comments_count", "commentsCount", "comment_count", "commentCount", "replies",
    "reply_count", "replyCount",
)
_VIEW_COLUMNS = (
    "views", "view_count", "viewCount", "videoViewCount", "video_view_count", "videoPlayCount",
    "playCount", "play_count", "plays", "impressions", "impression_count",
)
_URL_COLUMNS = ("post_url", "postUrl", "url", "permalink", "link", "webVideoUrl", "tweet_url")
_ID_COLUMNS = (
    "post_id", "postId", "tweet_id", "tweetId", "video_id", "videoId", "media_id", "aweme_id",
    "shortCode", "shortcode", "id", "id_str", "pk", "code",
)
_FOLLOWER_COLUMNS = (
    "author_followers", "author_followers_count", "authorFollowers", "ownerFollowersCount",
    "owner_followers_count", "authorMeta.fans", "author.followers", "author.followersCount",
    "user.followers_count", "followers_count", "followersCount", "followers", "fans",
)
_NAME_COLUMNS = (
    "author_name", "authorName", "ownerFullName", "owner_full_name", "authorMeta.nickName",
    "author.name", "user.name", "display_name", "full_name", "fullName",
)

# -- times -------------------------------------------------------------------------------------


# -- hashtags and mentions -----------------------------------------------------------------------

_HASHTAG = re.compile(r"(?<![\w&#])#(\w+)")
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.]*)")


def hashtags_in(text: object) -> list[str]:
    """The ``#hashtags`` of a text, lower-cased, in order, without repeats.

    >>> hashtags_in("Up early #TrailRunning #Denver #trailrunning, &#39; #5k")
    ['#trailrunning', '#denver', '#5k']
    """
    if not isinstance(text, str):
        return []
    return list(dict.fromkeys("#" + tag.casefold() for tag in _HASHTAG.findall(text)))


def mentions_in(text: object) -> list[str]:
    """The ``@mentions`` of a text as account keys; an e-mail address is not a mention.

    >>> mentions_in("Thanks @ACME and @trail.co. Mail ann@example.com")
    ['acme', 'trail.co']
    """
    if not isinstance(text, str):
        return []
    return list(dict.fromkeys(name.rstrip(".").lower() for name in _MENTION.findall(text) if name.rstrip(".")))


def _tag_cell(value: object, *, prefix: str) -> list[str]:
    """Hashtags (``prefix="#"``) or mention keys (``prefix="@"``) of a column cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    parts = re.split(r"[,;|\s]+", str(value).strip().strip("[]"))
    out = []
    for part in parts:
        part = part.strip().strip("'\"")
        if prefix == "#":
            tag = part.lstrip("#").casefold()
            if tag:
                out.append("#" + tag)
        else:
            key = normalize_handle(part)
            if key and "@" not in key and not bad_key_reason(key):
                out.append(key)
    return list(dict.fromkeys(out))


# -- nested JSON -----------------------------------------------------------------------------------

_NAME_FIELDS = ("name", "username", "screen_name", "userName", "uniqueId", "tag", "text", "title")


def flatten_records(records: Records) -> Records:
    """Expand columns holding JSON objects into ``column.field`` columns (two levels).

    A column whose every non-empty cell is a JSON list of objects (TikTok's
    ``hashtags: [{"name": ...}]``, X's ``entities.user_mentions``) becomes the
    comma-joined ``name``/``username``/``screen_name``/``text`` of its items.

    >>> flat = flatten_records(parse_json_records(
    ...     '[{"authorMeta": {"name": "Ann", "fans": 1200}, "hashtags": [{"name": "run"}]}]', "p.json"))
    >>> flat.header, flat.rows
    (['authorMeta.name', 'authorMeta.fans', 'hashtags'], [['Ann', 1200, 'run']])
    """
    for _ in range(2):
        header, columns = records.header, [list(col) for col in zip(*records.rows)] if records.rows else []
        if not columns:
            return records
        new_header: list[str] = []
        new_columns: list[list[object]] = []
        changed = False
        for name, cells in zip(header, columns):
            parsed = _parse_json_cells(cells)
            if parsed is None:
                new_header.append(name)
                new_columns.append(cells)
                continue
            changed = True
            kind, values = parsed
            if kind == "list":
                new_header.append(name)
                new_columns.append(values)
                continue
            fields = list(dict.fromkeys(k for v in values if isinstance(v, dict) for k in v))
            for field in fields:
                new_header.append(f"{name}.{field}")
                new_columns.append([_cell(v.get(field)) if isinstance(v, dict) else None for v in values])
        if not changed:
            return records
        records = Records(header=new_header, rows=[list(r) for r in zip(*new_columns)], lines=records.lines)
    return records


def _parse_json_cells(cells: list[object]) -> tuple[str, list[object]] | None:
    present = [c for c in cells if isinstance(c, str) and c.strip()]
    if not present or any(c is not None and not isinstance(c, str) for c in cells):
        return None
    if all(c.lstrip().startswith("{") for c in present):
        kind = "object"
    elif all(c.lstrip().startswith("[") for c in present):
        kind = "list"
    else:
        return None
    values: list[object] = []
    for cell in cells:
        if not isinstance(cell, str) or not cell.strip():
            values.append(None)
            continue
        try:
            value = json.loads(cell)
        except json.JSONDecodeError:
            return None
        if kind == "list":
            if not isinstance(value, list):
                return None
            names = []
            for item in value:
                if isinstance(item, dict):
                    found = next((item[f] for f in _NAME_FIELDS if isinstance(item.get(f), str)), None)
                    if found:
                        names.append(found)
                elif isinstance(item, (str, int, float)):
                    names.append(str(item))
            value = ",".join(names) or None
        elif not isinstance(value, dict):
            return None
        values.append(value)
    return kind, values


def _cell(value: object) -> object:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


# -- reading ------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and not value.strip()
    )


def _text(value: object) -> str | None:
    return None if _blank(value) else str(value).strip()


def _post_url(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/") or None


def parse_post_records(
    records: Records, path: str, ctx: ReadContext, *, numbering: str = "line"
) -> SourceTables:
    """The posts table and the authors' accounts of parsed post records.

    Parameters
    ----------
    records : Records
        Parsed rows (CSV or flattened JSON); ``records.lines`` numbers them.
    path : str
        The file, for messages.
    ctx : ReadContext
        ``ctx.column`` names the author column; ``ctx.skip_bad_rows`` turns bad
        rows into :class:`~graphkit.tables.Rejected` instead of an error.
    numbering : {"line", "record"}
        Whether ``records.lines`` are line numbers (CSV, NDJSON) or record
        numbers (a JSON array).

    Raises
    ------
    InputError
        No author column; no posts; (strict mode) a post without an author, an
        unreadable time or count: the message names the file and line/record.
    """
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    header = records.header
    author_col = find_column(header, AUTHOR_COLUMNS, ctx.column, path=path)
    if author_col is None:
        raise InputError(
            f"the posts ({', '.join(header[:12])}) have no author column; looked for "
            f"{', '.join(AUTHOR_COLUMNS[:12])}, ...; name it with --column",
            path=path,
        )
    if not records.rows:
        raise InputError("no posts in the file", path=path)
    cols = {
        "time": find_column(header, _TIME_COLUMNS), "text": find_column(header, _TEXT_COLUMNS),
        "hashtags": find_column(header, _HASHTAG_COLUMNS), "mentions": find_column(header, _MENTION_COLUMNS),
        "location": find_column(header, _LOCATION_COLUMNS), "location_id": find_column(header, _LOCATION_ID_COLUMNS),
        "likes": find_column(header, _LIKE_COLUMNS), "comments": find_column(header, _COMMENT_COLUMNS),
        "views": find_column(header, _VIEW_COLUMNS), "url": find_column(header, _URL_COLUMNS),
        "id": find_column(header, _ID_COLUMNS), "followers": find_column(header, _FOLLOWER_COLUMNS),
        "name": find_column(header, _NAME_COLUMNS),
    }
    cols = {k: (v if v != author_col else None) for k, v in cols.items()}
    position = {name: i for i, name in enumerate(header)}
    index = {k: (position[v] if v is not None else None) for k, v in cols.items()}
    time_values = [row[index["time"]] for row in records.rows] if index["time"] is not None else []
    dayfirst = dayfirst_for(time_values)

    def fail(number: int, problem: str) -> None:
        if rejects is None:
            if numbering == "record":
                raise InputError(problem, path=path, record=f"record {number}")
            raise InputError(problem, path=path, line=number)
        if numbering == "record":
            rejects.append(Rejected(path, None, f"record {number}: {problem}"))
        else:
            rejects.append(Rejected(path, number, problem))

    def cell(row: list, name: str) -> object:
        i = index[name]
        return None if i is None else row[i]

    out: dict[str, list] = {c: [] for c in POST_COLUMNS}
    followers: list[int | None] = []
    names: list[str | None] = []
    time_cache: dict[object, str | None] = {}
    author_i = position[author_col]
    for row, number in zip(records.rows, records.lines):
        author = normalize_handle(row[author_i]) if not _blank(row[author_i]) else None
        if author is None:
            fail(number, f"no author (column {author_col!r} is empty)")
            continue
        reason = bad_key_reason(author)
        if reason:
            fail(number, reason)
            continue
        try:
            raw_time = cell(row, "time")
            key = raw_time if isinstance(raw_time, (str, int, float)) else repr(raw_time)
            if key not in time_cache:
                time_cache[key] = format_time(parse_time(raw_time, dayfirst=dayfirst))
            when = time_cache[key]
        except ValueError as err:
            fail(number, f"column {cols['time']!r}: {err}")
            continue
        counts = {}
        try:
            for name in ("likes", "comments", "views", "followers"):
                column = cols[name]
                try:
                    counts[name] = parse_count(cell(row, name)) if column else None
                except ValueError as err:
                    raise ValueError(f"column {column!r}: {err}") from None
        except ValueError as err:
            fail(number, str(err))
            continue
        text = _text(cell(row, "text"))
        tags = list(dict.fromkeys(_tag_cell(cell(row, "hashtags"), prefix="#") + hashtags_in(text)))
        mentions = list(dict.fromkeys(_tag_cell(cell(row, "mentions"), prefix="@") + mentions_in(text)))
        url = _text(cell(row, "url"))
        post_id = _text(cell(row, "id")) or _post_url(url)
        if post_id is None:
            digest = hashlib.sha1(f"{author}\x1f{when}\x1f{text}".encode()).hexdigest()[:16]
            post_id = f"sha1:{digest}"
        out["post_id"].append(post_id)
        out["author"].append(author)
        out["time"].append(when)
        out["text"].append(text)
        out["hashtags"].append(",".join(tags) or None)
        out["mentions"].append(",".join(mentions) or None)
        out["location"].append(_text(cell(row, "location")))
        out["location_id"].append(_text(cell(row, "location_id")))
        out["likes"].append(counts["likes"])
        out["comments"].append(counts["comments"])
        out["views"].append(counts["views"])
        out["url"].append(url)
        followers.append(counts["followers"])
        names.append(_text(cell(row, "name")))
    if not out["post_id"]:
        raise InputError("no readable post in the file", path=path)
    posts = pd.DataFrame({
        c: pd.array(out[c], dtype="Int64" if c in ("likes", "comments", "views") else "string")
        for c in POST_COLUMNS
    })
    posts = posts.drop_duplicates("post_id", keep="last", ignore_index=True)
    accounts = _author_accounts(
        pd.DataFrame({
            "key": pd.array(out["author"], dtype="string"),
            "time": pd.array(out["time"], dtype="string"),
            "followers_count": pd.array(followers, dtype="Int64"),
            "display_name": pd.array(names, dtype="string"),
        }),
        with_followers=cols["followers"] is not None,
        with_names=cols["name"] is not None,
    )
    n_posts, n_authors = len(posts), int(posts["author"].nunique())
    authors = posts["author"].unique()

    def summarize(graph) -> str:
        return f"{n_posts:,} posts by {n_authors:,} authors, {_connected(graph, authors):,} of them in the follow graph"

    return SourceTables(
        path=path, format="", accounts=accounts, rows_read=len(records.rows),
        rejected=list(rejects or []), extra_tables={"posts": posts}, summarize=summarize,
    )


def _author_accounts(frame: pd.DataFrame, *, with_followers: bool, with_names: bool) -> pd.DataFrame:
    """One row per author; follower count and name from its latest post that gives them."""
    keys = pd.DataFrame({"key": pd.array(pd.unique(frame["key"].to_numpy(dtype=object)), dtype="string")})
    order = frame.assign(_row=np.arange(len(frame))).sort_values(["time", "_row"], na_position="first", kind="stable")
    for column, wanted in (("followers_count", with_followers), ("display_name", with_names)):
        if not wanted:
            continue
        latest = order[order[column].notna()].drop_duplicates("key", keep="last").set_index("key")[column]
        keys[column] = latest.reindex(keys["key"]).to_numpy()
        keys[column] = keys[column].astype("Int64" if column == "followers_count" else "string")
    return keys


def _connected(graph, keys: np.ndarray) -> int:
    """How many of ``keys`` have a follow (either way) in ``graph``."""
    if graph.n_accounts == 0 or len(keys) == 0:
        return 0
    ids = graph.index.get_indexer(list(keys))
    ids = ids[ids >= 0]
    degree = graph.out_degree()[ids] + graph.in_degree()[ids]
    return int((degree > 0).sum())


def _json_numbering(text: str) -> str:
    stripped = text.lstrip()
    if stripped.startswith("["):
        return "record"
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return "line"
    return "record"


def _read_csv(path: str, ctx: ReadContext) -> SourceTables:
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    records = parse_delimited(decode_lines(ctx.read_bytes(path), path, ctx.encoding), path, rejects=rejects)
    source = parse_post_records(records, path, ctx)
    source.rejected = list(rejects or []) + source.rejected
    source.format = "posts-csv"
    return source


def _read_json(path: str, ctx: ReadContext) -> SourceTables:
    text = decode_text(ctx.read_bytes(path), path, ctx.encoding)
    records = flatten_records(parse_json_records(text, path))
    source = parse_post_records(records, path, ctx, numbering=_json_numbering(text))
    source.format = "posts-json"
    return source





register(Format(
    name="posts-json",
    kinds=("posts",),
    summary="JSON array or NDJSON of posts (Apify, TikTok/X scrapers, listening-tool APIs)",
    how_to_get="a scraper's post or hashtag export, or a social-listening tool's API dump",
    detect=looks_like_json,
    read=_read_json,
    priority=70,
))
register(Format(
    name="posts-csv",
    kinds=("posts",),
    summary="CSV/TSV of posts: author, date, text, hashtags, location, likes, comments, ...",
    how_to_get="a social-listening tool's mentions export (Brandwatch, Talkwalker, ...) or a scraper's CSV",
    detect=looks_like_delimited,
    read=_read_csv,
    priority=80,
))
