"""The crawl's HTTP client: polite GETs, paced to the service's rate limit, retried.

One :class:`HttpClient` serves a whole crawl. Every request

* carries a descriptive ``User-Agent`` (:data:`USER_AGENT`) and, for the X API,
  the bearer token, which never appears in an error, a log or :func:`repr`;
* waits for its host's :class:`Pacer`: the rate-limit headers of each reply
  (``RateLimit-*``, ``X-RateLimit-*``, ``x-rate-limit-*``) spread the requests
  left in the window evenly over the time left in it, keeping a small reserve,
  so the crawler slows down *before* a 429; after a 429 (or a 503 with
  ``Retry-After``) it waits as told and tries again;
* is retried with exponential backoff and jitter on 5xx, timeouts, dropped
  connections and replies that do not parse (``max_retries`` times, then a
  :class:`~graphkit.errors.CrawlError`);
* counts against the run's budget (``max_requests``): the request after the
  last one allowed raises :class:`BudgetExhausted` instead of being sent.

Other 4xx replies are returned to the platform module, which knows which of
them mean "not found / private / suspended" (skip the account) and which are
fatal (a refused token).

Examples
--------
>>> parse_rate_limit({"ratelimit-limit": "3000", "ratelimit-remaining": "2999",
...                   "ratelimit-reset": "1700000300"}, now=1700000000.0)
RateLimit(limit=3000, remaining=2999, reset_in=300.0)
>>> parse_rate_limit({"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "12",
...                   "X-RateLimit-Reset": "2023-11-14T22:18:20Z"}, now=1700000000.0)
RateLimit(limit=300, remaining=12, reset_in=300.0)
>>> pacer = Pacer()
>>> pacer.update(RateLimit(limit=3000, remaining=3000, reset_in=300.0), now=0.0)
>>> round(pacer.interval, 4)  # under 10 requests a second: a reserve of 60 is kept
0.102
>>> pacer.update(RateLimit(limit=3000, remaining=2000, reset_in=30.0), now=200.0)
>>> round(pacer.interval, 4)  # many left near the reset: still no faster than the window allows
0.102
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from graphkit.clock import parse_instant
from graphkit.errors import ConfigError, CrawlError

__all__ = [
    "USER_AGENT",
    "BudgetExhausted",
    "CrawlStopped",
    "HttpClient",
    "Malformed",
    "Pacer",
    "RateLimit",
    "Reply",
    "Stats",
    "parse_rate_limit",
]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("graphkit")
    except Exception:  # not installed (a source checkout on sys.path)
        return "0"


#: Who we are, in every request; ``$GRAPHKIT_CRAWL_CONTACT`` (an e-mail or URL) is appended.
USER_AGENT = f"graphkit/{_version()} (follower-network crawler; paced to published rate limits)"

#: Retry-After / reset waits longer than this are refused (a crawl should not sleep for hours).
MAX_WAIT_SECONDS = 3600.0


class BudgetExhausted(Exception):  # noqa: N818  (a signal, not an error)
    """The run's ``max_requests`` are spent: stop cleanly; the next run continues."""


class CrawlStopped(Exception):  # noqa: N818
    """The crawl was asked to stop (Ctrl-C) while a request waited."""


class Malformed(ValueError):
    """A reply that does not have the documented shape (retried like a 5xx)."""


class RateLimit(NamedTuple):
    """One reply's rate-limit headers: the window's size, what is left, seconds to reset."""

    limit: int | None
    remaining: int
    reset_in: float | None


class Reply(NamedTuple):
    """A reply the platform module decides about (2xx, or a 4xx other than 408/429)."""

    status: int
    headers: Mapping[str, str]
    data: Any  # the parsed JSON body (None when the body is not JSON)
    url: str


@dataclass
class Stats:
    """What a run's requests cost: counted by the client, shown in the summary."""

    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    wait_seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    lower = {k.lower(): v for k, v in headers.items()}
    for name in names:
        value = lower.get(name.lower())
        if value not in (None, ""):
            return value.split(",")[0].strip()
    return None


