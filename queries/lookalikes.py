"""Lookalikes: accounts whose observed audience overlaps a seed account's.

For a seed S and any other account C, let ``A(X)`` be the *observed* followers
of X (followers whose following list is loaded: only for them do we know
whom else they follow, so only they can be compared fairly). Then

* ``shared = |A(S) ∩ A(C)|`` — how many of S's observed followers also follow C;
* ``jaccard = shared / |A(S) ∪ A(C)|`` — audiences that are alike *and* of similar size;
* ``overlap = shared / min(|A(S)|, |A(C)|)`` — how much of the smaller audience lies
  inside the other (finds niche accounts inside a big seed's audience, and the reverse);
* ``cosine = shared / sqrt(|A(S)| |A(C)|)`` — between the two.

``shared`` for every account at once is one gather of the followees of ``A(S)``
and a ``bincount``; ``|A(C)|`` is the observed in-degree: the in-degree less a
``bincount`` over the follows of unobserved accounts (usually few), or a
``bincount`` over those of observed accounts. With ``top``, the ranking is done
in numpy and only the rows shown are built. No Python loop over accounts.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([
...     ("f1", "seed"), ("f2", "seed"), ("f3", "seed"),
...     ("f1", "twin"), ("f2", "twin"), ("f3", "twin"),
...     ("f1", "big"), ("f4", "big"), ("f5", "big"), ("f6", "big"),
... ])
>>> lookalikes(g, "seed", metric="jaccard", min_audience=1)[["rank", "account", "score", "shared"]]
   rank account     score  shared
0     1    twin  1.000000       3
1     2     big  0.166667       1
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme, resolve_tiers
from queries.audience import audience, observed_in_degree
from queries.ranking import top_rows

__all__ = [
    "lookalikes",
    "similarity",
    "METRICS",
    "check_lookalikes_options",
    "nothing_shared",
    "nothing_large_enough",
    "nothing_in_tier",
]

METRICS = ("jaccard", "overlap", "cosine")


def similarity(shared: np.ndarray, size_a: int, size_b: np.ndarray, metric: str) -> np.ndarray:
    """The ``metric`` of audiences of sizes ``size_a`` and ``size_b`` sharing ``shared``."""
    shared = shared.astype(np.float64)
    size_b = size_b.astype(np.float64)
    if metric == "jaccard":
        return shared / (size_a + size_b - shared)
    if metric == "overlap":
        return shared / np.minimum(size_a, size_b)
    if metric == "cosine":
        return shared / np.sqrt(size_a * size_b)
    raise QueryError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def check_lookalikes_options(
    *, metric: str, min_audience: int, min_shared: int, top: int | None,
    tiers: Sequence[str] | None, tier_scheme: TierScheme | None,
) -> TierScheme:
    """Refuse bad :func:`lookalikes` options (every backend calls this); return the tier scheme.

    >>> check_lookalikes_options(metric="dice", min_audience=5, min_shared=1, top=None,
    ...                          tiers=None, tier_scheme=None)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: unknown metric 'dice'; choose one of jaccard, overlap, cosine
    """
    if metric not in METRICS:
        raise QueryError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    for name, value in (("--min-audience", min_audience), ("--min-shared", min_shared)):
        if value < 1:
            raise QueryError(f"{name} must be at least 1, not {value}")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    scheme = resolve_tiers(tier_scheme, tiers)
    return scheme


def nothing_shared(seed: str, n_observed: int, min_shared: int) -> QueryError:
    """The error when the seed's observed followers follow no other account (``min_shared`` times)."""
    return QueryError(
        f"none of {seed!r}'s {n_observed:,} observed followers follows any other "
        f"account{'' if min_shared == 1 else f' shared by {min_shared} of them'}: "
        "no audience to compare"
    )


def nothing_large_enough(seed: str, min_audience: int) -> QueryError:
    """The error when every account sharing followers with the seed has a smaller audience."""
    return QueryError(
        f"no account that shares followers with {seed!r} has {min_audience:,} or more "
        "observed followers: lower --min-audience"
    )


