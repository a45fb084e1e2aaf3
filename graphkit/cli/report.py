"""``graphkit report BRAND --out report.html``: one self-contained page for a marketer."""

from __future__ import annotations

import click

from graphkit.cli.options import csv_list, positive_int

__all__ = ["report"]


@click.command()
@click.argument("brand")
@click.option("-o", "--out", metavar="FILE", required=True, help="The HTML file to write.")
@click.option("--budget", type=float, default=None, help="Add a plan for this budget (see graphkit plan).")
@click.option("--costs", "costs_path", metavar="FILE", help="Cost file for the plan (see graphkit plan).")
@click.option("--tier", "tiers", multiple=True, callback=csv_list, metavar="TIERS",
              help="Wanted tiers, e.g. nano,micro (rank's tier fit, the plan's candidates).")
@click.option("--niche", metavar="TERMS", help="Niche terms, e.g. \"hiking,camping\".")
@click.option("--top", type=int, default=10, show_default=True, callback=positive_int,
              help="Rows of each table.")
@click.option("--map-limit", type=int, default=300, show_default=True, callback=positive_int,
              help="Accounts on the influencer landscape (the top of rank; up to 2,000).")
@click.option("--random-seed", type=int, default=0, show_default=True,
              help="Seed of the landscape's community detection.")
@click.option("--platform", metavar="NAME", default=None,
              help="Platform of the handles, for profile links  [default: from the loaded downloads]")
@click.pass_obj
def report(obj, brand, out, budget, costs_path, tiers, niche, top, map_limit, random_seed, platform) -> None:
    """Write a one-page HTML report on BRAND that works offline.

    Audience size and how much of it is observed, the tier mix of what the
    audience follows, the influencer landscape (the communities the audience
    lives in), the top affinity accounts, the ranked shortlist, the top
    advocates and, with --budget, the plan above the naive pick. Headings say
    what each column means (hover them), handles link to their profiles when
    the platform is known, money is in the cost file's currency. The numbers
    are those of the affinity, rank, advocates, landscape and plan commands.
    """
    from queries.exporters import atomic_write
    from queries.plan import load_costs
    from queries.profile_links import check_platform, workspace_platform
    from queries.report import render_report, report_data

    if not out.lower().endswith((".html", ".htm")):
        raise click.BadParameter(f"the report is HTML: name it FILE.html, not {out!r}", param_hint="--out")
    scheme = obj.tier_scheme
    costs = load_costs(costs_path, tier_scheme=scheme) if budget is not None else None
    platform = check_platform(platform) or workspace_platform(obj.workspace.manifest)
    data = report_data(obj.workspace.graph, brand, budget=budget, costs=costs, tiers=tiers, niche=niche,
                       top=top, map_limit=map_limit, platform=platform, random_seed=random_seed,
                       tier_scheme=scheme)
    atomic_write(out, render_report(data).encode("utf-8"))
    click.echo(f"wrote {out}", err=True)
