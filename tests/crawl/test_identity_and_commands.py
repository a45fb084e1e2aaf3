"""Identity across crawls and sources (renamed handles, X archive ids), the other crawl commands, the CLI."""

from __future__ import annotations

import json

import pytest

from graphkit.api import load_files
from graphkit.workspace import Workspace
from loaders.crawl import crawl_expand, crawl_lists, crawl_plan, crawl_profiles, sample_size
from tests.crawl.conftest import counts_by_key, fast_options, workspace_follows
from tests.support import run_graphkit


def _following(network, platform, index):
    handle = [a.handle(platform) for a in network.accounts]
    return {(handle[index], handle[x]) for x in network.following(index)}


def test_a_renamed_handle_keeps_its_account_and_follows(network, serve, tmp_path, monkeypatch):
    later = network.changed(seed=2)
    renamed = next(a.index for a, b in zip(network.accounts, later.accounts) if a.name != b.name)
    crossing = next(a.index for a, b in zip(network.accounts, later.accounts)
                    if a.declared_extra != b.declared_extra)
    old, new = network.accounts[renamed].handle("bluesky"), later.accounts[renamed].handle("bluesky")
    ws_path = tmp_path / "ws"
    first = serve(network)
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-01-01T00:00:00Z")
    crawl_lists(Workspace(ws_path), "bluesky", "following", [old], service=first.url, options=fast_options())
    crawl_lists(Workspace(ws_path), "bluesky", "followers", ["acme.bsky.social"], service=first.url,
                options=fast_options())
    crawl_profiles(Workspace(ws_path), "bluesky", [network.accounts[crossing].did], service=first.url,
                   options=fast_options())
    before = Workspace(ws_path).graph
    assert before.has(old) and not before.has(new)
    tier_before = counts_by_key(Workspace(ws_path))[network.accounts[crossing].handle("bluesky")]
    assert tier_before < 10_000

    second = serve(later)  # a month later: the account is known by its DID under its new handle
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-02-01T00:00:00Z")
    crawl_lists(Workspace(ws_path), "bluesky", "followers", ["acme.bsky.social"], service=second.url,
                options=fast_options(refresh=True))
    again = crawl_lists(Workspace(ws_path), "bluesky", "following", [network.accounts[renamed].did],
                        service=second.url, options=fast_options())
    assert again.requests == 1  # the lookup only: a list fetched whole is not fetched again ...
    crawl_lists(Workspace(ws_path), "bluesky", "following", [network.accounts[renamed].did], service=second.url,
                options=fast_options(refresh=True))  # ... unless asked to refresh it
    crawl_profiles(Workspace(ws_path), "bluesky", [network.accounts[crossing].did], service=second.url,
                   options=fast_options(refresh=True))
    ws = Workspace(ws_path)
    graph = ws.graph
    assert not graph.has(old) and graph.has(new)  # one account, shown by its new handle
    follows = workspace_follows(ws)
    assert _following(later, "bluesky", renamed) <= follows  # its follows, under the new handle
    assert not any(old in pair for pair in follows)
    assert (new, "acme.bsky.social") in follows
    aliases = dict(zip(ws.table("aliases")["alias"].astype(str), ws.table("aliases")["key"].astype(str)))
    assert aliases[network.accounts[renamed].did] == new and aliases[old] == new
    assert counts_by_key(ws)[later.accounts[crossing].handle("bluesky")] >= 10_000  # nano -> micro
    # every checkpoint's data carries the time it was seen
    loaded = ws.sources()
    loaded = loaded[loaded["format"] == "crawl"]["loaded_at"].astype(str).tolist()
    assert loaded and all(when.startswith(("2026-01-01", "2026-02-01")) for when in loaded)


def test_x_archive_ids_and_crawled_usernames_are_one_account(network, serve, tmp_path):
    """An X archive keys accounts by id; the crawl's id -> username aliases merge them."""
    ws_path = tmp_path / "ws"
    followees = network.following(8)[:5]
    archive = tmp_path / "following.js"
    records = ",\n".join(
        f'{{"following": {{"accountId": "{network.accounts[i].x_id}", '
        f'"userLink": "https://twitter.com/intent/user?user_id={network.accounts[i].x_id}"}}}}' for i in followees)
    archive.write_text(f"window.YTD.following.part0 = [\n{records}\n]")
    load_files(Workspace(ws_path), "following", [archive], of=network.accounts[8].name)
    assert Workspace(ws_path).graph.has(network.accounts[followees[0]].x_id)
    server = serve()
    crawl_lists(Workspace(ws_path), "x", "following", [network.accounts[8].name], service=server.url,
                options=fast_options())
    graph = Workspace(ws_path).graph
    for i in followees:
        assert not graph.has(network.accounts[i].x_id)
        assert graph.has(network.accounts[i].name)
    assert workspace_follows(Workspace(ws_path)) == _following(network, "x", 8)


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "x"])
def test_followers_following_profiles_commands(platform, network, serve, tmp_path):
    server = serve()
    ws_path = tmp_path / "ws"
    owners = [i for i in network.followers(0) if network.accounts[i].status == "ok"][:3]
    names = [network.accounts[i].handle(platform) for i in owners]
    summary = crawl_lists(Workspace(ws_path), platform, "following", names, service=server.url,
                          options=fast_options())
    assert summary.complete
    expected = set().union(*(_following(network, platform, i) for i in owners))
    assert workspace_follows(Workspace(ws_path)) == expected
    observed = Workspace(ws_path).graph
    assert set(observed.accounts["key"][observed.observed].astype(str)) == set(names)
    gone = [a for a in network.accounts if a.status == "deleted"][0].handle(platform)
    summary = crawl_profiles(Workspace(ws_path), platform, [*names, gone], service=server.url,
                             options=fast_options())
    assert summary.skipped == 1 and gone in str(summary.skipped_accounts) or summary.skipped == 1
    counts = counts_by_key(Workspace(ws_path))
    for i, name in zip(owners, names):
        assert counts[name] == network.followers_count(i)


