"""TikTok's "Download your data": follower and following lists, JSON and TXT.

Layouts read:

* ``user_data_tiktok.json`` today: ``{"Your Activity": {"Follower": {"FansList":
  [{"Date": "2025-10-01 09:31:12", "UserName": "..."}]}, "Following": {"Following":
  [...]}}}`` among the download's other sections;
* the older ``user_data.json``: ``{"Activity": {"Follower List": {"FansList":
  [...]}, "Following List": {"Following": [...]}}}``;
* the TXT download: ``Follower List.txt`` / ``Following List.txt`` (or
  ``Follower.txt``, ...), blocks of ``Date: ...`` and ``Username: ...`` lines. The
  direction comes from the file name (or from ``load followers``/``following``).

Examples
--------
>>> doc = b'{"Activity": {"Follower List": {"FansList": [{"Date": "2020-01-01", "UserName": "Ann"}]}}}'
>>> tiktok_lists(doc, "user_data.json")
{'followers': ['ann']}
>>> tiktok_lists(b"Date: 2020-01-01 10:00:00\\nUsername: bob\\n\\n", "Following List.txt")
{'following': ['bob']}
"""

from __future__ import annotations

import re
from pathlib import Path

from graphkit.errors import InputError
from graphkit.tables import SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.lists import list_source
from loaders.platform_lists import account_keys, check_line_lengths, load_json, pick_list
from loaders.textio import decode_lines, display_path

__all__ = ["tiktok_lists", "tiktok_owner", "is_tiktok_json", "is_tiktok_txt"]

#: Where each list lives, newest layout first.
_PLACES = {
    "followers": (("Your Activity", "Follower", "FansList"), ("Activity", "Follower List", "FansList")),
    "following": (("Your Activity", "Following", "Following"), ("Activity", "Following List", "Following")),
}
_NAME_FIELDS = ("UserName", "Username", "userName", "username", "User Name")
_TOP_SECTIONS = (
    "Activity", "Your Activity", "Ads and data", "App Settings", "Comment", "Direct Message",
    "Direct Messages", "Income+ Wallet Activity", "Likes and Favorites", "Post", "Profile",
    "Tiktok Live", "TikTok Live", "Tiktok Shopping", "TikTok Shopping", "Video",
)
_JSON_HINT = re.compile(
    rb'^\s*\{\s*"(' + b"|".join(re.escape(s.encode()) for s in _TOP_SECTIONS) + rb')"\s*:'
)
_TXT_LINE = re.compile(r"^\s*(Date|User ?[Nn]ame)\s*:\s*(.*?)\s*$")


def _walk(doc: dict, place: tuple[str, ...]) -> object:
    node: object = doc
    for step in place:
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


def _entries(items: object, path: str, where: str) -> list[str]:
    if not isinstance(items, list):
        raise InputError(f"{where}: expected a list of accounts, found {type(items).__name__}", path=path)
    names = []
    for number, item in enumerate(items, 1):
        value = next((item[f] for f in _NAME_FIELDS if isinstance(item, dict) and f in item), None)
        if value is None:
            raise InputError(f"{where}: an entry without UserName", path=path, record=f"record {number}")
        names.append(value)
    return account_keys(names, path)


def _json_lists(data: bytes, path: str) -> dict[str | None, list[str]]:
    doc = load_json(data, path)
    if not isinstance(doc, dict):
        raise InputError(f"expected TikTok's JSON object, found a {type(doc).__name__}", path=path)
    found: dict[str | None, list[str]] = {}
    for direction, places in _PLACES.items():
        for place in places:
            items = _walk(doc, place)
            if items is not None:
                found[direction] = _entries(items, path, " > ".join(place))
                break
    if not found:
        looked = "; ".join(" > ".join(p) for places in _PLACES.values() for p in places)
        raise InputError(f"no TikTok follower or following list in the file (looked for {looked})", path=path)
    return found


def _direction_from_name(name: str | None) -> str | None:
    base = (name or "").lower()
    if base.startswith("following"):
        return "following"
    if base.startswith(("follower", "fans")):
        return "followers"
    return None


def _txt_lists(data: bytes, path: str, name: str | None) -> dict[str | None, list[str]]:
    names: list[str] = []
    for number, line in enumerate(decode_lines(data, path), 1):
        if not line.strip():
            continue
        match = _TXT_LINE.match(line)
        if match is None:
            raise InputError(f"expected `Date: ...` or `Username: ...`, found {line.strip()[:60]!r}", path=path, line=number)
        if match.group(1) != "Date":
            if not match.group(2):
                raise InputError("no account name after `Username:`", path=path, line=number)
            names.append(match.group(2))
    return {_direction_from_name(name): account_keys(names, path)}


def tiktok_lists(data: bytes, path: str, name: str | None = None) -> dict[str | None, list[str]]:
    """The follower/following lists in one TikTok file (JSON or TXT)."""
    name = name or Path(path).name
    check_line_lengths(data, path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _json_lists(data, path)
    return _txt_lists(data, path, name)


def tiktok_owner(data: bytes, path: str) -> str | None:
    """The account's own username (``Profile > Profile Info > ProfileMap > userName``)."""
    try:
        doc = load_json(data, path)
    except InputError:
        return None
    profile = _walk(doc, ("Profile", "Profile Info", "ProfileMap")) if isinstance(doc, dict) else None
    if isinstance(profile, dict):
        value = profile.get("userName") or profile.get("UserName")
        return str(value) if value else None
    return None


def is_tiktok_json(head: bytes, path: str) -> bool:
    """Whether a file's first bytes are TikTok's ``user_data`` JSON."""
    text = head.lstrip(b"\xef\xbb\xbf")
    return bool(_JSON_HINT.match(text)) or (text.lstrip()[:1] == b"{" and b'"FansList"' in text)


def is_tiktok_txt(head: bytes, path: str) -> bool:
    """Whether a file's first bytes are TikTok's TXT list (``Date:``/``Username:`` lines)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line for line in text.split("\n")[:6] if line.strip()]
    return bool(lines) and all(_TXT_LINE.match(line) for line in lines[:4]) and any(
        _TXT_LINE.match(line).group(1) != "Date" for line in lines[:4]
    )


def _read(path: str, ctx: ReadContext) -> SourceTables:
    shown = display_path(path)
    data = ctx.read_bytes(path)
    keys = pick_list(tiktok_lists(data, shown, Path(path).name), ctx.kind, shown, "TikTok")
    fmt = "tiktok-json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "tiktok-txt"
    return list_source(keys, shown, ctx, fmt=fmt, rows_read=len(keys))


register(Format(
    name="tiktok-json",
    kinds=("followers", "following"),
    summary="TikTok download, JSON: user_data_tiktok.json (Your Activity > Follower/Following; older Activity layout)",
    how_to_get="TikTok: Settings > Account > Download your data, format JSON",
    detect=is_tiktok_json,
    read=_read,
    priority=12,
))
register(Format(
    name="tiktok-txt",
    kinds=("followers", "following"),
    summary="TikTok download, TXT: Follower List.txt / Following List.txt (Date: / Username: lines)",
    how_to_get="TikTok: Settings > Account > Download your data, format TXT",
    detect=is_tiktok_txt,
    read=_read,
    priority=20,
))
