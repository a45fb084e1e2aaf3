"""Profile links: the URL of an account's page on its platform, when the platform is known.

graphkit keys accounts by normalized handle (or platform id), so a link needs
to know which platform the key belongs to. In order:

1. the account's own ``platform`` attribute (a crawler or profile file may set it);
2. the workspace's platform: when every platform-specific source of the
   workspace (Instagram, X, TikTok downloads, ...) comes from one platform
   (:func:`workspace_platform`); generic files (edge lists, handle lists,
   profile tables) say nothing and are ignored;
3. the platform a user names (``--profile-links instagram``).

Without one, no link is made: a wrong link is worse than none. Keys are
percent-encoded into fixed ``https://`` templates, so a key cannot turn a link
into anything else.

Examples
--------
>>> profile_url("trail.journal", "instagram")
'https://www.instagram.com/trail.journal/'
>>> profile_url("1234567890123456789", "x")
'https://x.com/i/user/1234567890123456789'
>>> profile_url("a b/../c", "tiktok")
'https://www.tiktok.com/@a%20b%2F..%2Fc'
>>> profile_url("ann", None) is None, profile_url("ann", "myspace") is None
(True, True)
>>> workspace_platform(["instagram-json", "edge-csv"])
'instagram'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

import pandas as pd

from graphkit.errors import ConfigError

__all__ = ["PLATFORMS", "profile_url", "profile_urls", "workspace_platform", "check_platform"]

#: Platform -> profile URL template (``{}`` is the percent-encoded key).
PLATFORMS: dict[str, str] = {
    "instagram": "https://www.instagram.com/{}/",
    "tiktok": "https://www.tiktok.com/@{}",
    "x": "https://x.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "threads": "https://www.threads.net/@{}",
    "youtube": "https://www.youtube.com/@{}",
}


def check_platform(platform: str | None) -> str | None:
    """``platform`` lower-cased if graphkit knows it, ``None`` for none; else a ``ConfigError``.

    >>> check_platform("Instagram")
    'instagram'
    """
    if platform is None or platform == "":
        return None
    name = str(platform).strip().lower()
    if name not in PLATFORMS:
        raise ConfigError(f"unknown platform {platform!r}; graphkit links to {', '.join(PLATFORMS)}")
    return name


def profile_url(key: str, platform: str | None) -> str | None:
    """The profile URL of ``key`` on ``platform`` (``None`` when the platform is unknown)."""
    template = PLATFORMS.get(str(platform).lower()) if platform else None
    if template is None or not key:
        return None
    key = str(key)
    if platform == "x" and key.isdigit():  # X archives carry numeric account ids
        return "https://x.com/i/user/" + key
    return template.format(quote(key, safe="._-"))


def profile_urls(keys: Sequence[str], platforms: Sequence[object] | None, default: str | None) -> list[str | None]:
    """A URL per key: the account's own platform when given, else ``default``.

    >>> profile_urls(["a", "b"], [None, "tiktok"], "instagram")
    ['https://www.instagram.com/a/', 'https://www.tiktok.com/@b']
    """
    own = list(platforms) if platforms is not None else [None] * len(keys)
    out = []
    for key, platform in zip(keys, own):
        chosen = platform if isinstance(platform, str) and platform.strip() and not pd.isna(platform) else default
        out.append(profile_url(key, chosen.strip().lower() if isinstance(chosen, str) else None))
    return out


def workspace_platform(formats: Iterable[object]) -> str | None:
    """The one platform of a workspace's platform-specific sources, ``None`` if none or several.

    ``formats``: the format of every source loaded (``Workspace.sources()["format"]``).

    >>> workspace_platform(["instagram-json", "x-archive"]) is None
    True
    """
    found = set()
    for source_format in formats:
        name = str(source_format or "").split("-", 1)[0].lower()
        if name in PLATFORMS:
            found.add(name)
    return found.pop() if len(found) == 1 else None
