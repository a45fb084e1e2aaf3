"""``graphkit centrality --measure ...``: rank accounts by PageRank, PPR, degree, HITS, betweenness."""

from __future__ import annotations

import click

from graphkit.cli.engines import engine_options
from graphkit.cli.options import csv_list, emit, output_options, positive_int

__all__ = ["centrality"]

MEASURES = ("pagerank", "ppr", "in-degree", "out-degree", "hits", "betweenness")


@click.command()
@click.option("--measure", type=click.Choice(MEASURES), default="pagerank", show_default=True,
              help="What to rank by (see below).")
@click.option("--seed", "seeds", multiple=True, metavar="ACCOUNT",
              help="ppr: teleport to this account (repeatable); betweenness: exact on its neighbourhood.")
@click.option("--audience-of", metavar="BRAND",
              help="ppr: teleport to BRAND's observed followers.")
@click.option("--exclude-seeds", is_flag=True, help="Leave the seeds (and --audience-of's audience) out.")
@click.option("--top", type=int, default=20, show_default=True, callback=positive_int, help="Rows to show.")
@click.option("--tier", "tiers", multiple=True, callback=csv_list, metavar="TIERS",
              help="Keep these tiers only, e.g. --tier nano,micro.")
@click.option("--alpha", type=click.FloatRange(0, 1, max_open=True), default=0.85, show_default=True,
              help="PageRank damping factor.")
@click.option("--samples", type=int, default=100, show_default=True, callback=positive_int,
              help="betweenness without --seed: source accounts sampled.")
@click.option("--sample-seed", type=int, default=0, show_default=True,
              help="Random seed of the betweenness sample.")
@engine_options("centrality")
@output_options
@click.pass_obj
def centrality(obj, measure, seeds, audience_of, exclude_seeds, top, tiers, alpha, samples,
               sample_seed, engine, fmt, out) -> None:
    """Rank accounts by a centrality measure.

    \b
    pagerank     where a random walk along follows spends its time (damping 0.85)
    ppr          the same walk restarting at --seed accounts or --audience-of BRAND
    in-degree    followers inside the graph; out-degree: follows inside the graph
    hits         HITS authority (followed by good hubs), hub score beside it
    betweenness  share of shortest follow paths through the account (brokers)

    PageRank runs until the L1 change between iterations is below 1e-10, so
    every score is within 6e-10 of the exact value (on either engine; --engine
    spark computes pagerank and ppr).
    """
    options = dict(seeds=seeds, audience_of=audience_of, exclude_seeds=exclude_seeds, top=top, tiers=tiers,
                   tier_scheme=obj.tier_scheme, alpha=alpha)
    if engine == "spark":
        from graphkit.cli.engines import query_engine

        run, graph = query_engine(obj, engine, "centrality")
        table = run(graph, measure, **options)
    else:
        from queries.centrality import centrality as run

        table = run(obj.workspace.graph, measure, samples=samples, sample_seed=sample_seed, **options)
    note = table.attrs.get("note")
    if fmt in (None, "table") and out in (None, "-"):
        click.echo(note, err=True)
        note = None
    emit(table, out, fmt, note=note)
