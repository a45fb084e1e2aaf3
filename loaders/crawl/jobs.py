"""The crawl commands as Python functions: audience, followers, following, profiles, expand.

Each opens the platform (:func:`open_platform`), runs one job of
:class:`~loaders.crawl.engine.Crawl` into the workspace and returns its
:class:`~loaders.crawl.engine.CrawlSummary`. ``graphkit crawl ...`` is a thin
shell over these.

``audience`` is the marketer's one-liner: the brand's whole follower list, a
seeded uniform sample of N followers (see :func:`~loaders.crawl.engine.draw_sample`),
each sampled follower's whole following list, and the profiles of the brand,
the sample and the ``profiles_top`` accounts the sample follows most (so that
every candidate that can rank has a tier). Afterwards ``graphkit affinity
BRAND`` answers.

Examples
--------
>>> sorted(PLATFORMS)
['bluesky', 'mastodon', 'x']
>>> platform, client = open_platform("bluesky", "http://127.0.0.1:9")
>>> platform.base, client.user_agent.startswith("graphkit/")
('http://127.0.0.1:9/xrpc/', True)
>>> client.close()
"""

from __future__ import annotations

import secrets

import numpy as np

from graphkit.errors import ConfigError, CrawlError
from loaders.crawl.bluesky import Bluesky
from loaders.crawl.engine import Crawl, CrawlOptions, CrawlSummary, draw_sample
from loaders.crawl.http import HttpClient, check_service
from loaders.crawl.mastodon import Mastodon
from loaders.crawl.platform import Account, Direction, Platform
from loaders.crawl.x import X, bearer_header

__all__ = [
    "PLATFORMS",
    "open_platform",
    "crawl_audience",
    "crawl_lists",
    "crawl_profiles",
    "crawl_expand",
]

PLATFORMS: dict[str, type[Platform]] = {"bluesky": Bluesky, "mastodon": Mastodon, "x": X}


def open_platform(name: str, service: str | None = None, options: CrawlOptions | None = None,
                  instances: dict[str, str] | None = None) -> tuple[Platform, HttpClient]:
    """The platform object and its HTTP client (the X token read from ``$X_BEARER_TOKEN``)."""
    if name not in PLATFORMS:
        raise ConfigError(f"unknown platform {name!r}; choose {', '.join(PLATFORMS)}")
    options = options or CrawlOptions()
    headers = bearer_header() if name == "x" else {}
    service = check_service(service) if service is not None else None
    client = HttpClient(headers=headers, timeout=options.timeout, max_retries=options.max_retries,
                        max_requests=options.max_requests, concurrency=options.concurrency,
                        backoff=options.backoff)
    if name == "mastodon":
        return Mastodon(client, service, instances=instances), client
    return PLATFORMS[name](client, service), client


def _run(workspace, name: str, service, options: CrawlOptions, instances, job: str, command: str,
         targets: list[str], job_options: dict, build) -> CrawlSummary:
    platform, client = open_platform(name, service, options, instances)
    try:
        crawl = Crawl(workspace, platform, client, job, command, targets, job_options, options)
        return crawl.run_stages(build(crawl, platform))
    finally:
        client.close()


def _known(record: dict) -> Account:
    """An account stored in the job's state as ``{"id", "key", ...counts}``."""
    attrs = {k: record[k] for k in ("followers_count", "following_count") if record.get(k) is not None}
    return Account(record["id"], None if record["key"] == record["id"] else record["key"], attrs)


def _record(account: Account) -> dict:
    return {"id": account.id, "key": account.key,
            **{k: account.attributes[k] for k in ("followers_count", "following_count") if k in account.attributes}}


def _resolve_stage(crawl: Crawl, texts: list[str], slot: str):
    """A stage that looks up the accounts named by the user and stores them in the job.

    Accounts that cannot be found are skipped (and reported); when none is
    found, the job cannot go on.
    """
    def stage():
        found, stopped = crawl.resolve(texts)
        if stopped:
            return stopped
        if not found:
            reasons = "; ".join(f"{a}: {r}" for a, r in crawl.skipped_now.items()) or "not found"
            raise CrawlError(f"{crawl.platform.name}: {reasons}")
        crawl.job[slot] = [_record(a) for a in found]
        return None
    return stage


