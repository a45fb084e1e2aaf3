"""The account attributes graphkit knows, their types and their synonyms.

Every loader maps the columns it finds onto these names; anything else is kept
as an extra text attribute (snake-cased) rather than dropped.

Examples
--------
>>> canonical_attribute("followersCount")
'followers_count'
>>> canonical_attribute("Biography")
'bio'
>>> canonical_attribute("favourite_colour") is None
True
>>> parse_count("12.5K")
12500
>>> parse_count("1,234")
1234
"""

from __future__ import annotations

import re

import numpy as np

from graphkit.lazy import lazy_module

pd = lazy_module("pandas")

__all__ = [
    "ATTRIBUTES",
    "INTEGER_ATTRIBUTES",
    "FLOAT_ATTRIBUTES",
    "BOOLEAN_ATTRIBUTES",
    "TEXT_ATTRIBUTES",
    "ACCOUNT_COLUMNS",
    "canonical_attribute",
    "snake_case",
    "parse_count",
    "coerce_attributes",
    "split_tags",
    "join_tags",
]

INTEGER_ATTRIBUTES = ("followers_count", "following_count", "posts_count")
FLOAT_ATTRIBUTES = ("avg_likes", "avg_comments", "engagement_rate", "customer_value")
BOOLEAN_ATTRIBUTES = ("verified", "is_private", "is_customer")
TEXT_ATTRIBUTES = ("display_name", "category", "bio", "tags", "location", "external_url")
ATTRIBUTES = INTEGER_ATTRIBUTES + FLOAT_ATTRIBUTES + BOOLEAN_ATTRIBUTES + TEXT_ATTRIBUTES

#: Columns of the workspace's accounts table before any attribute.
ACCOUNT_COLUMNS = ("key", "observed")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "followers_count": (
        "followers", "followerscount", "followercount", "numfollowers", "fans", "fanscount",
        "edgefollowedby", "followedby", "subscribers",
    ),
    "following_count": (
        "following", "followingcount", "follows", "followscount", "friendscount", "followees",
        "followeecount", "numfollowing",
    ),
    "posts_count": (
        "posts", "postscount", "mediacount", "media", "statusescount", "tweets", "tweetcount",
        "videocount", "videos", "numposts",
    ),
    "avg_likes": ("avglikes", "averagelikes", "likesavg", "meanlikes"),
    "avg_comments": ("avgcomments", "averagecomments", "commentsavg", "meancomments"),
    "engagement_rate": ("engagementrate", "engagement", "er"),
    "customer_value": ("customervalue", "lifetimevalue", "ltv", "clv"),
    "verified": ("verified", "isverified", "blueverified"),
    "is_private": ("isprivate", "private", "protected"),
    "is_customer": ("iscustomer", "customer"),
    "display_name": ("displayname", "fullname", "nickname", "title"),
    "category": ("category", "categoryname", "businesscategoryname", "niche"),
    "bio": ("bio", "biography", "description", "signature"),
    "tags": ("tags", "hashtags", "keywords", "niches", "interests"),
    "location": ("location", "city", "country", "region"),
    "external_url": ("externalurl", "website", "url", "link"),
}
_LOOKUP = {alias: name for name, aliases in _SYNONYMS.items() for alias in aliases}
_LOOKUP.update({name.replace("_", ""): name for name in ATTRIBUTES})


def _squash(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", column.lower())


def canonical_attribute(column: str) -> str | None:
    """The attribute a column name means, or ``None`` if it is not a known one."""
    return _LOOKUP.get(_squash(column))


def snake_case(column: str) -> str:
    """``profilePicUrl`` -> ``profile_pic_url``; used to name extra attributes.

    >>> snake_case("profilePicUrl")
    'profile_pic_url'
    """
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column.strip())
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    return text or "column"


