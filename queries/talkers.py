"""Talkers: who posts about a brand, or with a niche's hashtags and locations?

Everything here is computed at query time from the workspace table ``posts``
(see :mod:`loaders.posts`), so it reflects every posts file loaded. A post id
loaded twice counts once (its last loaded version).

About the brand
    A post is *about* brand B when B is among its mentions (the mentions column
    or an ``@B`` in the text), when ``#B`` is among its hashtags (dots and
    dashes of the handle dropped), or when the handle appears as a word of the
    text (case-insensitive; only for handles of four characters or more, since
    shorter ones such as ``on`` are everyday words). B's own posts never count.

Talkers of B (:func:`talkers`)
    Without filters: the authors of posts about B. With ``hashtags`` and/or
    ``locations``: the authors of posts carrying one of the hashtags *and* (if
    given) tagged at one of the locations, whether they mention B or not.
    ``since`` keeps posts at or after a date (posts without a time are then
    left out). Each author is one row: ``posts`` (matching posts),
    ``brand_posts`` (its posts about B in the window), ``last_post``, its
    ``hashtags`` (the three most used in the matching posts), tier, follower
    count, engagement, ``audience_count``/``audience_share`` (how many of B's
    observed followers, other than the author, follow it, as in
    :mod:`queries.advocates`) and ``follows_brand``.

Observed engagement (:func:`observed_engagement`)
    Where a profile gives no ``engagement_rate``, it is observed from the
    posts: the mean of ``likes + comments`` (a missing one counts 0) over the
    author's last :data:`ENGAGEMENT_WINDOW` posts that have likes or comments,
    most recent first (posts without a time last, then by post id), divided by
    its ``followers_count``. No follower count, no observed rate.

Per-author attributes (:func:`with_post_attributes`)
    A copy of the graph whose authors get ``post_count``, ``last_post``,
    ``post_hashtags`` (``"#trailrunning:5,#denver:2"``), ``post_locations``
    (``"Denver (3); Boulder (1)"``), ``observed_engagement_rate``; their
    :data:`TOP_HASHTAGS` most used hashtags are added to ``tags`` (kept tags
    first), ``engagement_rate`` is filled where missing and ``location`` where
    missing (the most frequent post location). The workspace is not changed.

Examples
--------
>>> import pandas as pd
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("ann", "acme"), ("bob", "acme"), ("bob", "ann"), ("cat", "ann")],
...                            observed=["ann", "bob"])
>>> posts = pd.DataFrame({
...     "post_id": ["1", "2", "3"], "author": ["ann", "cat", "cat"],
...     "time": ["2024-05-01T10:00:00Z", "2024-05-02T10:00:00Z", "2024-06-01T10:00:00Z"],
...     "text": ["Loving my Acme pack", "Trail day #trailrunning", "With @acme in Denver"],
...     "hashtags": [None, "#trailrunning", None], "mentions": [None, None, "acme"],
...     "location": [None, "Boulder", "Denver"]})
>>> talkers(g, posts, "acme")[["account", "posts", "last_post", "audience_count", "follows_brand"]]
  account  posts   last_post  audience_count  follows_brand
0     ann      1  2024-05-01               1           True
1     cat      1  2024-06-01               0          False
>>> talkers(g, posts, "acme", hashtags=["trailrunning"])[["account", "posts", "brand_posts"]]
  account  posts  brand_posts
0     cat      1            1
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from graphkit.errors import AccountNotFound, QueryError
from graphkit.graph import FollowGraph
from graphkit.handles import normalize_handle
from graphkit.schema import join_tags, split_tags
from graphkit.tiers import TierScheme, resolve_tiers
from queries.audience import audience, audience_counts
from queries.ranking import masked_array, order_rows

__all__ = [
    "ENGAGEMENT_WINDOW",
    "TOP_HASHTAGS",
    "SORTS",
    "prepare_posts",
    "about_brand",
    "observed_engagement",
    "with_post_attributes",
    "talkers",
]

#: Posts per author (most recent first) behind the observed engagement rate.
ENGAGEMENT_WINDOW = 30
#: Most used hashtags of an author added to its ``tags``.
TOP_HASHTAGS = 10
#: ``sort`` values of :func:`talkers`; the first is the default.
SORTS = ("reach", "posts", "followers", "engagement", "recent")
_SORT_COLUMNS = {
    "reach": ["audience_count", "posts", "followers_count"],
    "posts": ["posts", "audience_count", "followers_count"],
    "followers": ["followers_count", "audience_count"],
    "engagement": ["engagement_rate", "audience_count"],
    "recent": ["_last", "posts"],
}
_TEXT_MATCH_MIN = 4
#: Result columns, most telling first (a terminal table shows the first that fit).
_COLUMNS = (
    "account", "tier", "followers_count", "engagement_rate", "posts", "last_post", "audience_count",
    "follows_brand", "audience_share", "brand_posts", "hashtags", "engagement_from", "is_customer", "_last",
)


def prepare_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """The posts table ready for queries: one row per post id (the last loaded), a UTC ``when``.

    Raises
    ------
    QueryError
        The table is empty (no posts loaded).

    Examples
    --------
    >>> p = pd.DataFrame({"post_id": ["a", "a"], "author": ["x", "x"], "likes": [1, 5],
    ...                   "time": ["2024-01-01T00:00:00Z", None]})
    >>> prepare_posts(p)[["post_id", "likes"]].values.tolist()
    [['a', 5]]
    """
    if posts is None or posts.empty or "author" not in posts.columns:
        raise QueryError("no posts in the workspace: load some with `graphkit load posts FILE`")
    table = posts.drop_duplicates("post_id", keep="last", ignore_index=True) if "post_id" in posts else posts.copy()
    for column in ("time", "text", "hashtags", "mentions", "location", "location_id"):
        if column not in table.columns:
            table[column] = pd.array([None] * len(table), dtype="string")
    for column in ("likes", "comments", "views"):
        if column not in table.columns:
            table[column] = pd.array([None] * len(table), dtype="Int64")
    table["author"] = table["author"].astype("string")
    table["when"] = pd.to_datetime(table["time"].astype("string"), utc=True, errors="coerce", format="ISO8601")
    return table


def _in_list(column: pd.Series, items: Sequence[str]) -> np.ndarray:
    """Rows whose comma-separated ``column`` holds one of ``items``."""
    if not items:
        return np.zeros(len(column), dtype=bool)
    pattern = ",(?:" + "|".join(re.escape(i) for i in items) + "),"
    padded = "," + column.astype("string").fillna("") + ","
    return padded.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)


def about_brand(posts: pd.DataFrame, brand: str) -> np.ndarray:
    """Which posts are about ``brand`` (mention, ``#brand``, or the handle as a word of the text).

    Examples
    --------
    >>> p = prepare_posts(pd.DataFrame({"author": ["a", "b", "c", "d"],
    ...     "text": ["ACME rocks", "acme.com sale", None, "hi"], "mentions": [None, None, "acme", None],
    ...     "hashtags": [None, None, None, "#acme"]}))
    >>> about_brand(p, "acme").tolist()
    [True, False, True, True]
    """
    key = normalize_handle(brand) or ""
    hit = _in_list(posts["mentions"], [key]) | _in_list(posts["hashtags"], ["#" + re.sub(r"[^\w]", "", key)])
    if len(key) >= _TEXT_MATCH_MIN:
        word = rf"(?<![\w@#.]){re.escape(key)}(?!\w|\.\w)"
        text = posts["text"].astype("string").str.contains(word, case=False, regex=True)
        hit |= text.fillna(False).to_numpy(dtype=bool)
    return hit & (posts["author"].astype("string") != key).fillna(True).to_numpy(dtype=bool)


def _hashtag_query(tags: Sequence[str]) -> list[str]:
    out = ["#" + t.strip().lstrip("#").casefold() for t in tags if t.strip().lstrip("#")]
    if not out:
        raise QueryError(f"--hashtag {', '.join(tags)!r} names no hashtag")
    return list(dict.fromkeys(out))


def _at_locations(posts: pd.DataFrame, places: Sequence[str]) -> np.ndarray:
    """Posts whose location name holds one of ``places`` as words, or whose location id is one."""
    places = [p.strip() for p in places if p.strip()]
    if not places:
        raise QueryError("--location names no place")
    words = "|".join(re.escape(p) for p in places)
    name = posts["location"].astype("string").str.contains(rf"(?<!\w)(?:{words})(?!\w)", case=False, regex=True)
    by_id = posts["location_id"].astype("string").isin(places)
    return name.fillna(False).to_numpy(dtype=bool) | by_id.fillna(False).to_numpy(dtype=bool)


def _since(value: object) -> pd.Timestamp:
    from loaders.posts import parse_time

    try:
        moment = parse_time(value)
    except ValueError:
        raise QueryError(f"--since {value!r} is not a date; write it like 2024-05-01") from None
    if moment is None:
        raise QueryError("--since is empty; write a date like 2024-05-01")
    return pd.Timestamp(moment)


def observed_engagement(
    posts: pd.DataFrame, followers: pd.Series, *, window: int = ENGAGEMENT_WINDOW
) -> pd.Series:
    """Mean ``likes + comments`` over each author's last ``window`` posts, over its follower count.

    Parameters
    ----------
    posts : DataFrame
        From :func:`prepare_posts`.
    followers : Series
        ``followers_count`` indexed by author key.
    window : int
        Posts per author, most recent first; only posts with likes or comments count.

    Returns
    -------
    Series
        ``Float64`` indexed by author key; missing where no post has likes or
        comments, or the follower count is unknown or zero.

    Examples
    --------
    >>> p = prepare_posts(pd.DataFrame({"post_id": ["1", "2", "3"], "author": ["a", "a", "a"],
    ...     "time": ["2024-01-03T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z"],
    ...     "likes": [90, 10, 500], "comments": [10, None, None]}))
    >>> observed_engagement(p, pd.Series({"a": 1000}), window=2).round(3).to_dict()
    {'a': 0.055}
    """
    if window < 1:
        raise QueryError(f"the engagement window must be at least 1 post, not {window}")
    likes = posts["likes"].astype("Float64")
    comments = posts["comments"].astype("Float64")
    known = (likes.notna() | comments.notna()).to_numpy(dtype=bool)
    frame = pd.DataFrame({
        "author": posts["author"].astype(object).to_numpy()[known],
        "when": posts["when"].to_numpy()[known],
        "post_id": posts["post_id"].astype(object).to_numpy()[known] if "post_id" in posts else np.arange(known.sum()),
        "interactions": (likes.fillna(0) + comments.fillna(0)).to_numpy(dtype=np.float64)[known],
    })
    if frame.empty:
        return pd.Series(dtype="Float64")
    frame = frame.sort_values(["author", "when", "post_id"], ascending=[True, False, True],
                              na_position="last", kind="stable")
    frame = frame[frame.groupby("author", sort=False).cumcount() < window]
    mean = frame.groupby("author")["interactions"].mean()
    count = pd.to_numeric(followers.reindex(mean.index), errors="coerce").astype("float64")
    rate = mean / count.where(count > 0)
    return rate.astype("Float64")


def _tag_counts(posts: pd.DataFrame, column: str) -> pd.DataFrame:
    """``author, item, n`` for every comma-separated item of ``column``, most used first."""
    values = posts[column].astype("string")
    frame = pd.DataFrame({"author": posts["author"].astype(object), "item": values.str.split(",")})
    frame = frame.explode("item").dropna(subset=["item"])
    frame = frame[frame["item"].astype(str).str.len() > 0]
    counts = frame.groupby(["author", "item"]).size().rename("n").reset_index()
    return counts.sort_values(["author", "n", "item"], ascending=[True, False, True], kind="stable")


def _location_counts(posts: pd.DataFrame) -> pd.DataFrame:
    frame = posts[["author", "location"]].dropna()
    frame = frame.assign(item=frame["location"].astype(str).str.strip())
    frame = frame[frame["item"].str.len() > 0]
    counts = frame.groupby(["author", "item"]).size().rename("n").reset_index()
    return counts.sort_values(["author", "n", "item"], ascending=[True, False, True], kind="stable")


def with_post_attributes(
    graph: FollowGraph, posts: pd.DataFrame, *, window: int = ENGAGEMENT_WINDOW, top_hashtags: int = TOP_HASHTAGS
) -> FollowGraph:
    """A copy of ``graph`` whose post authors carry what their posts say (see the module notes).

    The CSR arrays are shared with ``graph``; only the accounts table is new.
    Authors not in the graph are ignored.

    Examples
    --------
    >>> attrs = pd.DataFrame({"key": ["ann"], "followers_count": [1000], "tags": ["hiking"]})
    >>> g = FollowGraph.from_pairs([("bob", "ann")], attributes=attrs)
    >>> p = pd.DataFrame({"post_id": ["1", "2"], "author": ["ann", "ann"],
    ...     "time": ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"],
    ...     "hashtags": ["#trailrunning,#denver", "#trailrunning"], "location": ["Denver", "Denver"],
    ...     "likes": [40, 60], "comments": [0, 0]})
    >>> row = with_post_attributes(g, p).accounts.set_index("key").loc["ann"]
    >>> row["tags"], row["post_hashtags"], row["post_locations"], float(row["engagement_rate"])
    ('hiking,#trailrunning,#denver', '#trailrunning:2,#denver:1', 'Denver (2)', 0.05)
    """
    table = prepare_posts(posts)
    accounts = graph.accounts.copy(deep=False)
    n = graph.n_accounts
    positions = graph.index.get_indexer(table["author"].astype(object).to_numpy())
    table = table[positions >= 0]
    if table.empty:
        return graph
    authors = pd.Index(pd.unique(table["author"].astype(object).to_numpy()))
    ids = graph.index.get_indexer(authors)

    def column(values, dtype: str, base: str | None = None) -> pd.arrays.BaseMaskedArray:
        series = (accounts[base].astype(dtype) if base in accounts.columns else
                  pd.Series(pd.array([None] * n, dtype=dtype)))
        series = series.copy()
        series.iloc[ids] = pd.array(values, dtype=dtype)
        return series.array

    count = table.groupby("author").size().reindex(authors)
    last = table.groupby("author")["when"].max().reindex(authors)
    accounts["post_count"] = column(count.to_numpy(), "Int64")
    accounts["last_post"] = column([None if pd.isna(t) else t.strftime("%Y-%m-%d") for t in last], "string")
    tags = _tag_counts(table, "hashtags")
    tag_text = (tags["item"] + ":" + tags["n"].astype(str)).groupby(tags["author"]).agg(",".join)
    accounts["post_hashtags"] = column(tag_text.reindex(authors).to_numpy(dtype=object), "string")
    places = _location_counts(table)
    place_text = (places["item"] + " (" + places["n"].astype(str) + ")").groupby(places["author"]).agg("; ".join)
    accounts["post_locations"] = column(place_text.reindex(authors).to_numpy(dtype=object), "string")
    followers = pd.Series(pd.to_numeric(graph.attribute("followers_count").iloc[ids], errors="coerce").to_numpy(),
                          index=authors)
    observed = observed_engagement(table, followers, window=window).reindex(authors)
    accounts["observed_engagement_rate"] = column(observed.to_numpy(dtype=object), "Float64")
    rate = pd.to_numeric(graph.attribute("engagement_rate").iloc[ids], errors="coerce").astype("Float64")
    rate = rate.reset_index(drop=True).fillna(pd.Series(observed.to_numpy(dtype=object), dtype="Float64"))
    accounts["engagement_rate"] = column(rate.to_numpy(dtype=object), "Float64", "engagement_rate")
    top = tags[tags.groupby("author").cumcount() < top_hashtags].groupby("author")["item"].agg(list)
    old_tags = graph.attribute("tags").iloc[ids].tolist()
    merged = [join_tags(list(dict.fromkeys(split_tags(old) + (top.get(a) or []))))
              for a, old in zip(authors, old_tags)]
    accounts["tags"] = column(merged, "string", "tags")
    first_place = places.drop_duplicates("author").set_index("author")["item"].reindex(authors)
    old_place = graph.attribute("location").iloc[ids].astype("string").reset_index(drop=True)
    filled = old_place.fillna(pd.Series(first_place.to_numpy(dtype=object), dtype="string"))
    accounts["location"] = column(filled.to_numpy(dtype=object), "string", "location")
    return FollowGraph(accounts, graph.out_indptr, graph.out_indices, graph.in_indptr, graph.in_indices)


def talkers(
    graph: FollowGraph,
    posts: pd.DataFrame,
    brand: str,
    *,
    hashtags: Sequence[str] | None = None,
    locations: Sequence[str] | None = None,
    since: str | datetime | None = None,
    tiers: Sequence[str] | None = None,
    top: int | None = None,
    sort: str = "reach",
    window: int = ENGAGEMENT_WINDOW,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """Rank the accounts posting about ``brand`` (or with ``hashtags``/``locations``).

    Parameters
    ----------
    graph : FollowGraph
    posts : DataFrame
        The workspace table ``posts`` (``Workspace.table("posts")``).
    brand : str
        The brand: what posts must be about (without filters), and whose
        audience ``audience_count`` and ``follows_brand`` refer to.
    hashtags : list of str, optional
        Keep posts carrying one of these (``#`` optional, case ignored).
    locations : list of str, optional
        Keep posts whose location name holds one of these as words (case
        ignored) or whose location id is one of them.
    since : str or datetime, optional
        Keep posts at or after this time (a date is midnight UTC).
    tiers : list of str, optional
        Keep authors in these tiers.
    top : int, optional
    sort : {"reach", "posts", "followers", "engagement", "recent"}
        ``reach`` (default): ``audience_count``, ``posts``, ``followers_count``;
        ``posts``: ``posts`` first; ``recent``: ``last_post``. Descending,
        missing values last, then ``account`` ascending.
    window : int
        Posts behind the observed engagement rate.
    tier_scheme : TierScheme, optional

    Returns
    -------
    DataFrame
        ``rank, account, tier, followers_count, engagement_rate, posts,
        last_post, audience_count, follows_brand, audience_share, brand_posts,
        hashtags, engagement_from (profile|posts)[, is_customer]``.
        ``attrs``: ``brand``, ``posts_matched``, ``audience_observed``,
        ``audience_followers``, ``sort``, ``note``.

    Raises
    ------
    QueryError
        No posts loaded; bad options.
    AccountNotFound
        ``brand`` is neither an account nor mentioned in any post.
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    scheme = resolve_tiers(tier_scheme, tiers)
    key = normalize_handle(brand)
    if key is None:
        raise QueryError("the brand is empty")
    table = prepare_posts(posts)
    about = about_brand(table, key)
    in_graph = graph.n_accounts > 0 and graph.has(key)
    if not in_graph and not about.any():
        raise AccountNotFound(brand, graph.suggest(key) if graph.n_accounts else [])
    notes: list[str] = []
    window_mask = np.ones(len(table), dtype=bool)
    if since is not None:
        window_mask = (table["when"] >= _since(since)).fillna(False).to_numpy(dtype=bool)
    own = (table["author"] == key).fillna(False).to_numpy(dtype=bool)
    if hashtags or locations:
        mask = np.ones(len(table), dtype=bool)
        if hashtags:
            mask &= _in_list(table["hashtags"], _hashtag_query(hashtags))
        if locations:
            mask &= _at_locations(table, locations)
    else:
        mask = about.copy()
    mask &= window_mask & ~own
    chosen = table[mask]
    counts = chosen.groupby("author").size()
    authors = pd.Index(sorted(counts.index.astype(str)))
    brand_posts = table[about & window_mask].groupby("author").size().reindex(authors, fill_value=0)
    last = chosen.groupby("author")["when"].max().reindex(authors)
    tags = _tag_counts(chosen, "hashtags")
    top_tags = tags[tags.groupby("author").cumcount() < 3].groupby("author")["item"].agg(",".join)

    ids = graph.index.get_indexer(authors) if graph.n_accounts else np.full(len(authors), -1)
    known = ids >= 0
    safe = np.where(known, ids, 0)

    def numbers(name: str) -> np.ndarray:
        values = pd.to_numeric(graph.attribute(name).iloc[safe], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan) if graph.n_accounts else np.full(len(authors), np.nan)
        return np.where(known, values, np.nan)

    followers_count = numbers("followers_count")
    profile_rate = numbers("engagement_rate")
    observed = observed_engagement(table, pd.Series(followers_count, index=authors), window=window)
    observed = pd.to_numeric(observed.reindex(authors), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    rate = np.where(np.isnan(profile_rate), observed, profile_rate)
    source = np.where(~np.isnan(profile_rate), "profile", np.where(~np.isnan(observed), "posts", None))
    result = pd.DataFrame({
        "account": pd.array(list(authors), dtype=object),
        "tier": scheme.assign(masked_array(followers_count, "Int64")),
        "followers_count": masked_array(followers_count, "Int64"),
        "engagement_rate": masked_array(rate),
        "engagement_from": pd.array(source, dtype="string"),
        "posts": counts.reindex(authors).to_numpy(dtype=np.int64),
        "brand_posts": brand_posts.to_numpy(dtype=np.int64),
        "last_post": pd.array([None if pd.isna(t) else t.strftime("%Y-%m-%d") for t in last], dtype="string"),
        "hashtags": pd.array(top_tags.reindex(authors).to_numpy(dtype=object), dtype="string"),
    })
    result["_last"] = [np.nan if pd.isna(t) else t.value / 1e9 for t in last]
    n_observed = n_followers = 0
    if in_graph:
        aud = audience(graph, key)
        n_observed, n_followers = aud.n_observed, aud.n_followers
        follows = np.isin(ids, aud.followers) & known
        result["follows_brand"] = follows
        if aud.n_observed:
            reach = audience_counts(graph, aud.observed)[safe].astype(np.float64)
            others = aud.n_observed - np.isin(ids, aud.observed).astype(np.int64)
            reach = np.where(known, reach, np.nan)
            share = np.divide(reach, others, out=np.full(len(ids), np.nan), where=(others > 0) & known)
            result["audience_count"] = masked_array(reach, "Int64")
            result["audience_share"] = masked_array(share)
        else:
            notes.append(f"audience_count is empty: none of {key!r}'s followers is observed")
    else:
        result["follows_brand"] = pd.array([pd.NA] * len(result), dtype="boolean")
        notes.append(f"{key!r} is not an account of the follow graph: no audience columns")
    if "audience_count" not in result:
        result["audience_count"] = pd.array([pd.NA] * len(result), dtype="Int64")
        result["audience_share"] = pd.array([pd.NA] * len(result), dtype="Float64")
    if "is_customer" in graph.accounts.columns:
        flags = graph.attribute("is_customer").iloc[safe].astype("boolean").fillna(False).to_numpy(dtype=bool)
        result["is_customer"] = flags & known
    result = result[[c for c in _COLUMNS if c in result.columns]]
    applied = sort
    if sort == "reach" and result["audience_count"].isna().all():
        applied = "posts"
        if len(result):
            notes.append("ranked by posts instead of reach")
    if tiers:
        result = result[result["tier"].isin(list(tiers))]
    result = order_rows(result, _SORT_COLUMNS[applied]).drop(columns="_last")
    if top is not None:
        result = result.head(top)
    result.insert(0, "rank", np.arange(1, len(result) + 1))
    result = result.reset_index(drop=True)
    if result.empty:
        notes.append(_why_empty(key, hashtags, locations, since, tiers, int(mask.sum())))
    result.attrs.update({
        "brand": key,
        "posts_matched": int(mask.sum()),
        "audience_observed": n_observed,
        "audience_followers": n_followers,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return result


def _why_empty(key, hashtags, locations, since, tiers, matched: int) -> str:
    what = []
    if hashtags:
        what.append("hashtag " + " or ".join(_hashtag_query(hashtags)))
    if locations:
        what.append("location " + " or ".join(locations))
    described = " and ".join(what) if what else f"about {key!r}"
    if since is not None:
        described += f" since {since}"
    if matched and tiers:
        return f"{matched:,} posts {described}, but none by an account in tier {', '.join(tiers)}"
    return f"no post {described} (not counting {key!r}'s own)"
