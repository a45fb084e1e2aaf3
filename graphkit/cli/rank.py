"""``graphkit rank BRAND``: one explained score per account the audience follows."""

from __future__ import annotations

import click

from graphkit.cli.affinity import print_notes
from graphkit.cli.help import examples
from graphkit.cli.options import (
    AliasedOption,
    as_of_option,
    csv_list,
    output_options,
    positive_int,
    tier_option,
    top_option,
)

__all__ = ["rank"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo rank acme --niche hiking,camping --prefer-tier micro',
    'graphkit -w graphkit-demo rank acme --tier nano,micro --explain --top 10',
    'graphkit -w graphkit-demo rank acme --from talkers --component-weight niche=0.4 --niche hiking',
))
@click.argument("brand")
@click.option("--niche", metavar="TERMS", default=None,
              help='Niche terms for the niche component, e.g. --niche "hiking,camping".')
@click.option("--niche-method", type=click.Choice(["cosine", "jaccard"]), default="cosine",
              show_default=True, help="How profile terms are compared with the niche terms.")
@click.option("--prefer-tier", "preferred", multiple=True, callback=csv_list, metavar="TIERS",
              help="Preferred tiers: tier_fit is 1 there, 0.5 one tier away, else 0.")
@tier_option
@click.option("--strict-tier", is_flag=True, hidden=True,
              help="Older form of --tier: keep only the --prefer-tier tiers.")
@click.option("--weights", "weights_file", metavar="FILE", default=None,
              help="TOML file with a [weights] table: affinity, ppr, niche, tier, engagement.")
@click.option("--component-weight", "weight_items", cls=AliasedOption, hidden_aliases=["-W", "--weight"],
              multiple=True, metavar="NAME=VALUE",
              help="Set one component's weight (overrides --weights), e.g. --component-weight "
                   "niche=0.4. Defaults: affinity=0.35 ppr=0.2 niche=0.2 tier=0.15 engagement=0.1.")
@click.option("--explain", is_flag=True,
              help="Add followed_by: the brand's followers behind each account.")
@top_option(20)
@click.option("--baseline", metavar="rest|ACCOUNT", default=None,
              help="Baseline of the affinity component (see `graphkit affinity --help`).")
@click.option("--population", type=int, default=None, callback=positive_int, metavar="N",
              help="Affinity against declared followers_count / N instead.")
@click.option("--mass-followers", is_flag=True,
              help="Down-weight audience members who follow thousands of accounts (affinity).")
@click.option("--min-count", type=int, default=1, show_default=True, callback=positive_int,
              help="Candidates must be followed by at least this many of the audience.")
@click.option("--exclude-followed", is_flag=True, help="Drop accounts the brand already follows.")
@click.option("--from", "sources", metavar="POOL", default=None,
              help="Candidates only from: talkers (posts about BRAND), customers, followers, or "
                   "all (the three); combine with commas. Default: every account.")
@output_options
@as_of_option
@click.pass_obj
def rank(obj, brand, niche, niche_method, preferred, tiers, strict_tier, weights_file, weight_items,
         explain, top, baseline, population, mass_followers, min_count, exclude_followed, sources, fmt,
         out) -> None:
    """Score and rank the accounts BRAND's observed followers follow.

    \b
    score = weighted mean of the components below (each 0..1):
    affinity_pct    percentile of lift_lower (see `graphkit affinity`)
    ppr_pct         percentile of PageRank personalized to BRAND's audience
    niche_overlap   similarity of tags, category and bio to --niche
    tier_fit        1 in a --prefer-tier tier, 0.5 one tier away, else 0
    engagement_pct  percentile of engagement_rate
    A component with no data (no --niche, no --prefer-tier, no profiles) is left out
    and the other weights are rescaled; the note on stderr says which.
    """
    if baseline is not None and population is not None:
        raise click.UsageError("use either --baseline or --population, not both")
    from queries.rank import rank as run
    from queries.rank import resolve_weights

    weights = resolve_weights(weights_file, list(weight_items))
    graph, pool = obj.graph, None
    if sources:
        from queries.pools import workspace_pool

        graph, pool = workspace_pool(obj.workspace, brand, sources, graph=obj.graph, posts=obj.posts)
    table = run(
        graph, brand, pool=pool, niche=niche, niche_method=niche_method, tiers=preferred,
        keep_tiers=tiers, strict_tier=strict_tier, weights=weights, top=top, explain=explain,
        baseline=baseline, population=population,
        weight="mass-followers" if mass_followers else "none", min_count=min_count,
        exclude_followed=exclude_followed, tier_scheme=obj.tier_scheme,
    )
    attrs = table.attrs
    formula = " + ".join(f"{w:.2f}·{c}" for c, w in attrs["weights"].items())
    summary = (
        f"{attrs['brand']}: {attrs['audience_observed']:,} of {attrs['audience_followers']:,} "
        f"followers observed; {attrs['candidates']:,} candidates; score = {formula}"
    )
    print_notes(table, out, fmt, summary)
