"""Instagram's "Download your information": follower and following lists, JSON and HTML.

Layouts read:

* ``followers_1.json`` (``followers_2.json``, ... when split): a bare list of
  ``{"title": "", "media_list_data": [], "string_list_data": [{"href", "value",
  "timestamp"}]}``;
* ``following.json``: ``{"relationships_following": [ same items ]}``; in the
  2026 layout the name is in ``title``, ``href`` ends in ``/_u/<name>`` and
  there is no ``value``;
* the 2021-2022 layout ``{"relationships_followers": [...]}`` and the pre-2021
  ``connections.json`` (``{"followers": {"name": "2019-01-31T..."}, "following":
  {...}}``), which hold both directions;
* the HTML download (``followers_1.html``, ``following.html``): one
  ``<a href="https://www.instagram.com/<name>">`` per account, followed by a
  date in the account's language (``lug 22, 2025 3:34 am``). The direction
  comes from the file name; the dates are not needed and not read.

Other sections of the download (close friends, blocked accounts, likes, ...)
are refused with a sentence naming the section. The follow dates are not
kept: a follow has no attributes in graphkit.

Examples
--------
>>> data = b'{"relationships_following": [{"title": "Ann", "string_list_data":'
>>> data += b' [{"href": "https://www.instagram.com/_u/ann", "timestamp": 1}]}]}'
>>> instagram_lists(data, "following.json")
{'following': ['ann']}
>>> instagram_lists(b'{"likes_media_likes": []}', "liked_posts.json")
Traceback (most recent call last):
...
graphkit.errors.InputError: liked_posts.json: this is the likes_media_likes section of an Instagram download (liked posts), not a follower or following list
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from graphkit.errors import InputError
from graphkit.tables import SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.lists import list_source
from loaders.platform_lists import (
    account_keys,
    check_line_lengths,
    load_json,
    parse_json_text,
    pick_list,
)
from loaders.textio import decode_text, display_path

__all__ = ["instagram_lists", "is_instagram_json", "is_instagram_html", "instagram_owner"]

_SECTIONS = {"relationships_followers": "followers", "relationships_following": "following"}
_LEGACY = {"followers": "followers", "following": "following"}
_OTHER_SECTIONS = {
    "relationships_close_friends": "close friends",
    "relationships_blocked_users": "blocked accounts",
    "relationships_follow_requests_sent": "pending follow requests",
    "relationships_follow_requests_received": "follow requests received",
    "relationships_permanent_follow_requests": "follow requests",
    "relationships_unfollowed_users": "recently unfollowed accounts",
    "relationships_dismissed_suggested_users": "removed suggestions",
    "relationships_restricted_users": "restricted accounts",
    "relationships_hide_stories_from": "accounts hidden from stories",
    "relationships_feed_favorites": "favorites",
    "likes_media_likes": "liked posts",
    "likes_comment_likes": "liked comments",
    "saved_saved_media": "saved posts",
    "profile_user": "profile information",
}
#: Names of HTML pages of other sections (their content looks like a follower list).
_OTHER_PAGES = re.compile(
    r"^(close_friends|blocked_(accounts|profiles)|pending_follow_requests|recent_follow_requests|"
    r"recently_unfollowed_(accounts|profiles)|removed_suggestions|restricted_(accounts|profiles)|"
    r"hide_story_from|follow_requests_you've_received|following_hashtags|accounts_you've_favorited|"
    r"liked_posts|liked_comments|saved_posts)\b"
)
_PROFILE_LINK = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']*instagram\.com/[^"']*)["'][^>]*>""", re.IGNORECASE
)
_NOT_PROFILES = {"explore", "accounts", "p", "reel", "reels", "stories", "direct", "tv", "about", "legal", "developer"}


def _direction_from_name(name: str | None) -> str | None:
    if not name:
        return None
    base = name.lower()
    if base.startswith("following") and not base.startswith("following_hashtags"):
        return "following"
    if base.startswith("followers"):
        return "followers"
    return None


def _item_name(item: object) -> object:
    """The account of one ``string_list_data`` item: ``value``, else ``title``, else ``href``."""
    if not isinstance(item, dict):
        return None
    entries = item.get("string_list_data") or []
    first = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
    return first.get("value") or item.get("title") or first.get("href")


def _items(items: object, path: str, section: str) -> list[str]:
    if not isinstance(items, list):
        raise InputError(f"{section}: expected a list of accounts, found {type(items).__name__}", path=path)
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or "string_list_data" not in item and "title" not in item:
            raise InputError(
                "not an Instagram account entry (no string_list_data or title)", path=path, record=f"record {number}"
            )
    return account_keys([_item_name(item) for item in items], path)


