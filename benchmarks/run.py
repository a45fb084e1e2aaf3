"""graphkit against DuckDB, igraph and networkx: one command, every row of issue #7.

``python -m benchmarks.run [--sizes S,M,L] [--repeat 5]`` generates (once, cached
under ``benchmarks/data/``) the seeded synthetic graphs of :mod:`benchmarks.generate`,
builds a graphkit workspace of each, and measures, on the same files and in the
same run, every operation with graphkit and with the tool a user would pick
instead. Each measurement runs in a fresh process (``benchmarks.worker``) so that
its peak resident memory is its own, read from the kernel with ``wait4``.
In-memory queries are timed after one warm-up run; the table shows the median.
The results go to ``docs/benchmarks.json`` (raw) and to the generated part of
``docs/benchmarks.md`` (the hand-written notes around it are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import DATA_DIR, SIZES, ensure_dataset
from benchmarks.processes import (
    GIB,
    ROOT,
    fmt_mib,
    fmt_ms,
    graphkit_cmd,
    machine,
    replace_block,
    run_cold,
    spawn,
)

DOC = ROOT / "docs" / "benchmarks.md"
RAW = ROOT / "docs" / "benchmarks.json"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
#: L must fit in half of this (24 GiB with 2x headroom).
MEMORY_BUDGET = 24 * GIB
HEAVY_MODULES = ("pandas", "numpy", "scipy", "networkx", "neo4j", "pyarrow")

#: operation -> (reference engine, target ratio graphkit / reference, what the target says)
TARGETS = {
    "load": ("duckdb", 1.5, "≤ 1.5× DuckDB reading the CSV into a table with integer ids; peak memory ≤ DuckDB's"),
    "affinity-counts": ("duckdb", 0.5, "≤ 0.5× DuckDB join + group by on in-memory tables"),
    "affinity": ("duckdb", 0.5, "≤ 0.5× DuckDB (same baseline and ranking in SQL)"),
    "lookalikes": ("duckdb", 0.3, "≤ 0.3× DuckDB"),
    "pagerank": ("igraph", 0.7, "≤ 0.7× igraph PRPACK, values within 1e-6"),
    "cold-affinity": ("duckdb", 1.0, "≤ 1.0× a cold DuckDB script on the same Parquet files"),
    "memory": (None, 24.0, "≤ 24 bytes per follow"),
    "help": ("click", 2.0, "≤ 2× `python -c \"import click\"`, no pandas/scipy/networkx/neo4j"),
}


# -- processes ------------------------------------------------------------------------------------
def run_task(task: str, dataset: Path, workspace: Path, scratch: Path, *, account: str = "brand_10k",
             repeat: int = 5, processes: int = 1, options: dict | None = None) -> dict:
    """Run a task in ``processes`` fresh workers; merge their times, keep the largest peak."""
    job = {"task": task, "dataset": str(dataset), "workspace": str(workspace), "account": account,
           "repeat": repeat, "scratch": str(scratch), "options": options or {}}
    merged: dict = {"times": [], "peaks": []}
    for _ in range(processes):
        _, peak, out, _ = spawn([sys.executable, "-m", "benchmarks.worker", json.dumps(job)])
        line = [x for x in out.splitlines() if x.startswith("RESULT ")][-1]
        result = json.loads(line[len("RESULT "):])
        merged["times"].extend(result.pop("times"))
        merged["peaks"].append(peak)
        merged.update(result)
    merged["peak_rss"] = max(merged.pop("peaks"))
    merged["median"] = statistics.median(merged["times"]) if merged["times"] else None
    return merged


# -- setup ---------------------------------------------------------------------------------------
def ensure_workspace(size: str, dataset: Path) -> Path:
    """A graphkit workspace of the dataset (follows and profiles), built once."""
    workspace = dataset / "workspace"
    marker = dataset / "workspace.ok"
    if marker.exists() and (workspace / "manifest.json").exists():
        return workspace
    shutil.rmtree(workspace, ignore_errors=True)
    for kind, name in (("edges", "follows.csv"), ("profiles", "profiles.csv")):
        spawn(graphkit_cmd("-w", str(workspace), "load", kind, str(dataset / name)))
    marker.write_text("ok\n")
    return workspace


# -- measurements of one size ---------------------------------------------------------------------
def measure_size(size: str, repeat: int, engines: set[str], log) -> dict:
    dataset, meta = ensure_dataset(size)
    log(f"[{size}] dataset {dataset} ({meta['follows']:,} follows, {meta['csv_bytes'] / 1e6:.0f} MB)")
    workspace = ensure_workspace(size, dataset)
    scratch = Path(tempfile.mkdtemp(prefix=f"bench-{size}-", dir=DATA_DIR))
    small = size in ("XS", "S")
    rows: list[dict] = []

    def record(operation: str, engine: str, result: dict, account: str | None = None) -> None:
        result.update({"operation": operation, "engine": engine, "account": account, "size": size})
        rows.append(result)
        median = result.get("median")
        shown = f"{median * 1000:9.1f} ms" if median is not None else f"{result.get('bytes_per_follow', 0):7.1f} B/follow"
        log(f"[{size}] {operation:16s} {account or '':11s} {engine:12s} {shown}  peak {result['peak_rss'] / 2**20:8.0f} MiB")

    def want(engine: str) -> bool:
        if size == "L" and engine == "igraph":
            return False  # igraph holds a 40 M-follow graph in ~9 GB: the L row is graphkit's own
        return engine == "graphkit" or engine in engines

    load_processes = repeat if size != "L" else max(1, min(repeat, 2))
    for engine in ("graphkit", "duckdb", "duckdb-file"):
        if want(engine.split("-")[0]):
            options = {"database": "file"} if engine == "duckdb-file" else {}
            record("load", engine, run_task(f"load/{engine}", dataset, workspace, scratch,
                                            repeat=1, processes=load_processes, options=options))
    if small and want("networkx"):
        record("load", "networkx", run_task("load/networkx", dataset, workspace, scratch, repeat=1))

    for engine in ("graphkit", "duckdb", "networkx"):
        if want(engine) and (engine != "networkx" or small):
            record("memory", engine, run_task(f"memory/{engine}", dataset, workspace, scratch, repeat=1))

    query_repeat = repeat if size != "L" else max(1, min(repeat, 3))
    for operation in ("affinity-counts", "affinity", "lookalikes"):
        accounts = ("brand_10k",) if operation == "lookalikes" else ("brand_10k", "brand_100k")
        for account in accounts:
            for engine in ("graphkit", "duckdb", "networkx"):
                if not want(engine) or (engine == "networkx" and (not small or operation == "affinity")):
                    continue
                result = run_task(f"{operation}/{engine}", dataset, workspace, scratch,
                                  account=account, repeat=query_repeat)
                record(operation, engine, result, account)

    for engine in ("graphkit", "igraph", "networkx"):
        if want(engine) and (engine != "networkx" or small):
            result = run_task(f"pagerank/{engine}", dataset, workspace, scratch,
                              repeat=max(1, min(query_repeat, 3)))
            record("pagerank", engine, result)
    _compare_pagerank(rows)

    for account in ("brand_10k", "brand_100k"):
        record("cold-affinity", "graphkit", run_cold(
            graphkit_cmd("-w", str(workspace), "affinity", account, "--top", "20", "--format", "csv"),
            repeat), account)
        if want("duckdb"):
            record("cold-affinity", "duckdb", run_cold(
                [sys.executable, str(ROOT / "benchmarks" / "cold_duckdb.py"), str(workspace), account],
                repeat), account)
    _compare_cold(rows)
    _compare_answers(rows)
    shutil.rmtree(scratch, ignore_errors=True)
    return {"meta": meta, "rows": rows}


def measure_help(repeat: int, log) -> list[dict]:
    rows = []
    for engine, argv in (("graphkit", graphkit_cmd("--help")),
                         ("click", [sys.executable, "-c", "import click"])):
        result = run_cold(argv, repeat)
        result.pop("output")
        result.update({"operation": "help", "engine": engine, "account": None, "size": "-"})
        rows.append(result)
        log(f"[-] help {engine:10s} {result['median'] * 1000:7.1f} ms")
    probe = (
        "import sys\nfrom click.testing import CliRunner\nfrom graphkit.cli.main import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    )
    _, _, out, _ = spawn([sys.executable, "-c", probe])
    rows[0]["heavy_modules"] = [m for m in out.strip().split(",") if m]
    return rows


# -- agreement between engines --------------------------------------------------------------------
def _compare_answers(rows: list[dict]) -> None:
    """Mark each reference row with whether its answer equals graphkit's."""
    for row in rows:
        if row["engine"] == "graphkit" or row["operation"] in ("pagerank", "cold-affinity"):
            continue
        mine = [r for r in rows if r["engine"] == "graphkit" and r["operation"] == row["operation"]
                and r["account"] == row["account"]]
        if not mine:
            continue
        a, b = _normalize(mine[0].get("answer")), _normalize(row.get("answer"))
        row["agrees"] = a == b
        if not row["agrees"] and isinstance(a, list) and isinstance(b, list):
            row["agreement"] = f"{len({x[0] for x in a} & {x[0] for x in b})}/{len(a)} accounts in common"