def nothing_in_tier(seed: str, tiers: Sequence[str]) -> QueryError:
    """The error when no lookalike is in the tiers asked for.

    >>> str(nothing_in_tier("acme", ["nano"]))
    "no lookalike of 'acme' is of tier nano (is a profiles file with follower counts loaded?)"
    """
    return QueryError(
        f"no lookalike of {seed!r} is of tier {', '.join(tiers)} "
        "(is a profiles file with follower counts loaded?)"
    )


def lookalikes(
    graph: FollowGraph,
    seed: str,
    *,
    metric: str = "jaccard",
    min_audience: int = 5,
    min_shared: int = 1,
    top: int | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """Accounts whose observed audience is most like ``seed``'s.

    Parameters
    ----------
    graph : FollowGraph
    seed : str
        The account to find lookalikes of.
    metric : {"jaccard", "overlap", "cosine"}
        See the module notes.
    min_audience : int
        Leave out accounts with fewer observed followers: with an audience of
        2, one shared follower already scores 0.5 (``overlap`` even 1.0).
    min_shared : int
        Leave out accounts sharing fewer followers with the seed.
    top : int, optional
        Keep the first ``top`` rows.
    tiers : list of str, optional
        Keep only these tiers.

    Returns
    -------
    DataFrame
        ``rank, account, score, shared, audience, tier, followers_count``:
        ``shared`` is ``|A(S) ∩ A(C)|``, ``audience`` is ``|A(C)|``. Sorted by
        ``score`` descending, then ``shared`` descending, then ``account``.
        ``attrs``: ``seed``, ``metric``, ``seed_audience`` (``|A(S)|``).

    Raises
    ------
    AccountNotFound
        ``seed`` is not in the graph.
    QueryError
        Bad options; the seed has no followers, or none of them is observed;
        no account is left after the filters (the message says which filter).
    """
    scheme = check_lookalikes_options(
        metric=metric, min_audience=min_audience, min_shared=min_shared, top=top, tiers=tiers,
        tier_scheme=tier_scheme,
    )
    aud = audience(graph, seed, require_observed=True)
    shared = np.bincount(graph.gather_following(aud.observed), minlength=graph.n_accounts)
    shared[aud.brand_id] = 0
    sizes = observed_in_degree(graph)
    candidates = np.flatnonzero(shared >= min_shared)
    if len(candidates) == 0:
        raise nothing_shared(aud.brand, aud.n_observed, min_shared)
    candidates = candidates[sizes[candidates] >= min_audience]
    if len(candidates) == 0:
        raise nothing_large_enough(aud.brand, min_audience)
    score = np.zeros(graph.n_accounts, dtype=np.float64)
    score[candidates] = similarity(shared[candidates], aud.n_observed, sizes[candidates], metric)
    if top is None:
        table = _frame(graph, candidates, score, shared, sizes, scheme)
        if tiers:
            table = table[table["tier"].isin(list(tiers))]
    else:
        # rank in numpy and build rows only for the winners; same rows and order as below
        if tiers:
            tier = scheme.assign(graph.attribute("followers_count").iloc[candidates].to_numpy())
            candidates = candidates[np.asarray(tier.isin(list(tiers)), dtype=bool)]
        chosen = top_rows(graph, candidates, [score[candidates], shared[candidates]], top)
        table = _frame(graph, chosen, score, shared, sizes, scheme)
    if tiers and table.empty:
        raise nothing_in_tier(aud.brand, tiers)
    if top is None:
        table = table.sort_values(
            ["score", "shared", "account"], ascending=[False, False, True], kind="stable"
        )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table.attrs.update({"seed": aud.brand, "metric": metric, "seed_audience": aud.n_observed,
                        "seed_followers": aud.n_followers})
    return table


def _frame(
    graph: FollowGraph, ids: np.ndarray, score: np.ndarray, shared: np.ndarray, sizes: np.ndarray,
    scheme: TierScheme,
) -> pd.DataFrame:
    """The lookalike columns (no ``rank``) of accounts ``ids``, in the order given."""
    followers_count = graph.attribute("followers_count").iloc[ids]
    return pd.DataFrame({
        "account": graph.keys_of(ids),
        "score": score[ids],
        "shared": shared[ids].astype(np.int64),
        "audience": sizes[ids].astype(np.int64),
        "tier": scheme.assign(followers_count.to_numpy()),
        "followers_count": pd.array(followers_count.to_numpy(), dtype="Int64"),
    })
