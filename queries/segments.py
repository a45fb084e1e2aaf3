"""Segments: communities inside a brand's audience, and what each one follows.

The brand's observed followers ``O(B)`` and the follows among them form the
audience's follow subgraph; Louvain community detection
(``networkx.community.louvain_communities``, directed modularity, seeded) splits
it into segments. Each segment is described by its size and the accounts its
members follow most (anywhere in the graph, the brand itself left out): a
hiking segment follows hiking accounts.

Only observed followers take part: for them the follows are complete, so the
subgraph is exact. The subgraph is small (an audience), so networkx is used on
it, never on the whole graph.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> pairs = [(f, "brand") for f in ["a1", "a2", "a3", "b1", "b2", "b3"]]
>>> pairs += [("a1", "a2"), ("a2", "a3"), ("a3", "a1"), ("a1", "trail"), ("a2", "trail")]
>>> pairs += [("b1", "b2"), ("b2", "b3"), ("b3", "b1"), ("b1", "chef"), ("b3", "chef")]
>>> g = FollowGraph.from_pairs(pairs)
>>> segments(g, "brand", top_followed=2)[["segment", "size", "top_followed"]]
   segment  size            top_followed
0        1     3  trail (2), a1 (1), ...
1        2     3   chef (2), b1 (1), ...
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from queries.audience import Audience, audience

__all__ = ["segments", "segment_members"]

#: ``distinctive`` only considers accounts followed by at least this share of the segment.
_DISTINCTIVE_SHARE = 0.2


def _partition(graph: FollowGraph, aud: Audience, resolution: float, seed: int) -> tuple[FollowGraph, np.ndarray]:
    """The audience subgraph and each member's segment number (1 = largest; ties by first key)."""
    import networkx as nx

    if resolution <= 0:
        raise QueryError(f"--resolution must be positive, not {resolution}")
    members = np.sort(aud.observed)
    sub = graph.subgraph(members)
    if sub.n_follows == 0:
        raise QueryError(
            f"the {aud.n_observed:,} observed followers of {aud.brand!r} do not follow one another: "
            "there are no communities to find"
        )
    g = nx.DiGraph()
    g.add_nodes_from(range(sub.n_accounts))
    g.add_edges_from(zip(sub.sources().tolist(), sub.out_indices.tolist()))
    communities = nx.community.louvain_communities(g, resolution=resolution, seed=seed)
    keys = sub.keys
    groups = [np.array(sorted(c), dtype=np.int64) for c in communities]
    groups.sort(key=lambda ids: (-len(ids), min(keys[ids])))
    labels = np.zeros(sub.n_accounts, dtype=np.int64)
    for number, ids in enumerate(groups, start=1):
        labels[ids] = number
    return sub, labels


def segment_members(
    graph: FollowGraph, brand: str, *, resolution: float = 1.0, seed: int = 0
) -> pd.DataFrame:
    """Every observed follower of ``brand`` with its segment number (``account, segment``).

    Same partition as :func:`segments` for the same options; sorted by segment, then account.
    """
    aud = audience(graph, brand, require_observed=True)
    sub, labels = _partition(graph, aud, resolution, seed)
    table = pd.DataFrame({"account": sub.keys, "segment": labels})
    table = table.sort_values(["segment", "account"], kind="stable").reset_index(drop=True)
    table.attrs["brand"] = aud.brand
    return table


