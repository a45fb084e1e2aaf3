"""``graphkit affinity BRAND``: who do the brand's followers follow, more than others do?"""

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

__all__ = ["affinity", "print_notes"]


def print_notes(table, out, fmt, *lines: str | None) -> None:
    """Write ``table``; ``lines`` and ``table.attrs["note"]`` go to stderr, never into the data."""
    notes = [line for line in lines if line]
    if table.attrs.get("note"):
        notes.append(f"note: {table.attrs['note']}")
    text = "\n".join(notes) or None
    if fmt in (None, "table") and out in (None, "-"):
        if text:
            click.echo(text, err=True)
        text = None
    emit(table, out, fmt, note=text)


def share_margin_text(attrs: dict) -> str:
    """The audience share's margin of error in words, from an affinity table's ``attrs``.

    >>> share_margin_text({"share_margin": 0.0248, "confidence": 0.95, "share_margin_population": None})
    'audience shares ±2.5 points at 95%'
    """
    return f"audience shares ±{attrs['share_margin'] * 100:.1f} points at {attrs['confidence']:.0%}"


@click.command(epilog=examples(
    'graphkit -w graphkit-demo affinity acme --top 10',
    'graphkit -w graphkit-demo affinity acme --tier nano,micro --exclude-followed',
    'graphkit -w graphkit-demo affinity acme --baseline camp_ivy --sort lift',
    'graphkit -w graphkit-demo affinity acme --weight mass-followers --out affinity.csv',
))
@click.argument("brand")
@top_option(20)
@click.option("--sort", type=click.Choice(["lift-lower", "lift", "share", "count"]), default="lift-lower",
              show_default=True,
              help="lift-lower: the confidence-aware lift (small counts do not win); lift: the raw "
                   "affinity; share: audience_share; count: audience_count. Ties: audience_count, "
                   "then account.")
@click.option("--baseline", metavar="rest|ACCOUNT", default=None,
              help="Whom the audience is compared with: rest (default) = observed accounts that do "
                   "not follow BRAND; ACCOUNT = the observed followers of ACCOUNT (e.g. a competitor; "
                   "write @rest for an account named rest).")
@click.option("--population", type=int, default=None, callback=positive_int, metavar="N",
              help="Compare with the whole platform instead: baseline_share = declared "
                   "followers_count / N.")
@click.option("--weight", type=click.Choice(["none", "mass-followers"]), default="none", show_default=True,
              help="mass-followers: a follower following d accounts weighs ln(1 + N / d), N the "
                   "observed accounts, so followers of thousands count less.")
@click.option("--z", type=float, default=1.96, show_default=True,
              help="z of the Wilson intervals behind lift_lower (1.96 = 95%).")
@tier_option
@click.option("--min-count", type=int, default=1, show_default=True, callback=positive_int,
              help="Drop accounts followed by fewer of the audience.")
@click.option("--exclude-followed", is_flag=True, help="Drop accounts the brand already follows.")
@engine_options("affinity")
@output_options
@as_of_option
@click.pass_obj
def affinity(obj, brand, top, sort, baseline, population, weight, z, tiers, min_count,
             exclude_followed, engine, fmt, out) -> None:
    """Rank the accounts BRAND's observed followers follow, against a baseline.

    \b
    audience_count  BRAND's observed followers that follow the account
    audience_share  audience_count / observed followers (weighted with --weight)
    baseline_share  the same share in the baseline population
    affinity        audience_share / baseline_share (the lift; 3 = three times as likely)
    lift_lower      Wilson lower bound of audience_share / Wilson upper bound of
                    baseline_share: the smallest lift the data supports (default sort)

    The first line gives the audience shares' margin of error (worst case, at
    the confidence of --z, corrected for a known follower count); below 30
    observed followers a warning says the sample is too small to rank by.
    """
    if baseline is not None and population is not None:
        raise click.UsageError("use either --baseline or --population, not both")
    from graphkit.cli.engines import query_engine

    run, graph = query_engine(obj, engine, "affinity")
    table = run(
        graph, brand, top=top, sort=sort, tiers=tiers, min_count=min_count,
        exclude_followed=exclude_followed, baseline=baseline, population=population,
        weight=weight, z=z, tier_scheme=obj.tier_scheme,
    )
    attrs = table.attrs
    size = attrs["baseline_size"]
    base = (
        f"baseline {attrs['baseline']}" if population is not None
        else f"baseline {attrs['baseline']}: {size:,} observed accounts"
    )
    summary = (
        f"{attrs['brand']}: {attrs['audience_observed']:,} of {attrs['audience_followers']:,} "
        f"followers observed ({share_margin_text(attrs)}); {base}; sorted by {attrs['sort']}"
        + (f"; shares weighted by mass-followers (N = {attrs['weight_population']:,} observed "
           "accounts)" if weight != "none" else "")
    )
    warning = f"warning: {attrs['sample_warning']}" if attrs.get("sample_warning") else None
    print_notes(table, out, fmt, summary, warning)
