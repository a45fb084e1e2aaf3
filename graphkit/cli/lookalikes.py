"""``graphkit lookalikes SEED``: accounts whose observed audience overlaps SEED's."""

from __future__ import annotations

import click

from graphkit.cli.engines import engine_options
from graphkit.cli.help import examples
from graphkit.cli.options import (
    as_of_option,
    emit,
    output_options,
    positive_int,
    tier_option,
    top_option,
)

__all__ = ["lookalikes"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo lookalikes hike_theo',
    'graphkit -w graphkit-demo lookalikes camp_ivy --metric overlap --tier nano,micro --top 10',
))
@click.argument("seed")
@click.option("--metric", type=click.Choice(["jaccard", "overlap", "cosine"]), default="jaccard",
              show_default=True, help="Similarity of the two observed audiences (see below).")
@click.option("--min-audience", type=int, default=5, show_default=True, callback=positive_int,
              help="Leave out accounts with fewer observed followers.")
@click.option("--min-shared", type=int, default=1, show_default=True, callback=positive_int,
              help="Leave out accounts sharing fewer followers with SEED.")
@top_option(20)
@tier_option
@engine_options("lookalikes")
@output_options
@as_of_option
@click.pass_obj
def lookalikes(obj, seed, metric, min_audience, min_shared, top, tiers, engine, fmt, out) -> None:
    """Find accounts whose audience looks like SEED's.

    Audiences are observed followers (those whose following list is loaded).
    shared is how many of SEED's observed followers also follow the account;
    audience is the account's own number of observed followers.

    \b
    jaccard  shared / |union|: alike and of similar size
    overlap  shared / smaller audience: one audience inside the other
    cosine   shared / sqrt(product of sizes): between the two
    """
    from graphkit.cli.engines import query_engine

    run, graph = query_engine(obj, engine, "lookalikes")
    table = run(
        graph, seed, metric=metric, min_audience=min_audience,
        min_shared=min_shared, top=top, tiers=tiers, tier_scheme=obj.tier_scheme,
    )
    note = (
        f"{table.attrs['seed']}: {table.attrs['seed_audience']:,} of "
        f"{table.attrs['seed_followers']:,} followers observed; score = {metric}"
    )
    if fmt in (None, "table") and out in (None, "-"):
        click.echo(note, err=True)
        note = None
    emit(table, out, fmt, note=note)
