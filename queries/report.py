"""A one-page, self-contained HTML report on a brand for a marketer.

The page answers, without a terminal: how big is the audience and how much of
it is observed (with the margin of error); which tiers the audience follows (a
chart); which communities the audience lives in and who leads each (the
influencer landscape, :mod:`queries.landscape`); which accounts the audience
follows more than the baseline (affinity) and the ranked shortlist (rank score
and components); which of the brand's own followers are influencers
(advocates); and, with a budget, the plan above the naive pick.

Every number comes from the same query functions as the CLI
(:func:`queries.affinity.affinity`, :func:`queries.rank.rank`,
:func:`queries.advocates.advocates`, :func:`queries.landscape.landscape`,
:func:`queries.plan.plan`): :func:`report_data` calls them and keeps their
tables, :func:`render_report` only formats them for people: headings,
explanations (hover a heading) and one number format per column come from
:mod:`queries.glossary`; handles link to their profile when the platform is
known (:mod:`queries.profile_links`); money carries the cost file's currency; a
column with no value at all (no profiles loaded, no niche terms) is left out
and one sentence says why. Like the landscape page, the report loads nothing
from the network and escapes every string.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x")])
>>> data = report_data(g, "brand", map_limit=10)
>>> data.n_followers, data.n_observed, data.affinity["account"].tolist()
(2, 2, ['x'])
>>> "<svg" in render_report(data)
True
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from graphkit.errors import GraphkitError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.glossary import describe, format_column, format_money, kind, visible_columns
from queries.landscape import MAX_TOP, check_landscape_options, landscape
from queries.landscape_page import landscape_fragment, page, summary
from queries.overview import tier_mix
from queries.profile_links import profile_urls

__all__ = ["ReportData", "report_data", "tier_mix", "tier_chart_svg", "render_report", "report"]


@dataclass
class ReportData:
    """Everything the report shows, as the query functions returned it."""

    brand: str
    n_accounts: int
    n_follows: int
    n_followers: int
    n_observed: int
    tier_mix: pd.DataFrame
    affinity: pd.DataFrame
    ranked: pd.DataFrame | None
    advocates: pd.DataFrame | None
    landscape: object | None
    plan: pd.DataFrame | None
    niche: str | None = None
    platform: str | None = None
    notes: list[str] = field(default_factory=list)


def tier_chart_svg(mix: pd.DataFrame) -> str:
    """A horizontal bar chart (inline SVG) of ``follows_share`` by tier, labelled with counts."""
    from queries.layout import tier_colors

    rows = mix.reset_index(drop=True)
    bar_height, gap, left, width = 22, 8, 90, 420
    height = len(rows) * (bar_height + gap) + gap
    top = float(rows["follows_share"].max()) if len(rows) else 0.0
    colors = tier_colors(rows["tier"].astype(str).tolist())
    parts = [
        f'<svg class="gk-chart" role="img" viewBox="0 0 {left + width + 230} {height}" '
        f'width="{left + width + 230}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Share of the audience's follows by tier of the followed account</title>",
    ]
    for i, row in rows.iterrows():
        y = gap + i * (bar_height + gap)
        share = float(row["follows_share"])
        length = 0.0 if top <= 0 else width * share / top
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{html.escape(str(row["tier"]))}</text>'
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="3" fill="{colors[i]}"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + 16}">{share:.1%} of follows · '
            f'{int(row["accounts"]):,} accounts</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _try_import(module: str, name: str):
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError):
        return None


def report_data(
    graph: FollowGraph,
    brand: str,
    *,
    budget: float | None = None,
    costs=None,
    tiers: Sequence[str] | None = None,
    niche: str | None = None,
    top: int = 10,
    map_limit: int = 300,
    platform: str | None = None,
    random_seed: int = 0,
    tier_scheme: TierScheme | None = None,
) -> ReportData:
    """Run the queries the report shows (see the module docstring).

    Parameters
    ----------
    budget : float, optional
        Adds the plan (:func:`queries.plan.plan`) when given.
    costs : queries.plan.Costs, optional
        Prices and currency of the plan.
    tiers : list of str, optional
        Wanted tiers (rank's tier fit, the plan's candidates).
    niche : str, optional
        Niche terms (rank, advocates, the plan's weights).
    top : int
        Rows of each table.
    map_limit : int
        Accounts on the landscape (the top of ``rank``; at most 2,000).
    platform : str, optional
        Platform of the handles, for profile links.
    random_seed : int
        Seed of the landscape's communities.
    """
    from queries.affinity import affinity
    from queries.audience import audience

    check_landscape_options(top=min(map_limit, MAX_TOP), random_seed=random_seed)
    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    notes: list[str] = []
    affinity_table = affinity(graph, brand, top=top, tier_scheme=scheme)
    if affinity_table.attrs.get("note"):
        notes.append(f"affinity: {affinity_table.attrs['note']}")
    ranked = None
    landscape_result = None
    rank_query = _try_import("queries.rank", "rank")
    if rank_query is not None:
        full = rank_query(graph, brand, niche=niche, tiers=tiers, top=max(top, min(map_limit, MAX_TOP)),
                          tier_scheme=scheme)
        ranked = full.head(top)
        try:
            landscape_result = landscape(graph, brand, top=min(map_limit, MAX_TOP), table=full,
                                         random_seed=random_seed, tier_scheme=scheme)
        except GraphkitError as err:
            notes.append(f"landscape: {err}")
    advocates_table = None
    advocates_query = _try_import("queries.advocates", "advocates")
    if advocates_query is not None:
        try:
            advocates_table = advocates_query(graph, brand, niche=niche, top=top, tier_scheme=scheme)
        except GraphkitError as err:
            notes.append(f"advocates: {err}")
    plan_table = None
    if budget is not None:
        from queries.plan import plan, ranking_scores

        scores, label = ranking_scores(graph, brand, niche=niche, tiers=tiers, tier_scheme=scheme)
        plan_table = plan(graph, brand, budget, costs=costs, tiers=tiers, niche=niche, scores=scores,
                          scores_label=label, tier_scheme=scheme)
    return ReportData(
        brand=aud.brand, n_accounts=graph.n_accounts, n_follows=graph.n_follows,
        n_followers=aud.n_followers, n_observed=aud.n_observed,
        tier_mix=tier_mix(graph, brand, tier_scheme=scheme), affinity=affinity_table,
        ranked=ranked, advocates=advocates_table, landscape=landscape_result, plan=plan_table,
        niche=niche, platform=platform, notes=notes,
    )


# -- rendering ----------------------------------------------------------------------------------

#: Why a column can be empty in a report table.
_EMPTY_BECAUSE = {
    "niche_overlap": "no --niche terms were given, or no account has tags, a category or a bio",
    "tier_fit": "no --tier was given",
    **{name: "there is no baseline to compare with (see the affinity note below)"
       for name in ("baseline_count", "baseline_share", "affinity", "lift_lower")},
}
_PROFILE_BECAUSE = "no profile with these values is loaded (graphkit load profiles FILE)"


def _hidden_sentence(hidden: list[str]) -> str:
    if not hidden:
        return ""
    reasons: dict[str, list[str]] = {}
    for name in hidden:
        reasons.setdefault(_EMPTY_BECAUSE.get(name, _PROFILE_BECAUSE), []).append(describe(name).heading)
    parts = [f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} left out: {why}"
             for why, names in reasons.items()]
    return f'<p class="gk-note">{html.escape("; ".join(parts))}.</p>'


def _table(frame: pd.DataFrame, columns: Sequence[str], *, platform: str | None = None,
           currency: str | None = None) -> str:
    """A table for people: headings with explanations, one format per column, linked handles."""
    shown, hidden = visible_columns(frame, columns)
    numeric = {c: kind(c) not in ("text",) for c in shown}
    head = "".join(
        f'<th class="{"num" if numeric[c] else ""}" title="{html.escape(describe(c).explanation)}">'
        f"{html.escape(describe(c).heading)}</th>"
        for c in shown
    )
    cells = {c: format_column(frame[c], c, currency=currency) for c in shown}
    urls = profile_urls(frame["account"].astype(str).tolist(), None, platform) if "account" in shown else []
    body = []
    for i in range(len(frame)):
        row = []
        for c in shown:
            text = html.escape(cells[c][i])
            if c == "account" and urls[i]:
                text = f'<a href="{html.escape(urls[i])}" rel="noopener noreferrer">{text}</a>'
            row.append(f'<td class="{"num" if numeric[c] else ""}">{text}</td>')
        body.append(f"<tr>{''.join(row)}</tr>")
    return (f'<div class="gk-scroll"><table class="gk-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>' + _hidden_sentence(hidden))


_REPORT_CSS = """
.gk-report{max-width:1180px;margin:0 auto;padding:16px}
.gk-report h1{font-size:24px;margin:4px 0}.gk-report h2{font-size:18px;margin:26px 0 6px}
.gk-report h3{font-size:15px;margin:16px 0 4px}
.gk-report .lead{color:var(--muted);margin:0 0 10px}
.gk-cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.gk-card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:170px}
.gk-card b{display:block;font-size:24px}.gk-card span{color:var(--muted)}
.gk-scroll{overflow-x:auto}
.gk-table{border-collapse:collapse;background:#fff;border:1px solid var(--line);font-size:13px;width:100%}
.gk-table th,.gk-table td{padding:4px 8px;border-bottom:1px solid #eef0f2;text-align:left;white-space:nowrap}
.gk-table th{background:#f0f2f5;font-weight:600;cursor:help}.gk-table .num{text-align:right;font-variant-numeric:tabular-nums}
.gk-table a{color:#1d4ed8;text-decoration:none}
.gk-chart text{font:13px system-ui,sans-serif;fill:#1f2933}
.gk-note{color:var(--muted);font-size:13px}
.gk-land-host{height:620px}
"""

_AFFINITY_COLUMNS = ("rank", "account", "tier", "followers_count", "audience_count", "audience_share",
                     "baseline_share", "affinity", "lift_lower")
_RANK_COLUMNS = ("rank", "account", "tier", "score", "affinity_pct", "ppr_pct", "niche_overlap", "tier_fit",
                 "engagement_pct", "audience_count")
_ADVOCATE_COLUMNS = ("rank", "account", "tier", "followers_count", "engagement_rate", "niche_overlap",
                     "audience_count", "audience_share")
_PLAN_COLUMNS = ("step", "account", "tier", "cost", "reach", "new_reach", "cumulative_reach",
                 "cumulative_share", "cumulative_cost")
_CLUSTER_COLUMNS = ("cluster", "size", "label", "leaders", "reach", "reach_share")


def _plan_section(table: pd.DataFrame, platform: str | None) -> str:
    a = table.attrs
    currency = a.get("currency")
    unit = "weighted reach" if a["weighted"] else "followers reached"

    def reach(value: float) -> str:
        shown = f"{value:,.1f}" if a["weighted"] else f"{value:,.0f}"
        share = f"{value / a['audience_weight']:.1%}" if a["audience_weight"] else "-"
        return f"<b>{shown}</b> ({share} of the observed audience)"

    naive = a["naive"]
    parts = [
        "<h2>Plan for a budget of " + html.escape(format_money(a["budget"], currency)) + "</h2>",
        f'<p class="lead">{len(table)} influencers, {html.escape(format_money(a["spent"], currency))} spent; '
        f"{unit}: {reach(a['reach'])}, each follower counted once. The naive pick (top by "
        f"{html.escape(a['naive_by'])}, same budget) reaches {reach(a['naive_reach'])}. Chosen by the "
        "modified greedy algorithm for budgeted maximum coverage (Khuller, Moss &amp; Naor 1999; at least "
        f"{a['guarantee']:.1%} of the best possible reach); costs: {html.escape(a['costs_source'])}.</p>",
    ]
    if a["weighted"]:
        parts.append(
            '<p class="gk-note">Reach is fractional: with niche terms each reached follower counts 1 + its '
            "niche overlap (0 to 1), so a follower whose profile is all about the niche counts double.</p>"
        )
    parts += [
        "<h3>The plan</h3>", _table(table, _PLAN_COLUMNS, platform=platform, currency=currency),
        "<h3>The naive pick</h3>", _table(naive, _PLAN_COLUMNS, platform=platform, currency=currency),
    ]
    return "\n".join(parts)


def _landscape_section(land, brand: str, platform: str | None) -> str:
    return "\n".join([
        "<h2>Where the audience lives: the influencer landscape</h2>",
        f'<p class="lead">{html.escape(summary(land))} Hover an account for its numbers; click a community '
        "to highlight it.</p>",
        landscape_fragment(land, platform=platform, height="620px"),
        "<h3>The communities in numbers</h3>",
        _table(land.clusters, _CLUSTER_COLUMNS),
    ])


def _warning(text: str | None) -> str:
    """A sentence of warning (the small-sample one) as a note, or nothing."""
    return f'<p class="gk-note">{html.escape(text[:1].upper() + text[1:])}.</p>' if text else ""


def render_report(data: ReportData) -> str:
    """The report page (a complete, self-contained HTML document)."""
    esc = html.escape
    observed_share = data.n_observed / data.n_followers if data.n_followers else 0.0
    # the affinity header's numbers (queries.sample_size): one margin of error everywhere
    sample = data.affinity.attrs
    margin, confidence = sample.get("share_margin"), sample.get("confidence", 0.95)
    population = sample.get("share_margin_population")
    margin_hint = ("worst case (a 50 % share) on the observed followers"
                   + (f", corrected for {population:,} followers in all" if population else ""))
    parts = [
        '<main class="gk-report">',
        f"<h1>Audience report: {esc(data.brand)}</h1>",
        f'<p class="lead">From a graph of {data.n_accounts:,} accounts and {data.n_follows:,} follows. '
        "Shares are over the <i>observed</i> followers: those whose following list is loaded. Hover a "
        "column heading for what its numbers mean."
        + (f" Niche: {esc(data.niche)}." if data.niche else "") + "</p>",
        '<div class="gk-cards">',
        f'<div class="gk-card"><b>{data.n_followers:,}</b><span>followers in the graph</span></div>',
        f'<div class="gk-card"><b>{data.n_observed:,}</b><span>observed ({observed_share:.1%})</span></div>',
        (f'<div class="gk-card" title="{esc(margin_hint)}"><b>± {margin * 100:.1f} pts</b>'
         f"<span>margin of error of a share ({confidence:.0%})</span></div>" if margin is not None else ""),
        f'<div class="gk-card"><b>{int(data.tier_mix["accounts"].sum()):,}</b>'
        "<span>accounts the audience follows</span></div>",
        "</div>",
        _warning(sample.get("sample_warning")),
        "<h2>What the audience follows, by tier</h2>",
        '<p class="lead">Share of the observed audience\'s follows that go to accounts of each tier '
        "(tier from the declared follower count; unknown when none is loaded).</p>",
        tier_chart_svg(data.tier_mix),
    ]
    if data.landscape is not None:
        parts.append(_landscape_section(data.landscape, data.brand, data.platform))
    parts += [
        "<h2>Top affinity accounts</h2>",
        '<p class="lead">Accounts the audience follows, the most over-represented against the baseline '
        "(observed accounts that do not follow the brand) first.</p>",
        _table(data.affinity, _AFFINITY_COLUMNS, platform=data.platform),
    ]
    if data.ranked is not None:
        parts += [
            "<h2>Ranked shortlist</h2>",
            '<p class="lead">One score from weighted components, each shown: affinity, network reach '
            "(personalized PageRank from the audience), niche fit, tier fit and engagement.</p>",
            _table(data.ranked, _RANK_COLUMNS, platform=data.platform),
        ]
    if data.advocates is not None:
        parts += [
            "<h2>Top advocates</h2>",
            '<p class="lead">The brand\'s own followers ranked as influencers; audience followers is how '
            "many of the brand's other observed followers follow them.</p>",
            _table(data.advocates, _ADVOCATE_COLUMNS, platform=data.platform),
        ]
    if data.plan is not None:
        parts.append(_plan_section(data.plan, data.platform))
    for note in data.notes:
        parts.append(f'<p class="gk-note">{esc(note)}</p>')
    parts.append(
        '<p class="gk-note">Made by graphkit; every number comes from the same functions as the '
        "graphkit affinity, rank, advocates, landscape and plan commands.</p></main>"
    )
    return page(f"Audience report: {data.brand}", "\n".join(parts) + "\n", extra_css=_REPORT_CSS)


def report(graph: FollowGraph, brand: str, **options) -> str:
    """:func:`report_data` then :func:`render_report`: the page as text."""
    return render_report(report_data(graph, brand, **options))
