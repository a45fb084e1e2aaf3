"""Scraper outputs: follower, following and profile lists as CSV, JSON or NDJSON.

The common scraping tools write one record per account with columns such as
``username``, ``fullName``/``full_name``, ``id``/``pk``, ``followersCount``/
``follower_count``/``followers``, ``followingCount``, ``biography``/``bio``,
``isVerified``, ``isPrivate``, ``category``, ``externalUrl``, ``profilePicUrl``.
Known columns map onto graphkit's attributes (``followers_count``,
``display_name``, ``bio``, ``verified``, ...); every other column is kept as an
extra text attribute under its snake_case name (``profile_pic_url``). A
``name`` column beside a handle column is the display name (X scrapers).

Ids and handles. The platform's numeric id (``id``, ``pk``, ``id_str``,
``user_id``, ``accountId``, ``rest_id``) is kept as the ``account_id`` attribute,
and each ``id -> handle`` pair is recorded as an *alias* (the extra table
``aliases``). The workspace then gives the account keyed by that id (e.g. one
read from an X archive, which has ids only) its handle as key, merging it with
the handle's account if both exist: the follows are never split over two
accounts, and queries use the handle.

Examples
--------
>>> from loaders.tabular import parse_json_records
>>> records = parse_json_records(
...     '[{"id": "1234567890123456789", "username": "Ann", "followersCount": "12k", "profilePicUrl": "u"}]',
...     "p.json")
>>> src = scraper_tables(records, "p.json", ReadContext(kind="profiles"), fmt="scraper-json")
>>> src.accounts[["key", "followers_count", "account_id", "profile_pic_url"]].values.tolist()
[['ann', 12000, '1234567890123456789', 'u']]
>>> src.extra_tables["aliases"].values.tolist()
[['1234567890123456789', 'ann']]
"""

from __future__ import annotations

import re

from graphkit.errors import InputError
from graphkit.handles import normalize_handle
from graphkit.lazy import lazy_module
from graphkit.tables import Rejected, SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.lists import list_source
from loaders.profiles import with_engagement_rate
from loaders.tabular import (
    ACCOUNT_COLUMN_NAMES,
    Records,
    accounts_from_records,
    detect_delimiter,
    find_column,
    parse_delimited,
    parse_json_records,
)
from loaders.textio import decode_lines, decode_text, display_path

pd = lazy_module("pandas")

__all__ = ["scraper_tables", "is_scraper_csv", "is_scraper_json", "ID_COLUMN_NAMES"]

#: Columns holding the platform's numeric account id.
ID_COLUMN_NAMES = ("id", "pk", "id_str", "user_id", "userid", "account_id", "accountid", "rest_id", "pk_id")
_HANDLE_NAMES = tuple(n for n in ACCOUNT_COLUMN_NAMES if n != "name")
#: Header names that only scrapers write (canonical names such as followers_count are not proof).
_SCRAPER_SIGNS = {
    "fullName", "full_name", "biography", "profilePicUrl", "profile_pic_url", "profilePicUrlHD",
    "profile_pic_url_hd", "isPrivate", "isVerified", "externalUrl", "followersCount",
    "followingCount", "followsCount", "follower_count", "isBusinessAccount", "is_business",
    "businessCategoryName", "uniqueId", "nickname", "screen_name", "id_str", "rest_id", "pk",
}
_JSON_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_ ]{0,40})"\s*:')


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _looks_scraped(names: list[str], *, signs: bool) -> bool:
    """A handle column with an id column (or, when ``signs``, with a scraper-only column)."""
    names = [n.strip() for n in names]
    if find_column(names, _HANDLE_NAMES) is None:
        return False
    return find_column(names, ID_COLUMN_NAMES) is not None or (signs and any(n in _SCRAPER_SIGNS for n in names))


