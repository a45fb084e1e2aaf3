"""``graphkit affinity BRAND``: who do the brand's followers follow?"""

from __future__ import annotations

import click

from graphkit.cli.options import csv_list, emit, output_options, positive_int

__all__ = ["affinity"]


@click.command()
@click.argument("brand")
@click.option("--top", type=int, default=20, show_default=True, callback=positive_int, help="Rows to show.")
@click.option("--sort", type=click.Choice(["count"]), default="count", show_default=True,
              help="count: audience_count descending, then account.")
@click.option("--tier", "tiers", multiple=True, callback=csv_list, metavar="TIERS",
              help="Keep these tiers only, e.g. --tier nano,micro.")
@click.option("--min-count", type=int, default=1, show_default=True, callback=positive_int,
              help="Drop accounts followed by fewer of the audience.")
@click.option("--exclude-followed", is_flag=True, help="Drop accounts the brand already follows.")
@output_options
@click.pass_obj
def affinity(obj, brand, top, sort, tiers, min_count, exclude_followed, fmt, out) -> None:
    """Rank the accounts BRAND's observed followers follow.

    audience_count is how many of BRAND's observed followers (those whose
    following list is loaded) follow the account; audience_share divides it
    by the number of observed followers.
    """
    from queries.affinity import affinity as run

    table = run(
        obj.workspace.graph, brand, top=top, sort=sort, tiers=tiers, min_count=min_count,
        exclude_followed=exclude_followed, tier_scheme=obj.tier_scheme,
    )
    note = (
        f"{table.attrs['brand']}: {table.attrs['audience_observed']:,} of "
        f"{table.attrs['audience_followers']:,} followers observed"
    )
    if fmt in (None, "table") and out in (None, "-"):
        click.echo(note, err=True)
        note = None
    emit(table, out, fmt, note=note)
