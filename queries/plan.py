"""Plan: which influencers to pay for, within a budget, for the most deduplicated reach.

The problem is *budgeted maximum coverage*. Every candidate influencer ``c``
covers the set of the brand's observed followers who follow ``c``; each set has
a cost (its tier's price, or a per-account price); the plan is a set of
influencers whose total cost is within the budget and whose union of covered
followers weighs the most. Each reached follower counts once, however many of
the chosen influencers it follows: overlap is not paid twice.

Algorithm
    The *modified greedy* algorithm of Khuller, Moss and Naor (1999): repeatedly
    take the affordable influencer with the largest new reach per unit of cost
    (ties: larger new reach, then account key ascending), until nothing
    affordable adds reach; then compare that plan with the single affordable
    influencer of largest reach and keep the better one. This is guaranteed to
    reach at least ``(1 - 1/e) / 2 ≈ 0.316`` of the optimum (their Theorem 3;
    the ``1 - 1/e`` variant of the same paper also enumerates every set of
    three influencers as a starting point, ``O(n^3)`` greedy runs, which does
    not scale to real candidate pools). In practice the greedy plan is far
    closer to the optimum than the bound: the tests compare it with brute force.
    The naive pick (walk down the ranking by score, take whoever still fits the
    budget) is computed too, and kept instead when it happens to reach more, so
    a plan never reaches less than the naive pick for the same money.

Coverage is vectorized: the candidates' covered followers are the rows of a
sparse 0/1 matrix (candidates x observed followers, CSR); each greedy step is
one sparse matrix-vector product's worth of work in total, because a
follower's weight is subtracted from the gains only once, when it is first
covered.

Niche weighting
    With ``niche=``, an observed follower ``f`` weighs ``1 + niche_overlap(f)``
    (``0..1``, :func:`graphkit.algorithms.niche.niche_overlap`; no profile
    text counts 0): a follower whose profile is all about the niche counts
    double. Without it every follower weighs 1 and reach is a head count.

References
----------
S. Khuller, A. Moss, J. Naor. The budgeted maximum coverage problem.
*Information Processing Letters* 70(1):39-45, 1999. doi:10.1016/S0020-0190(99)00031-9

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> follows = [(f, "brand") for f in ("f1", "f2", "f3", "f4")] + [
...     ("f1", "big"), ("f2", "big"), ("f3", "big"),
...     ("f1", "a"), ("f2", "a"), ("f4", "b")]
>>> g = FollowGraph.from_pairs(follows)
>>> costs = Costs(tier={}, account={"big": 300, "a": 100, "b": 100})
>>> table = plan(g, "brand", 200, costs=costs)
>>> table[["step", "account", "cost", "new_reach", "cumulative_reach"]]
   step account   cost  new_reach  cumulative_reach
0     1       a  100.0          2                 2
1     2       b  100.0          1                 3
>>> table.attrs["reach"], table.attrs["audience_weight"]
(3.0, 4.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphkit.config import parse_toml, read_config_text
from graphkit.errors import ConfigError, QueryError
from graphkit.graph import FollowGraph
from graphkit.handles import normalize_handle
from graphkit.tiers import TierScheme
from queries.audience import audience
from queries.glossary import format_money
from queries.rank import rank as rank_query

__all__ = [
    "Costs",
    "load_costs",
    "coverage_matrix",
    "audience_weights",
    "marginal_gains",
    "Selection",
    "modified_greedy",
    "naive_pick",
    "ranking_scores",
    "plan_frame",
    "plan",
    "check_budget",
    "check_priced",
    "plan_from_coverage",
    "GUARANTEE",
]

#: Share of the optimum the modified greedy plan is guaranteed to reach: (1 - 1/e) / 2.
GUARANTEE = (1 - 1 / math.e) / 2


# -- costs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Costs:
    """Price of an influencer by tier, with per-account overrides, in ``currency``.

    >>> costs = Costs(tier={"nano": 150.0}, account={"star": 99.0}, currency="EUR")
    >>> costs.prices(["star", "x", "y"], ["mega", "nano", "mid"]).tolist()
    [99.0, 150.0, nan]
    >>> costs.money(1500)
    '1,500 EUR'
    """

    tier: Mapping[str, float]
    account: Mapping[str, float] = field(default_factory=dict)
    source: str = "graphkit's placeholder costs"
    currency: str | None = None

    def money(self, amount: float) -> str:
        """``amount`` with the currency (see :func:`format_money`)."""
        return format_money(amount, self.currency)

    def prices(self, keys: Sequence[str], tiers: Sequence[str]) -> np.ndarray:
        """The price of each account (``NaN`` when neither its key nor its tier has one)."""
        by_tier = np.array([self.tier.get(str(t), np.nan) for t in tiers], dtype=np.float64)
        if self.account:
            override = np.array([self.account.get(str(k), np.nan) for k in keys], dtype=np.float64)
            by_tier = np.where(np.isnan(override), by_tier, override)
        return by_tier


def _price_table(table: object, name: str, source: str, *, normalize: bool) -> dict[str, float]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [{name}] must be a table of name = price")
    out = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise ConfigError(f"{source}: [{name}] {key!r} needs a price above 0, not {value!r}")
        handle = normalize_handle(key) if normalize else key
        if handle is None:
            raise ConfigError(f"{source}: [{name}] {key!r} is not an account handle")
        out[handle] = float(value)
    return out


def load_costs(path: str | Path | None = None, *, tier_scheme: TierScheme | None = None) -> Costs:
    """Costs from a TOML file (``[cost]`` by tier, ``[account_cost]`` by handle), else the defaults.

    The defaults (``graphkit/data/costs.toml``) are placeholders, not market
    rates: nano 150, micro 500, mid 2,500, macro 10,000, mega 25,000; regular
    and unknown-size accounts have no price and are not planned. A top-level
    ``currency = "EUR"`` (a code or a symbol) names the unit of every price and
    budget; it is shown wherever money is.

    Raises
    ------
    ConfigError
        Unreadable file, bad TOML, a price that is not a positive number, a
        currency that is not a short text, or a tier the tier scheme does not know.

    Examples
    --------
    >>> costs = load_costs()
    >>> costs.tier["nano"], costs.tier["micro"], "regular" in costs.tier
    (150.0, 500.0, False)
    """
    if path is None:
        text = resources.files("graphkit").joinpath("data/costs.toml").read_text("utf-8")
        source = "graphkit's placeholder costs"
    else:
        source = str(path)
        text = read_config_text(path, "cost file")
    data = parse_toml(text, source)
    unknown = sorted(set(data) - {"cost", "account_cost", "currency"})
    if unknown:
        raise ConfigError(f"{source}: unknown table [{unknown[0]}]; expected [cost] and [account_cost]")
    currency = data.get("currency")
    if currency is not None and (not isinstance(currency, str) or not 0 < len(currency.strip()) <= 8):
        raise ConfigError(f"{source}: currency must be a code or symbol such as \"EUR\" or \"$\", not {currency!r}")
    tier = _price_table(data.get("cost"), "cost", source, normalize=False)
    account = _price_table(data.get("account_cost"), "account_cost", source, normalize=True)
    if not tier and not account:
        raise ConfigError(f"{source}: needs a [cost] table of tier = price (e.g. nano = 150)")
    scheme = tier_scheme or TierScheme.default()
    bad = [name for name in tier if name not in scheme.all_names]
    if bad:
        raise ConfigError(f"{source}: unknown tier {bad[0]!r} in [cost]; tiers are: {', '.join(scheme.all_names)}")
    return Costs(tier=tier, account=account, source=source,
                 currency=currency.strip() if currency else None)


# -- coverage -----------------------------------------------------------------------------------


def coverage_matrix(graph: FollowGraph, audience_ids: np.ndarray, candidate_ids: np.ndarray) -> sp.csr_matrix:
    """``M[i, j] = 1`` when audience member ``j`` follows candidate ``i`` (CSR, int8).

    One gather over the audience's following rows; no Python loop over follows.

    >>> g = FollowGraph.from_pairs([("f1", "a"), ("f2", "a"), ("f2", "b")])
    >>> coverage_matrix(g, g.ids_of(["f1", "f2"]), g.ids_of(["a", "b"])).toarray().tolist()
    [[1, 1], [0, 1]]
    """
    audience_ids = np.asarray(audience_ids, dtype=np.int64)
    candidate_ids = np.asarray(candidate_ids, dtype=np.int64)
    lengths = np.diff(graph.out_indptr)[audience_ids]
    followers = np.repeat(np.arange(len(audience_ids), dtype=np.int64), lengths)
    followees = graph.gather_following(audience_ids).astype(np.int64)
    row_of = np.full(graph.n_accounts, -1, dtype=np.int64)
    row_of[candidate_ids] = np.arange(len(candidate_ids))
    rows = row_of[followees]
    keep = rows >= 0
    data = np.ones(int(keep.sum()), dtype=np.int8)
    matrix = sp.csr_matrix(
        (data, (rows[keep], followers[keep])), shape=(len(candidate_ids), len(audience_ids))
    )
    matrix.sum_duplicates()
    return matrix


@dataclass(frozen=True)
class Selection:
    """Chosen candidate rows in pick order, with each one's new (marginal) reach."""

    rows: np.ndarray
    gains: np.ndarray
    method: str

    @property
    def reach(self) -> float:
        return float(self.gains.sum())