def _header_line(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    return next((line.strip("\r") for line in text.split("\n") if line.strip()), None)


def is_scraper_csv(head: bytes, path: str) -> bool:
    """Whether a file is a CSV/TSV with a handle and an id column (other CSVs: csv-list, profiles-csv)."""
    line = _header_line(head)
    if line is None or line.lstrip()[:1] in ("[", "{", "<"):
        return False
    delimiter = detect_delimiter(line)
    return delimiter is not None and _looks_scraped([c.strip('"') for c in line.split(delimiter)], signs=False)


def is_scraper_json(head: bytes, path: str) -> bool:
    """Whether a file is a JSON array or NDJSON of records with a handle and an id or scraper column."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text[:1] not in ("[", "{"):
        return False
    if re.fullmatch(r"\[\s*\]\s*", text):
        return True  # an empty list: read, and refused with a clear sentence
    names = list(dict.fromkeys(_JSON_KEY.findall(text[:16384])))
    return _looks_scraped(names, signs=True)


def _aliases(accounts: pd.DataFrame) -> pd.DataFrame | None:
    if "account_id" not in accounts.columns:
        return None
    ids = [normalize_handle(v) if v is not pd.NA else None for v in accounts["account_id"]]
    pairs = {(i, k) for i, k in zip(ids, accounts["key"].tolist()) if i and i != k}
    if not pairs:
        return None
    rows = sorted(pairs)
    return pd.DataFrame({
        "alias": pd.array([a for a, _ in rows], dtype="string"),
        "key": pd.array([k for _, k in rows], dtype="string"),
    })


def scraper_tables(records: Records, path: str, ctx: ReadContext, *, fmt: str) -> SourceTables:
    """The tables of scraped records: accounts with attributes, the list's follows, aliases."""
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    if not records.rows:
        raise InputError("the list is empty (no record in the file)", path=path)
    header = list(records.header)
    key_column = find_column(header, _HANDLE_NAMES, ctx.column, path=path)
    id_column = find_column(header, ID_COLUMN_NAMES)
    if key_column is None:
        key_column = id_column
    if key_column is None:
        raise InputError(
            f"the records ({', '.join(header[:12])}) have no account column; looked for "
            f"{', '.join(_HANDLE_NAMES + ID_COLUMN_NAMES)}; name it with --column",
            path=path,
        )
    renamed = list(header)
    if id_column is not None and id_column != key_column:
        renamed[header.index(id_column)] = "account_id"
    if "name" in header and key_column != "name" and not any(_squash(h) in ("displayname", "fullname", "nickname") for h in header):
        renamed[header.index("name")] = "display_name"
    work = Records(header=renamed, rows=records.rows, lines=records.lines)
    accounts = accounts_from_records(work, renamed[header.index(key_column)], path, rejects=rejects)
    if not len(accounts):
        raise InputError("no record names an account", path=path)
    aliases = _aliases(accounts)
    extra = {"aliases": aliases} if aliases is not None else {}
    rejected = list(rejects or [])
    if ctx.kind == "profiles":
        return SourceTables(
            path=path, format=fmt, accounts=with_engagement_rate(accounts), rows_read=len(records.rows),
            rejected=rejected, extra_tables=extra,
        )
    source = list_source(
        accounts["key"].tolist(), path, ctx, fmt=fmt, rows_read=len(records.rows),
        accounts=accounts if len(accounts.columns) > 1 else None, rejected=rejected,
    )
    source.extra_tables = extra
    return source


def _read_csv(path: str, ctx: ReadContext) -> SourceTables:
    shown = display_path(path)
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    records = parse_delimited(decode_lines(ctx.read_bytes(path), shown, ctx.encoding), shown, rejects=rejects)
    source = scraper_tables(records, shown, ctx, fmt="scraper-csv")
    source.rejected = list(rejects or []) + source.rejected
    return source


def _read_json(path: str, ctx: ReadContext) -> SourceTables:
    shown = display_path(path)
    text = decode_text(ctx.read_bytes(path), shown, ctx.encoding)
    if not text.strip():
        raise InputError("the file is empty", path=shown)
    return scraper_tables(parse_json_records(text, shown), shown, ctx, fmt="scraper-json")


register(Format(
    name="scraper-json",
    kinds=("followers", "following", "profiles"),
    summary="scraper output, JSON array or NDJSON: username, fullName, id/pk, followersCount, biography, ...",
    how_to_get="a follower/following or profile scraper's JSON export (Apify, Phantombuster, instaloader, ...)",
    detect=is_scraper_json,
    read=_read_json,
    priority=40,
))
register(Format(
    name="scraper-csv",
    kinds=("followers", "following", "profiles"),
    summary="scraper output, CSV with a username and an id/pk column (full_name, follower_count, ...); maps ids to handles",
    how_to_get="a follower/following or profile scraper's CSV export; an id,username table maps X ids to handles",
    detect=is_scraper_csv,
    read=_read_csv,
    priority=40,
))
