"""A generated follower network served as Bluesky, Mastodon and X would serve it (127.0.0.1 only).

Importable by tests and benchmarks, and runnable by hand for the README::

    python tests/crawl/fakenet.py --port 8787 [--seed 1] [--version 2] [--rate-limit 3000/300]

One server answers all three APIs (their paths differ): Bluesky's
``/xrpc/app.bsky.graph.getFollowers|getFollows``, ``/xrpc/app.bsky.actor.getProfiles``;
Mastodon's ``/api/v2/instance``, ``/api/v1/accounts/lookup``, ``/api/v1/accounts/:id[/followers|/following]``
(``Link`` pagination); X's ``/2/users/by/username/:u``, ``/2/users/:id/followers|following``
(``pagination_token``), ``/2/users?ids=``. Responses follow the documented shapes;
``tests/crawl/schemas.py`` validates them against the official models.

:class:`Network` is seeded: the same seed gives the same network, and
:meth:`Network.changed` gives a second version of it (follows added and
removed, a follower count crossing a tier boundary, a renamed handle) for
"audience over time". Special accounts test the skip paths: ``suspended``,
``deleted`` and ``private`` accounts appear in lists but their own lists and
profiles are refused the way each platform refuses them.

The server can enforce a rate limit (fixed windows, each platform's headers),
inject faults (429, 500, timeouts, dropped connections, malformed pages) by
rule or at random, and counts requests per list page so tests can check that
nothing was fetched twice.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["FakeAccount", "Network", "FakeServer", "Fault"]

MASTODON_DOMAIN = "fake.social"
REMOTE_DOMAIN = "remote.example"
EPOCH = "2024-01-15T12:00:00.000Z"


@dataclass
class FakeAccount:
    index: int
    name: str
    declared_extra: int
    posts: int
    status: str = "ok"  # ok | suspended | deleted | private
    remote: bool = False  # Mastodon: an account of another instance
    verified: bool = False

    @property
    def did(self) -> str:
        return f"did:plc:fake{self.index:06d}"

    @property
    def x_id(self) -> str:
        return str(1_400_000_000_000_000_000 + self.index * 7919)

    @property
    def masto_id(self) -> str:
        return self.masto_id_on(MASTODON_DOMAIN)

    def masto_id_on(self, domain: str) -> str:
        """Mastodon ids are per instance: the same account has another id on another server."""
        return str((109 if domain == MASTODON_DOMAIN else 209) * 1_000_000_000 + self.index)

    def handle(self, platform: str) -> str:
        if platform == "bluesky":
            return f"{self.name}.bsky.social"
        if platform == "mastodon":
            return f"{self.name}@{REMOTE_DOMAIN if self.remote else MASTODON_DOMAIN}"
        return self.name


@dataclass
class Network:
    """Accounts and follows; account 0 is the brand."""

    accounts: list[FakeAccount]
    follows: set[tuple[int, int]]
    _out: dict[int, list[int]] = field(default_factory=dict, repr=False)
    _in: dict[int, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self._out, self._in = {}, {}
        for a, b in sorted(self.follows):
            self._out.setdefault(a, []).append(b)
            self._in.setdefault(b, []).append(a)

    @property
    def brand(self) -> FakeAccount:
        return self.accounts[0]

    def following(self, i: int) -> list[int]:
        return self._out.get(i, [])

    def followers(self, i: int) -> list[int]:
        return self._in.get(i, [])

    def followers_count(self, i: int) -> int:
        """The declared follower count (the platform's number, above the in-network degree)."""
        return len(self.followers(i)) + self.accounts[i].declared_extra

    @classmethod
    def generate(cls, seed: int = 1, n: int = 600, brand_followers: int = 200, mean_following: int = 40,
                 niche: int = 30, long_lists: int = 3) -> Network:
        """A seeded network: popular accounts, a niche the brand's followers prefer, special accounts."""
        rng = random.Random(seed)
        names = set()
        accounts = []
        for i in range(n):
            name = "acme" if i == 0 else f"{rng.choice(_WORDS)}{rng.choice(_WORDS)}{i}"
            names.add(name)
            popularity = rng.paretovariate(1.2)
            extra = int(min(popularity * 400, 3_000_000)) + rng.randrange(0, 300)
            accounts.append(FakeAccount(i, name, extra, rng.randrange(0, 5000), remote=rng.random() < 0.1,
                                        verified=rng.random() < 0.05))
        accounts[0].declared_extra = 25_000
        followers_of_brand = set(rng.sample(range(1, n), brand_followers))
        niche_ids = rng.sample(range(1, n), niche)
        weights = [1.0 / i ** 0.6 for i in range(1, n)]
        follows: set[tuple[int, int]] = set()
        for i in range(1, n):
            k = max(1, int(rng.lognormvariate(math.log(mean_following), 0.6)))
            k = min(k, n - 2)
            chosen = set(rng.choices(range(1, n), weights=weights, k=k))
            if i in followers_of_brand:
                chosen |= {j for j in niche_ids if rng.random() < 0.45}
                follows.add((i, 0))
            follows |= {(i, j) for j in chosen if j != i}
        for i in list(followers_of_brand)[:long_lists]:  # lists longer than one page on every platform
            follows |= {(i, j) for j in range(1, min(n, 260)) if j != i}
        special = sorted(followers_of_brand)
        for index, status in zip(special[5:8], ("suspended", "deleted", "private")):
            accounts[index].status = status
        return cls(accounts, follows)

    def changed(self, seed: int = 2) -> Network:
        """The same network some time later: follows added and removed, a follower count
        crossing 10,000 (nano -> micro), a renamed handle."""
        rng = random.Random(seed)
        other = Network(copy.deepcopy(self.accounts), set(self.follows))
        ordered = sorted(other.follows)
        removed = set(rng.sample(ordered, max(1, len(ordered) // 50)))
        other.follows -= removed
        n = len(other.accounts)
        added = 0
        while added < max(1, len(ordered) // 50):
            a, b = rng.randrange(1, n), rng.randrange(0, n)
            if a != b and (a, b) not in self.follows:
                other.follows.add((a, b))
                added += 1
        brand_followers = [i for i in self.followers(0) if self.accounts[i].status == "ok"]
        renamed = other.accounts[brand_followers[0]]
        renamed.name = "renamed" + renamed.name  # still a valid handle on every platform
        other.reindex()
        crossing = next(a for a in other.accounts[1:] if a.status == "ok" and self.followers_count(a.index) < 9_000)
        crossing.declared_extra = 10_050 - len(other.followers(crossing.index))
        return other


_WORDS = ("trail", "peak", "river", "camp", "fox", "pine", "stone", "wild", "north", "sky", "moss", "lake",
          "cedar", "ridge", "dawn", "ember", "fern", "gale", "hawk", "isle")


# -- response shapes ---------------------------------------------------------------------
def bsky_view(net: Network, i: int, detailed: bool = False) -> dict:
    a = net.accounts[i]
    view = {"did": a.did, "handle": a.handle("bluesky"), "displayName": a.name.title(),
            "description": f"{a.name} posts about the outdoors", "indexedAt": EPOCH, "createdAt": EPOCH,
            "labels": [], "viewer": {"muted": False, "blockedBy": False}}
    if a.verified:
        view["verification"] = {"verifications": [], "verifiedStatus": "valid", "trustedVerifierStatus": "none"}
    if detailed:
        view.update(followersCount=net.followers_count(i), followsCount=len(net.following(i)),
                    postsCount=a.posts)
    return view


def masto_account(net: Network, i: int, serving: str = MASTODON_DOMAIN) -> dict:
    """Account ``i`` as the instance ``serving`` describes it (``acct`` is local there or not)."""
    a = net.accounts[i]
    domain = REMOTE_DOMAIN if a.remote else MASTODON_DOMAIN
    return {"id": a.masto_id_on(serving), "username": a.name,
            "acct": a.name if domain == serving else f"{a.name}@{domain}",
            "url": f"https://{domain}/@{a.name}", "display_name": a.name.title(),
            "note": f"<p>{a.name} posts about the outdoors</p>", "avatar": "https://fake.social/a.png",
            "avatar_static": "https://fake.social/a.png", "header": "https://fake.social/h.png",
            "header_static": "https://fake.social/h.png", "locked": a.status == "private", "fields": [],
            "emojis": [], "bot": False, "group": False, "discoverable": True, "created_at": EPOCH,
            "last_status_at": "2024-01-15", "statuses_count": a.posts,
            "followers_count": net.followers_count(i), "following_count": len(net.following(i))}


def x_user(net: Network, i: int) -> dict:
    a = net.accounts[i]
    return {"id": a.x_id, "name": a.name.title(), "username": a.name, "description": f"{a.name} posts about the outdoors",
            "verified": a.verified, "protected": a.status == "private",
            "public_metrics": {"followers_count": net.followers_count(i), "following_count": len(net.following(i)),
                               "tweet_count": a.posts, "listed_count": 0}}


@dataclass
class Fault:
    """Answer the ``nth`` request whose path+query contains ``match`` (and ``times - 1`` more) with a fault.

    kinds: ``429``, ``500``, ``503``, ``timeout`` (no answer for 6 seconds), ``reset``
    (connection closed), ``malformed`` (a 200 that is not the documented shape), ``html``
    (a 200 that is not JSON).
    """

    match: str
    kind: str
    nth: int = 1
    times: int = 1  # the nth and the next times - 1 matching requests
    seen: int = 0


class FakeServer:
    """The network on an HTTP server on 127.0.0.1; ``with FakeServer(net) as server: server.url``."""

    def __init__(self, network: Network, *, port: int = 0, rate_limit: tuple[int, float] | None = None,
                 page_cap: int | None = None, faults: list[Fault] | None = None, fault_rate: float = 0.0,
                 fault_seed: int = 0, validate=None, x_token: str | None = None,
                 mastodon_domain: str = MASTODON_DOMAIN) -> None:
        self.network = network
        self.rate_limit = rate_limit
        self.page_cap = page_cap
        self.faults = list(faults or [])
        self.fault_rate = fault_rate
        self.fault_rng = random.Random(fault_seed)
        self.validate = validate
        self.x_token = x_token
        self.mastodon_domain = mastodon_domain
        self.lock = threading.Lock()
        self.requests = 0
        self.page_counts: Counter = Counter()  # (platform, direction, account index, offset) -> fetches
        self.sent_at: list[float] = []  # arrival times (for rate-limit checks)
        self.too_many = 0
        self.user_agents: set[str] = set()
        self.validation_errors: list[str] = []
        self._window_start = time.time()
        self._window_count = 0
        self.index = {}
        for a in network.accounts:
            for key in (a.did, a.x_id, a.masto_id_on(mastodon_domain), a.handle("bluesky"), a.name):
                self.index[key] = a.index
            self.index[("acct", a.handle("mastodon"))] = a.index
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- bookkeeping -------------------------------------------------------------------------
    def _rate(self) -> tuple[dict, bool]:
        """Headers of the current window and whether this request is over the limit."""
        if self.rate_limit is None:
            return {}, False
        limit, window = self.rate_limit
        now = time.time()
        with self.lock:
            if now - self._window_start >= window:
                self._window_start += window * int((now - self._window_start) // window)
                self._window_count = 0
            self._window_count += 1
            over = self._window_count > limit
            remaining = max(0, limit - self._window_count)
            reset = self._window_start + window
        return {"limit": limit, "remaining": remaining, "reset": reset, "window": window}, over

    def _fault(self, target: str) -> str | None:
        with self.lock:
            for fault in self.faults:
                if fault.match in target:
                    fault.seen += 1
                    if fault.nth <= fault.seen < fault.nth + fault.times:
                        return fault.kind
            if self.fault_rate and self.fault_rng.random() < self.fault_rate:
                return self.fault_rng.choice(["429", "500", "reset", "malformed"])
        return None


def _rate_headers(platform: str, state: dict) -> dict[str, str]:
    if not state:
        return {}
    if platform == "bluesky":
        return {"ratelimit-limit": str(state["limit"]), "ratelimit-remaining": str(state["remaining"]),
                "ratelimit-reset": str(int(math.ceil(state["reset"]))),
                "ratelimit-policy": f"{state['limit']};w={int(state['window'])}"}
    if platform == "mastodon":
        reset = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(state["reset"])) + f".{int(state['reset'] % 1 * 1e6):06d}Z"
        return {"X-RateLimit-Limit": str(state["limit"]), "X-RateLimit-Remaining": str(state["remaining"]),
                "X-RateLimit-Reset": reset}
    return {"x-rate-limit-limit": str(state["limit"]), "x-rate-limit-remaining": str(state["remaining"]),
            "x-rate-limit-reset": str(int(math.ceil(state["reset"])))}


def _handler(server: FakeServer):
    net = server.network

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def send_json(self, status: int, body, platform: str, headers: dict | None = None, kind: str = "") -> None:
            if server.validate is not None and status == 200 and kind:
                problem = server.validate(platform, kind, body)
                if problem:
                    with server.lock:
                        server.validation_errors.append(f"{kind}: {problem}")
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            path = parts.path
            if path == "/_fakenet/stats":  # for benchmarks running the server in another process
                with server.lock:
                    stats = {"requests": server.requests, "too_many": server.too_many, "sent_at": server.sent_at,
                             "pages_fetched_twice": sum(n - 1 for n in server.page_counts.values())}
                return self.send_json(200, stats, "stats")
            platform = "bluesky" if path.startswith("/xrpc/") else "mastodon" if path.startswith("/api/") else "x"
            with server.lock:
                server.requests += 1
                server.sent_at.append(time.time())
                server.user_agents.add(self.headers.get("User-Agent", ""))
            rate, over = server._rate()
            headers = _rate_headers(platform, rate)
            if over:
                with server.lock:
                    server.too_many += 1
                headers["Retry-After"] = str(max(1, int(math.ceil(rate["reset"] - time.time()))))
                return self.send_json(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                                      platform, headers)
            fault = server._fault(self.path)
            if fault == "timeout":
                time.sleep(6.0)
                return self.send_json(500, {"error": "late"}, platform)
            if fault == "reset":
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if fault in ("429", "500", "503"):
                if fault == "429":
                    headers["Retry-After"] = "1"
                return self.send_json(int(fault), {"error": "InternalServerError" if fault != "429" else "RateLimitExceeded"},
                                      platform, headers)
            if fault == "html":
                data = b"<html>bad gateway</html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            if platform == "x" and server.x_token and self.headers.get("Authorization") != f"Bearer {server.x_token}":
                return self.send_json(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                            "detail": "Unauthorized"}, platform, headers)
            try:
                route = {"bluesky": self.bluesky, "mastodon": self.mastodon, "x": self.x}[platform]
                status, body, extra, kind = route(path, query)
            except KeyError:
                status, body, extra, kind = 404, {"error": "NotFound"}, {}, ""
            if fault == "malformed" and status == 200:
                body, kind = {"unexpected": True}, ""
            headers.update(extra)
            self.send_json(status, body, platform, headers, kind)

        # -- helpers ------------------------------------------------------------------------
        def page(self, platform: str, direction: str, index: int, offset: int, size: int) -> tuple[list[int], int | None]:
            members = net.following(index) if direction == "following" else net.followers(index)
            if server.page_cap:
                size = min(size, server.page_cap)
            with server.lock:
                server.page_counts[(platform, direction, index, offset)] += 1
            chunk = members[offset:offset + size]
            nxt = offset + size if offset + size < len(members) else None
            return chunk, nxt

        def bluesky(self, path: str, query: dict):
            method = path.removeprefix("/xrpc/")
            if method == "app.bsky.actor.getProfiles":
                views = []
                for actor in query.get("actors", [])[:25]:
                    i = server.index.get(actor)
                    if i is not None and net.accounts[i].status in ("ok", "private"):
                        views.append(bsky_view(net, i, detailed=True))
                return 200, {"profiles": views}, {}, "getProfiles"
            if method in ("app.bsky.graph.getFollowers", "app.bsky.graph.getFollows"):
                i = server.index.get(query.get("actor", [""])[0])
                if i is None:
                    return 400, {"error": "InvalidRequest", "message": "Profile not found"}, {}, ""
                status = net.accounts[i].status
                if status == "suspended":
                    return 400, {"error": "AccountTakedown", "message": "Account has been suspended"}, {}, ""
                if status == "deleted":
                    return 400, {"error": "InvalidRequest", "message": "Profile not found"}, {}, ""
                if status == "private":
                    return 400, {"error": "BlockedByActor", "message": "Requester is blocked by the actor"}, {}, ""
                direction = "followers" if method.endswith("getFollowers") else "following"
                limit = min(100, int(query.get("limit", ["50"])[0]))
                offset = int(query.get("cursor", ["c0"])[0][1:])
                chunk, nxt = self.page("bluesky", direction, i, offset, limit)
                field_name = "followers" if direction == "followers" else "follows"
                body = {"subject": bsky_view(net, i), field_name: [bsky_view(net, j) for j in chunk]}
                if nxt is not None:
                    body["cursor"] = f"c{nxt}"
                return 200, body, {}, method.rsplit(".", 1)[1]
            raise KeyError(method)

        def mastodon(self, path: str, query: dict):
            if path == "/api/v2/instance":
                return 200, {"domain": server.mastodon_domain, "title": "Fake Social", "version": "4.3.0"}, {}, ""
            if path == "/api/v1/accounts/lookup":
                acct = query.get("acct", [""])[0]
                i = server.index.get(("acct", acct if "@" in acct else f"{acct}@{server.mastodon_domain}"))
                if i is None or net.accounts[i].status == "deleted":
                    return 404, {"error": "Record not found"}, {}, ""
                if net.accounts[i].status == "suspended":
                    return 410, {"error": "Account is suspended"}, {}, ""
                return 200, masto_account(net, i, server.mastodon_domain), {}, "Account"
            parts = path.split("/")  # ['', 'api', 'v1', 'accounts', ID, (direction)]
            if len(parts) < 5 or parts[3] != "accounts":
                raise KeyError(path)
            i = server.index.get(parts[4])
            if i is None or net.accounts[i].status == "deleted":
                return 404, {"error": "Record not found"}, {}, ""
            if net.accounts[i].status == "suspended":
                return 410, {"error": "Account is suspended"}, {}, ""
            if len(parts) == 5:
                return 200, masto_account(net, i, server.mastodon_domain), {}, "Account"
            direction = parts[5]
            if direction not in ("followers", "following"):
                raise KeyError(path)
            if net.accounts[i].status == "private":
                return 403, {"error": "This action is not allowed"}, {}, ""
            limit = min(80, int(query.get("limit", ["40"])[0]))
            offset = int(query.get("max_id", ["0"])[0])
            chunk, nxt = self.page("mastodon", direction, i, offset, limit)
            headers = {}
            if nxt is not None:
                base = f"https://{server.mastodon_domain}/api/v1/accounts/{parts[4]}/{direction}"
                headers["Link"] = (f'<{base}?{urlencode({"limit": limit, "max_id": nxt})}>; rel="next", '
                                   f'<{base}?{urlencode({"limit": limit, "min_id": offset})}>; rel="prev"')
            return 200, [masto_account(net, j, server.mastodon_domain) for j in chunk], headers, "Accounts"

        def x(self, path: str, query: dict):
            if path.startswith("/2/users/by/username/"):
                i = server.index.get(path.rsplit("/", 1)[1].lower())
                if i is None or net.accounts[i].status == "deleted":
                    return 200, {"errors": [_x_error("not-found", path.rsplit("/", 1)[1])]}, {}, "Envelope"
                if net.accounts[i].status == "suspended":
                    return 200, {"errors": [_x_error("suspended", path.rsplit("/", 1)[1])]}, {}, "Envelope"
                return 200, {"data": x_user(net, i)}, {}, "Envelope"
            if path == "/2/users":
                data, errors = [], []
                for value in query.get("ids", [""])[0].split(",")[:100]:
                    i = server.index.get(value)
                    if i is None or net.accounts[i].status in ("deleted", "suspended"):
                        errors.append(_x_error("not-found", value))
                    else:
                        data.append(x_user(net, i))
                body = {"data": data} if data else {}
                if errors:
                    body["errors"] = errors
                return 200, body, {}, "Envelope"
            parts = path.split("/")  # ['', '2', 'users', ID, direction]
            if len(parts) != 5 or parts[4] not in ("followers", "following"):
                raise KeyError(path)
            i = server.index.get(parts[3])
            if i is None or net.accounts[i].status in ("deleted", "suspended"):
                return 200, {"errors": [_x_error("not-found", parts[3])]}, {}, "Envelope"
            if net.accounts[i].status == "private":
                return 200, {"errors": [_x_error("protected", parts[3])]}, {}, "Envelope"
            limit = min(1000, int(query.get("max_results", ["100"])[0]))
            offset = int(query.get("pagination_token", ["t0"])[0][1:])
            chunk, nxt = self.page("x", parts[4], i, offset, limit)
            meta = {"result_count": len(chunk)}
            if nxt is not None:
                meta["next_token"] = f"t{nxt}"
            body = {"data": [x_user(net, j) for j in chunk], "meta": meta} if chunk else {"meta": meta}
            return 200, body, {}, "Envelope"

    return Handler


def _x_error(kind: str, value: str) -> dict:
    if kind == "protected":
        return {"title": "Authorization Error", "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
                "detail": f"Sorry, you are not authorized to see the user with id: [{value}].",
                "resource_type": "user", "parameter": "id", "value": value}
    detail = f"User has been suspended: [{value}]." if kind == "suspended" else f"Could not find user: [{value}]."
    return {"title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found",
            "detail": detail, "resource_type": "user", "parameter": "id", "value": value}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--seed", type=int, default=1, help="network seed")
    parser.add_argument("--accounts", type=int, default=600)
    parser.add_argument("--brand-followers", type=int, default=200)
    parser.add_argument("--mean-following", type=int, default=40)
    parser.add_argument("--page-cap", type=int, default=None, help="serve at most this many entries a page")
    parser.add_argument("--version", type=int, default=1, choices=(1, 2), help="2: the changed network")
    parser.add_argument("--rate-limit", default=None, metavar="N/SECONDS", help="e.g. 3000/300")
    parser.add_argument("--seconds", type=float, default=3600, help="stop after this long")
    args = parser.parse_args(argv)
    network = Network.generate(seed=args.seed, n=args.accounts, brand_followers=args.brand_followers,
                               mean_following=args.mean_following)
    if args.version == 2:
        network = network.changed()
    rate = None
    if args.rate_limit:
        count, seconds = args.rate_limit.split("/")
        rate = (int(count), float(seconds))
    with FakeServer(network, port=args.port, rate_limit=rate, x_token="demo-token", page_cap=args.page_cap) as server:
        print(f"serving {len(network.accounts)} accounts, {len(network.follows)} follows on {server.url} "
              f"(brand: acme.bsky.social, acme@{MASTODON_DOMAIN}, acme; X token: demo-token)", flush=True)
        try:
            time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