def _json_lists(data: object, path: str, name: str | None) -> dict[str | None, list[str]]:
    if isinstance(data, list):
        # a bare list has always been the followers file (followers_1.json, ...)
        return {"followers": _items(data, path, "followers")}
    if not isinstance(data, dict):
        raise InputError(f"expected an Instagram JSON list or object, found {type(data).__name__}", path=path)
    found: dict[str | None, list[str]] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            found[_SECTIONS[key]] = _items(value, path, key)
        elif key in _LEGACY and isinstance(value, dict):
            found[_LEGACY[key]] = account_keys(list(value), path)
    if found:
        return found
    for key in data:
        what = _OTHER_SECTIONS.get(key)
        if what or key.startswith(("relationships_", "likes_", "saved_")):
            raise InputError(
                f"this is the {key} section of an Instagram download"
                + (f" ({what})" if what else "")
                + ", not a follower or following list",
                path=path,
            )
    keys = ", ".join(list(data)[:5])
    raise InputError(f"not an Instagram follower or following file (its keys: {keys})", path=path)


def _html_lists(text: str, path: str, name: str | None) -> dict[str | None, list[str]]:
    if name and _OTHER_PAGES.match(name.lower()):
        raise InputError(
            f"this is the {Path(name).stem} page of an Instagram download, not a follower or following list",
            path=path,
        )
    start = text.find("<main")
    body = text[start:] if start >= 0 else text
    names = []
    for match in _PROFILE_LINK.finditer(body):
        href = html.unescape(match.group(1))
        tail = href.split("instagram.com/", 1)[1].strip("/").split("?")[0]
        parts = [p for p in tail.split("/") if p]
        if parts and parts[0] == "_u":
            parts = parts[1:]
        if len(parts) != 1 or parts[0].lower() in _NOT_PROFILES:
            continue
        names.append(parts[0])
    if not names:
        raise InputError("no Instagram account links in this HTML page", path=path)
    return {_direction_from_name(name): account_keys(names, path)}


def instagram_lists(data: bytes, path: str, name: str | None = None) -> dict[str | None, list[str]]:
    """The follower/following lists in one Instagram file (JSON or HTML).

    Returns ``{direction: keys}``; the direction is ``None`` for an HTML page
    whose file name does not say it.
    """
    name = name or Path(path).name
    check_line_lengths(data, path)
    text = decode_text(data, path)
    if text.lstrip()[:1] in ("[", "{"):
        return _json_lists(parse_json_text(text, path), path, name)
    if "<html" in text[:4096].lower() or "<a " in text:
        return _html_lists(text, path, name)
    raise InputError("neither an Instagram JSON nor an Instagram HTML file", path=path)


def instagram_owner(data: bytes, path: str) -> str | None:
    """The username in ``personal_information.json`` (``None`` if it has none)."""
    try:
        doc = load_json(data, path)
        profile = doc["profile_user"][0]["string_map_data"]
    except (InputError, KeyError, IndexError, TypeError):
        return None
    for key in ("Username", "Nome utente", "Nombre de usuario", "Nom d'utilisateur", "Benutzername"):
        value = profile.get(key)
        if isinstance(value, dict) and value.get("value"):
            return str(value["value"])
    return None


_JSON_HINT = re.compile(
    rb'"(string_list_data|relationships_[a-z_]+|likes_[a-z_]+|saved_saved_media)"\s*:'
)
_LEGACY_HINT = re.compile(rb'^\s*\{\s*"(followers|following)"\s*:\s*\{\s*("[^"]*"\s*:\s*"\d{4}-|\})')


def is_instagram_json(head: bytes, path: str) -> bool:
    """Whether a file's first bytes are an Instagram download's JSON."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start not in (b"[", b"{"):
        return False
    if _JSON_HINT.search(head) or _LEGACY_HINT.match(head.lstrip(b"\xef\xbb\xbf")):
        return True
    # an empty list under the download's own file name (followers_1.json with "[]")
    empty = re.fullmatch(rb"\s*\[\s*\]\s*", head.lstrip(b"\xef\xbb\xbf")) is not None
    return empty and _direction_from_name(Path(path).name) is not None


def is_instagram_html(head: bytes, path: str) -> bool:
    """Whether a file's first bytes are a page of Instagram's HTML download."""
    lower = head[:65536].lower()
    return b"<html" in lower and (b"instagram-logo" in lower or b"instagram.com/" in lower)


def _read(path: str, ctx: ReadContext) -> SourceTables:
    shown = display_path(path)
    data = ctx.read_bytes(path)
    keys = pick_list(instagram_lists(data, shown, Path(path).name), ctx.kind, shown, "Instagram")
    fmt = "instagram-html" if is_instagram_html(data[:65536], path) else "instagram-json"
    return list_source(keys, shown, ctx, fmt=fmt, rows_read=len(keys))


register(Format(
    name="instagram-json",
    kinds=("followers", "following"),
    summary="Instagram download, JSON: followers_1.json, following.json (all layouts since 2019)",
    how_to_get="Instagram: Accounts Center > Download your information > Followers and following, format JSON",
    detect=is_instagram_json,
    read=_read,
    priority=10,
))
register(Format(
    name="instagram-html",
    kinds=("followers", "following"),
    summary="Instagram download, HTML: followers_1.html, following.html (dates in any language)",
    how_to_get="Instagram: Accounts Center > Download your information > Followers and following, format HTML",
    detect=is_instagram_html,
    read=_read,
    priority=13,
))
