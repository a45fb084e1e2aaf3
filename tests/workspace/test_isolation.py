"""Readers keep the generation they opened while other processes commit, and never see damage."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd

from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from graphkit.workspace.datafiles import combine
from graphkit.workspace.history import follow_spells


def _source(name: str, pairs, **extra) -> SourceTables:
    source = SourceTables.from_pairs(name, pairs)
    for key, value in extra.items():
        setattr(source, key, value)
    return source


def _everything(ws: Workspace) -> dict:
    """Every table a reader can ask for, as plain values."""
    graph = ws.graph
    accounts, follows = combine(ws.data_files())
    return {
        "accounts": graph.accounts.astype(str).values.tolist(),
        "follows": sorted(zip(graph.keys_of(graph.sources()).tolist(), graph.keys_of(graph.out_indices).tolist())),
        "in": graph.in_indices.tolist(),
        "tables": {name: ws.table(name).astype(str).values.tolist() for name in ws.manifest["tables"]},
        "meta": ws.meta("crawl/x"),
        "sources": ws.sources()["path"].tolist(),
        "spells": follow_spells(ws).astype(str).values.tolist(),
        "datafiles": (accounts.num_rows, follows.num_rows),
    }


WRITER = textwrap.dedent("""
    import sys
    from graphkit.tables import SourceTables
    from graphkit.workspace import Workspace
    import pandas as pd
    path = sys.argv[1]
    for i in range(20):
        ws = Workspace(path)
        source = SourceTables.from_pairs(f"more-{i}.csv", [(f"new{i}", "hub"), ("hub", f"new{i}")])
        source.extra_tables = {"circles": pd.DataFrame({"ego": ["hub"], "circle": [f"c{i}"], "member": [f"new{i}"]})}
        ws.commit([source], meta={"crawl/x": {"page": i}})
        if i % 6 == 5:
            ws.compact()
    print("done", flush=True)
""")


def test_a_reader_open_across_20_commits_of_another_process_reads_every_table(tmp_path):
    path = tmp_path / "ws"
    writer = Workspace(path)
    writer.commit([_source("base.csv", [(f"u{i}", f"u{(i * 7) % 50}") for i in range(200)])])
    aliases = pd.DataFrame({"alias": ["42"], "key": ["u1"]})
    writer.commit([_source("ids.csv", [("u1", "hub")], extra_tables={"aliases": aliases,
                   "circles": pd.DataFrame({"ego": ["hub"], "circle": ["c"], "member": ["u1"]})})],
                  meta={"crawl/x": {"page": -1}})
    writer.commit([_source("list.csv", [("hub", "u2"), ("hub", "u3")], complete_following={"hub": None})])
    assert writer.manifest["segments"], "the reader must start on a base with segments"

    reader = Workspace(path)
    reference = Workspace(path)
    expected = _everything(reference)   # read now, before any other commit
    pinned = reader.manifest["generation"]
    run = subprocess.run([sys.executable, "-c", WRITER, str(path)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert Workspace(path).manifest["generation"] >= pinned + 20
    # the reader read nothing yet: everything it reads now is the generation it pinned
    assert _everything(reader) == expected
    folders = {e["name"] for e in Workspace(path).manifest["retired"]}
    assert folders, "the folders of the pinned generation are kept while it is open"
    reader.close()
    reference.close()
    # once nobody reads it, the next commit removes what the old generation needed
    writer = Workspace(path)
    writer.commit([_source("last.csv", [("a", "b")])])
    left = {p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")}
    live = {writer.manifest["base"]["name"], *(s["name"] for s in writer.manifest["segments"])}
    assert left == live
    fresh = Workspace(path)
    assert fresh.meta("crawl/x") == {"page": 19}
    assert len(fresh.table("circles")) == 21
    assert fresh.table("aliases").values.tolist() == [["42", "u1"]]


def test_a_workspace_moves_to_the_newest_generation_on_refresh(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.commit([_source("a.csv", [("a", "b")])])
    other = Workspace(tmp_path / "ws")
    assert other.graph.n_follows == 1
    ws.commit([_source("b.csv", [("b", "c")])])
    assert other.graph.n_follows == 1   # still the generation it opened
    other.refresh()
    assert other.graph.n_follows == 2


def test_a_writer_does_not_wait_for_readers(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_LOCK_TIMEOUT", "0.5")
    ws = Workspace(tmp_path / "ws")
    ws.commit([_source("a.csv", [("a", "b")])])
    readers = [Workspace(tmp_path / "ws") for _ in range(3)]
    for reader in readers:
        _ = reader.graph
    for i in range(10):  # segments, merges and a compaction while three readers hold generation 1
        Workspace(tmp_path / "ws").commit([_source(f"{i}.csv", [(f"x{i}", "a")])])
    Workspace(tmp_path / "ws").compact()
    assert all(reader.graph.n_follows == 1 for reader in readers)
    assert [r.table("nothing").empty for r in readers] == [True] * 3
