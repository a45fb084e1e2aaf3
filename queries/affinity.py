"""Affinity: who do a brand's followers follow, more than other people do?

For a brand B with observed followers ``O(B)`` (``n = |O(B)|``), every account
``a != B`` gets

* ``audience_count(a) = |{f in O(B) : f follows a}|`` and
  ``audience_share(a) = audience_count(a) / n``;
* from a *baseline* population P (``m = |P|``): ``baseline_count(a)``, the
  number of P that follow ``a``, and ``baseline_share(a) = baseline_count(a) / m``;
* ``affinity(a) = audience_share(a) / baseline_share(a)``, the lift: 3.0 means
  B's audience is three times as likely as the baseline to follow ``a``. When
  nobody in the baseline follows ``a`` its baseline share is taken as half a
  follower, ``0.5 / m``, so the lift stays finite;
* ``lift_lower(a)``, the confidence-aware lift the default ranking uses:
  ``wilson_lower(audience_share, n) / wilson_upper(baseline_share, m)``, the
  smallest lift that both 95 % Wilson score intervals (``z = 1.96``) allow.
  Two followers out of three can show a huge raw lift, but their interval is
  wide, so 400 out of 2,000 at a solid lift rank above them.

The Wilson score interval of a share ``p`` over ``n`` draws is
``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``.

Baselines (``baseline=``)

* ``"rest"`` (default): every observed account other than B that does not follow B;
* an account R: the observed followers of R (``O(R)``, B left out), e.g. a competitor's audience;
* ``population=N``: the platform as a whole, from declared follower counts:
  ``baseline_count = followers_count`` and ``baseline_share = followers_count / N``.
  These are counts, not a sample, so ``lift_lower`` divides by the share itself
  (floored at ``0.5 / N``) instead of its upper bound.

With no baseline (an empty population, a reference account with no observed
follower, no declared follower counts) the baseline columns are empty and
``table.attrs["note"]`` says why; the lift sorts then fall back to the audience
share.

``weight="mass-followers"`` down-weights followers who follow many accounts,
like the inverse document frequency of a search engine: a follower ``f`` who
follows ``d(f)`` accounts weighs ``w(f) = ln(1 + N / d(f))``, with ``N`` the
number of accounts in the graph and ``d(f)`` the larger of ``f``'s follows in the
graph and its declared ``following_count``. Shares become weighted
(``sum of w over the followers of a`` / ``sum of w``), in the audience and in a
sampled baseline alike, and the Wilson bounds use Kish's effective sample size
``(sum w)² / sum w²``. ``audience_count`` and ``baseline_count`` stay plain counts.

The counts are one gather over the CSR rows of the population and one
``bincount`` (weighted when ``weight`` is set): no Python loop over follows.
With ``top``, the ranking runs on numpy arrays (:func:`top_rows`) and a frame is
built only for the rows returned; without it, for every candidate.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([
...     ("f1", "brand"), ("f2", "brand"), ("f1", "x"), ("f2", "x"), ("f2", "y"),
...     ("r1", "y"), ("r2", "y"), ("r2", "x"),
... ])
>>> affinity(g, "brand", sort="count")[["rank", "account", "audience_count", "audience_share"]]
   rank account  audience_count  audience_share
0     1       x               2             1.0
1     2       y               1             0.5
>>> table = affinity(g, "brand", sort="lift")
>>> table[["account", "baseline_count", "baseline_share", "affinity"]]
  account  baseline_count  baseline_share  affinity
0       x               1             0.5       2.0
1       y               2             1.0       0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme, resolve_tiers
from queries.audience import Audience, audience

__all__ = [
    "affinity",
    "affinity_scores",
    "audience_counts",
    "AffinityScores",
    "follower_weights",
    "wilson_bounds",
    "affinity_frame",
    "affinity_frame_from_counts",
    "observed_in_degree",
    "masked_array",
    "order_rows",
    "top_rows",
    "SORTS",
    "WEIGHTS",
    "DEFAULT_Z",
    "sort_columns",
    "why_empty",
    "no_baseline_note",
    "population_too_small",
    "missing_counts_note",
    "applied_sort",
]

#: ``--sort`` values; the first is the default.
SORTS = ("lift-lower", "lift", "share", "count")

#: ``--weight`` values.
WEIGHTS = ("none", "mass-followers")

#: z of the Wilson intervals: 1.96 is a two-sided 95 % interval.
DEFAULT_Z = 1.96

_REST = "rest"


def audience_counts(
    graph: FollowGraph, follower_ids: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """For every account, how many of ``follower_ids`` follow it (length ``n_accounts``).

    With ``weights`` (aligned with ``follower_ids``) each follower counts its
    weight instead of 1 and the result is ``float64``.

    >>> g = FollowGraph.from_pairs([("a", "c"), ("b", "c"), ("b", "a")])
    >>> g.keys.tolist()
    ['a', 'c', 'b']
    >>> audience_counts(g, g.ids_of(["a", "b"])).tolist()
    [1, 2, 0]
    >>> audience_counts(g, g.ids_of(["a", "b"]), np.array([1.0, 0.5])).tolist()
    [0.5, 1.5, 0.0]
    """
    follower_ids = np.asarray(follower_ids, dtype=np.int64)
    if weights is None and len(follower_ids) and _covers_much(graph, follower_ids):
        # a large population (a baseline, a big brand): select its follows with a mask over
        # the CSR instead of gathering them, 1 byte per follow instead of 16
        members = np.zeros(graph.n_accounts, dtype=bool)
        members[follower_ids] = True
        if np.count_nonzero(members) == len(follower_ids):  # no id twice
            chosen = np.repeat(members, np.diff(graph.out_indptr))
            return np.bincount(graph.out_indices[chosen], minlength=graph.n_accounts)
    followees = graph.gather_following(follower_ids)
    if weights is None:
        return np.bincount(followees, minlength=graph.n_accounts)
    lengths = graph.out_indptr[follower_ids + 1] - graph.out_indptr[follower_ids]
    return np.bincount(followees, weights=np.repeat(weights, lengths), minlength=graph.n_accounts)


def _covers_much(graph: FollowGraph, ids: np.ndarray) -> bool:
    """Whether the rows of ``ids`` hold more than an eighth of all follows."""
    indptr = graph.out_indptr
    total = int(np.asarray(indptr[ids + 1], dtype=np.int64).sum() - np.asarray(indptr[ids], dtype=np.int64).sum())
    return total * 8 > graph.n_follows


def follower_weights(graph: FollowGraph, ids: np.ndarray) -> np.ndarray:
    """The mass-follower weight ``ln(1 + N / d(f))`` of accounts ``ids``.

    ``N`` is the number of accounts in the graph; ``d(f)`` is the larger of the
    follows of ``f`` in the graph and its declared ``following_count`` (at least 1).

    >>> g = FollowGraph.from_pairs([("a", "b"), ("a", "c"), ("a", "d"), ("b", "c")])
    >>> follower_weights(g, g.ids_of(["a", "b"])).round(4).tolist()  # ln(1 + 4/3), ln(1 + 4/1)
    [0.8473, 1.6094]
    """
    ids = np.asarray(ids, dtype=np.int64)
    degree = (graph.out_indptr[ids + 1] - graph.out_indptr[ids]).astype(np.float64)
    declared = graph.attribute("following_count").iloc[ids]
    declared = pd.to_numeric(declared, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    degree = np.fmax(degree, declared)
    return np.log1p(graph.n_accounts / np.maximum(degree, 1.0))


#: z beyond this is a confidence no data can reach (10 is 1 - 1e-23), and its square overflows later
MAX_Z = 10.0


def wilson_bounds(share, n, z: float = DEFAULT_Z) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper Wilson score bounds of ``share`` observed over ``n`` draws.

    ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``, clipped to ``[0, 1]``.

    >>> low, high = wilson_bounds(np.array([0.5, 0.0]), np.array([4.0, 10.0]))
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.15, 0.0], [0.85, 0.2775])
    """
    p = np.asarray(share, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = p + z2 / (2.0 * n)
    half = z * np.sqrt(np.clip(p * (1.0 - p), 0.0, None) / n + z2 / (4.0 * n * n))
    return np.clip((centre - half) / denom, 0.0, 1.0), np.clip((centre + half) / denom, 0.0, 1.0)


@dataclass(frozen=True)
class AffinityScores:
    """Affinity figures for every account of the graph (arrays indexed by id).

    ``baseline_*``, ``lift`` and ``lift_lower`` are ``None`` when there is no
    baseline; ``note`` then says why. In ``population`` mode ``baseline_share``
    is ``NaN`` for accounts without a declared follower count.
    """

    audience: Audience
    counts: np.ndarray
    shares: np.ndarray
    share_lower: np.ndarray
    baseline: str
    baseline_size: int | None
    baseline_counts: np.ndarray | None
    baseline_shares: np.ndarray | None
    lift: np.ndarray | None
    lift_lower: np.ndarray | None
    weight: str
    z: float
    note: str | None


def _weighted(graph: FollowGraph, ids: np.ndarray, weight: str, z: float, counts: np.ndarray | None = None):
    """Counts, shares and Wilson bounds of the population ``ids`` (non-empty).

    ``counts``, if given, are ``audience_counts(graph, ids)`` computed another way.
    """
    if counts is None:
        counts = audience_counts(graph, ids)
    if weight == "none":
        shares = counts / len(ids)
        n_eff = float(len(ids))
    else:
        w = follower_weights(graph, ids)
        shares = audience_counts(graph, ids, w) / w.sum()
        n_eff = float(w.sum() ** 2 / np.square(w).sum())
    np.clip(shares, 0.0, 1.0, out=shares)
    low, high = wilson_bounds(shares, n_eff, z)
    return counts, shares, low, high


def affinity_scores(
    graph: FollowGraph,
    brand: str,
    *,
    baseline: str | None = None,
    population: int | None = None,
    weight: str = "none",
    z: float = DEFAULT_Z,
) -> AffinityScores:
    """Audience and baseline figures of ``brand`` for every account (see the module notes).

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    baseline : str, optional
        ``"rest"`` (the default when ``None``) or the handle of a reference
        account whose observed followers form the baseline (write ``@rest``
        for an account named ``rest``).
    population : int, optional
        Use declared follower counts over a population of ``population`` accounts.
    weight : {"none", "mass-followers"}
    z : float
        z of the Wilson intervals (1.96: 95 %).

    Raises
    ------
    AccountNotFound
        ``brand`` or the reference account is not in the graph.
    QueryError
        No observed follower of ``brand``; bad options.

    Examples
    --------
    >>> g = FollowGraph.from_pairs([("f", "brand"), ("f", "x"), ("r", "x"), ("s", "y")])
    >>> s = affinity_scores(g, "brand")
    >>> s.baseline_size, s.lift[g.id_of("x")]  # (1/1) / (1/2)
    (2, np.float64(2.0))
    """
    _check_score_options(weight=weight, z=z, baseline=baseline, population=population)
    aud = audience(graph, brand, require_observed=True)
    counts, shares, share_low, _ = _weighted(graph, aud.observed, weight, z)
    brand_count = int(counts[aud.brand_id])
    counts[aud.brand_id] = 0
    shares[aud.brand_id] = 0.0
    share_low[aud.brand_id] = 0.0
    common = dict(audience=aud, counts=counts, shares=shares, share_lower=share_low, weight=weight, z=z)

    if population is not None:
        declared = pd.to_numeric(graph.attribute("followers_count"), errors="coerce")
        declared = declared.to_numpy(dtype=np.float64, na_value=np.nan)
        label = f"population of {population:,}"
        if np.isnan(declared).all():
            return AffinityScores(
                **common, baseline=label, baseline_size=population, baseline_counts=None,
                baseline_shares=None, lift=None, lift_lower=None,
                note=no_baseline_note("population", population=population),
            )
        base_share = declared / population
        floor = 0.5 / population
        lift = shares / np.maximum(base_share, floor)
        lift_lower = share_low / np.maximum(base_share, floor)
        return AffinityScores(
            **common, baseline=label, baseline_size=population, baseline_counts=declared,
            baseline_shares=base_share, lift=lift, lift_lower=lift_lower, note=None,
        )

    if baseline is None or baseline.strip().lower() == _REST:
        mask = graph.observed.copy()
        mask[aud.followers] = False
        mask[aud.brand_id] = False
        members = np.flatnonzero(mask)
        label = _REST
        is_rest = True
        why = no_baseline_note("rest", brand=aud.brand)
    else:
        ref_id = graph.id_of(baseline)
        ref_key = str(graph.keys_of([ref_id])[0])
        if ref_id == aud.brand_id:
            raise QueryError(f"the baseline account {ref_key!r} is the brand itself; name another account")
        followers = np.asarray(graph.followers(ref_id), dtype=np.int64)
        members = followers[graph.observed[followers] & (followers != aud.brand_id)]
        label = ref_key
        is_rest = False
        why = no_baseline_note("account", reference=ref_key, reference_followers=len(followers))
    if len(members) == 0:
        return AffinityScores(
            **common, baseline=label, baseline_size=0, baseline_counts=None,
            baseline_shares=None, lift=None, lift_lower=None, note=why,
        )
    rest = None
    if weight == "none" and is_rest:
        rest = _rest_counts(graph, aud, counts, brand_count, members)
    base_counts, base_shares, _, base_high = _weighted(graph, members, weight, z, rest)
    floor = 0.5 / len(members)
    lift = shares / np.maximum(base_shares, floor)
    lift_lower = share_low / np.maximum(base_high, floor)
    return AffinityScores(
        **common, baseline=label, baseline_size=len(members), baseline_counts=base_counts,
        baseline_shares=base_shares, lift=lift, lift_lower=lift_lower, note=None,
    )


def no_baseline_note(mode: str, *, brand: str = "", reference: str = "", reference_followers: int = 0,
                     population: int = 0) -> str:
    """Why a baseline is empty, for ``attrs["note"]`` (every engine says the same).

    ``mode`` is ``"rest"`` (every observed account follows ``brand``),
    ``"account"`` (no observed follower of ``reference``) or ``"population"``
    (no declared follower count).

    >>> no_baseline_note("account", reference="r", reference_followers=0)
    "no baseline: 'r' has no followers in the graph"
    """
    if mode == "population":
        return (
            f"no baseline: no account has a declared followers_count, so --population "
            f"{population:,} gives no share (load profiles with `graphkit load profiles FILE`)"
        )
    if mode == "rest":
        return (
            f"no baseline: every observed account other than {brand!r} follows it, so "
            "nobody is left to compare with (use --baseline ACCOUNT or --population N)"
        )
    if reference_followers:
        return (
            f"no baseline: none of {reference!r}'s {reference_followers:,} followers is observed "
            "(no following list loaded for any of them)"
        )
    return f"no baseline: {reference!r} has no followers in the graph"


def population_too_small(population: int, account: str, followers_count: int) -> QueryError:
    """The error for a ``--population`` below an account's declared ``followers_count``."""
    return QueryError(
        f"--population {population:,} is smaller than the declared followers_count "
        f"of {account!r} ({int(followers_count):,}): give the platform's size"
    )


def missing_counts_note(missing: int, candidates: int) -> str:
    """The note on ``missing`` of ``candidates`` accounts without a declared ``followers_count``."""
    return (
        f"{missing:,} of {candidates:,} accounts have no declared followers_count: "
        "their baseline columns are empty"
    )


def applied_sort(sort: str, has_lift: bool, notes: list[str]) -> str:
    """The sort actually applied: without a baseline the lift sorts use ``share`` (noted).

    >>> notes = []
    >>> applied_sort("lift-lower", False, notes), notes
    ('share', ['ranked by audience_share instead of the lift'])
    """
    if not has_lift and sort in ("lift", "lift-lower"):
        notes.append("ranked by audience_share instead of the lift")
        return "share"
    return sort


def observed_in_degree(graph: FollowGraph) -> np.ndarray:
    """For every account, how many *observed* accounts follow it.

    The in-degree less the follows of unobserved accounts when these are few
    (the usual case: following lists are what was loaded), else one ``bincount``
    over the follows of observed accounts. May build the reverse CSR.

    >>> g = FollowGraph.from_pairs([("a", "c"), ("b", "c")], observed=["a"])
    >>> dict(zip(g.keys, observed_in_degree(g).tolist()))
    {'a': 0, 'c': 1, 'b': 0}
    """
    observed = graph.observed
    unobserved = np.flatnonzero(~observed)
    out_degree = graph.out_degree()
    if int(out_degree[unobserved].sum()) * 4 < graph.n_follows:
        from_unobserved = np.bincount(graph.gather_following(unobserved), minlength=graph.n_accounts)
        return graph.in_degree().astype(np.int64) - from_unobserved
    from_observed = np.repeat(observed, out_degree)
    return np.bincount(graph.out_indices[from_observed], minlength=graph.n_accounts)


def _rest_counts(
    graph: FollowGraph, aud: Audience, audience: np.ndarray, brand_count: int, members: np.ndarray
) -> np.ndarray | None:
    """``audience_counts(graph, members)`` of the ``rest`` baseline, by subtraction, or ``None``.

    The rest is every observed account but the observed audience and the brand, so
    its counts are the observed in-degree less ``audience`` (the audience's counts,
    ``brand_count`` at the brand's id) less the brand's own follows if it is
    observed: exact integers, and no pass over the rest's follows. ``None`` when
    that is not cheaper (the follows of unobserved accounts are not few).
    """
    out_degree = graph.out_degree()
    from_unobserved = int(out_degree[~graph.observed].sum())
    if from_unobserved * 2 >= int(out_degree[members].sum()):
        return None
    counts = observed_in_degree(graph) - audience
    counts[aud.brand_id] -= brand_count
    if graph.observed[aud.brand_id]:
        counts[graph.following(aud.brand_id)] -= 1
    return counts


def sort_columns(sort: str) -> list[str]:
    """The descending sort columns of ``--sort`` (then ``account`` ascending)."""
    return {
        "count": ["audience_count"],
        "share": ["audience_share", "audience_count"],
        "lift": ["affinity", "audience_count"],
        "lift-lower": ["lift_lower", "audience_count"],
    }[sort]


def order_rows(table: pd.DataFrame, descending: list[str]) -> pd.DataFrame:
    """Sort by ``descending`` columns (missing values last), then ``account`` ascending."""
    keys = pd.DataFrame(index=table.index)
    for i, column in enumerate(descending):
        values = pd.to_numeric(table[column], errors="coerce").astype("float64")
        keys[f"k{i}"] = values.fillna(-np.inf).to_numpy()
    keys["account"] = table["account"].astype(object).to_numpy()
    order = keys.sort_values(
        [*(f"k{i}" for i in range(len(descending))), "account"],
        ascending=[False] * len(descending) + [True], kind="stable",
    ).index
    return table.loc[order]


def _check_score_options(*, weight: str, z: float, baseline: str | None, population: int | None) -> None:
    if weight not in WEIGHTS:
        raise QueryError(f"unknown weight {weight!r}; choose one of {', '.join(WEIGHTS)}")
    if not 0 < z <= MAX_Z:
        raise QueryError(f"z must be above 0 and at most {MAX_Z:g} (1.96 is a 95% interval), not {z}")
    if population is not None and baseline not in (None, _REST):
        raise QueryError("give either a baseline account or --population, not both")
    if population is not None and population < 1:
        raise QueryError(f"--population must be at least 1, not {population}")


def check_affinity_options(
    *, sort: str, top: int | None, min_count: int, weight: str, z: float,
    baseline: str | None, population: int | None, tiers: Sequence[str] | None,
    tier_scheme: TierScheme | None,
) -> TierScheme:
    """Refuse bad :func:`affinity` options (every backend calls this); return the tier scheme.

    >>> check_affinity_options(sort="count", top=0, min_count=1, weight="none", z=1.96,
    ...                        baseline=None, population=None, tiers=None, tier_scheme=None)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --top must be at least 1, not 0
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    if min_count < 1:
        raise QueryError(f"--min-count must be at least 1, not {min_count}")
    _check_score_options(weight=weight, z=z, baseline=baseline, population=population)
    scheme = resolve_tiers(tier_scheme, tiers)
    return scheme


def affinity(
    graph: FollowGraph,
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
    z: float = DEFAULT_Z,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """Rank the accounts that ``brand``'s observed followers follow, against a baseline.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
        The brand's handle.
    top : int, optional
        Keep the first ``top`` rows.
    sort : {"lift-lower", "lift", "share", "count"}
        ``lift-lower`` (default): the confidence-aware lift; ``lift``: the raw
        ``affinity``; ``share``: ``audience_share`` (differs from ``count`` only
        when weighted); ``count``: ``audience_count``. All descending, missing
        values last, then ``audience_count`` descending, then ``account``
        ascending. Without a baseline the lift sorts use ``share``.
    tiers : list of str, optional
        Keep only accounts in these tiers (e.g. ``["nano", "micro"]``).
    min_count : int
        Drop accounts followed by fewer of the audience.
    exclude_followed : bool
        Drop accounts the brand already follows.
    baseline, population, weight, z
        See :func:`affinity_scores`.
    tier_scheme : TierScheme, optional

    Returns
    -------
    DataFrame
        ``rank, account, audience_count, audience_share, baseline_count,
        baseline_share, affinity, lift_lower, tier, followers_count``.
        ``attrs``: ``brand``, ``audience_observed``, ``audience_followers``,
        ``baseline`` (its label), ``baseline_size``, ``weight``, ``z``, ``sort``
        (the sort applied) and ``note`` (why columns are empty or no row is
        left; ``None`` otherwise).

    Raises
    ------
    AccountNotFound
        ``brand`` (or the baseline account) is not in the graph.
    QueryError
        None of the brand's followers is observed; bad options.

    Examples
    --------
    >>> g = FollowGraph.from_pairs([("f", "brand"), ("f", "x")])
    >>> t = affinity(g, "brand")
    >>> t[["account", "audience_count", "baseline_share", "affinity"]]
      account  audience_count  baseline_share  affinity
    0       x               1            <NA>      <NA>
    >>> t.attrs["note"].split(",")[0]
    "no baseline: every observed account other than 'brand' follows it"
    """
    scheme = check_affinity_options(
        sort=sort, top=top, min_count=min_count, weight=weight, z=z, baseline=baseline,
        population=population, tiers=tiers, tier_scheme=tier_scheme,
    )
    scores = affinity_scores(graph, brand, baseline=baseline, population=population, weight=weight, z=z)
    aud = scores.audience
    candidates = np.flatnonzero(scores.counts >= min_count)
    if exclude_followed:
        candidates = np.setdiff1d(candidates, graph.following(aud.brand_id), assume_unique=True)
    notes = [scores.note] if scores.note else []
    if population is not None and scores.baseline_counts is not None:
        base_shares = scores.baseline_shares[candidates]
        missing = int(np.count_nonzero(np.isnan(base_shares)))
        too_big = np.flatnonzero(base_shares > 1)
        if len(too_big):
            row = affinity_frame(graph, scores, candidates[too_big[:1]], scheme).iloc[0]
            raise population_too_small(population, row["account"], row["followers_count"])
        if missing:
            notes.append(missing_counts_note(missing, len(candidates)))
    applied = applied_sort(sort, scores.lift is not None, notes)
    if top is None or len(candidates) == 0:
        table = affinity_frame(graph, scores, candidates, scheme)
        if tiers:
            table = table[table["tier"].isin(list(tiers))]
        table = order_rows(table, sort_columns(applied))
    else:
        # rank in numpy and build rows only for the winners (the frame of every candidate
        # costs ten times the counting); same rows and order as the full sort above
        kept = candidates
        if tiers:
            tier = scheme.assign(_followers_count(graph, candidates))
            kept = candidates[np.asarray(tier.isin(list(tiers)), dtype=bool)]
        columns = {"audience_count": scores.counts, "audience_share": scores.shares,
                   "affinity": scores.lift, "lift_lower": scores.lift_lower}
        keys = [columns[name][kept] for name in sort_columns(applied)]
        chosen = top_rows(graph, kept, keys, top)
        if len(chosen):
            table = affinity_frame(graph, scores, chosen, scheme)
        else:  # the dtypes a filtered full frame has
            table = affinity_frame(graph, scores, candidates[:1], scheme).iloc[:0]
    if top is not None:
        table = table.head(top)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    if table.empty:
        notes.append(why_empty(aud, min_count, exclude_followed, tiers))
    table.attrs.update({
        # the terminal shows these; csv/json/parquet carry every column
        "table_columns": ["rank", "account", "audience_count", "audience_share", "affinity",
                          "lift_lower", "tier", "followers_count"],
        "brand": aud.brand,
        "audience_observed": aud.n_observed,
        "audience_followers": aud.n_followers,
        "baseline": scores.baseline,
        "baseline_size": scores.baseline_size,
        "weight": weight,
        "z": z,
        "sort": applied,
        "note": "; ".join(notes) or None,
    })
    return table


def affinity_frame(
    graph: FollowGraph, scores: AffinityScores, ids: np.ndarray, scheme: TierScheme
) -> pd.DataFrame:
    """The affinity columns (no ``rank``) of accounts ``ids``, in the order given."""
    followers_count = _followers_count(graph, ids)

    def column(values: np.ndarray | None, dtype: str) -> pd.api.extensions.ExtensionArray:
        if values is None:
            return pd.array([pd.NA] * len(ids), dtype=dtype)
        return masked_array(values[ids], dtype)

    return pd.DataFrame({
        "account": graph.keys_of(ids),
        "audience_count": scores.counts[ids].astype(np.int64),
        "audience_share": scores.shares[ids],
        "baseline_count": column(scores.baseline_counts, "Int64"),
        "baseline_share": column(scores.baseline_shares, "Float64"),
        "affinity": column(scores.lift, "Float64"),
        "lift_lower": column(scores.lift_lower, "Float64"),
        "tier": scheme.assign(followers_count),
        "followers_count": followers_count,
    })


def affinity_frame_from_counts(
    accounts: Sequence[str], counts: np.ndarray, baseline_counts: np.ndarray, followers_count: np.ndarray, *,
    mode: str, n: int, size: int, z: float, scheme: TierScheme,
) -> pd.DataFrame:
    """The affinity columns (no ``rank``) from counts an engine computed elsewhere (Neo4j, Spark).

    ``mode`` is the baseline kind: ``"rest"``, ``"account"``, ``"population"``
    (``baseline_counts`` are then the declared follower counts) or ``"none"``;
    ``n`` is the observed audience and ``size`` the baseline's size (the
    population). Missing values are ``NaN``. The arithmetic is
    :func:`affinity_scores`' (unweighted), so the numbers equal the in-memory ones.

    >>> t = affinity_frame_from_counts(["x"], np.array([2]), np.array([1.0]), np.array([np.nan]),
    ...                                mode="rest", n=2, size=2, z=1.96, scheme=TierScheme.default())
    >>> t[["account", "audience_share", "baseline_share", "affinity"]]
      account  audience_share  baseline_share  affinity
    0       x             1.0             0.5       2.0
    """
    counts = np.asarray(counts, dtype=np.int64)
    shares = np.clip(counts / n, 0.0, 1.0)
    share_low, _ = wilson_bounds(shares, float(n), z)
    missing = np.full(len(counts), np.nan)
    base_counts = base_shares = lift = lift_lower = missing
    if mode != "none":
        floor = 0.5 / size
        base_counts = np.asarray(baseline_counts, dtype=np.float64)
        base_shares = base_counts / size
        lift = shares / np.maximum(base_shares, floor)
        if mode == "population":
            lift_lower = share_low / np.maximum(base_shares, floor)
        else:
            _, base_high = wilson_bounds(base_shares, float(size), z)
            lift_lower = share_low / np.maximum(base_high, floor)
    declared = masked_array(np.asarray(followers_count, dtype=np.float64), "Int64")
    return pd.DataFrame({
        "account": np.asarray(list(accounts), dtype=object),
        "audience_count": counts,
        "audience_share": shares,
        "baseline_count": masked_array(base_counts, "Int64"),
        "baseline_share": masked_array(base_shares, "Float64"),
        "affinity": masked_array(lift, "Float64"),
        "lift_lower": masked_array(lift_lower, "Float64"),
        "tier": scheme.assign(declared),
        "followers_count": declared,
    })


def _followers_count(graph: FollowGraph, ids: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The declared ``followers_count`` of accounts ``ids`` as ``Int64``."""
    followers_count = pd.to_numeric(graph.attribute("followers_count").iloc[ids], errors="coerce")
    return pd.array(followers_count.to_numpy(dtype=np.float64, na_value=np.nan), dtype="Int64")


