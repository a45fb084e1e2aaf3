"""Post times in the forms listening tools and scrapers write them, read as UTC.

ISO 8601, epoch seconds or milliseconds, the X API's ``Wed Oct 10 20:19:24
+0000 2018``, RFC 2822, day-first dotted dates, month names, and slash dates
(month first unless a column shows a day above 12). Times are stored as
``YYYY-MM-DDTHH:MM:SSZ`` (:func:`format_time`).

Examples
--------
>>> format_time(parse_time("1 May 2024"))
'2024-05-01T00:00:00Z'
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from graphkit.lazy import lazy_module

pd = lazy_module("pandas")

__all__ = ["parse_time", "format_time", "dayfirst_for"]

_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # X/Twitter API: Wed Oct 10 20:19:24 +0000 2018
    "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S",
    "%d %b %Y", "%d %B %Y", "%d %b %Y %H:%M", "%d %B %Y %H:%M",
    "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y %H:%M", "%B %d, %Y %H:%M",
    "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p",
    "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S",
)
_SLASH = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p",
          "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y", "%m/%d/%y %H:%M")
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/\d{2,4}\b")
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")
#: An epoch above this is in milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
_MS_THRESHOLD = 1e11


def parse_time(value: object, *, dayfirst: bool = False) -> datetime | None:
    """Read a post time as an aware UTC :class:`~datetime.datetime`; ``None`` if empty.

    Accepted: ISO 8601 (``2024-05-01``, ``2024-05-01T10:00:00.5+02:00``,
    ``...Z``), epoch seconds or milliseconds (numbers above 1e11 are
    milliseconds), the X/Twitter API form (``Wed Oct 10 20:19:24 +0000 2018``),
    RFC 2822 (``Tue, 01 May 2024 10:00:00 GMT``), ``2024/05/01``,
    ``01.05.2024`` (day first), ``1 May 2024``, ``May 1, 2024 [3:00 PM]``, and
    slash dates ``05/01/2024`` (month first unless ``dayfirst``). A time without
    a zone is taken as UTC.

    Raises
    ------
    ValueError
        The value is not a time in any of these forms.

    Examples
    --------
    >>> parse_time("2024-05-01T10:00:00+02:00").isoformat()
    '2024-05-01T08:00:00+00:00'
    >>> parse_time(1714557600).isoformat(), parse_time("1714557600000").isoformat()
    ('2024-05-01T10:00:00+00:00', '2024-05-01T10:00:00+00:00')
    >>> parse_time("Wed Oct 10 20:19:24 +0000 2018").isoformat()
    '2018-10-10T20:19:24+00:00'
    >>> parse_time("05/01/2024").date(), parse_time("05/01/2024", dayfirst=True).date()
    (datetime.date(2024, 5, 1), datetime.date(2024, 1, 5))
    >>> parse_time("") is None
    True
    >>> parse_time("yesterday")
    Traceback (most recent call last):
    ...
    ValueError: not a date or time: 'yesterday'
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"not a date or time: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and np.isnan(value):
            return None
        return _from_epoch(float(value), value)
    if isinstance(value, datetime):
        return _as_utc(value)
    text = str(value).strip()
    if not text:
        return None
    if _NUMBER.match(text):
        if len(text) == 8 and text.startswith(("19", "20")):  # 20240501
            try:
                return datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC)
            except ValueError:
                pass
        return _from_epoch(float(text), value)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return _as_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    formats = _FORMATS + (tuple(f.replace("%m/%d", "%d/%m") for f in _SLASH) if dayfirst else _SLASH)
    for fmt in formats:
        try:
            return _as_utc(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _as_utc(parsed)
    raise ValueError(f"not a date or time: {text[:60]!r}")


def _from_epoch(number: float, raw: object) -> datetime:
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"not a date or time: {raw!r}")
    seconds = number / 1000.0 if number > _MS_THRESHOLD else number
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"not a date or time: {raw!r}") from None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_time(moment: datetime | None) -> str | None:
    """The stored form of a time: ``YYYY-MM-DDTHH:MM:SSZ`` (UTC), or ``None``.

    >>> format_time(parse_time("2024-05-01 10:00"))
    '2024-05-01T10:00:00Z'
    """
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def dayfirst_for(values: Sequence[object]) -> bool:
    """Whether slash dates of a column are day first: true when one has a first part above 12.

    >>> dayfirst_for(["05/01/2024", "31/01/2024"]), dayfirst_for(["05/01/2024", "01/31/2024"])
    (True, False)
    """
    for value in values:
        if isinstance(value, str):
            match = _SLASH_DATE.match(value)
            if match and int(match.group(1)) > 12:
                return True
    return False
