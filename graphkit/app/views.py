"""What each page of the app shows, from the library's query functions (cached per snapshot).

Nothing here computes a score: every number comes from :mod:`queries`
(``rank`` through :mod:`queries.shortlist`, :mod:`queries.landscape`,
:mod:`queries.plan` and :mod:`queries.reach`, :mod:`queries.account_card`,
:mod:`queries.overview`). This module picks the options from the URL
(:mod:`graphkit.app.params`), keeps expensive results in the snapshot's cache
and turns tables into the JSON the page draws (:func:`table_json`: raw values
for sorting and downloads, the glossary's formatted text for display).

Examples
--------
>>> t = table_json(pd.DataFrame({"account": ["a"], "audience_share": [0.25]}))
>>> t["columns"][1]["heading"], t["rows"], t["display"]
('Audience share', [['a', 0.25]], [['a', '25.0%']])
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from graphkit.app.params import LandscapeQuery, PlanQuery, ShortlistQuery
from graphkit.app.state import Snapshot
from graphkit.errors import GraphkitError, QueryError
from graphkit.tiers import TierScheme
from queries.account_card import account_card
from queries.changes import SECTION_TITLES, changes, load_dates
from queries.glossary import describe, format_column, visible_columns
from queries.landscape import landscape
from queries.overview import (
    audience_summary,
    brand_index,
    brand_search,
    crawl_progress,
    tier_mix,
    workspace_sources,
)
from queries.plan import Costs, plan, ranking_scores
from queries.reach import reach_curve, selection_reach
from queries.shortlist import COLUMNS as SHORTLIST_COLUMNS
from queries.shortlist import candidates, shortlist

__all__ = ["AppConfig", "native", "table_json", "ranking", "prefetch_ranking", "shortlist_table", "landscape_result", "plan_result",
           "account_result", "overview_result", "brands_result", "status_result", "changes_result",
           "SHORTLIST_HIDDEN_NOTE"]

#: Why a shortlist column can be empty, by column.
SHORTLIST_HIDDEN_NOTE = {
    "niche_overlap": "Niche fit is hidden: give niche terms to score it.",
    "tier_fit": "Tier fit is hidden: the shortlist filters tiers instead of preferring them.",
    "engagement_pct": "Engagement is hidden: no candidate has an engagement rate (load profiles).",
    "engagement_rate": "",
    "followers_count": "Followers are hidden: no profiles with follower counts are loaded.",
}


@dataclass(frozen=True)
class AppConfig:
    """What ``graphkit serve`` was started with."""

    workspace: str
    tier_scheme: TierScheme
    costs: Costs
    platform: str | None = None


def native(value: object) -> object:
    """``value`` as a JSON-ready Python object (``None`` for missing or infinite)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    return value if isinstance(value, (int, str)) else str(value)


def table_json(frame: pd.DataFrame, *, currency: str | None = None) -> dict:
    """Columns (name, heading, explanation, kind), raw rows and formatted rows of a table."""
    columns = [str(c) for c in frame.columns]
    display = [format_column(frame[c], c, currency=currency) for c in columns]
    raw = [[native(v) for v in record] for record in frame.astype(object).itertuples(index=False, name=None)]
    return {
        "columns": [{"name": c, "heading": describe(c).heading, "explanation": describe(c).explanation,
                     "kind": describe(c).kind} for c in columns],
        "rows": raw,
        "display": [list(row) for row in zip(*display)] if columns and len(frame) else [],
    }


def ranking(snap: Snapshot, config: AppConfig, brand: str, niche: str | None):
    """The brand's full ranking (:func:`queries.shortlist.candidates`), cached."""
    key = (snap.graph.id_of(brand), niche)
    return snap.cached("ranking", key, lambda: candidates(snap.graph, brand, niche=niche,
                                                          tier_scheme=config.tier_scheme))


