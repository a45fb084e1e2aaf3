"""``graphkit centrality --measure ...``: rank accounts by PageRank, PPR, degree, HITS, betweenness."""

from __future__ import annotations

import click

from graphkit.cli.engines import engine_options
from graphkit.cli.help import examples
from graphkit.cli.options import (
    as_of_option,
    emit,
    output_options,
    positive_int,
    random_seed_option,
    tier_option,
    top_option,
)

__all__ = ["centrality"]

MEASURES = ("pagerank", "ppr", "in-degree", "out-degree", "hits", "betweenness")


@click.command(epilog=examples(
    'graphkit -w graphkit-demo centrality --top 10',
    'graphkit -w graphkit-demo centrality --measure ppr --audience-of acme --exclude-seeds --tier micro',
    'graphkit -w graphkit-demo centrality --measure betweenness --samples 50 --random-seed 7',
))
@click.option("--measure", type=click.Choice(MEASURES), default="pagerank", show_default=True,
              help="What to rank by (the measures are described above).")
@click.option("--seed", "seeds", multiple=True, metavar="ACCOUNT",
              help="ppr: teleport to this account (repeatable); betweenness: exact on its neighbourhood.")
@click.option("--audience-of", metavar="BRAND",
              help="ppr: teleport to BRAND's observed followers.")
@click.option("--exclude-seeds", is_flag=True, help="Leave the seeds (and --audience-of's audience) out.")
@top_option(20)
@tier_option
@click.option("--alpha", type=click.FloatRange(0, 1, max_open=True), default=0.85, show_default=True,
              help="PageRank damping factor.")
@click.option("--samples", type=int, default=100, show_default=True, callback=positive_int,
              help="betweenness without --seed: source accounts sampled.")
@random_seed_option("the betweenness sample", aliases=["--sample-seed"])
@engine_options("centrality")
@output_options
@as_of_option
@click.pass_obj
def centrality(obj, measure, seeds, audience_of, exclude_seeds, top, tiers, alpha, samples,
               random_seed, engine, fmt, out) -> None:
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
        from queries.centrality import centrality_table  # (no pandas: a ResultTable)

        table = centrality_table(obj.graph, measure, samples=samples, sample_seed=random_seed, **options)
    note = table.attrs.get("note")
    if fmt in (None, "table") and out in (None, "-"):
        click.echo(note, err=True)
        note = None
    emit(table, out, fmt, note=note)
