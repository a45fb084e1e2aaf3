"""A workspace that grows by small steps: the rows of issue #13, one command.

``python -m benchmarks.segments [--size M] [--loads 1000] [--sources 10000,50000,100000]
[--repeat 5] [--no-report]`` measures, on the cached benchmark workspace of
:mod:`benchmarks.run` (one load of ``follows.csv`` and ``profiles.csv``):

* **small loads** — ``--loads`` following lists of 150 accounts (new followers of
  the dataset's accounts, half of them following ``brand_10k``), loaded one
  command each: seconds and bytes written per load against one full load of
  the edge list, measured in the same run;
* **same graph** — the grown workspace, compacted, against a copy of the base that
  loads all the lists in one command (accounts, attributes, CSR both ways);
* **reads** — ``graphkit affinity brand_10k`` cold, on the grown workspace and on
  it compacted; where opening spends its time, and a delta-CSR reading of the
  same counts (the alternative to splicing segments in on open);
* **compaction share** — cold affinity with one segment holding 2.5 %, 5 %, 10 %
  and 20 % of the base's follows (the automatic compaction threshold's evidence);
* **many sources** — ``--sources`` one-file following lists in one load, then
  1,000 more into the largest: time of reading and of the commit.

Results go to ``docs/benchmarks-segments.json`` and the ``segments`` block of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.generate import DATA_DIR, ensure_dataset
from benchmarks.processes import (
    ROOT,
    fmt_mib,
    fmt_ms,
    graphkit_cmd,
    machine,
    replace_block,
    run_cold,
    spawn,
)
from benchmarks.run import DOC, ensure_workspace

RAW = ROOT / "docs" / "benchmarks-segments.json"
BEGIN, END = "<!-- segments:begin -->", "<!-- segments:end -->"
SHARES = (0.025, 0.05, 0.10, 0.20)
LIST_LENGTH = 150


def task(name: str, job: dict) -> dict:
    """Run one task of ``benchmarks.segment_tasks`` in a fresh process; its result and peak memory."""
    _, peak, out, _ = spawn([sys.executable, "-m", "benchmarks.segment_tasks", name, json.dumps(job)])
    line = [x for x in out.splitlines() if x.startswith("RESULT ")][-1]
    result = json.loads(line[len("RESULT "):])
    result["peak_rss"] = peak
    return result


def _keys(workspace: Path) -> list[str]:
    import pyarrow.parquet as pq

    files = json.loads((workspace / "manifest.json").read_text())["base"]["name"]
    return pq.read_table(workspace / files / "accounts.parquet", columns=["key"]).column("key").to_pylist()


def ensure_lists(folder: Path, keys: list[str], count: int, seed: int = 13) -> list[str]:
    """``count`` following lists of 150 accounts (seeded), one file each, named after the owner."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        path = folder / f"newfan_{i:05d}.txt"
        chosen = [keys[j] for j in rng.choice(len(keys), LIST_LENGTH, replace=False)]
        if rng.random() < 0.5:
            chosen[0] = "brand_10k"
        if not path.exists():
            path.write_text("\n".join(chosen) + "\n")
        paths.append(str(path))
    return paths


def ensure_bulk(folder: Path, keys: list[str], follows: int, seed: int = 17) -> Path:
    """An edge list of ``follows`` new follows: new observed accounts following existing ones."""
    path = folder / f"bulk-{follows}.csv"
    if not path.exists():
        rng = np.random.default_rng(seed)
        owners = np.arange(follows) // LIST_LENGTH
        targets = rng.integers(0, len(keys), follows)
        path.write_text("follower,followee\n" + "".join(f"bulkfan_{o},{keys[t]}\n" for o, t in zip(owners, targets)))
    return path


