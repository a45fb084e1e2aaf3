"""An audience crawl against each platform's fake API equals the generated network exactly."""

from __future__ import annotations

import pytest

from graphkit.workspace import Workspace
from loaders.crawl import crawl_audience, crawl_documents
from tests.crawl.conftest import (
    BRAND,
    PLATFORMS,
    available,
    counts_by_key,
    expected_follows,
    expected_sample,
    fast_options,
    workspace_follows,
)
from tests.crawl.fakenet import Fault

SAMPLE, SEED = 30, 7


def _expected_counts(network, platform, sample):
    """Accounts whose follower count the crawl must have, and the count."""
    handle = [a.handle(platform) for a in network.accounts]
    if platform == "bluesky":  # profiles of the brand, the sample, the sample's followees (top-K large)
        wanted = {0, *sample} | {x for s in sample if available(network, s) for x in network.following(s)}
    else:  # list entries carry counts: every listed account
        wanted = {0, *network.followers(0)} | {x for s in sample if available(network, s) for x in network.following(s)}
    return {handle[i]: network.followers_count(i) for i in wanted if network.accounts[i].status in ("ok", "private")}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_audience_equals_the_network(platform, network, serve, tmp_path):
    server = serve()
    ws = Workspace(tmp_path / "ws")
    summary = crawl_audience(ws, platform, BRAND[platform], sample=SAMPLE, random_seed=SEED, profiles_top=10_000,
                             service=server.url, options=fast_options())
    assert summary.complete and summary.stopped is None
    sample = expected_sample(network, platform, SAMPLE, SEED)
    ws = Workspace(tmp_path / "ws")
    assert workspace_follows(ws) == expected_follows(network, platform, sample)
    handle = [a.handle(platform) for a in network.accounts]
    observed = set(ws.graph.accounts["key"][ws.graph.observed].astype(str))
    assert observed == {handle[s] for s in sample if available(network, s)}
    counts = counts_by_key(ws)
    expected = _expected_counts(network, platform, sample)
    assert {k: counts.get(k) for k in expected} == expected
    assert all(counts[k] == network.followers_count(handle.index(k)) for k in counts)
    # every page was fetched once (again only when retried), every response had the documented shape
    assert server.validation_errors == []
    assert sum(n - 1 for n in server.page_counts.values()) <= summary.retries
    assert all(ua.startswith("graphkit/") for ua in server.user_agents)
    # unavailable sampled followers were skipped and reported, not fatal
    unavailable = [s for s in sample if not available(network, s)]
    assert summary.skipped >= len(unavailable)
    # ids are aliases of the handles
    aliases = dict(zip(ws.table("aliases")["alias"].astype(str), ws.table("aliases")["key"].astype(str)))
    ids = {"bluesky": network.brand.did, "mastodon": f"mastodon:fake.social:{network.brand.masto_id}",
           "x": network.brand.x_id}
    assert aliases[ids[platform]] == BRAND[platform]
    # the state records the job as finished, with its progress, for the web app
    job = crawl_documents(ws)[platform]["jobs"]
    (state,) = job.values()
    assert state["finished"] and state["progress"]["lists_done"] == state["progress"]["lists_planned"]
    assert [k for _, k in state["sample"]] == sorted(handle[s] for s in sample) or \
        sorted(k for _, k in state["sample"]) == sorted(handle[s] for s in sample)


def test_same_seed_again_is_a_no_op(serve, tmp_path):
    server = serve()
    ws = Workspace(tmp_path / "ws")
    crawl_audience(ws, "bluesky", BRAND["bluesky"], sample=SAMPLE, random_seed=SEED, service=server.url,
                   options=fast_options())
    before = server.requests
    generation = Workspace(tmp_path / "ws").generation
    again = crawl_audience(Workspace(tmp_path / "ws"), "bluesky", BRAND["bluesky"], sample=SAMPLE,
                           random_seed=SEED, service=server.url, options=fast_options())
    assert server.requests == before and again.requests == 0 and again.complete
    assert Workspace(tmp_path / "ws").generation == generation


