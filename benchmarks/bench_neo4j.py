"""Benchmark: pushing ego-Twitter to Neo4j, and affinity in memory vs as Cypher on the server.

Run from the project root (needs ../shared/data, Java 17 and the bundled server
script, or a running server named by ``NEO4J_URI`` whose database may be wiped)::

    python benchmarks/bench_neo4j.py               # writes docs/benchmarks-neo4j.md
    python benchmarks/bench_neo4j.py --no-write    # table only

What it measures

1. Batch size: the first ``--sweep-follows`` follows of the graph are pushed
   with each size of ``--batch-sizes`` (follows deleted between runs; accounts
   already in place), follows per second for each.
2. The whole graph (81,306 accounts with their tags, 1,768,135 follows, read by
   the ``snap-ego`` loader from ``twitter_egos_all_973.tar.gz``) pushed into an
   empty database with the default batch size: follows per second. Then the
   same push again (nothing changes: every ``MERGE`` matches).
3. ``affinity`` of the most-followed account (default options: rest baseline,
   sorted by lift_lower, every ranked row): best of ``--repeat`` runs on each
   backend, the results checked equal.

Without ``NEO4J_URI`` a server is started with ``scripts/neo4j-server start
--fresh`` in a temporary state folder and stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "snap" / "ego-twitter" / "twitter_egos_all_973.tar.gz"
SCRIPT = ROOT / "scripts" / "neo4j-server"


def load_graph(folder: Path):
    from graphkit.api import load_files, open_workspace

    workspace = open_workspace(folder / "ws")
    load_files(workspace, "snap-ego", [DATA])
    return open_workspace(folder / "ws").graph


def start_server(state: Path) -> tuple[str, dict]:
    env = {**os.environ, "GRAPHKIT_NEO4J_STATE": str(state)}
    done = subprocess.run([str(SCRIPT), "start", "--fresh"], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"scripts/neo4j-server start failed:\n{done.stderr[-2000:]}")
    uri = re.search(r"NEO4J_URI=(\S+)", done.stdout.strip().splitlines()[-1]).group(1)
    return uri, env


def delete_follows(store) -> None:
    while store.write(
        "MATCH ()-[r:FOLLOWS]->() WITH r LIMIT 50000 DELETE r"
    )["relationships_deleted"]:
        pass


def sweep(graph, store, sizes: list[int], n_follows: int) -> list[tuple[int, float]]:
    """Follows per second for each batch size, on the first ``n_follows`` follows."""
    from graphkit.neo4j.push import ACCOUNTS_QUERY, FOLLOWS_QUERY, account_rows

    for start in range(0, graph.n_accounts, 20_000):
        store.write(ACCOUNTS_QUERY, {"rows": account_rows(graph.accounts, start, min(start + 20_000, graph.n_accounts))})
    keys, sources, targets = graph.keys, graph.sources(), np.asarray(graph.out_indices)

    def run(size: int) -> float:
        delete_follows(store)
        started = time.perf_counter()
        for start in range(0, n_follows, size):
            stop = min(start + size, n_follows)
            rows = np.stack([keys[sources[start:stop]], keys[targets[start:stop]]], axis=1).tolist()
            store.write(FOLLOWS_QUERY, {"rows": rows})
        return n_follows / (time.perf_counter() - started)

    run(10_000)  # warm the server's JIT and page cache first: the first runs are the slowest
    best = {size: 0.0 for size in sizes}
    for size in [*sizes, *reversed(sizes)]:  # up then down: drift hits every size alike
        rate = run(size)
        best[size] = max(best[size], rate)
        print(f"batch size {size:>6,}: {rate:,.0f} follows/s", flush=True)
    return list(best.items())


def best_time(function, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-sizes", default="1000,5000,10000,20000,50000")
    parser.add_argument("--sweep-follows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    import pandas as pd

    from graphkit.neo4j import (
        DEFAULT_BATCH_SIZE,
        Neo4jSettings,
        Neo4jStore,
        clear_graph,
        ensure_schema,
        push_graph,
    )
    from queries import neo4j_backend
    from queries.affinity import affinity

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        graph = load_graph(Path(tmp))
        print(f"loaded {graph} in {time.perf_counter() - started:.1f} s", flush=True)
        managed = "NEO4J_URI" not in os.environ
        uri, env = start_server(Path(tmp) / "neo4j") if managed else (os.environ["NEO4J_URI"], None)
        try:
            settings = Neo4jSettings.resolve(uri=uri)
            with Neo4jStore(settings, retry_time=60) as store:
                clear_graph(store)
                ensure_schema(store)
                sizes = [int(s) for s in args.batch_sizes.split(",")]
                rates = sweep(graph, store, sizes, min(args.sweep_follows, graph.n_follows))
                clear_graph(store)
                first = push_graph(graph, store)
                print(first, flush=True)
                second = push_graph(graph, store)
                print(second, flush=True)
                brand = str(graph.keys[int(np.argmax(graph.in_degree()))])
                memory_time, memory = best_time(lambda: affinity(graph, brand, top=None), args.repeat)
                server_time, server = best_time(lambda: neo4j_backend.affinity(store, brand, top=None), args.repeat)
                pd.testing.assert_frame_equal(server, memory, check_exact=True)
                version = store.read("CALL dbms.components() YIELD versions RETURN versions[0] AS v")[0]["v"]
        finally:
            if managed:
                subprocess.run([str(SCRIPT), "stop"], capture_output=True, env=env)

    lines = [
        "# Neo4j benchmark: push throughput and affinity on each backend",
        "",
        f"Reproduce: `python benchmarks/bench_neo4j.py` (from the project root; {time.strftime('%Y-%m-%d')}).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other jobs, Python "
        f"{platform.python_version()}, Neo4j {version} Community from `scripts/neo4j-server` "
        "(heap 1 GB, page cache 128 MB, Bolt on 127.0.0.1, auth off).",
        f"Graph: SNAP ego-Twitter via the snap-ego loader, {graph.n_accounts:,} accounts "
        f"(with tags), {graph.n_follows:,} follows.",
        "",
        f"## Batch size (first {min(args.sweep_follows, graph.n_follows):,} follows, accounts in place; "
        "best of two runs per size, sizes run up then down after a warm-up run)",
        "",
        "| rows per transaction | follows / s |",
        "|---:|---:|",
        *[f"| {size:,} | {rate:,.0f} |" for size, rate in rates],
        "",
        f"The default is `--batch-size {DEFAULT_BATCH_SIZE:,}`: batches below 5,000 pay a round trip "
        "and a commit per few rows and are clearly slower; above 10,000 the gain is small next to "
        "the noise of a shared machine, while each transaction holds more state in the server's "
        "heap (1 GB here) and a push cut off loses more work.",
        "",
        "## Whole graph",
        "",
        "| push | seconds | follows / s | accounts created | follows created |",
        "|---|---:|---:|---:|---:|",
        f"| first, empty database | {first.seconds:.1f} | {first.follows_per_second:,.0f} | "
        f"{first.nodes_created:,} | {first.relationships_created:,} |",
        f"| again (idempotent) | {second.seconds:.1f} | {second.follows_per_second:,.0f} | "
        f"{second.nodes_created:,} | {second.relationships_created:,} |",
        "",
        f"## affinity {brand} (default options, all {len(memory):,} ranked rows), best of {args.repeat}",
        "",
        "| backend | seconds |",
        "|---|---:|",
        f"| memory (workspace CSR arrays) | {memory_time:.3f} |",
        f"| neo4j (Cypher on the server, the ranked rows back) | {server_time:.3f} |",
        "",
        "Both backends returned the same table (checked with `assert_frame_equal(check_exact=True)`).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks-neo4j.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