def top_rows(graph: FollowGraph, ids: np.ndarray, descending: Sequence[np.ndarray], top: int) -> np.ndarray:
    """The first ``top`` of ``ids`` in the order of :func:`order_rows`, without a frame.

    ``descending`` are the sort keys aligned with ``ids`` (``NaN`` last), then the
    account key ascending breaks ties. Only the rows that can be among the first
    ``top`` — the ``top`` best by the numeric keys and every row tied with the
    last of them on all of these keys — are ordered, and only their keys read.

    >>> g = FollowGraph.from_pairs([("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")])
    >>> ids = g.ids_of(["b", "d", "f", "h"])
    >>> g.keys_of(top_rows(g, ids, [np.array([1.0, 2.0, 2.0, np.nan])], 2)).tolist()
    ['d', 'f']
    >>> g.keys_of(top_rows(g, ids, [np.array([1.0, 1.0, 3.0, 1.0]), np.array([0, 5, 0, 5])], 2)).tolist()
    ['f', 'd']
    """
    ids = np.asarray(ids, dtype=np.int64)
    # NaN sorts last, like -inf; adding 0.0 makes -0.0 equal to 0.0 for partition and sort
    keys = [np.where(np.isnan(k), -np.inf, np.asarray(k, dtype=np.float64)) + 0.0 for k in descending]
    if len(ids) > top:
        keep = _top_with_ties(keys, top)
        ids = ids[keep]
        keys = [k[keep] for k in keys]
    names = graph.keys_of(ids)
    order = np.argsort(names, kind="stable")  # by key first, so the stable lexsort breaks ties by key
    order = order[np.lexsort([-k[order] for k in reversed(keys)])]
    return ids[order[:top]]


