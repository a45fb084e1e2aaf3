"""An interactive map of a neighbourhood in one self-contained, offline HTML page.

The layout is computed in Python (:mod:`queries.layout`: ``networkx.spring_layout``
on the neighbourhood subgraph, seeded, so the same table gives the same
picture); a small hand-written canvas script embedded in the page draws it. The page asks
for nothing over the network: there is no external script, style, font or
image, and a Content-Security-Policy of ``default-src 'none'`` forbids any
request, so it also works from a USB stick or an e-mail attachment.

What the page shows: nodes coloured by tier and sized by score, the seed ringed
and labelled, every follow as a faint line (the hovered or selected account's
follows darker); hovering shows an account's scores and profile, a click pins
them in the side panel, the search box highlights matching accounts (Enter
centres on the first), the mouse wheel zooms and dragging pans.

Safety: every account string travels as JSON inside ``<script
type="application/json">`` with ``<``, ``>``, ``&`` (and U+2028/U+2029)
written as ``\\u`` escapes, and the script only ever sets ``textContent``,
so a bio of ``<script>alert(1)</script>`` is shown as text.

The page writes what it drew into ``<pre id="gk-status">`` (a JSON object:
``ready``, ``nodesDrawn``, ``edgesDrawn``, ``matches``, ``errors``); the
browser tests read it.

Examples
--------
>>> script_json({"bio": "</script><b>&"})
'{"bio": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
"""

from __future__ import annotations

import html
import json
import math

import pandas as pd

from queries.layout import TIER_COLORS, layout_positions, node_sizes, score_column, tier_colors
from queries.neighbourhood import Neighbourhood, column_kinds

__all__ = [
    "CSP",
    "script_json",
    "map_payload",
    "map_fragment",
    "render_map",
    "page",
]

#: The page may run its own inline script and style and show data: images; nothing else.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

#: Profile columns shown under the scores in the info panel.
_PROFILE_COLUMNS = (
    "display_name", "tier", "followers_count", "following_count", "engagement_rate", "category",
    "tags", "bio", "location", "verified", "observed",
)


