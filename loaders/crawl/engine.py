"""The crawl jobs: audience, followers, following, profiles, expand.

A job is one command with its options (``audience acme.bsky.social --sample
500 --random-seed 7 --profiles-top 2000``). Its state lives in the platform's
crawl document (see :mod:`loaders.crawl.state`), so running the same command
again continues where the last run stopped, and a finished job is a no-op
(``refresh=True`` starts it over: lists fetched before are fetched again, and
follows no longer listed are ended).

Requests run on a pool of ``concurrency`` worker threads; every result is
applied by the calling thread, which checkpoints. Pages of one list are
fetched in order (the next page is queued when the previous one is applied);
different lists are fetched side by side.

The audience sample
-------------------
The brand's whole follower list is fetched, then the platform ids of its
followers are sorted and ``numpy.random.default_rng(seed).choice(len(ids),
size=N, replace=False)`` (PCG64) picks N of them uniformly at random: the same
seed and the same follower list give the same sample on any machine. The
sample and seed are stored in the job's state before any following list is
fetched.

Examples
--------
>>> print(CrawlSummary("crawl bluesky following a.test", accounts=3, follows=2, requests=1))
crawl bluesky following a.test: 3 accounts, 2 follows, 1 requests, 0 retries, 0 rate-limit waits, 0 skipped, 0m00s; complete
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graphkit.clock import now_iso
from graphkit.errors import ConfigError, CrawlError
from graphkit.progress import Progress
from loaders.crawl.http import BudgetExhausted, CrawlStopped, HttpClient
from loaders.crawl.platform import Account, Direction, Platform, Unavailable
from loaders.crawl.state import Checkpointer, CrawlState, list_key

__all__ = ["CrawlOptions", "CrawlSummary", "Crawl", "draw_sample"]


@dataclass
class CrawlOptions:
    """How a crawl runs (not what it fetches)."""

    checkpoint_seconds: float = 5.0
    concurrency: int = 4
    max_requests: int | None = None
    refresh: bool = False
    progress: bool | None = None  # None: a bar when stderr is a terminal
    timeout: float = 20.0
    max_retries: int = 5
    backoff: float = 0.5

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.concurrency > 32:
            raise ConfigError(f"--concurrency {self.concurrency}: use 1 to 32")
        if not 0 <= self.checkpoint_seconds < float("inf"):
            raise ConfigError(f"--checkpoint-seconds {self.checkpoint_seconds}: give 0 or more seconds")
        if not 0 <= self.max_retries <= 20:
            raise ConfigError(f"--retries {self.max_retries}: use 0 to 20")


@dataclass
class CrawlSummary:
    """What one run did; ``str()`` is the one summary line."""

    job: str
    accounts: int = 0
    follows: int = 0
    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    skipped: int = 0
    elapsed: float = 0.0
    complete: bool = True
    stopped: str | None = None
    skipped_accounts: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        minutes, seconds = divmod(int(round(self.elapsed)), 60)
        text = (
            f"{self.job}: {self.accounts:,} accounts, {self.follows:,} follows, "
            f"{self.requests:,} requests, {self.retries:,} retries, {self.rate_limit_waits:,} rate-limit waits, "
            f"{self.skipped:,} skipped, {minutes}m{seconds:02d}s"
        )
        if self.stopped:
            text += f"; {self.stopped}"
        elif self.complete:
            text += "; complete"
        return text


def draw_sample(ids: Iterable[str], size: int, seed: int) -> list[str]:
    """A uniform random sample of ``size`` ids (all when fewer), reproducible from ``seed``.

    The ids are sorted first, so the order the platform listed them in does
    not matter.

    >>> draw_sample(["c", "a", "b", "d"], 2, seed=7) == draw_sample(["d", "b", "a", "c"], 2, seed=7)
    True
    >>> draw_sample(["a", "b"], 5, seed=1)
    ['a', 'b']
    """
    import numpy as np

    ordered = sorted(set(ids))
    if size >= len(ordered):
        return ordered
    picked = np.random.default_rng(seed).choice(len(ordered), size=size, replace=False)
    return [ordered[i] for i in sorted(picked.tolist())]


@dataclass
class _Task:
    kind: str  # "page" | "profiles" | "resolve"
    run: Callable[[], Any]
    data: dict = field(default_factory=dict)


class Crawl:
    """One run of one job on one platform, writing into one workspace."""

    def __init__(self, workspace, platform: Platform, client: HttpClient, job: str,
                 command: str, targets: list[str], options: dict, run: CrawlOptions) -> None:
        self.workspace = workspace
        self.platform = platform
        self.client = client
        self.run_options = run
        self.state = CrawlState.load(workspace, platform.name)
        self.label = f"{platform.name} {job}"
        self.checkpoint = Checkpointer(workspace, self.state, self.label, run.checkpoint_seconds)
        self.checkpoint.before_commit = self._store_progress
        now = now_iso()
        existing = self.state.jobs.get(job)
        if existing is None or run.refresh:
            existing = {"command": command, "targets": list(targets), "options": dict(options),
                        "stage": "start", "started": now, "finished": None,
                        "fresh_since": now if run.refresh else None, "progress": {}}
        self.job_name = job
        self.job = existing
        self.job["updated"] = now
        self.state.jobs[job] = self.job
        self.started = time.monotonic()
        before = self.job.get("progress", {})  # earlier runs of this job: progress is cumulative
        self.requests_before = int(before.get("requests_done", 0))
        self.lists_before = int(before.get("lists_done", 0))
        self.follows_before = int(before.get("follows", 0))
        self.skipped_now: dict[str, str] = {}
        self.lists_planned = 0
        self.lists_done = 0
        self.planned_requests = 0
        self.bar: Progress | None = None

    # -- bookkeeping -----------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return bool(self.job.get("finished"))

    def _store_progress(self) -> None:
        stats = self.client.stats
        done = self.requests_before + stats.requests
        self.job["updated"] = now_iso()
        self.job["progress"] = {
            "requests_done": done,
            "requests_planned": max(done, self.requests_before + self.planned_requests),
            "lists_done": self.lists_before + self.lists_done,
            "lists_planned": self.lists_before + self.lists_planned,
            "retries": stats.retries,
            "rate_limit_waits": stats.rate_limit_waits,
            "skipped": len(self.skipped_now),
            "accounts": len(self.checkpoint.accounts_seen | set(self.checkpoint.batch.accounts)),
            "follows": self.follows_before + self.checkpoint.follows_seen + len(self.checkpoint.batch.follows),
        }

    def _draw(self) -> None:
        if self.bar is None:
            return
        stats = self.client.stats
        self.bar.total = max(self.planned_requests, stats.requests) or None
        elapsed = time.monotonic() - self.started
        left = max(0, (self.bar.total or 0) - stats.requests)
        eta = f"{int(left * elapsed / stats.requests)}s" if stats.requests and self.bar.total else "?"
        self.bar.note = (f"lists {self.lists_done:,}/{self.lists_planned:,} · waits {stats.rate_limit_waits} "
                         f"· retries {stats.retries} · ETA {eta}")
        self.bar.advance(stats.requests - self.bar.done)

    def summary(self) -> CrawlSummary:
        stats = self.client.stats
        self._store_progress()
        return CrawlSummary(
            job=f"crawl {self.label}",
            accounts=len(self.checkpoint.accounts_seen | set(self.checkpoint.batch.accounts)),
            follows=self.checkpoint.follows_seen + len(self.checkpoint.batch.follows),
            requests=stats.requests,
            retries=stats.retries,
            rate_limit_waits=stats.rate_limit_waits,
            skipped=len(self.skipped_now),
            # with $GRAPHKIT_NOW the clock stands still (reproducible output): so does elapsed time
            elapsed=0.0 if os.environ.get("GRAPHKIT_NOW") else time.monotonic() - self.started,
            complete=self.finished,
            skipped_accounts=dict(self.skipped_now),
        )

    def _skip(self, account: str, reason: str) -> None:
        self.skipped_now[account] = reason
        self.state.skipped[account] = reason

    # -- the worker pool -------------------------------------------------------------------
    def _pool(self, tasks: list[_Task], apply: Callable[[_Task, Any], list[_Task]]) -> str | None:
        """Run ``tasks`` (and the tasks ``apply`` returns) on the workers.

        Returns ``None`` when all ran, or why the run stopped (the budget).
        Raises the first :class:`CrawlError` after checkpointing what was applied.
        """
        work: queue.Queue = queue.Queue()
        results: queue.Queue = queue.Queue()
        cancel = threading.Event()

        def worker() -> None:
            while True:
                task = work.get()
                if task is None:
                    return
                if cancel.is_set():
                    results.put((task, None, CrawlStopped()))
                    continue
                try:
                    results.put((task, task.run(), None))
                except BaseException as err:  # noqa: BLE001  (handed to the main thread)
                    results.put((task, None, err))

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.run_options.concurrency)]
        for thread in threads:
            thread.start()
        # at most `concurrency` requests run ahead of what is applied (and so of the next
        # checkpoint): a kill loses no more than that; follow-ups (next pages) go first
        backlog = deque(tasks)
        in_flight = 0

        def feed() -> int:
            count = 0
            while backlog and in_flight + count < self.run_options.concurrency and not cancel.is_set():
                work.put(backlog.popleft())
                count += 1
            return count

        in_flight += feed()
        stopped: str | None = None
        failure: BaseException | None = None
        try:
            while in_flight:
                try:
                    task, value, err = results.get(timeout=0.2)
                except queue.Empty:
                    self._draw()
                    self.checkpoint.maybe()
                    continue
                in_flight -= 1
                if err is None:
                    more = apply(task, value)
                    if not cancel.is_set():
                        backlog.extendleft(reversed(more))
                elif isinstance(err, Unavailable):
                    self._skip(err.account, err.reason)
                    on_skip = task.data.get("on_skip")
                    if on_skip:
                        on_skip()
                elif isinstance(err, BudgetExhausted):
                    stopped = stopped or f"stopped at --max-requests {self.client.max_requests:,}: run the same command again to continue"
                    cancel.set()
                elif isinstance(err, CrawlStopped):
                    pass
                else:  # a CrawlError, or a bug: stop, keep what was applied, raise it
                    failure = failure or err
                    cancel.set()
                self._draw()
                self.checkpoint.maybe()
                in_flight += feed()
        except KeyboardInterrupt:
            cancel.set()
            self.client.stop.set()
            self._drain(results, in_flight, apply)
            self.checkpoint.commit()
            raise
        finally:
            for _ in threads:
                work.put(None)
            for thread in threads:
                thread.join(timeout=5)
        if failure is not None:
            self.checkpoint.commit()
            raise failure
        return stopped

    def _drain(self, results: queue.Queue, pending: int, apply) -> None:
        """After Ctrl-C: apply what the workers still finish (bounded wait), drop the rest."""
        deadline = time.monotonic() + 10
        while pending and time.monotonic() < deadline:
            try:
                task, value, err = results.get(timeout=0.2)
            except queue.Empty:
                continue
            pending -= 1
            if err is None:
                apply(task, value)

    # -- lists -----------------------------------------------------------------------------
    def fetch_lists(self, lists: list[tuple[Direction, Account]]) -> str | None:
        """Fetch whole lists (those not done yet), page by page, resuming from saved cursors."""
        fresh = self.job.get("fresh_since")
        todo = []
        for direction, owner in lists:
            key = list_key(direction, owner.id)
            skipped = self.state.lists.get(key, {}).get("skipped") or owner.id in self.state.skipped
            if self.state.list_done(key, fresh) or (skipped and not fresh):
                continue
            todo.append((direction, owner, key))
        self.lists_planned += len(todo)
        estimates = {k: self._pages_left(d, o, k, fresh) for d, o, k in todo}
        self.planned_requests += sum(estimates.values())

        def page_task(direction: Direction, owner: Account, key: str, lister: Account | None,
                      cursor: str | None, started: str) -> _Task:
            def run():
                target = lister or self.platform.list_owner(owner)
                return target, self.platform.list_page(direction, target, cursor)

            def skipped():
                self.lists_done += 1
                self.planned_requests -= estimates.get(key, 1) - 1
                self.state.lists[key] = {"owner": owner.key, "started": started, "cursor": None,
                                         "pages": 0, "entries": 0, "done": None, "skipped": True}
            return _Task("page", run, {"direction": direction, "owner": owner, "key": key,
                                       "started": started, "on_skip": skipped})

        def apply(task: _Task, value) -> list[_Task]:
            lister, page = value
            data = task.data
            direction, owner, key = data["direction"], data["owner"], data["key"]
            entry = self.state.lists.setdefault(key, {"owner": owner.key, "started": data["started"],
                                                      "cursor": None, "pages": 0, "entries": 0, "done": None})
            entry.update(owner=owner.key, started=data["started"], cursor=page.cursor)
            entry["pages"] += 1
            entry["entries"] += len(page.accounts)
            self.checkpoint.batch.add_list_page(direction, owner, page.accounts)
            if lister.id != owner.id:
                self.checkpoint.batch.add_accounts([lister])
            data["fetched"] = data.get("fetched", 0) + 1
            if page.cursor is None:
                # the estimate from the declared count was off: plan what was really needed
                self.planned_requests -= estimates.get(key, 0) - data["fetched"]
                entry["done"] = now_iso()
                self.checkpoint.batch.complete(direction, owner, data["started"])
                self.lists_done += 1
                return []
            if not page.accounts and page.cursor == data.get("previous_cursor"):
                raise CrawlError(f"{direction} of {owner.key}: the service repeats the same page")
            nxt = page_task(direction, owner, key, lister, page.cursor, data["started"])
            nxt.data["previous_cursor"] = page.cursor
            nxt.data["fetched"] = data["fetched"]
            return [nxt]

        tasks = []
        for direction, owner, key in todo:
            started, cursor = self.state.list_cursor(key, fresh)
            tasks.append(page_task(direction, owner, key, None, cursor, started or now_iso()))
        return self._pool(tasks, apply)

    def _pages_left(self, direction: Direction, owner: Account, key: str, fresh: str | None) -> int:
        count = owner.attributes.get("followers_count" if direction == "followers" else "following_count")
        pages = self.platform.list_pages(count)
        entry = self.state.lists.get(key)
        if entry and self.state.list_cursor(key, fresh)[1]:
            pages = max(1, pages - int(entry.get("pages", 0)))
        return pages

    # -- profiles --------------------------------------------------------------------------
    def fetch_profiles(self, ids: list[str]) -> str | None:
        """Fetch full profiles of ``ids`` (in batches), recording each batch as done."""
        done = set(self.job.setdefault("profiles_done", []))
        todo = [i for i in dict.fromkeys(ids) if i not in done]
        size = self.platform.profile_batch
        batches = [todo[i:i + size] for i in range(0, len(todo), size)]
        self.planned_requests += len(batches)

        def task(batch: list[str]) -> _Task:
            return _Task("profiles", lambda: self.platform.profiles(batch), {"ids": batch})

        def apply(task: _Task, found: list[Account]) -> list[_Task]:
            self.checkpoint.batch.add_accounts(found)
            returned = {a.id for a in found}
            for account_id in task.data["ids"]:
                if account_id not in returned:
                    self._skip(account_id, "no profile returned (deleted or suspended)")
            self.job["profiles_done"].extend(task.data["ids"])
            return []

        return self._pool([task(b) for b in batches], apply)

    def resolve(self, texts: list[str]) -> tuple[list[Account], str | None]:
        """Look up the accounts a user named; unavailable ones are skipped and reported."""
        found: list[Account] = []
        self.planned_requests += len(texts)

        def task(text: str) -> _Task:
            return _Task("resolve", lambda: self.platform.resolve(text), {"text": text})

        def apply(task: _Task, account: Account) -> list[_Task]:
            self.checkpoint.batch.add_accounts([account])
            found.append(account)
            return []

        stopped = self._pool([task(t) for t in texts], apply)
        return found, stopped

    # -- helpers on the workspace ----------------------------------------------------------
    def ids_by_key(self) -> dict[str, str]:
        """``key -> platform id`` from the workspace's aliases and this run's batch."""
        table = self.workspace.table("aliases")
        mapping: dict[str, str] = {}
        if len(table.columns):
            for alias, key in zip(table["alias"].astype(str), table["key"].astype(str)):
                if self.platform.is_id(alias):
                    mapping[key] = alias
        for alias, key in self.checkpoint.batch.aliases.items():
            mapping[key] = alias
        return mapping

    def accounts_for(self, pairs: list[tuple[str, str]]) -> list[Account]:
        """Accounts ``(id, key)`` with the follower/following counts the workspace has for them."""
        graph = self.workspace.graph
        keys = [key for _, key in pairs]
        present = [graph.has(key) for key in keys]
        ids = graph.ids_of([k for k, p in zip(keys, present) if p])
        columns = {name: graph.attribute(name).iloc[ids].tolist() for name in ("followers_count", "following_count")}
        out, row = [], 0
        for (account_id, key), known in zip(pairs, present):
            attrs = {}
            if known:
                for name, values in columns.items():
                    value = values[row]
                    if value is not None and not pd.isna(value):
                        attrs[name] = int(value)
                row += 1
            out.append(Account(account_id, None if key == account_id else key, attrs))
        return out

    def finish(self) -> None:
        self.job["stage"] = "done"
        self.job["finished"] = now_iso()

    def run_stages(self, stages: list[tuple[str, Callable[[], str | None]]]) -> CrawlSummary:
        """Run the job's stages in order from where it stopped; checkpoint at the end."""
        if self.finished:
            return self.summary()
        names = [name for name, _ in stages]
        start = names.index(self.job["stage"]) if self.job["stage"] in names else 0
        self.bar = Progress(self.label, enabled=self.run_options.progress)
        stopped = None
        try:
            with self.bar:
                for name, stage in stages[start:]:
                    self.job["stage"] = name
                    stopped = stage()
                    if stopped:
                        break
                    self.checkpoint.commit()  # the stage's results are what the next stage reads
                else:
                    self.finish()
                self._draw()
        finally:
            self.checkpoint.commit()
        result = self.summary()
        result.stopped = stopped
        return result