def segments(
    graph: FollowGraph,
    brand: str,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    top_followed: int = 5,
    min_size: int = 2,
) -> pd.DataFrame:
    """Louvain communities of ``brand``'s observed audience, each with what it follows most.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    resolution : float
        Louvain resolution: above 1 gives more, smaller segments.
    seed : int
        Louvain's random seed: the same seed gives the same segments.
    top_followed : int
        How many most-followed accounts to list per segment.
    min_size : int
        Smaller segments (often followers who follow no one else in the
        audience) are left out of the table; ``attrs["left_out"]`` counts their members.

    Returns
    -------
    DataFrame
        ``segment, size, audience_share, internal_follows, top_followed,
        distinctive, central_members``: ``audience_share`` is ``size / |O(B)|``,
        ``internal_follows`` the follows between members, ``top_followed`` the
        accounts members follow most as ``key (count)`` (count descending,
        then key; the brand excluded), ``distinctive`` the accounts most
        over-represented in the segment as ``key (lift)``, lift being the
        share of the segment that follows the account over the share of the
        whole audience that does (only accounts followed by at least 20 % of
        the segment, and by 2 members, count), ``central_members`` the members
        most followed inside the segment. Segments are numbered by size, largest first.

    Raises
    ------
    AccountNotFound
        ``brand`` is not in the graph.
    QueryError
        No observed followers, no follows among them, or every segment below ``min_size``.
    """
    if top_followed < 1:
        raise QueryError(f"--top-followed must be at least 1, not {top_followed}")
    if min_size < 1:
        raise QueryError(f"--min-size must be at least 1, not {min_size}")
    aud = audience(graph, brand, require_observed=True)
    sub, labels = _partition(graph, aud, resolution, seed)
    n_segments = int(labels.max())
    sizes = np.bincount(labels, minlength=n_segments + 1)
    kept = [s for s in range(1, n_segments + 1) if sizes[s] >= min_size]
    left_out = int(sum(sizes[s] for s in range(1, n_segments + 1) if sizes[s] < min_size))
    if not kept:
        raise QueryError(
            f"every segment of {aud.brand!r}'s audience has fewer than {min_size} members: "
            "lower --min-size"
        )
    member_ids = sub.accounts["graph_id"].to_numpy(dtype=np.int64)

    # follows of every member (whole graph), grouped by (segment, followee)
    rows = np.repeat(labels, np.diff(graph.out_indptr)[member_ids])
    followees = graph.gather_following(member_ids).astype(np.int64)
    mask = followees != aud.brand_id
    codes, counts = np.unique((rows[mask] << 32) | followees[mask], return_counts=True)
    code_segment = codes >> 32
    code_followee = codes & 0xFFFFFFFF

    # follows inside the audience subgraph, by segment
    src, dst = sub.sources(), sub.out_indices
    internal = labels[src] == labels[dst]
    internal_counts = np.bincount(labels[src][internal], minlength=n_segments + 1)
    inner_in = np.bincount(dst[internal], minlength=sub.n_accounts)

    # how many of the whole audience follow each account, for the lift of a segment over it
    followee_ids, position = np.unique(code_followee, return_inverse=True)
    audience_counts = np.bincount(position.ravel(), weights=counts).astype(np.int64)

    records = []
    for number in kept:
        pick = code_segment == number
        followed = _top(code_followee[pick], counts[pick], graph, top_followed)
        seg_counts = counts[pick]
        lift = (seg_counts / sizes[number]) / (
            audience_counts[position.ravel()[pick]] / aud.n_observed
        )
        enough = seg_counts >= max(2, int(np.ceil(_DISTINCTIVE_SHARE * sizes[number])))
        distinctive = _top(code_followee[pick][enough], lift[enough], graph, 3, fmt="{:.1f}x")
        inside = np.flatnonzero(labels == number)
        central = _top(inside, inner_in[inside], sub, 3, with_counts=False)
        records.append({
            "segment": number,
            "size": int(sizes[number]),
            "audience_share": sizes[number] / aud.n_observed,
            "internal_follows": int(internal_counts[number]),
            "top_followed": followed,
            "distinctive": distinctive,
            "central_members": central,
        })
    table = pd.DataFrame.from_records(records)
    table.attrs.update({
        "table_columns": ["segment", "size", "top_followed", "distinctive"],
        "brand": aud.brand, "observed": aud.n_observed, "segments": n_segments,
        "left_out": left_out, "min_size": min_size,
    })
    return table


def _top(
    ids: np.ndarray, values: np.ndarray, graph: FollowGraph, k: int, *,
    with_counts: bool = True, fmt: str = "{:d}",
) -> str:
    """``"key (value), ..."`` of the ``k`` largest values, ties by key; ``...`` when more exist."""
    if len(ids) == 0:
        return ""
    names = graph.keys_of(ids).astype(str)
    values = np.asarray(values)
    order = np.lexsort((names, -values))[:k]
    if values.dtype.kind in "iu":
        values = values.astype(np.int64)
    shown = [values[i].item() for i in order]
    parts = [f"{names[i]} ({fmt.format(v)})" if with_counts else names[i] for i, v in zip(order, shown)]
    return ", ".join(parts) + (", ..." if len(ids) > k else "")
