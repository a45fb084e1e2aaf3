"""``graphkit report BRAND --out report.html``: one self-contained page for a marketer."""

from __future__ import annotations

import click

from graphkit.cli.help import examples
from graphkit.cli.options import AliasedOption, csv_list, top_option

__all__ = ["report"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo report acme --out acme-report.html',
    'graphkit -w graphkit-demo report acme --budget 5000 --prefer-tier nano,micro --out acme-report.html',
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
@top_option(300, "accounts on the neighbourhood map besides the brand", name="--map-top", dest="map_top",
            aliases=["--map-limit"])
@click.pass_obj
def report(obj, brand, out, budget, costs_path, tiers, niche, top, map_top) -> None:
    """Write a one-page HTML report on BRAND that works offline.

    Audience size and how much of it is observed, the tier mix of what the
    audience follows, the top affinity accounts, the ranked shortlist, the top
    advocates, a map of the neighbourhood and, with --budget, the plan beside
    the naive pick. The numbers are those of the affinity, rank, advocates,
    expand and plan commands.
    """
    from queries.plan import load_costs
    from queries.report import render_report, report_data
    from queries.writers import atomic_write_bytes

    if not out.lower().endswith((".html", ".htm")):
        raise click.BadParameter(f"the report is HTML: name it FILE.html, not {out!r}", param_hint="--out")
    scheme = obj.tier_scheme
    costs = load_costs(costs_path, tier_scheme=scheme) if budget is not None else None
    data = report_data(obj.workspace.graph, brand, budget=budget, costs=costs, tiers=tiers, niche=niche,
                       top=top, map_limit=map_top, tier_scheme=scheme)
    atomic_write_bytes(out, render_report(data).encode("utf-8"))
    click.echo(f"wrote {out}", err=True)
