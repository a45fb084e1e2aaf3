"""Crawler throughput: parsing, an unlimited local server, and a 3,000-per-5-minutes limit.

``python -m benchmarks.bench_crawl [--limited-seconds 330] [--quick] [--no-report]``

1. **Parsing** (CPU only): list pages as the platforms serve them (Bluesky 100
   profile views, Mastodon 80 Accounts, X 1,000 Users), pre-encoded, run through
   the crawler's reply parsing (``orjson.loads`` + the platform module's page
   parser, as the client does). The reference, measured in the same run, is the
   standard library's ``json.loads`` alone (what ``httpx``'s ``Response.json()``
   would cost before any conversion).
2. **Unlimited**: ``crawl bluesky audience`` against the fake network server
   (``tests/crawl/fakenet.py``, in its own process on 127.0.0.1) without a rate
   limit: requests per second end to end, checkpoints included.
3. **Limited**: the same with the server enforcing 3,000 requests per 5 minutes
   (Bluesky's AppView limit) in fixed windows, run for longer than one window: the
   crawler's rate, the most requests the server saw in any 300-second span, and
   its 429s (must be 0).

Results are printed and written between the ``crawl`` markers of
``docs/benchmarks.md``; the machine and whether others loaded it are stated there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _parse_rows(seconds: float = 3.0) -> list[dict]:
    import orjson

    from loaders.crawl import bluesky, mastodon, x
    from loaders.crawl.http import Reply
    from tests.crawl.fakenet import Network, bsky_view, masto_account, x_user

    net = Network.generate(seed=5, n=1200)
    bodies = {
        "bluesky": [json.dumps({"subject": bsky_view(net, 0), "follows": [bsky_view(net, j) for j in range(k, k + 100)],
                                "cursor": "c1"}).encode() for k in range(0, 1000, 100)],
        "mastodon": [json.dumps([masto_account(net, j) for j in range(k, k + 80)]).encode() for k in range(0, 800, 80)],
        "x": [json.dumps({"data": [x_user(net, j) for j in range(k, k + 200)] * 5,
                          "meta": {"result_count": 1000, "next_token": "t1"}}).encode() for k in range(0, 1000, 200)],
    }
    link = {"link": '<https://fake.social/api/v1/accounts/1/following?limit=80&max_id=80>; rel="next"'}
    parsers = {
        "bluesky": lambda data: bluesky.parse_list_page(Reply(200, {}, data, ""), "follows"),
        "mastodon": lambda data: mastodon.parse_list_page(Reply(200, link, data, ""), "fake.social"),
        "x": lambda data: x.parse_list_page(Reply(200, {}, data, "")),
    }
    rows = []
    for name, pages in bodies.items():
        entries = len(json.loads(pages[0])["follows"]) if name == "bluesky" else (
            len(json.loads(pages[0])) if name == "mastodon" else 1000)
        rates = {}
        for label, work in (("json", lambda b: json.loads(b)), ("crawler", lambda b, parse=parsers[name]: parse(orjson.loads(b)))):
            # CPU seconds of this process: the parsing is CPU-bound, and other users of a
            # shared machine inflate wall time far more than the CPU time of the work itself
            count, start, wall = 0, time.process_time(), time.perf_counter()
            while time.perf_counter() - wall < seconds:
                for body in pages:
                    work(body)
                count += len(pages)
            rates[label] = count / (time.process_time() - start)
        rows.append({"row": f"parse {name} list pages ({entries} entries, {len(pages[0]) // 1024} KiB)",
                     "pages_per_s": rates["crawler"], "entries_per_s": rates["crawler"] * entries,
                     "json_loads_pages_per_s": rates["json"], "ratio_to_json_loads": rates["crawler"] / rates["json"]})
    return rows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server(port: int, *extra: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(ROOT / "tests/crawl/fakenet.py"), "--port", str(port),
                                "--accounts", "6000", "--brand-followers", "3400", "--mean-following", "30",
                                "--seconds", "1800", *extra], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    process.stdout.readline()  # "serving ..." once it listens
    return process


def _stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_fakenet/stats", timeout=30) as reply:
        return json.loads(reply.read())


def _crawl_row(label: str, server_args: list[str], sample: int, max_requests: int | None,
               limit_window: float | None) -> dict:
    port = _free_port()
    server = _server(port, *server_args)
    workspace = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    try:
        command = [sys.executable, "-m", "graphkit.cli.main", "-w", str(workspace), "crawl", "bluesky", "audience",
                   "acme.bsky.social", "--sample", str(sample), "--random-seed", "1", "--profiles-top", "500",
                   "--service", f"http://127.0.0.1:{port}"]
        if max_requests:
            command += ["--max-requests", str(max_requests)]
        start, cpu_before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={**os.environ})
        elapsed = time.perf_counter() - start
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        if result.returncode != 0:
            raise SystemExit(f"crawl failed: {result.stderr}")
        stats = _stats(port)
        times = sorted(stats["sent_at"])
        busiest = 0
        if limit_window:
            j = 0
            for i, t in enumerate(times):
                while times[j] < t - limit_window:
                    j += 1
                busiest = max(busiest, i - j + 1)
        span = times[-1] - times[0] if len(times) > 1 else elapsed
        return {"row": label, "requests": stats["requests"], "seconds": elapsed, "crawler_cpu": cpu,
                "requests_per_s": stats["requests"] / span, "http_429": stats["too_many"],
                "busiest_window": busiest, "pages_fetched_twice": stats["pages_fetched_twice"],
                "summary": result.stderr.strip().splitlines()[-1]}
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workspace, ignore_errors=True)


def _machine() -> str:
    load = os.getloadavg()
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load[0]:.1f} at the start (others were using the machine: figures are under load)"
            if load[0] > 1.0 else f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, idle")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limited-seconds", type=float, default=330.0,
                        help="how long to run under the 3,000/5 min limit (longer than one window)")
    parser.add_argument("--quick", action="store_true", help="a 300/30 s limit instead (same rate, 40 s)")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    machine = _machine()
    rows = _parse_rows()
    rows.append(_crawl_row("crawl, no rate limit (concurrency 4)", [], sample=1500, max_requests=None,
                           limit_window=None))
    limit, window = (300, 30) if args.quick else (3000, 300)
    seconds = 40 if args.quick else args.limited_seconds
    rows.append(_crawl_row(f"crawl, server limit {limit:,} per {window} s", ["--rate-limit", f"{limit}/{window}"],
                           sample=3300, max_requests=int(seconds * limit / window), limit_window=window))
    text = _markdown(rows, machine, limit, window)
    print(text)
    if not args.no_report:
        target = ROOT / "docs" / "benchmarks.md"
        doc = target.read_text()
        begin, end = "<!-- crawl:begin -->", "<!-- crawl:end -->"
        block = f"{begin}\n{text}\n{end}"
        if begin in doc:
            doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
        else:
            doc = doc.rstrip() + "\n\n## Crawler throughput\n\n" + block + "\n"
        target.write_text(doc)


def _markdown(rows: list[dict], machine: str, limit: int, window: int) -> str:
    lines = [f"`python -m benchmarks.bench_crawl` on {machine}.", "",
             "| row (per CPU second) | pages/s | entries/s | json.loads alone, pages/s | crawler / json.loads |", "|---|---|---|---|---|"]
    for row in rows:
        if "pages_per_s" in row:
            lines.append(f"| {row['row']} | {row['pages_per_s']:,.0f} | {row['entries_per_s']:,.0f} | "
                         f"{row['json_loads_pages_per_s']:,.0f} | {row['ratio_to_json_loads']:.2f} |")
    lines += ["", "| row | requests | seconds | requests/s | crawler CPU s (requests per CPU s) "
              "| most in any window | 429s | pages fetched twice |",
              "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        if "requests" in row:
            busiest = f"{row['busiest_window']:,} / {limit:,} per {window} s" if row["busiest_window"] else "—"
            lines.append(f"| {row['row']} | {row['requests']:,} | {row['seconds']:.1f} | {row['requests_per_s']:.1f} | "
                         f"{row['crawler_cpu']:.1f} ({row['requests'] / row['crawler_cpu']:,.0f}) | "
                         f"{busiest} | {row['http_429']} | {row['pages_fetched_twice']} |")
    lines += ["", "Summary lines of the two crawls:", ""] + [f"    {r['summary']}" for r in rows if "summary" in r]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