def ensure_sources(folder: Path, count: int) -> list[str]:
    """``count`` tiny following lists (a scraper's drop of one file per follower)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"fan{i:06d}.txt"
        if not path.exists():
            path.write_text(f"star{i % 997}\nstar{(i * 7) % 991 + 1000}\n")
        paths.append(str(path))
    return paths


def _cold(workspace: Path, repeat: int) -> dict:
    result = run_cold(graphkit_cmd("-w", str(workspace), "affinity", "brand_10k", "--top", "20", "--format", "csv"),
                      repeat)
    return {"median": result["median"], "times": result["times"], "peak_rss": result["peak_rss"],
            "answer": result["output"].splitlines()[1:6]}


def measure(size: str, loads: int, source_counts: list[int], repeat: int, log) -> dict:
    dataset, meta = ensure_dataset(size)
    base = ensure_workspace(size, dataset)
    work = DATA_DIR / f"segments-{size}"
    scratch = work / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    keys = _keys(base)
    lists = ensure_lists(work / "lists", keys, loads)
    out: dict = {"size": size, "meta": meta, "loads": loads}
    partial = work / "partial.json"  # what is measured so far, should a later phase fail

    def done(phase: str) -> None:
        partial.write_text(json.dumps(out, indent=1, default=str))
        log(f"[{size}] {phase} done (so far: {partial})")

    log(f"[{size}] full load of follows.csv ({meta['follows']:,} follows), {max(1, repeat // 2)} runs")
    full = [task("full-load", {"edges": str(dataset / "follows.csv"), "scratch": str(scratch)})["seconds"]
            for _ in range(max(1, repeat // 2))]
    out["full_load"] = {"times": full, "median": statistics.median(full)}
    done("full load")

    grown = scratch / "grown"
    shutil.copytree(base, grown)
    log(f"[{size}] {loads} following lists of {LIST_LENGTH}, one load each")
    out["grow"] = task("grow", {"workspace": str(grown), "lists": lists})
    seconds, written = out["grow"]["seconds"], out["grow"]["bytes"]
    log(f"[{size}] small load: median {fmt_ms(statistics.median(seconds))}, max {fmt_ms(max(seconds))}; "
        f"written median {statistics.median(written) / 1024:.0f} KiB, max {max(written) / 2**20:.2f} MiB")
    done("small loads")

    log(f"[{size}] cold affinity, {repeat} runs each: grown, then compacted")
    out["cold_grown"] = _cold(grown, repeat)
    out["open_costs"] = task("open-costs", {"workspace": str(grown), "brand": "brand_10k"})
    compacted = scratch / "compacted"
    shutil.copytree(grown, compacted)
    out["compact"] = task("compact", {"workspace": str(compacted)})
    out["cold_compacted"] = _cold(compacted, repeat)
    out["cold_base"] = _cold(base, repeat)
    done("reads")

    log(f"[{size}] the same lists in one load")
    one = scratch / "one-load"
    shutil.copytree(base, one)
    out["one_load"] = task("one-load", {"workspace": str(one), "lists": lists, "other": str(compacted)})
    for folder in (grown, one):
        shutil.rmtree(folder, ignore_errors=True)
    done("same graph")

    out["shares"] = []
    for share in SHARES:
        follows = int(share * meta["follows"])
        log(f"[{size}] one segment of {follows:,} follows ({share:.1%} of the base): cold affinity")
        target = scratch / f"share-{share}"
        shutil.copytree(base, target)
        loaded = task("bulk", {"workspace": str(target), "file": str(ensure_bulk(work, keys, follows))})
        row = {"share": share, "load": loaded, "cold": _cold(target, repeat),
               "open_costs": task("open-costs", {"workspace": str(target), "brand": "brand_10k"})}
        out["shares"].append(row)
        shutil.rmtree(target, ignore_errors=True)
        done(f"share {share:.1%}")

    out["sources"] = []
    files = ensure_sources(DATA_DIR / "sources", max(source_counts) + 1000) if source_counts else []
    for count in source_counts:
        log(f"[{size}] {count:,} one-file following lists in one load")
        result = task("sources", {"workspace": str(scratch / f"sources-{count}"), "files": files[:count]})
        out["sources"].append({"count": count, **result})
        done(f"{count:,} sources")
    if source_counts:
        largest = max(source_counts)
        log(f"[{size}] 1,000 more lists into the workspace of {largest:,}")
        more = task("sources", {"workspace": str(scratch / f"sources-{largest}"), "files": files[largest:largest + 1000],
                                "fresh": False})
        out["sources_more"] = {"count": 1000, "onto": largest, **more}
    shutil.rmtree(scratch, ignore_errors=True)
    return out


# -- report --------------------------------------------------------------------------------------
def render(results: dict) -> str:
    m, r = results["machine"], results["result"]
    seconds, written = r["grow"]["seconds"], r["grow"]["bytes"]
    full = r["full_load"]["median"]
    small = statistics.median(seconds)
    same = r["one_load"]["same"]
    grown, compacted = r["cold_grown"]["median"], r["cold_compacted"]["median"]
    costs = r["open_costs"]["timings"]
    lines = [
        f"Measured {results['finished']} with `{results['command']}`, size {r['size']} "
        f"({r['meta']['follows']:,} follows, {r['meta']['accounts']:,} accounts).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM; Python {m['python']}. "
        f"Load average (1/5/15 min) at the start: {' / '.join(map(str, results['load_before']))}; at the end: "
        f"{' / '.join(map(str, results['load_after']))}"
        + (" — **measured under load** (other jobs shared the machine): absolute times are inflated, "
           "the ratios are within one run." if max(results["load_before"] + results["load_after"]) > 1.5 else "."),
        "",
        "| row | measured | target | met |",
        "|---|---|---|---|",
        f"| one following list of {LIST_LENGTH} into the {r['size']} workspace | median {fmt_ms(small)} "
        f"(p90 {fmt_ms(float(np.percentile(seconds, 90)))}, max {fmt_ms(max(seconds))}) = {small / full:.2%} of one full load "
        f"({fmt_ms(full)}) | ≤ 2 % of the full load | {'yes' if small / full <= 0.02 else '**no**'} |",
        f"| bytes written by that load | median {statistics.median(written) / 1024:.0f} KiB, mean "
        f"{statistics.mean(written) / 1024:.0f} KiB, max {max(written) / 2**20:.2f} MiB (a load that merges a tier "
        f"of segments) | ≤ 1 MB | {'yes' if statistics.median(written) <= 1e6 else '**no**'}"
        f"{'' if max(written) <= 1e6 else ' (median; the tier merges write more)'} |",
        f"| {r['loads']:,} such loads, then `graphkit compact` ({fmt_ms(r['compact']['seconds'])}, "
        f"{r['compact']['segments']} segments) vs one load of all the lists | "
        + ", ".join(f"{k} {'equal' if v else '**differ**'}" for k, v in same.items())
        + f" | the same graph | {'yes' if all(same.values()) else '**no**'} |",
        f"| `graphkit affinity brand_10k`, cold, after {r['loads']:,} loads ({r['grow']['segments'][-1]} segments) "
        f"vs compacted | {fmt_ms(grown)} vs {fmt_ms(compacted)} = {grown / compacted:.2f}× | ≤ 1.5× | "
        f"{'yes' if grown / compacted <= 1.5 else '**no**'} |",
    ]
    rows = r["sources"] + ([r["sources_more"]] if "sources_more" in r else [])
    per_file = [row["commit"] / row["count"] for row in rows]
    for row in rows:
        label = (f"a later load of {row['count']:,} more onto the {row['onto']:,}" if "onto" in row
                 else f"{row['count']:,} one-file following lists in one load")
        linear = max(per_file) <= 2 * min(per_file)
        lines.append(f"| {label} | read {fmt_ms(row['read'])} ({row['read'] / row['count'] * 1e6:.0f} µs/file), "
                     f"commit {fmt_ms(row['commit'])} ({row['commit'] / row['count'] * 1e6:.0f} µs/file); manifest "
                     f"{row['manifest_bytes']:,} bytes | linear in the input (commit µs/file within 2× across "
                     f"rows) | {'yes' if linear else '**no**'} |")
    lines += [
        "",
        f"Opening the grown workspace ({r['open_costs']['added']:,} follows added by segments): accounts with "
        f"their events {fmt_ms(costs['accounts'])}, segment events {fmt_ms(costs['segment_events'])}, splicing them into "
        f"the CSR {fmt_ms(costs['splice_out'])} (out) + {fmt_ms(costs['splice_in'])} (in); affinity counts on the merged "
        f"CSR {fmt_ms(costs['merged_counts'])}, the same counts read through a base + delta CSR without splicing "
        f"{fmt_ms(costs['delta_counts'])} (answers {'equal' if r['open_costs']['same_counts'] else '**differ**'}). "
        f"The cold command on the base before the loads: {fmt_ms(r['cold_base']['median'])}.",
        "",
        "| one segment holding | of the base's follows | cold affinity | vs compacted | splice out + in | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for row in r["shares"]:
        splice = row["open_costs"]["timings"]["splice_out"] + row["open_costs"]["timings"]["splice_in"]
        lines.append(f"| {row['load']['follow_events']:,} follow events | {row['share']:.1%} | "
                     f"{fmt_ms(row['cold']['median'])} | {row['cold']['median'] / r['cold_base']['median']:.2f}× | "
                     f"{fmt_ms(splice)} | {fmt_mib(row['cold']['peak_rss'])} |")
    return "\n".join(lines)


def write_report(results: dict) -> None:
    RAW.write_text(json.dumps(results, indent=1, default=str) + "\n")
    replace_block(DOC, BEGIN, END, render(results))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.segments", description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="M", help="dataset size of benchmarks.generate (default M: 10 M follows)")
    parser.add_argument("--loads", type=int, default=1000, help="small loads in a row")
    parser.add_argument("--sources", default="10000,50000,100000", help="counts of one-file lists ('' for none)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each cold command (median shown)")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/ alone")
    parser.add_argument("--render-only", action="store_true", help="rewrite the report from the JSON")
    args = parser.parse_args(argv)
    if args.render_only:
        write_report(json.loads(RAW.read_text()))
        return

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    command = "python -m benchmarks.segments " + " ".join(argv if argv is not None else sys.argv[1:])
    results = {"command": command.strip(), "machine": machine(), "load_before": [round(x, 2) for x in os.getloadavg()]}
    counts = [int(x) for x in args.sources.split(",") if x.strip()]
    results["result"] = measure(args.size.upper(), args.loads, counts, args.repeat, log)
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["finished"] = time.strftime("%Y-%m-%d %H:%M")
    print(render(results))
    if not args.no_report:
        write_report(results)
        log(f"wrote {DOC.relative_to(ROOT)} and {RAW.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
