"""``graphkit neo4j push|pull|status``, and the Neo4j queries behind ``--engine neo4j``.

Connection options (``--uri``, ``--user``, ``--password``, ``--database``) fall
back to ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` and
``NEO4J_DATABASE``. The password is never echoed: prefer the environment
variable, since command-line arguments are visible to other local users.
"""

from __future__ import annotations

import functools
import json

import click

from graphkit.cli.help import SummaryGroup, examples
from graphkit.cli.options import positive_int, report_format_options

__all__ = ["neo4j", "query_backend", "as_of_refused", "BACKEND_QUERIES"]

#: query name -> (in-memory "module:function", Neo4j function in queries.neo4j_backend); the in-memory
#: affinity, expand and lookalikes return ResultTables (written without pandas), advocates a DataFrame
BACKEND_QUERIES: dict[str, tuple[str, str]] = {
    "affinity": ("queries.affinity:affinity_table", "affinity"),
    "expand": ("queries.expand:expand_result", "expand"),
    "lookalikes": ("queries.lookalikes:lookalikes_table", "lookalikes"),
    "advocates": ("queries.advocates:advocates", "advocates"),
}


def connection_options(function):
    """``--uri --user --password --database`` with ``NEO4J_*`` fallbacks."""

    @click.option("--uri", envvar="NEO4J_URI", show_envvar=True, metavar="URI",
                  help="Bolt URI, e.g. bolt://localhost:7687 or neo4j+s://ID.databases.neo4j.io "
                       "[default: bolt://127.0.0.1:7687]")
    @click.option("--user", envvar="NEO4J_USER", show_envvar=True, metavar="NAME",
                  help="User name  [default: neo4j]")
    @click.option("--password", envvar="NEO4J_PASSWORD", show_envvar=True, metavar="SECRET",
                  help="Password (omit when the server has no authentication; prefer the "
                       "environment variable).")
    @click.option("--database", envvar="NEO4J_DATABASE", show_envvar=True, metavar="NAME",
                  help="Database  [default: the server's default database]")
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


def open_store(uri, user, password, database):
    """An open :class:`~graphkit.neo4j.Neo4jStore` from option values (closed by the caller)."""
    from graphkit.neo4j import Neo4jSettings, Neo4jStore

    settings = Neo4jSettings.resolve(uri=uri, user=user, password=password, database=database)
    return Neo4jStore(settings).open()


def as_of_refused(engine: str) -> click.UsageError:
    """The error for ``--as-of`` with an engine that does not hold the workspace's history."""
    return click.UsageError(f"--as-of reads the workspace's follow history, which --engine {engine} "
                            "does not hold: use --engine memory (the default)")


def query_backend(obj, backend: str, name: str):
    """``(function, graph)`` that run query ``name`` on the chosen backend.

    For ``memory`` the graph is the workspace's :class:`FollowGraph` (as of
    ``--as-of`` when given); for ``neo4j`` it is an open store, closed when the
    command ends, and ``--as-of`` is refused.
    """
    import importlib

    memory, remote = BACKEND_QUERIES[name]
    if backend != "memory" and getattr(obj, "as_of", None) is not None:
        raise as_of_refused(backend)
    if backend == "neo4j":
        from queries import neo4j_backend

        store = open_store(None, None, None, None)
        click.get_current_context().call_on_close(store.close)
        return getattr(neo4j_backend, remote), store
    module, attribute = memory.split(":")
    return getattr(importlib.import_module(module), attribute), obj.graph


@click.group(cls=SummaryGroup, epilog=examples(
    'graphkit -w graphkit-demo neo4j push',
    'graphkit -w graphkit-demo affinity acme --engine neo4j --top 10',
))
def neo4j() -> None:
    """Keep the graph in Neo4j: push a workspace, pull a graph, check the server.

    \b
    Start the bundled server:  scripts/neo4j-server start
    Or point at your own:      export NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=...
    Then:                      graphkit neo4j push
                               graphkit affinity acme --engine neo4j
    """