def _top_followed(crawl: Crawl, owners: list[str], k: int, exclude: set[str]) -> list[str]:
    """Keys of the ``k`` accounts followed by most of ``owners`` (ties: key ascending)."""
    graph = crawl.workspace.graph
    present = [key for key in owners if graph.has(key)]
    if not present or k <= 0:
        return []
    followees = graph.gather_following(graph.ids_of(present))
    counts = np.bincount(np.asarray(followees, dtype=np.int64), minlength=graph.n_accounts)
    candidates = np.flatnonzero(counts)
    keys = graph.keys_of(candidates)
    ranked = sorted(zip((-counts[candidates]).tolist(), [str(x) for x in keys]))
    return [key for _, key in ranked if key not in exclude][:k]


def crawl_audience(workspace, platform: str, brand: str, *, sample: int, random_seed: int | None = None,
                   profiles_top: int = 2000, service: str | None = None,
                   options: CrawlOptions | None = None, instances: dict[str, str] | None = None) -> CrawlSummary:
    """Crawl ``brand``'s audience: followers, a sample's following lists, profiles.

    Without ``random_seed``, a seed is drawn once and stored with the job, so
    the same command (without a seed) continues the same sample.
    """
    if sample < 1:
        raise ConfigError(f"--sample must be at least 1, not {sample}")
    options = options or CrawlOptions()
    job = f"audience {brand} --sample {sample} --profiles-top {profiles_top}"
    if random_seed is not None:
        job += f" --random-seed {random_seed}"
    job_options = {"sample": sample, "random_seed": random_seed, "profiles_top": profiles_top}

    def build(crawl: Crawl, plat: Platform):
        state = crawl.job
        if state["options"].get("random_seed") is None:
            state["options"]["random_seed"] = random_seed if random_seed is not None else secrets.randbelow(2**31)

        def brand_account() -> Account:
            return _known(state["brand"][0])

        def followers():
            return crawl.fetch_lists([("followers", brand_account())])

        def draw():
            brand_key = brand_account().key
            graph = crawl.workspace.graph
            ids = crawl.ids_by_key()
            if not graph.has(brand_key):
                raise CrawlError(f"{brand_key}: no follower was fetched, so there is no audience to sample")
            keys = [str(k) for k in graph.keys_of(graph.followers(graph.id_of(brand_key)))]
            by_id = {}
            for key in keys:
                account_id = key if plat.is_id(key) else ids.get(key)
                if account_id is not None:
                    by_id[account_id] = key
            chosen = draw_sample(by_id, sample, int(state["options"]["random_seed"]))
            state["followers_seen"] = len(by_id)
            state["sample"] = [[account_id, by_id[account_id]] for account_id in chosen]
            return None

        def sample_accounts() -> list[Account]:
            return crawl.accounts_for([(account_id, key) for account_id, key in state["sample"]])

        def sample_profiles():
            if plat.counts_in_lists:
                return None
            return crawl.fetch_profiles([account_id for account_id, _ in state["sample"]])

        def following():
            return crawl.fetch_lists([("following", a) for a in sample_accounts()])

        def top_profiles():
            if plat.counts_in_lists:
                return None
            owners = [key for _, key in state["sample"]]
            exclude = set(owners) | {brand_account().key}
            top = _top_followed(crawl, owners, profiles_top, exclude)
            ids = crawl.ids_by_key()
            return crawl.fetch_profiles([ids.get(key, key) for key in top if plat.is_id(ids.get(key, key))])

        return [
            ("brand", _resolve_stage(crawl, [brand], "brand")),
            ("followers", followers),
            ("sample", draw),
            ("sample-profiles", sample_profiles),
            ("following", following),
            ("top-profiles", top_profiles),
        ]

    return _run(workspace, platform, service, options, instances, job, "audience", [brand], job_options, build)


def crawl_lists(workspace, platform: str, direction: Direction, accounts: list[str], *,
                service: str | None = None, options: CrawlOptions | None = None,
                instances: dict[str, str] | None = None) -> CrawlSummary:
    """Crawl the whole followers (or following) list of each account."""
    if not accounts:
        raise ConfigError("name at least one account")
    options = options or CrawlOptions()
    job = f"{direction} {' '.join(accounts)}"

    def build(crawl: Crawl, plat: Platform):
        def lists():
            return crawl.fetch_lists([(direction, _known(r)) for r in crawl.job["accounts"]])
        return [("accounts", _resolve_stage(crawl, accounts, "accounts")), ("lists", lists)]

    return _run(workspace, platform, service, options, instances, job, direction, accounts, {}, build)


