"""What every platform module gives the crawl engine: accounts, list pages, profiles.

A platform module (:mod:`loaders.crawl.bluesky`, :mod:`loaders.crawl.mastodon`,
:mod:`loaders.crawl.x`) knows its endpoints and documented response shapes and
turns replies into :class:`Account` and :class:`Page` objects. It never
decides what to crawl (that is :mod:`loaders.crawl.engine`) and never writes
(that is :mod:`loaders.crawl.state`).

Identity: :attr:`Account.id` is the platform's stable id (a Bluesky DID
``did:plc:...``; a Mastodon account as ``mastodon:<instance domain>:<id>``,
since ids are per instance; an X user id as its digits, the key X archives
use). :attr:`Account.key` is what the workspace keys the account by: the
normalized handle (``alice.bsky.social``, ``alice@mastodon.social`` always with
its domain, ``jack``), or the id when the platform gives no valid handle. Each
crawl commit carries ``id -> handle`` alias rows, so a renamed handle keeps its
account and follows (see the workspace's ``aliases`` table).

Examples
--------
>>> a = Account("did:plc:abc", "alice.bsky.social", {"followers_count": 10})
>>> a.key, a.alias_row()
('alice.bsky.social', ('did:plc:abc', 'alice.bsky.social'))
>>> Account("did:plc:xyz", None, {}).key
'did:plc:xyz'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from graphkit.handles import normalize_handle
from loaders.crawl.http import HttpClient

__all__ = ["Account", "Page", "Platform", "Unavailable", "Direction", "PublishedLimit", "handle_key",
           "put_counts", "put_texts"]

Direction = Literal["followers", "following"]


class Unavailable(Exception):  # noqa: N818  (a per-account outcome, not an error)
    """The account cannot be crawled: not found, deleted, suspended or private (skipped)."""

    def __init__(self, account: str, reason: str) -> None:
        self.account = account
        self.reason = reason
        super().__init__(f"{account}: {reason}")


@dataclass(slots=True)
class Account:
    """One account as a platform describes it."""

    id: str
    handle: str | None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The workspace key: the handle, else the id."""
        return self.handle or self.id

    @property
    def has_counts(self) -> bool:
        """Whether the follower count is known (the tier can be assigned)."""
        return self.attributes.get("followers_count") is not None

    def alias_row(self) -> tuple[str, str] | None:
        """``(id, handle)`` for the workspace's alias table (``None`` without a handle)."""
        return (self.id, self.handle) if self.handle and self.handle != self.id else None


@dataclass
class Page:
    """One page of a followers/following list and the cursor of the next (``None``: last)."""

    accounts: list[Account]
    cursor: str | None


@dataclass(frozen=True)
class PublishedLimit:
    """A platform's published rate limit for one kind of request, and where it is published."""

    requests: int
    window_seconds: int
    scope: str
    source: str


class Platform:
    """Base of the platform modules; one instance per crawl, shared by its workers."""

    name: ClassVar[str] = ""
    #: entries per list page requested (the documented maximum)
    page_size: ClassVar[int] = 100
    #: accounts per profiles request
    profile_batch: ClassVar[int] = 25
    #: list entries carry follower counts, so listed accounts need no profile request
    counts_in_lists: ClassVar[bool] = False
    #: published limits: "lists" (followers/following pages) and "profiles"
    limits: ClassVar[dict[str, PublishedLimit]] = {}
    default_service: ClassVar[str] = ""

    def __init__(self, client: HttpClient, service: str | None = None) -> None:
        self.client = client
        self.service = service

    def resolve(self, text: str) -> Account:
        """The account a user names (handle, URL or id); raises :class:`Unavailable`."""
        raise NotImplementedError

    def list_page(self, direction: Direction, account: Account, cursor: str | None) -> Page:
        """One page of ``account``'s followers or following; raises :class:`Unavailable`."""
        raise NotImplementedError

    def profiles(self, ids: list[str]) -> list[Account]:
        """Full profiles of up to :attr:`profile_batch` ids; unknown ids are left out."""
        raise NotImplementedError

    def list_owner(self, account: Account) -> Account:
        """The account to list (Mastodon: the copy on its home instance)."""
        return account

    def is_id(self, text: str) -> bool:
        """Whether ``text`` is one of this platform's ids (as opposed to a handle)."""
        raise NotImplementedError

    def list_pages(self, count: int | None) -> int:
        """Requests to fetch a list of ``count`` entries (at least one).

        >>> Platform.list_pages(Platform.__new__(Platform), 250)
        3
        """
        if not count or count <= 0:
            return 1
        return -(-int(count) // self.page_size)


_CLEAN_KEY = re.compile(r"[a-z0-9_.@\-]+\Z").match


def handle_key(handle: object) -> str | None:
    """The workspace key of a platform handle (the fast path for handles already lower-case).

    >>> handle_key("alice.bsky.social"), handle_key("@Bob@Mastodon.Social"), handle_key(None)
    ('alice.bsky.social', 'bob@mastodon.social', None)
    """
    if type(handle) is not str:
        return None
    return handle if _CLEAN_KEY(handle) else normalize_handle(handle)


def put_counts(attrs: dict[str, Any], source: dict, fields: tuple[tuple[str, str], ...]) -> None:
    """Copy non-negative integer counts ``source[field]`` into ``attrs[name]``.

    >>> attrs = {}
    >>> put_counts(attrs, {"n": 3, "m": -1, "k": "4"}, (("a", "n"), ("b", "m"), ("c", "k")))
    >>> attrs
    {'a': 3}
    """
    for name, key in fields:
        value = source.get(key)
        if type(value) is int and value >= 0:
            attrs[name] = value


def put_texts(attrs: dict[str, Any], source: dict, fields: tuple[tuple[str, str], ...]) -> None:
    """Copy non-empty stripped strings ``source[field]`` into ``attrs[name]``.

    >>> attrs = {}
    >>> put_texts(attrs, {"d": " hi ", "e": ""}, (("bio", "d"), ("name", "e")))
    >>> attrs
    {'bio': 'hi'}
    """
    for name, key in fields:
        value = source.get(key)
        if type(value) is str and (value := value.strip()):
            attrs[name] = value
