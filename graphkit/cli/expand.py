"""``graphkit expand SEED``: the seed's neighbourhood, hop by hop, ranked."""

from __future__ import annotations

import click

from graphkit.cli.affinity import print_notes
from graphkit.cli.engines import engine_options
from graphkit.cli.options import output_options, positive_int

__all__ = ["expand"]


@click.command()
@click.argument("seed")
@click.option("--hops", type=int, default=1, show_default=True, callback=positive_int,
              help="How many follows away to go.")
@click.option("--direction", type=click.Choice(["both", "following", "followers"]), default="both",
              show_default=True,
              help="following: whom SEED follows, then whom they follow...; followers: who follows "
                   "SEED, ...; both: either way.")
@click.option("--limit", type=int, default=50, show_default=True, callback=positive_int,
              help="Accounts to list besides the seed (nearest and best linked first).")
@engine_options("expand")
@output_options
@click.pass_obj
def expand(obj, seed, hops, direction, limit, engine, fmt, out) -> None:
    """List the accounts within --hops follows of SEED, ranked.

    The seed is the first row (rank 0, hops 0). The others are ranked by hops
    (nearest first), then links (how many accounts of the previous hop they
    are linked to), then account. via is the previous-hop account that
    links to each one.
    """
    from graphkit.cli.engines import query_engine

    run, graph = query_engine(obj, engine, "expand")
    table = run(graph, seed, hops=hops, direction=direction, limit=limit,
                tier_scheme=obj.tier_scheme)
    attrs = table.attrs
    summary = (
        f"{attrs['seed']}: {attrs['reached']:,} accounts reached within {attrs['depth']} "
        f"hop{'s' if attrs['depth'] != 1 else ''} ({direction})"
    )
    print_notes(table, out, fmt, summary)
