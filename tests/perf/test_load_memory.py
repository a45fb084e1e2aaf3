"""What a big load holds per follow, checked on the arrays themselves (not by timing).

The 200 M-follow load fits its 12 GiB budget because a commit of one edge file
holds its follows as one int64 code each (8 bytes) and every column that holds
one value (the time of the load, the kind of event, no ``listed`` mark) as a
stride-0 view; the base then keeps those columns constant in ``follows.parquet``
and reads them back from the Parquet statistics. These tests fail if any of
those columns becomes a full array again, or if the shortcuts change an answer.
"""

from __future__ import annotations

import hashlib

import networkx as nx
import numpy as np

from graphkit.api import load_files
from graphkit.graph import transpose_csr
from graphkit.workspace import history, open_workspace
from graphkit.workspace.delta import DeltaBuilder
from graphkit.workspace.follows import is_constant
from loaders import ReadContext, read_source


def _edge_file(tmp_path, n_followers=400, per_follower=250, seed=3):
    rng = np.random.default_rng(seed)
    rows = ["follower,followee"]
    for follower in range(n_followers):
        for followee in rng.choice(5_000, size=per_follower, replace=False):
            rows.append(f"user_{follower},acct_{followee}")
    path = tmp_path / "follows.csv"
    path.write_text("\n".join(rows) + "\n")
    return path, n_followers * per_follower


def _held_bytes(arrays) -> int:
    """Bytes of the distinct memory behind ``arrays`` (views of one buffer count once)."""
    seen, total = set(), 0
    for array in arrays:
        base = array
        while isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        if id(base) not in seen:
            seen.add(id(base))
            total += getattr(base, "nbytes", array.nbytes)
    return total


def test_one_edge_file_holds_its_follows_in_eight_bytes_each(tmp_path, monkeypatch):
    import loaders.edges as edges

    monkeypatch.setattr(edges, "_BLOCK", 1 << 18)  # several blocks, merged into one dictionary
    path, n = _edge_file(tmp_path)
    workspace = open_workspace(tmp_path / "ws")
    source = read_source(str(path), ReadContext(kind="edges"))
    assert len(source.follows) > 3
    builder = DeltaBuilder(workspace.snapshot, generation=1, loaded_at="2026-01-01T00:00:00+00:00")
    builder.add(source, None)
    # the blocks share one dictionary: it joins the commit once, the follows stay int32 codes
    assert sum(len(part) > 0 for part in builder.key_parts) == 1
    assert len(builder.key_parts[0]) == 400 + 5_000
    events = builder.finish().follows
    assert len(events) == n
    assert [is_constant(getattr(events, name)) for name in ("kinds", "times", "listed")] == [True] * 3
    held = _held_bytes([events.codes, events.kinds, events.times, events.listed])
    assert held <= 8 * n + 64, f"{held / n:.1f} bytes per follow"


def test_the_base_keeps_constant_history_columns_and_reads_them_back_equal(tmp_path, monkeypatch):
    path, _ = _edge_file(tmp_path)
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-01-01T00:00:00Z")
    load_files(open_workspace(tmp_path / "ws"), "edges", [str(path)])
    snapshot = open_workspace(tmp_path / "ws").snapshot
    current, _ = history.base_spells(snapshot)
    assert is_constant(current.first_seen) and is_constant(current.last_seen) and is_constant(current.listed)
    monkeypatch.setattr(history, "_constant_columns", lambda file, names: {})
    read, _ = history.base_spells(snapshot)
    assert not is_constant(read.first_seen)
    for name in ("codes", "first_seen", "last_seen", "ended", "listed"):
        assert np.array_equal(getattr(current, name), getattr(read, name)), name
    assert current.first_seen[0] == 1767225600


def test_history_columns_that_differ_are_read_not_taken_as_constant(tmp_path, monkeypatch):
    first, _ = _edge_file(tmp_path)
    second = tmp_path / "more.csv"
    second.write_text("follower,followee\nuser_1,new_account\nuser_2,acct_1\n")
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-01-01T00:00:00Z")
    load_files(open_workspace(tmp_path / "ws"), "edges", [str(first)])
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-02-01T00:00:00Z")
    load_files(open_workspace(tmp_path / "ws"), "edges", [str(second)])
    open_workspace(tmp_path / "ws").compact()
    snapshot = open_workspace(tmp_path / "ws").snapshot
    assert "first_seen" not in history._constant_columns(
        snapshot.path / snapshot.base["name"] / "follows.parquet", history.HISTORY_COLUMNS)
    current, _ = history.base_spells(snapshot)
    assert not is_constant(current.first_seen)
    assert set(current.first_seen.tolist()) == {1767225600, 1769904000}


def test_the_fingerprint_hashed_while_reading_is_the_file_sha256(tmp_path):
    path, _ = _edge_file(tmp_path)
    source = read_source(str(path), ReadContext(kind="edges"))
    assert source.sha256 is not None  # hashed by the streaming reader, not by a second pass
    assert source.fingerprint["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_reversed_csr_equals_networkx_on_wiki_vote(snap_graph):
    """The numpy transposition (sorting reversed codes) against networkx's predecessors."""
    graph = snap_graph("wiki-vote")
    src, dst = graph.sources(), graph.out_indices
    reference = nx.DiGraph()
    reference.add_nodes_from(range(graph.n_accounts))
    reference.add_edges_from(zip(src.tolist(), dst.tolist()))
    in_indptr, in_indices = transpose_csr(graph.out_indptr, graph.out_indices, graph.n_accounts)
    assert len(in_indices) == reference.number_of_edges() == 103_689
    for node in range(graph.n_accounts):
        assert in_indices[in_indptr[node]:in_indptr[node + 1]].tolist() == sorted(reference.predecessors(node))
