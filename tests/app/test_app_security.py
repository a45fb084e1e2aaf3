"""Who may talk to the app: loopback host check, tokens (header, bearer, cookie from a link),
and `graphkit serve --host` refusing to run open: a generated token, printed once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from graphkit.app.security import COOKIE
from graphkit.app.server import bind, create_app, start_in_thread

from .conftest import Client


def test_loopback_server_refuses_other_host_names(client):
    assert client.get("/api/status")[0] == 200
    assert client.get("/api/status", headers={"Host": "localhost:1"})[0] == 200
    status, _, body = client.get("/api/status", headers={"Host": "attacker.example:8765"})
    assert status == 421 and b"only answers requests addressed to 127.0.0.1" in body


@pytest.fixture
def token_server(demo_ws):
    running = start_in_thread(create_app(str(demo_ws), token="s3cret-token", loopback_only=False),
                              bind("127.0.0.1", 0))
    yield Client(running.url)
    running.stop()


def test_every_request_needs_the_token(token_server):
    for path in ("/", "/api/status", "/static/app.js", "/download/shortlist.csv?brand=acme"):
        status, headers, body = token_server.get(path)
        assert status == 401, path
        assert b"access token" in body and b"s3cret" not in body
    assert token_server.get("/api/status", headers={"X-Graphkit-Token": "wrong"})[0] == 401
    assert token_server.get("/api/status", headers={"X-Graphkit-Token": "s3cret-token"})[0] == 200
    assert token_server.get("/api/status", headers={"Authorization": "Bearer s3cret-token"})[0] == 200
    assert token_server.get("/api/status", headers={"Cookie": f"{COOKIE}=s3cret-token"})[0] == 200
    assert token_server.get("/api/status", headers={"Cookie": f"{COOKIE}=nope"})[0] == 401
    assert token_server.get("/?token=wrong")[0] == 401


def test_the_token_link_sets_a_cookie_and_leaves_the_address_bar(token_server):
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    try:
        opener.open(token_server.url + "?brand=acme&token=s3cret-token&view=plan", timeout=30)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
        assert answer.headers["Location"] == "/?brand=acme&view=plan"
        cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=s3cret-token") and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def _serve(args, demo_ws, env=None):
    command = [sys.executable, "-m", "graphkit.cli.main", "-w", str(demo_ws), "serve", "--port", "0", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _first_line(process, timeout=60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            return line.strip()
        if process.poll() is not None:
            break
    raise AssertionError(f"graphkit serve printed no address: {process.stderr.read()}")


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_on_another_host_generates_a_token_and_refuses_without_it(demo_ws):
    process = _serve(["--host", "0.0.0.0"], demo_ws)
    try:
        link = _first_line(process)
        assert "?token=" in link
        base, token = link.split("?token=")
        assert len(token) >= 32
        port = base.rstrip("/").rsplit(":", 1)[1]
        local = Client(f"http://127.0.0.1:{port}/")
        assert local.get("/api/status")[0] == 401
        assert local.get("/api/status", headers={"X-Graphkit-Token": token})[0] == 200
    finally:
        _stop(process)
    err = process.stderr.read()
    assert "access token generated" in err and token not in err  # printed once, on stdout
    assert "Traceback" not in err


def test_serve_errors_are_one_line(tmp_path, demo_ws):
    process = subprocess.run([sys.executable, "-m", "graphkit.cli.main", "-w", str(tmp_path / "none"), "serve"],
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 1  # the workspace check every reading command has (graphkit/cli/state.py)
    assert process.stderr.strip().startswith(f"Error: no workspace at {tmp_path / 'none'}")
    assert "graphkit demo" in process.stderr and len(process.stderr.strip().splitlines()) == 1
    (tmp_path / "empty").mkdir()
    process = subprocess.run([sys.executable, "-m", "graphkit.cli.main", "-w", str(tmp_path / "empty"), "serve"],
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 1 and process.stderr.startswith(f"Error: workspace {tmp_path / 'empty'} is empty")
    assert len(process.stderr.strip().splitlines()) == 1
    with bind("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        process = subprocess.run([sys.executable, "-m", "graphkit.cli.main", "-w", str(demo_ws), "serve",
                                  "--port", str(port)], capture_output=True, text=True, timeout=120)
    assert process.returncode == 1 and "pick another with --port" in process.stderr
    assert "Traceback" not in process.stderr


def test_help_does_not_import_the_web_stack():
    code = ("import sys; from graphkit.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('starlette', 'uvicorn', 'xlsxwriter', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    serve_help = subprocess.run([sys.executable, "-m", "graphkit.cli.main", "serve", "--help"],
                                capture_output=True, text=True, timeout=120).stdout
    examples = serve_help.split("Examples:\n")[-1].splitlines()
    assert examples and all("graphkit -w graphkit-demo serve --port" in line for line in examples)
