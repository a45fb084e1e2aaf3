"""``graphkit report BRAND --out report.html``: one self-contained page for a marketer."""

from __future__ import annotations

import click

from graphkit.cli.help import examples
from graphkit.cli.options import (
    AliasedOption,
    as_of_option,
    csv_list,
    profile_links_option,
    random_seed_option,
    top_option,
)

__all__ = ["report"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo report acme --out acme-report.html',
    'graphkit -w graphkit-demo report acme --budget 5000 --prefer-tier nano,micro --out acme-report.html',
    'graphkit -w graphkit-demo report acme --niche hiking,camping --map-top 500 --profile-links instagram '
    '--out acme-hiking.html',
))
@click.argument("brand")
@click.option("-o", "--out", metavar="FILE", required=True, help="The HTML file to write.")
@click.option("--budget", type=float, default=None, help="Add a plan for this budget (see graphkit plan).")
@click.option("--costs", "costs_path", metavar="FILE", help="Cost file for the plan (see graphkit plan).")
@click.option("--prefer-tier", "tiers", cls=AliasedOption, hidden_aliases=["--tier"], multiple=True,
              callback=csv_list, metavar="TIERS",
              help="Preferred tiers, e.g. nano,micro: they score in the shortlist (tier_fit), and the "
                   "plan picks only from them.")
@click.option("--niche", metavar="TERMS", help="Niche terms, e.g. \"hiking,camping\".")
@top_option(10, "rows in each table")
@top_option(300, "accounts on the influencer landscape: the top of rank (up to 2,000)", name="--map-top",
            dest="map_top", aliases=["--map-limit"])
@random_seed_option("the landscape's community detection")
@profile_links_option
@as_of_option
@click.pass_obj
def report(obj, brand, out, budget, costs_path, tiers, niche, top, map_top, random_seed, platform) -> None:
    """Write a one-page HTML report on BRAND that works offline.

    Audience size and how much of it is observed, the tier mix of what the
    audience follows, the influencer landscape (the communities the audience
    lives in), the top affinity accounts, the ranked shortlist, the top
    advocates and, with --budget, the plan above the naive pick. Headings say
    what each column means (hover them), handles link to their profiles when
    the platform is known, money is in the cost file's currency. The numbers
    are those of the affinity, rank, advocates, landscape and plan commands.
    """
    from queries.plan import load_costs
    from queries.profile_links import check_platform, workspace_platform
    from queries.report import render_report, report_data
    from queries.writers import atomic_write_bytes

    if not out.lower().endswith((".html", ".htm")):
        raise click.BadParameter(f"the report is HTML: name it FILE.html, not {out!r}", param_hint="--out")
    scheme = obj.tier_scheme
    costs = load_costs(costs_path, tier_scheme=scheme) if budget is not None else None
    platform = check_platform(platform) or workspace_platform(obj.workspace.sources()["format"])
    data = report_data(obj.graph, brand, budget=budget, costs=costs, tiers=tiers, niche=niche,
                       top=top, map_limit=map_top, platform=platform, random_seed=random_seed,
                       tier_scheme=scheme)
    atomic_write_bytes(out, render_report(data).encode("utf-8"))
    click.echo(f"wrote {out}", err=True)
