"""``graphkit export edges|accounts|neighbourhood|landscape|spark``: the workspace's tables as files."""

from __future__ import annotations

import click

from graphkit.cli.help import SummaryGroup, examples
from graphkit.cli.landscape import dynamic_option, export_landscape, follow_spells_for
from graphkit.cli.options import (
    as_of_option,
    emit,
    output_options,
    positive_int,
    random_seed_option,
    top_option,
)

__all__ = ["export"]


@click.group(cls=SummaryGroup, epilog=examples(
    'graphkit -w graphkit-demo export accounts --out accounts.csv',
    'graphkit -w graphkit-demo export neighbourhood acme --hops 1 --out acme.gexf',
    'graphkit -w graphkit-demo export landscape acme --out landscape.html',
))
def export() -> None:
    """Write the workspace's tables (or a neighbourhood, or a landscape) to files."""


@export.command("edges", epilog=examples(
    'graphkit -w graphkit-demo export edges --out follows.csv',
    'graphkit -w graphkit-demo export edges --out follows.parquet',
))
@output_options
@as_of_option
@click.pass_obj
def export_edges(obj, fmt, out) -> None:
    """Every follow as a follower,followee table of account keys."""
    emit(obj.graph.edges_frame(), out, fmt or ("csv" if out in (None, "-") else None))


@export.command("accounts", epilog=examples(
    'graphkit -w graphkit-demo export accounts --out accounts.parquet',
    'graphkit -w graphkit-demo export accounts --format json --out accounts.json',
))
@output_options
@as_of_option
@click.pass_obj
def export_accounts(obj, fmt, out) -> None:
    """Every account with its attributes and tier."""
    graph = obj.graph
    accounts = graph.accounts.copy()
    accounts.insert(1, "tier", obj.tier_scheme.assign(graph.attribute("followers_count").to_numpy()))
    emit(accounts, out, fmt or ("csv" if out in (None, "-") else None))


@export.command("neighbourhood", epilog=examples(
    'graphkit -w graphkit-demo export neighbourhood acme --hops 1 --out acme.gexf',
    'graphkit -w graphkit-demo export neighbourhood hike_theo --hops 2 --top 300 --out hike_theo.html',
    'graphkit -w graphkit-demo export neighbourhood acme --direction followers --out acme.graphml',
    'graphkit -w graphkit-demo export neighbourhood acme --out acme-timeline.gexf --dynamic',
))
@click.argument("seed")
@click.option("--hops", type=int, default=1, show_default=True, callback=positive_int,
              help="How many follows away to go.")
@click.option("--direction", type=click.Choice(["both", "following", "followers"]), default="both",
              show_default=True, help="Follow edges out of SEED, into it, or both.")
@top_option(500, "accounts besides the seed: the most relevant (personalized PageRank from SEED, as "
                "in graphkit expand); maps stay readable up to about 2,000", aliases=["--limit"])
@click.option("-o", "--out", metavar="FILE", required=True,
              help="File to write; the extension picks the format: .graphml .gexf .json (node-link) "
                   ".csv/.parquet (nodes, plus FILE-edges beside) .html (interactive map).")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv", "parquet", "html"]),
              default=None, help="Format  [default: from --out's extension]")
@random_seed_option("the force-directed layout (.gexf positions, .html map)", aliases=["--layout-seed"])
@dynamic_option
@as_of_option
@click.pass_obj
def export_neighbourhood(obj, seed, hops, direction, top, out, fmt, random_seed, dynamic) -> None:
    """Write SEED's ranked neighbourhood (graphkit expand) as a graph file or a map.

    Every column of the ranked table (rank, hops, links, degrees, tier, ...) and
    every profile attribute becomes a node attribute with its type declared;
    the follows among the accounts become the edges. With --dynamic (.gexf), every
    follow among them that ever existed, with its spells (first seen .. ended), and
    each account's spells, for Gephi's timeline.
    """
    from queries.expand import expand
    from queries.exporters import write_neighbourhood

    spells = follow_spells_for(obj, dynamic)
    graph = obj.graph
    table = expand(graph, seed, hops=hops, direction=direction, limit=top, tier_scheme=obj.tier_scheme)
    written = write_neighbourhood(graph, table, out, fmt, tier_scheme=obj.tier_scheme,
                                  layout_seed=random_seed, spells=spells)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    click.echo(f"{table.attrs.get('seed', seed)}: {len(table):,} accounts (seed included) within "
               f"{hops} hop{'s' if hops != 1 else ''} ({direction}), {table.attrs['order']}", err=True)


@export.command("spark", epilog=examples(
    'graphkit -w graphkit-demo export spark --out acme-spark --buckets 4',
    "graphkit -w acme-spark affinity acme --top 5 --engine spark --spark-master 'local[2]'",
))
@click.option("-o", "--out", metavar="DIR", required=True,
              help="Folder to create (local), or a URI pyarrow writes (s3://bucket/prefix, hdfs://...).")
@click.option("--buckets", type=int, default=None, callback=positive_int, metavar="N",
              help="Follow files, by a hash of the follower  [default: one per 8 M follows]")
@click.option("--overwrite", is_flag=True, help="Replace an existing dataset folder.")
@as_of_option
@click.pass_obj
def export_spark_dataset(obj, out, buckets, overwrite) -> None:
    """Write the workspace as a partitioned Parquet dataset for Spark on shared storage.

    \b
    DIR/accounts/   id, key, observed and every attribute
    DIR/follows/    follower, followee ids, bucket=N folders by a hash of the follower
    DIR/_graphkit.json   counts (written last)

    Query it with any --engine spark command: graphkit -w DIR affinity BRAND --engine spark.
    """
    from graphkit.spark.dataset import export_spark

    graph = obj.graph if obj.as_of is not None else None  # else the workspace's files, streamed
    document = export_spark(obj.stored_workspace, out, buckets=buckets, overwrite=overwrite, graph=graph)
    click.echo(f"wrote {document['accounts']:,} accounts and {document['follows']:,} follows "
               f"in {document['buckets']:,} bucket(s) to {out}", err=True)


export.add_command(export_landscape)