def audience_weights(graph: FollowGraph, observed: np.ndarray, niche=None) -> np.ndarray:
    """The weight of each observed follower in a reach: 1, or ``1 + niche_overlap`` with ``niche``.

    >>> g = FollowGraph.from_pairs([("f1", "a"), ("f2", "a")])
    >>> audience_weights(g, g.ids_of(["f1", "f2"])).tolist()
    [1.0, 1.0]
    """
    weights = np.ones(len(observed), dtype=np.float64)
    if niche:
        from graphkit.algorithms.niche import niche_overlap

        weights += np.nan_to_num(niche_overlap(graph, observed, niche), nan=0.0)
    return weights


def marginal_gains(matrix: sp.csr_matrix, weights: np.ndarray, rows: Sequence[int]) -> np.ndarray:
    """The marginal reach of each of ``rows`` taken in that order.

    >>> m = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [1, 1, 1]]))
    >>> marginal_gains(m, np.ones(3), [0, 1, 2]).tolist()
    [2.0, 1.0, 0.0]
    """
    seen = np.zeros(matrix.shape[1], dtype=bool)
    gains = []
    for row in rows:
        members = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        fresh = members[~seen[members]]
        gains.append(float(weights[fresh].sum()))
        seen[fresh] = True
    return np.array(gains, dtype=np.float64)