def test_sample_without_seed_is_kept_with_the_job(network, serve, tmp_path):
    server = serve()
    first = crawl_audience(Workspace(tmp_path / "ws"), "x", "acme", sample=10, service=server.url,
                           options=fast_options(max_requests=3))
    assert first.stopped and "max-requests" in first.stopped
    crawl_audience(Workspace(tmp_path / "ws"), "x", "acme", sample=10, service=server.url, options=fast_options())
    (state,) = crawl_documents(Workspace(tmp_path / "ws"))["x"]["jobs"].values()
    seed = state["options"]["random_seed"]
    sample = expected_sample(network, "x", 10, seed)
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected_follows(network, "x", sample)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_faults_are_retried_and_the_result_is_the_same(platform, network, serve, tmp_path):
    path = {"bluesky": "getFollows", "mastodon": "/following", "x": "/following"}[platform]
    kinds = ("429", "500", "timeout", "reset", "malformed", "html", "503")
    faults = [Fault(f"{path}?", kind, nth=2 + 3 * n) for n, kind in enumerate(kinds)]
    server = serve(faults=faults)
    summary = crawl_audience(Workspace(tmp_path / "ws"), platform, BRAND[platform], sample=SAMPLE,
                             random_seed=SEED, service=server.url, options=fast_options())
    assert summary.complete
    assert summary.retries >= len(faults)
    sample = expected_sample(network, platform, SAMPLE, SEED)
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected_follows(network, platform, sample)


def test_random_faults_everywhere(network, serve, tmp_path):
    server = serve(fault_rate=0.08, fault_seed=3)
    summary = crawl_audience(Workspace(tmp_path / "ws"), "bluesky", BRAND["bluesky"], sample=SAMPLE,
                             random_seed=SEED, service=server.url, options=fast_options(max_retries=8))
    assert summary.complete and summary.retries > 0
    sample = expected_sample(network, "bluesky", SAMPLE, SEED)
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected_follows(network, "bluesky", sample)


def test_a_service_that_keeps_failing_is_one_clear_error(serve, tmp_path):
    from graphkit.errors import CrawlError

    server = serve(faults=[Fault("getFollowers", "500", nth=1, times=100)])
    with pytest.raises(CrawlError, match=r"followers of acme\.bsky\.social: HTTP 500 after 3 attempts"):
        crawl_audience(Workspace(tmp_path / "ws"), "bluesky", BRAND["bluesky"], sample=5, random_seed=1,
                       service=server.url, options=fast_options(max_retries=2))
    # the brand's profile, fetched before, was kept with the state
    ws = Workspace(tmp_path / "ws")
    assert ws.graph.has("acme.bsky.social")
    assert crawl_documents(ws)["bluesky"]["jobs"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rate_limit_headers_keep_the_crawler_under_the_limit(platform, network, serve, tmp_path):
    server = serve(rate_limit=(15, 1.5))
    summary = crawl_audience(Workspace(tmp_path / "ws"), platform, BRAND[platform], sample=12, random_seed=SEED,
                             profiles_top=50, service=server.url, options=fast_options())
    assert summary.complete
    assert server.requests > 15  # more than one window was needed
    assert server.too_many == 0  # it slowed down before a 429
    sample = expected_sample(network, platform, 12, SEED)
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected_follows(network, platform, sample)


def test_budget_stops_cleanly_and_the_next_runs_continue(network, serve, tmp_path):
    server = serve()
    runs, retries = 0, 0
    while True:
        runs += 1
        assert runs < 40
        summary = crawl_audience(Workspace(tmp_path / "ws"), "mastodon", BRAND["mastodon"], sample=SAMPLE,
                                 random_seed=SEED, service=server.url, options=fast_options(max_requests=9))
        assert summary.requests <= 9
        retries += summary.retries
        if summary.complete:
            break
        assert "--max-requests 9" in summary.stopped
    assert runs > 3
    sample = expected_sample(network, "mastodon", SAMPLE, SEED)
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected_follows(network, "mastodon", sample)
    assert sum(n - 1 for n in server.page_counts.values()) <= retries  # nothing fetched twice across runs
