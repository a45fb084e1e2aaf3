"""The queries as Cypher on a Neo4j server: same signature, rows and numbers as in memory.

Each function takes an open :class:`~graphkit.neo4j.Neo4jStore` where the
in-memory query takes a :class:`~graphkit.graph.FollowGraph`, with the same
options, and returns the same DataFrame (columns, ``attrs``, order). The
graph must be in graphkit's schema (``graphkit neo4j push``):
``(:Account {key, observed, ...})-[:FOLLOWS]->(:Account)``, at most one
``FOLLOWS`` per pair (``MERGE`` guarantees it).

The server does the graph work — matching the audience, counting, filtering,
ranking and cutting to ``top`` — and returns only the ranked rows with their
counts. Python then derives the floating-point columns from those counts with
the in-memory module's own functions (e.g. :func:`queries.affinity.wilson_bounds`)
and assigns the tier from ``followers_count`` with the same
:class:`~graphkit.tiers.TierScheme`, so every number is bit-identical. The
ranking expressions in Cypher repeat the in-memory arithmetic operation by
operation (IEEE doubles on both sides), so the server keeps the same rows.

Not available on this backend (a :class:`~graphkit.errors.QueryError` says
so): ``affinity(weight="mass-followers")`` and ``advocates(niche=...)``, whose
weighted sums and text similarity are computed in memory only.

Values travel only as ``$parameters``; the query texts are fixed strings
assembled from fixed fragments. ``CYPHER`` lists the query of each function
(with its parameters) for use in Neo4j Browser.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd

from graphkit.errors import AccountNotFound, QueryError
from graphkit.handles import normalize_handle
from graphkit.neo4j.store import Neo4jStore
from graphkit.tiers import TierScheme

__all__ = ["affinity", "advocates", "expand", "lookalikes", "CYPHER", "tier_ranges"]

_KEY_DTYPE = pd.Series(["a"]).dtype

#: Sentinel below every score (all scores are >= 0): missing values sort last, as in memory.
_LAST = "-1.0"


# -- shared pieces ---------------------------------------------------------------------------
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
_TIER_FILTER = (
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


def _find(store: Neo4jStore, handle: str, role: str = "account") -> dict:
    """The account ``handle`` with its follower counts; :class:`AccountNotFound` if absent."""
    key = normalize_handle(handle)
    rows = store.read(
        "MATCH (b:Account {key: $key}) "
        "RETURN b.key AS key, coalesce(b.observed, false) AS observed, "
        "COUNT { (f:Account)-[:FOLLOWS]->(b) WHERE f <> b } AS followers, "
        "COUNT { (f:Account)-[:FOLLOWS]->(b) WHERE f <> b AND f.observed = true } AS observed_followers",
        {"key": key},
    ) if key is not None else []
    if rows:
        return rows[0]
    total = store.read("MATCH (a:Account) RETURN count(a) AS n")[0]["n"]
    if total == 0:
        raise QueryError(
            f"the Neo4j database at {store.settings.where} holds no :Account nodes: "
            "push a workspace first (graphkit neo4j push)"
        )
    raise AccountNotFound(str(handle), _suggest(store, key or str(handle), total))


def _suggest(store: Neo4jStore, key: str, total: int, n: int = 3) -> list[str]:
    """Close matches of ``key`` among the server's keys (as ``FollowGraph.suggest``)."""
    if total > 200_000:
        if not key[:2]:
            return []
        rows = store.read(
            "MATCH (a:Account) WHERE a.key STARTS WITH $prefix RETURN a.key AS key LIMIT 200000",
            {"prefix": key[:2]},
        )
    else:
        rows = store.read("MATCH (a:Account) RETURN a.key AS key")
    return difflib.get_close_matches(key, [r["key"] for r in rows], n=n, cutoff=0.6)


