"""Centrality: which accounts are central in the follow graph, overall or around seeds.

Measures (all from :mod:`graphkit.algorithms.centrality`, sparse over the whole graph):

* ``pagerank`` — the share of time a random walker following follows spends on
  the account (damping 0.85): influence that flows through the network.
* ``ppr`` — personalized PageRank: the same walk teleporting only to seed
  accounts (``seeds``) or to a brand's observed followers (``audience_of``):
  influence *as seen from* the seeds.
* ``in-degree`` / ``out-degree`` — followers / follows inside the graph.
* ``hits`` — HITS authority (followed by good hubs); the hub score is shown beside it.
* ``betweenness`` — the share of shortest follow paths through the account
  (brokers between groups): exact on the neighbourhood of ``seeds`` (the
  seeds, their followers and the accounts they follow), else estimated from
  ``samples`` random source accounts.

The ranking runs on NumPy (:func:`queries.ranking.top_rows`) and rows are
built only for the accounts shown, as a :class:`~queries.result_table.ResultTable`
(:func:`centrality_table`): ``graphkit centrality`` writes it without importing
pandas; :func:`centrality` returns its pandas frame.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "b"), ("c", "b"), ("b", "d"), ("d", "b")])
>>> centrality(g, "in-degree")[["rank", "account", "score"]]
   rank account  score
0     1       b      3
1     2       d      1
2     3       a      0
3     4       c      0
>>> centrality(g, "ppr", seeds=["a"], top=2)[["rank", "account"]]
   rank account
0     1       b
1     2       d
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from graphkit.algorithms import centrality as algo
from graphkit.errors import QueryError
from graphkit.graph import FollowGraph, gather_rows
from graphkit.tiers import TierScheme, resolve_tiers
from queries.audience import audience
from queries.ranking import top_rows
from queries.result_table import (
    Column,
    ResultTable,
    category_column,
    float_column,
    int_column,
    masked_column,
    text_column,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["centrality", "centrality_table", "MEASURES", "NO_TELEPORT", "check_centrality_options",
           "pagerank_note", "ppr_note", "ranked_table", "centrality_rows"]

MEASURES = ("pagerank", "ppr", "in-degree", "out-degree", "hits", "betweenness")


def centrality(
    graph: FollowGraph,
    measure: str = "pagerank",
    *,
    seeds: Sequence[str] | None = None,
    audience_of: str | None = None,
    exclude_seeds: bool = False,
    top: int | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
    alpha: float = 0.85,
    samples: int = 100,
    sample_seed: int = 0,
    tol: float = 1e-10,
) -> pd.DataFrame:
    """Rank accounts by a centrality measure.

    Parameters
    ----------
    graph : FollowGraph
    measure : {"pagerank", "ppr", "in-degree", "out-degree", "hits", "betweenness"}
    seeds : list of str, optional
        ``ppr``: accounts the walk teleports to (equal weights).
        ``betweenness``: exact betweenness on these accounts' neighbourhood.
    audience_of : str, optional
        ``ppr`` only: teleport to this brand's observed followers ``O(B)``.
    exclude_seeds : bool
        Drop the seeds (and the brand of ``audience_of`` and its audience) from the result.
    top : int, optional
        Keep the first ``top`` rows (after the tier filter).
    tiers : list of str, optional
        Keep only these tiers.
    alpha : float
        PageRank damping.
    samples : int
        ``betweenness`` without seeds: source accounts drawn (all when ``>= n``).
    sample_seed : int
        Seed of that draw (same seed, same estimate).
    tol : float
        ``pagerank``/``ppr``: iterate until the L1 change is below ``tol``
        (every score is then within ``5.7 * tol`` of the exact value).

    Returns
    -------
    DataFrame
        ``rank, account, score, tier, followers_count`` (``hits`` adds ``hub``),
        by ``score`` descending then ``account``. ``attrs`` carry ``measure``
        and a human ``note`` (seeds used, sample size).

    Raises
    ------
    AccountNotFound
        A seed or ``audience_of`` is not in the graph.
    QueryError
        Unknown measure, an empty graph, ``ppr`` without seeds, seeds given to a
        measure that does not use them, a brand with no observed followers.
    """
    return centrality_table(
        graph, measure, seeds=seeds, audience_of=audience_of, exclude_seeds=exclude_seeds, top=top, tiers=tiers,
        tier_scheme=tier_scheme, alpha=alpha, samples=samples, sample_seed=sample_seed, tol=tol,
    ).to_pandas()


def centrality_table(
    graph: FollowGraph,
    measure: str = "pagerank",
    *,
    seeds: Sequence[str] | None = None,
    audience_of: str | None = None,
    exclude_seeds: bool = False,
    top: int | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
    alpha: float = 0.85,
    samples: int = 100,
    sample_seed: int = 0,
    tol: float = 1e-10,
) -> ResultTable:
    """:func:`centrality` as a :class:`~queries.result_table.ResultTable` (no pandas): same
    options, rows, order and ``attrs``.

    >>> g = FollowGraph.from_pairs([("a", "b"), ("c", "b"), ("b", "d")])
    >>> table = centrality_table(g, "in-degree", top=2)
    >>> table.values("account"), table.values("score"), table.attrs["measure"]
    (['b', 'd'], [2, 1], 'in-degree')
    """
    seeds = list(seeds or [])
    scheme = check_centrality_options(
        n_accounts=graph.n_accounts, measure=measure, top=top, seeds=seeds, audience_of=audience_of,
        tiers=tiers, tier_scheme=tier_scheme,
    )
    seed_ids = np.unique(graph.ids_of(seeds)) if seeds else np.zeros(0, dtype=np.int64)
    note = ""
    extra: dict[str, np.ndarray] = {}
    candidates = np.arange(graph.n_accounts)
    excluded = seed_ids

    if measure == "pagerank":
        score = algo.pagerank(graph, alpha=alpha, tol=tol)
        note = pagerank_note(alpha, graph.n_accounts)
    elif measure == "ppr":
        teleport = seed_ids
        aud = None
        if audience_of is not None:
            aud = audience(graph, audience_of, require_observed=True)
            teleport = np.union1d(teleport, aud.observed)
            excluded = np.union1d(excluded, np.append(aud.observed, aud.brand_id))
        if len(teleport) == 0:
            raise QueryError(NO_TELEPORT)
        score = algo.pagerank(graph, alpha=alpha, personalization={int(i): 1.0 for i in teleport}, tol=tol)
        note = ppr_note(alpha, len(seed_ids), aud.brand if aud else None, aud.n_observed if aud else 0)
    elif measure == "in-degree":
        score = graph.in_degree()
        note = "followers inside the graph"
    elif measure == "out-degree":
        score = graph.out_degree()
        note = "follows inside the graph"
    elif measure == "hits":
        hubs, score = algo.hits(graph)
        extra["hub"] = hubs
        note = "HITS authority (hub score beside it)"
    else:
        if len(seed_ids):
            around = np.unique(np.concatenate([
                seed_ids,
                gather_rows(graph.out_indptr, graph.out_indices, seed_ids),
                graph.gather_followers(seed_ids),
            ])).astype(np.int64)
            sub = graph.subgraph(around)
            score = np.zeros(graph.n_accounts)
            score[around] = algo.betweenness(sub)
            candidates = around
            note = f"exact betweenness on the {len(around):,}-account neighbourhood of the seeds"
        else:
            if samples < 1:
                raise QueryError(f"--samples must be at least 1, not {samples}")
            score = algo.betweenness(graph, k=samples, seed=sample_seed)
            if samples >= graph.n_accounts:
                note = f"exact betweenness over {graph.n_accounts:,} accounts"
            else:
                note = (
                    f"betweenness estimated from {samples:,} of {graph.n_accounts:,} source "
                    f"accounts (sample seed {sample_seed}); --samples raises precision"
                )

    if exclude_seeds and len(excluded):
        candidates = np.setdiff1d(candidates, excluded, assume_unique=True)
    followers_count = graph.numeric("followers_count")
    if tiers:
        candidates = candidates[np.isin(scheme.labels(followers_count[candidates]), list(tiers))]
    if len(candidates) == 0:
        raise QueryError(_empty_reason(tiers, exclude_seeds))
    # rank in NumPy (score descending, then account) and build rows only for the winners
    chosen = top_rows(graph, candidates, [score[candidates]], len(candidates) if top is None else top)
    return centrality_rows(
        graph.keys_of(chosen), score[chosen], followers_count[chosen], scheme,
        extra={name: values[chosen] for name, values in extra.items()}, measure=measure, note=note,
    )


#: ppr without a seed or an audience
NO_TELEPORT = "ppr needs seeds: --seed ACCOUNT (repeatable) or --audience-of BRAND"


def check_centrality_options(
    *, n_accounts: int, measure: str, top: int | None, seeds: Sequence[str], audience_of: str | None,
    tiers: Sequence[str] | None, tier_scheme: TierScheme | None,
) -> TierScheme:
    """Refuse bad :func:`centrality` options (every engine calls this); return the tier scheme.

    >>> check_centrality_options(n_accounts=3, measure="hits", top=None, seeds=["a"], audience_of=None,
    ...                          tiers=None, tier_scheme=None)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --seed applies to ppr and betweenness, not hits
    """
    if measure not in MEASURES:
        raise QueryError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    if n_accounts == 0:
        raise QueryError("the workspace is empty: load some lists first (graphkit load --help)")
    if seeds and measure not in ("ppr", "betweenness"):
        raise QueryError(f"--seed applies to ppr and betweenness, not {measure}")
    if audience_of is not None and measure != "ppr":
        raise QueryError(f"--audience-of applies to ppr, not {measure}")
    return resolve_tiers(tier_scheme, tiers)


def pagerank_note(alpha: float, n_accounts: int) -> str:
    """``attrs["note"]`` of ``pagerank``."""
    return f"PageRank (alpha={alpha}) over {n_accounts:,} accounts"


def ppr_note(alpha: float, n_seeds: int, brand: str | None, n_observed: int) -> str:
    """``attrs["note"]`` of ``ppr`` teleporting to ``n_seeds`` seeds and ``brand``'s observed followers."""
    what = f"{n_seeds:,} seed account(s)"
    if brand is not None:
        what = f"{n_observed:,} observed followers of {brand}" + (
            f" and {n_seeds:,} seed account(s)" if n_seeds else ""
        )
    return f"personalized PageRank (alpha={alpha}) teleporting to {what}"


