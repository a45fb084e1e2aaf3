"""The workspace's own Parquet files, for engines that read them directly (Spark, DuckDB).

:meth:`Workspace.data_files() <graphkit.workspace.Workspace.data_files>` lists
the files of the generation an open workspace pins (keep it open while
another engine reads them) and :data:`RULES` says how to combine them. This
module also holds :func:`combine`, a reference implementation of the rules in
plain pyarrow that the tests compare with :attr:`Workspace.graph`.

The files (paths are absolute; a part a generation does not have is ``None``):

* ``base.accounts`` — ``accounts.parquet``: row ``i`` is account id ``i``
  (``key``, ``observed``, attributes);
* ``base.follows`` — ``follows.parquet``: ``follower``, ``followee`` (int32
  ids), ``first_seen``, ``last_seen``: the follows current at compaction;
* ``segments[k].accounts`` — account events: ``id``, then any of ``key``,
  ``observed``, attributes (empty: not given), ``loaded_at``, ``gen``;
* ``segments[k].follows`` — follow events: ``follower``, ``followee``,
  ``seen_at`` (a sighting) or ``ended`` (an end), ``gen``;
* ``base.spells``, ``base.account_updates`` — history (see
  :mod:`graphkit.workspace.compaction`), not needed for the current graph.

Examples
--------
>>> import tempfile
>>> from graphkit.tables import SourceTables as Tables
>>> from graphkit.workspace import open_workspace
>>> ws = open_workspace(tempfile.mkdtemp() + "/ws")
>>> for name, pairs in (("a.csv", [("a", "b"), ("b", "c")]), ("b.csv", [("c", "a")])):
...     _ = ws.commit([Tables.from_pairs(name, pairs)])
>>> accounts, follows = combine(ws.data_files())
>>> accounts.column("key").to_pylist()
['a', 'b', 'c']
>>> sorted(zip(follows.column("follower").to_pylist(), follows.column("followee").to_pylist()))
[(0, 1), (1, 2), (2, 0)]
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphkit import arrow_arrays as arrow
from graphkit.workspace.manifest import upgrade_legacy

__all__ = ["RULES", "describe", "describe_manifest", "combine"]

RULES = """\
accounts: take the base's accounts.parquet, row i = id i. Then read every segment's
accounts.parquet in order (segments in the listed order, rows in file order): for each
column other than id/loaded_at/gen, the last non-empty value an event gives for an id
replaces the base's value. Ids past the base's rows are accounts the segments added; each
has a key in its first event. observed is true if any event says true.
follows: take the base's follows.parquet (follower, followee). Then read every segment's
follows.parquet in order: for each (follower, followee), its last event decides: a row with
seen_at (a sighting) means the follow is current, a row with ended means it is not.
A follow without events keeps its base state."""


def describe(snapshot) -> dict:
    """The files of one generation (see the module docstring) and :data:`RULES`."""
    return describe_manifest(str(snapshot.path.resolve()), snapshot.manifest)


def describe_manifest(root: str, manifest: dict) -> dict:
    """:func:`describe` from a manifest's JSON and the workspace's folder or URI.

    For engines that reach the workspace through their own file systems
    (``s3a://``, ``hdfs://``) and read ``manifest.json`` themselves.

    >>> files = describe_manifest("s3a://bucket/ws", {"generation": 3,
    ...     "base": {"name": "base-000002", "files": {"accounts.parquet": {}, "follows.parquet": {}}},
    ...     "segments": [{"name": "seg-000003", "files": {"follows.parquet": {}}}]})
    >>> files["base"]["follows"], files["segments"][0]["accounts"], files["segments"][0]["follows"]
    ('s3a://bucket/ws/base-000002/follows.parquet', None, 's3a://bucket/ws/seg-000003/follows.parquet')
    """
    if manifest.get("schema_version") == 1:
        manifest = upgrade_legacy(manifest)
    root = root.rstrip("/")

    def path(folder, files, name):
        return f"{root}/{folder}/{name}" if name in files else None

    base = None
    if manifest.get("base") is not None:
        files = manifest["base"]["files"]
        base = {part: path(manifest["base"]["name"], files, f"{part}.parquet")
                for part in ("accounts", "follows", "spells", "account_updates", "sources")}
    segments = [{part: path(s["name"], s["files"], f"{part}.parquet") for part in ("accounts", "follows", "sources")}
                for s in manifest.get("segments", [])]
    return {"generation": int(manifest.get("generation", 0)), "base": base, "segments": segments, "rules": RULES}


def _last_values(events: pa.Table, column: str) -> pa.Table:
    """``id, <column>``: the last non-empty value of ``column`` per id (events in order)."""
    given = events.select(["id", column]).filter(pc.is_valid(events.column(column)))
    return given.group_by("id", use_threads=False).aggregate([(column, "last")]).rename_columns(["id", column])


def combine(files: dict) -> tuple[pa.Table, pa.Table]:
    """The current ``(accounts, follows)`` by :data:`RULES`, in plain pyarrow.

    ``accounts`` has ``id`` and every column; ``follows`` has ``follower`` and
    ``followee``. A reference, not a fast path: it reads every file whole.
    """
    if files["base"] is None:
        return pa.table({"id": arrow.empty(pa.int64()), "key": arrow.empty(pa.string())}), \
            pa.table({"follower": arrow.empty(pa.int32()), "followee": arrow.empty(pa.int32())})
    accounts = pq.read_table(files["base"]["accounts"])
    accounts = accounts.append_column("id", arrow.array(range(accounts.num_rows), pa.int64()))
    parts = [pq.read_table(s["accounts"]) for s in files["segments"] if s["accounts"]]
    if parts:
        events = pa.concat_tables(parts, promote_options="permissive")
        events = events.set_column(events.schema.get_field_index("id"), "id", events.column("id").cast(pa.int64()))
        new_ids = pc.unique(events.column("id")).filter(pc.greater_equal(pc.unique(events.column("id")), accounts.num_rows))
        accounts = pa.concat_tables([accounts, pa.table({"id": new_ids})], promote_options="permissive")
        for column in events.column_names:
            if column in ("id", "loaded_at", "gen"):
                continue
            latest = _last_values(events, column)
            joined = accounts.join(latest, "id", join_type="left outer", right_suffix="_event", use_threads=False)
            name = column if column not in accounts.column_names else f"{column}_event"
            new = joined.column(name)
            if column in accounts.column_names:
                old = joined.column(column)
                if old.type != new.type:
                    old, new = old.cast(pa.string()), new.cast(pa.string())
                joined = joined.set_column(joined.schema.get_field_index(column), column, pc.coalesce(new, old))
                joined = joined.drop_columns([name])
            accounts = joined
        accounts = accounts.sort_by("id")
        accounts = accounts.set_column(accounts.schema.get_field_index("observed"), "observed",
                                       pc.fill_null(accounts.column("observed"), arrow.scalar(False, pa.bool_())))
    follows = pq.read_table(files["base"]["follows"], columns=["follower", "followee"])
    parts = [pq.read_table(s["follows"], columns=["follower", "followee", "ended"]) for s in files["segments"] if s["follows"]]
    if parts:
        events = pa.concat_tables(parts)
        events = events.append_column("is_end", pc.is_valid(events.column("ended"))).drop_columns(["ended"])
        last = events.group_by(["follower", "followee"], use_threads=False).aggregate([("is_end", "last")])
        ended = last.filter(last.column("is_end_last")).select(["follower", "followee"])
        seen = last.filter(pc.invert(last.column("is_end_last"))).select(["follower", "followee"])
        follows = follows.join(ended, ["follower", "followee"], join_type="left anti", use_threads=False)
        seen = seen.join(follows, ["follower", "followee"], join_type="left anti", use_threads=False)
        follows = pa.concat_tables([follows, seen])
    return accounts, follows.sort_by([("follower", "ascending"), ("followee", "ascending")])