def _require_observed(brand: dict) -> None:
    """The in-memory ``audience(..., require_observed=True)`` refusals."""
    if brand["observed_followers"]:
        return
    key = brand["key"]
    if brand["followers"] == 0:
        raise QueryError(
            f"{key!r} has no followers in the graph: load its followers with "
            f"`graphkit load followers FILE --of {key}`"
        )
    raise QueryError(
        f"none of {key!r}'s {brand['followers']:,} followers is observed (no following list "
        f"loaded for any of them): load some with `graphkit load following FILE --of NAME`"
    )


def _keys(values) -> pd.Series:
    """Account keys as the default string column (as the in-memory frames infer it)."""
    return pd.Series(list(values), dtype=object).astype(_KEY_DTYPE)


def _int_array(values) -> pd.api.extensions.ExtensionArray:
    return pd.array([None if v is None else int(v) for v in values], dtype="Int64")


def _float_array(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


# -- affinity --------------------------------------------------------------------------------
_AFFINITY_MATCH = (
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


def _affinity_query(mode: str, sort: str, top: int | None) -> str:
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
        _AFFINITY_MATCH
        + f"AND {_TIER_FILTER} "
        + f"WITH a, audience_count, {_BASELINE_COUNT[mode]} AS baseline_count "
        + "RETURN a.key AS account, audience_count, baseline_count, "
        + "a.followers_count AS followers_count "
        + f"ORDER BY {order}, account ASC"
        + (" LIMIT $top" if top is not None else "")
    )


def affinity(
    store: Neo4jStore,
    brand: str,
    *,
    top: int | None = None,
    sort: str = "lift-lower",
    tiers: Sequence[str] | None = None,
    min_count: int = 1,
    exclude_followed: bool = False,
    baseline: str | None = None,
    population: int | None = None,
    weight: str = "none",
    z: float | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.affinity.affinity` as Cypher on the server (same options and result).

    ``weight="mass-followers"`` is refused: its weighted sums are in-memory only.
    """
    from queries import affinity as memory

    z = memory.DEFAULT_Z if z is None else z
    scheme = memory.check_affinity_options(
        sort=sort, top=top, min_count=min_count, weight=weight, z=z, baseline=baseline,
        population=population, tiers=tiers, tier_scheme=tier_scheme,
    )
    if weight != "none":
        raise QueryError(
            f"--weight {weight} is not available with --backend neo4j (its weighted sums are "
            "computed in memory only): use --backend memory"
        )

    found = _find(store, brand)
    _require_observed(found)
    key = found["key"]
    n = int(found["observed_followers"])
    params: dict = {
        "brand": key, "n": float(n), "z": float(z), "min_count": int(min_count),
        "exclude_followed": bool(exclude_followed), **tier_ranges(scheme, tiers),
    }
    notes: list[str] = []
    if population is not None:
        mode, label, size = "population", f"population of {population:,}", population
        declared = store.read(
            "RETURN EXISTS { MATCH (a:Account) WHERE a.followers_count IS NOT NULL } AS any"
        )[0]["any"]
        if not declared:
            mode = "none"
            notes.append(
                f"no baseline: no account has a declared followers_count, so --population "
                f"{population:,} gives no share (load profiles with `graphkit load profiles FILE`)"
            )
        params.update(m=float(population), floor=0.5 / population)
    elif baseline is None or baseline.strip().lower() == "rest":
        mode, label = "rest", "rest"
        observed = store.read("MATCH (p:Account) WHERE p.observed = true RETURN count(p) AS n")[0]["n"]
        size = int(observed) - n - (1 if found["observed"] else 0)
        if size == 0:
            mode = "none"
            notes.append(
                f"no baseline: every observed account other than {key!r} follows it, so "
                "nobody is left to compare with (use --baseline ACCOUNT or --population N)"
            )
        else:
            params.update(m=float(size), floor=0.5 / size)
    else:
        reference = _find(store, baseline)
        label = reference["key"]
        if label == key:
            raise QueryError(f"the baseline account {label!r} is the brand itself; name another account")
        # the reference's observed followers, the brand left out
        brand_in = store.read(
            "MATCH (b:Account {key: $brand})-[:FOLLOWS]->(r:Account {key: $reference}) "
            "WHERE b.observed = true RETURN count(*) AS n",
            {"brand": key, "reference": label},
        )[0]["n"]
        mode, size = "account", int(reference["observed_followers"]) - int(brand_in)
        if size == 0:
            mode = "none"
            notes.append(
                f"no baseline: none of {label!r}'s {reference['followers']:,} followers is observed "
                "(no following list loaded for any of them)"
                if reference["followers"]
                else f"no baseline: {label!r} has no followers in the graph"
            )
        else:
            params.update(reference=label, m=float(size), floor=0.5 / size)

    if population is not None and mode == "population":
        stats = store.read(
            _AFFINITY_MATCH + "RETURN count(a) AS candidates, "
            "count(a) - count(a.followers_count) AS missing, "
            "max(a.followers_count) AS largest",
            params,
        )[0]
        if stats["largest"] is not None and stats["largest"] > population:
            row = store.read(
                _AFFINITY_MATCH + "AND a.followers_count > $population "
                "RETURN a.key AS account, a.followers_count AS fc ORDER BY account LIMIT 1",
                {**params, "population": population},
            )[0]
            raise QueryError(
                f"--population {population:,} is smaller than the declared followers_count "
                f"of {row['account']!r} ({int(row['fc']):,}): give the platform's size"
            )
        if stats["missing"]:
            notes.append(
                f"{stats['missing']:,} of {stats['candidates']:,} accounts have no declared "
                "followers_count: their baseline columns are empty"
            )
    applied = sort
    if mode == "none" and sort in ("lift", "lift-lower"):
        applied = "share"
        notes.append("ranked by audience_share instead of the lift")
    if top is not None:
        params["top"] = int(top)
    rows = store.read(_affinity_query(mode, applied, top), params)
    table = _affinity_frame(rows, mode, n, params, z, scheme)
    table = memory.order_rows(table, memory.sort_columns(applied))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    if table.empty:
        aud = SimpleNamespace(brand=key, n_observed=n)
        notes.append(memory.why_empty(aud, min_count, exclude_followed, tiers))
    table.attrs.update({
        # as queries.affinity: the terminal shows these; csv/json/parquet carry every column
        "table_columns": ["rank", "account", "audience_count", "audience_share", "affinity",
                          "lift_lower", "tier", "followers_count"],
        "brand": key,
        "audience_observed": n,
        "audience_followers": int(found["followers"]),
        "baseline": label,
        "baseline_size": size,
        "weight": weight,
        "z": z,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return table


def _affinity_frame(rows, mode: str, n: int, params: dict, z: float, scheme: TierScheme) -> pd.DataFrame:
    """The result columns from the server's counts, computed as :mod:`queries.affinity` does."""
    from queries.affinity import affinity_frame_from_counts

    return affinity_frame_from_counts(
        [r["account"] for r in rows], np.array([r["audience_count"] for r in rows], dtype=np.int64),
        _float_array([r["baseline_count"] for r in rows]), _float_array([r["followers_count"] for r in rows]),
        mode=mode, n=n, size=int(params["m"]) if mode != "none" else 0, z=z, scheme=scheme,
    )


# -- advocates -------------------------------------------------------------------------------
_ADVOCATES_ORDER = {
    "reach": "coalesce(audience_count, -1) DESC, coalesce(followers_count, -1) DESC",
    "followers": "coalesce(followers_count, -1) DESC, coalesce(audience_count, -1) DESC",
    "engagement": f"coalesce(engagement_rate, {_LAST}) DESC, coalesce(audience_count, -1) DESC",
}


def _advocates_query(sort: str, top: int | None) -> str:
    return (
        "MATCH (b:Account {key: $brand})<-[:FOLLOWS]-(a:Account) WHERE a <> b "
        f"AND {_TIER_FILTER} "
        "WITH b, a, CASE WHEN $observed = 0 THEN null ELSE "
        "COUNT { (b)<-[:FOLLOWS]-(o:Account)-[:FOLLOWS]->(a) WHERE o.observed = true AND o <> a } "
        "END AS audience_count "
        "RETURN a.key AS account, a.followers_count AS followers_count, "
        "a.engagement_rate AS engagement_rate, audience_count, "
        "coalesce(a.observed, false) AS observed "
        f"ORDER BY {_ADVOCATES_ORDER[sort]}, account ASC"
        + (" LIMIT $top" if top is not None else "")
    )


def advocates(
    store: Neo4jStore,
    brand: str,
    *,
    niche: str | Sequence[str] | None = None,
    niche_method: str = "cosine",
    tiers: Sequence[str] | None = None,
    top: int | None = None,
    sort: str = "reach",
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.advocates.advocates` as Cypher on the server (same options and result).

    ``niche`` (and ``sort="niche"``) is refused: text similarity is in-memory only.
    """
    from queries import advocates as memory
    from queries.affinity import masked_array, order_rows

    scheme = memory.check_advocates_options(sort=sort, niche=niche, top=top, tiers=tiers, tier_scheme=tier_scheme)
    if niche:
        raise QueryError(
            "--niche is not available with --backend neo4j (niche overlap is computed in "
            "memory only): use --backend memory"
        )
    found = _find(store, brand)
    key = found["key"]
    n_followers = int(found["followers"])
    n = int(found["observed_followers"])
    if n_followers == 0:
        raise QueryError(
            f"{key!r} has no followers in the graph: load them with "
            f"`graphkit load followers FILE --of {key}`"
        )
    profile_checks = " OR ".join(f"a.{name} IS NOT NULL" for name in memory.PROFILE_ATTRIBUTES)
    profiled = store.read(
        "MATCH (b:Account {key: $brand}) RETURN EXISTS { MATCH (a:Account)-[:FOLLOWS]->(b) "
        f"WHERE a <> b AND ({profile_checks}) }} AS any",
        {"brand": key},
    )[0]["any"]
    notes: list[str] = []
    if n == 0 and not profiled:
        raise QueryError(
            f"nothing to rank {key!r}'s {n_followers:,} followers by: none is observed "
            "(no following list) and none has a profile; load following lists "
            "(`graphkit load following`) or profiles (`graphkit load profiles`)"
        )
    if n == 0:
        notes.append(
            f"audience_count is empty: none of {key!r}'s followers is observed, so their "
            "reach inside the audience is unknown"
        )
    if not profiled:
        notes.append(
            "no follower has a profile (followers_count, engagement_rate, tags, bio): "
            "load profiles with `graphkit load profiles FILE`"
        )
    applied = sort
    if sort == "reach" and n == 0:
        applied = "followers"
        notes.append("ranked by followers_count instead")
    params = {"brand": key, "observed": n, **tier_ranges(scheme, tiers)}
    if top is not None:
        params["top"] = int(top)
    rows = store.read(_advocates_query(applied, top), params)

    followers_count = _float_array([r["followers_count"] for r in rows])
    table = pd.DataFrame({
        "account": _keys(r["account"] for r in rows),
        "tier": scheme.assign(masked_array(followers_count, "Int64")),
        "followers_count": masked_array(followers_count, "Int64"),
        "engagement_rate": masked_array(_float_array([r["engagement_rate"] for r in rows])),
    })
    if n:
        counts = np.array([r["audience_count"] for r in rows], dtype=np.int64)
        others = n - np.array([bool(r["observed"]) for r in rows], dtype=np.int64)
        share = np.divide(counts, others, out=np.full(len(rows), np.nan), where=others > 0)
        table["audience_count"] = counts
        table["audience_share"] = masked_array(share)
    else:
        table["audience_count"] = pd.array([pd.NA] * len(rows), dtype="Int64")
        table["audience_share"] = pd.array([pd.NA] * len(rows), dtype="Float64")
    table = order_rows(table, memory._SORT_COLUMNS[applied])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    if table.empty:
        notes.append(
            f"none of {key!r}'s {n_followers:,} followers is in tier {', '.join(tiers or [])}"
        )
    table.attrs.update({
        "brand": key,
        "audience_observed": n,
        "audience_followers": n_followers,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return table


# -- expand ----------------------------------------------------------------------------------
_EXPAND_STEP = {
    "following": "(p)-[:FOLLOWS]->(x:Account)",
    "followers": "(p)<-[:FOLLOWS]-(x:Account)",
    "both": "(p)-[:FOLLOWS]-(x:Account)",
}


def _expand_query(direction: str) -> str:
    return (
        "UNWIND $frontier AS f "
        "MATCH (p:Account {key: f[0]}) "
        f"MATCH {_EXPAND_STEP[direction]} WHERE NOT x.key IN $visited "
        "WITH x, count(DISTINCT p) AS links, min(f[1]) AS via_position "
        "RETURN x.key AS account, links, via_position, "
        "COUNT { (x)<-[:FOLLOWS]-() } AS in_degree, COUNT { (x)-[:FOLLOWS]->() } AS out_degree, "
        "x.followers_count AS followers_count "
        "ORDER BY links DESC, account ASC"
    )


def expand(
    store: Neo4jStore,
    seed: str,
    *,
    hops: int = 1,
    direction: str = "both",
    limit: int | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.expand.expand` as Cypher on the server (same options and result).

    One query per hop: the server finds the accounts linked to the current
    frontier that were not reached before, counts their ``links`` and ranks
    them; the frontier and the reached keys travel as parameters.
    """
    from queries.affinity import masked_array
    from queries.expand import check_expand_options, expand_table

    check_expand_options(direction=direction, hops=hops, limit=limit)
    scheme = tier_scheme or TierScheme.default()
    found = _find(store, seed)
    seed_key = found["key"]
    first = store.read(
        "MATCH (x:Account {key: $key}) RETURN COUNT { (x)<-[:FOLLOWS]-() } AS in_degree, "
        "COUNT { (x)-[:FOLLOWS]->() } AS out_degree, x.followers_count AS followers_count",
        {"key": seed_key},
    )[0]
    rows = [{"account": seed_key, "hops": 0, "links": 0, "via": None, **first}]
    visited = [seed_key]
    frontier = [[seed_key, 0]]
    query = _expand_query(direction)
    reached = 0
    depth = 0
    for depth in range(1, hops + 1):
        found_rows = store.read(query, {"frontier": frontier, "visited": visited})
        if not found_rows:
            depth -= 1
            break
        keys_by_position = {position: key for key, position in frontier}
        frontier = []
        for i, row in enumerate(found_rows):
            position = reached + 1 + i
            rows.append({
                "account": row["account"], "hops": depth, "links": row["links"],
                "via": keys_by_position[row["via_position"]], "in_degree": row["in_degree"],
                "out_degree": row["out_degree"], "followers_count": row["followers_count"],
            })
            frontier.append([row["account"], position])
            visited.append(row["account"])
        reached += len(found_rows)
        if limit is not None and reached >= limit:
            break
    if limit is not None:
        rows = rows[: limit + 1]
    followers_count = masked_array(_float_array([r["followers_count"] for r in rows]), "Int64")
    return expand_table(
        {
            "account": _keys(r["account"] for r in rows),
            "hops": np.array([r["hops"] for r in rows], dtype=np.int64),
            "links": np.array([r["links"] for r in rows], dtype=np.int64),
            "via": pd.array([r["via"] for r in rows], dtype="string"),
            "in_degree": np.array([r["in_degree"] for r in rows], dtype=np.int64),
            "out_degree": np.array([r["out_degree"] for r in rows], dtype=np.int64),
            "followers_count": followers_count,
        },
        scheme=scheme, seed_key=seed_key, hops=hops, direction=direction, limit=limit,
        reached=reached, depth=depth,
    )


# -- lookalikes ------------------------------------------------------------------------------
_LOOKALIKES_MATCH = (
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


def _lookalikes_query(metric: str, top: int | None) -> str:
    return (
        _LOOKALIKES_MATCH
        + f"WHERE audience >= $min_audience AND {_TIER_FILTER} "
        + f"WITH a, shared, audience, {_SIMILARITY[metric]} AS score "
        + "RETURN a.key AS account, shared, audience, a.followers_count AS followers_count "
        + "ORDER BY score DESC, shared DESC, account ASC"
        + (" LIMIT $top" if top is not None else "")
    )


def lookalikes(
    store: Neo4jStore,
    seed: str,
    *,
    metric: str = "jaccard",
    min_audience: int = 5,
    min_shared: int = 1,
    top: int | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.lookalikes.lookalikes` as Cypher on the server (same options and result)."""
    from queries.lookalikes import check_lookalikes_options, similarity

    scheme = check_lookalikes_options(
        metric=metric, min_audience=min_audience, min_shared=min_shared, top=top, tiers=tiers,
        tier_scheme=tier_scheme,
    )
    found = _find(store, seed)
    _require_observed(found)
    key = found["key"]
    n = int(found["observed_followers"])
    params = {
        "seed": key, "seed_audience": float(n), "min_shared": int(min_shared),
        "min_audience": int(min_audience), **tier_ranges(scheme, tiers),
    }
    if top is not None:
        params["top"] = int(top)
    rows = store.read(_lookalikes_query(metric, top), params)
    if not rows:
        stats = store.read(
            _LOOKALIKES_MATCH + "RETURN count(a) AS shared, "
            "count(CASE WHEN audience >= $min_audience THEN 1 END) AS sized",
            params,
        )[0]
        if stats["shared"] == 0:
            raise QueryError(
                f"none of {key!r}'s {n:,} observed followers follows any other "
                f"account{'' if min_shared == 1 else f' shared by {min_shared} of them'}: "
                "no audience to compare"
            )
        if stats["sized"] == 0:
            raise QueryError(
                f"no account that shares followers with {key!r} has {min_audience:,} or more "
                "observed followers: lower --min-audience"
            )
        raise QueryError(
            f"no lookalike of {key!r} is of tier {', '.join(tiers or [])} "
            "(is a profiles file with follower counts loaded?)"
        )
    shared = np.array([r["shared"] for r in rows], dtype=np.int64)
    sizes = np.array([r["audience"] for r in rows], dtype=np.int64)
    followers_count = _int_array([r["followers_count"] for r in rows])
    table = pd.DataFrame({
        "account": _keys(r["account"] for r in rows),
        "score": similarity(shared, n, sizes, metric),
        "shared": shared,
        "audience": sizes,
        "tier": scheme.assign(followers_count),
        "followers_count": followers_count,
    })
    table = table.sort_values(
        ["score", "shared", "account"], ascending=[False, False, True], kind="stable"
    )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table.attrs.update({"seed": key, "metric": metric, "seed_audience": n,
                        "seed_followers": int(found["followers"])})
    return table


#: The Cypher each function runs, for Neo4j Browser (parameters as ``$name``).
CYPHER: dict[str, str] = {
    "affinity (rest baseline, sort lift-lower)": _affinity_query("rest", "lift-lower", 20),
    "advocates (sort reach)": _advocates_query("reach", 20),
    "expand (one hop, direction both)": _expand_query("both"),
    "lookalikes (jaccard)": _lookalikes_query("jaccard", 20),
}
