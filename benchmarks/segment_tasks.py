"""The measured operations of ``benchmarks.segments``, each run in its own process.

``python -m benchmarks.segment_tasks TASK '{"workspace": ..., ...}'`` prints one
line ``RESULT {...}``. Times are taken in the process (after imports), so they
compare graphkit's work, not Python's start-up; cold commands are timed whole
by the runner.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

__all__ = ["TASKS"]


def _files(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_size for p in folder.rglob("*") if p.is_file() and ".readers" not in p.parts}


def full_load(job: dict) -> dict:
    """One load of the whole edge list into a new workspace (the reference of the 2 % target)."""
    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    target = Path(job["scratch"]) / "full-load"
    shutil.rmtree(target, ignore_errors=True)
    seconds, cpu, _ = _timed(lambda: load_files(open_workspace(target), "edges", [job["edges"]]))
    shutil.rmtree(target, ignore_errors=True)
    return {"seconds": seconds, "cpu": cpu}


def grow(job: dict) -> dict:
    """Load the lists one by one (one command each): time, bytes written and segments after each."""
    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    workspace = Path(job["workspace"])
    seconds, cpu, written, segments, compactions = [], [], [], [], 0
    before = _files(workspace)
    for path in job["lists"]:
        wall, used, _ = _timed(lambda path=path: load_files(open_workspace(workspace), "following", [path], of="{stem}"))
        seconds.append(wall)
        cpu.append(used)
        after = _files(workspace)
        written.append(sum(size for name, size in after.items() if before.get(name) != size))
        manifest = json.loads((workspace / "manifest.json").read_text())
        segments.append(len(manifest["segments"]))
        compactions += not manifest["segments"]
        before = after
    return {"seconds": seconds, "cpu": cpu, "bytes": written, "segments": segments, "compactions": compactions}


def compact(job: dict) -> dict:
    from graphkit.workspace import open_workspace

    report = open_workspace(job["workspace"]).compact()
    return {"seconds": report["seconds"], "segments": report["segments"]}


def one_load(job: dict) -> dict:
    """All the lists in one command on a copy of the base: is it the graph the small loads made?"""
    import numpy as np

    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    started = time.perf_counter()
    load_files(open_workspace(job["workspace"]), "following", job["lists"], of="{stem}")
    seconds = time.perf_counter() - started
    one, grown = open_workspace(job["workspace"]).graph, open_workspace(job["other"]).graph
    same = {
        "keys": one.accounts["key"].equals(grown.accounts["key"]),
        "observed": bool((one.observed == grown.observed).all()),
        "attributes": one.accounts.drop(columns=["key"]).equals(grown.accounts.drop(columns=["key"])),
        "out": bool(np.array_equal(one.out_indptr, grown.out_indptr) and np.array_equal(one.out_indices, grown.out_indices)),
        "in": bool(np.array_equal(one.in_indptr, grown.in_indptr) and np.array_equal(one.in_indices, grown.in_indices)),
    }
    return {"seconds": seconds, "same": same, "accounts": one.n_accounts, "follows": one.n_follows}


def _timed(function):
    """``(wall seconds, CPU seconds, result)`` of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _merged_counts(workspace: str, brand: str):
    """Open the workspace as graphkit does (segments spliced in) and count the brand's audience."""
    from graphkit.workspace import open_workspace
    from queries.affinity import audience_counts

    graph = open_workspace(workspace).graph
    fans = graph.followers(graph.id_of(brand))
    return audience_counts(graph, fans[graph.observed[fans]])


def _delta_counts(workspace: str, brand: str):
    """The same counts with the base CSR left as it is and the segments' follows as a small CSR
    beside it (what every algorithm would have to read through one interface instead)."""
    import numpy as np

    from graphkit.graph import gather_rows
    from graphkit.workspace import open_workspace
    from graphkit.workspace.follows import decode, swap

    snapshot = open_workspace(workspace).snapshot
    accounts = snapshot.accounts()
    n = len(accounts)
    observed = accounts["observed"].to_numpy(dtype=bool)
    brand_id = int(snapshot.key_index().lookup(__import__("pyarrow").array([brand]))[0])
    added, removed = snapshot.net_follows()
    base_out, base_in = snapshot.base_csr("out"), snapshot.base_csr("in")

    def small_csr(codes):
        rows, cols = decode(np.sort(codes))
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return indptr, cols

    plus_out, plus_in = small_csr(added), small_csr(swap(added))
    inside = brand_id < snapshot.n_base
    base_fans = np.asarray(base_in[1][base_in[0][brand_id]: base_in[0][brand_id + 1]]) if inside else np.empty(0, np.int32)
    fans = np.union1d(base_fans, plus_in[1][plus_in[0][brand_id]: plus_in[0][brand_id + 1]]).astype(np.int64)
    fans = fans[~np.isin((fans << 32) | brand_id, removed)]
    fans = fans[observed[fans]]
    targets = np.concatenate([gather_rows(base_out[0], base_out[1], fans[fans < snapshot.n_base]),
                              gather_rows(plus_out[0], plus_out[1], fans)])
    counts = np.bincount(targets, minlength=n).astype(np.int64)
    gone = removed[np.isin(removed >> 32, fans)]
    if len(gone):
        np.subtract.at(counts, (gone & 0xFFFFFFFF).astype(np.int64), 1)
    return counts


