"""What answering "as of a date" costs: ``--as-of`` and ``changes`` against today's fast path.

``python -m benchmarks.as_of [--size S] [--repeat 3]`` builds a workspace of the
synthetic graph of :mod:`benchmarks.generate` (the edge list and the profiles,
loaded on 2026-01-01), then loads, on 2026-02-01, the whole following lists of
``--relists`` observed accounts with a tenth of each list dropped (so those
follows end) and a new follow added. Then it times, each command in a fresh
process (one untimed run first), in the same run:

* ``affinity brand_10k`` — the reference: the current graph, memory-mapped;
* ``affinity brand_10k --as-of 2026-01-15`` — the graph rebuilt from the history;
* ``changes brand_10k --since 2026-01-15 --until 2026-02-15``.

It prints a Markdown table (median wall and CPU seconds, peak RSS, the ratio to the
reference) and the machine; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.generate import ensure_dataset
from benchmarks.processes import fmt_mib, fmt_ms, graphkit_cmd, machine, run_cold, spawn_usage

FIRST, SECOND = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"


def _relists(follows_csv: Path, folder: Path, count: int, seed: int = 3) -> list[Path]:
    """Following lists of ``count`` followers of the edge list, each a tenth shorter plus one new follow."""
    lists: dict[str, list[str]] = {}
    with open(follows_csv, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for follower, followee in reader:
            if follower in lists or len(lists) < count:
                lists.setdefault(follower, []).append(followee)
    rng = np.random.default_rng(seed)
    paths = []
    for owner, accounts in sorted(lists.items()):
        keep = [a for a in accounts if rng.random() >= 0.1] + ["brand_10k"]
        path = folder / f"{owner.lstrip('@').lower()}.txt"
        path.write_text("\n".join(dict.fromkeys(keep)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", help="dataset size (XS, S, M, L)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--relists", type=int, default=200, help="following lists loaded again a month later")
    args = parser.parse_args()
    dataset, meta = ensure_dataset(args.size)
    with tempfile.TemporaryDirectory(prefix="graphkit-as-of-") as scratch:
        ws = str(Path(scratch) / "ws")
        env = dict(os.environ, GRAPHKIT_NOW=FIRST)
        spawn_usage(graphkit_cmd("-w", ws, "load", "edges", str(dataset / "follows.csv")), env)
        spawn_usage(graphkit_cmd("-w", ws, "load", "profiles", str(dataset / "profiles.csv")), env)
        lists = Path(scratch) / "lists"
        lists.mkdir()
        paths = _relists(dataset / "follows.csv", lists, args.relists)
        env = dict(os.environ, GRAPHKIT_NOW=SECOND)
        spawn_usage(graphkit_cmd("-w", ws, "load", "following", *map(str, paths), "--of", "{stem}"), env)
        env = dict(os.environ, GRAPHKIT_NOW="2026-03-01T00:00:00Z")
        commands = {
            "affinity (now, the reference)": ["affinity", "brand_10k", "--top", "20"],
            "affinity --as-of 2026-01-15": ["affinity", "brand_10k", "--top", "20", "--as-of", "2026-01-15"],
            "changes --since 2026-01-15 --until 2026-02-15": ["changes", "brand_10k", "--since", "2026-01-15",
                                                             "--until", "2026-02-15", "--top", "20"],
        }
        results = {name: run_cold(graphkit_cmd("-w", ws, *argv), args.repeat, env) for name, argv in commands.items()}
    reference = results["affinity (now, the reference)"]
    print(f"dataset {args.size}: {meta.get('follows', '?'):,} follows; {args.relists} following lists loaded "
          f"again a month later; median of {args.repeat} cold runs\n")
    print("| command | wall | CPU | peak RSS | wall / reference |")
    print("|---|---:|---:|---:|---:|")
    for name, result in results.items():
        print(f"| `{name}` | {fmt_ms(result['median'])} | {fmt_ms(result['cpu_median'])} | "
              f"{fmt_mib(result['peak_rss'])} | {result['median'] / reference['median']:.1f}× |")
    print("\nmachine:", json.dumps(machine()))
    print("spread (s):", {name: [round(t, 2) for t in r["times"]] for name, r in results.items()},
          "stdev:", {name: round(statistics.pstdev(r["times"]), 3) for name, r in results.items()})


if __name__ == "__main__":
    main()
