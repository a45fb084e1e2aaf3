"""A workspace written by graphkit before segments (schema 1) opens, and its first load upgrades it."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pandas as pd

from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from graphkit.workspace.history import follow_spells


def _write_version_1(path) -> None:
    """The layout graphkit 0.1 wrote: one data-NNNNNN folder, sources and meta in the manifest."""
    folder = path / "data-000002"
    folder.mkdir(parents=True)
    pd.DataFrame({"key": pd.array(["ann", "bob", "cat"], dtype="string"), "observed": [True, False, False],
                  "followers_count": pd.array([None, 10, 20], dtype="Int64")}).to_parquet(folder / "accounts.parquet")
    arrays = {"out_indptr": np.array([0, 2, 2, 2]), "out_indices": np.array([1, 2], dtype=np.int32),
              "in_indptr": np.array([0, 0, 1, 2]), "in_indices": np.array([0, 0], dtype=np.int32)}
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
    pd.DataFrame({"follower": np.array([0, 0], dtype=np.int32),
                  "followee": np.array([1, 2], dtype=np.int32)}).to_parquet(folder / "follows.parquet")
    (folder / "tables").mkdir()
    pd.DataFrame({"alias": ["7"], "key": ["cat"]}).to_parquet(folder / "tables" / "aliases.parquet")
    names = ["accounts.parquet", "follows.parquet", *(f"{n}.npy" for n in arrays), "tables/aliases.parquet"]
    files = {n: (folder / n).stat().st_size for n in names}
    checksums = {n: f"{zlib.crc32((folder / n).read_bytes()):08x}" for n in names}
    manifest = {
        "schema_version": 1, "generation": 2, "data": "data-000002", "created": "2025-06-01T00:00:00+00:00",
        "updated": "2025-06-02T00:00:00+00:00",
        "sources": [{"path": "ann.txt", "format": "handle-list", "loaded_at": "2025-06-02T00:00:00+00:00",
                     "fingerprint": {"sha256": "ab", "kind": "following", "owner": "ann", "format": "handle-list",
                                     "options": {}},
                     "report": {"path": "ann.txt", "self_follows": 0}}],
        "counts": {"accounts": 3, "follows": 2, "observed": 1}, "files": files, "checksums": checksums,
        "tables": ["aliases"], "meta": {"crawl/x": {"cursor": 5}},
    }
    (path / "manifest.json").write_text(json.dumps(manifest))


def test_a_version_1_workspace_reads_and_upgrades_on_its_first_load(tmp_path):
    path = tmp_path / "ws"
    _write_version_1(path)
    old = Workspace(path)
    old.verify(deep=True)
    assert old.graph.keys.tolist() == ["ann", "bob", "cat"] and old.graph.n_follows == 2
    assert old.meta("crawl/x") == {"cursor": 5}
    assert old.sources()["path"].tolist() == ["ann.txt"]
    assert old.table("aliases").values.tolist() == [["7", "cat"]]
    assert follow_spells(old)["first_seen"].astype(str).tolist() == ["2025-06-02 00:00:00+00:00"] * 2

    old.commit([SourceTables.from_pairs("more.csv", [("bob", "cat"), ("7", "ann")])])
    new = Workspace(path)
    assert new.manifest["schema_version"] == 2 and new.manifest["base"]["name"] == "base-000003"
    assert not (path / "data-000002").exists()
    graph = new.graph
    follows = sorted(zip(graph.keys_of(graph.sources()).tolist(), graph.keys_of(graph.out_indices).tolist()))
    assert follows == [("ann", "bob"), ("ann", "cat"), ("bob", "cat"), ("cat", "ann")]   # 7 is cat
    assert new.sources()["path"].tolist() == ["ann.txt", "more.csv"]
    assert new.meta("crawl/x") == {"cursor": 5}
    assert int(graph.attribute("followers_count")[graph.id_of("cat")]) == 20
