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
    started = time.perf_counter()
    load_files(open_workspace(target), "edges", [job["edges"]])
    seconds = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    return {"seconds": seconds}


def grow(job: dict) -> dict:
    """Load the lists one by one (one command each): time, bytes written and segments after each."""
    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    workspace = Path(job["workspace"])
    seconds, written, segments, compactions = [], [], [], 0
    before = _files(workspace)
    for path in job["lists"]:
        started = time.perf_counter()
        load_files(open_workspace(workspace), "following", [path], of="{stem}")
        seconds.append(time.perf_counter() - started)
        after = _files(workspace)
        written.append(sum(size for name, size in after.items() if before.get(name) != size))
        manifest = json.loads((workspace / "manifest.json").read_text())
        segments.append(len(manifest["segments"]))
        compactions += not manifest["segments"]
        before = after
    return {"seconds": seconds, "bytes": written, "segments": segments, "compactions": compactions}


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


def open_costs(job: dict) -> dict:
    """Where opening a workspace with segments spends its time, and the delta-CSR alternative.

    *merged*: the graph as graphkit opens it (segments spliced into one CSR each way), then
    the affinity counts of ``brand``. *delta*: the base CSR left as it is, the segments'
    follows as a small CSR beside it, the same counts gathered from both (what every
    algorithm would have to do through one interface instead).
    """
    import numpy as np

    from graphkit.graph import gather_rows
    from graphkit.workspace import open_workspace
    from graphkit.workspace.follows import decode, swap
    from queries.affinity import audience_counts

    timings = {}
    started = time.perf_counter()
    snapshot = open_workspace(job["workspace"]).snapshot
    accounts = snapshot.accounts()
    timings["accounts"] = time.perf_counter() - started
    t = time.perf_counter()
    added, removed = snapshot.net_follows()
    timings["segment_events"] = time.perf_counter() - t
    t = time.perf_counter()
    out_csr = snapshot.csr("out")
    timings["splice_out"] = time.perf_counter() - t
    t = time.perf_counter()
    in_csr = snapshot.csr("in")
    timings["splice_in"] = time.perf_counter() - t
    from graphkit.graph import FollowGraph

    graph = FollowGraph(accounts, *out_csr, *in_csr)
    brand = graph.id_of(job["brand"])
    observed = graph.observed
    t = time.perf_counter()
    followers = graph.followers(brand)
    merged = audience_counts(graph, followers[observed[followers]])
    timings["merged_counts"] = time.perf_counter() - t

    t = time.perf_counter()  # the delta alternative: nothing spliced
    base_out, base_in = snapshot.base_csr("out"), snapshot.base_csr("in")
    n = len(accounts)

    def delta_csr(codes):
        rows, cols = decode(np.sort(codes))
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return indptr, cols

    plus_out, plus_in = delta_csr(added), delta_csr(swap(added))
    base_followers = np.asarray(base_in[1][base_in[0][brand]: base_in[0][brand + 1]]) if brand < snapshot.n_base else np.empty(0, np.int32)
    delta_followers = plus_in[1][plus_in[0][brand]: plus_in[0][brand + 1]]
    fans = np.union1d(base_followers, delta_followers).astype(np.int64)
    fans = fans[~np.isin((fans << 32) | brand, removed)]
    fans = fans[observed[fans]]
    inside = fans[fans < snapshot.n_base]
    targets = np.concatenate([gather_rows(base_out[0], base_out[1], inside), gather_rows(plus_out[0], plus_out[1], fans)])
    counts = np.bincount(targets, minlength=n).astype(np.int64)
    gone = removed[np.isin(removed >> 32, fans)]
    if len(gone):
        np.subtract.at(counts, (gone & 0xFFFFFFFF).astype(np.int64), 1)
    timings["delta_counts"] = time.perf_counter() - t
    same = bool(np.array_equal(np.asarray(merged), counts[: len(merged)])) if len(merged) == n else None
    return {"timings": timings, "same_counts": same, "segments": len(snapshot.segments),
            "added": int(len(added)), "removed": int(len(removed))}


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
    started = time.perf_counter()
    tables = list(read_files("following", job["files"], of="{stem}"))
    read = time.perf_counter() - started
    started = time.perf_counter()
    reports = open_workspace(workspace).commit(tables)
    commit = time.perf_counter() - started
    return {"read": read, "commit": commit, "sources": len(reports),
            "skipped": sum(1 for r in reports if r.skipped_reason),
            "manifest_bytes": (workspace / "manifest.json").stat().st_size}


TASKS = {f.__name__.replace("_", "-"): f for f in (full_load, grow, compact, one_load, open_costs, bulk, sources)}


def main() -> None:
    task, job = sys.argv[1], json.loads(sys.argv[2])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.pop("GRAPHKIT_NOW", None)
    result = TASKS[task](job)
    print("RESULT " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
