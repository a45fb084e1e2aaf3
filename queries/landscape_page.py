"""The landscape as data for the renderer, as one self-contained offline HTML page, and as files.

:func:`landscape_payload` turns a :class:`queries.landscape.Landscape` into the
JSON the shared renderer (``graphkit/app/static/landscape.js``) draws: node
positions, sizes, clusters with their colours and names, the links, and every
value shown on hover already formatted by :mod:`queries.glossary`. The web app
sends the same JSON from ``/api/landscape``.

:func:`render_landscape` writes it as a page (``graphkit export landscape BRAND
--out FILE.html``); :func:`landscape_fragment` is the part the report embeds.
Both inline the vendored drawing library and the renderer, so the file works
offline; the page's Content-Security-Policy (:data:`CSP`) allows its own
inline script and style, ``data:`` images and a ``blob:`` web worker (the
layout), and forbids every request.

:func:`write_landscape` writes what ``--out`` asks for: the page (``.html``), or
the same graph files as a neighbourhood export (``.graphml``, node-link
``.json``, ``.csv`` / ``.parquet`` nodes with ``-edges`` beside, through
:func:`queries.exporters.write_hood`; ``.gexf`` 1.3 through
:mod:`queries.gexf`, with the picture's positions, sizes and community
colours), the links undirected and carrying ``similarity`` and ``shared``, the
nodes their ``cluster`` and ``cluster_label`` (colour by that partition in
Gephi).

Safety: the data travels as JSON in ``<script type="application/json">`` with
``<``, ``>``, ``&`` escaped (:func:`queries.html_map.script_json`), and the
renderer only sets ``textContent``: a bio of ``<img src=x onerror=alert(1)>``
shows as text.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> from queries.landscape import landscape
>>> pairs = [(f"f{i}", "brand") for i in range(6)] + [(f"f{i}", x) for i in range(6) for x in "abc"]
>>> land = landscape(FollowGraph.from_pairs(pairs), "brand", table=pd.DataFrame({"account": list("abc")}))
>>> payload = landscape_payload(land)
>>> payload["nodes"]["id"], payload["clusters"][0]["label"], payload["sizeBy"]
(['a', 'b', 'c'], 'around a', 'audience_share')
>>> page_text = render_landscape(land)
>>> "worker-src blob:" in page_text, "http://" in page_text or "https://" in page_text
(True, False)
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from graphkit.app.assets import asset_text, inline_script
from graphkit.clock import now
from graphkit.errors import GraphkitError
from queries.exporters import graph_format_from_path, write_hood
from queries.gexf import NodeLook, gexf_bytes
from queries.glossary import describe, format_column
from queries.html_map import page as html_page
from queries.html_map import script_json
from queries.landscape import Landscape
from queries.layout import TIER_COLORS, tier_colors
from queries.neighbourhood import Neighbourhood, column_kinds, node_attributes
from queries.profile_links import profile_urls
from queries.timeline import audience_timeline
from queries.writers import atomic_write_bytes

__all__ = ["CSP", "CLUSTER_COLORS", "HOVER_FIELDS", "cluster_colors", "landscape_payload",
           "landscape_fragment", "page", "render_landscape", "landscape_hood", "landscape_gexf",
           "write_landscape"]

#: A static landscape page may run its inline script and style, show data: images and start
#: its layout worker from a blob: URL; nothing else, and no request.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "worker-src blob:; base-uri 'none'; form-action 'none'"
)

#: Community colours (Tableau 10 and two more); community 0 ("no close group") is grey.
CLUSTER_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948",
                  "#ff9da7", "#9c755f", "#17becf", "#bcbd22", "#8c564b")
_NO_GROUP = "#b8bec5"

#: Columns shown when hovering a node, in order (those present).
HOVER_FIELDS = ("display_name", "rank", "score", "audience_count", "audience_share", "tier",
                "followers_count", "cluster_label", "links", "category", "bio")

def cluster_colors(clusters: list[int]) -> list[str]:
    """A colour per community number (0 is grey; beyond twelve the palette repeats).

    >>> cluster_colors([1, 2, 0, 13])
    ['#4e79a7', '#f28e2b', '#b8bec5', '#4e79a7']
    """
    return [_NO_GROUP if c == 0 else CLUSTER_COLORS[(c - 1) % len(CLUSTER_COLORS)] for c in clusters]


def _round(values: np.ndarray) -> list:
    return [None if not math.isfinite(v) else float(f"{v:.6g}") for v in values.tolist()]


def landscape_payload(land: Landscape, *, platform: str | None = None) -> dict:
    """The JSON the renderer draws (see the module notes)."""
    nodes = land.nodes
    size_by = land.attrs.get("size_by", "audience_share")
    sizes = pd.to_numeric(nodes[size_by], errors="coerce").astype("float64").to_numpy()
    fields = []
    for name in HOVER_FIELDS:
        if name not in nodes.columns or nodes[name].isna().all():
            continue
        column = describe(name)
        fields.append({"name": name, "heading": column.heading, "explanation": column.explanation,
                       "values": format_column(nodes[name], name)})
    index = {key: i for i, key in enumerate(nodes["account"].tolist())}
    clusters = []
    colors = dict(zip(land.clusters["cluster"].tolist(), cluster_colors(land.clusters["cluster"].tolist())))
    for row in land.clusters.itertuples(index=False):
        clusters.append({
            "id": int(row.cluster), "label": str(row.label), "size": int(row.size),
            "leaders": str(row.leaders), "reach": f"{row.reach_share:.1%}", "color": colors[row.cluster],
        })
    tiers = nodes["tier"].astype(str).tolist()
    names = sorted(set(tiers), key=lambda t: (list(TIER_COLORS).index(t) if t in TIER_COLORS else 99, t))
    own = nodes["platform"].tolist() if "platform" in nodes.columns else None
    return {
        "brand": land.attrs["brand"],
        "sizeBy": size_by,
        "metric": land.attrs["metric"],
        "nodes": {
            "id": nodes["account"].astype(str).tolist(),
            "x": _round(nodes["x"].to_numpy(dtype=np.float64)),
            "y": _round(nodes["y"].to_numpy(dtype=np.float64)),
            "size": _round(sizes),
            "cluster": nodes["cluster"].astype(int).tolist(),
            "tier": tiers,
        },
        "edges": {
            "s": [index[k] for k in land.edges["source"].tolist()],
            "t": [index[k] for k in land.edges["target"].tolist()],
            "w": _round(land.edges["similarity"].to_numpy(dtype=np.float64)),
        },
        "clusters": clusters,
        "tiers": [[name, color, tiers.count(name)] for name, color in zip(names, tier_colors(names))],
        "fields": fields,
        "urls": profile_urls(nodes["account"].astype(str).tolist(), own, platform),
    }


def summary(land: Landscape) -> str:
    """One sentence saying what the picture shows."""
    a = land.attrs
    named = int((land.clusters["cluster"] > 0).sum())
    return (
        f"The {land.n_nodes:,} accounts {a['brand']}'s audience follows most (by {a['ranking']}), "
        f"linked when their audiences overlap ({a['metric']} over {a['audience_observed']:,} observed "
        f"followers, {a['neighbours']} nearest each, at least {a['min_similarity']:g}): "
        f"{land.n_edges:,} link{'' if land.n_edges == 1 else 's'}, {named} communit{'y' if named == 1 else 'ies'} "
        f"(Louvain, modularity {a['modularity']:.2f}). "
        f"Size: {describe(a['size_by']).heading.lower()}; colour: community."
    )


def landscape_fragment(land: Landscape, *, platform: str | None = None, height: str = "640px") -> str:
    """The landscape as an HTML fragment: container, data, the drawing library and the renderer."""
    payload = landscape_payload(land, platform=platform)
    return (
        f'<section class="gk-land-host" style="height:{html.escape(height)}" '
        'aria-label="influencer landscape"><div id="gk-land"></div></section>\n'
        f'<script type="application/json" id="gk-land-data">{script_json(payload)}</script>\n'
        '<pre id="gk-status" hidden></pre>\n'
        f"<script>\n{inline_script('vendor/graph-vendor.min.js')}\n"
        f"{inline_script('landscape.js')}\n"
        "(function () {\n"
        '  var data = JSON.parse(document.getElementById("gk-land-data").textContent);\n'
        '  window.gkLandscape = window.GraphkitLandscape.mount(document.getElementById("gk-land"), data,\n'
        '    {statusEl: document.getElementById("gk-status")});\n'
        "})();\n</script>\n"
    )


def page(title: str, body: str, *, extra_css: str = "") -> str:
    """A complete, self-contained page with the landscape's style and :data:`CSP`."""
    return html_page(title, body, extra_css=asset_text("landscape.css") + extra_css, csp=CSP)