def prefetch_ranking(snap: Snapshot, config: AppConfig, brand: str) -> None:
    """Start ranking ``brand`` in the background (the overview is shown first; the shortlist,
    the landscape and the plan all need the ranking, which takes seconds on a large graph)."""
    def work() -> None:
        try:
            ranking(snap, config, brand, None)
        except GraphkitError:  # the page that needs it will say what is wrong
            pass

    threading.Thread(target=work, name=f"graphkit-rank-{brand}", daemon=True).start()


def shortlist_table(snap: Snapshot, config: AppConfig, q: ShortlistQuery) -> tuple[pd.DataFrame, list[str]]:
    """The rows shown (empty columns dropped) and a sentence per dropped column."""
    ranked = ranking(snap, config, q.brand, q.niche)
    table = shortlist(ranked, tiers=q.tiers or None, niche_only=q.niche_only, min_audience=q.min_audience,
                      exclude_followed=q.exclude_followed, brand_followers=q.followers, sort=q.sort,
                      ascending=q.ascending, top=q.top)
    shown, hidden = visible_columns(table, [c for c in SHORTLIST_COLUMNS if c in table.columns])
    if not len(table):
        shown, hidden = [c for c in SHORTLIST_COLUMNS if c in table.columns], []
    out = table[shown]
    out.attrs = dict(table.attrs)
    notes = [SHORTLIST_HIDDEN_NOTE.get(c) or f"{describe(c).heading} is hidden: it has no values here."
             for c in hidden if SHORTLIST_HIDDEN_NOTE.get(c) != ""]
    return out, notes


def landscape_result(snap: Snapshot, config: AppConfig, q: LandscapeQuery):
    """The landscape of the brand's top candidates (same ranking as the shortlist), cached."""
    def compute():
        table = ranking(snap, config, q.brand, q.niche).table
        return landscape(snap.graph, q.brand, top=q.top, table=table, metric=q.metric,
                         neighbours=q.neighbours, min_similarity=q.min_similarity,
                         resolution=q.resolution, random_seed=q.random_seed, size_by=q.size_by,
                         tier_scheme=config.tier_scheme)

    return snap.cached("landscape", (snap.graph.id_of(q.brand), q), compute)


def costs_of(config: AppConfig, q: PlanQuery) -> Costs:
    """The server's costs with the page's edits (tier prices, currency)."""
    tier = dict(config.costs.tier)
    tier.update(dict(q.prices))
    edited = bool(q.prices) or (q.currency or None) != config.costs.currency
    return replace(config.costs, tier=tier, currency=q.currency or config.costs.currency,
                   source=config.costs.source + (", edited in the page" if edited else ""))


def plan_result(snap: Snapshot, config: AppConfig, q: PlanQuery) -> dict:
    """The greedy plan, the naive pick, the reach curve and the hand-picked selection."""
    graph, scheme = snap.graph, config.tier_scheme
    if q.tiers:
        scheme.check_names(list(q.tiers))
    costs = costs_of(config, q)
    scores, label = snap.cached("plan-scores", (graph.id_of(q.brand), q.niche, q.tiers), lambda: ranking_scores(
        graph, q.brand, niche=q.niche, tiers=list(q.tiers) or None, tier_scheme=scheme))
    options = {"costs": costs, "tiers": list(q.tiers) or None, "niche": q.niche, "scores": scores,
               "scores_label": label, "tier_scheme": scheme, "exclude": list(q.exclude)}

    def compute():
        table = plan(graph, q.brand, q.budget, **options)
        budgets = [q.budget * f for f in (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)]
        curve = reach_curve(graph, q.brand, budgets, **options)
        return table, curve

    key = (graph.id_of(q.brand), q.budget, q.niche, q.tiers, tuple(sorted(costs.tier.items())), costs.currency,
           q.exclude)
    table, curve = snap.cached("plan", key, compute)
    selection = None
    if q.picks:
        selection = selection_reach(graph, q.brand, list(q.picks), costs=costs, niche=q.niche, tier_scheme=scheme)
    return {"plan": table, "naive": table.attrs["naive"], "curve": curve, "selection": selection, "costs": costs}