def crawl_profiles(workspace, platform: str, accounts: list[str], *, service: str | None = None,
                   options: CrawlOptions | None = None, instances: dict[str, str] | None = None) -> CrawlSummary:
    """Fetch the profiles (follower counts, bios) of the named accounts."""
    if not accounts:
        raise ConfigError("name at least one account")
    options = options or CrawlOptions()
    job = f"profiles {' '.join(accounts)}"

    def build(crawl: Crawl, plat: Platform):
        return [("accounts", _resolve_stage(crawl, accounts, "accounts"))]

    return _run(workspace, platform, service, options, instances, job, "profiles", accounts, {}, build)


def crawl_expand(workspace, platform: str, seed: str, *, hops: int = 1, max_accounts: int = 200,
                 direction: Direction = "following", service: str | None = None,
                 options: CrawlOptions | None = None, instances: dict[str, str] | None = None) -> CrawlSummary:
    """Expand from a seed account: its list, then the lists of the accounts found, ``hops`` deep.

    At most ``max_accounts`` lists are fetched in all; at each hop the accounts
    reached from most of the previous hop's accounts go first (ties: key).
    Profiles of the accounts whose lists were fetched are fetched too.
    """
    if not 1 <= hops <= 6 or max_accounts < 1:
        raise ConfigError("--hops must be 1 to 6 and --max-accounts at least 1")
    options = options or CrawlOptions()
    job = f"expand {seed} --hops {hops} --max-accounts {max_accounts} --direction {direction}"

    def build(crawl: Crawl, plat: Platform):
        state = crawl.job

        def hop(number: int):
            def stage():
                frontiers = state.setdefault("frontiers", [])
                if len(frontiers) < number:
                    if number == 1:
                        frontier = state["seed"]
                    else:
                        crawled = {r["key"] for f in frontiers for r in f}
                        room = max_accounts - len(crawled)
                        previous = [r["key"] for r in frontiers[-1]]
                        keys = _neighbours(crawl, previous, direction, room, crawled)
                        ids = crawl.ids_by_key()
                        frontier = [{"id": key if plat.is_id(key) else ids[key], "key": key}
                                    for key in keys if plat.is_id(key) or key in ids]
                    frontiers.append(frontier)
                lists = [(d, _known(r)) for r in frontiers[number - 1]
                         for d in (("followers", "following") if direction == "both" else (direction,))]
                return crawl.fetch_lists(lists)
            return stage

        def profiles():
            if plat.counts_in_lists:
                return None
            return crawl.fetch_profiles([r["id"] for f in state.get("frontiers", []) for r in f])

        return ([("seed", _resolve_stage(crawl, [seed], "seed"))]
                + [(f"hop-{n}", hop(n)) for n in range(1, hops + 1)]
                + [("profiles", profiles)])

    return _run(workspace, platform, service, options, instances, job, "expand", [seed],
                {"hops": hops, "max_accounts": max_accounts, "direction": direction}, build)


def _neighbours(crawl: Crawl, owners: list[str], direction: str, room: int, crawled: set[str]) -> list[str]:
    """The next hop: accounts linked to most of ``owners`` (ties: key), at most ``room``."""
    if room <= 0:
        return []
    graph = crawl.workspace.graph
    present = graph.ids_of([k for k in owners if graph.has(k)])
    parts = []
    if direction in ("following", "both"):
        parts.append(np.asarray(graph.gather_following(present), dtype=np.int64))
    if direction in ("followers", "both"):
        parts.append(np.asarray(graph.gather_followers(present), dtype=np.int64))
    reached = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    counts = np.bincount(reached, minlength=graph.n_accounts)
    candidates = np.flatnonzero(counts)
    ranked = sorted(zip((-counts[candidates]).tolist(), [str(k) for k in graph.keys_of(candidates)]))
    return [key for _, key in ranked if key not in crawled][:room]