def render_landscape(land: Landscape, *, platform: str | None = None) -> str:
    """The landscape as a whole page (``graphkit export landscape BRAND --out FILE.html``)."""
    title = f"Influencer landscape: {land.attrs['brand']}"
    heading = (
        f'<header class="gk-head"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(summary(land))}</p></header>\n"
    )
    body = heading + landscape_fragment(land, platform=platform, height="calc(100vh - 92px)")
    return page(title, body, extra_css=".gk-land-host{margin:0 12px 12px}\n")


def landscape_hood(land: Landscape) -> Neighbourhood:
    """The landscape as an undirected :class:`queries.neighbourhood.Neighbourhood` (links as edges).

    >>> from graphkit.graph import FollowGraph
    >>> from queries.landscape import landscape
    >>> pairs = [(f"f{i}", "brand") for i in range(4)] + [(f"f{i}", x) for i in range(4) for x in "ab"]
    >>> hood = landscape_hood(landscape(FollowGraph.from_pairs(pairs), "brand", table=pd.DataFrame({"account": ["a", "b"]})))
    >>> hood.directed, hood.edges.columns.tolist()
    (False, ['follower', 'followee', 'similarity', 'shared'])
    """
    edges = land.edges.rename(columns={"source": "follower", "target": "followee"})
    nodes = land.nodes.drop(columns=["x", "y"])
    return Neighbourhood(nodes=nodes, edges=edges, seed=None, title=f"influencer landscape of {land.attrs['brand']}",
                         table_columns=tuple(nodes.columns), directed=False)


