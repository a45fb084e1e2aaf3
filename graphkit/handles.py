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
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["normalize_handle", "normalize_handles", "normalize_handle_array", "bad_key_reason"]

_PLATFORM_URL = re.compile(
    r"^(?:https?://)?(?:(?:www|m|mobile|vm)\.)?"
    r"(?:instagram\.com|twitter\.com|x\.com|tiktok\.com)/"
    r"(?:intent/user\?user_id=(?P<uid>\d+)|(?:_u/)?@?(?P<name>[^/?#\s]+))",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^[a-z0-9_.\-]+$")
#: leading ``@`` signs and white space (``\s`` is what ``str.strip`` removes)
_LEADING_AT = re.compile(r"^[\s@]+")
#: handles normalized by trimming spaces/tabs, one leading ``@`` and ASCII lower-casing only
_SIMPLE = re.compile(r"^[ \t]*@?[A-Za-z0-9_.\-]+[ \t]*$")
_SIMPLE_TRIM = r"^[ \t]*@?|[ \t]+$"


def normalize_handle(value: object) -> str | None:
    """Return the account key for one handle, URL or id; ``None`` if empty.

    Examples
    --------
    >>> normalize_handle("@@x"), normalize_handle("x.com/@@Y")
    ('x', 'y')
    >>> normalize_handle(12345)
    '12345'

    A key normalizes to itself (idempotence), so a key copied from a result
    finds its account again.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    for _ in range(4):  # a URL's name may start with @ again; stop at a fixed point
        key = _LEADING_AT.sub("", text)
        if "/" in key:
            match = _PLATFORM_URL.match(key)
            if match:
                key = match.group("uid") or match.group("name")
        key = key.strip().lower()
        if key == text:
            break
        text = key
    return text or None


def normalize_handles(values: pd.Series) -> pd.Series:
    """Vectorized :func:`normalize_handle` over a Series of strings.

    Empty values become ``<NA>``. Already-clean values (lower-case letters,
    digits, ``_.-``) take a fast path that avoids per-value Python work.

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_handles(pd.Series(["@A", "b", " ", None])).tolist()
    ['a', 'b', <NA>, <NA>]
    """
    import pandas as pd

    text = values.astype("string")
    array = getattr(text.array, "_pa_array", None)
    if array is None:  # python-backed strings: the per-value path
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
    normalized = normalize_handle_array(array)
    if normalized is array:
        return text
    return pd.Series(pd.arrays.ArrowStringArray(normalized), index=text.index, name=text.name)


def normalize_handle_array(array):
    """:func:`normalize_handle` over a pyarrow string array; empty values become null.

    Values that are already keys (lower-case ASCII letters, digits, ``_.-``) are
    kept as they are, without a copy when all are. Values that only need
    trimming of spaces and tabs, one leading ``@`` dropped and ASCII lower-casing
    are normalized by pyarrow kernels; anything else (URLs, other characters)
    goes through :func:`normalize_handle` one by one, so the result is always
    the per-value function's.

    Examples
    --------
    >>> import pyarrow as pa
    >>> normalize_handle_array(pa.array([" @Ann ", "bob", "x.com/Cat", "", None])).to_pylist()
    ['ann', 'bob', 'cat', None, None]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from graphkit import arrow_arrays as arrow  # (pa.array and plain operands would import pandas)

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    clean = pc.match_substring_regex(array, _PLAIN.pattern)
    no = arrow.scalar(False, pa.bool_())
    dirty = pc.invert(pc.fill_null(clean, no))
    n_dirty = pc.sum(dirty).as_py() or 0
    if n_dirty == 0:
        return array
    values = array.filter(dirty)
    simple = pc.fill_null(pc.match_substring_regex(values, _SIMPLE.pattern), no)
    fixed = pc.utf8_lower(pc.replace_substring_regex(values, _SIMPLE_TRIM, ""))
    others = np.flatnonzero(~arrow.to_numpy(simple))
    if len(others):
        slow = [normalize_handle(v) if v is not None else None for v in values.take(arrow.from_numpy(others)).to_pylist()]
        mask = np.zeros(len(values), dtype=bool)
        mask[others] = True
        fixed = pc.replace_with_mask(fixed, arrow.from_numpy(mask), arrow.strings(slow))
    # an empty key (never produced by the kernels) is a missing one
    fixed = pc.if_else(pc.equal(fixed, arrow.scalar("", pa.string())), arrow.null(pa.string()), fixed)
    return pc.replace_with_mask(array, dirty, fixed)


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
