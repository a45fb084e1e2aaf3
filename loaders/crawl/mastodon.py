"""Mastodon (any instance): public followers/following lists, no login needed.

Endpoints and shapes (docs.joinmastodon.org: methods/accounts, entities/Account,
api/guidelines#pagination, methods/instance):

* ``GET /api/v2/instance`` -> ``{"domain": ...}`` (the domain of local accounts;
  v1's ``uri`` on older servers)
* ``GET /api/v1/accounts/lookup?acct=user[@domain]`` -> Account
* ``GET /api/v1/accounts/:id/followers?limit=80[&max_id=M]`` and ``/following``
  -> ``[Account]``; the next page is the ``Link: <...max_id=M>; rel="next"`` header
* ``GET /api/v1/accounts/:id`` -> Account

An Account has ``id`` (a string, per instance), ``username``, ``acct`` (``user``
for local accounts, ``user@domain`` for remote ones), ``display_name``, ``note``
(HTML), ``locked``, ``bot``, ``followers_count``, ``following_count``,
``statuses_count``. Keys are ``user@domain`` always with the domain; the id is
stored as ``mastodon:<instance domain>:<id>``. Lists carry whole Accounts, so
no profile requests are needed.

Where lists are read: without ``--service``, each account's lists are read
from its home instance (the domain of its handle; one lookup request there
first), because an instance only knows the remote follows it has seen; with
``--service``, every request goes to that instance.

Rate limit: 300 requests per 5 minutes per IP address for unauthenticated
requests, by default (docs.joinmastodon.org/api/rate-limits; an instance may
set others); announced in ``X-RateLimit-*`` headers with an ISO-8601 reset.
404 and 410 (deleted, suspended) and 403 skip the account.

Examples
--------
>>> m = Mastodon.__new__(Mastodon)
>>> account_of({"id": "42", "acct": "Alice", "username": "Alice", "followers_count": 3,
...             "following_count": 1, "statuses_count": 9, "note": "<p>Hi &amp; bye</p>",
...             "display_name": "A", "locked": False}, "example.social").key
'alice@example.social'
>>> next_max_id('<https://x.test/api/v1/accounts/1/followers?limit=80&max_id=7>; rel="next", '
...             '<https://x.test/api/v1/accounts/1/followers?since_id=9>; rel="prev"')
'7'
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from graphkit.errors import CrawlError
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

__all__ = ["Mastodon", "account_of", "next_max_id", "parse_list_page", "split_acct"]

_COUNTS = (("followers_count", "followers_count"), ("following_count", "following_count"),
           ("posts_count", "statuses_count"))
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";]+)"?')
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r"^mastodon:([^:/\s]+(?::\d+)?):(\w+)$")
_ACCT = re.compile(r"^@?([A-Za-z0-9_.\-]+)(?:@([A-Za-z0-9.\-]+(?::\d+)?))?$")
_PROFILE_URL = re.compile(r"^https?://([^/\s]+)/@([A-Za-z0-9_.\-]+)(?:@([A-Za-z0-9.\-]+))?/?$")
_LIMIT = PublishedLimit(300, 300, "per IP address (unauthenticated)",
                        "docs.joinmastodon.org/api/rate-limits (default; each instance may differ)")


def split_acct(text: str) -> tuple[str, str | None]:
    """``(username, domain or None)`` of ``@user@domain``, ``user`` or a profile URL.

    >>> split_acct("@Alice@Mastodon.Social"), split_acct("https://fosstodon.org/@bob")
    (('alice', 'mastodon.social'), ('bob', 'fosstodon.org'))
    """
    text = text.strip()
    url = _PROFILE_URL.match(text)
    if url:
        return url.group(2).lower(), (url.group(3) or url.group(1)).lower()
    match = _ACCT.match(text)
    if not match:
        raise Unavailable(text, "not a Mastodon account (write user@domain)")
    return match.group(1).lower(), match.group(2).lower() if match.group(2) else None


def _bio(note: object) -> str | None:
    if type(note) is not str:
        return None
    if "<" in note or "&" in note:  # Mastodon notes are HTML
        note = html.unescape(_TAG.sub(" ", note.replace("</p><p>", "\n"))).replace("  ", " ")
    return note.strip() or None


def account_of(entity: object, domain: str) -> Account:
    """An :class:`Account` from a Mastodon Account entity served by the instance ``domain``."""
    get = entity.get if type(entity) is dict else None
    if get is None or type(get("id")) is not str or type(get("acct")) is not str:
        raise Malformed("an Account without a string id and acct")
    acct = get("acct")
    attrs: dict = {}
    put_counts(attrs, entity, _COUNTS)
    put_texts(attrs, entity, (("display_name", "display_name"),))
    bio = _bio(get("note"))
    if bio:
        attrs["bio"] = bio
    locked = get("locked")
    if type(locked) is bool:
        attrs["is_private"] = locked
    return Account(f"mastodon:{domain}:{get('id')}", handle_key(acct if "@" in acct else f"{acct}@{domain}"), attrs)


def next_max_id(link: str | None) -> str | None:
    """The ``max_id`` of the ``rel="next"`` URL of a ``Link`` header (``None``: last page)."""
    if not link:
        return None
    for url, rel in _LINK.findall(link):
        if "next" in rel.split():
            values = parse_qs(urlsplit(url).query).get("max_id")
            return values[0] if values else None
    return None


def parse_list_page(reply: Reply, domain: str) -> Page:
    """A followers/following reply of the instance ``domain`` (Accounts + ``Link``) as a :class:`Page`."""
    if not isinstance(reply.data, list):
        raise Malformed("the list is not a JSON array")
    return Page([account_of(e, domain) for e in reply.data], next_max_id(reply.headers.get("link")))


class Mastodon(Platform):
    """A Mastodon instance's account endpoints (and each account's home instance)."""

    name = "mastodon"
    page_size = 80
    profile_batch = 1
    counts_in_lists = True
    limits = {"lists": _LIMIT, "profiles": _LIMIT}
    default_service = ""

    def __init__(self, client, service: str | None = None, instances: dict[str, str] | None = None) -> None:
        super().__init__(client, service)
        #: domain -> base URL (default ``https://<domain>``; tests map domains to local servers)
        self.instances = dict(instances or {})
        self._domains: dict[str, str] = {}

    def is_id(self, text: str) -> bool:
        return bool(_ID.match(text))

    def base_of(self, domain: str) -> str:
        """The base URL that serves ``domain``'s accounts."""
        return self.service or self.instances.get(domain) or f"https://{domain}"

    def domain_of(self, base: str) -> str:
        """The domain an instance gives its local accounts (one request per instance)."""
        if base not in self._domains:
            reply, _ = self.client.get(base + "/api/v2/instance", what=f"the instance at {base}")
            data = reply.data if isinstance(reply.data, dict) else {}
            if reply.status == 404:  # Mastodon before 4.0: v1 names the domain "uri"
                reply, _ = self.client.get(base + "/api/v1/instance", what=f"the instance at {base}")
                data = reply.data if isinstance(reply.data, dict) else {}
                domain = data.get("uri")
            else:
                domain = data.get("domain")
            if reply.status != 200 or not isinstance(domain, str) or not domain:
                raise CrawlError(f"{base} does not answer like a Mastodon instance (HTTP {reply.status} on /api/v2/instance)")
            self._domains[base] = domain.lower().removeprefix("https://").rstrip("/")
        return self._domains[base]

    def _check(self, reply: Reply, subject: str) -> None:
        if 200 <= reply.status < 300:
            return
        data = reply.data if isinstance(reply.data, dict) else {}
        if reply.status in (401, 403, 404, 410):
            reason = {401: "requires a login", 403: "hidden", 404: "not found", 410: "suspended or deleted"}
            raise Unavailable(subject, f"{reason[reply.status]} (HTTP {reply.status}{': ' + str(data['error']) if data.get('error') else ''})")
        raise CrawlError(f"{subject}: the instance refused the request (HTTP {reply.status} {data.get('error', '')})")

    def resolve(self, text: str) -> Account:
        if self.is_id(text):
            domain, local = _ID.match(text).groups()
            base = self.base_of(domain)
            reply, entity = self.client.get(f"{base}/api/v1/accounts/{local}", what=f"account {text}",
                                            parse=lambda r: account_of(r.data, self.domain_of(base)))
            self._check(reply, text)
            return entity
        user, domain = split_acct(text)
        if domain is None and self.service is None:
            raise Unavailable(text, "write the account as user@domain (or give --service URL of its instance)")
        base = self.service or self.base_of(domain)
        local_domain = self.domain_of(base)
        acct = user if domain in (None, local_domain) else f"{user}@{domain}"
        reply, entity = self.client.get(f"{base}/api/v1/accounts/lookup", {"acct": acct}, what=f"account {text}",
                                        parse=lambda r: account_of(r.data, local_domain))
        self._check(reply, f"{user}@{domain or local_domain}")
        return entity

    def list_owner(self, account: Account) -> Account:
        if self.service is not None or account.handle is None:
            return account
        served_by = _ID.match(account.id).group(1)
        home = account.handle.rsplit("@", 1)[1]
        if home == served_by or self.base_of(home) == self.base_of(served_by):
            return account
        return self.resolve(account.handle)  # the list as its home instance knows it

    def list_page(self, direction: Direction, account: Account, cursor: str | None) -> Page:
        match = _ID.match(account.id)
        if not match:
            raise CrawlError(f"{account.id!r} is not a Mastodon account id")
        domain, local = match.groups()
        base = self.base_of(domain)
        params = {"limit": self.page_size}
        if cursor:
            params["max_id"] = cursor

        reply, page = self.client.get(f"{base}/api/v1/accounts/{local}/{direction}", params,
                                      what=f"{direction} of {account.key}",
                                      parse=lambda r: parse_list_page(r, domain))
        self._check(reply, account.key)
        return page

    def profiles(self, ids: list[str]) -> list[Account]:
        found = []
        for account_id in ids:
            try:
                found.append(self.resolve(account_id))
            except Unavailable:
                continue
        return found