def modified_greedy(
    matrix: sp.csr_matrix, costs: np.ndarray, weights: np.ndarray, budget: float
) -> Selection:
    """Khuller-Moss-Naor modified greedy for budgeted maximum coverage.

    Parameters
    ----------
    matrix : csr_matrix
        Candidates x elements, nonzero where the candidate covers the element.
    costs : ndarray
        Positive cost of each candidate (rows are in tie-break order).
    weights : ndarray
        Non-negative weight of each element.
    budget : float

    Returns
    -------
    Selection
        The better of the cost-effectiveness greedy plan and the single
        affordable candidate of largest weight; at least ``(1 - 1/e) / 2`` of
        the optimum.

    Examples
    --------
    >>> m = sp.csr_matrix(np.array([[1, 1, 1, 1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 1]]))
    >>> s = modified_greedy(m, np.array([10.0, 1.0, 1.0]), np.ones(5), 10.0)
    >>> s.rows.tolist(), s.gains.tolist(), s.method
    ([0], [4.0], 'best single')
    """
    matrix = sp.csr_matrix(matrix)
    costs = np.asarray(costs, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    transposed = matrix.T.tocsr()
    gains = matrix @ weights
    open_ = (costs <= budget) & (gains > 0)
    uncovered = np.ones(matrix.shape[1], dtype=bool)
    remaining = float(budget)
    rows: list[int] = []
    picked: list[float] = []
    while True:
        feasible = open_ & (costs <= remaining + 1e-9) & (gains > 1e-12)
        if not feasible.any():
            break
        ratio = np.where(feasible, gains / costs, -np.inf)
        best_ratio = ratio.max()
        tied = np.flatnonzero(ratio >= best_ratio * (1 - 1e-12))
        choice = int(tied[np.argmax(gains[tied])])  # first (lowest row) among the largest gains
        members = matrix.indices[matrix.indptr[choice] : matrix.indptr[choice + 1]]
        fresh = members[uncovered[members]]
        picked.append(float(weights[fresh].sum()))
        rows.append(choice)
        uncovered[fresh] = False
        remaining -= costs[choice]
        open_[choice] = False
        if len(fresh):
            gains -= transposed[fresh].T @ weights[fresh]
    greedy = Selection(np.array(rows, dtype=np.int64), np.array(picked), "greedy")
    affordable = np.flatnonzero(costs <= budget)
    if len(affordable):
        full = matrix @ weights
        single = int(affordable[np.argmax(full[affordable])])
        if full[single] > greedy.reach + 1e-9:
            return Selection(np.array([single]), np.array([float(full[single])]), "best single")
    return greedy


def naive_pick(costs: np.ndarray, order: np.ndarray, budget: float) -> np.ndarray:
    """Rows taken walking down ``order`` (best score first), each one that still fits the budget.

    >>> naive_pick(np.array([5.0, 3.0, 2.0]), np.array([1, 0, 2]), 6.0).tolist()
    [1, 2]
    """
    remaining = float(budget)
    taken = []
    for row in np.asarray(order, dtype=np.int64):
        if costs[row] <= remaining + 1e-9:
            taken.append(int(row))
            remaining -= costs[row]
    return np.array(taken, dtype=np.int64)


def ranking_scores(
    graph: FollowGraph,
    brand: str,
    *,
    niche: str | Sequence[str] | None = None,
    tiers: Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
) -> tuple[pd.Series, str]:
    """The score a user would rank candidates by, for the naive comparison pick: ``rank``'s ``score``.

    Returns the scores by account key (those :func:`queries.rank.rank` ranks)
    and a label saying what they are.
    """
    table = rank_query(graph, brand, niche=niche, tiers=tiers, tier_scheme=tier_scheme)
    return pd.Series(table["score"].to_numpy(), index=table["account"].astype(str)), "rank score"


# -- the query ----------------------------------------------------------------------------------


def plan_frame(keys, tiers, prices, own_reach, rows, gains, total_weight, integral) -> pd.DataFrame:
    """The plan table of ``rows`` (picked in that order) with their ``gains``.

    ``keys`` (the candidates' account keys), ``tiers``, ``prices`` and
    ``own_reach`` are aligned with the rows of the coverage matrix; ``integral``
    rounds reach to whole followers (unweighted reach is a head count).
    """
    rows = np.asarray(rows, dtype=np.int64)
    cost = prices[rows]
    cumulative = np.cumsum(gains)
    own = own_reach[rows]
    if integral:  # unweighted reach is a head count
        own, gains, cumulative = (np.rint(a).astype(np.int64) for a in (own, gains, cumulative))
    return pd.DataFrame({
        "step": np.arange(1, len(rows) + 1),
        "account": pd.array(np.asarray(keys, dtype=object)[rows], dtype="string"),
        "tier": pd.array(np.asarray(tiers, dtype=object)[rows], dtype="string"),
        "cost": cost,
        "reach": own,
        "new_reach": gains,
        "cumulative_reach": cumulative,
        "cumulative_share": cumulative / total_weight if total_weight > 0 else np.zeros(len(rows)),
        "cumulative_cost": np.cumsum(cost),
    })


def plan(
    graph: FollowGraph,
    brand: str,
    budget: float,
    *,
    costs: Costs | None = None,
    tiers: Sequence[str] | None = None,
    niche: str | Sequence[str] | None = None,
    scores: pd.Series | None = None,
    scores_label: str | None = None,
    tier_scheme: TierScheme | None = None,
    exclude: Sequence[str] = (),
    pool: np.ndarray | None = None,
) -> pd.DataFrame:
    """Choose influencers with the most deduplicated reach into ``brand``'s observed audience.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    budget : float
        Money to spend, in the unit of the costs.
    costs : Costs, optional
        Prices; default :func:`load_costs` (placeholders).
    tiers : list of str, optional
        Only plan influencers of these tiers.
    niche : str or list of str, optional
        Weight each reached follower by ``1 + niche_overlap`` (see module notes).
    scores : Series, optional
        Score by account key, highest first, for the naive comparison pick
        (e.g. ``rank``'s ``score``, see :func:`ranking_scores`). Default: each
        candidate's own reach.
    scores_label : str, optional
        What ``scores`` are, for the output (``attrs["naive_by"]``).
    tier_scheme : TierScheme, optional
    exclude : list of str
        Accounts never to plan (e.g. ones already under contract).
    pool : array of int, optional
        Plan only among these account ids (``--from``, see :mod:`queries.pools`).

    Returns
    -------
    DataFrame
        One row per chosen influencer in pick order: ``step, account, tier,
        cost, reach`` (its own reach), ``new_reach`` (what it adds to the ones
        before), ``cumulative_reach, cumulative_share, cumulative_cost``.
        ``attrs``: ``brand, budget, spent, reach, audience_weight,
        audience_observed, method, guarantee, candidates, unpriced,
        weighted, costs_source, currency`` and ``naive`` (the naive pick as the same kind of table,
        with ``naive_reach`` and ``naive_spent``).

    Raises
    ------
    QueryError
        Non-positive budget, no observed follower, no priced candidate, or no
        candidate within the budget.
    """
    check_budget(budget)
    scheme = tier_scheme or TierScheme.default()
    costs = costs or load_costs(tier_scheme=scheme)
    if tiers:
        scheme.check_names(list(tiers))
    aud = audience(graph, brand, require_observed=True)
    reached_by = np.bincount(graph.gather_following(aud.observed), minlength=graph.n_accounts)
    reached_by[aud.brand_id] = 0
    if exclude:
        reached_by[graph.ids_of(exclude)] = 0
    candidates = np.flatnonzero(reached_by > 0)
    if pool is not None:
        candidates = np.intersect1d(candidates, np.asarray(pool, dtype=np.int64))
    keys = graph.keys_of(candidates)
    order_by_key = np.argsort(keys.astype(str), kind="stable")
    candidates, keys = candidates[order_by_key], keys[order_by_key]
    cand_tiers = np.asarray(scheme.assign(graph.attribute("followers_count").iloc[candidates].to_numpy()), dtype=object)
    if tiers:
        keep = np.isin(cand_tiers, list(tiers))
        candidates, keys, cand_tiers = candidates[keep], keys[keep], cand_tiers[keep]
    prices = costs.prices(keys, cand_tiers)
    priced = ~np.isnan(prices)
    unpriced = int((~priced).sum())
    candidates, keys, cand_tiers, prices = candidates[priced], keys[priced], cand_tiers[priced], prices[priced]
    check_priced(aud.brand, len(candidates), unpriced, float(prices.min()) if len(prices) else math.nan,
                 budget, tiers=tiers)
    weights = audience_weights(graph, aud.observed, niche)
    matrix = coverage_matrix(graph, aud.observed, candidates)
    return plan_from_coverage(
        matrix, keys, cand_tiers, prices, weights, budget, total_weight=float(weights.sum()),
        scores=scores, scores_label=scores_label, weighted=bool(niche),
        attrs={"brand": aud.brand, "audience_observed": aud.n_observed,
               "audience_followers": aud.n_followers, "candidates": len(candidates),
               "unpriced": unpriced, "costs_source": costs.source, "currency": costs.currency},
    )


def check_budget(budget: object) -> None:
    """Refuse a budget that is not a positive, finite amount (every engine's plan checks it first).

    >>> check_budget(2500)
    >>> check_budget(0)
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: --budget must be a positive amount, not 0
    """
    if not (isinstance(budget, (int, float)) and math.isfinite(budget) and budget > 0):
        raise QueryError(f"--budget must be a positive amount, not {budget!r}")


def check_priced(brand: str, priced: int, unpriced: int, cheapest: float, budget: float, *,
                 tiers: Sequence[str] | None = None) -> None:
    """Refuse a plan without a priced candidate, or with none within the budget."""
    if priced == 0:
        scope = f" in tiers {', '.join(tiers)}" if tiers else ""
        raise QueryError(
            f"no account{scope} followed by {brand}'s audience has a price "
            f"({unpriced:,} unpriced): add their tiers to [cost] or the accounts to [account_cost]"
        )
    if cheapest > budget:
        raise QueryError(
            f"the budget {budget:,.0f} is below the cheapest candidate ({cheapest:,.0f}): nothing can be planned"
        )


def plan_from_coverage(
    matrix: sp.csr_matrix, keys: np.ndarray, tiers: np.ndarray, prices: np.ndarray, weights: np.ndarray,
    budget: float, *, total_weight: float, scores: pd.Series | None, scores_label: str | None,
    weighted: bool, attrs: dict,
) -> pd.DataFrame:
    """The plan table from the coverage matrix of the candidates (every engine ends here).

    ``matrix`` rows are the candidates in key order (``keys``, their ``tiers``
    and ``prices``), its columns audience members weighing ``weights``;
    ``total_weight`` is the whole audience's weight (members who follow no
    candidate included). ``attrs`` adds ``brand, audience_observed,
    audience_followers, candidates, unpriced, costs_source, currency``.
    """
    own_reach = matrix @ weights
    chosen = modified_greedy(matrix, prices, weights, budget)
    if scores is None:
        score = own_reach
    else:
        score = pd.to_numeric(pd.Series(scores), errors="coerce").reindex(keys.astype(str)).to_numpy(dtype=np.float64)
        score = np.where(np.isnan(score), -np.inf, score)
    naive_order = np.lexsort((np.arange(len(keys)), -score))
    naive_rows = naive_pick(prices, naive_order, budget)
    naive_gains = marginal_gains(matrix, weights, naive_rows)
    if naive_gains.sum() > chosen.reach + 1e-9:
        chosen = Selection(naive_rows, naive_gains, "naive (better here)")
    integral = not weighted
    table = plan_frame(keys, tiers, prices, own_reach, chosen.rows, chosen.gains, total_weight, integral)
    naive = plan_frame(keys, tiers, prices, own_reach, naive_rows, naive_gains, total_weight, integral)
    table.attrs.update({
        "brand": attrs["brand"],
        "budget": float(budget),
        "spent": float(prices[chosen.rows].sum()),
        "reach": chosen.reach,
        "audience_weight": total_weight,
        "audience_observed": attrs["audience_observed"],
        "audience_followers": attrs["audience_followers"],
        "method": chosen.method,
        "guarantee": GUARANTEE,
        "candidates": attrs["candidates"],
        "unpriced": attrs["unpriced"],
        "weighted": weighted,
        "costs_source": attrs["costs_source"],
        "currency": attrs["currency"],
        "naive": naive,
        "naive_reach": float(naive_gains.sum()),
        "naive_spent": float(prices[naive_rows].sum()),
        "naive_by": scores_label or ("score" if scores is not None else "own reach"),
    })
    return table