def account_result(snap: Snapshot, config: AppConfig, brand: str, account: str, niche: str | None,
                   plan_accounts: tuple[str, ...]):
    """The account card (:func:`queries.account_card.account_card`) with the brand's ranking."""
    ranked = ranking(snap, config, brand, niche)
    return account_card(snap.graph, brand, account, ranked=ranked.table, plan_accounts=plan_accounts,
                        niche=niche, platform=config.platform or snap.platform,
                        tier_scheme=config.tier_scheme)


def overview_result(snap: Snapshot, config: AppConfig, brand: str) -> dict:
    """Audience size and margin of error, tier mix, and the sources behind them."""
    summary = audience_summary(snap.graph, brand)
    mix = None
    if summary["observed"]:
        mix = snap.cached("tier-mix", snap.graph.id_of(brand),
                          lambda: tier_mix(snap.graph, brand, tier_scheme=config.tier_scheme))
    return {"summary": summary, "tier_mix": mix}


def brands_result(snap: Snapshot, text: str, limit: int = 20) -> pd.DataFrame:
    """Accounts with followers matching ``text`` (:func:`queries.overview.brand_search`)."""
    if snap.graph.n_accounts == 0:
        raise QueryError(f"the workspace {snap.workspace.path} is empty: load files with "
                         "`graphkit load ...`, or try `graphkit demo` and serve -w graphkit-demo")
    index = snap.cached("brand-index", (), lambda: brand_index(snap.graph))
    return brand_search(index, text, limit=limit)


def status_result(snap: Snapshot) -> dict:
    """The workspace's generation, counts, sources and crawl progress."""
    sources = workspace_sources(snap.workspace)
    return {
        "workspace": str(snap.workspace.path),
        "generation": snap.generation,
        "updated": snap.workspace.updated,
        "accounts": snap.graph.n_accounts,
        "follows": snap.graph.n_follows,
        "observed": int(snap.graph.observed.sum()),
        "sources": sources.astype(object).where(sources.notna(), None).to_dict("records"),
        "crawls": crawl_progress(snap.workspace),
    }


def changes_result(snap: Snapshot, config: AppConfig, brand: str, since: str | None, until: str | None,
                   top: int = 50) -> dict:
    """What changed in ``brand``'s audience (:func:`queries.changes.changes`) between two of the
    workspace's load dates (default: the last two), with the dates to pick from."""
    dates = [d.isoformat() for d in snap.cached("load-dates", (), lambda: load_dates(snap.workspace))]
    snap.graph.id_of(brand)  # an unknown brand is refused before anything else
    if since is None and until is None and len(dates) < 2:
        return {"dates": dates, "since": None, "until": None, "sections": [], "summary": None,
                "note": "The workspace was loaded at one time only: crawl or load again later, then compare."}
    until = until or (dates[-1] if dates else None)
    since = since or next((d for d in reversed(dates) if d < until), dates[0] if dates else None)
    result = snap.cached("changes", (snap.graph.id_of(brand), since, until, top), lambda: changes(
        snap.workspace, brand, since=since, until=until, top=top, tier_scheme=config.tier_scheme))
    summary = result.sections["summary"].iloc[0]
    totals = {"new_followers": "new_followers", "lost_followers": "lost_followers", "tier_moves": "tier_moves",
              "renames": "renames"}
    sections = []
    for name, frame in result.sections.items():
        if name == "summary":
            continue
        shown = frame.copy()
        for column in shown.columns:
            if pd.api.types.is_datetime64_any_dtype(shown[column]):
                shown[column] = shown[column].dt.strftime("%Y-%m-%d %H:%M")
        total = int(summary[totals[name]]) if name in totals else None
        sections.append({"name": name, "title": SECTION_TITLES[name], "shown": len(frame), "total": total,
                         "table": table_json(shown)})
    return {"dates": dates, "since": result.attrs["since"], "until": result.attrs["until"],
            "summary": {k: native(v) for k, v in summary.items()}, "sections": sections,
            "note": result.attrs.get("note"), "method": result.attrs["method"]}
