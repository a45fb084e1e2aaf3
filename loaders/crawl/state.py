"""Crawl state and checkpoints: what was fetched lands in the workspace with the record of it.

The state of every crawl on one platform is one JSON document stored with the
workspace's data (``Workspace.meta("crawl:bluesky")``), committed in the same
atomic step as the follows and accounts fetched since the previous checkpoint:
a list is recorded as done together with its follows, or neither. The
document::

    {"version": 1, "platform": "bluesky", "updated": ISO,
     "lists": {"following did:plc:...": {"owner": KEY, "started": ISO, "cursor": C|null,
                                         "pages": N, "entries": N, "done": ISO|null}},
     "skipped": {"did:plc:...": "reason"},
     "jobs": {"audience acme.bsky.social --sample 500 --random-seed 7 ...": {
         "command": "audience", "targets": [...], "options": {...}, "stage": "...",
         "started": ISO, "updated": ISO, "finished": ISO|null, "fresh_since": ISO|null,
         "brand": {"id", "key"}, "sample": [[id, key], ...], "profiles_done": [id, ...],
         "progress": {"requests_done", "requests_planned", "lists_done", "lists_planned",
                      "retries", "rate_limit_waits", "skipped", "accounts", "follows"}}}}

A list in progress keeps its cursor: the next run continues it from there. A
checkpoint is written every ``checkpoint_seconds`` (and at the end, on a budget
stop, on Ctrl-C); a process killed loses at most the requests since the last one.

Examples
--------
>>> from loaders.crawl.platform import Account
>>> batch = Batch()
>>> owner = Account("did:plc:o", "owner.test", {})
>>> batch.add_list_page("following", owner, [Account("did:plc:a", "a.test", {"bio": "hi"})])
>>> batch.complete("following", owner, "2026-01-01T00:00:00+00:00")
>>> source = batch.to_source("crawl bluesky following owner.test", "2026-01-01T00:00:05+00:00")
>>> source.follows[0].values.tolist(), sorted(source.observed), source.complete_following
([['owner.test', 'a.test']], ['owner.test'], {'owner.test': '2026-01-01T00:00:00+00:00'})
>>> source.extra_tables["aliases"].values.tolist()
[['did:plc:o', 'owner.test'], ['did:plc:a', 'a.test']]
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from typing import Any

import pandas as pd

from graphkit.clock import now_iso
from graphkit.schema import coerce_attributes
from graphkit.tables import SourceTables
from loaders.crawl.platform import Account, Direction

__all__ = ["Batch", "CrawlState", "Checkpointer", "document_name", "crawl_documents", "list_key"]

STATE_VERSION = 1


def document_name(platform: str) -> str:
    """The meta document of a platform's crawls.

    >>> document_name("bluesky")
    'crawl:bluesky'
    """
    return f"crawl:{platform}"


def crawl_documents(workspace) -> dict[str, dict]:
    """Every platform's crawl document in a workspace (for ``info`` and the web app).

    ``{platform: document}``; a job's ``progress`` has requests done/planned,
    lists done/planned, retries, waits, skipped, and the job its started/updated
    times.
    """
    documents = {name: workspace.meta(name) for name in workspace.meta_names("crawl:")}
    return {name.split(":", 1)[1]: doc for name, doc in documents.items() if isinstance(doc, dict)}


def list_key(direction: Direction, account_id: str) -> str:
    """The state's name of one list.

    >>> list_key("following", "did:plc:abc")
    'following did:plc:abc'
    """
    return f"{direction} {account_id}"


class CrawlState:
    """The crawl document of one platform, read from and written to the workspace."""

    def __init__(self, platform: str, document: dict | None = None) -> None:
        document = dict(document or {})
        self.platform = platform
        self.lists: dict[str, dict] = dict(document.get("lists", {}))
        self.skipped: dict[str, str] = dict(document.get("skipped", {}))
        self.jobs: dict[str, dict] = dict(document.get("jobs", {}))

    @classmethod
    def load(cls, workspace, platform: str) -> CrawlState:
        return cls(platform, workspace.meta(document_name(platform)))

    def document(self) -> dict:
        return {
            "version": STATE_VERSION,
            "platform": self.platform,
            "updated": now_iso(),
            "lists": self.lists,
            "skipped": self.skipped,
            "jobs": self.jobs,
        }

    def list_done(self, key: str, fresh_since: str | None) -> bool:
        """Whether a list was fetched whole (at or after ``fresh_since`` when given)."""
        entry = self.lists.get(key)
        if not entry or not entry.get("done"):
            return False
        return fresh_since is None or entry["done"] >= fresh_since

    def list_cursor(self, key: str, fresh_since: str | None) -> tuple[str | None, str | None]:
        """``(started, cursor)`` of a list in progress (``(None, None)``: start afresh)."""
        entry = self.lists.get(key)
        if not entry or entry.get("done") or not entry.get("cursor"):
            return None, None
        if fresh_since is not None and entry.get("started", "") < fresh_since:
            return None, None
        return entry["started"], entry["cursor"]


class Batch:
    """What was fetched since the last checkpoint, as rows for one :class:`SourceTables`."""

    def __init__(self) -> None:
        self.follows: list[tuple[str, str]] = []
        self.accounts: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, str] = {}
        self.observed: set[str] = set()
        self.complete_following: dict[str, str] = {}
        self.complete_followers: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.follows) + len(self.accounts) + len(self.complete_following) + len(self.complete_followers)

    def add_accounts(self, accounts: list[Account]) -> None:
        for account in accounts:
            row = self.accounts.setdefault(account.key, {})
            row.update(account.attributes)
            alias = account.alias_row()
            if alias:
                self.aliases[alias[0]] = alias[1]

    def add_list_page(self, direction: Direction, owner: Account, entries: list[Account]) -> None:
        self.add_accounts([owner, *entries])
        if direction == "following":
            self.follows.extend((owner.key, entry.key) for entry in entries)
        else:
            self.follows.extend((entry.key, owner.key) for entry in entries)

    def complete(self, direction: Direction, owner: Account, started: str) -> None:
        """Mark ``owner``'s list whole, seen from ``started`` on (a following list also observes it)."""
        if direction == "following":
            self.complete_following[owner.key] = started
            self.observed.add(owner.key)
        else:
            self.complete_followers[owner.key] = started

    def to_source(self, label: str, seen_at: str, fingerprint: dict | None = None) -> SourceTables:
        follows = pd.DataFrame(self.follows, columns=["follower", "followee"], dtype="string")
        keys = list(self.accounts)
        frame = pd.DataFrame.from_records([self.accounts[k] for k in keys], index=range(len(keys)))
        frame = coerce_attributes(frame) if len(frame.columns) else frame
        frame.insert(0, "key", pd.array(keys, dtype="string"))
        aliases = pd.DataFrame({"alias": pd.array(list(self.aliases), dtype="string"),
                                "key": pd.array(list(self.aliases.values()), dtype="string")})
        return SourceTables(
            path=label,
            format="crawl",
            follows=[follows] if len(follows) else [],
            accounts=frame,
            observed=set(self.observed),
            rows_read=len(self.follows),
            extra_tables={"aliases": aliases} if len(aliases) else {},
            complete_following=dict(self.complete_following),
            complete_followers=dict(self.complete_followers),
            seen_at=seen_at,
            fingerprint=dict(fingerprint or {}),
        )


