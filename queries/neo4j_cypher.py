"""The Cypher text of the Neo4j engine: fixed fragments, values only as ``$parameters``.

:mod:`queries.neo4j_backend` runs these on a server; this module only builds the
query strings, from fixed fragments chosen by the query's options (a sort, a
baseline kind, a direction), never from values. The ranking expressions repeat
the in-memory arithmetic operation by operation (IEEE doubles on both sides),
so the server keeps the same rows as :mod:`queries.affinity` and its siblings.
:data:`CYPHER` lists one query of each function for use in Neo4j Browser.

Examples
--------
>>> "$brand" in affinity_query("rest", "lift-lower", 20) and "LIMIT $top" in affinity_query("rest", "count", 5)
True
>>> "acme" in lookalikes_query("jaccard", None)
False
"""

from __future__ import annotations

from collections.abc import Sequence

from graphkit.tiers import TierScheme

__all__ = [
    "tier_ranges",
    "TIER_FILTER",
    "AFFINITY_MATCH",
    "LOOKALIKES_MATCH",
    "affinity_query",
    "advocates_query",
    "expand_query",
    "EXPAND_FOLLOWS",
    "EXPAND_PROFILE",
    "lookalikes_query",
    "CYPHER",
]

#: Sentinel below every score (all scores are >= 0): missing values sort last, as in memory.
_LAST = "-1.0"


def tier_ranges(scheme: TierScheme, tiers: Sequence[str] | None) -> dict:
    """Parameters of the tier filter: ``followers_count`` ranges ``[lo, hi)`` of the tiers.

    >>> tier_ranges(TierScheme.default(), ["nano", "unknown"])
    {'tier_filter': True, 'tier_unknown': True, 'tier_ranges': [[1000, 10000]]}
    >>> tier_ranges(TierScheme.default(), None)["tier_filter"]
    False
    """
    if not tiers:
        return {"tier_filter": False, "tier_unknown": False, "tier_ranges": []}
    bounds = list(scheme.lower_bounds) + [None]
    ranges = [
        [bounds[i], bounds[i + 1]] for i, name in enumerate(scheme.names) if name in set(tiers)
    ]
    return {"tier_filter": True, "tier_unknown": "unknown" in set(tiers), "tier_ranges": ranges}


#: ``WHERE`` fragment keeping accounts ``a`` in the tiers of :func:`tier_ranges`.
TIER_FILTER = (
    "(NOT $tier_filter OR (a.followers_count IS NULL AND $tier_unknown) OR "
    "any(r IN $tier_ranges WHERE a.followers_count >= r[0] "
    "AND (r[1] IS NULL OR a.followers_count < r[1])))"
)


def _wilson(p: str, n: str, sign: str) -> str:
    """Cypher for one Wilson bound of share ``p`` over ``n`` (floats), as in memory.

    ``(p + z²/2n ± z·sqrt(max(p(1-p), 0)/n + z²/4n²)) / (1 + z²/n)`` clipped to
    ``[0, 1]``, with the operations in the order of :func:`queries.affinity.wilson_bounds`.
    """
    centre = f"({p} + ($z * $z) / (2.0 * {n}))"
    spread = f"({p} * (1.0 - {p}))"
    half = (
        f"($z * sqrt(CASE WHEN {spread} < 0.0 THEN 0.0 ELSE {spread} END / {n} "
        f"+ ($z * $z) / (4.0 * {n} * {n})))"
    )
    value = f"(({centre} {sign} {half}) / (1.0 + ($z * $z) / {n}))"
    return f"CASE WHEN {value} < 0.0 THEN 0.0 WHEN {value} > 1.0 THEN 1.0 ELSE {value} END"


def _max(x: str, y: str) -> str:
    """``numpy.maximum`` of two non-null floats (null stays null)."""
    return f"CASE WHEN {x} IS NULL THEN null WHEN {x} >= {y} THEN {x} ELSE {y} END"


