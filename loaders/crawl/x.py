"""The X API v2, with the user's own bearer token (``$X_BEARER_TOKEN``).

Endpoints and shapes (docs.x.com: users lookup, follows lookup, the User object,
pagination, errors):

* ``GET /2/users/by/username/:username?user.fields=...`` -> ``{"data": User}``
* ``GET /2/users/:id/followers?max_results=1000&user.fields=...[&pagination_token=T]``
  and ``/following`` -> ``{"data": [User], "meta": {"result_count", "next_token"?}}``
* ``GET /2/users?ids=A,B,...`` (at most 100) -> ``{"data": [User], "errors": [...]}``

Every reply can hold ``errors`` (``title``, ``detail``, ``type``); a request
about one unavailable user is a 200 with only ``errors`` (``.../resource-not-found``,
``.../not-authorized-for-resource`` for protected accounts): such accounts are
skipped. A User has ``id`` (digits, kept as a string: ids exceed 2**53),
``username``, ``name``, ``description``, ``verified``, ``protected`` and
``public_metrics`` (``followers_count``, ``following_count``, ``tweet_count``).

The token is sent as ``Authorization: Bearer ...`` and appears nowhere else.
Rate limits (docs.x.com/x-api/fundamentals/rate-limits and the follows-lookup
migration guide): follows lookup 15 requests per 15 minutes per app; user
lookup 300 requests per 15 minutes per app. Follows lookup is not part of every
access tier: a 403 ``client-not-enrolled`` says your project lacks it.

Examples
--------
>>> account_of({"id": "2244994945", "username": "XDevelopers", "name": "Developers",
...             "public_metrics": {"followers_count": 5, "following_count": 2, "tweet_count": 9},
...             "verified": True}).key
'xdevelopers'
"""

from __future__ import annotations

import os
import re

from graphkit.errors import ConfigError, CrawlError
from graphkit.handles import normalize_handle
from loaders.crawl.http import Malformed, Reply
from loaders.crawl.platform import (
    Account,
    Direction,
    Page,
    Platform,
    PublishedLimit,
    Unavailable,
    handle_key,
    put_counts,
    put_texts,
)

__all__ = ["X", "account_of", "bearer_header", "parse_list_page"]

USER_FIELDS = "public_metrics,description,verified,protected,name,username"
_DIGITS = re.compile(r"^\d{1,20}$")
_METRICS = (("followers_count", "followers_count"), ("following_count", "following_count"),
            ("posts_count", "tweet_count"))
_TEXTS = (("bio", "description"), ("display_name", "name"))
_NAME = re.compile(r"^[A-Za-z0-9_]{1,50}$")
_LISTS = PublishedLimit(15, 900, "per app (bearer token)",
                        "docs.x.com follows lookup: GET /2/users/:id/followers and /following")
_USERS = PublishedLimit(300, 900, "per app (bearer token)", "docs.x.com users lookup: GET /2/users")


def bearer_header() -> dict[str, str]:
    """The ``Authorization`` header from ``$X_BEARER_TOKEN`` (never shown)."""
    token = os.environ.get("X_BEARER_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "the X API needs your bearer token: set X_BEARER_TOKEN in the environment "
            "(developer.x.com > your project's app > Keys and tokens)"
        )
    return {"Authorization": f"Bearer {token}"}


def account_of(user: object) -> Account:
    """An :class:`Account` from an X User object (one call per list entry: kept lean)."""
    user_id = user.get("id") if type(user) is dict else None
    if type(user_id) is not str or not _DIGITS.match(user_id):
        raise Malformed("a User without a string id of digits")
    attrs: dict = {}
    metrics = user.get("public_metrics")
    if type(metrics) is dict:
        put_counts(attrs, metrics, _METRICS)
    put_texts(attrs, user, _TEXTS)
    for name, field in (("verified", "verified"), ("is_private", "protected")):
        value = user.get(field)
        if type(value) is bool:
            attrs[name] = value
    return Account(user_id, handle_key(user.get("username")), attrs)