def test_expand_fetches_at_most_max_accounts_lists(network, serve, tmp_path):
    server = serve()
    seed = next(i for i in network.followers(0) if network.accounts[i].status == "ok")
    summary = crawl_expand(Workspace(tmp_path / "ws"), "bluesky", network.accounts[seed].handle("bluesky"),
                           hops=2, max_accounts=8, service=server.url, options=fast_options())
    assert summary.complete
    graph = Workspace(tmp_path / "ws").graph
    observed = set(graph.accounts["key"][graph.observed].astype(str))
    assert network.accounts[seed].handle("bluesky") in observed
    assert 2 <= len(observed) <= 8
    handle = [a.handle("bluesky") for a in network.accounts]
    index = {h: i for i, h in enumerate(handle)}
    expected = set().union(*(_following(network, "bluesky", index[k]) for k in observed))
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected
    # the second hop starts from the accounts the seed follows
    assert observed - {handle[seed]} <= {handle[x] for x in network.following(seed)}


def test_plan_numbers():
    # Cochran with the finite-population correction; textbook values
    assert sample_size(1_000_000, margin=0.05, confidence=0.95) == 384  # Krejcie & Morgan (1970): 384
    assert sample_size(10_000, margin=0.03, confidence=0.95) == 965
    assert sample_size(10_000, margin=0.02, confidence=0.99) == 2_932
    assert sample_size(50, margin=0.01) == 50
    plan = crawl_plan(3_477, margin=0.05, platforms=["bluesky"], typical_following=250, profiles_top=2_000)
    row = plan.iloc[0]
    assert int(row["sample"]) == 347
    assert int(row["requests"]) == 1 + 35 + 347 * 3 + -(-(347 + 2000) // 25)


def test_cli_prints_one_summary_line_on_stderr(network, serve, tmp_path):
    server = serve()
    name = network.accounts[network.followers(0)[0]].handle("bluesky")
    result = run_graphkit("-w", str(tmp_path / "ws"), "crawl", "bluesky", "following", name,
                          "--service", server.url)
    assert result.returncode == 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"crawl bluesky following {name}: ")
    assert "requests" in lines[0] and "complete" in lines[0]
    plan = run_graphkit("crawl", "plan", "--followers", "20000", "--margin", "0.03", "--format", "json")
    assert plan.returncode == 0
    assert [row["platform"] for row in json.loads(plan.stdout)] == ["bluesky", "mastodon", "x"]
    bad = run_graphkit("crawl", "plan", "--followers", "100", "--margin", "2")
    assert bad.returncode == 1 and bad.stderr.startswith("Error: --margin 2.0") and "Traceback" not in bad.stderr
    refused = run_graphkit("-w", str(tmp_path / "ws"), "crawl", "bluesky", "following", "x", "--service", "ftp://a")
    assert refused.returncode == 1 and "is not an http(s) URL" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_mastodon_lists_come_from_each_accounts_home_instance(network, serve, tmp_path):
    """Without --service, a remote follower's following list is read from its own instance."""
    from loaders.crawl import crawl_audience
    from tests.crawl.conftest import expected_follows, expected_sample

    home = serve(mastodon_domain="fake.social")
    remote = serve(mastodon_domain="remote.example")
    instances = {"fake.social": home.url, "remote.example": remote.url}
    summary = crawl_audience(Workspace(tmp_path / "ws"), "mastodon", "acme@fake.social", sample=30, random_seed=5,
                             options=fast_options(), instances=instances)
    assert summary.complete
    sample = expected_sample(network, "mastodon", 30, 5)
    assert workspace_follows(Workspace(tmp_path / "ws")) == expected_follows(network, "mastodon", sample)
    remote_sampled = {s for s in sample if network.accounts[s].remote and network.accounts[s].status == "ok"}
    assert remote_sampled  # the seed gives some
    listed_remotely = {index for (_, direction, index, _) in remote.page_counts if direction == "following"}
    listed_at_home = {index for (_, direction, index, _) in home.page_counts if direction == "following"}
    assert listed_remotely == remote_sampled
    assert not listed_at_home & remote_sampled
    assert home.validation_errors == remote.validation_errors == []
