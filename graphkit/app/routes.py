"""The app's routes: the page, its static files, the JSON API and the downloads.

Every route is a ``GET`` that reads (the app never writes to the workspace).
API answers are JSON; a library error (:class:`graphkit.errors.GraphkitError`:
an unknown account, a bad option) is a ``400`` with ``{"error": message}``;
anything else is a ``500`` whose details go to the server's terminal, never to
the page. Unknown paths get a ``404`` page. Each API answer carries a
``Server-Timing: app;dur=MS, cpu;dur=MS`` header (wall time, and the CPU time of
the thread that answered, JSON encoding included; the benchmarks read it).

=====================================  ==================================================
``/``                                  the app (one page; the URL's query is the view)
``/static/NAME``                       its script, style and the vendored drawing library
``/api/brands?q=``                     accounts with followers, for the brand picker
``/api/overview?brand=``               audience, margin of error, tier mix
``/api/status``                        workspace generation, sources, crawl progress
``/api/shortlist?brand=...``           the filtered, sorted ranking (see ``params``)
``/api/landscape?brand=...``           the landscape's drawing data and communities
``/api/account?brand=&account=``       one account: components, profile, lookalikes
``/api/plan?brand=&budget=...``        plan, naive pick, reach curve, hand-picked reach
``/api/changes?brand=&since=&until=``  what changed between two load dates (and the dates)
``/download/shortlist.csv|.xlsx``      exactly the shortlist shown
``/download/plan.csv|.xlsx``           the plan shown (``which=plan|naive|selection``)
=====================================  ==================================================
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graphkit.app import views
from graphkit.app.assets import ASSETS, asset_bytes, content_type
from graphkit.app.pages import error_html, index_html
from graphkit.app.params import brand_of, landscape_query, plan_query, shortlist_query, text_list
from graphkit.app.security import CSP
from graphkit.app.state import WarmWorkspace
from graphkit.errors import GraphkitError, QueryError
from queries.glossary import describe, format_money, format_value
from queries.landscape_page import landscape_payload, summary
from queries.rank import COMPONENT_COLUMNS
from queries.writers import to_csv
from queries.xlsx import xlsx_bytes

__all__ = ["build_routes", "PLAN_COLUMNS"]

log = logging.getLogger("graphkit.app")

#: Columns of a plan table, as ``graphkit plan`` shows them.
PLAN_COLUMNS = ["step", "account", "tier", "cost", "reach", "new_reach", "cumulative_reach",
                "cumulative_share", "cumulative_cost"]
_NO_STORE = {"cache-control": "no-store"}


def _json(data: dict, started: tuple[float, float], status: int = 200) -> JSONResponse:
    body = JSONResponse(data, status_code=status)
    wall = (time.perf_counter() - started[0]) * 1000
    cpu = (time.thread_time() - started[1]) * 1000
    body.headers.update({**_NO_STORE, "server-timing": f"app;dur={wall:.1f}, cpu;dur={cpu:.1f}"})
    return body


def _api(handler: Callable) -> Callable:
    """Run a sync handler; library errors become 400 JSON, bugs a 500 without details."""

    def endpoint(request: Request) -> Response:
        started = (time.perf_counter(), time.thread_time())
        try:
            return _json(handler(request), started)
        except GraphkitError as err:
            return _json({"error": str(err)}, started, status=400)
        except Exception:  # a bug: details to the terminal, a sentence to the page
            log.error("%s failed:\n%s", request.url.path, traceback.format_exc())
            return _json({"error": "graphkit hit an internal error; the details are in the terminal "
                                   "running graphkit serve"}, started, status=500)

    endpoint.__name__ = handler.__name__
    return endpoint


def _download(handler: Callable) -> Callable:
    """Run a handler returning a file; errors become pages."""

    def endpoint(request: Request) -> Response:
        try:
            return handler(request)
        except GraphkitError as err:
            return HTMLResponse(error_html(400, str(err)), status_code=400, headers=_page_headers())
        except Exception:
            log.error("%s failed:\n%s", request.url.path, traceback.format_exc())
            return HTMLResponse(error_html(500, "graphkit hit an internal error; the details are in the "
                                                "terminal running graphkit serve"),
                                status_code=500, headers=_page_headers())

    endpoint.__name__ = handler.__name__
    return endpoint


def _page_headers() -> dict:
    return {"content-security-policy": CSP, **_NO_STORE}


def _file(data: bytes, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{name}"', **_NO_STORE})


def _check_extension(request: Request) -> None:
    if request.path_params["ext"] not in ("csv", "xlsx"):
        raise QueryError(f"downloads are .csv or .xlsx, not .{request.path_params['ext']}")


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in text)[:60] or "graphkit"


def _reach(value: float, attrs: dict) -> str:
    """A reach with its share of the observed audience (one decimal when niche-weighted)."""
    shown = f"{value:,.1f}" if attrs["weighted"] else f"{value:,.0f}"
    share = value / attrs["audience_weight"] if attrs["audience_weight"] else 0.0
    return f"{shown} ({share:.1%} of the observed audience)"


def build_routes(warm: WarmWorkspace, config: views.AppConfig) -> list[Route]:
    """The routes of the app over ``warm`` (see the module notes)."""
    scheme = config.tier_scheme
    settings = {
        "tiers": list(scheme.all_names),
        "costs": dict(config.costs.tier),
        "currency": config.costs.currency,
        "costsSource": config.costs.source,
        "platform": config.platform,
    }

    def index(request: Request) -> Response:
        return HTMLResponse(index_html(settings), headers=_page_headers())

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return HTMLResponse(error_html(404, f"there is no file {name!r} here"), status_code=404,
                                headers=_page_headers())
        return Response(asset_bytes(name), media_type=content_type(name),
                        headers={"cache-control": "no-cache"})

    # -- API ------------------------------------------------------------------------------
    def brands(request: Request) -> dict:
        snap = warm.snapshot()
        found = views.brands_result(snap, request.query_params.get("q", ""))
        return {"brands": found.astype(object).where(found.notna(), None).to_dict("records")}

    def status(request: Request) -> dict:
        return views.status_result(warm.snapshot())

    def overview(request: Request) -> dict:
        snap = warm.snapshot()
        brand = brand_of(request.query_params)
        result = views.overview_result(snap, config, brand)
        if result["summary"]["observed"]:
            views.prefetch_ranking(snap, config, brand)
        mix = result["tier_mix"]
        return {
            "summary": result["summary"],
            "tierMix": None if mix is None else views.table_json(mix),
            "status": views.status_result(snap),
        }

    def shortlist(request: Request) -> dict:
        snap = warm.snapshot()
        q = shortlist_query(request.query_params)
        table, notes = views.shortlist_table(snap, config, q)
        a = table.attrs
        return {
            "brand": a["brand"], "table": views.table_json(table), "matched": a["matched"],
            "candidates": a["candidates"], "filters": a["filters"], "notes": notes,
            "observed": a["audience_observed"], "followers": a["audience_followers"],
            "weights": [{"component": k, "heading": describe(COMPONENT_COLUMNS[k]).heading, "weight": w}
                        for k, w in (a.get("weights") or {}).items()],
            "note": a.get("note"), "sort": a["sort"],
        }

    def landscape(request: Request) -> dict:
        snap = warm.snapshot()
        q = landscape_query(request.query_params)
        land = views.landscape_result(snap, config, q)
        payload = landscape_payload(land, platform=config.platform or snap.platform)
        return {"payload": payload, "summary": summary(land), "clusters": views.table_json(land.clusters),
                "modularity": land.attrs["modularity"]}

    def account(request: Request) -> dict:
        snap = warm.snapshot()
        params = request.query_params
        name = (params.get("account") or "").strip()
        if not name:
            raise QueryError("which account? (the account parameter is missing)")
        niche = ", ".join(text_list(params.get("niche"))) or None
        card = views.account_result(snap, config, brand_of(params), name, niche, text_list(params.get("pick")))
        ranking = []
        for key, value in (card.ranking or {}).items():
            if key in ("account",) or value is None:
                continue
            column = describe(key)
            ranking.append({"name": key, "heading": column.heading, "explanation": column.explanation,
                            "value": views.native(value), "display": format_value(key, value)})
        profile = [{"name": k, "heading": describe(k).heading, "display": format_value(k, v)}
                   for k, v in card.profile.items()]
        return {
            "account": card.account, "brand": card.brand, "tier": card.tier, "profileUrl": card.profile_url,
            "audienceCount": card.audience_count, "audienceShare": format_value("audience_share", card.audience_share),
            "observed": card.audience_observed, "ranking": ranking, "profile": profile,
            "lookalikes": None if card.lookalikes is None else views.table_json(
                card.lookalikes[[c for c in ("rank", "account", "score", "shared", "audience", "tier")
                                 if c in card.lookalikes.columns]]),
            "planOverlap": card.plan_overlap, "notes": card.notes,
        }

    def changes(request: Request) -> dict:
        params = request.query_params
        return views.changes_result(warm.snapshot(), config, brand_of(params), params.get("since") or None,
                                    params.get("until") or None)

    def plan(request: Request) -> dict:
        snap = warm.snapshot()
        q = plan_query(request.query_params, tuple(scheme.all_names))
        result = views.plan_result(snap, config, q)
        table, costs = result["plan"], result["costs"]
        a = table.attrs
        currency = costs.currency
        unit = "weighted reach" if a["weighted"] else "followers reached"
        selection = result["selection"]
        return {
            "brand": a["brand"], "budget": format_money(a["budget"], currency), "currency": currency,
            "costs": dict(costs.tier), "costsSource": costs.source,
            "method": a["method"], "guarantee": f"{a['guarantee']:.1%}", "unit": unit,
            "weighted": a["weighted"],
            "summary": {
                "plan": f"{len(table)} influencers, {format_money(a['spent'], currency)} spent, {unit}: "
                        f"{_reach(a['reach'], a)}",
                "naive": f"{len(a['naive'])} influencers, {format_money(a['naive_spent'], currency)} spent, "
                         f"{unit}: {_reach(a['naive_reach'], a)} (top by {a['naive_by']})",
                "candidates": f"{a['candidates']:,} priced candidates ({a['unpriced']:,} without a price)",
            },
            "reach": a["reach"], "naiveReach": a["naive_reach"], "audienceWeight": a["audience_weight"],
            "plan": views.table_json(table[PLAN_COLUMNS], currency=currency),
            "naive": views.table_json(a["naive"][PLAN_COLUMNS], currency=currency),
            "curve": views.table_json(result["curve"], currency=currency),
            "selection": None if selection is None else {
                "table": views.table_json(selection[PLAN_COLUMNS], currency=currency),
                "reach": selection.attrs["reach"], "spent": format_money(selection.attrs["spent"], currency),
                "unpriced": selection.attrs["unpriced"],
            },
        }

    # -- downloads -------------------------------------------------------------------------
    def shortlist_file(request: Request) -> Response:
        _check_extension(request)
        snap = warm.snapshot()
        q = shortlist_query(request.query_params)
        table, _ = views.shortlist_table(snap, config, q)
        name = f"{_safe_name(q.brand)}-shortlist"
        if request.path_params["ext"] == "xlsx":
            return _file(xlsx_bytes(table, sheet="shortlist", title=f"Shortlist for {q.brand}"), f"{name}.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return _file(to_csv(table).encode("utf-8"), f"{name}.csv", "text/csv; charset=utf-8")

    def plan_file(request: Request) -> Response:
        _check_extension(request)
        snap = warm.snapshot()
        q = plan_query(request.query_params, tuple(scheme.all_names))
        result = views.plan_result(snap, config, q)
        which = request.query_params.get("which", "plan")
        if which not in ("plan", "naive", "selection") or (which == "selection" and result["selection"] is None):
            raise QueryError("which must be plan, naive or selection (with picked accounts)")
        table = result[which][PLAN_COLUMNS]
        name = f"{_safe_name(q.brand)}-{which}"
        if request.path_params["ext"] == "xlsx":
            return _file(xlsx_bytes(table, currency=result["costs"].currency, sheet=which,
                                    title=f"{which.capitalize()} for {q.brand}"), f"{name}.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return _file(to_csv(table).encode("utf-8"), f"{name}.csv", "text/csv; charset=utf-8")

    return [
        Route("/", index),
        Route("/static/{name:path}", static),
        Route("/api/brands", _api(brands)),
        Route("/api/status", _api(status)),
        Route("/api/overview", _api(overview)),
        Route("/api/shortlist", _api(shortlist)),
        Route("/api/landscape", _api(landscape)),
        Route("/api/account", _api(account)),
        Route("/api/plan", _api(plan)),
        Route("/api/changes", _api(changes)),
        Route("/download/shortlist.{ext:str}", _download(shortlist_file)),
        Route("/download/plan.{ext:str}", _download(plan_file)),
    ]