class Checkpointer:
    """Commits the batch with the state every ``seconds`` (and when asked).

    ``$GRAPHKIT_CRAWL_FAULT=kill-after-checkpoint:N`` (fault-injection tests
    only) kills the process with SIGKILL right after its N-th checkpoint.
    """

    def __init__(self, workspace, state: CrawlState, label: str, seconds: float = 5.0) -> None:
        self.workspace = workspace
        self.state = state
        self.label = label
        self.seconds = seconds
        self.batch = Batch()
        self.last = time.monotonic()
        self.commits = 0
        self.accounts_seen: set[str] = set()
        self.follows_seen = 0
        #: called before each commit (the engine stores progress in the state)
        self.before_commit = None

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.seconds

    def maybe(self) -> None:
        if self.due():
            self.commit()

    def commit(self) -> None:
        if self.before_commit is not None:
            self.before_commit()
        batch, self.batch = self.batch, Batch()
        self.accounts_seen.update(batch.accounts)
        self.follows_seen += len(batch.follows)
        when = now_iso()
        # unique per checkpoint: a crawl's batches are never "the same file loaded twice"
        fingerprint = {"kind": "crawl", "platform": self.state.platform, "checkpoint": f"{when} {uuid.uuid4().hex}"}
        sources = [batch.to_source(self.label, when, fingerprint)] if len(batch) else []
        self.workspace.commit(sources, meta={document_name(self.state.platform): self.state.document()})
        self.last = time.monotonic()
        self.commits += 1
        fault = os.environ.get("GRAPHKIT_CRAWL_FAULT", "")
        if fault == f"kill-after-checkpoint:{self.commits}":
            os.kill(os.getpid(), signal.SIGKILL)