def _normalize(answer):
    if isinstance(answer, list):
        return [tuple(round(v, 6) if isinstance(v, float) else v for v in x) for x in answer]
    return answer


def _compare_pagerank(rows: list[dict]) -> None:
    import numpy as np

    mine = [r for r in rows if r["operation"] == "pagerank" and r["engine"] == "graphkit"]
    if not mine:
        return
    base = np.load(mine[0]["vector"])
    for row in rows:
        if row["operation"] == "pagerank" and row["engine"] != "graphkit":
            other = np.load(row["vector"])
            row["max_abs_diff"] = float(np.abs(other - base).max())
            row["agrees"] = row["max_abs_diff"] <= 1e-6 and row["answer"]["top"] == mine[0]["answer"]["top"]
    mine[0]["sum"] = float(base.sum())


def _compare_cold(rows: list[dict]) -> None:
    import csv
    import io

    for row in rows:
        if row["operation"] != "cold-affinity" or row["engine"] == "graphkit":
            continue
        mine = [r for r in rows if r["operation"] == "cold-affinity" and r["engine"] == "graphkit"
                and r["account"] == row["account"]][0]
        theirs = [r["account"] for r in csv.DictReader(io.StringIO(row["output"]))]
        ours = [r["account"] for r in csv.DictReader(io.StringIO(mine["output"]))]
        row["agrees"] = theirs == ours and len(ours) > 0
        row["answer"], mine["answer"] = theirs, ours
    for row in rows:
        row.pop("output", None)


