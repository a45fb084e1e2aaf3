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
the in-memory module's own functions (e.g. :func:`queries.affinity_counts.affinity_table_from_counts`,
which Spark shares) and assigns the tier from ``followers_count`` with the same
:class:`~graphkit.tiers.TierScheme`, so every number is bit-identical. The
query texts are in :mod:`queries.neo4j_cypher`; the option checks, baseline
choice and every sentence (notes, refusals) are the in-memory queries' public
functions (:mod:`queries.baselines`, :func:`queries.audience.require_observed_followers`,
:func:`queries.advocates.rankable_notes`, ...), so both engines say the same.

Not available on this backend (a :class:`~graphkit.errors.QueryError` says
so): ``affinity(weight="mass-followers")`` and ``advocates(niche=...)``, whose
weighted sums and text similarity are computed in memory only.

Values travel only as ``$parameters``; the query texts are fixed strings
assembled from fixed fragments.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import AccountNotFound, QueryError, memory_only
from graphkit.handles import normalize_handle
from graphkit.neo4j.store import Neo4jStore
from graphkit.tiers import TierScheme
from queries import advocates as memory_advocates
from queries import affinity as memory_affinity
from queries.affinity_counts import affinity_table_from_counts, check_unweighted
from queries.audience import require_observed_followers
from queries.baselines import (
    REST,
    applied_sort,
    baseline_kind,
    check_reference,
    empty_reference_note,
    empty_rest_note,
    missing_counts_note,
    no_declared_counts_note,
    population_label,
    population_too_small,
)
from queries.expand import check_expand_options, expand_table, rank_neighbourhood
from queries.lookalikes import (
    check_lookalikes_options,
    nothing_in_tier,
    nothing_large_enough,
    nothing_shared,
    similarity,
)
from queries.neo4j_cypher import (
    AFFINITY_MATCH,
    EXPAND_FOLLOWS,
    EXPAND_PROFILE,
    LOOKALIKES_MATCH,
    advocates_query,
    affinity_query,
    expand_query,
    lookalikes_query,
    tier_ranges,
)
from queries.ranking import masked_array, order_rows

__all__ = ["affinity", "advocates", "expand", "lookalikes"]

_KEY_DTYPE = pd.Series(["a"]).dtype


