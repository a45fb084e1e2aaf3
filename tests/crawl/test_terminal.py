"""Ctrl-C saves what was fetched; a terminal gets a progress bar, a pipe only the summary."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

from graphkit.workspace import Workspace
from loaders.crawl import crawl_documents
from tests.crawl.conftest import BRAND, expected_follows, expected_sample, workspace_follows
from tests.support import graphkit_process, run_graphkit, wait_for


def _audience(ws, url, *extra):
    return ("-w", str(ws), "crawl", "bluesky", "audience", BRAND["bluesky"], "--sample", "20", "--random-seed", "3",
            "--service", url, *extra)


def test_ctrl_c_saves_and_the_same_command_continues(network, serve, tmp_path):
    server = serve(rate_limit=(30, 3.0))  # slow enough to interrupt in the middle
    ws = tmp_path / "ws"
    # a child inherits an ignored SIGINT (a test run started in the background): restore it, as a terminal has it
    process = graphkit_process(*_audience(ws, server.url, "--checkpoint-seconds", "60"),
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for(lambda: server.requests >= 12 or process.poll() is not None, timeout=180, what="12 requests")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err.decode().strip().endswith("interrupted: what was fetched is saved; run the same command again to continue")
    assert "Traceback" not in err.decode()
    # saved although the checkpoint interval (60 s) had not passed
    state = crawl_documents(Workspace(ws))["bluesky"]
    assert any(entry.get("done") for entry in state["lists"].values())
    done = run_graphkit(*_audience(ws, server.url))
    assert done.returncode == 0, done.stderr
    sample = expected_sample(network, "bluesky", 20, 3)
    assert workspace_follows(Workspace(ws)) == expected_follows(network, "bluesky", sample)


def test_progress_bar_on_a_terminal_only(serve, tmp_path):
    server = serve(rate_limit=(40, 2.0))
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160"}
    process = subprocess.Popen([sys.executable, "-m", "graphkit.cli.main", *_audience(tmp_path / "ws", server.url)],
                               stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(leader)
    text = screen.decode(errors="replace")
    assert process.returncode == 0
    assert "\rbluesky audience acme.bsky.social" in text
    assert "lists " in text and "ETA " in text and "waits " in text
    assert text.rstrip().splitlines()[-1].startswith("crawl bluesky audience acme.bsky.social")
    # through a pipe: the summary line alone
    piped = run_graphkit(*_audience(tmp_path / "ws2", server.url))
    assert piped.returncode == 0 and len(piped.stderr.splitlines()) == 1
