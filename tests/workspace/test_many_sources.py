"""100,000 list files in one load, then 1,000 more: everything lands, nothing is compared quadratically.

Correctness only; the time of 10k/50k/100k sources is measured by the benchmark
``python -m benchmarks.segments --sources`` (docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphkit.tables import SourceTables
from graphkit.workspace import Workspace


def _lists(first: int, count: int) -> list[SourceTables]:
    """``count`` following lists of two accounts each, as a scraper drop of one file per follower."""
    owners = [f"fan{i}" for i in range(first, first + count)]
    stars = [(f"star{i % 997}", f"star{(i * 7) % 991 + 1000}") for i in range(first, first + count)]
    sources = []
    for owner, (a, b) in zip(owners, stars):
        follows = pd.DataFrame({"follower": pd.array([owner, owner], dtype="string"),
                                "followee": pd.array([a, b], dtype="string")})
        sources.append(SourceTables(
            f"drop/{owner}.txt", "handle-list", follows=[follows], observed={owner}, rows_read=2,
            complete_following={owner: None},
            fingerprint={"sha256": f"{hash((owner, a, b)) & (2**64 - 1):016x}", "kind": "following",
                         "owner": owner, "format": "handle-list", "options": {}},
        ))
    return sources


@pytest.mark.slow
def test_100000_sources_then_1000_more(tmp_path):
    ws = Workspace(tmp_path / "ws")
    reports = ws.commit(_lists(0, 100_000))
    assert len(reports) == 100_000 and not any(r.skipped_reason for r in reports)
    assert sum(r.follows_added for r in reports) == 200_000
    manifest = Workspace(ws.path).manifest
    assert manifest["counts"] == {"accounts": 100_000 + 997 + 991, "follows": 200_000, "observed": 100_000}
    assert manifest["n_sources"] == 100_000
    assert len((ws.path / "manifest.json").read_bytes()) < 20_000, "the source log is not in the manifest"

    more = _lists(100_000, 1_000)
    reports = ws.commit(more)
    assert sum(r.follows_added for r in reports) == 2_000
    again = ws.commit(more[:10] + _lists(5, 1))   # the same content again: nothing changes
    assert all(r.skipped_reason == "already loaded; nothing changed" for r in again)

    reader = Workspace(ws.path)
    graph = reader.graph
    assert graph.n_follows == 202_000 and int(graph.observed.sum()) == 101_000
    sample = np.random.default_rng(3).integers(0, 101_000, 200)
    for i in sample.tolist():
        assert sorted(graph.keys_of(graph.following(graph.id_of(f"fan{i}")))) == \
            sorted([f"star{i % 997}", f"star{(i * 7) % 991 + 1000}"])
    log = reader.sources()
    assert len(log) == 101_000 and log["path"].iloc[-1] == "drop/fan100999.txt"
    assert len(reader.manifest["segments"]) == 1   # the 1,000 more are a segment, not a rewrite
