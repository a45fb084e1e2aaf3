"""The time graphkit stamps on loads, crawls and follows.

Everything that records "when" (a source's ``loaded_at``, a follow's first and
last sighting, a crawl checkpoint) asks :func:`now` so that tests, the README
generator and reproducible demos can fix the clock with ``$GRAPHKIT_NOW``
(an ISO-8601 date or date-time; UTC when no offset is given).

Examples
--------
>>> import os
>>> os.environ["GRAPHKIT_NOW"] = "2026-01-31"
>>> now_iso()
'2026-01-31T00:00:00+00:00'
>>> del os.environ["GRAPHKIT_NOW"]
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from graphkit.errors import ConfigError

__all__ = ["now", "now_iso", "parse_instant"]


def parse_instant(text: str, *, what: str = "date") -> datetime:
    """An ISO-8601 date or date-time as an aware UTC datetime.

    >>> parse_instant("2026-03-01T12:00:00+02:00").isoformat()
    '2026-03-01T10:00:00+00:00'
    >>> parse_instant("yesterday")
    Traceback (most recent call last):
    ...
    graphkit.errors.ConfigError: date 'yesterday' is not an ISO-8601 date (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)
    """
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ConfigError(
            f"{what} {text!r} is not an ISO-8601 date (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def now() -> datetime:
    """The current time (UTC), or ``$GRAPHKIT_NOW`` when it is set."""
    fixed = os.environ.get("GRAPHKIT_NOW")
    if fixed:
        return parse_instant(fixed, what="GRAPHKIT_NOW")
    return datetime.now(UTC)


def now_iso() -> str:
    """:func:`now` as ISO-8601 with seconds."""
    return now().isoformat(timespec="seconds")
