"""Crawls killed with SIGKILL and resumed end equal to an uninterrupted crawl, fetching no list twice."""

from __future__ import annotations

import signal

import pytest

from graphkit.workspace import Workspace
from loaders.crawl import crawl_documents
from tests.crawl.conftest import BRAND, TOKEN, expected_follows, expected_sample, workspace_follows
from tests.support import graphkit_process, run_graphkit, wait_for

SAMPLE, SEED = 15, 11


def _command(workspace, url, *extra):
    return ("-w", str(workspace), "crawl", "bluesky", "audience", BRAND["bluesky"], "--sample", str(SAMPLE),
            "--random-seed", str(SEED), "--service", url, "--checkpoint-seconds", "0", *extra)


def _done_pages(workspace) -> set[tuple[str, int]]:
    """(direction, account index) of the lists the workspace records as done."""
    lists = crawl_documents(Workspace(workspace)).get("bluesky", {}).get("lists", {})
    return {(key.split()[0], int(key.split()[1].removeprefix("did:plc:fake"))) for key, entry in lists.items()
            if entry.get("done")}


@pytest.mark.parametrize("checkpoint", [2, 9, 20])
def test_killed_right_after_a_checkpoint(checkpoint, network, serve, tmp_path):
    server = serve()
    ws = tmp_path / "ws"
    killed = run_graphkit(*_command(ws, server.url, "--concurrency", "1"),
                          env={"GRAPHKIT_CRAWL_FAULT": f"kill-after-checkpoint:{checkpoint}"})
    assert killed.returncode == -signal.SIGKILL
    done_at_kill = _done_pages(ws)
    counts_at_kill = dict(server.page_counts)
    resumed = run_graphkit(*_command(ws, server.url))
    assert resumed.returncode == 0, resumed.stderr
    assert "complete" in resumed.stderr
    sample = expected_sample(network, "bluesky", SAMPLE, SEED)
    assert workspace_follows(Workspace(ws)) == expected_follows(network, "bluesky", sample)
    # lists recorded as done were never fetched again
    for (platform, direction, index, offset), count in server.page_counts.items():
        if (direction, index) in done_at_kill:
            assert count == counts_at_kill[(platform, direction, index, offset)] == 1
    # at most the one request in flight when the checkpoint was written is fetched twice
    assert sum(count - 1 for count in server.page_counts.values()) <= 1


def test_killed_at_random_moments_then_resumed(network, serve, tmp_path):
    server = serve()
    ws = tmp_path / "ws"
    for stop_at in (3, 20, 45):
        process = graphkit_process(*_command(ws, server.url))
        try:
            wait_for(lambda p=process, n=stop_at: server.requests >= n or p.poll() is not None, timeout=60,
                     what=f"{stop_at} requests")
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            process.stdout.close()
            process.stderr.close()
        Workspace(ws).verify(deep=True)  # never half-written
    before = {key for key, count in server.page_counts.items()}
    done = _done_pages(ws)
    counts = dict(server.page_counts)
    finished = run_graphkit(*_command(ws, server.url))
    assert finished.returncode == 0, finished.stderr
    sample = expected_sample(network, "bluesky", SAMPLE, SEED)
    assert workspace_follows(Workspace(ws)) == expected_follows(network, "bluesky", sample)
    for key in before:
        if (key[1], key[2]) in done:
            assert server.page_counts[key] == counts[key]  # a done list is not fetched again


def test_uninterrupted_and_resumed_workspaces_are_equal(network, serve, tmp_path):
    server = serve()
    straight, broken = tmp_path / "straight", tmp_path / "broken"
    assert run_graphkit(*_command(straight, server.url)).returncode == 0
    run_graphkit(*_command(broken, server.url, "--concurrency", "1"),
                 env={"GRAPHKIT_CRAWL_FAULT": "kill-after-checkpoint:5"})
    assert run_graphkit(*_command(broken, server.url)).returncode == 0
    a, b = Workspace(straight).graph, Workspace(broken).graph
    columns = ["key", "observed", "followers_count", "following_count", "posts_count", "bio", "display_name"]
    left = a.accounts[columns].sort_values("key").reset_index(drop=True)
    right = b.accounts[columns].sort_values("key").reset_index(drop=True)
    assert left.astype(str).equals(right.astype(str))
    assert workspace_follows(Workspace(straight)) == workspace_follows(Workspace(broken))


def test_the_token_is_never_shown(serve, tmp_path, monkeypatch):
    """A refused token, --help, the workspace and the summary never hold X_BEARER_TOKEN."""
    server = serve()
    ws = tmp_path / "ws"
    ok = run_graphkit("-w", str(ws), "crawl", "x", "audience", "acme", "--sample", "5", "--random-seed", "1",
                      "--service", server.url)
    assert ok.returncode == 0, ok.stderr
    wrong = "wrong-token-77aa"
    refused = run_graphkit("-w", str(ws), "crawl", "x", "followers", "acme", "--service", server.url,
                           env={"X_BEARER_TOKEN": wrong})
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: acme: the X API refused the request (HTTP 401")
    assert "Traceback" not in refused.stderr
    helps = [run_graphkit("crawl", "x", name, "--help").stdout for name in ("audience", "followers", "expand")]
    for text in [ok.stdout, ok.stderr, refused.stdout, refused.stderr, *helps]:
        assert TOKEN not in text and wrong not in text
    for file in ws.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert TOKEN.encode() not in data and wrong.encode() not in data
    missing = run_graphkit("-w", str(ws), "crawl", "x", "followers", "acme", "--service", server.url,
                           env={"X_BEARER_TOKEN": ""})
    assert missing.returncode == 1 and "set X_BEARER_TOKEN" in missing.stderr
