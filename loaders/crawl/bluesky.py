"""Bluesky (AT Protocol) through a public AppView: no login needed.

Endpoints and shapes (lexicons ``app.bsky.graph.getFollowers``,
``app.bsky.graph.getFollows``, ``app.bsky.actor.getProfiles``, and
``app.bsky.actor.defs#profileView`` / ``#profileViewDetailed``):

* ``GET /xrpc/app.bsky.graph.getFollowers?actor=DID&limit=100[&cursor=C]`` ->
  ``{"subject": profileView, "followers": [profileView], "cursor"?: str}``
* ``GET /xrpc/app.bsky.graph.getFollows?...`` -> the same with ``"follows"``
* ``GET /xrpc/app.bsky.actor.getProfiles?actors=A&actors=B`` (at most 25) ->
  ``{"profiles": [profileViewDetailed]}``; unknown actors are left out.

A ``profileView`` has ``did``, ``handle``, ``displayName``, ``description``; the
detailed view adds ``followersCount``, ``followsCount``, ``postsCount``. A
handle that no longer verifies is served as ``handle.invalid``: such an account
is keyed by its DID. Errors are ``400 {"error": NAME, "message": ...}``;
``AccountTakedown``, ``AccountDeactivated``, ``BlockedActor``,
``BlockedByActor`` and "not found" messages skip the account.

Rate limit: the public AppView allows 3,000 requests per 5 minutes per IP
address (Bluesky's "Rate Limits" page, docs.bsky.app/docs/advanced-guides/rate-limits)
and announces it in ``ratelimit-*`` headers.

Examples
--------
>>> account_of({"did": "did:plc:abc", "handle": "Alice.bsky.social", "followersCount": 5,
...             "description": "hi", "displayName": "Alice"}).attributes
{'followers_count': 5, 'bio': 'hi', 'display_name': 'Alice'}
>>> account_of({"did": "did:plc:abc", "handle": "handle.invalid"}).key
'did:plc:abc'
"""

from __future__ import annotations

import re

from graphkit.errors import CrawlError
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

__all__ = ["Bluesky", "account_of", "parse_list_page"]

_DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]+$")
_PROFILE_URL = re.compile(r"^(?:https?://)?(?:www\.)?bsky\.app/profile/([^/?#\s]+)", re.IGNORECASE)
_COUNTS = (("followers_count", "followersCount"), ("following_count", "followsCount"), ("posts_count", "postsCount"))
_TEXTS = (("bio", "description"), ("display_name", "displayName"))
_SKIP_ERRORS = {"AccountTakedown", "AccountDeactivated", "BlockedActor", "BlockedByActor", "NotFound"}
_LIMIT = PublishedLimit(3000, 300, "per IP address",
                        "docs.bsky.app/docs/advanced-guides/rate-limits (AppView: 3,000 per 5 minutes)")


def account_of(view: object) -> Account:
    """An :class:`Account` from a ``profileView`` or ``profileViewDetailed``.

    The hot loop of a crawl (one call per list entry): plain type checks and
    dictionary lookups; the full handle normalization only for handles that
    are not already lower-case ASCII.
    """
    did = view.get("did") if type(view) is dict else None
    if type(did) is not str or not (did.startswith("did:plc:") or _DID.match(did)):
        raise Malformed("a profile view without a valid did")
    handle = view.get("handle")
    handle = None if handle == "handle.invalid" else handle_key(handle)
    get = view.get
    attrs: dict = {}
    if get("followersCount") is not None:  # only a profileViewDetailed has counts
        put_counts(attrs, view, _COUNTS)
    put_texts(attrs, view, _TEXTS)
    verification = get("verification")
    if type(verification) is dict and type(verification.get("verifiedStatus")) is str:
        attrs["verified"] = verification["verifiedStatus"] == "valid"
    return Account(did, handle, attrs)


def parse_list_page(reply: Reply, field: str) -> Page:
    """A getFollowers (``field='followers'``) or getFollows (``'follows'``) reply as a :class:`Page`."""
    data = reply.data
    if not isinstance(data, dict) or not isinstance(data.get(field), list):
        raise Malformed(f"no {field!r} list")
    cursor = data.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise Malformed("the cursor is not a string")
    return Page([account_of(view) for view in data[field]], cursor or None)


def _profiles(reply: Reply) -> list[Account]:
    data = reply.data
    if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
        raise Malformed("no 'profiles' list")
    return [account_of(view) for view in data["profiles"]]


class Bluesky(Platform):
    """The Bluesky AppView's graph and profile endpoints."""

    name = "bluesky"
    page_size = 100
    profile_batch = 25
    counts_in_lists = False
    limits = {"lists": _LIMIT, "profiles": _LIMIT}
    default_service = "https://public.api.bsky.app"

    @property
    def base(self) -> str:
        return (self.service or self.default_service) + "/xrpc/"

    def is_id(self, text: str) -> bool:
        return bool(_DID.match(text))

    def _check(self, reply: Reply, subject: str) -> None:
        if 200 <= reply.status < 300:
            return
        data = reply.data if isinstance(reply.data, dict) else {}
        name, message = str(data.get("error", "")), str(data.get("message", ""))
        if reply.status in (400, 404, 410) and (
            name in _SKIP_ERRORS or "not found" in message.lower() or "resolve" in message.lower()
        ):
            raise Unavailable(subject, message or name or f"HTTP {reply.status}")
        raise CrawlError(f"{subject}: the AppView refused the request (HTTP {reply.status} {name}: {message})")

    def resolve(self, text: str) -> Account:
        match = _PROFILE_URL.match(text.strip())
        actor = match.group(1) if match else text.strip().lstrip("@")
        actor = actor if self.is_id(actor) else (normalize_handle(actor) or actor)
        found = self.profiles([actor])
        if not found:
            raise Unavailable(actor, "no such account on the AppView")
        return found[0]

    def list_page(self, direction: Direction, account: Account, cursor: str | None) -> Page:
        method, field = (("app.bsky.graph.getFollowers", "followers") if direction == "followers"
                         else ("app.bsky.graph.getFollows", "follows"))
        params = {"actor": account.id, "limit": self.page_size}
        if cursor:
            params["cursor"] = cursor
        reply, page = self.client.get(self.base + method, params, what=f"{direction} of {account.key}",
                                      parse=lambda r: parse_list_page(r, field))
        self._check(reply, account.key)
        return page

    def profiles(self, ids: list[str]) -> list[Account]:
        reply, found = self.client.get(self.base + "app.bsky.actor.getProfiles", {"actors": list(ids)},
                                       what=f"profiles of {ids[0]} and {len(ids) - 1} more", parse=_profiles)
        self._check(reply, ids[0])
        return found
