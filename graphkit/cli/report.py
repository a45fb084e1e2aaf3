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
              help="Accounts on the neighbourhood map besides the brand.")
@click.pass_obj
def report(obj, brand, out, budget, costs_path, tiers, niche, top, map_limit) -> None:
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
                       top=top, map_limit=map_limit, tier_scheme=scheme)
    atomic_write_bytes(out, render_report(data).encode("utf-8"))
    click.echo(f"wrote {out}", err=True)
