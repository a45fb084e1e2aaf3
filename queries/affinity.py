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
follows ``d(f)`` accounts weighs ``w(f) = ln(1 + N / d(f))``, with ``d(f)`` the
larger of ``f``'s follows in the graph and its declared ``following_count``, and
``N`` the number of observed accounts: the population whose following lists
are known, from which every audience and sampled baseline is drawn. Accounts
known only from a profile, a post or a customer file do not change ``N``, so
loading them does not change the weights. Shares become weighted
(``sum of w over the followers of a`` / ``sum of w``), in the audience and in a
sampled baseline alike, and the Wilson bounds use Kish's effective sample size
``(sum w)² / sum w²``. ``audience_count`` and ``baseline_count`` stay plain counts.

Small samples: the share of an audience is measured on ``n`` observed
followers, so it carries a margin of error. ``table.attrs["share_margin"]`` is
the worst case (``p = 0.5``) half-width of its interval at the confidence of
``z`` (95 % by default): ``z · sqrt(0.25 / n)``, times the finite-population
correction ``sqrt((N - n) / (N - 1))`` when the brand's follower count ``N`` is
known (its declared ``followers_count``); with ``weight`` it uses the effective
sample size. Below :data:`queries.sample_size.MIN_SAMPLE` (30) observed followers the margin is
wider than ±18 points, the normal approximation behind the Wilson bounds is
rough and one follower more or less moves a lift by a large factor:
``attrs["sample_warning"]`` says so, and the CLI prints it.

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
from queries.audience import Audience, audience, audience_counts, observed_in_degree
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
from queries.ranking import masked_array, order_rows, top_rows
from queries.sample_size import sample_attrs

__all__ = [
    "affinity",
    "affinity_scores",
    "AffinityScores",
    "follower_weights",
    "weight_population",
    "wilson_bounds",
    "affinity_frame",
    "check_affinity_options",
    "sort_columns",
    "empty_result_note",
    "TABLE_COLUMNS",
    "SORTS",
    "WEIGHTS",
    "DEFAULT_Z",
]

#: ``--sort`` values; the first is the default.
SORTS = ("lift-lower", "lift", "share", "count")

#: ``--weight`` values.
WEIGHTS = ("none", "mass-followers")

#: z of the Wilson intervals: 1.96 is a two-sided 95 % interval.
DEFAULT_Z = 1.96

#: The columns the terminal shows; csv/json/parquet carry every column.
TABLE_COLUMNS = ["rank", "account", "audience_count", "audience_share", "affinity", "lift_lower", "tier",
                 "followers_count"]


def weight_population(graph: FollowGraph) -> int:
    """``N`` of the mass-follower weight: the number of observed accounts.

    >>> weight_population(FollowGraph.from_pairs([("a", "b"), ("b", "c")]))
    2
    """
    return int(np.count_nonzero(graph.observed))


