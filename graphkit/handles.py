"""Account keys: how a handle, a profile URL or a numeric id becomes one key.

A key is the handle trimmed, without its leading ``@``, lower-cased; a profile
URL of Instagram, X/Twitter or TikTok is reduced to the name in it. Numeric ids
(X archives, SNAP) stay strings: X ids exceed 2**53 and must never pass through
a float.

Examples
--------
>>> normalize_handle("  @Alice ")
'alice'
>>> normalize_handle("https://www.instagram.com/_u/Bob.Smith/")
'bob.smith'
>>> normalize_handle("https://x.com/jack?lang=en")
'jack'
>>> normalize_handle("tiktok.com/@Dance.Star")
'dance.star'
>>> normalize_handle("https://twitter.com/intent/user?user_id=1234567890123456789")
'1234567890123456789'
>>> normalize_handle("   ") is None
True
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["normalize_handle", "normalize_handles", "bad_key_reason"]

_PLATFORM_URL = re.compile(
    r"^(?:https?://)?(?:(?:www|m|mobile|vm)\.)?"
    r"(?:instagram\.com|twitter\.com|x\.com|tiktok\.com)/"
    r"(?:intent/user\?user_id=(?P<uid>\d+)|(?:_u/)?@?(?P<name>[^/?#\s]+))",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^[a-z0-9_.\-]+$")


def normalize_handle(value: object) -> str | None:
    """Return the account key for one handle, URL or id; ``None`` if empty.

    Examples
    --------
    >>> normalize_handle("@@x")
    '@x'
    >>> normalize_handle(12345)
    '12345'
    """
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    if text.startswith("@"):
        text = text[1:]
    if "/" in text:
        match = _PLATFORM_URL.match(text)
        if match:
            text = match.group("uid") or match.group("name")
    text = text.strip().lower()
    return text or None


def normalize_handles(values: pd.Series) -> pd.Series:
    """Vectorized :func:`normalize_handle` over a Series of strings.

    Empty values become ``<NA>``. Already-clean values (lower-case letters,
    digits, ``_.-``) take a fast path that avoids per-value Python work.

    Examples
    --------
    >>> normalize_handles(pd.Series(["@A", "b", " ", None])).tolist()
    ['a', 'b', <NA>, <NA>]
    """
    text = values.astype("string")
    clean = text.str.fullmatch(_PLAIN.pattern).fillna(False).to_numpy(dtype=bool)
    if clean.all():
        return text
    out = text.copy()
    dirty = ~clean
    out[dirty] = pd.array(
        [normalize_handle(v) if v is not pd.NA else None for v in text[dirty]],
        dtype="string",
    )
    return out


def bad_key_reason(key: str) -> str | None:
    """Say why ``key`` cannot be an account key, or return ``None`` if it can.

    Control characters (NUL, line breaks, ...) are refused: they are never part
    of a real handle and break the text formats graphkit writes.

    Examples
    --------
    >>> bad_key_reason("alice") is None
    True
    >>> bad_key_reason("a\\x00b")
    'handle contains a control character (U+0000)'
    """
    for ch in key:
        if unicodedata.category(ch) == "Cc":
            return f"handle contains a control character (U+{ord(ch):04X})"
    return None


def _control_mask(keys: pd.Series) -> np.ndarray:
    """Boolean mask of keys holding a control character."""
    return keys.str.contains(r"[\x00-\x1f\x7f-\x9f]", regex=True).fillna(False).to_numpy(bool)
