"""Fixtures and expectations for the crawler tests: a generated network on 127.0.0.1."""

from __future__ import annotations

import numpy as np
import pytest

from graphkit.workspace import Workspace
from loaders.crawl import CrawlOptions
from tests.crawl.fakenet import FakeServer, Network
from tests.crawl.schemas import validate

PLATFORMS = ("bluesky", "mastodon", "x")
BRAND = {"bluesky": "acme.bsky.social", "mastodon": "acme@fake.social", "x": "acme"}
TOKEN = "test-token-3f9c1b7e-do-not-print"


@pytest.fixture(scope="session")
def network() -> Network:
    return Network.generate(seed=1, n=400, brand_followers=120, mean_following=25)


@pytest.fixture
def serve(network, monkeypatch):
    """``serve(**server_options) -> FakeServer`` (started; stopped after the test)."""
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    servers = []

    def start(net: Network | None = None, **options) -> FakeServer:
        options.setdefault("validate", validate)
        options.setdefault("page_cap", 30)
        server = FakeServer(net or network, x_token=TOKEN, **options).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def fast_options(**overrides) -> CrawlOptions:
    """Options for tests: short timeouts and backoff, frequent checkpoints."""
    values = {"checkpoint_seconds": 0.5, "concurrency": 4, "timeout": 3.0, "backoff": 0.01, "progress": False}
    values.update(overrides)
    return CrawlOptions(**values)


def platform_id(network: Network, platform: str, index: int) -> str:
    account = network.accounts[index]
    return {"bluesky": account.did, "mastodon": f"mastodon:fake.social:{account.masto_id}", "x": account.x_id}[platform]


def expected_sample(network: Network, platform: str, size: int, seed: int) -> list[int]:
    """The documented sample, computed here without graphkit: sorted ids, PCG64 choice."""
    by_id = {platform_id(network, platform, i): i for i in network.followers(0)}
    ordered = sorted(by_id)
    if size >= len(ordered):
        return [by_id[i] for i in ordered]
    picked = np.random.default_rng(seed).choice(len(ordered), size=size, replace=False)
    return [by_id[ordered[i]] for i in picked]


def available(network: Network, index: int) -> bool:
    return network.accounts[index].status == "ok"


def expected_follows(network: Network, platform: str, sample: list[int]) -> set[tuple[str, str]]:
    handle = [a.handle(platform) for a in network.accounts]
    follows = {(handle[f], handle[0]) for f in network.followers(0)}
    for s in sample:
        if available(network, s):
            follows |= {(handle[s], handle[x]) for x in network.following(s)}
    return follows


def workspace_follows(ws: Workspace) -> set[tuple[str, str]]:
    frame = ws.graph.edges_frame()
    return set(zip(frame.iloc[:, 0].astype(str), frame.iloc[:, 1].astype(str)))


def counts_by_key(ws: Workspace) -> dict[str, int]:
    accounts = ws.graph.accounts
    present = accounts["followers_count"].notna() if "followers_count" in accounts.columns else []
    return {str(k): int(v) for k, v in zip(accounts["key"][present], accounts["followers_count"][present])}