def _errors_text(data: dict) -> str:
    errors = data.get("errors") if isinstance(data.get("errors"), list) else []
    texts = [str(e.get("detail") or e.get("title") or e.get("message") or "") for e in errors if isinstance(e, dict)]
    return "; ".join(t for t in texts if t)[:300]


def _users(reply: Reply) -> list[Account]:
    data = reply.data
    if not isinstance(data, dict):
        raise Malformed("the reply is not a JSON object")
    if not {"data", "errors", "meta"} & set(data):
        raise Malformed("none of 'data', 'errors', 'meta'")
    users = data.get("data", [])
    if isinstance(users, dict):
        users = [users]
    if not isinstance(users, list):
        raise Malformed("'data' is not a list of users")
    return [account_of(u) for u in users]


def parse_list_page(reply: Reply) -> Page:
    """A followers/following reply (``data`` users, ``meta.next_token``) as a :class:`Page`."""
    accounts = _users(reply)
    meta = reply.data.get("meta")
    if "errors" not in reply.data and not isinstance(meta, dict):
        raise Malformed("a list page without 'meta'")
    token = meta.get("next_token") if isinstance(meta, dict) else None
    if token is not None and not isinstance(token, str):
        raise Malformed("next_token is not a string")
    return Page(accounts, token or None)


class X(Platform):
    """The X API v2 users and follows endpoints."""

    name = "x"
    page_size = 1000
    profile_batch = 100
    counts_in_lists = True
    limits = {"lists": _LISTS, "profiles": _USERS}
    default_service = "https://api.x.com"

    @property
    def base(self) -> str:
        return (self.service or self.default_service) + "/2/"

    def is_id(self, text: str) -> bool:
        return bool(_DIGITS.match(text))

    def _check(self, reply: Reply, subject: str, found: object) -> None:
        data = reply.data if isinstance(reply.data, dict) else {}
        if reply.status in (401, 403):
            raise CrawlError(
                f"{subject}: the X API refused the request (HTTP {reply.status}: {_errors_text(data) or data.get('title', '')}); "
                "check X_BEARER_TOKEN and that your access tier includes this endpoint"
            )
        if reply.status in (404, 410) or (200 <= reply.status < 300 and not found and "errors" in data and "data" not in data):
            raise Unavailable(subject, _errors_text(data) or f"HTTP {reply.status}")
        if not 200 <= reply.status < 300:
            raise CrawlError(f"{subject}: the X API refused the request (HTTP {reply.status}: {_errors_text(data)})")

    def resolve(self, text: str) -> Account:
        name = normalize_handle(text) or text
        if self.is_id(name):
            found = self.profiles([name])
            if not found:
                raise Unavailable(name, "no such user")
            return found[0]
        if not _NAME.match(name):
            raise Unavailable(text, "not an X username (letters, digits and _ only)")
        reply, found = self.client.get(self.base + f"users/by/username/{name}", {"user.fields": USER_FIELDS},
                                       what=f"user {name}", parse=_users)
        self._check(reply, name, found)
        return found[0]

    def list_page(self, direction: Direction, account: Account, cursor: str | None) -> Page:
        params = {"max_results": self.page_size, "user.fields": USER_FIELDS}
        if cursor:
            params["pagination_token"] = cursor
        reply, page = self.client.get(self.base + f"users/{account.id}/{direction}", params,
                                      what=f"{direction} of {account.key}", parse=parse_list_page)
        self._check(reply, account.key, page.accounts if page else None)
        return page

    def profiles(self, ids: list[str]) -> list[Account]:
        reply, found = self.client.get(self.base + "users", {"ids": ",".join(ids), "user.fields": USER_FIELDS},
                                       what=f"users {ids[0]} and {len(ids) - 1} more", parse=_users)
        try:
            self._check(reply, ids[0], found)
        except Unavailable:
            return []
        return found
