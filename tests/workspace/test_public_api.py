"""What code outside the package reads (the CLI, the crawlers, the web app, other engines): public methods only."""

from __future__ import annotations

from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from loaders.crawl import crawl_documents
from tests.support import run_graphkit


def test_a_reader_learns_of_a_new_generation_and_moves_to_it(tmp_path):
    path = tmp_path / "ws"
    Workspace(path).commit([SourceTables.from_pairs("a.csv", [("a", "b")])])
    with Workspace(path) as reader:
        assert reader.generation == 1 and not reader.changed()
        assert reader.counts == {"accounts": 2, "follows": 1, "observed": 0}
        assert reader.updated is not None
        Workspace(path).commit([SourceTables.from_pairs("b.csv", [("b", "c")])])
        assert reader.changed() and reader.graph.n_follows == 1  # still the generation it opened
        reader.refresh()
        assert not reader.changed() and reader.generation == 2 and reader.graph.n_follows == 2
        assert reader.sources()["path"].tolist() == ["a.csv", "b.csv"]


def test_meta_documents_by_name_and_prefix(tmp_path):
    path = tmp_path / "ws"
    state = {"version": 1, "platform": "bluesky", "jobs": {}}
    Workspace(path).commit([], meta={"crawl:bluesky": state, "crawl:x": {"jobs": {}}, "notes": {"a": 1}})
    ws = Workspace(path)
    assert ws.meta_names() == ["crawl:bluesky", "crawl:x", "notes"]
    assert ws.meta_names("crawl:") == ["crawl:bluesky", "crawl:x"]
    assert crawl_documents(ws) == {"bluesky": state, "x": {"jobs": {}}}
    Workspace(path).commit([], meta={"crawl:x": None})
    assert crawl_documents(Workspace(path)) == {"bluesky": state}


def test_a_workspace_holding_only_crawl_state_is_empty_to_the_commands(tmp_path):
    path = tmp_path / "ws"
    Workspace(path).commit([], meta={"crawl:bluesky": {"jobs": {}}})
    assert Workspace(path).is_empty
    result = run_graphkit("-w", str(path), "affinity", "acme")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: workspace {path} is empty: load lists into it first (`graphkit load --help`); "
        "after `graphkit demo`, use -w graphkit-demo"]
