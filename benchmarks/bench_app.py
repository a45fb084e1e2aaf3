"""Benchmark: `graphkit serve` on the 10 M-follow workspace (size M of benchmarks/generate.py).

Run from the project root (needs the bench extras and Debian's chromium)::

    python -m benchmarks.bench_app              # rewrites the app block of docs/benchmarks.md
    python -m benchmarks.bench_app --no-write   # prints only

What it measures, against the targets of issue 15, with a reference measured in the same run:

1. **Shortlist, server time** for `brand_10k` (10,504 followers): the `Server-Timing` of
   `/api/shortlist` for several filter and sort settings, once the brand's ranking is in the
   server's cache (the app ranks a brand once, when it is first picked; that first ranking is
   reported on its own row). Reference: the same shortlist from `graphkit rank brand_10k`, a
   fresh process, which is what a user waits for without the app.
2. **Landscape data for 300 candidates**: `/api/landscape` (audience similarity, kNN links,
   Louvain, labels, the JSON), a new random seed each time so that nothing is cached. Reference:
   networkx on the same candidates (`jaccard_coefficient` on the candidate-follower bipartite
   graph, the same kNN rule, `louvain_communities`).
3. **Page interactive**, measured in headless Chromium: from navigation to the shortlist drawn
   (`performance.now()` when the page has drawn what the API returned), with the server warm.
4. **Landscape of 2,000 accounts interactive**: the renderer mounted and answering (WebGL
   drawn) and its ForceAtlas2 layout settled (it is bounded in time).

Every timing is the median of `--repeat` runs. The machine is shared: the load average at the
start and the end is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import ensure_dataset  # noqa: E402
from benchmarks.run import ensure_workspace, machine  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
RAW = ROOT / "docs" / "benchmarks-app.json"
BEGIN, END = "<!-- app-results:begin -->", "<!-- app-results:end -->"
BRAND = "brand_10k"
SHORTLIST_QUERIES = (
    "", "&tier=micro", "&tier=nano,micro&excl=1", "&sort=followers_count", "&min=50&followers=exclude",
    "&tier=mid&sort=audience_share&top=250",
)


def _get(url: str) -> tuple[float, dict, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    started = time.perf_counter()
    with opener.open(url, timeout=600) as answer:
        body = answer.read()
        headers = dict(answer.headers)
    return time.perf_counter() - started, headers, body


def server_ms(headers: dict, kind: str = "app") -> float:
    """A `Server-Timing` entry: `app` (wall time) or `cpu` (CPU time of the answering thread)."""
    return float(re.search(kind + r";dur=([\d.]+)", headers["server-timing"]).group(1))


def reference_landscape(graph, brand: str, keys: list[str]) -> float:
    """networkx doing the landscape's work on the same candidates; seconds."""
    import networkx as nx

    from queries.audience import audience

    started = time.perf_counter()
    observed = set(audience(graph, brand).observed.tolist())
    bipartite = nx.Graph()
    bipartite.add_nodes_from(keys)
    for key in keys:
        members = set(graph.followers(graph.id_of(key)).tolist()) & observed
        bipartite.add_edges_from((key, f"f{m}") for m in members)
    pairs = [(u, v) for i, u in enumerate(keys) for v in keys[i + 1:]]
    sims = {}
    for u, v, s in nx.jaccard_coefficient(bipartite, pairs):
        sims[(u, v)] = sims[(v, u)] = s
    knn = nx.Graph()
    knn.add_nodes_from(keys)
    for u in keys:
        best = sorted(((sims[(u, v)], v) for v in keys if v != u), key=lambda t: -t[0])[:5]
        knn.add_weighted_edges_from((u, v, s) for s, v in best if s >= 0.02)
    nx.community.louvain_communities(knn, weight="weight", seed=0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from graphkit.app.server import bind, create_app, start_in_thread
    from graphkit.workspace import open_workspace
    from queries.shortlist import candidates
    from tests.exports.cdp import Browser, find_chromium

    dataset, meta = ensure_dataset(args.size)
    workspace = ensure_workspace(args.size, dataset)
    info = machine()
    load_start = info["load_average"]
    rows: dict = {}

    # the in-process pieces, for the record
    graph = open_workspace(workspace).graph
    started = time.perf_counter()
    ranked = candidates(graph, BRAND)
    rows["ranking_first_s"] = time.perf_counter() - started
    keys = ranked.table["account"].head(300).tolist()

    running = start_in_thread(create_app(str(workspace)), bind("127.0.0.1", 0))
    base = running.url
    try:
        _get(base + "api/brands?q=")  # the graph is read on the first request
        wall, headers, _ = _get(f"{base}api/shortlist?brand={BRAND}")  # ranks the brand, caches it
        rows["shortlist_first_ms"] = server_ms(headers)
        shortlist_ms, shortlist_cpu = [], []
        for _ in range(args.repeat):
            for query in SHORTLIST_QUERIES:
                headers = _get(f"{base}api/shortlist?brand={BRAND}{query}")[1]
                shortlist_ms.append(server_ms(headers))
                shortlist_cpu.append(server_ms(headers, "cpu"))
        rows["shortlist_ms"], rows["shortlist_cpu_ms"] = shortlist_ms, shortlist_cpu
        cold = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "graphkit.cli.main", "-w", str(workspace), "rank", BRAND,
                            "--top", "50", "--format", "csv"], check=True, capture_output=True, cwd=ROOT)
            cold.append(time.perf_counter() - t)
        rows["rank_cli_s"] = cold

        landscape_ms, landscape_cpu = [], []
        for seed in range(1, args.repeat + 1):
            headers = _get(f"{base}api/landscape?brand={BRAND}&rseed={seed}")[1]
            landscape_ms.append(server_ms(headers))
            landscape_cpu.append(server_ms(headers, "cpu"))
        rows["landscape_ms"], rows["landscape_cpu_ms"] = landscape_ms, landscape_cpu
        rows["landscape_networkx_s"] = [reference_landscape(graph, BRAND, keys) for _ in range(max(1, args.repeat // 2))]
        _, headers, body = _get(f"{base}api/landscape?brand={BRAND}&ltop=2000")
        rows["landscape_2000_ms"] = server_ms(headers)
        rows["landscape_2000_links"] = len(json.loads(body)["payload"]["edges"]["s"])

        chromium = find_chromium()
        if chromium is None:
            sys.exit("chromium is not installed (apt-get install -y chromium)")
        page_ms, land_ready, land_layout = [], [], []
        with tempfile.TemporaryDirectory() as scratch:
            with Browser(chromium, Path(scratch) / "profile", size=(1400, 1000)) as browser:
                for _ in range(args.repeat):
                    browser.open(f"{base}?brand={BRAND}&view=shortlist&tier=micro")
                    page_ms.append(_wait(browser, "s.drawnAt && s.drawnAt.shortlist"))
                for _ in range(args.repeat):
                    browser.open(f"{base}?brand={BRAND}&view=landscape&ltop=2000")
                    at = _wait(browser, "s.drawnAt && s.drawnAt.landscape")
                    status = _wait(browser, "gkApp.landscape() && gkApp.landscape().layout === 'done' && "
                                            "gkApp.landscape()", page=False)
                    land_ready.append(at)
                    land_layout.append(status["layoutMs"])
                assert browser.console_errors() == [], browser.console_errors()
        rows["page_ms"], rows["landscape_2000_page_ms"], rows["landscape_2000_layout_ms"] = page_ms, land_ready, land_layout
    finally:
        running.stop()
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    info["load_average_start"] = load_start
    report(rows, info, meta, args)


def _wait(browser, condition: str, *, page: bool = True, timeout: float = 300.0):
    expression = (f"(s => ({condition}))(JSON.parse(document.getElementById('gk-status').textContent || '{{}}'))"
                  if page else condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(condition)


def _fmt_ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def report(rows: dict, info: dict, meta: dict, args) -> None:
    med = statistics.median
    shortlist = med(rows["shortlist_ms"])
    cli = med(rows["rank_cli_s"]) * 1000
    land = med(rows["landscape_ms"])
    shortlist_cpu, land_cpu = med(rows["shortlist_cpu_ms"]), med(rows["landscape_cpu_ms"])
    ref = med(rows["landscape_networkx_s"]) * 1000
    page = med(rows["page_ms"])
    land_page = med(rows["landscape_2000_page_ms"])
    land_layout = med(rows["landscape_2000_layout_ms"])
    loaded = max(info["load_average_start"][0], info["load_average_end"][0]) > 0.5 * (info["cores"] or 1)
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `python -m benchmarks.bench_app --size {args.size} "
        f"--repeat {args.repeat}`"
        + (" **under load** (other jobs were running on the machine)." if loaded else "."),
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB RAM; Python {info['python']}. "
        f"Load average (1/5/15 min) at the start: {' / '.join(map(str, info['load_average_start']))}; at the end: "
        f"{' / '.join(map(str, info['load_average_end']))}.",
        f"Workspace: size {args.size}, {meta['follows']:,} follows, {meta['accounts']:,} accounts; "
        f"{BRAND} has {meta['brands'][BRAND]:,} followers.",
        "",
        "Server rows give the wall time and, in brackets, the CPU time of the thread that answered (what the "
        "request costs on an idle core; on a loaded machine the wall time also counts waiting for a core).",
        "",
        "| row | graphkit serve | reference | ratio | target | met |",
        "|---|---|---|---|---|---|",
        f"| shortlist, server time ({len(SHORTLIST_QUERIES)} filter/sort settings × {args.repeat}), {BRAND} | "
        f"{_fmt_ms(shortlist)} ({_fmt_ms(shortlist_cpu)} CPU) | `graphkit rank {BRAND} --top 50`, cold process: "
        f"{_fmt_ms(cli)} | {shortlist / cli:.3f}× | ≤ 150 ms | {'yes' if shortlist <= 150 else '**no**'} |",
        f"| landscape data, 300 candidates (`/api/landscape`, nothing cached) | {_fmt_ms(land)} "
        f"({_fmt_ms(land_cpu)} CPU) | networkx on the same candidates: {_fmt_ms(ref)} | {land / ref:.2f}× | "
        f"≤ 500 ms | {'yes' if land <= 500 else '**no**'} |",
        f"| page interactive (shortlist drawn, from navigation), Chromium | {_fmt_ms(page)} | | | ≤ 1.5 s | "
        f"{'yes' if page <= 1500 else '**no**'} |",
        f"| landscape of 2,000 accounts drawn and answering, from navigation (its data already computed) | "
        f"{_fmt_ms(land_page)} | | | ≤ 2 s | {'yes' if land_page <= 2000 else '**no**'} |",
        "",
        f"First ranking of {BRAND} (every candidate, once per brand and niche; the app then keeps it): "
        f"{rows['ranking_first_s']:.2f} s in process, {_fmt_ms(rows['shortlist_first_ms'])} as the first "
        f"`/api/shortlist`. The 2,000-account landscape's data: {_fmt_ms(rows['landscape_2000_ms'])} "
        f"({rows['landscape_2000_links']:,} links); its ForceAtlas2 layout runs in a web worker while the map "
        f"is already drawn and answers, and is stopped after {_fmt_ms(land_layout)} (median).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.no_write:
        return
    RAW.write_text(json.dumps({"rows": rows, "machine": info, "dataset": meta}, indent=1) + "\n")
    doc = DOC.read_text("utf-8")
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc:
        doc = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, doc, flags=re.S)
    else:
        doc += "\n## The app (`graphkit serve`)\n\n" + __doc__.split("\n\n", 2)[2].split("Every timing")[0].strip() \
            + "\n\n" + block + "\n"
    DOC.write_text(doc, "utf-8")


if __name__ == "__main__":
    main()
