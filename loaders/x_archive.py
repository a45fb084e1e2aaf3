"""X/Twitter archive: ``data/follower.js`` and ``data/following.js``.

Each file is JavaScript: ``window.YTD.follower.part0 = [ {"follower": {"accountId":
"...", "userLink": "https://twitter.com/intent/user?user_id=..."}}, ... ]`` (a big
account's list continues in ``follower-part1.js`` with ``part1``). The 2020 and
2023 layouts differ only in whitespace. Only ids are given, never usernames: the
accounts are keyed by their id, kept as a string (ids exceed 2**53). Loading a
profiles file with an ``id`` and a ``username`` column later gives each id its
handle (see ``graphkit load profiles`` and the workspace's aliases).

Examples
--------
>>> js = b'window.YTD.following.part0 = [ {"following": {"accountId": "1234567890123456789"}} ]'
>>> x_lists(js, "following.js")
{'following': ['1234567890123456789']}
>>> x_lists(b'[ {"following": {"accountId": "1"}} ]', "following.js")
Traceback (most recent call last):
...
graphkit.errors.InputError: following.js: this X archive file lacks its `window.YTD.<section>.part0 = ` first line (was it edited?); graphkit reads the files exactly as the archive holds them
"""

from __future__ import annotations

import re

from graphkit.errors import InputError
from graphkit.tables import SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.lists import list_source
from loaders.platform_lists import account_keys, check_line_lengths, parse_json_text, pick_list
from loaders.textio import decode_text, display_path

__all__ = ["x_lists", "x_account", "is_x_archive"]

_PREFIX = re.compile(r"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=\s*")
_SECTIONS = {"follower": "followers", "following": "following"}
_DIGITS = re.compile(r"^\d{1,20}$")
_BARE = re.compile(rb'^\s*\[\s*\{\s*"(follower|following|account)"\s*:')


def _split(data: bytes, path: str) -> tuple[str, str]:
    check_line_lengths(data, path)
    text = decode_text(data, path)
    match = _PREFIX.match(text)
    if match is None:
        raise InputError(
            "this X archive file lacks its `window.YTD.<section>.part0 = ` first line (was it edited?); "
            "graphkit reads the files exactly as the archive holds them",
            path=path,
        )
    return match.group(1), text[match.end():]


def _records(body: str, path: str, section: str) -> list:
    records = parse_json_text(body.rstrip().rstrip(";"), path)
    if not isinstance(records, list):
        raise InputError(f"expected a list after `window.YTD.{section}.part0 =`", path=path)
    return records


def x_lists(data: bytes, path: str, name: str | None = None) -> dict[str | None, list[str]]:
    """The follower or following ids of one archive file, by its ``window.YTD`` section."""
    section, body = _split(data, path)
    direction = _SECTIONS.get(section)
    if direction is None:
        raise InputError(
            f"this is the X archive's {section!r} file, not follower.js or following.js", path=path
        )
    ids = []
    for number, record in enumerate(_records(body, path, section), 1):
        entry = record.get(section) if isinstance(record, dict) else None
        value = entry.get("accountId") if isinstance(entry, dict) else None
        if value is None and isinstance(entry, dict) and "userLink" in entry:
            value = entry["userLink"]
        if value is None:
            raise InputError(f'expected {{"{section}": {{"accountId": ...}}}}', path=path, record=f"record {number}")
        ids.append(value)
    keys = account_keys(ids, path)
    for number, key in enumerate(keys, 1):
        if not _DIGITS.match(key):
            raise InputError(f"accountId {key!r} is not a numeric X id", path=path, record=f"record {number}")
    return {direction: keys}


def x_account(data: bytes, path: str) -> tuple[str | None, str | None]:
    """``(username, accountId)`` of the archive's owner from ``data/account.js``."""
    try:
        section, body = _split(data, path)
        records = _records(body, path, section)
        account = records[0]["account"]
    except (InputError, KeyError, IndexError, TypeError):
        return None, None
    username = account.get("username")
    account_id = account.get("accountId")
    return (str(username) if username else None), (str(account_id) if account_id else None)


def is_x_archive(head: bytes, path: str) -> bool:
    """Whether a file is an X archive data file (also one that lost its prefix)."""
    text = head.lstrip(b"\xef\xbb\xbf")
    if text.lstrip().startswith(b"window.YTD."):
        return True
    return bool(_BARE.match(text)) and b'"accountId"' in text


def _read(path: str, ctx: ReadContext) -> SourceTables:
    shown = display_path(path)
    keys = pick_list(x_lists(ctx.read_bytes(path), shown), ctx.kind, shown, "X archive")
    return list_source(keys, shown, ctx, fmt="x-archive", rows_read=len(keys))


register(Format(
    name="x-archive",
    kinds=("followers", "following"),
    summary="X/Twitter archive: data/follower.js, data/following.js (window.YTD...; ids, no usernames)",
    how_to_get="X: Settings > Your account > Download an archive of your data; the files are in data/",
    detect=is_x_archive,
    read=_read,
    priority=11,
))
