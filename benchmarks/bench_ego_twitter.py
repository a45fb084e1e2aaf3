"""Benchmark: affinity, lookalikes and PageRank on ego-Twitter, graphkit vs networkx.

Run from the project root (needs ../shared/data)::

    python benchmarks/bench_ego_twitter.py            # prints a table, writes docs/benchmarks-ego-twitter.md
    python benchmarks/bench_ego_twitter.py --no-write # table only

The graph is SNAP's combined ego-Twitter (81,306 accounts, 1,768,149 follows
less 14 self-follows), built from ``twitter_egos_all_973.tar.gz`` by SNAP's
rule and loaded as an edge list, so every account that follows someone is
observed. The brand is the account with the most followers. Both sides answer
the same question with the same result (checked): networkx works on a
``DiGraph`` of the same follows, graphkit on its CSR arrays. Times are the
best of ``--repeat`` runs (networkx PageRank: one run), wall clock, on an
otherwise quiet machine; building the networkx graph is timed separately.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "snap" / "ego-twitter" / "twitter_egos_all_973.tar.gz"


def ego_twitter_edges(tar_path: Path) -> list[tuple[str, str]]:
    """SNAP's union: every ``.edges`` line plus the ego following each node of its files."""
    pairs: list[tuple[str, str]] = []
    with tarfile.open(tar_path) as tar:
        for member in tar:
            if not member.isfile():
                continue
            ego, _, ext = member.name.rsplit("/", 1)[-1].partition(".")
            if ext not in ("edges", "feat", "circles"):
                continue
            lines = tar.extractfile(member).read().decode("utf-8").splitlines()
            if ext == "edges":
                split = [line.split() for line in lines if line.strip()]
                pairs.extend((a, b) for a, b in split)
                named = {n for pair in split for n in pair}
            elif ext == "feat":
                named = {line.split(maxsplit=1)[0] for line in lines if line.strip()}
            else:
                named = {m for line in lines for m in line.split("\t")[1:] if m.strip()}
            pairs.extend((ego, n) for n in named)
    return pairs


def best_of(repeat: int, function):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


# -- the networkx side: the same questions, written the obvious way -----------------------------
def nx_affinity(g, brand: str, observed: set) -> Counter:
    counts: Counter = Counter()
    for follower in g.predecessors(brand):
        if follower in observed:
            counts.update(g.successors(follower))
    counts.pop(brand, None)
    return counts


def nx_lookalikes(g, seed: str, observed: set) -> dict:
    mine = {f for f in g.predecessors(seed) if f in observed}
    shared: Counter = Counter()
    for follower in mine:
        shared.update(g.successors(follower))
    shared.pop(seed, None)
    out = {}
    for account, both in shared.items():
        size = sum(1 for f in g.predecessors(account) if f in observed)
        out[account] = both / (len(mine) + size - both)
    return out


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import networkx
    import scipy

    return (
        f"{platform.system()} {platform.machine()}, {model}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"networkx {networkx.__version__}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per graphkit timing (best kept)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks-ego-twitter.md")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        sys.exit(f"{DATA} is absent: the benchmark needs ../shared/data")

    import networkx as nx

    from graphkit.algorithms.centrality import pagerank
    from graphkit.api import load_files, open_workspace
    from queries.affinity import affinity
    from queries.audience import audience_counts
    from queries.lookalikes import lookalikes

    rows: list[tuple[str, float, float | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        edge_file = Path(tmp) / "ego-twitter.txt"
        edge_file.write_text("".join(f"{a}\t{b}\n" for a, b in ego_twitter_edges(DATA)))
        workspace = open_workspace(Path(tmp) / "ws")
        load_files(workspace, "edges", [edge_file])
        load_time = time.perf_counter() - start
        open_time, graph = best_of(args.repeat, lambda: open_workspace(Path(tmp) / "ws").graph)
        graph.in_indptr  # noqa: B018  (build the reverse CSR once, as any query would)
        brand = str(graph.keys[int(np.argmax(graph.in_degree()))])

        start = time.perf_counter()
        g = nx.DiGraph()
        keys = graph.keys
        g.add_nodes_from(keys.tolist())
        g.add_edges_from(zip(keys[graph.sources()].tolist(), keys[graph.out_indices].tolist()))
        nx_build = time.perf_counter() - start
        observed = set(keys[graph.observed].tolist())

        ours, table = best_of(args.repeat, lambda: affinity(graph, brand))
        theirs, counts = best_of(1, lambda: nx_affinity(g, brand, observed))
        assert dict(zip(table["account"], table["audience_count"])) == dict(counts)
        rows.append(("affinity (ranked table with tiers)", ours, theirs, f"{len(table):,} accounts"))
        aud = np.sort(graph.followers(graph.id_of(brand)))
        ours, raw = best_of(args.repeat, lambda: audience_counts(graph, aud))
        assert int(raw.sum()) - int(raw[graph.id_of(brand)]) == sum(counts.values())
        rows.append(("affinity, counts only (audience_counts)", ours, theirs, "same counts"))

        ours, table = best_of(args.repeat, lambda: lookalikes(graph, brand, min_audience=1))
        theirs, scores = best_of(1, lambda: nx_lookalikes(g, brand, observed))
        assert len(scores) == len(table)
        assert all(math.isclose(scores[a], s, rel_tol=1e-12) for a, s in zip(table["account"], table["score"]))
        rows.append(("lookalikes (jaccard)", ours, theirs, f"{len(table):,} accounts"))

        n = graph.n_accounts
        ours, pr = best_of(args.repeat, lambda: pagerank(graph, tol=1e-10))
        theirs, nx_pr = best_of(1, lambda: nx.pagerank(g, tol=1e-10 / n, max_iter=1000))
        err = max(abs(pr[i] - nx_pr[k]) for i, k in enumerate(keys.tolist()))
        rows.append(("pagerank (L1 change < 1e-10)", ours, theirs, f"max difference {err:.1e}"))
        default, _ = best_of(1, lambda: nx.pagerank(g))
        rows.append(("pagerank, networkx default tol (1e-6 x N)", ours, default, "networkx stops earlier"))

    header = (
        f"ego-Twitter: {graph.n_accounts:,} accounts, {graph.n_follows:,} follows; brand {brand} "
        f"({len(graph.followers(graph.id_of(brand))):,} observed followers)"
    )
    lines = [
        "| task | graphkit (s) | networkx (s) | speed-up | result |",
        "|---|---:|---:|---:|---|",
    ]
    for name, ours, theirs, result in rows:
        lines.append(f"| {name} | {ours:.3f} | {theirs:.3f} | {theirs / ours:,.1f}x | {result} |")
    setup = (
        f"Setup, not in the table: load into a workspace {load_time:.1f} s (once); open the "
        f"workspace's graph {open_time:.3f} s; build the networkx DiGraph {nx_build:.1f} s."
    )
    text = "\n".join([header, "", *lines, "", setup])
    print(text)
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks-ego-twitter.md"
        out.write_text(
            "# Benchmark: ego-Twitter, graphkit vs networkx\n\n"
            f"Command: `python benchmarks/bench_ego_twitter.py` (run on {time.strftime('%Y-%m-%d')}).\n\n"
            f"Machine: {machine()}. Load average when the run ended: "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (other jobs shared the cores).\n\n{text}\n\n"
            "graphkit's times are the best of "
            f"{args.repeat} runs; networkx's one run. Both sides return the same answers (the "
            "script checks it). networkx PageRank is run to the same stopping rule as graphkit's "
            "(its tol is per node: 1e-10 / N), then with its default tol for reference.\n"
        )
        print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
