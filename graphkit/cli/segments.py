"""``graphkit segments BRAND``: communities of the brand's audience and what each follows."""

from __future__ import annotations

import click

from graphkit.cli.help import examples
from graphkit.cli.options import (
    as_of_option,
    emit,
    output_options,
    positive_int,
    random_seed_option,
    top_option,
)

__all__ = ["segments"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo segments acme',
    'graphkit -w graphkit-demo segments acme --resolution 2 --random-seed 1 --min-size 20',
    'graphkit -w graphkit-demo segments acme --members --out members.csv',
))
@click.argument("brand")
@click.option("--resolution", type=click.FloatRange(0, min_open=True), default=1.0, show_default=True,
              help="Louvain resolution: higher gives more, smaller segments.")
@random_seed_option("Louvain", aliases=["--seed"])
@top_option(5, "most-followed accounts to list per segment", name="--top-followed", dest="top_followed")
@click.option("--min-size", type=int, default=2, show_default=True, callback=positive_int,
              help="Leave out segments with fewer members.")
@click.option("--members", is_flag=True, help="List every follower with its segment instead.")
@output_options
@as_of_option
@click.pass_obj
def segments(obj, brand, resolution, random_seed, top_followed, min_size, members, fmt, out) -> None:
    """Split BRAND's audience into communities and show what each one follows.

    The audience is BRAND's observed followers (their following lists are
    loaded); Louvain runs on the follows among them. Each segment shows its
    size, the accounts its members follow most (count of members in
    brackets) and its most-followed members.
    """
    if members:
        from queries.segments import segment_members

        table = segment_members(obj.graph, brand, resolution=resolution, seed=random_seed)
        emit(table, out, fmt)
        return
    from queries.segments import segments as run

    table = run(obj.graph, brand, resolution=resolution, seed=random_seed,
                top_followed=top_followed, min_size=min_size)
    a = table.attrs
    note = f"{a['brand']}: {a['observed']:,} observed followers in {a['segments']:,} segments"
    if a["left_out"]:
        note += f"; {a['left_out']:,} in segments under {a['min_size']} members left out"
    if fmt in (None, "table") and out in (None, "-"):
        click.echo(note, err=True)
        note = None
    emit(table, out, fmt, note=note)
