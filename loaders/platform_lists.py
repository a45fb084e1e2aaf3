"""What every platform reader shares: account keys, JSON, long lines, the list's direction.

The Instagram, X and TikTok readers (:mod:`loaders.instagram`,
:mod:`loaders.x_archive`, :mod:`loaders.tiktok`) and the whole-download reader
(:mod:`loaders.downloads`) read follower and following lists with these
helpers; this module sits below all of them.

Examples
--------
>>> account_keys(["@Ann", "bob"], "f.json")
['ann', 'bob']
>>> pick_list({"followers": ["ann"]}, "followers", "f.json", "TikTok")
['ann']
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from loaders.textio import decode_text

__all__ = [
    "account_keys",
    "load_json",
    "parse_json_text",
    "check_line_lengths",
    "pick_list",
    "MAX_EXPORT_LINE_BYTES",
]

#: Platforms pretty-print their downloads; a longer line means the file is not one.
MAX_EXPORT_LINE_BYTES = 16 * 1024 * 1024


def account_keys(values: Sequence[object], path: str) -> list[str]:
    """Normalized account keys of a list's records; an empty or bad one raises.

    >>> account_keys(["@Ann", "https://www.instagram.com/_u/bob"], "f.json")
    ['ann', 'bob']
    >>> account_keys(["ann", ""], "f.json")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: f.json, record 2: no account name in the record
    """
    keys = []
    for number, value in enumerate(values, 1):
        key = normalize_handle(value)
        problem = "no account name in the record" if key is None else bad_key_reason(key)
        if problem:
            raise InputError(problem, path=path, record=f"record {number}")
        keys.append(key)
    return keys


def load_json(data: bytes, path: str) -> object:
    """Parse a JSON document; integers stay strings (X ids exceed 2**53).

    >>> load_json(b'{"id": 1234567890123456789}', "a.json")
    {'id': '1234567890123456789'}
    >>> load_json(b'[{"a": 1}, {"a"', "a.json")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: a.json, line 1: the JSON stops in the middle (the file is truncated)
    """
    text = decode_text(data, path)
    return parse_json_text(text, path)


def parse_json_text(text: str, path: str) -> object:
    """:func:`load_json` of text already decoded."""
    try:
        return json.loads(text, parse_int=str, parse_float=str)
    except json.JSONDecodeError as err:
        if err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string"):
            problem = "the JSON stops in the middle (the file is truncated)"
        else:
            problem = f"invalid JSON: {err.msg} (column {err.colno})"
        raise InputError(problem, path=path, line=err.lineno) from None
    except RecursionError:
        raise InputError("the JSON is nested too deeply to be a platform download", path=path) from None


def check_line_lengths(data: bytes, path: str) -> None:
    """Refuse a file with a line longer than :data:`MAX_EXPORT_LINE_BYTES`.

    >>> check_line_lengths(b"[\\n1\\n]", "a.json") is None
    True
    """
    limit = MAX_EXPORT_LINE_BYTES
    if len(data) <= limit:
        return
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], breaks, [len(data)]))
    lengths = np.diff(bounds) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > limit:
        raise InputError(
            f"line {longest + 1} is {int(lengths[longest]):,} bytes long; platform downloads are "
            "written in short lines, so this file is not one (or was rewritten)",
            path=path,
            line=longest + 1,
        )


def pick_list(found: dict[str | None, list[str]], kind: str, path: str, what: str) -> list[str]:
    """The list of ``kind`` among the lists a file holds (``None``: direction unknown).

    A file holding only the other direction, or an empty list, raises.

    >>> pick_list({"followers": ["a"], "following": ["b"]}, "following", "x.json", "TikTok")
    ['b']
    >>> pick_list({"following": ["b"]}, "followers", "x.json", "Instagram")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: x.json: this is the Instagram following list, not a followers list; load it with `graphkit load following`
    """
    if kind in found:
        keys = found[kind]
    elif None in found:
        keys = found[None]
    else:
        others = [d for d in found if d is not None]
        if others:
            raise InputError(
                f"this is the {what} {others[0]} list, not a {kind} list; "
                f"load it with `graphkit load {others[0]}`",
                path=path,
            )
        raise InputError(f"the {what} file holds no {kind} list", path=path)
    if not keys:
        raise InputError(f"the {kind} list is empty (no account in it)", path=path)
    return keys
