"""``graphkit expand SEED``: the seed's neighbourhood, most relevant first."""

from __future__ import annotations

import click

from graphkit.cli.affinity import print_notes
from graphkit.cli.engines import engine_options
from graphkit.cli.help import examples
from graphkit.cli.options import as_of_option, output_options, positive_int, top_option

__all__ = ["expand"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo expand hike_theo --hops 2 --direction following --top 20',
    'graphkit -w graphkit-demo expand acme --direction followers --format csv --out hood.csv',
))
@click.argument("seed")
@click.option("--hops", type=int, default=1, show_default=True, callback=positive_int,
              help="How many follows away to go.")
@click.option("--direction", type=click.Choice(["both", "following", "followers"]), default="both",
              show_default=True,
              help="following: whom SEED follows, then whom they follow...; followers: who follows "
                   "SEED, ...; both: either way.")
@top_option(50, "accounts to list besides the seed: the most relevant, from any hop", aliases=["--limit"])
@engine_options("expand")
@output_options
@as_of_option
@click.pass_obj
def expand(obj, seed, hops, direction, top, engine, fmt, out) -> None:
    """List the accounts within --hops follows of SEED, most relevant first.

    The seed is the first row (rank 0, hops 0). The others are ordered by
    relevance: their personalized PageRank from SEED over the neighbourhood
    (a walk that starts at SEED, follows a follow at each step and jumps back
    to SEED with probability 0.15), which favours accounts that are near and
    reached by many paths. Ties: hops, then links, then account. --top keeps
    the most relevant, so a 2-hop request lists hop-2 accounts that the
    seed's circle converges on. links is how many accounts of the previous
    hop an account is linked to; via is the best ranked of them.
    """
    from graphkit.cli.engines import query_engine

    run, graph = query_engine(obj, engine, "expand")
    table = run(graph, seed, hops=hops, direction=direction, limit=top,
                tier_scheme=obj.tier_scheme)
    attrs = table.attrs
    summary = (
        f"{attrs['seed']}: {attrs['reached']:,} accounts reached within {attrs['depth']} "
        f"hop{'s' if attrs['depth'] != 1 else ''} ({direction}), {attrs['order']}"
    )
    print_notes(table, out, fmt, summary)