# -- report ------------------------------------------------------------------------------------
def _find(rows, operation, engine, account=None):
    for row in rows:
        if row["operation"] == operation and row["engine"] == engine and row.get("account") == account:
            return row
    return None


def verdicts(results: dict) -> list[dict]:
    """One line per row of the issue's target table (M size unless it says otherwise)."""
    sizes = results["sizes"]
    main = "M" if "M" in sizes else next(iter(sizes), None)
    out = []
    if main is None:
        return out
    rows = sizes[main]["rows"]

    def ratio_line(label, operation, account=None, extra=""):
        engine, target, text = TARGETS[operation]
        mine, ref = _find(rows, operation, "graphkit", account), _find(rows, operation, engine, account)
        if not mine or not ref:
            return
        ratio = mine["median"] / ref["median"]
        met = ratio <= target
        note = extra
        if operation == "load":
            memory_ok = mine["peak_rss"] <= ref["peak_rss"]
            met = met and memory_ok
            note = f"peak {fmt_mib(mine['peak_rss'])} vs {fmt_mib(ref['peak_rss'])}"
        if "agrees" in ref:
            note = (note + "; " if note else "") + ("same answer" if ref["agrees"] else f"answers differ ({ref.get('agreement', '')})")
        out.append({"row": label, "size": main, "graphkit": fmt_ms(mine["median"]), "reference": fmt_ms(ref["median"]),
                    "ratio": f"{ratio:.2f}×", "target": text, "met": met, "note": note})

    ratio_line("`load edges` CSV → workspace", "load")
    for account in ("brand_10k", "brand_100k"):
        n = sizes[main]["meta"]["brands"][account]
        ratio_line(f"affinity counts, {account} ({n:,} followers)", "affinity-counts", account)
        ratio_line(f"affinity with lift (default query), {account}", "affinity", account)
    ratio_line("lookalikes Jaccard, brand_10k", "lookalikes", "brand_10k")
    pr = _find(rows, "pagerank", "igraph")
    ratio_line("PageRank, whole graph", "pagerank", None,
               f"max abs diff {pr['max_abs_diff']:.1e}" if pr and "max_abs_diff" in pr else "")
    for account in ("brand_10k", "brand_100k"):
        ratio_line(f"`graphkit affinity {account}`, cold process", "cold-affinity", account)
    memory = _find(rows, "memory", "graphkit")
    if memory:
        nx_row = next((r for s in sizes.values() for r in s["rows"] if r["operation"] == "memory" and r["engine"] == "networkx"), None)
        out.append({"row": "resident memory of a loaded graph", "size": main,
                    "graphkit": f"{memory['bytes_per_follow']:.1f} B/follow",
                    "reference": f"networkx {nx_row['bytes_per_follow']:.0f} B/follow (S)" if nx_row else "–",
                    "ratio": "", "target": TARGETS["memory"][2], "met": memory["bytes_per_follow"] <= 24, "note": ""})
    helps = results.get("help", [])
    if len(helps) == 2:
        ratio = helps[0]["median"] / helps[1]["median"]
        heavy = [m for m in helps[0].get("heavy_modules", []) if m in ("pandas", "scipy", "networkx", "neo4j")]
        out.append({"row": "`graphkit --help`", "size": "-", "graphkit": fmt_ms(helps[0]["median"]),
                    "reference": fmt_ms(helps[1]["median"]), "ratio": f"{ratio:.2f}×", "target": TARGETS["help"][2],
                    "met": ratio <= 2 and not heavy,
                    "note": "imports: " + (", ".join(helps[0].get("heavy_modules", [])) or "none of " + "/".join(HEAVY_MODULES))})
    if "L" in sizes:
        rows_l = sizes["L"]["rows"]
        peaks = {op: max((r["peak_rss"] for r in rows_l if r["operation"] == op and r["engine"] == "graphkit"), default=None)
                 for op in ("load", "affinity", "lookalikes", "pagerank")}
        worst = max(v for v in peaks.values() if v is not None)
        out.append({"row": f"L = {sizes['L']['meta']['follows']:,} follows", "size": "L",
                    "graphkit": f"peak {fmt_mib(worst)}", "reference": "budget 12 GiB (24 GiB / 2)", "ratio": "",
                    "target": "loads and answers affinity, lookalikes, PageRank within 24 GiB with ≥ 2× headroom",
                    "met": worst * 2 <= MEMORY_BUDGET and all(v is not None for v in peaks.values()),
                    "note": ", ".join(f"{op} {fmt_mib(v)}" for op, v in peaks.items())})
    return out


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Measured {results['finished']} with `{results['command']}`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
        f"Load average (1/5/15 min) at the start: {' / '.join(map(str, results['load_before']))}; "
        f"at the end: {' / '.join(map(str, results['load_after']))}. DuckDB threads: {results.get('duckdb_threads', '–')}.",
        "",
        "### Targets",
        "",
        "| row | size | graphkit | reference | ratio | target | met | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for v in verdicts(results):
        lines.append(f"| {v['row']} | {v['size']} | {v['graphkit']} | {v['reference']} | {v['ratio']} | "
                     f"{v['target']} | {'yes' if v['met'] else '**no**'} | {v['note']} |")
    for size, data in results["sizes"].items():
        meta = data["meta"]
        lines += [
            "",
            f"### {size}: {meta['follows']:,} follows",
            "",
            f"{meta['accounts']:,} accounts, {meta['observed_accounts']:,} observed (median following "
            f"{meta['following_median']:.0f}, max {meta['following_max']:,}); brand_10k has "
            f"{meta['brands']['brand_10k']:,} followers, brand_100k {meta['brands']['brand_100k']:,}; "
            f"CSV {meta['csv_bytes'] / 1e6:,.0f} MB.",
            "",
            "| operation | account | engine | median | runs | peak memory | ratio graphkit / this | answer |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in data["rows"]:
            mine = _find(data["rows"], row["operation"], "graphkit", row.get("account"))
            if row["operation"] == "memory":
                value = f"{row['bytes_per_follow']:.1f} B/follow"
                ratio = "" if row["engine"] == "graphkit" else f"{mine['bytes_per_follow'] / row['bytes_per_follow']:.2f}×"
            else:
                value = fmt_ms(row["median"])
                ratio = "" if row["engine"] == "graphkit" or not mine else f"{mine['median'] / row['median']:.2f}×"
            if "agrees" in row:
                answer = "same" if row["agrees"] else f"differs {row.get('agreement', '')}".strip()
                if "max_abs_diff" in row:
                    answer += f" (max abs diff {row['max_abs_diff']:.1e})"
            else:
                answer = ""
            lines.append(f"| {row['operation']} | {row.get('account') or ''} | {row['engine']} | {value} | "
                         f"{len(row['times']) or 1} | {fmt_mib(row['peak_rss'])} | {ratio} | {answer} |")
    helps = results.get("help", [])
    if helps:
        lines += ["", "### Start-up", "", "| command | median | peak memory |", "|---|---|---|"]
        for row in helps:
            label = "`graphkit --help`" if row["engine"] == "graphkit" else '`python -c "import click"`'
            lines.append(f"| {label} | {fmt_ms(row['median'])} | {fmt_mib(row['peak_rss'])} |")
    return "\n".join(lines)


def write_report(results: dict) -> None:
    RAW.parent.mkdir(exist_ok=True)
    RAW.write_text(json.dumps(results, indent=1, default=str) + "\n")
    replace_block(DOC, BEGIN, END, render(results))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, of " + ",".join(SIZES))
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median shown)")
    parser.add_argument("--engines", default="duckdb,igraph,networkx",
                        help="references to measure beside graphkit (networkx runs on S only)")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/ alone")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: rewrite docs/benchmarks.md from docs/benchmarks.json")
    args = parser.parse_args(argv)
    if args.render_only:
        write_report(json.loads(RAW.read_text()))
        return
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    for size in sizes:
        if size not in SIZES:
            parser.error(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    results = {"command": command.strip(), "machine": machine(), "load_before": [round(x, 2) for x in os.getloadavg()],
               "sizes": {}}
    log(f"machine: {json.dumps(results['machine'])}")
    results["help"] = measure_help(max(args.repeat, 5), log)
    for size in sizes:
        results["sizes"][size] = measure_size(size, args.repeat, engines, log)
    threads = [r.get("threads") for s in results["sizes"].values() for r in s["rows"] if r.get("threads")]
    results["duckdb_threads"] = threads[0] if threads else None
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["finished"] = time.strftime("%Y-%m-%d %H:%M")
    for v in verdicts(results):
        log(f"{'MET ' if v['met'] else 'MISS'} {v['row']}: {v['graphkit']} vs {v['reference']} {v['ratio']} ({v['note']})")
    if not args.no_report:
        write_report(results)
        log(f"wrote {DOC.relative_to(ROOT)} and {RAW.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