def open_costs(job: dict) -> dict:
    """Opening the workspace and counting ``brand``'s audience, in this process (page cache warm):
    the merged way graphkit opens it and the delta-CSR alternative, each ``repeat`` times
    (median wall and CPU seconds), and where one merged opening spends its time."""
    import statistics

    import numpy as np

    from graphkit.workspace import open_workspace

    workspace, brand, repeat = job["workspace"], job["brand"], job.get("repeat", 5)
    _merged_counts(workspace, brand)  # warm-up: the page cache, not the Python objects
    merged = [_timed(lambda: _merged_counts(workspace, brand)) for _ in range(repeat)]
    delta = [_timed(lambda: _delta_counts(workspace, brand)) for _ in range(repeat)]
    same = bool(np.array_equal(np.asarray(merged[0][2]), delta[0][2]))
    snapshot = open_workspace(workspace).snapshot
    parts = {}
    for name, step in (("accounts", snapshot.accounts), ("segment_events", snapshot.net_follows),
                       ("splice_out", lambda: snapshot.csr("out")), ("splice_in", lambda: snapshot.csr("in"))):
        parts[name] = _timed(step)[:2]
    return {
        "merged": {"wall": statistics.median(t[0] for t in merged), "cpu": statistics.median(t[1] for t in merged)},
        "delta": {"wall": statistics.median(t[0] for t in delta), "cpu": statistics.median(t[1] for t in delta)},
        "parts": parts, "same_counts": same, "segments": len(snapshot.segments),
        "added": int(len(snapshot.net_follows()[0])), "removed": int(len(snapshot.net_follows()[1])),
    }


def bulk(job: dict) -> dict:
    """One load of an edge file as a segment, automatic compaction switched off (the share sweep)."""
    import graphkit.workspace.compaction as compaction
    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    compaction.FOLLOW_SHARE = compaction.ACCOUNT_SHARE = 1e9
    started = time.perf_counter()
    load_files(open_workspace(job["workspace"]), job.get("kind", "edges"), [job["file"]])
    manifest = json.loads((Path(job["workspace"]) / "manifest.json").read_text())
    return {"seconds": time.perf_counter() - started, "segments": len(manifest["segments"]),
            "follow_events": sum(s["follow_events"] for s in manifest["segments"]),
            "account_events": sum(s["account_events"] for s in manifest["segments"])}


def sources(job: dict) -> dict:
    """Many small list files in one load: reading them, then the one commit."""
    from graphkit.api import read_files
    from graphkit.workspace import open_workspace

    workspace = Path(job["workspace"])
    if job.get("fresh", True):
        shutil.rmtree(workspace, ignore_errors=True)
    files = sorted(str(p) for p in Path(job["folder"]).glob("fan*.txt"))[job["start"]: job["start"] + job["count"]]
    read, read_cpu, tables = _timed(lambda: list(read_files("following", files, of="{stem}")))
    commit, commit_cpu, reports = _timed(lambda: open_workspace(workspace).commit(tables))
    return {"read": read, "read_cpu": read_cpu, "commit": commit, "commit_cpu": commit_cpu, "sources": len(reports),
            "skipped": sum(1 for r in reports if r.skipped_reason),
            "manifest_bytes": (workspace / "manifest.json").stat().st_size}


TASKS = {f.__name__.replace("_", "-"): f for f in (full_load, grow, compact, one_load, open_costs, bulk, sources)}


def main() -> None:
    task, job = sys.argv[1], json.loads(Path(sys.argv[2]).read_text())  # a job file: argv has a size limit
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.pop("GRAPHKIT_NOW", None)
    result = TASKS[task](job)
    print("RESULT " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