# -- affinity ----------------------------------------------------------------------------------
AFFINITY_MATCH = (
    "MATCH (b:Account {key: $brand})<-[:FOLLOWS]-(f:Account) WHERE f.observed = true "
    "MATCH (f)-[:FOLLOWS]->(a:Account) WHERE a <> b AND a <> f "
    "WITH b, a, count(*) AS audience_count WHERE audience_count >= $min_count "
    "AND (NOT $exclude_followed OR NOT EXISTS { (b)-[:FOLLOWS]->(a) }) "
)

_BASELINE_COUNT = {
    # observed followers of a, minus the audience's, minus the brand itself (if observed)
    "rest": (
        "COUNT { (p:Account)-[:FOLLOWS]->(a) WHERE p.observed = true AND p <> a } - audience_count"
        " - CASE WHEN b.observed = true AND EXISTS { (b)-[:FOLLOWS]->(a) } THEN 1 ELSE 0 END"
    ),
    # two patterns, not one path: a path cannot use p's follow of the reference twice (a = r)
    "account": (
        "COUNT { (p:Account)-[:FOLLOWS]->(a) WHERE p.observed = true AND p <> a AND p <> b "
        "AND EXISTS { (p)-[:FOLLOWS]->(:Account {key: $reference}) } }"
    ),
    "population": "a.followers_count",
    "none": "null",
}


def affinity_query(mode: str, sort: str, top: int | None) -> str:
    """Affinity's ranked rows; ``mode`` is the baseline kind (``rest``, ``account``, ``population``) or ``none``."""
    share = "(toFloat(audience_count) / $n)"
    share_low = _wilson(share, "$n", "-")
    if mode in ("rest", "account"):
        base_share = "(toFloat(baseline_count) / $m)"
        lift = f"{share} / ({_max(base_share, '$floor')})"
        lift_lower = f"({share_low}) / ({_max(_wilson(base_share, '$m', '+'), '$floor')})"
    elif mode == "population":
        base_share = "(toFloat(baseline_count) / $m)"
        lift = f"{share} / ({_max(base_share, '$floor')})"
        lift_lower = f"({share_low}) / ({_max(base_share, '$floor')})"
    else:
        lift = lift_lower = "null"
    order = {
        "count": "audience_count DESC",
        "share": f"{share} DESC, audience_count DESC",
        "lift": f"coalesce({lift}, {_LAST}) DESC, audience_count DESC",
        "lift-lower": f"coalesce({lift_lower}, {_LAST}) DESC, audience_count DESC",
    }[sort]
    return (
        AFFINITY_MATCH
        + f"AND {TIER_FILTER} "
        + f"WITH a, audience_count, {_BASELINE_COUNT[mode]} AS baseline_count "
        + "RETURN a.key AS account, audience_count, baseline_count, "
        + "a.followers_count AS followers_count "
        + f"ORDER BY {order}, account ASC"
        + (" LIMIT $top" if top is not None else "")
    )


# -- advocates ---------------------------------------------------------------------------------
_ADVOCATES_ORDER = {
    "reach": "coalesce(audience_count, -1) DESC, coalesce(followers_count, -1) DESC",
    "followers": "coalesce(followers_count, -1) DESC, coalesce(audience_count, -1) DESC",
    "engagement": f"coalesce(engagement_rate, {_LAST}) DESC, coalesce(audience_count, -1) DESC",
}


def advocates_query(sort: str, top: int | None) -> str:
    """The brand's followers with their profile numbers and reach, ranked by ``sort``."""
    return (
        "MATCH (b:Account {key: $brand})<-[:FOLLOWS]-(a:Account) WHERE a <> b "
        f"AND {TIER_FILTER} "
        "WITH b, a, CASE WHEN $observed = 0 THEN null ELSE "
        "COUNT { (b)<-[:FOLLOWS]-(o:Account)-[:FOLLOWS]->(a) WHERE o.observed = true AND o <> a } "
        "END AS audience_count "
        "RETURN a.key AS account, a.followers_count AS followers_count, "
        "a.engagement_rate AS engagement_rate, audience_count, "
        "coalesce(a.observed, false) AS observed "
        f"ORDER BY {_ADVOCATES_ORDER[sort]}, account ASC"
        + (" LIMIT $top" if top is not None else "")
    )