def _top_with_ties(keys: list[np.ndarray], top: int) -> np.ndarray:
    """Mask of the ``top`` best rows by ``keys`` (descending, lexicographic) and all their ties."""
    n = len(keys[0])
    keep = np.zeros(n, dtype=bool)
    contenders = np.arange(n)  # rows tied with the cut-off on every key so far
    left = top  # places still free among the contenders
    for key in keys:
        if len(contenders) <= left:
            break
        values = key[contenders]
        cut = np.partition(values, len(values) - left)[len(values) - left]
        better = values > cut
        keep[contenders[better]] = True
        left -= int(np.count_nonzero(better))
        contenders = contenders[values == cut]
    keep[contenders] = True
    return keep


def masked_array(values: np.ndarray, dtype: str = "Float64") -> pd.api.extensions.ExtensionArray:
    """A nullable ``Float64``/``Int64`` array with ``NaN`` as missing.

    >>> masked_array(np.array([1.5, np.nan])).tolist()
    [1.5, <NA>]
    """
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if dtype == "Int64":
        return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing)


def why_empty(aud: Audience, min_count: int, exclude_followed: bool, tiers) -> str:
    """Why no row is left after the filters (``aud`` needs ``brand`` and ``n_observed``)."""
    filters = [f"followed by at least {min_count:,} of the audience"]
    if exclude_followed:
        filters.append(f"not followed by {aud.brand!r}")
    if tiers:
        filters.append(f"in tier {', '.join(tiers)}")
    return (
        f"no account is {' and '.join(filters)} ({aud.n_observed:,} observed followers of "
        f"{aud.brand!r}): relax the filters"
    )
