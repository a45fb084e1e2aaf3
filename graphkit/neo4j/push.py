"""Write a :class:`~graphkit.graph.FollowGraph` into Neo4j: idempotent, resumable, batched.

The graph becomes ``(:Account {key, observed, tier, <attributes>})`` nodes and
``(:Account)-[:FOLLOWS]->(:Account)`` relationships:

* ``key`` (STRING, unique): the account key, as in the workspace;
* ``observed`` (BOOLEAN): its following list is loaded;
* ``tier`` (STRING): its tier under the tier scheme of the push (``--tiers``;
  ``unknown`` without a follower count), so Cypher can filter by tier;
* ``tags`` (LIST<STRING>): niche keywords and hashtags, so ``'#hiking' IN a.tags``
  works;
* every other attribute the workspace has (``followers_count``, ``bio``, ...)
  under its own name; a missing value is no property.

Schema: the uniqueness constraint ``graphkit_account_key`` on ``:Account(key)``
(also the index every ``MERGE`` uses) and range indexes on what users filter
by, ``:Account(tier)`` and ``:Account(followers_count)``, are created first
(``IF NOT EXISTS``); then the accounts and the follows are sent in batches of
``batch_size`` rows, each batch one transaction of a fixed query::

    UNWIND $rows AS row
    MERGE (a:Account {key: row.key}) SET a += row.props

    UNWIND $rows AS row
    MATCH (a:Account {key: row[0]}) MATCH (b:Account {key: row[1]})
    MERGE (a)-[:FOLLOWS]->(b)

Values travel only in ``$rows``. Because every write is a ``MERGE``, pushing
twice changes nothing, and a push that was cut off (a dropped connection, a
stopped server) is finished by running it again: batches already committed
match existing nodes and relationships instead of duplicating them. Missing
attribute values are sent as ``null``, which removes a stale property, so after
a push every account carries exactly the workspace's attributes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphkit.errors import WorkspaceError
from graphkit.graph import FollowGraph
from graphkit.neo4j.store import CONSTRAINT_NAME, Neo4jStore
from graphkit.progress import Progress
from graphkit.schema import split_tags
from graphkit.tiers import TierScheme

__all__ = [
    "push_graph",
    "ensure_schema",
    "clear_graph",
    "PushReport",
    "DEFAULT_BATCH_SIZE",
    "ACCOUNTS_QUERY",
    "FOLLOWS_QUERY",
    "SCHEMA_QUERIES",
]

#: Rows per transaction. Chosen by measurement (docs/benchmarks-neo4j.md): ...
DEFAULT_BATCH_SIZE = 10_000

CONSTRAINT_QUERY = (
    f"CREATE CONSTRAINT {CONSTRAINT_NAME} IF NOT EXISTS "
    "FOR (a:Account) REQUIRE a.key IS UNIQUE"
)
#: The constraint and the indexes :func:`ensure_schema` creates, in order.
SCHEMA_QUERIES = (
    CONSTRAINT_QUERY,
    "CREATE INDEX graphkit_account_tier IF NOT EXISTS FOR (a:Account) ON (a.tier)",
    "CREATE INDEX graphkit_account_followers_count IF NOT EXISTS FOR (a:Account) ON (a.followers_count)",
)
ACCOUNTS_QUERY = "UNWIND $rows AS row MERGE (a:Account {key: row.key}) SET a += row.props"
FOLLOWS_QUERY = (
    "UNWIND $rows AS row "
    "MATCH (a:Account {key: row[0]}) MATCH (b:Account {key: row[1]}) "
    "MERGE (a)-[:FOLLOWS]->(b)"
)


@dataclass
class PushReport:
    """What one push did."""

    where: str
    accounts: int = 0
    follows: int = 0
    batches: int = 0
    batch_size: int = DEFAULT_BATCH_SIZE
    seconds: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def nodes_created(self) -> int:
        return self.counters.get("nodes_created", 0)

    @property
    def relationships_created(self) -> int:
        return self.counters.get("relationships_created", 0)

    @property
    def follows_per_second(self) -> float:
        return self.follows / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"pushed {self.accounts:,} accounts and {self.follows:,} follows to {self.where} "
            f"in {self.seconds:.1f} s ({self.batches:,} batches of up to {self.batch_size:,}): "
            f"{self.nodes_created:,} accounts and {self.relationships_created:,} follows were new"
        )


def ensure_schema(store: Neo4jStore) -> None:
    """Create the constraint on ``:Account(key)`` and the indexes on ``tier`` and
    ``followers_count`` unless they exist (:data:`SCHEMA_QUERIES`)."""
    for query in SCHEMA_QUERIES:
        store.run_auto(query)


def clear_graph(store: Neo4jStore, *, batch_size: int = 10_000) -> int:
    """Delete every ``:Account`` node and its relationships, in batches; return the count.

    Follows go first, ``5 * batch_size`` per transaction, so that no single
    transaction has to hold a dense account's whole neighbourhood.
    """
    while store.write(
        "MATCH (:Account)-[r:FOLLOWS]->(:Account) WITH r LIMIT $limit DELETE r",
        {"limit": 5 * batch_size},
    )["relationships_deleted"]:
        pass
    total = 0
    while True:
        deleted = store.write(
            "MATCH (a:Account) WITH a LIMIT $limit DETACH DELETE a", {"limit": batch_size}
        )["nodes_deleted"]
        total += deleted
        if deleted == 0:
            return total


def _python_column(series: pd.Series) -> list:
    """Values of a column as Python objects, missing values as ``None``."""
    values = series.astype(object)
    return values.where(series.notna().to_numpy(dtype=bool), None).tolist()


def account_rows(
    accounts: pd.DataFrame, start: int, stop: int, tiers: np.ndarray | None = None
) -> list[dict]:
    """``{"key": ..., "props": {...}}`` for the accounts in rows ``start:stop``.

    ``tags`` become a list of strings; ``tiers`` (one name per account, all
    rows) adds the ``tier`` property.

    >>> frame = pd.DataFrame({"key": ["a", "b"], "observed": [True, False],
    ...                       "followers_count": pd.array([5, None], dtype="Int64"),
    ...                       "tags": ["#hiking,camping", None]})
    >>> account_rows(frame, 0, 2, np.array(["regular", "unknown"]))
    [{'key': 'a', 'props': {'observed': True, 'followers_count': 5, 'tags': ['#hiking', 'camping'], 'tier': 'regular'}}, {'key': 'b', 'props': {'observed': False, 'followers_count': None, 'tags': None, 'tier': 'unknown'}}]
    """
    part = accounts.iloc[start:stop]
    columns = [c for c in part.columns if c not in ("key", "graph_id", "tier")]
    keys = part["key"].astype(object).tolist()
    values = {c: _python_column(part[c]) for c in columns}
    if "tags" in values:
        values["tags"] = [split_tags(v) or None for v in values["tags"]]
    if tiers is not None:
        columns.append("tier")
        values["tier"] = [str(t) for t in tiers[start:stop]]
    return [
        {"key": key, "props": {c: values[c][i] for c in columns}}
        for i, key in enumerate(keys)
    ]


def push_graph(
    graph: FollowGraph,
    store: Neo4jStore,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    tier_scheme: TierScheme | None = None,
) -> PushReport:
    """Write ``graph`` into the store's database (see the module docstring).

    Parameters
    ----------
    graph : FollowGraph
        The graph to write (usually ``Workspace.graph``).
    store : Neo4jStore
        An open connection.
    batch_size : int
        Rows (accounts or follows) per transaction.
    progress : Progress, optional
        Advanced by one per account and per follow written; by default a bar on
        stderr when it is a terminal.
    tier_scheme : TierScheme, optional
        The scheme of the ``tier`` property (default: the built-in tiers).

    Returns
    -------
    PushReport
        Counts and the server's counters (``nodes_created``, ...).

    Raises
    ------
    WorkspaceError
        The graph is empty.
    Neo4jStoreError
        The server cannot be reached, refuses the login, or a write fails after
        retries. Running the push again finishes it.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if graph.n_accounts == 0:
        raise WorkspaceError("the workspace is empty: load some lists before pushing to Neo4j")
    started = time.perf_counter()
    report = PushReport(where=store.settings.where, batch_size=batch_size)
    totals: dict[str, int] = {}

    def add(counters: dict[str, int]) -> None:
        for name, value in counters.items():
            totals[name] = totals.get(name, 0) + value

    ensure_schema(store)
    scheme = tier_scheme or TierScheme.default()
    tiers = np.asarray(scheme.assign(graph.attribute("followers_count").to_numpy()).astype(str))
    bar = progress or Progress("pushing to Neo4j", total=graph.n_accounts + graph.n_follows)
    with bar:
        accounts = graph.accounts
        for start in range(0, graph.n_accounts, batch_size):
            stop = min(start + batch_size, graph.n_accounts)
            add(store.write(ACCOUNTS_QUERY, {"rows": account_rows(accounts, start, stop, tiers)}))
            report.batches += 1
            bar.advance(stop - start)
        keys = graph.keys
        sources = graph.sources()
        targets = np.asarray(graph.out_indices)
        for start in range(0, graph.n_follows, batch_size):
            stop = min(start + batch_size, graph.n_follows)
            rows = np.stack([keys[sources[start:stop]], keys[targets[start:stop]]], axis=1).tolist()
            add(store.write(FOLLOWS_QUERY, {"rows": rows}))
            report.batches += 1
            bar.advance(stop - start)
    report.accounts = graph.n_accounts
    report.follows = graph.n_follows
    report.counters = totals
    report.seconds = time.perf_counter() - started
    return report