# -- expand ------------------------------------------------------------------------------------
_EXPAND_STEP = {
    "following": "(p)-[:FOLLOWS]->(x:Account)",
    "followers": "(p)<-[:FOLLOWS]-(x:Account)",
    "both": "(p)-[:FOLLOWS]-(x:Account)",
}


#: The follows among the accounts of a neighbourhood.
EXPAND_FOLLOWS = (
    "UNWIND $keys AS k "
    "MATCH (a:Account {key: k})-[:FOLLOWS]->(b:Account) WHERE b.key IN $keys AND a <> b "
    "RETURN a.key AS follower, b.key AS followee"
)

#: Degrees and follower count of the accounts kept.
EXPAND_PROFILE = (
    "UNWIND $keys AS k MATCH (x:Account {key: k}) "
    "RETURN x.key AS account, COUNT { (x)<-[:FOLLOWS]-() } AS in_degree, "
    "COUNT { (x)-[:FOLLOWS]->() } AS out_degree, x.followers_count AS followers_count"
)


def expand_query(direction: str) -> str:
    """One hop of expand: the accounts linked to ``$frontier`` and not in ``$visited``."""
    return (
        "UNWIND $frontier AS k "
        "MATCH (p:Account {key: k}) "
        f"MATCH {_EXPAND_STEP[direction]} WHERE NOT x.key IN $visited "
        "RETURN DISTINCT x.key AS account"
    )


# -- lookalikes --------------------------------------------------------------------------------
LOOKALIKES_MATCH = (
    "MATCH (s:Account {key: $seed})<-[:FOLLOWS]-(f:Account) WHERE f.observed = true "
    "MATCH (f)-[:FOLLOWS]->(a:Account) WHERE a <> s AND a <> f "
    "WITH a, count(*) AS shared WHERE shared >= $min_shared "
    "WITH a, shared, "
    "COUNT { (p:Account)-[:FOLLOWS]->(a) WHERE p.observed = true AND p <> a } AS audience "
)

#: score of shared / audience sizes, operation by operation as queries.lookalikes.similarity
_SIMILARITY = {
    "jaccard": "toFloat(shared) / ($seed_audience + toFloat(audience) - toFloat(shared))",
    "overlap": (
        "toFloat(shared) / CASE WHEN $seed_audience <= toFloat(audience) "
        "THEN $seed_audience ELSE toFloat(audience) END"
    ),
    "cosine": "toFloat(shared) / sqrt($seed_audience * toFloat(audience))",
}


def lookalikes_query(metric: str, top: int | None) -> str:
    """Accounts sharing observed followers with ``$seed``, ranked by ``metric``."""
    return (
        LOOKALIKES_MATCH
        + f"WHERE audience >= $min_audience AND {TIER_FILTER} "
        + f"WITH a, shared, audience, {_SIMILARITY[metric]} AS score "
        + "RETURN a.key AS account, shared, audience, a.followers_count AS followers_count "
        + "ORDER BY score DESC, shared DESC, account ASC"
        + (" LIMIT $top" if top is not None else "")
    )


#: The Cypher each function runs, for Neo4j Browser (parameters as ``$name``).
CYPHER: dict[str, str] = {
    "affinity (rest baseline, sort lift-lower)": affinity_query("rest", "lift-lower", 20),
    "advocates (sort reach)": advocates_query("reach", 20),
    "expand (one hop, direction both)": expand_query("both"),
    "expand (follows among the neighbourhood)": EXPAND_FOLLOWS,
    "expand (degrees of the rows kept)": EXPAND_PROFILE,
    "lookalikes (jaccard)": lookalikes_query("jaccard", 20),
}