def _reset_seconds(value: str, now: float) -> float | None:
    """Seconds until a reset given as epoch seconds, delta seconds or an ISO-8601 time."""
    try:
        number = float(value)
    except ValueError:
        try:
            return max(0.0, parse_instant(value).timestamp() - now)
        except Exception:
            return None
    if number > 1e9:  # epoch seconds (Bluesky, X)
        return max(0.0, number - now)
    return max(0.0, number)  # delta seconds (the IETF RateLimit draft)


def parse_rate_limit(headers: Mapping[str, str], now: float | None = None) -> RateLimit | None:
    """The rate-limit state a reply announces, in any of the three header families.

    ``now`` is the wall clock (epoch seconds; default :func:`time.time`): reset
    times are real instants, never ``$GRAPHKIT_NOW``.
    """
    now = time.time() if now is None else now
    remaining = _header(headers, "ratelimit-remaining", "x-ratelimit-remaining", "x-rate-limit-remaining")
    if remaining is None:
        return None
    try:
        left = int(float(remaining))
    except ValueError:
        return None
    limit_text = _header(headers, "ratelimit-limit", "x-ratelimit-limit", "x-rate-limit-limit")
    reset_text = _header(headers, "ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset")
    try:
        limit = int(float(limit_text)) if limit_text is not None else None
    except ValueError:
        limit = None
    reset_in = _reset_seconds(reset_text, now) if reset_text is not None else None
    return RateLimit(limit, max(0, left), reset_in)


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) as seconds to wait.

    >>> retry_after_seconds({"Retry-After": "7"})
    7.0
    """
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - (time.time() if now is None else now))
        except (TypeError, ValueError):
            return None


class Pacer:
    """Spaces one host's requests so that the window's budget lasts until its reset.

    After each reply, ``interval = reset_in / (remaining - reserve)``, but never
    shorter than ``window / (limit - reserve)`` (the window being the longest
    reset seen), so that no span of one window holds more than the limit even
    across a window boundary. The reserve (2% of the limit, at least 4 for
    requests in flight) is never spent; at or below it the pacer waits for the
    reset. A 429 blocks the host until ``Retry-After`` (or the reset) has passed.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.interval = 0.0
        self.next_at = 0.0
        self.blocked_until = 0.0
        self.window = 0.0
        self.lock = threading.Lock()

    def reserve_slot(self) -> tuple[float, bool]:
        """Book the next send time; return how long to wait and whether the host is blocked."""
        with self.lock:
            now = self.clock()
            at = max(now, self.next_at, self.blocked_until)
            self.next_at = at + self.interval
            return at - now, self.blocked_until > now

    def update(self, limit: RateLimit, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        with self.lock:
            if limit.reset_in is None:
                return
            reserve = max(4, int((limit.limit or 0) * 0.02))
            self.window = max(self.window, limit.reset_in)
            if limit.remaining <= reserve:
                self.blocked_until = max(self.blocked_until, now + limit.reset_in + 0.5)
                self.interval = 0.0
            else:
                self.interval = limit.reset_in / (limit.remaining - reserve)
                if limit.limit and limit.limit > reserve:
                    self.interval = max(self.interval, self.window / (limit.limit - reserve))

    def block(self, seconds: float) -> None:
        with self.lock:
            self.blocked_until = max(self.blocked_until, self.clock() + seconds)


class HttpClient:
    """GET with pacing, retries and a request budget; thread-safe (one per crawl).

    Parameters
    ----------
    headers : extra request headers (e.g. ``Authorization``); kept out of ``repr``.
    timeout : seconds for connect and for each read.
    max_retries : attempts after the first for 5xx, timeouts, resets, malformed replies.
    max_requests : the run's budget (``None``: no limit).
    concurrency : connections kept open (the crawl's worker count).
    """

    def __init__(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 20.0,
        max_retries: int = 5,
        max_requests: int | None = None,
        concurrency: int = 4,
        backoff: float = 0.5,
    ) -> None:
        import httpx
        import orjson

        self._loads = orjson.loads  # twice as fast as json.loads: most of a list page's CPU cost
        contact = os.environ.get("GRAPHKIT_CRAWL_CONTACT")
        agent = USER_AGENT + (f" contact: {contact}" if contact else "")
        self._httpx = httpx
        self._client = httpx.Client(
            headers={"User-Agent": agent, "Accept": "application/json", **dict(headers or {})},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            follow_redirects=True,
        )
        self.max_retries = max_retries
        self.max_requests = max_requests
        self.backoff = backoff
        self.stats = Stats()
        self.stop = threading.Event()
        self._pacers: dict[str, Pacer] = {}
        self._lock = threading.Lock()
        self.user_agent = agent

    def __repr__(self) -> str:
        return f"<HttpClient requests={self.stats.requests} max_requests={self.max_requests}>"

    def close(self) -> None:
        self._client.close()

    def pacer(self, url: str) -> Pacer:
        host = urlsplit(url).netloc
        with self._lock:
            if host not in self._pacers:
                self._pacers[host] = Pacer()
            return self._pacers[host]

    def _spend(self) -> None:
        with self._lock:
            if self.max_requests is not None and self.stats.requests >= self.max_requests:
                raise BudgetExhausted
            self.stats.requests += 1

    def _wait(self, seconds: float, *, rate_limited: bool = False) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self.stats.wait_seconds += seconds
            if rate_limited:  # a wait for a window's reset or a Retry-After (pacing is not counted)
                self.stats.rate_limit_waits += 1
        if self.stop.wait(seconds):
            raise CrawlStopped

    def get(self, url: str, params: Mapping[str, Any] | None = None, *, what: str,
            parse: Callable[[Reply], Any] | None = None) -> tuple[Reply, Any]:
        """Fetch ``url``; return the reply and ``parse(reply)`` (retried if it raises :class:`Malformed`).

        ``what`` says in words what is fetched, for errors ("followers of
        alice.bsky.social, page 3").
        """
        pacer = self.pacer(url)
        problem = ""
        for attempt in range(self.max_retries + 1):
            if self.stop.is_set():
                raise CrawlStopped
            if attempt:
                with self._lock:
                    self.stats.retries += 1
                self._wait(min(60.0, self.backoff * 2 ** (attempt - 1)) * (0.5 + random.random()))
            wait, blocked = pacer.reserve_slot()
            self._wait(wait, rate_limited=blocked)
            self._spend()
            try:
                response = self._client.get(url, params=params)
            except self._httpx.TimeoutException:
                problem = "the service did not answer in time"
                continue
            except self._httpx.TransportError as err:
                problem = f"the connection failed ({type(err).__name__})"
                continue
            status = response.status_code
            with self._lock:
                self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
            limit = parse_rate_limit(response.headers)
            if limit is not None:
                pacer.update(limit)
            if status == 429 or (status == 503 and "retry-after" in response.headers):
                wait = retry_after_seconds(response.headers)
                if wait is None and limit is not None and limit.reset_in is not None:
                    wait = limit.reset_in
                wait = 5.0 if wait is None else wait
                if wait > MAX_WAIT_SECONDS:
                    raise CrawlError(
                        f"{what}: the service asks to wait {wait / 3600:.1f} hours (HTTP {status}); "
                        "run the same command again later to continue"
                    )
                pacer.block(wait)
                problem = f"rate limited (HTTP {status}) too often"
                continue  # counted as a retry; the wait happens in reserve_slot
            if status >= 500 or status == 408:
                problem = f"HTTP {status}"
                continue
            try:
                data = self._loads(response.content) if response.content else None
            except ValueError:
                data = None
                if 200 <= status < 300:
                    problem = "the reply is not JSON"
                    continue
            reply = Reply(status, response.headers, data, str(response.url))
            if parse is None or not 200 <= status < 300:
                return reply, None
            try:
                return reply, parse(reply)
            except Malformed as err:
                problem = f"the reply does not have the documented shape ({err})"
                continue
        raise CrawlError(
            f"{what}: {problem} after {self.max_retries + 1} attempts ({_public(url)}); "
            "what was fetched before is kept: run the same command again to continue"
        )


def _public(url: str) -> str:
    """A URL without its query string (which could hold a token on some services)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def check_service(url: str) -> str:
    """A service base URL without a trailing slash; refuses anything but http(s).

    >>> check_service("https://public.api.bsky.app/")
    'https://public.api.bsky.app'
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--service {url!r} is not an http(s) URL (e.g. https://public.api.bsky.app)")
    return url.rstrip("/")
