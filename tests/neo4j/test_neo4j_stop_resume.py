"""A push cut off by stopping the server, re-run after a restart, ends exact."""

from __future__ import annotations

import pytest

from graphkit.errors import Neo4jStoreError
from graphkit.neo4j import Neo4jStore, push_graph
from graphkit.neo4j.status import store_status
from graphkit.progress import Progress

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


class StopServerMidway(Progress):
    """A progress bar that stops the server once ``after`` rows have been written."""

    def __init__(self, server, total: int, after: int) -> None:
        super().__init__("push", total=total, enabled=False)
        self.server = server
        self.after = after
        self.stopped_at: int | None = None

    def advance(self, amount: int = 1) -> None:
        super().advance(amount)
        if self.stopped_at is None and self.done >= self.after:
            self.stopped_at = self.done
            self.server.stop()


def test_interrupted_push_rerun_after_restart_is_exact(neo4j_server, store, snap_graph):
    if not neo4j_server.managed:
        pytest.skip("needs the server started by the tests (NEO4J_URI is set): it is stopped mid-push")
    graph = snap_graph("email-eu-core")
    total = graph.n_accounts + graph.n_follows
    bar = StopServerMidway(neo4j_server, total, after=graph.n_accounts + graph.n_follows // 3)
    with pytest.raises(Neo4jStoreError, match="not reachable or the connection dropped"):
        push_graph(graph, store, batch_size=1_000, progress=bar)
    assert bar.stopped_at is not None and bar.stopped_at < total
    store.close()

    neo4j_server.start()
    with Neo4jStore(neo4j_server.settings(), retry_time=5) as again:
        partial = store_status(again)
        # the batches committed before the stop survived the restart; the rest is missing
        assert partial.accounts == graph.n_accounts
        assert bar.stopped_at - graph.n_accounts <= partial.follows < graph.n_follows
        report = push_graph(graph, again, batch_size=1_000)
        assert report.relationships_created == graph.n_follows - partial.follows
        assert report.nodes_created == 0
        final = store_status(again)
        assert (final.accounts, final.follows, final.observed) == (
            graph.n_accounts, graph.n_follows, int(graph.observed.sum()))
        duplicates = again.read(
            "MATCH (a:Account)-[r:FOLLOWS]->(b:Account) WITH a, b, count(r) AS n WHERE n > 1 "
            "RETURN count(*) AS pairs"
        )[0]["pairs"]
        keys = again.read("MATCH (a:Account) RETURN count(DISTINCT a.key) AS n")[0]["n"]
        assert duplicates == 0 and keys == graph.n_accounts