def landscape_gexf(land: Landscape, spells: pd.DataFrame | None = None) -> bytes:
    """The landscape as GEXF 1.3 (:mod:`queries.gexf`) for Gephi: what the picture shows;
    dynamic with the workspace's follow ``spells`` (:func:`queries.timeline.audience_timeline`).

    Nodes carry every column (``cluster``, ``cluster_label``, ``rank``,
    ``audience_share``, ...), the starting layout as their position, the
    community colour and the size the picture gives them; the links are
    undirected, weighted by ``similarity`` and carry ``similarity`` and
    ``shared``.

    >>> from graphkit.graph import FollowGraph
    >>> from queries.landscape import landscape
    >>> pairs = [(f"f{i}", "brand") for i in range(4)] + [(f"f{i}", x) for i in range(4) for x in "ab"]
    >>> doc = landscape_gexf(landscape(FollowGraph.from_pairs(pairs), "brand",
    ...                                table=pd.DataFrame({"account": ["a", "b"]}))).decode()
    >>> 'defaultedgetype="undirected"' in doc, 'weight="1.0"' in doc, '<attribute id="shared"' in doc
    (True, True, True)
    """
    hood = landscape_hood(land)
    line = audience_timeline(hood, spells, str(land.attrs["brand"])) if spells is not None else None
    nodes = hood.nodes
    size_by = land.attrs.get("size_by", "audience_share")
    sizes = pd.to_numeric(nodes[size_by], errors="coerce").astype("float64").to_numpy()
    finite = sizes[np.isfinite(sizes)]
    top = float(finite.max()) if len(finite) and finite.max() > 0 else 1.0
    radius = 4.0 + 16.0 * np.sqrt(np.clip(np.nan_to_num(sizes, nan=0.0), 0.0, None) / top)
    colors = cluster_colors(nodes["cluster"].astype(int).tolist())
    looks = [NodeLook(x=float(x) * 1000.0, y=float(y) * 1000.0, size=float(r), color=c)
             for x, y, r, c in zip(land.nodes["x"].to_numpy(dtype=np.float64),
                                   land.nodes["y"].to_numpy(dtype=np.float64), radius, colors)]
    kinds = {name: kind for name, kind in column_kinds(nodes).items() if name != "account"}
    links = hood.edges[["similarity", "shared"]]
    return gexf_bytes(
        list(zip(nodes["account"].astype(str).tolist(), node_attributes(nodes))), kinds,
        list(zip(hood.edges["follower"].astype(str), hood.edges["followee"].astype(str))),
        looks=looks, date=now().date().isoformat(), description=f"{hood.title}: {summary(land)}",
        directed=False, edge_kinds=column_kinds(links), edge_values=node_attributes(links, skip=()),
        weights=hood.edges["similarity"].astype("float64").tolist(),
        node_spells=line.node_spells if line is not None else None,
        edge_spells=line.edge_spells if line is not None else None,
    )


def write_landscape(land: Landscape, out: str | Path, fmt: str | None = None, *,
                    platform: str | None = None, layout_seed: int = 0,
                    spells: pd.DataFrame | None = None) -> list[Path]:
    """Write the landscape to ``out`` (format from the extension unless ``fmt``); the files written.

    ``.html`` is the picture (:func:`render_landscape`), ``.gexf`` the same
    picture for Gephi (:func:`landscape_gexf`; dynamic with follow ``spells``); the
    other formats are those of :func:`queries.exporters.write_hood` on :func:`landscape_hood`.
    """
    out = Path(out)
    fmt = fmt or graph_format_from_path(str(out))
    if spells is not None and fmt != "gexf":
        raise GraphkitError(f"a dynamic export (--dynamic) is GEXF only (.gexf), not {fmt}")
    if fmt == "html":
        atomic_write_bytes(out, render_landscape(land, platform=platform).encode("utf-8"))
        return [out]
    if fmt == "gexf":
        atomic_write_bytes(out, landscape_gexf(land, spells))
        return [out]
    return write_hood(landscape_hood(land), out, fmt, layout_seed=layout_seed)
