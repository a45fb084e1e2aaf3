"""Reach of a hand-picked set of influencers, and reach against budget.

The plan builder lets a user add and remove influencers by hand and see the
deduplicated reach change, and shows how much reach more (or less) money buys.
Both are the plan's own arithmetic (:mod:`queries.plan`), not a copy of it:

* :func:`selection_reach` — the accounts in the order given, each with its own
  reach, its *new* reach (what it adds to those before it: every observed
  follower of the brand counts once) and the running totals; the same columns
  as a plan, from :func:`queries.plan.coverage_matrix`,
  :func:`queries.plan.marginal_gains` and :func:`queries.plan.plan_frame`.
* :func:`reach_curve` — :func:`queries.plan.plan` at several budgets: the
  greedy plan's reach and the naive pick's, side by side.

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> from queries.plan import Costs
>>> follows = [(f, "brand") for f in ("f1", "f2", "f3", "f4")] + [
...     ("f1", "big"), ("f2", "big"), ("f3", "big"), ("f1", "a"), ("f2", "a"), ("f4", "b")]
>>> g = FollowGraph.from_pairs(follows)
>>> costs = Costs(tier={}, account={"big": 300, "a": 100, "b": 100})
>>> t = selection_reach(g, "brand", ["big", "a", "b"], costs=costs)
>>> t[["account", "reach", "new_reach", "cumulative_reach", "cumulative_cost"]].values.tolist()
[['big', 3, 3, 3, 300.0], ['a', 2, 0, 3, 400.0], ['b', 1, 1, 4, 500.0]]
>>> reach_curve(g, "brand", [100, 200, 500], costs=costs)[["budget", "plan_reach", "naive_reach"]].values.tolist()
[[100.0, 2.0, 2.0], [200.0, 3.0, 3.0], [500.0, 4.0, 4.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.audience import audience
from queries.plan import Costs, audience_weights, coverage_matrix, marginal_gains, plan, plan_frame

__all__ = ["selection_reach", "reach_curve"]


def selection_reach(
    graph: FollowGraph,
    brand: str,
    accounts: Sequence[str],
    *,
    costs: Costs | None = None,
    niche: str | Sequence[str] | None = None,
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """The deduplicated reach of ``accounts`` (in that order) into ``brand``'s observed audience.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    accounts : list of str
        The hand-picked influencers; a repeated account counts once (first place).
    costs : Costs, optional
        Prices for the ``cost`` columns (an account without a price has an
        empty cost and adds nothing to ``cumulative_cost``).
    niche : str or list of str, optional
        Weigh each reached follower ``1 + niche_overlap``, as :func:`queries.plan.plan` does.
    tier_scheme : TierScheme, optional

    Returns
    -------
    DataFrame
        The columns of a plan (``step, account, tier, cost, reach, new_reach,
        cumulative_reach, cumulative_share, cumulative_cost``). ``attrs``:
        ``brand, reach, audience_weight, audience_observed, spent, unpriced,
        weighted, currency``.

    Raises
    ------
    AccountNotFound
        ``brand`` or one of ``accounts`` is not in the graph.
    QueryError
        No observed follower, or the brand itself among ``accounts``.
    """
    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    keys = list(dict.fromkeys(str(a) for a in accounts))
    ids = np.asarray(graph.ids_of(keys), dtype=np.int64) if keys else np.empty(0, dtype=np.int64)
    if (ids == aud.brand_id).any():
        raise QueryError(f"{aud.brand!r} is the brand: it cannot be one of its own influencers")
    keys = graph.keys_of(ids).astype(str).tolist()
    weights = audience_weights(graph, aud.observed, niche)
    matrix = coverage_matrix(graph, aud.observed, ids)
    own = matrix @ weights
    rows = np.arange(len(ids))
    gains = marginal_gains(matrix, weights, rows)
    tiers = np.asarray(scheme.assign(graph.attribute("followers_count").iloc[ids].to_numpy()), dtype=object)
    prices = costs.prices(keys, tiers) if costs is not None else np.full(len(ids), np.nan)
    total = float(weights.sum())
    table = plan_frame(keys, tiers, prices, own, rows, gains, total, not niche)
    table["cumulative_cost"] = np.nancumsum(prices) if len(prices) else np.empty(0)
    table.attrs.update({
        "brand": aud.brand,
        "reach": float(gains.sum()),
        "audience_weight": total,
        "audience_observed": aud.n_observed,
        "spent": float(np.nansum(prices)),
        "unpriced": [k for k, p in zip(keys, prices) if np.isnan(p)],
        "weighted": bool(niche),
        "currency": costs.currency if costs is not None else None,
    })
    return table


def reach_curve(
    graph: FollowGraph,
    brand: str,
    budgets: Sequence[float],
    *,
    costs: Costs | None = None,
    tiers: Sequence[str] | None = None,
    niche: str | Sequence[str] | None = None,
    scores: pd.Series | None = None,
    scores_label: str | None = None,
    tier_scheme: TierScheme | None = None,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """Reach of the plan and of the naive pick at each budget (:func:`queries.plan.plan` each time).

    Returns
    -------
    DataFrame
        ``budget, plan_reach, plan_share, plan_accounts, plan_spent,
        naive_reach, naive_share``, by budget ascending. A budget below the
        cheapest candidate reaches 0.

    Raises
    ------
    QueryError
        A budget that is not a positive number; anything :func:`queries.plan.plan`
        refuses at the largest budget (no observed follower, no priced candidate, ...).
    """
    values = sorted({float(b) for b in budgets})
    if not values or values[0] <= 0 or not np.isfinite(values).all():
        raise QueryError(f"budgets must be positive amounts, not {list(budgets)!r}")
    rows = []
    for budget in reversed(values):
        try:
            table = plan(graph, brand, budget, costs=costs, tiers=tiers, niche=niche, scores=scores,
                         scores_label=scores_label, tier_scheme=tier_scheme, exclude=exclude)
        except QueryError:
            # the same candidates planned at a larger budget: only "below the cheapest" is left
            if not rows:
                raise
            rows.append({"budget": budget, "plan_reach": 0.0, "plan_share": 0.0, "plan_accounts": 0,
                         "plan_spent": 0.0, "naive_reach": 0.0, "naive_share": 0.0})
            continue
        a = table.attrs
        weight = a["audience_weight"] or 1.0
        rows.append({
            "budget": budget, "plan_reach": a["reach"], "plan_share": a["reach"] / weight,
            "plan_accounts": len(table), "plan_spent": a["spent"],
            "naive_reach": a["naive_reach"], "naive_share": a["naive_reach"] / weight,
        })
    curve = pd.DataFrame(rows[::-1])
    curve.attrs.update({"brand": brand, "currency": costs.currency if costs is not None else None})
    return curve