@neo4j.command(epilog=examples(
    'graphkit -w graphkit-demo neo4j push',
    'graphkit -w graphkit-demo neo4j push --replace --batch-size 5000 --format json',
))
@connection_options
@click.option("--batch-size", type=int, default=None, callback=positive_int, metavar="N",
              help="Accounts or follows per transaction  [default: 10000, chosen by measurement]")
@click.option("--replace", is_flag=True,
              help="Delete every :Account node and its follows first (default: merge into them).")
@report_format_options()
@click.pass_obj
def push(obj, uri, user, password, database, batch_size, replace, fmt) -> None:
    """Write the workspace's accounts and follows to Neo4j.

    Creates the uniqueness constraint on :Account(key) and indexes on tier
    and followers_count, then MERGEs accounts (with every attribute, tags as a
    list, and tier under the --tiers scheme) and [:FOLLOWS] relationships in
    batches. Pushing twice changes nothing; a push that was cut off is
    finished by running it again.
    """
    from graphkit.neo4j import DEFAULT_BATCH_SIZE, clear_graph, push_graph

    graph = obj.workspace.graph
    with open_store(uri, user, password, database) as store:
        if replace:
            deleted = clear_graph(store)
            click.echo(f"deleted {deleted:,} accounts from {store.settings.where}", err=True)
        report = push_graph(graph, store, batch_size=batch_size or DEFAULT_BATCH_SIZE,
                            tier_scheme=obj.tier_scheme)
    if fmt == "json":
        click.echo(json.dumps({
            "where": report.where, "accounts": report.accounts, "follows": report.follows,
            "batches": report.batches, "batch_size": report.batch_size,
            "seconds": round(report.seconds, 3), "counters": report.counters,
        }, indent=1))
    else:
        click.echo(str(report))


@neo4j.command(epilog=examples(
    'graphkit -w from-neo4j neo4j pull',
    'graphkit -w from-neo4j neo4j pull --label Account --rel FOLLOWS --key key --format json',
))
@connection_options
@click.option("--label", default="Account", show_default=True, metavar="LABEL",
              help="Label of the account nodes.")
@click.option("--target-label", default=None, metavar="LABEL",
              help="Label of the followed nodes, if not LABEL.")
@click.option("--rel", default="FOLLOWS", show_default=True, metavar="TYPE",
              help="Type of the follow relationships (follower)-[:TYPE]->(followee).")
@click.option("--key", default="key", show_default=True, metavar="PROPERTY",
              help="Property that names an account (a handle or an id).")
@report_format_options()
@click.pass_obj
def pull(obj, uri, user, password, database, label, target_label, rel, key, fmt) -> None:
    """Read a graph from Neo4j into the workspace.

    By default graphkit's own schema ((:Account {key})-[:FOLLOWS]->(:Account)).
    Any other follow graph works with --label/--rel/--key, e.g.
    --label User --rel FOLLOWS --key screen_name. The accounts and follows
    are merged into the workspace like any loaded file.
    """
    from graphkit.neo4j.pull import pull_graph
    from graphkit.progress import Progress

    with open_store(uri, user, password, database) as store:
        source = pull_graph(store, label=label, rel=rel, key=key, target_label=target_label)
        bar = Progress("pulling follows", total=source.rows_read, unit=" follows")
        with bar:
            reports = obj.writable_workspace.commit([source], progress=bar)
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in reports], indent=1))
        return
    for report in reports:
        click.echo(str(report))
        for rejected in report.rejected:
            click.echo(f"  {rejected.problem}", err=True)


@neo4j.command(epilog=examples(
    'graphkit neo4j status',
    'graphkit neo4j status --format json',
))
@connection_options
@report_format_options(aliases={"text": "table"})
def status(uri, user, password, database, fmt) -> None:
    """Server version, graphkit's counts, and whether the :Account(key) constraint exists."""
    from graphkit.neo4j.status import store_status

    with open_store(uri, user, password, database) as store:
        facts = store_status(store)
    if fmt == "json":
        click.echo(json.dumps(facts.as_dict(), indent=1))
    else:
        for line in facts.lines():
            click.echo(line)
