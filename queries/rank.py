"""Rank: one explained score per account, from weighted, normalized components.

The candidates are the accounts followed by at least ``min_count`` of brand B's
observed followers ``O(B)`` (B itself excluded). Each gets five components,
every one on ``0..1`` and shown beside the score:

=============  ===========================================================  =======
component      what it measures (column)                                    weight
=============  ===========================================================  =======
affinity       ``lift_lower`` of :mod:`queries.affinity`: how much more      0.35
               B's audience follows the account than the baseline does,
               discounted for small counts (``affinity_pct``)
ppr            personalized PageRank teleporting to ``O(B)``: reach from     0.20
               the audience through indirect follows too (``ppr_pct``)
niche          overlap of tags, category and bio with ``niche``              0.20
               (``niche_overlap``, :mod:`graphkit.algorithms.niche`)
tier           1 in a wanted tier, 0.5 one tier away, else 0 (``tier_fit``)  0.15
engagement     the declared ``engagement_rate`` (``engagement_pct``)         0.10
=============  ===========================================================  =======

Why these defaults: affinity is the direct, confidence-aware evidence that the
brand's own audience follows the account, the question graphkit exists for, so
it weighs most. Personalized PageRank adds the indirect reach (followers of
followers) but is correlated with affinity, so it weighs less. Niche fit is
what a campaign brief asks for, but it rests on profile text that is often
missing or thin. Tier fit is a budget preference, not a quality. Engagement is
self-declared or scraped, easy to inflate, and says nothing about this
audience: it only breaks near-ties.

Normalization: the unbounded components (``lift_lower``, PageRank,
``engagement_rate``) become their percentile among the candidates with a known
value (``(r - 1) / (k - 1)`` with ``r`` the average rank, 1 = highest; a single
candidate gets 1): one outlier or a heavy tail cannot swamp the other
components. ``niche_overlap`` and ``tier_fit`` are already on ``0..1``. An
unknown value (no profile) counts 0.

``score = sum_i w_i c_i / sum_i w_i`` over the components *available*: the
niche needs ``niche`` and some profile text, the tier fit needs ``tiers`` and
some declared follower count, engagement needs some engagement rate. An
unavailable component's column is empty and ``attrs["note"]`` says why; its
weight is dropped, the others are rescaled. Without a baseline the affinity
component uses the Wilson lower bound of the audience share instead.

Weights come from ``weights=`` (a mapping), which :func:`resolve_weights`
builds from a TOML file and ``NAME=VALUE`` overrides::

    # weights.toml: relative weights, they need not sum to 1
    [weights]
    affinity = 0.5
    niche = 0.3
    engagement = 0

Examples
--------
>>> import pandas as pd
>>> from graphkit.graph import FollowGraph
>>> profiles = pd.DataFrame({"key": ["x", "y"], "tags": ["hiking", "baking"],
...                          "followers_count": [5_000, 20_000]})
>>> g = FollowGraph.from_pairs([
...     ("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y"), ("r", "y"),
... ], attributes=profiles)
>>> t = rank(g, "brand", niche="hiking", tiers=["nano"])
>>> t[["rank", "account", "niche_overlap", "tier_fit", "audience_count"]]
   rank account  niche_overlap  tier_fit  audience_count
0     1       x            1.0       1.0               2
1     2       y            0.0       0.5               1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from graphkit.config import parse_toml, read_config_text
from graphkit.errors import ConfigError, QueryError
from graphkit.graph import FollowGraph, gather_rows
from graphkit.tiers import TierScheme, resolve_tiers
from queries.advocates import profile_numbers
from queries.affinity import DEFAULT_Z, affinity_scores
from queries.ranking import masked_array, order_rows

__all__ = [
    "rank",
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "COMPONENT_COLUMNS",
    "resolve_weights",
    "load_weights",
    "percentile",
    "tier_fit",
]

#: Score components, in column order.
COMPONENTS = ("affinity", "ppr", "niche", "tier", "engagement")

#: Default weights (see the module notes for the reason of each).
DEFAULT_WEIGHTS: dict[str, float] = {
    "affinity": 0.35,
    "ppr": 0.20,
    "niche": 0.20,
    "tier": 0.15,
    "engagement": 0.10,
}

#: The column that shows each component.
COMPONENT_COLUMNS = {
    "affinity": "affinity_pct",
    "ppr": "ppr_pct",
    "niche": "niche_overlap",
    "tier": "tier_fit",
    "engagement": "engagement_pct",
}


def _check_weights(weights: Mapping[str, object], source: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in weights.items():
        if name not in COMPONENTS:
            raise ConfigError(
                f"{source}: unknown score component {name!r}; components are {', '.join(COMPONENTS)}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
            raise ConfigError(f"{source}: the weight of {name!r} must be a number >= 0, not {value!r}")
        out[name] = float(value)
    return out


def load_weights(path: str | Path) -> dict[str, float]:
    """The ``[weights]`` table of a TOML file (only the components it names).

    Raises
    ------
    ConfigError
        Unreadable file, bad TOML, no ``[weights]`` table, an unknown
        component or a negative weight.
    """
    table = parse_toml(read_config_text(path, "weights file"), str(path))
    weights = table.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise ConfigError(
            f"{path}: needs a [weights] table of component = weight ({', '.join(COMPONENTS)})"
        )
    return _check_weights(weights, str(path))


def resolve_weights(
    path: str | Path | None = None, overrides: Sequence[str] | Mapping[str, float] | None = None
) -> dict[str, float]:
    """Default weights, updated by a TOML file, then by ``NAME=VALUE`` overrides.

    >>> resolve_weights(overrides=["niche=0.5", "engagement=0"])["niche"]
    0.5
    >>> resolve_weights(overrides=["reach=1"])
    Traceback (most recent call last):
    ...
    graphkit.errors.ConfigError: --weight: unknown score component 'reach'; components are affinity, ppr, niche, tier, engagement
    """
    weights = dict(DEFAULT_WEIGHTS)
    if path is not None:
        weights.update(load_weights(path))
    if overrides:
        if isinstance(overrides, Mapping):
            pairs = dict(overrides)
        else:
            pairs = {}
            for item in overrides:
                name, sep, value = str(item).partition("=")
                try:
                    pairs[name.strip()] = float(value) if sep else None
                except ValueError:
                    pairs[name.strip()] = value.strip()
        weights.update(_check_weights(pairs, "--weight"))
    return weights


def percentile(values: np.ndarray) -> np.ndarray:
    """Percentile rank in ``0..1`` among the known (non-NaN) values; unknown -> 0.

    Ties share their average rank; one known value gets 1.

    >>> percentile(np.array([10.0, np.nan, 30.0, 20.0, 20.0])).tolist()
    [0.0, 0.0, 1.0, 0.5, 0.5]
    """
    values = np.asarray(values, dtype=np.float64)
    out = np.zeros(len(values))
    known = ~np.isnan(values)
    k = int(known.sum())
    if k == 1:
        out[known] = 1.0
    elif k > 1:
        ranks = pd.Series(values[known]).rank(method="average").to_numpy()
        out[known] = (ranks - 1.0) / (k - 1.0)
    return out


def tier_fit(tiers: pd.Categorical | Sequence[str], wanted: Sequence[str], scheme: TierScheme) -> np.ndarray:
    """1 for a wanted tier, 0.5 for a tier next to a wanted one, 0 otherwise or unknown.

    >>> tier_fit(["nano", "micro", "mid", "mega", "unknown"], ["nano"], TierScheme.default()).tolist()
    [1.0, 0.5, 0.0, 0.0, 0.0]
    """
    order = {name: float(i) for i, name in enumerate(scheme.names)}
    wanted_pos = np.array([order[t] for t in wanted if t in order])
    labels = pd.Series(np.asarray(tiers, dtype=object))
    position = labels.map(order).astype("float64").to_numpy()
    if len(wanted_pos) == 0:
        return np.zeros(len(position))
    distance = np.abs(position[:, None] - wanted_pos[None, :]).min(axis=1)
    return np.select([distance == 0, distance == 1], [1.0, 0.5], 0.0)


def _followed_by(graph: FollowGraph, ids: np.ndarray, in_audience: np.ndarray, n: int) -> list[str]:
    """For each of ``ids``: up to ``n`` audience members following it, biggest first."""
    lengths = graph.in_indptr[ids + 1] - graph.in_indptr[ids]
    followers = gather_rows(graph.in_indptr, graph.in_indices, ids).astype(np.int64)
    row = np.repeat(np.arange(len(ids)), lengths)
    keep = in_audience[followers]
    followers, row = followers[keep], row[keep]
    size = profile_numbers(graph, "followers_count", followers)
    size = np.where(np.isnan(size), -1.0, size)
    indegree = graph.in_degree()[followers]
    keys = graph.keys_of(followers)
    order = np.lexsort((keys, -indegree, -size, row))
    followers, row = followers[order], row[order]
    totals = np.bincount(row, minlength=len(ids))
    out = []
    start = 0
    for total in totals.tolist():
        names = graph.keys_of(followers[start : start + min(total, n)]).tolist()
        text = ", ".join(names)
        if total > n:
            text += f" +{total - n:,} more"
        out.append(text)
        start += total
    return out


def rank(
    graph: FollowGraph,
    brand: str,
    *,
    niche: str | Sequence[str] | None = None,
    niche_method: str = "cosine",
    tiers: Sequence[str] | None = None,
    strict_tier: bool = False,
    keep_tiers: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
    top: int | None = None,
    explain: bool = False,
    explain_count: int = 3,
    min_count: int = 1,
    exclude_followed: bool = False,
    baseline: str | None = None,
    population: int | None = None,
    weight: str = "none",
    z: float = DEFAULT_Z,
    alpha: float = 0.85,
    tier_scheme: TierScheme | None = None,
    pool: np.ndarray | None = None,
) -> pd.DataFrame:
    """Score the accounts ``brand``'s audience follows and rank them, every component shown.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    niche : str or list of str, optional
        Niche terms (``"hiking,camping"``) for the niche component.
    niche_method : {"cosine", "jaccard"}
    tiers : list of str, optional
        Preferred tiers for the tier component (e.g. ``["nano", "micro"]``).
    strict_tier : bool
        Also drop the accounts outside ``tiers``.
    keep_tiers : list of str, optional
        Keep only candidates in these tiers (the ``--tier`` filter of every
        query); independent of the preference ``tiers``.
    weights : mapping, optional
        Component weights (missing components keep :data:`DEFAULT_WEIGHTS`).
    top : int, optional
        Keep the first ``top`` rows.
    explain : bool
        Add ``followed_by``: up to ``explain_count`` of the brand's observed
        followers who follow the account (largest declared ``followers_count``
        first, then most followed in the graph, then key) and how many more.
    min_count : int
        Candidates must be followed by at least this many of the audience.
    exclude_followed : bool
        Drop accounts the brand already follows.
    baseline, population, weight, z
        The affinity baseline and options (see :func:`queries.affinity.affinity_scores`).
    alpha : float
        Damping of the personalized PageRank.
    tier_scheme : TierScheme, optional
    pool : array of int, optional
        Keep only these account ids as candidates (``--from``, see :mod:`queries.pools`).

    Returns
    -------
    DataFrame
        ``rank, account, score, affinity_pct, ppr_pct, niche_overlap, tier_fit,
        engagement_pct, audience_count, lift_lower, ppr, tier, followers_count,
        engagement_rate`` (+ ``followed_by``), by ``score`` descending, then
        ``audience_count`` descending, then ``account``. ``attrs``: ``brand``,
        ``audience_observed``, ``audience_followers``, ``baseline``,
        ``weights`` (the weights applied, rescaled to sum to 1; unavailable
        components absent), ``note``.

    Raises
    ------
    AccountNotFound
        ``brand`` (or the baseline account) is not in the graph.
    QueryError
        No observed follower; bad options; every available component weighs 0.
    ConfigError
        Bad weights or tier names.
    """
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    if min_count < 1:
        raise QueryError(f"--min-count must be at least 1, not {min_count}")
    if explain_count < 1:
        raise QueryError(f"explain_count must be at least 1, not {explain_count}")
    if strict_tier and not tiers:
        raise QueryError("--strict-tier needs the preferred tiers: --prefer-tier nano,micro")
    kept = list(keep_tiers or []) + (list(tiers) if strict_tier else [])
    scheme = resolve_tiers(tier_scheme, [*(tiers or []), *kept])
    chosen = dict(DEFAULT_WEIGHTS)
    chosen.update(_check_weights(dict(weights or {}), "weights"))
    niche_query = None
    if niche:
        from graphkit.algorithms.niche import niche_terms

        niche_query = niche_terms(niche)

    scores = affinity_scores(graph, brand, baseline=baseline, population=population, weight=weight, z=z)
    aud = scores.audience
    candidates = np.flatnonzero(scores.counts >= min_count)
    if pool is not None:
        candidates = np.intersect1d(candidates, np.asarray(pool, dtype=np.int64))
    if exclude_followed:
        candidates = np.setdiff1d(candidates, graph.following(aud.brand_id), assume_unique=True)
    followers_count = profile_numbers(graph, "followers_count", candidates)
    tier = scheme.assign(masked_array(followers_count, "Int64"))
    if kept:
        keep = np.ones(len(candidates), dtype=bool)
        for wanted in (keep_tiers, tiers if strict_tier else None):
            if wanted:
                keep &= np.asarray(pd.Series(tier).isin(list(wanted)))
        candidates, followers_count, tier = candidates[keep], followers_count[keep], tier[keep]
    notes: list[str] = []
    if scores.note:
        notes.append(scores.note + "; the affinity component uses the audience share's lower bound")
    if len(candidates) == 0:
        raise QueryError(_why_no_candidates(aud, min_count, exclude_followed, sorted(set(kept))))

    raw: dict[str, np.ndarray] = {}
    normal: dict[str, np.ndarray] = {}
    available: dict[str, bool] = {}
    # affinity
    lift = scores.lift_lower if scores.lift_lower is not None else scores.share_lower
    raw["affinity"] = lift[candidates].astype(np.float64)
    normal["affinity"] = percentile(raw["affinity"])
    available["affinity"] = True
    if scores.lift_lower is not None and np.isnan(raw["affinity"]).any():
        notes.append(
            f"{int(np.isnan(raw['affinity']).sum()):,} accounts have no baseline share (no declared "
            "followers_count): their affinity component counts 0"
        )
    # personalized PageRank from the audience
    from graphkit.algorithms.centrality import pagerank

    teleport = np.zeros(graph.n_accounts)
    teleport[aud.observed] = 1.0
    raw["ppr"] = pagerank(graph, alpha=alpha, personalization=teleport)[candidates]
    normal["ppr"] = percentile(raw["ppr"])
    available["ppr"] = True
    # niche
    if niche_query is not None:
        from graphkit.algorithms.niche import niche_overlap

        overlap = niche_overlap(graph, candidates, niche_query, method=niche_method)
        available["niche"] = not np.isnan(overlap).all()
        if not available["niche"]:
            notes.append(
                "niche not used: no candidate has tags, a category or a bio (load profiles with "
                "`graphkit load profiles FILE`)"
            )
        raw["niche"] = overlap
        normal["niche"] = np.nan_to_num(overlap, nan=0.0)
    else:
        available["niche"] = False
        notes.append("niche not used: no --niche terms given")
    # tier fit
    if tiers:
        available["tier"] = not np.isnan(followers_count).all()
        if not available["tier"]:
            notes.append(
                "tier fit not used: no candidate has a declared followers_count (load profiles)"
            )
        normal["tier"] = tier_fit(tier, list(tiers), scheme)
    else:
        available["tier"] = False
        notes.append("tier fit not used: no --prefer-tier given")
    # engagement
    engagement = profile_numbers(graph, "engagement_rate", candidates)
    raw["engagement"] = engagement
    available["engagement"] = not np.isnan(engagement).all()
    if not available["engagement"]:
        notes.append("engagement not used: no candidate has an engagement_rate (load profiles)")
    normal["engagement"] = percentile(engagement)

    active = {c: chosen[c] for c in COMPONENTS if available[c] and chosen[c] > 0}
    total = sum(active.values())
    if total <= 0:
        raise QueryError(
            "every available score component has weight 0 "
            f"(available: {', '.join(c for c in COMPONENTS if available[c])}): give one a weight"
        )
    applied = {c: w / total for c, w in active.items()}
    score = np.zeros(len(candidates))
    for component, w in applied.items():
        score += w * normal[component]

    def shown(component: str) -> pd.api.extensions.ExtensionArray:
        if not available[component]:
            return pd.array([pd.NA] * len(candidates), dtype="Float64")
        values = raw["niche"] if component == "niche" else normal[component]
        return masked_array(values)

    table = pd.DataFrame({
        "account": graph.keys_of(candidates),
        "score": score,
        **{COMPONENT_COLUMNS[c]: shown(c) for c in COMPONENTS},
        "audience_count": scores.counts[candidates].astype(np.int64),
        "lift_lower": masked_array(raw["affinity"]),
        "ppr": raw["ppr"],
        "tier": tier,
        "followers_count": masked_array(followers_count, "Int64"),
        "engagement_rate": masked_array(engagement),
    })
    table["_id"] = candidates
    table = order_rows(table, ["score", "audience_count"])
    if top is not None:
        table = table.head(top)
    if explain:
        in_audience = np.zeros(graph.n_accounts, dtype=bool)
        in_audience[aud.observed] = True
        table["followed_by"] = pd.array(
            _followed_by(graph, table["_id"].to_numpy(), in_audience, explain_count), dtype="string"
        )
    table = table.drop(columns="_id")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table.attrs.update({
        "brand": aud.brand,
        "audience_observed": aud.n_observed,
        "audience_followers": aud.n_followers,
        "baseline": scores.baseline,
        "baseline_size": scores.baseline_size,
        "weights": applied,
        "candidates": len(candidates),
        "note": "; ".join(notes) or None,
    })
    return table


def _why_no_candidates(aud, min_count, exclude_followed, kept_tiers) -> str:
    filters = [f"followed by at least {min_count:,} of the audience"]
    if exclude_followed:
        filters.append(f"not followed by {aud.brand!r}")
    if kept_tiers:
        filters.append(f"in tier {', '.join(kept_tiers)}")
    return (
        f"no account to rank: none is {' and '.join(filters)} ({aud.n_observed:,} observed "
        f"followers of {aud.brand!r}); relax the filters"
    )
