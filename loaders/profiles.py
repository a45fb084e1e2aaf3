"""Profile tables: one row per account with follower counts, bios, tags, engagement.

CSV/TSV with a header, a JSON array of objects (or an object holding one), or
NDJSON. The account column is found like in lists (``username``, ``handle``,
...; ``--column`` names it). Known columns map onto the attributes of
:mod:`graphkit.schema` (``followers``, ``followersCount``, ``follower_count`` ->
``followers_count``, ...); unknown ones are kept as text attributes. When both
``avg_likes`` and ``followers_count`` are given and ``engagement_rate`` is not,
it is computed as ``(avg_likes + avg_comments) / followers_count``.

Examples
--------
>>> ctx = ReadContext(kind="profiles")
>>> src = parse_profile_records(parse_json_records(
...     '[{"username": "@Ann", "followers": "12.5k", "avg_likes": 250, "avg_comments": 0}]', "p.json"),
...     "p.json", ctx)
>>> row = src.accounts.iloc[0]
>>> row["key"], int(row["followers_count"]), float(row["engagement_rate"])
('ann', 12500, 0.02)
"""

from __future__ import annotations

from graphkit.errors import InputError
from graphkit.lazy import lazy_module
from graphkit.tables import Rejected, SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.tabular import (
    ACCOUNT_COLUMN_NAMES,
    Records,
    accounts_from_records,
    find_column,
    looks_like_delimited,
    looks_like_json,
    parse_delimited,
    parse_json_records,
)
from loaders.textio import decode_lines, decode_text

pd = lazy_module("pandas")

__all__ = ["parse_profile_records", "with_engagement_rate"]

_KEY_NAMES = ACCOUNT_COLUMN_NAMES[:-1] + ("key", "id", "pk", "user_id", "userid", "name")


def with_engagement_rate(accounts: pd.DataFrame) -> pd.DataFrame:
    """Fill ``engagement_rate`` from average likes and comments where it is missing."""
    if "avg_likes" not in accounts.columns or "followers_count" not in accounts.columns:
        return accounts
    likes = accounts["avg_likes"].astype("Float64")
    comments = accounts["avg_comments"].astype("Float64").fillna(0) if "avg_comments" in accounts.columns else 0
    followers = accounts["followers_count"].astype("Float64")
    computed = (likes + comments) / followers.where(followers > 0)
    if "engagement_rate" in accounts.columns:
        accounts["engagement_rate"] = accounts["engagement_rate"].astype("Float64").fillna(computed)
    else:
        accounts["engagement_rate"] = computed
    return accounts


def parse_profile_records(records: Records, path: str, ctx: ReadContext) -> SourceTables:
    """The accounts table of parsed profile records."""
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    column = find_column(records.header, _KEY_NAMES, ctx.column, path=path)
    if column is None:
        raise InputError(
            f"the profiles ({', '.join(records.header[:12])}) have no account column; looked for "
            f"{', '.join(_KEY_NAMES)}; name it with --column",
            path=path,
        )
    if not records.rows:
        raise InputError("no profiles in the file", path=path)
    accounts = with_engagement_rate(accounts_from_records(records, column, path, rejects=rejects))
    return SourceTables(path=path, format="", accounts=accounts, rows_read=len(records.rows), rejected=list(rejects or []))


def _read_csv(path: str, ctx: ReadContext) -> SourceTables:
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    records = parse_delimited(decode_lines(ctx.read_bytes(path), path, ctx.encoding), path, rejects=rejects)
    source = parse_profile_records(records, path, ctx)
    source.rejected = list(rejects or []) + source.rejected
    source.format = "profiles-csv"
    return source


def _read_json(path: str, ctx: ReadContext) -> SourceTables:
    records = parse_json_records(decode_text(ctx.read_bytes(path), path, ctx.encoding), path)
    source = parse_profile_records(records, path, ctx)
    source.format = "profiles-json"
    return source





register(Format(
    name="profiles-json",
    kinds=("profiles",),
    summary="JSON array of profile objects, or NDJSON (one object per line)",
    how_to_get="a scraper's profile export (e.g. Apify, Phantombuster) or an API dump",
    detect=looks_like_json,
    read=_read_json,
    priority=70,
))
register(Format(
    name="profiles-csv",
    kinds=("profiles",),
    summary="CSV/TSV of profiles: username, followers, bio, tags, engagement, ...",
    how_to_get="a spreadsheet of prospects or a scraper's profile CSV",
    detect=looks_like_delimited,
    read=_read_csv,
    priority=80,
))
