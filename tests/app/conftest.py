"""Fixtures of the app and landscape tests: the demo workspace, a running server, chromium."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory) -> Path:
    """The bundled demo (``graphkit demo``) in a workspace, built once; read it, never write to it."""
    from graphkit.demo import build_demo
    from graphkit.workspace import Workspace

    path = tmp_path_factory.mktemp("app-demo") / "ws"
    build_demo(Workspace(path))
    return path


@pytest.fixture(scope="session")
def demo_graph(demo_ws):
    from graphkit.workspace import open_workspace

    return open_workspace(demo_ws).graph


def nmi(a, b) -> float:
    """Normalized mutual information (arithmetic mean) of two labellings."""
    a, b = np.asarray(a), np.asarray(b)
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    joint = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(joint, (ia, ib), 1.0)
    joint /= len(a)
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    nz = joint > 0
    mutual = float((joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz])).sum())
    entropy = -float((pa * np.log(pa)).sum()) - float((pb * np.log(pb)).sum())
    return 2 * mutual / entropy if entropy > 0 else 1.0


class Client:
    """GETs against a running app over 127.0.0.1 (no proxy), JSON or bytes back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.url + path.lstrip("/"), headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def json(self, path: str):
        import json

        status, _, body = self.get(path)
        return status, json.loads(body)


@pytest.fixture(scope="module")
def app_server(demo_ws):
    """``graphkit serve`` on the demo, on a free loopback port, for the module's tests."""
    from graphkit.app.server import bind, create_app, start_in_thread

    running = start_in_thread(create_app(str(demo_ws)), bind("127.0.0.1", 0))
    yield running
    running.stop()


@pytest.fixture
def client(app_server) -> Client:
    return Client(app_server.url)


from tests.exports.test_browser import chromium  # noqa: E402,F401  (the shared browser fixture)

#: The load dates of ``history_ws``.
HISTORY_DATES = ("2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00")


@pytest.fixture(scope="session")
def history_ws(tmp_path_factory) -> Path:
    """A brand's whole followers list and its followers' whole following lists, loaded at three dates:
    fan7 leaves in February, fan8 comes; everyone starts following ``rising`` in March."""
    import os

    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    folder = tmp_path_factory.mktemp("app-history")
    versions = [
        ([f"fan{i}" for i in range(8)], {f"fan{i}": ["brand", "old", f"x{i % 3}"] for i in range(8)}),
        ([f"fan{i}" for i in range(7)] + ["fan8"], {f"fan{i}": ["brand", f"x{i % 3}"] + (["old"] if i < 2 else [])
                                                     for i in (*range(7), 8)}),
        ([f"fan{i}" for i in range(7)] + ["fan8"], {f"fan{i}": ["brand", "rising", f"x{i % 3}"]
                                                     for i in (*range(7), 8)}),
    ]
    saved = os.environ.get("GRAPHKIT_NOW")
    try:
        ws = open_workspace(folder / "ws")
        for when, (followers, following) in zip(HISTORY_DATES, versions):
            os.environ["GRAPHKIT_NOW"] = when
            (folder / "brand.txt").write_text("\n".join(followers) + "\n", encoding="utf-8")
            load_files(ws, "followers", [folder / "brand.txt"], of="brand")
            for fan, accounts in following.items():
                (folder / f"{fan}.txt").write_text("\n".join(accounts) + "\n", encoding="utf-8")
                load_files(ws, "following", [folder / f"{fan}.txt"], of=fan)
            ws.close()
    finally:
        if saved is None:
            os.environ.pop("GRAPHKIT_NOW", None)
        else:
            os.environ["GRAPHKIT_NOW"] = saved
    return folder / "ws"
