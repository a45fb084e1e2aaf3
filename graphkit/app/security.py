"""Who may talk to ``graphkit serve``, and what its pages may do.

* **Loopback by default.** The server binds ``127.0.0.1``. Any other ``--host``
  needs a token: given with ``--token`` (or ``$GRAPHKIT_TOKEN``) or generated
  and printed once at start. Every request must then carry it: an
  ``Authorization: Bearer TOKEN`` or ``X-Graphkit-Token`` header, or the
  cookie that opening the printed ``?token=`` link sets (``HttpOnly``,
  ``SameSite=Strict``; the link then redirects to the same page without the
  token, so it does not stay in the address bar or the history). Tokens are
  compared in constant time.
* **Host check.** On loopback, requests must name a loopback host
  (``127.0.0.1``, ``localhost``, ``[::1]``): a web page elsewhere cannot reach
  the server through DNS rebinding.
* **Headers.** Every response says ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` and ``X-Frame-Options: DENY``; pages carry
  :data:`CSP`, which allows the app's own scripts, styles and API calls, a
  ``blob:`` worker for the layout, and nothing from anywhere else.

The app only reads (every route is ``GET``), so there is no state to forge a
request against.

Examples
--------
>>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
(True, True, False)
>>> len(new_token()) >= 32
True
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

__all__ = ["CSP", "COOKIE", "is_loopback", "new_token", "Guard"]

#: The app's pages: own scripts and styles, API calls to itself, a blob: worker, nothing else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
COOKIE = "graphkit_token"
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only reaches this machine."""
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A fresh random access token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class Guard:
    """ASGI middleware: host check, token check, security headers (see the module notes)."""

    def __init__(self, app: Callable, *, token: str | None, loopback_only: bool) -> None:
        self.app = app
        self.token = token
        self.loopback_only = loopback_only

    def _token_ok(self, offered: str | None) -> bool:
        return bool(offered) and hmac.compare_digest(offered.encode(), self.token.encode())

    async def __call__(self, scope: dict, receive: Callable, send: Callable[[dict], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.loopback_only and not is_loopback(_host_name(headers.get("host", ""))):
            await _plain(send, 421, "This graphkit server only answers requests addressed to 127.0.0.1 or localhost.")
            return
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if "token" in query and scope["method"] == "GET":
                if not self._token_ok(query["token"]):
                    await _plain(send, 401, "This link's token is wrong: open the link graphkit serve printed.")
                    return
                rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                                  if k != "token"])
                location = scope.get("path", "/") + (f"?{rest}" if rest else "")
                cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                await send({"type": "http.response.start", "status": 303, "headers": [
                    (b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
                    (b"cache-control", b"no-store"), *_HEADERS]})
                await send({"type": "http.response.body", "body": b""})
                return
            offered = headers.get("x-graphkit-token")
            authorization = headers.get("authorization", "")
            if authorization.lower().startswith("bearer "):
                offered = authorization[7:].strip()
            if offered is None and "cookie" in headers:
                jar = SimpleCookie()
                try:
                    jar.load(headers["cookie"])
                except Exception:  # a malformed Cookie header is treated as no cookie
                    jar = SimpleCookie()
                if COOKIE in jar:
                    offered = jar[COOKIE].value
            if not self._token_ok(offered):
                await _plain(send, 401, "This graphkit server needs its access token: open the link it "
                                        "printed when it started (it ends in ?token=...).")
                return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send: Callable, status: int, text: str) -> None:
    body = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>graphkit</title></head>"
        f"<body><p>{text}</p></body></html>"
    ).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/html; charset=utf-8"), (b"content-security-policy", b"default-src 'none'"),
        (b"cache-control", b"no-store"), *_HEADERS]})
    await send({"type": "http.response.body", "body": body})
