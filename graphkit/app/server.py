"""``graphkit serve``: the app as an ASGI application (Starlette) served by uvicorn.

:func:`create_app` builds the application over a workspace path;
:func:`bind` opens the listening socket (so a port in use is a clear error
before anything starts, and port 0 picks a free one); :func:`run` serves until
Ctrl+C; :func:`start_in_thread` serves in a background thread (tests,
benchmarks, scripts) and returns a handle that stops it.

Examples
--------
>>> import tempfile, urllib.request
>>> from graphkit.tables import SourceTables
>>> from graphkit.workspace import Workspace
>>> path = tempfile.mkdtemp() + "/ws"
>>> _ = Workspace(path).commit([SourceTables.from_pairs("x.csv", [("fan", "brand"), ("fan", "star")])])
>>> running = start_in_thread(create_app(path), bind("127.0.0.1", 0))
>>> no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
>>> with no_proxy.open(running.url + "api/brands?q=bra") as answer:
...     answer.status, answer.read().decode()
(200, '{"brands":[{"account":"brand","followers":1,"observed":0,"display_name":null}]}')
>>> running.stop()
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from graphkit.app.pages import error_html
from graphkit.app.routes import build_routes
from graphkit.app.security import CSP, Guard, is_loopback
from graphkit.app.state import WarmWorkspace
from graphkit.app.views import AppConfig
from graphkit.errors import GraphkitError
from graphkit.tiers import TierScheme
from queries.plan import load_costs

__all__ = ["create_app", "bind", "run", "start_in_thread", "Running", "DEFAULT_PORT"]

DEFAULT_PORT = 8765
log = logging.getLogger("graphkit.app")


def create_app(
    workspace: str,
    *,
    tier_scheme: TierScheme | None = None,
    costs=None,
    platform: str | None = None,
    token: str | None = None,
    loopback_only: bool = True,
):
    """The ASGI application over ``workspace`` (see :mod:`graphkit.app.routes`), guarded.

    Parameters
    ----------
    workspace : path
        The workspace to serve (opened to read only, reopened when it changes).
    tier_scheme, costs, platform
        As the CLI gives them (``--tiers``, ``--costs``, ``--profile-links``).
    token : str, optional
        Require this token on every request (see :mod:`graphkit.app.security`).
    loopback_only : bool
        Refuse requests that do not address a loopback host.
    """
    scheme = tier_scheme or TierScheme.default()
    config = AppConfig(workspace=str(workspace), tier_scheme=scheme,
                       costs=costs or load_costs(tier_scheme=scheme), platform=platform)
    warm = WarmWorkspace(workspace)

    async def not_found(request: Request, exc: HTTPException) -> HTMLResponse:
        message = "there is no page here" if exc.status_code == 404 else str(exc.detail)
        return HTMLResponse(error_html(exc.status_code, message), status_code=exc.status_code,
                            headers={"content-security-policy": CSP})

    async def crashed(request: Request, exc: Exception) -> HTMLResponse:
        log.error("%s failed: %r", request.url.path, exc)
        return HTMLResponse(error_html(500, "graphkit hit an internal error; the details are in the "
                                            "terminal running graphkit serve"), status_code=500,
                            headers={"content-security-policy": CSP})

    app = Starlette(routes=build_routes(warm, config),
                    exception_handlers={HTTPException: not_found, Exception: crashed})
    app.state.warm = warm
    app.state.config = config
    return Guard(app, token=token, loopback_only=loopback_only)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0: any free port).

    Raises
    ------
    GraphkitError
        The port is in use or the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as err:
        sock.close()
        hint = ": pick another with --port" if err.errno in (98, 48) else ""
        raise GraphkitError(f"cannot listen on {host}:{port} ({err.strerror}){hint}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """``http://HOST:PORT/`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _server(app, sock: socket.socket):
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


def run(app, sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` until interrupted (Ctrl+C)."""
    if not logging.getLogger("graphkit.app").handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("graphkit serve: %(message)s"))
        log.addHandler(handler)
    try:
        _server(app, sock).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled: a normal way to stop
        pass


@dataclass
class Running:
    """A server started by :func:`start_in_thread`."""

    url: str
    server: object
    thread: threading.Thread
    sock: socket.socket

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to stop and wait (at most ``timeout`` seconds) for it."""
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()


def start_in_thread(app, sock: socket.socket, *, timeout: float = 30.0) -> Running:
    """Serve ``app`` on ``sock`` in a daemon thread; return once it accepts connections."""
    server = _server(app, sock)
    server.install_signal_handlers = lambda: None  # not the main thread
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="graphkit-serve")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise GraphkitError("graphkit serve did not start")
        time.sleep(0.02)
    return Running(url=url_of(sock), server=server, thread=thread, sock=sock)


def check_host(host: str, token: str | None) -> bool:
    """Whether the server on ``host`` must require a token (any non-loopback host does)."""
    return token is not None or not is_loopback(host)
