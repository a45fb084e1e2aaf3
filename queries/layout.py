"""How a neighbourhood is drawn: positions, node sizes and tier colours.

Shared by the interactive map (:mod:`queries.html_map`) and the GEXF export
(:mod:`queries.exporters`, which carries the same layout for Gephi): the
force-directed layout is computed in Python (``networkx.spring_layout`` on the
neighbourhood subgraph, seeded, so the same table gives the same picture),
nodes are sized by a score column and coloured by tier.

Examples
--------
>>> tier_colors(["nano", "mega", "unknown"])
['#009e73', '#d55e00', '#bdbdbd']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from queries.neighbourhood import Neighbourhood

__all__ = ["TIER_COLORS", "tier_colors", "score_column", "node_sizes", "layout_positions"]

#: Colour of each default tier (Okabe-Ito palette, readable by colour-blind users).
TIER_COLORS = {
    "unknown": "#bdbdbd",
    "regular": "#8c9aa8",
    "nano": "#009e73",
    "micro": "#56b4e9",
    "mid": "#0072b2",
    "macro": "#e69f00",
    "mega": "#d55e00",
}
_EXTRA_COLORS = ("#cc79a7", "#f0e442", "#7f3c8d", "#11a579", "#3969ac", "#f2b701")

#: Columns tried, in order, to size nodes when the table does not say.
_SCORE_CANDIDATES = (
    "score", "affinity_lower", "affinity", "audience_count", "reach", "pagerank", "ppr",
    "audience_share", "in_degree",
)
_MIN_RADIUS, _MAX_RADIUS = 3.0, 14.0


def tier_colors(tiers: Sequence[str]) -> list[str]:
    """A colour per tier name: the default tiers fixed, other names from a spare palette."""
    extra: dict[str, str] = {}
    out = []
    for name in tiers:
        color = TIER_COLORS.get(name)
        if color is None:
            color = extra.setdefault(name, _EXTRA_COLORS[len(extra) % len(_EXTRA_COLORS)])
        out.append(color)
    return out


def score_column(nodes: pd.DataFrame, preferred: str | None = None) -> str | None:
    """The numeric column that sizes nodes: ``preferred``, ``attrs["score_column"]``, else a known one."""
    for name in (preferred, nodes.attrs.get("score_column"), *_SCORE_CANDIDATES):
        if name and name in nodes.columns and pd.api.types.is_numeric_dtype(nodes[name]) \
                and not pd.api.types.is_bool_dtype(nodes[name]) and nodes[name].notna().any():
            return name
    return None


def node_sizes(hood: Neighbourhood, size_by: str | None = None) -> np.ndarray:
    """Node radius in pixels, 3 to 14, by the min-max scaled score (missing -> smallest).

    >>> nodes = pd.DataFrame({"account": ["a", "b", "c"], "score": [1.0, 3.0, None]})
    >>> node_sizes(Neighbourhood(nodes, pd.DataFrame())).tolist()
    [3.0, 14.0, 3.0]
    """
    column = score_column(hood.nodes, size_by)
    if column is None:
        return np.full(hood.n_nodes, 6.0)
    values = pd.to_numeric(hood.nodes[column], errors="coerce").astype("float64").to_numpy()
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(hood.n_nodes, 6.0)
    low, high = values[finite].min(), values[finite].max()
    scaled = np.where(finite, (values - low) / (high - low) if high > low else 0.5, 0.0)
    # area, not radius, follows the score
    return np.round(_MIN_RADIUS + (_MAX_RADIUS - _MIN_RADIUS) * np.sqrt(scaled), 2)


def layout_positions(hood: Neighbourhood, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Force-directed positions in ``[-1, 1]``, seed at the centre when it is present.

    ``networkx.spring_layout`` (Fruchterman-Reingold) on the undirected
    neighbourhood, ``seed`` fixed, so the same table gives the same layout.
    """
    import networkx as nx

    keys = hood.nodes["account"].astype(object).tolist()
    graph = nx.Graph()
    graph.add_nodes_from(keys)
    graph.add_edges_from(zip(hood.edges["follower"].astype(object), hood.edges["followee"].astype(object)))
    if len(keys) == 1:
        return {keys[0]: (0.0, 0.0)}
    fixed = None
    start = None
    if hood.seed in graph:
        rng = np.random.default_rng(seed)
        start = {k: tuple(rng.uniform(-1, 1, 2)) for k in keys}
        start[hood.seed] = (0.0, 0.0)
        fixed = [hood.seed]
    iterations = 50 if len(keys) <= 3000 else 25
    positions = nx.spring_layout(graph, pos=start, fixed=fixed, seed=seed, iterations=iterations)
    coords = np.array([positions[k] for k in keys], dtype=np.float64)
    centre = coords[keys.index(hood.seed)] if hood.seed in graph else coords.mean(axis=0)
    coords -= centre
    extent = np.abs(coords).max()
    if extent > 0:
        coords /= extent
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, coords)}
