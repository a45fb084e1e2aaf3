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
  and 20 % of the base's follows, and one updating 5 %, 10 % and 20 % of its
  accounts (the automatic compaction threshold's evidence);
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
    spawn,
    spawn_usage,
)
from benchmarks.run import DOC, ensure_workspace

RAW = ROOT / "docs" / "benchmarks-segments.json"
BEGIN, END = "<!-- segments:begin -->", "<!-- segments:end -->"
SHARES = (0.025, 0.05, 0.10, 0.20)
ACCOUNT_SHARES = (0.05, 0.10, 0.20)
LIST_LENGTH = 150


def task(name: str, job: dict) -> dict:
    """Run one task of ``benchmarks.segment_tasks`` in a fresh process; its result and peak memory."""
    file = DATA_DIR / f"job-{os.getpid()}.json"  # a file, not argv: 100,000 paths exceed its limit
    file.write_text(json.dumps(job))
    _, peak, out, _ = spawn([sys.executable, "-m", "benchmarks.segment_tasks", name, str(file)])
    file.unlink()
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


def ensure_profiles(folder: Path, keys: list[str], rows: int, seed: int = 19) -> Path:
    """A profiles file updating ``rows`` existing accounts (follower count and category)."""
    path = folder / f"profiles-{rows}.csv"
    if not path.exists():
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(keys), rows, replace=False)
        counts = rng.integers(0, 2_000_000, rows)
        path.write_text("username,followers,category\n" + "".join(
            f"{keys[i]},{c},updated\n" for i, c in zip(chosen.tolist(), counts.tolist())))
    return path