_COUNT = re.compile(r"^\s*([0-9][0-9,_ ]*(?:\.[0-9]+)?)\s*([kmb])?\s*$", re.IGNORECASE)
_MULTIPLIER = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(value: object) -> int | None:
    """Read a follower-style count: ``1234``, ``"1,234"``, ``"12.5K"``, ``"3M"``.

    Returns ``None`` for empty values; raises ``ValueError`` for anything else.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"not a count: {value!r}")
    if isinstance(value, (int, np.integer)):
        if value < 0:
            raise ValueError(f"negative count: {value}")
        return _count_in_range(int(value))
    if isinstance(value, (float, np.floating)):
        if value < 0 or not np.isfinite(value):
            raise ValueError(f"not a count: {value!r}")
        return _count_in_range(value)
    text = str(value).strip()
    if not text:
        return None
    match = _COUNT.match(text)
    if not match:
        raise ValueError(f"not a count: {text!r}")
    number = float(match.group(1).replace(",", "").replace("_", "").replace(" ", ""))
    if match.group(2):
        number *= _MULTIPLIER[match.group(2).lower()]
    return _count_in_range(number)


#: Counts are stored as 64-bit integers; nothing real comes near.
_MAX_COUNT = 2**63 - 1


def _count_in_range(number: float | int) -> int:
    """``number`` as a count, refusing what no 64-bit integer holds.

    >>> _count_in_range(12.4)
    12
    >>> _count_in_range(2**70)
    Traceback (most recent call last):
    ...
    ValueError: count too large: 1180591620717411303424
    """
    if isinstance(number, int):
        if number > _MAX_COUNT:
            raise ValueError(f"count too large: {number}")
        return number
    if not np.isfinite(number) or number > _MAX_COUNT:
        raise ValueError(f"count too large: {number:.3g}")
    return int(round(number))


def _parse_float(value: object) -> float | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"not a number: {value!r}")
    text = str(value).strip()
    if not text:
        return None
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        try:
            number = float(parse_count(text) or 0)
        except ValueError:
            raise ValueError(f"not a number: {value!r}") from None
    if not np.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number / 100.0 if percent else number


_TRUE = {"true", "t", "yes", "y", "1", "verified"}
_FALSE = {"false", "f", "no", "n", "0", ""}


def _parse_bool(value: object) -> bool | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise ValueError(f"not a yes/no value: {value!r}")


def split_tags(text: object) -> list[str]:
    """Split a tags cell (``"#Hiking, camping; trail"``) into lower-case tags.

    >>> split_tags("#Hiking, camping; trail")
    ['#hiking', 'camping', 'trail']
    """
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return []
    if isinstance(text, (list, tuple, np.ndarray)):
        parts = [str(p) for p in text]
    else:
        parts = re.split(r"[,;|]", str(text))
    seen: dict[str, None] = {}
    for part in parts:
        tag = part.strip().lower()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def join_tags(tags: list[str]) -> str | None:
    """The stored form of a tag list: comma-separated, or ``None`` if empty.

    >>> join_tags(["a", "b"])
    'a,b'
    """
    return ",".join(tags) if tags else None


def coerce_attributes(
    frame: pd.DataFrame,
    *,
    path: str | None = None,
    line_numbers: np.ndarray | None = None,
    rejects: list | None = None,
) -> pd.DataFrame:
    """Give every known attribute column its type; other columns stay text.

    ``line_numbers[i]`` is the source line of row ``i`` (for messages). A value
    that cannot be read raises :class:`~graphkit.errors.InputError` naming the
    file, line and column; when ``rejects`` is a list, the row is dropped and a
    :class:`~graphkit.tables.Rejected` is appended instead.

    >>> coerce_attributes(pd.DataFrame({"followers_count": ["1.2k", None]}))["followers_count"].tolist()
    [1200, <NA>]
    """
    from graphkit.errors import InputError
    from graphkit.tables import Rejected

    out = frame.copy()
    bad: dict[int, str] = {}
    converters = {}
    for column in out.columns:
        if column in INTEGER_ATTRIBUTES:
            converters[column] = (parse_count, "Int64")
        elif column in FLOAT_ATTRIBUTES:
            converters[column] = (_parse_float, "Float64")
        elif column in BOOLEAN_ATTRIBUTES:
            converters[column] = (_parse_bool, "boolean")
    for column, (parse, dtype) in converters.items():
        values = []
        for i, value in enumerate(out[column].tolist()):
            if value is None or value is pd.NA:
                values.append(None)
                continue
            try:
                values.append(parse(value))
            except ValueError as err:
                line = None if line_numbers is None else int(line_numbers[i])
                if rejects is None:
                    raise InputError(f"column {column!r}: {err}", path=path, line=line) from None
                bad.setdefault(i, f"column {column!r}: {err}")
                values.append(None)
        out[column] = pd.array(values, dtype=dtype)
    for column in out.columns:
        if column == "tags":
            out[column] = pd.array([join_tags(split_tags(v)) for v in out[column]], dtype="string")
        elif column not in converters and column != "observed":
            out[column] = _as_text(out[column])
    if bad:
        for i, problem in sorted(bad.items()):
            line = None if line_numbers is None else int(line_numbers[i])
            rejects.append(Rejected(path=path, line=line, problem=problem))
        out = out.drop(index=out.index[sorted(bad)])
    return out


def _as_text(series: pd.Series) -> pd.Series:
    values = series.astype("string").str.strip()
    return values.mask(values == "")