def script_json(value: object) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``<``, ``>``, ``&`` left)."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)
    return (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def map_payload(hood: Neighbourhood, *, layout_seed: int = 0, size_by: str | None = None) -> dict:
    """The JSON the page script draws: positions, sizes, tiers, fields to show, edges."""
    nodes = hood.nodes
    keys = nodes["account"].astype(object).astype(str).tolist()
    positions = layout_positions(hood, seed=layout_seed)
    tiers = nodes["tier"].astype("string").fillna("unknown").tolist() if "tier" in nodes else ["unknown"] * len(keys)
    table_fields = [c for c in hood.table_columns if c in nodes.columns and c not in ("account",)]
    profile_fields = [c for c in _PROFILE_COLUMNS if c in nodes.columns and c not in table_fields]
    fields = table_fields + profile_fields
    kinds = column_kinds(nodes[fields]) if fields else {}
    values = {}
    for name in fields:
        column = []
        for value in nodes[name].astype(object).tolist():
            if value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
                column.append(None)
            elif kinds[name] == "float":
                column.append(_round(float(value)))
            elif kinds[name] == "int":
                column.append(int(value))
            elif kinds[name] == "bool":
                column.append(bool(value))
            else:
                column.append(str(value))
        values[name] = column
    index = {k: i for i, k in enumerate(keys)}
    names = sorted(set(tiers), key=lambda t: (list(TIER_COLORS).index(t) if t in TIER_COLORS else 99, t))
    return {
        "title": hood.title,
        "seed": hood.seed if hood.seed in index else None,
        "score": score_column(nodes, size_by),
        "nodes": {
            "id": keys,
            "x": [round(positions[k][0], 4) for k in keys],
            "y": [round(positions[k][1], 4) for k in keys],
            "r": node_sizes(hood, size_by).tolist(),
            "tier": tiers,
        },
        "fields": fields,
        "tableFields": table_fields,
        "values": values,
        "edges": {
            "s": [index[k] for k in hood.edges["follower"].astype(object)],
            "t": [index[k] for k in hood.edges["followee"].astype(object)],
        },
        "tiers": [[name, color, tiers.count(name)] for name, color in zip(names, tier_colors(names))],
    }


def map_fragment(hood: Neighbourhood, *, layout_seed: int = 0, size_by: str | None = None) -> str:
    """The map as an HTML fragment (markup, data and script) to place inside a page."""
    payload = map_payload(hood, layout_seed=layout_seed, size_by=size_by)
    return (
        '<section class="gk-map" id="gk-map" aria-label="neighbourhood map">\n'
        '<div class="gk-bar">'
        '<input id="gk-search" type="search" placeholder="Search accounts" autocomplete="off" '
        'aria-label="search accounts">'
        '<span id="gk-count"></span>'
        '<button type="button" id="gk-zoom-in" title="zoom in">+</button>'
        '<button type="button" id="gk-zoom-out" title="zoom out">&minus;</button>'
        '<button type="button" id="gk-fit" title="show everything">fit</button>'
        '<label><input type="checkbox" id="gk-edges" checked> follows</label>'
        '<span id="gk-legend"></span></div>\n'
        '<div class="gk-stage"><canvas id="gk-canvas"></canvas>'
        '<div id="gk-tip" class="gk-tip" hidden></div>'
        '<aside id="gk-panel" class="gk-panel"><p class="gk-hint">Hover an account to see its '
        'scores; click to pin it here. Wheel to zoom, drag to pan.</p></aside></div>\n'
        f'<script type="application/json" id="gk-data">{script_json(payload)}</script>\n'
        '<pre id="gk-status" hidden></pre>\n'
        f"<script>\n{MAP_SCRIPT}</script>\n"
        "</section>\n"
    )


def page(title: str, body: str, *, extra_css: str = "", csp: str = CSP) -> str:
    """A complete, self-contained HTML page with the map's style and a strict CSP (``csp``)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>\n{MAP_STYLE}{extra_css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def render_map(hood: Neighbourhood, *, layout_seed: int = 0, size_by: str | None = None) -> str:
    """A whole page with nothing but the map of ``hood``.

    >>> from graphkit.graph import FollowGraph
    >>> from queries.neighbourhood import neighbourhood
    >>> g = FollowGraph.from_pairs([("a", "b")])
    >>> page_text = render_map(neighbourhood(g, pd.DataFrame({"account": ["a", "b"]})))
    >>> page_text.startswith("<!DOCTYPE html>"), "http" in page_text.replace("http-equiv", "")
    (True, False)
    """
    heading = (
        f'<header class="gk-head"><h1>{html.escape(hood.title)}</h1>'
        f"<p>{hood.n_nodes:,} accounts, {hood.n_edges:,} follows"
        + (f"; seed <b>{html.escape(hood.seed)}</b>" if hood.seed else "")
        + (f"; {html.escape(hood.order)}" if hood.order else "")
        + "</p></header>\n"
    )
    body = heading + map_fragment(hood, layout_seed=layout_seed, size_by=size_by)
    return page(hood.title, body, extra_css="html,body{height:100%}.gk-map{height:calc(100vh - 70px)}\n")


#: The map's style sheet (also used by the report page).
MAP_STYLE = r"""
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9dee3;--bg:#ffffff;--accent:#111827}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f7f9}
.gk-head{padding:10px 16px 4px}.gk-head h1{font-size:18px;margin:0}.gk-head p{margin:2px 0;color:var(--muted)}
.gk-map{display:flex;flex-direction:column;background:var(--bg);border:1px solid var(--line);border-radius:6px;margin:0 12px 12px;min-height:420px}
.gk-bar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;padding:8px;border-bottom:1px solid var(--line)}
.gk-bar input[type=search]{width:220px;padding:4px 8px;border:1px solid var(--line);border-radius:4px;font:inherit}
.gk-bar button{min-width:30px;padding:3px 8px;border:1px solid var(--line);background:#fff;border-radius:4px;cursor:pointer;font:inherit}
.gk-bar label{color:var(--muted)}#gk-count{color:var(--muted);min-width:80px}
#gk-legend{display:flex;flex-wrap:wrap;gap:10px;margin-left:auto;color:var(--muted)}
.gk-key{display:inline-flex;align-items:center;gap:4px}.gk-dot{width:11px;height:11px;border-radius:50%;display:inline-block}
.gk-dot.gk-seed{background:#fff;border:3px solid var(--accent);width:7px;height:7px}
.gk-stage{position:relative;flex:1;display:flex;min-height:380px}
#gk-canvas{flex:1;min-width:0;height:100%;cursor:grab;display:block}
#gk-canvas.gk-dragging{cursor:grabbing}
.gk-panel{width:290px;border-left:1px solid var(--line);padding:10px 12px;overflow:auto;font-size:13px}
.gk-panel h2{font-size:16px;margin:0 0 4px;word-break:break-all}.gk-hint{color:var(--muted)}
.gk-panel table,.gk-tip table{border-collapse:collapse;width:100%}
.gk-panel td,.gk-tip td{padding:1px 4px;vertical-align:top;border-bottom:1px solid #eef0f2}
.gk-panel td:first-child,.gk-tip td:first-child{color:var(--muted);white-space:nowrap}
.gk-panel td:last-child,.gk-tip td:last-child{word-break:break-word}
.gk-why{margin:6px 0;color:var(--ink)}
.gk-tip{position:absolute;pointer-events:none;max-width:300px;background:rgba(255,255,255,.97);border:1px solid var(--line);border-radius:4px;padding:6px 8px;font-size:12px;box-shadow:0 2px 8px rgba(0,0,0,.12)}
.gk-tip b{word-break:break-all}
@media (max-width:800px){.gk-panel{display:none}}
"""

#: The map's drawing script: canvas, zoom and pan, hover and click, search, status hook.
MAP_SCRIPT = r"""
(function () {
  "use strict";
  var statusEl = document.getElementById("gk-status");
  var status = {ready: false, nodesDrawn: 0, edgesDrawn: 0, matches: null, firstMatch: null,
                selected: null, errors: []};
  function writeStatus() { statusEl.textContent = JSON.stringify(status); }
  window.addEventListener("error", function (event) {
    status.errors.push(String(event.message)); writeStatus();
  });
  var data = JSON.parse(document.getElementById("gk-data").textContent);
  var nodes = data.nodes, n = nodes.id.length, S = data.edges.s, T = data.edges.t;
  var canvas = document.getElementById("gk-canvas"), ctx = canvas.getContext("2d");
  var tip = document.getElementById("gk-tip"), panel = document.getElementById("gk-panel");
  var search = document.getElementById("gk-search"), countEl = document.getElementById("gk-count");
  var edgesBox = document.getElementById("gk-edges");
  var colorOf = {};
  data.tiers.forEach(function (t) { colorOf[t[0]] = t[1]; });
  var seed = data.seed === null ? -1 : nodes.id.indexOf(data.seed);
  var out = [], inn = [];
  for (var i = 0; i < n; i++) { out.push([]); inn.push([]); }
  for (var e = 0; e < S.length; e++) { out[S[e]].push(T[e]); inn[T[e]].push(S[e]); }
  // draw order: small first, so large (high score) nodes stay on top
  var order = [];
  for (i = 0; i < n; i++) order.push(i);
  order.sort(function (a, b) { return nodes.r[a] - nodes.r[b] || a - b; });
  var labelled = order.slice(-12);
  var view = {scale: 1, tx: 0, ty: 0}, width = 0, height = 0, radius = 1;
  var hover = -1, selected = -1, matches = [], matchSet = null, pending = false;

  function sx(k) { return width / 2 + nodes.x[k] * radius * view.scale + view.tx; }
  function sy(k) { return height / 2 + nodes.y[k] * radius * view.scale + view.ty; }
  function nodeRadius(k) { return nodes.r[k] * Math.min(2.5, Math.max(1, Math.sqrt(view.scale))); }

  function resize() {
    var box = canvas.getBoundingClientRect(), ratio = window.devicePixelRatio || 1;
    width = Math.max(100, box.width); height = Math.max(100, box.height);
    canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    radius = Math.min(width, height) / 2 - 24;
    draw();
  }
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(function () { pending = false; draw(); }); }
  }
  function lines(list, style, lineWidth) {
    if (!list.length) return 0;
    ctx.beginPath();
    for (var j = 0; j < list.length; j++) {
      ctx.moveTo(sx(list[j][0]), sy(list[j][0])); ctx.lineTo(sx(list[j][1]), sy(list[j][1]));
    }
    ctx.strokeStyle = style; ctx.lineWidth = lineWidth; ctx.stroke();
    return list.length;
  }
  function label(k, bold) {
    var text = nodes.id[k], x = sx(k) + nodeRadius(k) + 3, y = sy(k) + 4;
    ctx.font = (bold ? "bold " : "") + "12px system-ui, sans-serif";
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.strokeText(text, x, y);
    ctx.fillStyle = "#1f2933"; ctx.fillText(text, x, y);
  }
  function draw() {
    ctx.clearRect(0, 0, width, height);
    var drawnEdges = 0, focus = selected >= 0 ? selected : hover;
    if (edgesBox.checked) {
      ctx.beginPath();
      var alpha = S.length > 20000 ? 0.05 : S.length > 3000 ? 0.1 : 0.22;
      for (var e = 0; e < S.length; e++) {
        ctx.moveTo(sx(S[e]), sy(S[e])); ctx.lineTo(sx(T[e]), sy(T[e]));
      }
      ctx.strokeStyle = "rgba(80,90,100," + alpha + ")"; ctx.lineWidth = 0.6; ctx.stroke();
      drawnEdges = S.length;
    }
    if (focus >= 0) {
      lines(out[focus].map(function (t) { return [focus, t]; }), "rgba(0,114,178,0.8)", 1.3);
      lines(inn[focus].map(function (s) { return [s, focus]; }), "rgba(213,94,0,0.75)", 1.3);
    }
    var drawn = 0;
    for (var o = 0; o < n; o++) {
      var k = order[o], x = sx(k), y = sy(k), r = nodeRadius(k);
      if (x < -r || y < -r || x > width + r || y > height + r) continue;
      ctx.globalAlpha = matchSet && !matchSet[k] ? 0.18 : 1;
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = colorOf[nodes.tier[k]] || "#999"; ctx.fill();
      ctx.lineWidth = 0.8; ctx.strokeStyle = "#ffffff"; ctx.stroke();
      drawn++;
    }
    ctx.globalAlpha = 1;
    function ring(k, color, w, extra) {
      ctx.beginPath(); ctx.arc(sx(k), sy(k), nodeRadius(k) + extra, 0, 2 * Math.PI);
      ctx.lineWidth = w; ctx.strokeStyle = color; ctx.stroke();
    }
    if (matchSet) matches.slice(0, 200).forEach(function (k) { ring(k, "#f0a202", 2.5, 2); });
    if (seed >= 0) { ring(seed, "#111827", 3, 2); }
    if (focus >= 0) ring(focus, "#0072b2", 2.5, 4);
    if (!matchSet) labelled.forEach(function (k) { if (k !== seed) label(k, false); });
    matches.slice(0, 30).forEach(function (k) { label(k, false); });
    if (seed >= 0) label(seed, true);
    if (focus >= 0) label(focus, true);
    status.nodesDrawn = drawn; status.edgesDrawn = drawnEdges; status.ready = true;
    writeStatus();
  }

  function fmt(name, value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "number") {
      if (/_share$|_rate$/.test(name)) return (value * 100).toFixed(1) + "%";
      if (Number.isInteger(value)) return value.toLocaleString("en-US");
      return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
    }
    return String(value);
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function why(k) {
    var parts = [];
    if (data.values.why && data.values.why[k]) parts.push(String(data.values.why[k]));
    if (k === seed) parts.push("This is the seed.");
    else if (seed >= 0) {
      if (out[k].indexOf(seed) >= 0) parts.push("Follows " + data.seed + ".");
      if (inn[k].indexOf(seed) >= 0) parts.push("Followed by " + data.seed + ".");
    }
    if (data.score && data.values[data.score] && data.values[data.score][k] !== null) {
      var better = 0, mine = data.values[data.score][k];
      data.values[data.score].forEach(function (v) { if (v !== null && v > mine) better++; });
      parts.push("Its " + data.score + " is #" + (better + 1) + " of " + n + " here.");
    }
    parts.push("Follows " + out[k].length + " and is followed by " + inn[k].length +
               " of the accounts on this map.");
    return parts.join(" ");
  }
  function details(k, target, full) {
    while (target.firstChild) target.removeChild(target.firstChild);
    target.appendChild(el(full ? "h2" : "b", nodes.id[k]));
    target.appendChild(el("p", why(k), "gk-why"));
    var table = el("table"), shown = 0;
    data.fields.forEach(function (name) {
      var value = data.values[name][k];
      if (value === null || value === undefined || name === "why") return;
      if (!full && shown >= 10) return;
      var row = el("tr");
      row.appendChild(el("td", name)); row.appendChild(el("td", fmt(name, value)));
      table.appendChild(row); shown++;
    });
    target.appendChild(table);
  }
  function nodeAt(px, py) {
    var best = -1, bestD = Infinity;
    for (var k = 0; k < n; k++) {
      var dx = sx(k) - px, dy = sy(k) - py, d = dx * dx + dy * dy, r = nodeRadius(k) + 3;
      if (d <= r * r && d < bestD) { best = k; bestD = d; }
    }
    return best;
  }
  function select(k) {
    selected = k; status.selected = k >= 0 ? nodes.id[k] : null;
    if (k >= 0) details(k, panel, true);
    writeStatus(); schedule();
  }
  function centreOn(k) {
    view.scale = Math.max(view.scale, 3);
    view.tx = -nodes.x[k] * radius * view.scale; view.ty = -nodes.y[k] * radius * view.scale;
  }
  function runSearch(text) {
    var q = text.trim().toLowerCase();
    matches = [];
    if (q) {
      var names = data.values.display_name;
      for (var k = 0; k < n; k++) {
        if (nodes.id[k].toLowerCase().indexOf(q) >= 0 ||
            (names && names[k] && String(names[k]).toLowerCase().indexOf(q) >= 0)) matches.push(k);
      }
      matches.sort(function (a, b) { return nodes.r[b] - nodes.r[a] || a - b; });
      matchSet = {}; matches.forEach(function (k) { matchSet[k] = true; });
      countEl.textContent = matches.length + (matches.length === 1 ? " match" : " matches");
    } else { matchSet = null; countEl.textContent = ""; }
    status.matches = q ? matches.length : null;
    status.firstMatch = matches.length ? nodes.id[matches[0]] : null;
    writeStatus(); schedule();
  }
  function zoom(factor, px, py) {
    var next = Math.min(80, Math.max(0.2, view.scale * factor));
    factor = next / view.scale;
    px = px === undefined ? width / 2 : px; py = py === undefined ? height / 2 : py;
    view.tx = (view.tx + width / 2 - px) * factor + px - width / 2;
    view.ty = (view.ty + height / 2 - py) * factor + py - height / 2;
    view.scale = next; schedule();
  }

  var legend = document.getElementById("gk-legend");
  data.tiers.forEach(function (t) {
    var key = el("span", undefined, "gk-key"), dot = el("span", undefined, "gk-dot");
    dot.style.background = t[1];
    key.appendChild(dot); key.appendChild(document.createTextNode(t[0] + " (" + t[2] + ")"));
    legend.appendChild(key);
  });
  if (seed >= 0) {
    var seedKey = el("span", undefined, "gk-key");
    seedKey.appendChild(el("span", undefined, "gk-dot gk-seed"));
    seedKey.appendChild(document.createTextNode("seed: " + data.seed));
    legend.appendChild(seedKey);
  }

  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = {x: ev.clientX, y: ev.clientY, tx: view.tx, ty: view.ty, moved: false};
    canvas.classList.add("gk-dragging");
  });
  window.addEventListener("mouseup", function (ev) {
    if (!drag) return;
    canvas.classList.remove("gk-dragging");
    if (!drag.moved) {
      var box = canvas.getBoundingClientRect();
      select(nodeAt(ev.clientX - box.left, ev.clientY - box.top));
    }
    drag = null;
  });
  canvas.addEventListener("mousemove", function (ev) {
    var box = canvas.getBoundingClientRect(), px = ev.clientX - box.left, py = ev.clientY - box.top;
    if (drag) {
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) drag.moved = true;
      if (drag.moved) {
        view.tx = drag.tx + ev.clientX - drag.x; view.ty = drag.ty + ev.clientY - drag.y;
        tip.hidden = true; schedule(); return;
      }
    }
    var k = nodeAt(px, py);
    if (k !== hover) { hover = k; schedule(); }
    if (k >= 0) {
      details(k, tip, false); tip.hidden = false;
      tip.style.left = Math.min(px + 14, width - 300) + "px";
      tip.style.top = Math.min(py + 14, height - 120) + "px";
    } else tip.hidden = true;
  });
  canvas.addEventListener("mouseleave", function () { hover = -1; tip.hidden = true; schedule(); });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var box = canvas.getBoundingClientRect();
    zoom(Math.exp(-ev.deltaY * 0.0015), ev.clientX - box.left, ev.clientY - box.top);
  }, {passive: false});
  document.getElementById("gk-zoom-in").addEventListener("click", function () { zoom(1.5); });
  document.getElementById("gk-zoom-out").addEventListener("click", function () { zoom(1 / 1.5); });
  document.getElementById("gk-fit").addEventListener("click", function () {
    view = {scale: 1, tx: 0, ty: 0}; schedule();
  });
  edgesBox.addEventListener("change", schedule);
  search.addEventListener("input", function () { runSearch(search.value); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && matches.length) { centreOn(matches[0]); select(matches[0]); }
  });
  window.addEventListener("keydown", function (ev) { if (ev.key === "Escape") select(-1); });
  window.addEventListener("resize", resize);
  window.gkMap = {search: function (text) { search.value = text; runSearch(text); draw(); return status; },
                  select: function (id) { select(nodes.id.indexOf(id)); draw(); return status; },
                  status: function () { return status; },
                  screenOf: function (id) {
                    var box = canvas.getBoundingClientRect(), k = nodes.id.indexOf(id);
                    return k < 0 ? null : [box.left + sx(k), box.top + sy(k)];
                  }};
  var hash = decodeURIComponent(window.location.hash || "");
  resize();
  if (hash.indexOf("#q=") === 0) { search.value = hash.slice(3); runSearch(search.value); draw(); }
})();
"""