def ensure_sources(folder: Path, count: int) -> None:
    """``count`` tiny following lists ``fan000000.txt``... (a scraper's drop of one file per follower)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = folder / f"fan{i:06d}.txt"
        if not path.exists():
            path.write_text(f"star{i % 997}\nstar{(i * 7) % 991 + 1000}\n")


def _affinity(workspace: Path) -> list[str]:
    return graphkit_cmd("-w", str(workspace), "affinity", "brand_10k", "--top", "20", "--format", "csv")


def _cold_pair(first: Path, second: Path, repeat: int) -> tuple[dict, dict]:
    """``graphkit affinity brand_10k`` on two workspaces, a new process each time, the runs
    interleaved (first, second, first, ...) so that both meet the same load of the machine; and
    opening + counting in one process for each."""
    results = []
    for workspace in (first, second):
        spawn_usage(_affinity(workspace))  # fills the page cache
    runs = [[], []]
    for _ in range(repeat):
        for i, workspace in enumerate((first, second)):
            runs[i].append(spawn_usage(_affinity(workspace)))
    for workspace, done_runs in zip((first, second), runs):
        times, cpu = [r["wall"] for r in done_runs], [r["cpu"] for r in done_runs]
        results.append({
            "times": times, "median": statistics.median(times), "cpu_times": cpu, "cpu_median": statistics.median(cpu),
            "peak_rss": max(r["peak_rss"] for r in done_runs), "answer": done_runs[-1]["output"].splitlines()[1:6],
            "in_process": task("open-costs", {"workspace": str(workspace), "brand": "brand_10k", "repeat": repeat}),
        })
    return results[0], results[1]


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
    full = [task("full-load", {"edges": str(dataset / "follows.csv"), "scratch": str(scratch)})
            for _ in range(max(1, repeat // 2))]
    out["full_load"] = {"times": [f["seconds"] for f in full], "median": statistics.median(f["seconds"] for f in full),
                        "cpu": [f["cpu"] for f in full], "cpu_median": statistics.median(f["cpu"] for f in full)}
    done("full load")

    grown = scratch / "grown"
    shutil.copytree(base, grown)
    log(f"[{size}] {loads} following lists of {LIST_LENGTH}, one load each")
    out["grow"] = task("grow", {"workspace": str(grown), "lists": lists})
    seconds, written = out["grow"]["seconds"], out["grow"]["bytes"]
    log(f"[{size}] small load: median {fmt_ms(statistics.median(seconds))}, max {fmt_ms(max(seconds))}; "
        f"written median {statistics.median(written) / 1024:.0f} KiB, max {max(written) / 2**20:.2f} MiB")
    done("small loads")

    log(f"[{size}] cold affinity, {repeat} runs each, interleaved: grown and compacted")
    compacted = scratch / "compacted"
    shutil.copytree(grown, compacted)
    out["compact"] = task("compact", {"workspace": str(compacted)})
    out["cold_grown"], out["cold_compacted"] = _cold_pair(grown, compacted, repeat)
    done("reads")

    log(f"[{size}] the same lists in one load")
    one = scratch / "one-load"
    shutil.copytree(base, one)
    out["one_load"] = task("one-load", {"workspace": str(one), "lists": lists, "other": str(compacted)})
    for folder in (grown, one):
        shutil.rmtree(folder, ignore_errors=True)
    done("same graph")

    def segment_of(share: float, name: str, job: dict) -> dict:
        """Cold affinity with one segment loaded by ``job`` (a bulk task) beside the base."""
        target = scratch / name
        shutil.copytree(base, target)
        loaded = task("bulk", {"workspace": str(target), **job})
        cold, base_cold = _cold_pair(target, base, repeat)
        shutil.rmtree(target, ignore_errors=True)
        done(f"{name}")
        return {"share": share, "load": loaded, "cold": cold, "base": base_cold}

    out["shares"] = []
    for share in SHARES:
        follows = int(share * meta["follows"])
        log(f"[{size}] one segment of {follows:,} follows ({share:.1%} of the base): cold affinity")
        out["shares"].append(segment_of(share, f"share-{share}", {"file": str(ensure_bulk(work, keys, follows))}))
    out["account_shares"] = []
    for share in ACCOUNT_SHARES:
        rows = int(share * meta["accounts"])
        log(f"[{size}] one segment updating {rows:,} accounts ({share:.1%} of the base's): cold affinity")
        out["account_shares"].append(segment_of(
            share, f"accounts-{share}", {"file": str(ensure_profiles(work, keys, rows)), "kind": "profiles"}))

    out["sources"] = []
    folder = DATA_DIR / "sources"
    if source_counts:
        ensure_sources(folder, max(source_counts) + 1000)
    for count in source_counts:
        log(f"[{size}] {count:,} one-file following lists in one load")
        result = task("sources", {"workspace": str(scratch / f"sources-{count}"), "folder": str(folder),
                                  "start": 0, "count": count})
        out["sources"].append({"count": count, **result})
        done(f"{count:,} sources")
    if source_counts:
        largest = max(source_counts)
        log(f"[{size}] 1,000 more lists into the workspace of {largest:,}")
        more = task("sources", {"workspace": str(scratch / f"sources-{largest}"), "folder": str(folder),
                                "start": largest, "count": 1000, "fresh": False})
        out["sources_more"] = {"count": 1000, "onto": largest, **more}
    shutil.rmtree(scratch, ignore_errors=True)
    return out


# -- report --------------------------------------------------------------------------------------
def _ratio_line(label: str, mine: dict, reference: dict, target: float) -> str:
    """A read row: wall and CPU medians, both ratios; met when both are within ``target``."""
    wall, cpu = mine["median"] / reference["median"], mine["cpu_median"] / reference["cpu_median"]
    inside = mine["in_process"]["merged"]["wall"] / reference["in_process"]["merged"]["wall"]
    met = wall <= target and cpu <= target
    return (f"| {label} | wall {fmt_ms(mine['median'])} vs {fmt_ms(reference['median'])} = {wall:.2f}×; CPU "
            f"{fmt_ms(mine['cpu_median'])} vs {fmt_ms(reference['cpu_median'])} = {cpu:.2f}×; opening + counts in "
            f"one process {inside:.2f}× | ≤ {target}× | {'yes' if met else '**no**'} |")


def _share_row(label: str, row: dict, extra: str) -> str:
    """A row of a share table: the segment's cold affinity against the base's, interleaved runs."""
    cold, base = row["cold"], row["base"]
    return (f"| {label} | {row['share']:.1%} | {fmt_ms(cold['median'])} / {fmt_ms(cold['cpu_median'])} | "
            f"{cold['median'] / base['median']:.2f}× / {cold['cpu_median'] / base['cpu_median']:.2f}× | "
            f"{cold['in_process']['merged']['cpu'] / base['in_process']['merged']['cpu']:.2f}× (CPU){extra} | "
            f"{fmt_mib(cold['peak_rss'])} |")


def render(results: dict) -> str:
    m, r = results["machine"], results["result"]
    seconds, cpu, written = r["grow"]["seconds"], r["grow"]["cpu"], r["grow"]["bytes"]
    full, full_cpu = r["full_load"]["median"], r["full_load"]["cpu_median"]
    small, small_cpu = statistics.median(seconds), statistics.median(cpu)
    same = r["one_load"]["same"]
    parts = r["cold_grown"]["in_process"]["parts"]
    loaded = max(results["load_before"] + results["load_after"])
    lines = [
        f"Measured {results['finished']} with `{results['command']}`, size {r['size']} "
        f"({r['meta']['follows']:,} follows, {r['meta']['accounts']:,} accounts).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM; Python {m['python']}. "
        f"Load average (1/5/15 min) at the start: {' / '.join(map(str, results['load_before']))}; at the end: "
        f"{' / '.join(map(str, results['load_after']))}"
        + (" — **measured under load**: other jobs shared the two cores, so wall times are inflated and "
           "noisy; CPU times (user + system of the measured process) are shown beside them, and every "
           "ratio compares figures of this one run." if loaded > 1.5 else "."),
        "",
        "| row | measured | target | met |",
        "|---|---|---|---|",
        f"| one following list of {LIST_LENGTH} into the {r['size']} workspace, one command each | wall median "
        f"{fmt_ms(small)} (p90 {fmt_ms(float(np.percentile(seconds, 90)))}, max {fmt_ms(max(seconds))}) = "
        f"{small / full:.2%} of one full load ({fmt_ms(full)}); CPU {fmt_ms(small_cpu)} = {small_cpu / full_cpu:.2%} "
        f"of {fmt_ms(full_cpu)} | ≤ 2 % of the full load | "
        f"{'yes' if max(small / full, small_cpu / full_cpu) <= 0.02 else '**no**'} |",
        f"| bytes written by that load (every file written or rewritten, the manifest included) | median "
        f"{statistics.median(written) / 1024:.0f} KiB, mean {statistics.mean(written) / 1024:.0f} KiB, max "
        f"{max(written) / 2**20:.2f} MiB (a load that merges a tier of segments) | ≤ 1 MB | "
        f"{'yes' if max(written) <= 1e6 else ('median yes, max **no**' if statistics.median(written) <= 1e6 else '**no**')} |",
        f"| {r['loads']:,} such loads, then `graphkit compact` ({fmt_ms(r['compact']['seconds'])}, "
        f"{r['compact']['segments']} segments) vs one load of all the lists | "
        + ", ".join(f"{k} {'equal' if v else '**differ**'}" for k, v in same.items())
        + f" | the same graph | {'yes' if all(same.values()) else '**no**'} |",
        _ratio_line(f"`graphkit affinity brand_10k`, cold, after {r['loads']:,} loads "
                    f"({r['grow']['segments'][-1]} segments) vs compacted", r["cold_grown"], r["cold_compacted"], 1.5),
    ]
    first = r["sources"][0] if r["sources"] else None
    for row in r["sources"] + ([r["sources_more"]] if "sources_more" in r else []):
        per_file, reference = row["commit_cpu"] / row["count"], first["commit_cpu"] / first["count"]
        if "onto" in row:
            label = f"a later load of {row['count']:,} more onto the {row['onto']:,}"
            target = f"linear in its own input: ≤ 3× the CPU per file of the {first['count']:,}"
            met = per_file <= 3 * reference
        else:
            label = f"{row['count']:,} one-file following lists in one load"
            target = f"linear: CPU per file ≤ 1.5× that of the {first['count']:,}"
            met = per_file <= 1.5 * reference
        lines.append(f"| {label} | read {fmt_ms(row['read'])} ({row['read_cpu'] / row['count'] * 1e6:.0f} µs CPU "
                     f"per file), commit {fmt_ms(row['commit'])} ({per_file * 1e6:.0f} µs CPU per file); manifest "
                     f"{row['manifest_bytes']:,} bytes | {target} | {'yes' if met else '**no**'} |")
    merged, delta = r["cold_grown"]["in_process"]["merged"], r["cold_grown"]["in_process"]["delta"]
    lines += [
        "",
        f"Opening the grown workspace and counting brand_10k's audience, in one process ({r['cold_grown']['in_process']['added']:,} "
        f"follows added by segments): merged as graphkit does {fmt_ms(merged['wall'])} wall, {fmt_ms(merged['cpu'])} CPU; "
        f"through a base + delta CSR without splicing {fmt_ms(delta['wall'])} wall, {fmt_ms(delta['cpu'])} CPU (answers "
        f"{'equal' if r['cold_grown']['in_process']['same_counts'] else '**differ**'}); the compacted workspace "
        f"{fmt_ms(r['cold_compacted']['in_process']['merged']['wall'])} wall. One merged opening: accounts and their "
        f"events {fmt_ms(parts['accounts'][0])}, segment follow events {fmt_ms(parts['segment_events'][0])}, splicing "
        f"them into the CSR {fmt_ms(parts['splice_out'][0])} (out) + {fmt_ms(parts['splice_in'][0])} (in).",
        "",
        "| one segment holding | of the base's follows | cold affinity, wall / CPU | vs the base, wall / CPU | "
        "opening + counts in one process vs the base | splice out + in | peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in r["shares"]:
        parts = row["cold"]["in_process"]["parts"]
        lines.append(_share_row(f"{row['load']['follow_events']:,} follow events", row,
                                f" | {fmt_ms(parts['splice_out'][0] + parts['splice_in'][0])}"))
    lines += ["", "| one segment updating | of the base's accounts | cold affinity, wall / CPU | vs the base, wall / CPU | "
              "opening + counts in one process vs the base | peak memory |", "|---|---|---|---|---|---|"]
    for row in r.get("account_shares", []):
        lines.append(_share_row(f"{row['load']['account_events']:,} account events", row, ""))
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
