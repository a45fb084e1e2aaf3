"""A neighbourhood over time: the spells of its follows and accounts, for a dynamic GEXF.

A follow's spells come from the workspace's history
(:func:`graphkit.workspace.history.follow_spells`): each starts when a load
first saw the follow (``first_seen``) and ends when a whole-list load no longer
held it (``ended``; a follow still current has no end). The edges of a
timeline are every follow between two of the neighbourhood's accounts that
ever existed, ended ones included, so the timeline shows them go. An
account's spells are the union of its follows' spells: it appears with its
first follow in the picture and leaves with its last (an account without a
follow in the picture has no spell: always there).

A landscape's links are audience overlaps, not follows: there
(:func:`audience_timeline`) an account is on the map while one of the
brand's followers follows it, and a link while both its ends are.

Examples
--------
>>> from queries.neighbourhood import Neighbourhood
>>> hood = Neighbourhood(pd.DataFrame({"account": ["a", "b", "c"]}), pd.DataFrame({"follower": ["a"], "followee": ["b"]}))
>>> spells = pd.DataFrame({"follower": ["a", "c", "c"], "followee": ["b", "a", "a"],
...     "first_seen": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-03-01"], utc=True),
...     "ended": pd.to_datetime([None, "2026-02-01", None], utc=True)})
>>> line = timeline(hood, spells)
>>> line.hood.edges.values.tolist()
[['a', 'b'], ['c', 'a']]
>>> line.edge_spells[1]
[('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), ('2026-03-01T00:00:00Z', None)]
>>> line.node_spells
[[('2026-01-01T00:00:00Z', None)], [('2026-01-01T00:00:00Z', None)], [('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), ('2026-03-01T00:00:00Z', None)]]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from queries.neighbourhood import Neighbourhood

__all__ = ["Timeline", "timeline", "audience_timeline", "spell_time"]

Interval = tuple[pd.Timestamp, "pd.Timestamp | None"]


@dataclass(frozen=True)
class Timeline:
    """A neighbourhood whose edges are every follow among its accounts that ever existed, and
    the spells (``(start, end)`` dateTime text, ``end`` ``None`` while it lasts) of each node
    and each edge, in the order of ``hood.nodes`` and ``hood.edges``."""

    hood: Neighbourhood
    node_spells: list[list[tuple[str, str | None]]]
    edge_spells: list[list[tuple[str, str | None]]]


def spell_time(value: pd.Timestamp) -> str:
    """A UTC timestamp as xsd:dateTime text.

    >>> spell_time(pd.Timestamp("2026-01-01 12:30", tz="UTC"))
    '2026-01-01T12:30:00Z'
    """
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _union(intervals: list[Interval]) -> list[Interval]:
    """Overlapping or touching intervals merged (``None`` end: open)."""
    merged: list[list] = []
    for start, end in sorted(intervals, key=lambda item: item[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            if merged[-1][1] is not None and (end is None or end > merged[-1][1]):
                merged[-1][1] = end
            continue
        merged.append([start, end])
    return [(start, end) for start, end in merged]


def _text(intervals: list[Interval]) -> list[tuple[str, str | None]]:
    return [(spell_time(start), None if end is None else spell_time(end)) for start, end in intervals]


def timeline(hood: Neighbourhood, spells: pd.DataFrame) -> Timeline:
    """The :class:`Timeline` of ``hood`` from follow ``spells`` (``follower``, ``followee``,
    ``first_seen``, ``ended`` with keys, as :func:`~graphkit.workspace.history.follow_spells`)."""
    accounts = set(hood.nodes["account"].astype(str))
    inside = spells["follower"].astype(str).isin(accounts) & spells["followee"].astype(str).isin(accounts)
    mine = spells[inside.to_numpy()].sort_values(["follower", "followee", "first_seen"], kind="stable")
    by_pair: dict[tuple[str, str], list[Interval]] = {}
    by_node: dict[str, list[Interval]] = {}
    for follower, followee, start, end in zip(mine["follower"].astype(str), mine["followee"].astype(str),
                                              mine["first_seen"], mine["ended"]):
        if follower == followee:
            continue
        interval = (start, None if pd.isna(end) else end)
        by_pair.setdefault((follower, followee), []).append(interval)
        by_node.setdefault(follower, []).append(interval)
        by_node.setdefault(followee, []).append(interval)
    pairs = list(by_pair)
    edges = pd.DataFrame({"follower": [a for a, _ in pairs], "followee": [b for _, b in pairs]}, dtype="string")
    dynamic = dataclasses.replace(hood, edges=edges)
    node_spells = [_text(_union(by_node.get(key, []))) for key in hood.nodes["account"].astype(str)]
    edge_spells = [_text(_union(by_pair[pair])) for pair in pairs]
    return Timeline(dynamic, node_spells, edge_spells)


def _intersection(first: list[Interval], second: list[Interval]) -> list[Interval]:
    """The times in both (each a union of disjoint intervals, sorted)."""
    out = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start = max(a_start, b_start)
            ends = [e for e in (a_end, b_end) if e is not None]
            end = min(ends) if ends else None
            if end is None or start < end:
                out.append((start, end))
    return _union(out)


def audience_timeline(hood: Neighbourhood, spells: pd.DataFrame, brand: str) -> Timeline:
    """The :class:`Timeline` of an undirected ``hood`` whose links are not follows (a landscape):
    an account's spells are when at least one of ``brand``'s followers followed it (the union of
    those follows' spells, kept only while the follower followed ``brand``), a link's spells when
    both of its accounts are there.

    >>> from queries.neighbourhood import Neighbourhood
    >>> hood = Neighbourhood(pd.DataFrame({"account": ["a", "b"]}),
    ...                      pd.DataFrame({"follower": ["a"], "followee": ["b"]}), directed=False)
    >>> spells = pd.DataFrame({"follower": ["f", "f", "g"], "followee": ["brand", "a", "b"],
    ...     "first_seen": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-01"], utc=True),
    ...     "ended": pd.to_datetime([None, "2026-03-01", None], utc=True)})
    >>> line = audience_timeline(hood, spells, "brand")
    >>> line.node_spells, line.edge_spells
    ([[('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')], []], [[('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')]])
    """
    follower, followee = spells["follower"].astype(str), spells["followee"].astype(str)
    to_brand = spells[(followee == brand).to_numpy()]
    brand_times: dict[str, list[Interval]] = {}
    for who, start, end in zip(to_brand["follower"].astype(str), to_brand["first_seen"], to_brand["ended"]):
        brand_times.setdefault(who, []).append((start, None if pd.isna(end) else end))
    accounts = set(hood.nodes["account"].astype(str))
    mine = spells[(followee.isin(accounts) & follower.isin(set(brand_times))).to_numpy()]
    by_node: dict[str, list[Interval]] = {}
    for who, whom, start, end in zip(mine["follower"].astype(str), mine["followee"].astype(str),
                                     mine["first_seen"], mine["ended"]):
        while_follower = _intersection([(start, None if pd.isna(end) else end)], _union(brand_times[who]))
        by_node.setdefault(whom, []).extend(while_follower)
    nodes = {key: _union(by_node.get(key, [])) for key in hood.nodes["account"].astype(str)}
    edge_spells = [_text(_intersection(nodes[a], nodes[b]) if nodes[a] and nodes[b] else nodes[a] or nodes[b])
                   for a, b in zip(hood.edges["follower"].astype(str), hood.edges["followee"].astype(str))]
    return Timeline(hood, [_text(nodes[key]) for key in hood.nodes["account"].astype(str)], edge_spells)