# -- shared pieces ---------------------------------------------------------------------------
def _find(store: Neo4jStore, handle: str, role: str = "account") -> dict:
    """The account ``handle`` with its follower counts; :class:`AccountNotFound` if absent."""
    key = normalize_handle(handle)
    rows = store.read(
        "MATCH (b:Account {key: $key}) "
        "RETURN b.key AS key, coalesce(b.observed, false) AS observed, b.followers_count AS followers_count, "
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
    require_observed_followers(brand["key"], int(brand["followers"]), int(brand["observed_followers"]))


def _keys(values) -> pd.Series:
    """Account keys as the default string column (as the in-memory frames infer it)."""
    return pd.Series(list(values), dtype=object).astype(_KEY_DTYPE)


def _int_array(values) -> pd.api.extensions.ExtensionArray:
    return pd.array([None if v is None else int(v) for v in values], dtype="Int64")


def _float_array(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


# -- affinity --------------------------------------------------------------------------------
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
    memory = memory_affinity
    z = memory.DEFAULT_Z if z is None else z
    scheme = memory.check_affinity_options(
        sort=sort, top=top, min_count=min_count, weight=weight, z=z, baseline=baseline,
        population=population, tiers=tiers, tier_scheme=tier_scheme,
    )
    check_unweighted(weight, "neo4j")

    found = _find(store, brand)
    _require_observed(found)
    key = found["key"]
    n = int(found["observed_followers"])
    params: dict = {
        "brand": key, "n": float(n), "z": float(z), "min_count": int(min_count),
        "exclude_followed": bool(exclude_followed), **tier_ranges(scheme, tiers),
    }
    notes: list[str] = []
    mode = baseline_kind(baseline, population)
    if mode == "population":
        label, size = population_label(population), population
        declared = store.read(
            "RETURN EXISTS { MATCH (a:Account) WHERE a.followers_count IS NOT NULL } AS any"
        )[0]["any"]
        if not declared:
            mode = "none"
            notes.append(no_declared_counts_note(population))
        params.update(m=float(population), floor=0.5 / population)
    elif mode == "rest":
        label = REST
        observed = store.read("MATCH (p:Account) WHERE p.observed = true RETURN count(p) AS n")[0]["n"]
        size = int(observed) - n - (1 if found["observed"] else 0)
        if size == 0:
            mode = "none"
            notes.append(empty_rest_note(key))
        else:
            params.update(m=float(size), floor=0.5 / size)
    else:
        reference = _find(store, baseline)
        label = reference["key"]
        check_reference(label, key)
        # the reference's observed followers, the brand left out
        brand_in = store.read(
            "MATCH (b:Account {key: $brand})-[:FOLLOWS]->(r:Account {key: $reference}) "
            "WHERE b.observed = true RETURN count(*) AS n",
            {"brand": key, "reference": label},
        )[0]["n"]
        size = int(reference["observed_followers"]) - int(brand_in)
        if size == 0:
            mode = "none"
            notes.append(empty_reference_note(label, int(reference["followers"])))
        else:
            params.update(reference=label, m=float(size), floor=0.5 / size)

    if population is not None and mode == "population":
        stats = store.read(
            AFFINITY_MATCH + "RETURN count(a) AS candidates, "
            "count(a) - count(a.followers_count) AS missing, "
            "max(a.followers_count) AS largest",
            params,
        )[0]
        if stats["largest"] is not None and stats["largest"] > population:
            row = store.read(
                AFFINITY_MATCH + "AND a.followers_count > $population "
                "RETURN a.key AS account, a.followers_count AS fc ORDER BY account LIMIT 1",
                {**params, "population": population},
            )[0]
            raise population_too_small(population, row["account"], int(row["fc"]))
        if stats["missing"]:
            notes.append(missing_counts_note(int(stats["missing"]), int(stats["candidates"])))
    applied = applied_sort(sort, mode != "none", notes)
    if top is not None:
        params["top"] = int(top)
    rows = store.read(affinity_query(mode, applied, top), params)
    return affinity_table_from_counts(
        [r["account"] for r in rows], np.array([r["audience_count"] for r in rows], dtype=np.int64),
        _float_array([r.get("baseline_count") for r in rows]), _float_array([r["followers_count"] for r in rows]),
        mode=mode, n=n, size=size, z=z, scheme=scheme, brand=key, n_followers=int(found["followers"]),
        declared_followers=found["followers_count"], baseline=label, sort=applied, notes=notes,
        min_count=min_count, exclude_followed=exclude_followed, tiers=tiers,
    )


# -- advocates -------------------------------------------------------------------------------
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
    memory = memory_advocates
    scheme = memory.check_advocates_options(sort=sort, niche=niche, top=top, tiers=tiers, tier_scheme=tier_scheme)
    if niche:
        raise memory_only("--niche", "neo4j", "niche overlap is computed in memory only")
    found = _find(store, brand)
    key = found["key"]
    n_followers = int(found["followers"])
    n = int(found["observed_followers"])
    profile_checks = " OR ".join(f"a.{name} IS NOT NULL" for name in memory.PROFILE_ATTRIBUTES)
    profiled = store.read(
        "MATCH (b:Account {key: $brand}) RETURN EXISTS { MATCH (a:Account)-[:FOLLOWS]->(b) "
        f"WHERE a <> b AND ({profile_checks}) }} AS any",
        {"brand": key},
    )[0]["any"]
    notes, applied = memory.rankable_notes(key, n_followers, n_followers, n, bool(profiled), sort)
    params = {"brand": key, "observed": n, **tier_ranges(scheme, tiers)}
    if top is not None:
        params["top"] = int(top)
    rows = store.read(advocates_query(applied, top), params)

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
    table = order_rows(table, memory.SORT_COLUMNS[applied])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    if table.empty:
        notes.append(memory.empty_tier_note(key, n_followers, tiers))
    table.attrs.update({
        "brand": key,
        "audience_observed": n,
        "audience_followers": n_followers,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return table


# -- expand ----------------------------------------------------------------------------------
def expand(
    store: Neo4jStore,
    seed: str,
    *,
    hops: int = 1,
    direction: str = "both",
    limit: int | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """:func:`queries.expand.expand` on the server (same options and result).

    One query per hop finds the accounts linked to the current frontier that
    were not reached before (the frontier and the reached keys travel as
    parameters); one query returns the follows among the neighbourhood, which
    :func:`queries.expand.rank_neighbourhood` ranks exactly as in memory; one
    query reads the degrees and follower counts of the rows kept.
    """
    check_expand_options(direction=direction, hops=hops, limit=limit)
    scheme = tier_scheme or TierScheme.default()
    seed_key = _find(store, seed)["key"]
    keys = [seed_key]
    distance = [0]
    frontier = [seed_key]
    query = expand_query(direction)
    depth = 0
    for step in range(1, hops + 1):
        found = sorted(row["account"] for row in store.read(query, {"frontier": frontier, "visited": keys}))
        if not found:
            break
        depth = step
        keys += found
        distance += [step] * len(found)
        frontier = found
    position = {key: i for i, key in enumerate(keys)}
    follows = store.read(EXPAND_FOLLOWS, {"keys": keys})
    ranked = rank_neighbourhood(
        np.array(keys, dtype=object), np.array(distance, dtype=np.int64),
        np.array([position[r["follower"]] for r in follows], dtype=np.int64),
        np.array([position[r["followee"]] for r in follows], dtype=np.int64),
        direction=direction, limit=limit,
    )
    kept = [keys[i] for i in ranked.index]
    profile = {row["account"]: row for row in store.read(EXPAND_PROFILE, {"keys": kept})}
    rows = [profile[key] for key in kept]
    followers_count = masked_array(_float_array([r["followers_count"] for r in rows]), "Int64")
    return expand_table(
        {
            "account": _keys(kept),
            "relevance": ranked.relevance,
            "hops": ranked.hops,
            "links": ranked.links,
            "via": pd.array([keys[i] if i >= 0 else None for i in ranked.via], dtype="string"),
            "in_degree": np.array([r["in_degree"] for r in rows], dtype=np.int64),
            "out_degree": np.array([r["out_degree"] for r in rows], dtype=np.int64),
            "followers_count": followers_count,
        },
        scheme=scheme, seed_key=seed_key, hops=hops, direction=direction, limit=limit,
        reached=ranked.reached, depth=depth,
    )


# -- lookalikes ------------------------------------------------------------------------------
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
    rows = store.read(lookalikes_query(metric, top), params)
    if not rows:
        stats = store.read(
            LOOKALIKES_MATCH + "RETURN count(a) AS shared, "
            "count(CASE WHEN audience >= $min_audience THEN 1 END) AS sized",
            params,
        )[0]
        if stats["shared"] == 0:
            raise nothing_shared(key, n, min_shared)
        if stats["sized"] == 0:
            raise nothing_large_enough(key, min_audience)
        raise nothing_in_tier(key, tiers or [])
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
