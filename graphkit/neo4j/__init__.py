"""Optional persistence in Neo4j: push a workspace, pull a graph, ask the server.

See :mod:`graphkit.neo4j.settings` (where the server is), :mod:`graphkit.neo4j.store`
(one connection), :mod:`graphkit.neo4j.push`, :mod:`graphkit.neo4j.pull` and
:mod:`graphkit.neo4j.status`. The Cypher of the queries lives in
:mod:`queries.neo4j_backend`.
"""

from graphkit.neo4j.push import (
    DEFAULT_BATCH_SIZE,
    PushReport,
    clear_graph,
    ensure_schema,
    push_graph,
)
from graphkit.neo4j.settings import Neo4jSettings
from graphkit.neo4j.store import Neo4jStore

__all__ = [
    "Neo4jSettings",
    "Neo4jStore",
    "push_graph",
    "ensure_schema",
    "clear_graph",
    "PushReport",
    "DEFAULT_BATCH_SIZE",
]