def ranked_table(
    keys: np.ndarray, score: np.ndarray, followers_count, scheme: TierScheme, *, extra: dict | None = None,
    tiers: Sequence[str] | None, top: int | None, exclude_seeds: bool, measure: str, note: str,
) -> pd.DataFrame:
    """The centrality table of the candidate accounts (tier filter, order, ``top``, ``attrs``).

    ``keys``, ``score``, ``followers_count`` (numbers, ``None``/``NA`` missing)
    and each array of ``extra`` are aligned; rows are ordered by ``score``
    descending, then ``account`` (the engines that rank elsewhere hand their
    rows here).

    >>> ranked_table(np.array(["b", "a", "c"], dtype=object), np.array([1.0, 2.0, 1.0]), [None, 5, None],
    ...              TierScheme.default(), tiers=None, top=2, exclude_seeds=False, measure="pagerank",
    ...              note="")[["rank", "account", "score"]]
       rank account  score
    0     1       a    2.0
    1     2       b    1.0
    """
    import pandas as pd

    keys = np.asarray(keys, dtype=object)
    score = np.asarray(score)
    counts = pd.array(followers_count, dtype="Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    rows = np.arange(len(keys))
    if tiers:
        rows = rows[np.isin(scheme.labels(counts), list(tiers))]
    if len(rows) == 0:
        raise QueryError(_empty_reason(tiers, exclude_seeds))
    rows = rows[np.argsort(keys[rows], kind="stable")]  # by account, then (stable) by score descending
    rows = rows[np.argsort(-score[rows], kind="stable")][:top]
    return centrality_rows(keys[rows], score[rows], counts[rows], scheme,
                           extra={name: np.asarray(values)[rows] for name, values in (extra or {}).items()},
                           measure=measure, note=note).to_pandas()


def centrality_rows(
    keys: np.ndarray, score: np.ndarray, followers_count: np.ndarray, scheme: TierScheme, *,
    extra: dict | None = None, measure: str, note: str,
) -> ResultTable:
    """The rows of a centrality table, already chosen and ordered: ``rank, account, score``,
    ``extra`` (e.g. ``hub``), ``tier, followers_count`` (float counts, NaN missing).

    >>> rows = centrality_rows(np.array(["b"], dtype=object), np.array([3]), np.array([np.nan]),
    ...                        TierScheme.default(), measure="in-degree", note="")
    >>> rows.names, rows.values("tier"), rows.kind("score")
    (['rank', 'account', 'score', 'tier', 'followers_count'], ['unknown'], 'int64')
    """
    return ResultTable({
        "rank": int_column(np.arange(1, len(keys) + 1)),
        "account": text_column(keys),
        "score": _score_column(score),
        **{name: _score_column(values) for name, values in (extra or {}).items()},
        "tier": category_column(scheme.labels(followers_count), scheme.all_names),
        "followers_count": masked_column(followers_count, "Int64"),
    }, attrs={"measure": measure, "note": note})


def _score_column(values: np.ndarray) -> Column:
    """Degrees stay integers, the other measures are floats."""
    values = np.asarray(values)
    return int_column(values) if np.issubdtype(values.dtype, np.integer) else float_column(values)


def _empty_reason(tiers: Sequence[str] | None, exclude_seeds: bool) -> str:
    if tiers:
        return f"no account of tier {', '.join(tiers)} is left (is a profiles file loaded?)"
    if exclude_seeds:
        return "every account is a seed: nothing is left once the seeds are excluded"
    return "no account to rank"