def follower_weights(graph: FollowGraph, ids: np.ndarray) -> np.ndarray:
    """The mass-follower weight ``ln(1 + N / d(f))`` of accounts ``ids``.

    ``N`` is :func:`weight_population` (the observed accounts); ``d(f)`` is the
    larger of the follows of ``f`` in the graph and its declared
    ``following_count`` (at least 1).

    >>> g = FollowGraph.from_pairs([("a", "b"), ("a", "c"), ("a", "d"), ("b", "c")])
    >>> follower_weights(g, g.ids_of(["a", "b"])).round(4).tolist()  # ln(1 + 2/3), ln(1 + 2/1)
    [0.5108, 1.0986]
    """
    ids = np.asarray(ids, dtype=np.int64)
    degree = (graph.out_indptr[ids + 1] - graph.out_indptr[ids]).astype(np.float64)
    declared = graph.attribute("following_count").iloc[ids]
    declared = pd.to_numeric(declared, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    degree = np.fmax(degree, declared)
    return np.log1p(weight_population(graph) / np.maximum(degree, 1.0))


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
    #: the audience's sample size behind the shares (Kish's effective size when weighted)
    effective_n: float | None = None


def _weighted(graph: FollowGraph, ids: np.ndarray, weight: str, z: float, counts: np.ndarray | None = None):
    """Counts, shares, Wilson bounds and (effective) sample size of the population ``ids``.

    ``ids`` is non-empty; ``counts``, if given, are ``audience_counts(graph, ids)``
    computed another way.
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
    return counts, shares, low, high, n_eff


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
    counts, shares, share_low, _, n_eff = _weighted(graph, aud.observed, weight, z)
    brand_count = int(counts[aud.brand_id])
    counts[aud.brand_id] = 0
    shares[aud.brand_id] = 0.0
    share_low[aud.brand_id] = 0.0
    common = dict(audience=aud, counts=counts, shares=shares, share_lower=share_low, weight=weight, z=z,
                  effective_n=n_eff)

    kind = baseline_kind(baseline, population)
    if kind == "population":
        declared = pd.to_numeric(graph.attribute("followers_count"), errors="coerce")
        declared = declared.to_numpy(dtype=np.float64, na_value=np.nan)
        label = population_label(population)
        if np.isnan(declared).all():
            return AffinityScores(
                **common, baseline=label, baseline_size=population, baseline_counts=None,
                baseline_shares=None, lift=None, lift_lower=None, note=no_declared_counts_note(population),
            )
        base_share = declared / population
        floor = 0.5 / population
        lift = shares / np.maximum(base_share, floor)
        lift_lower = share_low / np.maximum(base_share, floor)
        return AffinityScores(
            **common, baseline=label, baseline_size=population, baseline_counts=declared,
            baseline_shares=base_share, lift=lift, lift_lower=lift_lower, note=None,
        )

    if kind == "rest":
        mask = graph.observed.copy()
        mask[aud.followers] = False
        mask[aud.brand_id] = False
        members = np.flatnonzero(mask)
        label = REST
        why = empty_rest_note(aud.brand)
    else:
        ref_id = graph.id_of(baseline)
        ref_key = str(graph.keys_of([ref_id])[0])
        check_reference(ref_key, aud.brand)
        followers = np.asarray(graph.followers(ref_id), dtype=np.int64)
        members = followers[graph.observed[followers] & (followers != aud.brand_id)]
        label = ref_key
        why = empty_reference_note(ref_key, len(followers))
    if len(members) == 0:
        return AffinityScores(
            **common, baseline=label, baseline_size=0, baseline_counts=None,
            baseline_shares=None, lift=None, lift_lower=None, note=why,
        )
    rest = None
    if weight == "none" and kind == "rest":
        rest = _rest_counts(graph, aud, counts, brand_count, members)
    base_counts, base_shares, _, base_high, _ = _weighted(graph, members, weight, z, rest)
    floor = 0.5 / len(members)
    lift = shares / np.maximum(base_shares, floor)
    lift_lower = share_low / np.maximum(base_high, floor)
    return AffinityScores(
        **common, baseline=label, baseline_size=len(members), baseline_counts=base_counts,
        baseline_shares=base_shares, lift=lift, lift_lower=lift_lower, note=None,
    )


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
    """The columns a ``--sort`` orders by, descending (then ``account`` ascending).

    >>> sort_columns("lift-lower")
    ['lift_lower', 'audience_count']
    """
    return {
        "count": ["audience_count"],
        "share": ["audience_share", "audience_count"],
        "lift": ["affinity", "audience_count"],
        "lift-lower": ["lift_lower", "audience_count"],
    }[sort]


def _check_score_options(*, weight: str, z: float, baseline: str | None, population: int | None) -> None:
    if weight not in WEIGHTS:
        raise QueryError(f"unknown weight {weight!r}; choose one of {', '.join(WEIGHTS)}")
    if not 0 < z <= MAX_Z:
        raise QueryError(f"z must be above 0 and at most {MAX_Z:g} (1.96 is a 95% interval), not {z}")
    if population is not None and baseline not in (None, REST):
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
        ``baseline`` (its label), ``baseline_size``, ``weight``,
        ``weight_population`` (``N`` of the mass-follower weight, ``None``
        unweighted), ``z``, ``sort`` (the sort applied), ``share_margin`` (the
        audience share's worst-case margin of error), ``share_margin_population``
        (the follower count its finite-population correction used, ``None``
        when unknown), ``confidence`` (of ``z``), ``sample_warning`` (below
        :data:`~queries.sample_size.MIN_SAMPLE` observed followers, else ``None``)
        and ``note`` (why columns are empty or no row is
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
            raise population_too_small(population, row["account"], int(row["followers_count"]))
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
        notes.append(empty_result_note(aud.brand, aud.n_observed, min_count, exclude_followed, tiers))
    table.attrs.update({
        "table_columns": list(TABLE_COLUMNS),
        "brand": aud.brand,
        "audience_observed": aud.n_observed,
        "audience_followers": aud.n_followers,
        "baseline": scores.baseline,
        "baseline_size": scores.baseline_size,
        "weight": weight,
        "weight_population": weight_population(graph) if weight == "mass-followers" else None,
        "z": z,
        "sort": applied,
        **sample_attrs(aud.n_observed, aud.n_followers, _declared_followers(graph, aud.brand_id), z,
                       scores.effective_n if weight != "none" else None),
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


def _declared_followers(graph: FollowGraph, account_id: int) -> float | None:
    value = pd.to_numeric(pd.Series([graph.attribute("followers_count").iloc[account_id]]), errors="coerce")[0]
    return None if pd.isna(value) else float(value)


def _followers_count(graph: FollowGraph, ids: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The declared ``followers_count`` of accounts ``ids`` as ``Int64``."""
    followers_count = pd.to_numeric(graph.attribute("followers_count").iloc[ids], errors="coerce")
    return pd.array(followers_count.to_numpy(dtype=np.float64, na_value=np.nan), dtype="Int64")


def empty_result_note(
    brand: str, n_observed: int, min_count: int, exclude_followed: bool, tiers: Sequence[str] | None
) -> str:
    """Why an affinity table has no row: the filters that left nothing (every engine says this).

    >>> empty_result_note("acme", 12, 3, True, None)
    "no account is followed by at least 3 of the audience and not followed by 'acme' (12 observed followers of 'acme'): relax the filters"
    """
    filters = [f"followed by at least {min_count:,} of the audience"]
    if exclude_followed:
        filters.append(f"not followed by {brand!r}")
    if tiers:
        filters.append(f"in tier {', '.join(tiers)}")
    return (
        f"no account is {' and '.join(filters)} ({n_observed:,} observed followers of "
        f"{brand!r}): relax the filters"
    )
