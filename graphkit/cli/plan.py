"""``graphkit plan BRAND --budget N``: influencers with the most deduplicated reach for the money."""

from __future__ import annotations

import click

from graphkit.cli.engines import engine_options
from graphkit.cli.help import examples
from graphkit.cli.options import as_of_option, csv_list, emit, output_options, tier_option

__all__ = ["plan"]

_COLUMNS = ["step", "account", "tier", "cost", "reach", "new_reach", "cumulative_reach",
            "cumulative_share", "cumulative_cost"]
#: On the terminal: cumulative_reach is cumulative_share times the audience (the summary gives it)
_TERMINAL_COLUMNS = [c for c in _COLUMNS if c != "cumulative_reach"]
#: Width of the terminal output.
_WIDTH = 80


def _terminal_table(frame) -> str:
    from queries.writers import to_table

    shown = frame[_COLUMNS].copy()
    shown.attrs["table_columns"] = _TERMINAL_COLUMNS
    return to_table(shown, width=_WIDTH)


def _wrapped(line: str) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(line, width=_WIDTH, break_on_hyphens=False))


def summary_lines(table) -> list[str]:
    """Plain-language lines comparing the plan with the naive pick."""
    from queries.glossary import format_money

    a = table.attrs
    unit = "weighted reach" if a["weighted"] else "followers reached"
    currency = a.get("currency")

    def share(value: float) -> str:
        return f"{value / a['audience_weight']:.1%}" if a["audience_weight"] else "-"

    return [
        f"{a['brand']}: {a['audience_observed']:,} of {a['audience_followers']:,} followers observed; "
        f"{a['candidates']:,} priced candidates ({a['unpriced']:,} without a price); costs: {a['costs_source']}",
        f"plan ({a['method']}; modified greedy, Khuller-Moss-Naor 1999, at least "
        f"{a['guarantee']:.1%} of the optimum): {len(table)} influencers, {a['spent']:,.0f} of "
        f"{format_money(a['budget'], currency)} spent, {unit}: {a['reach']:,.0f} ({share(a['reach'])})",
        f"naive pick (top by {a['naive_by']}, same budget): {len(a['naive'])} influencers, "
        f"{format_money(a['naive_spent'], currency)} spent, {unit}: {a['naive_reach']:,.0f} "
        f"({share(a['naive_reach'])})",
    ]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo plan acme --budget 5000',
    'graphkit -w graphkit-demo plan acme --budget 5000 --tier nano,micro --niche hiking,camping',
))
@click.argument("brand")
@click.option("--budget", type=float, required=True, help="Money to spend, in the unit of the costs.")
@click.option("--costs", "costs_path", metavar="FILE",
              help="TOML with [cost] (tier = price), [account_cost] (handle = price) and "
                   "currency = \"EUR\"  "
                   "[default: graphkit's placeholder costs]")
@tier_option
@click.option("--niche", metavar="TERMS",
              help="Weigh each reached follower 1 + its niche overlap with these terms.")
@click.option("--exclude", multiple=True, callback=csv_list, metavar="ACCOUNTS",
              help="Never plan these accounts (e.g. already under contract).")
@click.option("--from", "sources", metavar="POOL", default=None,
              help="Candidates only from: talkers (posts about BRAND), customers, followers, or "
                   "all (the three); combine with commas. Default: every account.")
@engine_options("plan")
@output_options
@as_of_option
@click.pass_obj
def plan(obj, brand, budget, costs_path, tiers, niche, exclude, sources, engine, fmt, out) -> None:
    """Pick influencers whose combined reach into BRAND's audience is largest within --budget.

    Reach is deduplicated: each observed follower of BRAND counts once, however
    many chosen influencers it follows. Influencers are chosen by the modified
    greedy algorithm for budgeted maximum coverage (best new reach per unit of
    cost, compared with the best single influencer; guaranteed at least
    (1-1/e)/2 of the optimum), and never reach less than the naive pick (walk
    down the ranking, take whoever fits), which is shown for comparison.
    Accounts whose tier has no price are left out (regular and unknown-size
    accounts by default).
    """
    from queries.plan import load_costs, ranking_scores

    scheme = obj.tier_scheme
    costs = load_costs(costs_path, tier_scheme=scheme)
    if engine == "spark":
        if sources:
            raise click.UsageError("--from needs the workspace's posts and customers: use --engine memory")
        from graphkit.cli.engines import query_engine

        run, graph = query_engine(obj, engine, "plan")
        # the naive pick walks down the candidates' own reach (rank's score is in-memory only)
        table = run(graph, brand, budget, costs=costs, tiers=tiers, niche=niche, tier_scheme=scheme,
                    exclude=exclude or ())
    else:
        from queries.plan import plan as run

        graph, pool = obj.graph, None
        if sources:
            from queries.pools import workspace_pool

            graph, pool = workspace_pool(obj.workspace, brand, sources, graph=obj.graph, posts=obj.posts)
        scores, label = ranking_scores(graph, brand, niche=niche, tiers=tiers, tier_scheme=scheme)
        table = run(graph, brand, budget, costs=costs, tiers=tiers, niche=niche, scores=scores,
                    scores_label=label, tier_scheme=scheme, exclude=exclude or (), pool=pool)
    lines = summary_lines(table)
    if fmt in (None, "table") and out in (None, "-"):
        click.echo(lines[0], err=True)
        click.echo(_wrapped(lines[1]))
        click.echo(_terminal_table(table))
        click.echo()
        click.echo(_wrapped(lines[2]))
        click.echo(_terminal_table(table.attrs["naive"]))
        return
    emit(table[_COLUMNS], out, fmt, note="\n".join(lines))
