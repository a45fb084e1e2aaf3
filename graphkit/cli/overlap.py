"""``graphkit overlap A B C ...``: pairwise audience overlap and each account's unique reach."""

from __future__ import annotations

import click

from graphkit.cli.engines import engine_options
from graphkit.cli.help import examples
from graphkit.cli.options import as_of_option, emit, output_options

__all__ = ["overlap"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo overlap acme hike_theo camp_ivy',
    'graphkit -w graphkit-demo overlap hike_theo camp_ivy eli.peak.94 --show reach --observed-only',
))
@click.argument("accounts", nargs=-1, required=True)
@click.option("--show", type=click.Choice(["both", "pairs", "reach"]), default=None,
              help="What to print  [default: both on the terminal, pairs in a file or other format]")
@click.option("--observed-only", is_flag=True,
              help="Count only observed followers (those whose following list is loaded).")
@engine_options("overlap")
@output_options
@as_of_option
@click.pass_obj
def overlap(obj, accounts, show, observed_only, engine, fmt, out) -> None:
    """Compare the audiences of two or more ACCOUNTS, to deduplicate a shortlist.

    \b
    pairs: shared followers of every pair, jaccard (shared / union) and
           overlap (shared / the smaller audience)
    reach: each account's audience and unique_reach, the followers that
           follow none of the other accounts given
    """
    if engine == "spark":
        from graphkit.cli.engines import query_engine

        pairs_of, graph = query_engine(obj, engine, "overlap")
        unique_reach, _ = query_engine(obj, engine, "unique_reach")
    else:
        from queries.overlap import overlap as pairs_of
        from queries.overlap import unique_reach

        graph = obj.graph
    terminal = fmt in (None, "table") and out in (None, "-")
    if show is None:
        show = "both" if terminal else "pairs"
    if show == "both" and not terminal:
        raise click.UsageError("--show both prints to the terminal only; use --show pairs or --show reach")
    if show in ("both", "pairs"):
        emit(pairs_of(graph, list(accounts), observed_only=observed_only), out, fmt)
    if show in ("both", "reach"):
        reach = unique_reach(graph, list(accounts), observed_only=observed_only)
        if show == "both":
            click.echo("")
        emit(reach, out, fmt)
        click.echo(f"combined reach: {reach.attrs['combined_reach']:,} distinct followers", err=True)
    if show == "pairs" and not terminal:
        click.echo("each account's unique reach: --show reach", err=True)
