"""A one-page, self-contained HTML report on a brand for a marketer.

The page answers, without a terminal: how big is the audience and how much of
it is observed; which tiers the audience follows (a chart); which accounts the
audience follows more than the baseline (affinity, with its components) and the
ranked shortlist (rank score and components); which of the brand's own
followers are influencers (advocates); a map of the brand's neighbourhood; and,
with a budget, the plan against the naive pick.

Every number comes from the same query functions as the CLI
(:func:`queries.affinity.affinity`, :func:`queries.rank.rank`,
:func:`queries.advocates.advocates`, :func:`queries.expand.expand`,
:func:`queries.plan.plan`): :func:`report_data` calls them and keeps their
tables, :func:`render_report` only formats. Like the map, the page loads nothing
from the network (CSP ``default-src 'none'``) and escapes every string.

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
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphkit.errors import GraphkitError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme

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
    neighbourhood: object | None
    plan: pd.DataFrame | None
    niche: str | None = None
    notes: list[str] = field(default_factory=list)


def tier_mix(graph: FollowGraph, brand: str, *, tier_scheme: TierScheme | None = None) -> pd.DataFrame:
    """What the brand's observed audience follows, by tier of the followed account.

    Returns
    -------
    DataFrame
        ``tier, accounts`` (distinct accounts followed by at least one observed
        follower), ``follows`` (follows from the observed audience into the
        tier), ``follows_share`` (of all those follows); one row per tier of
        the scheme, ``unknown`` first. Uses
        :func:`queries.affinity.audience_counts`, the counts behind ``affinity``.

    Examples
    --------
    >>> g = FollowGraph.from_pairs([("f", "brand"), ("f", "x"), ("g", "brand"), ("g", "x")])
    >>> mix = tier_mix(g, "brand")
    >>> mix[mix.accounts > 0][["tier", "accounts", "follows"]].values.tolist()
    [['unknown', 1, 2]]
    """
    from queries.audience import audience, audience_counts

    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    counts = audience_counts(graph, aud.observed)
    counts[aud.brand_id] = 0
    followed = np.flatnonzero(counts > 0)
    tiers = scheme.assign(graph.attribute("followers_count").iloc[followed].to_numpy())
    frame = pd.DataFrame({"tier": tiers, "follows": counts[followed].astype(np.int64)})
    grouped = frame.groupby("tier", observed=False)["follows"].agg(["size", "sum"])
    out = pd.DataFrame({
        "tier": list(scheme.all_names),
        "accounts": grouped["size"].reindex(scheme.all_names, fill_value=0).to_numpy(dtype=np.int64),
        "follows": grouped["sum"].reindex(scheme.all_names, fill_value=0).to_numpy(dtype=np.int64),
    })
    total = out["follows"].sum()
    out["follows_share"] = out["follows"] / total if total else 0.0
    return out


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
    tier_scheme: TierScheme | None = None,
) -> ReportData:
    """Run the queries the report shows (see the module docstring).

    Parameters
    ----------
    budget : float, optional
        Adds the plan (:func:`queries.plan.plan`) when given.
    costs : queries.plan.Costs, optional
    tiers : list of str, optional
        Wanted tiers (rank's tier fit, the plan's candidates).
    niche : str, optional
        Niche terms (rank, advocates, the plan's weights).
    top : int
        Rows of each table.
    map_limit : int
        Accounts on the map besides the brand (``expand`` with one hop).
    """
    from queries.affinity import affinity
    from queries.audience import audience

    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    notes: list[str] = []
    affinity_table = affinity(graph, brand, top=top, tier_scheme=scheme)
    if affinity_table.attrs.get("note"):
        notes.append(f"affinity: {affinity_table.attrs['note']}")
    ranked = None
    rank_query = _try_import("queries.rank", "rank")
    if rank_query is not None:
        ranked = rank_query(graph, brand, niche=niche, tiers=tiers, top=top, tier_scheme=scheme)
    advocates_table = None
    advocates_query = _try_import("queries.advocates", "advocates")
    if advocates_query is not None:
        try:
            advocates_table = advocates_query(graph, brand, niche=niche, top=top, tier_scheme=scheme)
        except GraphkitError as err:
            notes.append(f"advocates: {err}")
    hood = None
    expand_query = _try_import("queries.expand", "expand")
    if expand_query is not None:
        from queries.neighbourhood import neighbourhood

        table = expand_query(graph, brand, hops=1, direction="both", limit=map_limit, tier_scheme=scheme)
        hood = neighbourhood(graph, table, tier_scheme=scheme, title=f"neighbourhood of {aud.brand}")
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
        ranked=ranked, advocates=advocates_table, neighbourhood=hood, plan=plan_table,
        niche=niche, notes=notes,
    )


# -- rendering ----------------------------------------------------------------------------------


def _cell(name: str, value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if name.endswith(("_share", "_rate")):
            return f"{value:.1%}"
        if name == "cost" or name.endswith("_cost") or abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value)


def _table(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    columns = [c for c in columns if c in frame.columns]
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in columns}
    head = "".join(f'<th class="{"num" if numeric[c] else ""}">{html.escape(c)}</th>' for c in columns)
    body = []
    for record in frame[columns].astype(object).itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="{"num" if numeric[c] else ""}">{html.escape(_cell(c, v))}</td>'
            for c, v in zip(columns, record)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="gk-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


_REPORT_CSS = """
.gk-report{max-width:1180px;margin:0 auto;padding:16px}
.gk-report h1{font-size:24px;margin:4px 0}.gk-report h2{font-size:18px;margin:26px 0 6px}
.gk-report .lead{color:var(--muted);margin:0 0 10px}
.gk-cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.gk-card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:170px}
.gk-card b{display:block;font-size:24px}.gk-card span{color:var(--muted)}
.gk-table{border-collapse:collapse;background:#fff;border:1px solid var(--line);font-size:13px;width:100%}
.gk-table th,.gk-table td{padding:4px 8px;border-bottom:1px solid #eef0f2;text-align:left}
.gk-table th{background:#f0f2f5;font-weight:600}.gk-table .num{text-align:right;font-variant-numeric:tabular-nums}
.gk-chart text{font:13px system-ui,sans-serif;fill:#1f2933}
.gk-note{color:var(--muted);font-size:13px}.gk-report .gk-map{margin:0;height:600px}
.gk-compare{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px}.gk-compare>div{overflow-x:auto}
@media (max-width:900px){.gk-compare{grid-template-columns:1fr}}
"""

_AFFINITY_COLUMNS = ("rank", "account", "tier", "audience_count", "audience_share", "baseline_share",
                     "affinity", "lift_lower", "followers_count")
_RANK_COLUMNS = ("rank", "account", "score", "affinity_pct", "ppr_pct", "niche_overlap", "tier_fit",
                 "engagement_pct", "audience_count", "tier")
_ADVOCATE_COLUMNS = ("rank", "account", "tier", "followers_count", "engagement_rate", "niche_overlap",
                     "audience_count", "audience_share")
_PLAN_COLUMNS = ("step", "account", "tier", "cost", "new_reach", "cumulative_reach", "cumulative_share")


def _plan_section(table: pd.DataFrame) -> str:
    a = table.attrs
    unit = "weighted reach" if a["weighted"] else "followers reached"

    def share(value: float) -> str:
        return f"{value / a['audience_weight']:.1%}" if a["audience_weight"] else "-"

    naive = a["naive"]
    return (
        "<h2>Plan for a budget of " + html.escape(f"{a['budget']:,.0f}") + "</h2>"
        f'<p class="lead">{len(table)} influencers, {a["spent"]:,.0f} spent; {unit}: '
        f"<b>{a['reach']:,.0f}</b> ({share(a['reach'])} of the observed audience), each follower "
        f"counted once. The naive pick (top by {html.escape(a['naive_by'])}, same budget) reaches "
        f"{a['naive_reach']:,.0f} ({share(a['naive_reach'])}). Chosen by the modified greedy "
        "algorithm for budgeted maximum coverage (Khuller, Moss &amp; Naor 1999; at least "
        f"{a['guarantee']:.1%} of the best possible reach); costs: {html.escape(a['costs_source'])}.</p>"
        '<div class="gk-compare"><div><b>Plan</b>' + _table(table, _PLAN_COLUMNS) + "</div>"
        "<div><b>Naive pick</b>" + _table(naive, _PLAN_COLUMNS) + "</div></div>"
    )


def render_report(data: ReportData) -> str:
    """The report page (a complete, self-contained HTML document)."""
    from queries.html_map import map_fragment, page

    esc = html.escape
    observed_share = data.n_observed / data.n_followers if data.n_followers else 0.0
    parts = [
        '<main class="gk-report">',
        f"<h1>Audience report: {esc(data.brand)}</h1>",
        f'<p class="lead">From a graph of {data.n_accounts:,} accounts and {data.n_follows:,} follows. '
        "Shares are over the <i>observed</i> followers: those whose following list is loaded."
        + (f" Niche: {esc(data.niche)}." if data.niche else "") + "</p>",
        '<div class="gk-cards">',
        f'<div class="gk-card"><b>{data.n_followers:,}</b><span>followers in the graph</span></div>',
        f'<div class="gk-card"><b>{data.n_observed:,}</b><span>observed ({observed_share:.1%})</span></div>',
        f'<div class="gk-card"><b>{int(data.tier_mix["accounts"].sum()):,}</b>'
        "<span>accounts the audience follows</span></div>",
        "</div>",
        "<h2>What the audience follows, by tier</h2>",
        '<p class="lead">Share of the observed audience\'s follows that go to accounts of each tier '
        "(tier from the declared follower count; unknown when none is loaded).</p>",
        tier_chart_svg(data.tier_mix),
        "<h2>Top affinity accounts</h2>",
        '<p class="lead">Accounts the audience follows, most over-represented against the baseline first: '
        "audience_share is the share of the observed audience following them, baseline_share the "
        "share of the baseline, affinity their ratio (lift) and lift_lower its cautious lower bound.</p>",
        _table(data.affinity, _AFFINITY_COLUMNS),
    ]
    if data.ranked is not None:
        parts += [
            "<h2>Ranked shortlist</h2>",
            '<p class="lead">One score from weighted components, each shown: affinity, personalized '
            "PageRank from the audience, niche overlap, tier fit and engagement (as percentiles).</p>",
            _table(data.ranked, _RANK_COLUMNS),
        ]
    if data.advocates is not None:
        parts += [
            "<h2>Top advocates</h2>",
            '<p class="lead">The brand\'s own followers ranked as influencers; audience_count is how '
            "many of the brand's other observed followers follow them.</p>",
            _table(data.advocates, _ADVOCATE_COLUMNS),
        ]
    if data.neighbourhood is not None:
        hood = data.neighbourhood
        parts += [
            "<h2>Neighbourhood map</h2>",
            f'<p class="lead">{hood.n_nodes:,} accounts one follow away from {esc(data.brand)} '
            f"(followers and following, {esc(hood.order or 'in table order')}) and the "
            f"{hood.n_edges:,} follows among them. "
            "Colour is the tier, size the in-degree; hover or click an account for its numbers.</p>",
            map_fragment(hood),
        ]
    if data.plan is not None:
        parts.append(_plan_section(data.plan))
    for note in data.notes:
        parts.append(f'<p class="gk-note">{esc(note)}</p>')
    parts.append(
        '<p class="gk-note">Made by graphkit; every number comes from the same functions as the '
        "graphkit affinity, rank, advocates, expand and plan commands.</p></main>"
    )
    return page(f"Audience report: {data.brand}", "\n".join(parts) + "\n", extra_css=_REPORT_CSS)


def report(graph: FollowGraph, brand: str, **options) -> str:
    """:func:`report_data` then :func:`render_report`: the page as text."""
    return render_report(report_data(graph, brand, **options))
