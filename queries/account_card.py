"""One account seen from a brand: why it ranks, who it is, and what it adds to a plan.

:func:`account_card` gathers, for a candidate ``account`` of brand ``B``:

* its row of the ranking (:mod:`queries.shortlist` / :func:`queries.rank.rank`):
  the score and every component, so a user sees *why* it ranks where it does;
* its profile (tier, follower count, bio, ...) and its profile link when the
  platform is known (:mod:`queries.profile_links`);
* the share of B's observed audience that follows it;
* its lookalikes (:func:`queries.lookalikes.lookalikes`, or a note saying why
  there are none);
* its overlap with a plan (a list of accounts): how many of its audience the
  plan already reaches, and the new reach it would add
  (:func:`queries.reach.selection_reach` with and without it).

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("f1", "brand"), ("f2", "brand"), ("f3", "brand"),
...     ("f1", "x"), ("f2", "x"), ("f2", "y"), ("f3", "y")])
>>> card = account_card(g, "brand", "x", plan_accounts=["y"])
>>> card.audience_count, round(card.audience_share, 3), card.plan_overlap
(2, 0.667, {'plan_reach': 2.0, 'shared_with_plan': 1, 'new_reach': 1.0, 'in_plan': False})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphkit.errors import GraphkitError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.audience import audience
from queries.lookalikes import lookalikes
from queries.profile_links import profile_urls
from queries.reach import selection_reach

__all__ = ["AccountCard", "PROFILE_FIELDS", "account_card"]

#: Profile attributes shown on the card, when present.
PROFILE_FIELDS = ("display_name", "followers_count", "following_count", "posts_count", "engagement_rate",
                  "category", "tags", "bio", "location", "verified", "external_url")


@dataclass
class AccountCard:
    """What the app's account view and the report show about one account."""

    account: str
    brand: str
    tier: str
    profile: dict
    profile_url: str | None
    audience_count: int
    audience_share: float
    audience_observed: int
    ranking: dict | None
    lookalikes: pd.DataFrame | None
    plan_overlap: dict | None
    notes: list[str] = field(default_factory=list)


def account_card(
    graph: FollowGraph,
    brand: str,
    account: str,
    *,
    ranked: pd.DataFrame | None = None,
    plan_accounts: Sequence[str] = (),
    niche: str | Sequence[str] | None = None,
    platform: str | None = None,
    lookalike_count: int = 8,
    tier_scheme: TierScheme | None = None,
) -> AccountCard:
    """The card of ``account`` for ``brand`` (see the module notes).

    Parameters
    ----------
    ranked : DataFrame, optional
        The brand's ranking (``rank`` or a shortlist table); its row of
        ``account`` becomes ``ranking``. Absent or without the account:
        ``ranking`` is ``None`` and a note says so.
    plan_accounts : list of str
        The current plan; ``plan_overlap`` is ``None`` when empty.
    niche : str or list of str, optional
        Weigh reach by niche overlap, as the plan does.
    platform : str, optional
        The workspace's platform, for the profile link.

    Raises
    ------
    AccountNotFound
        ``brand`` or ``account`` is not in the graph.
    QueryError
        The brand has no observed follower.
    """
    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    account_id = graph.id_of(account)
    key = str(graph.keys_of([account_id])[0])
    notes: list[str] = []
    followers = np.asarray(graph.followers(account_id), dtype=np.int64)
    in_audience = np.zeros(graph.n_accounts, dtype=bool)
    in_audience[aud.observed] = True
    count = int(in_audience[followers].sum())
    profile = {}
    for name in PROFILE_FIELDS:
        value = graph.attribute(name).iloc[account_id]
        if not pd.isna(value):
            profile[name] = value.item() if hasattr(value, "item") else value
    tier = str(scheme.assign(np.array([profile.get("followers_count", np.nan)], dtype="float64"))[0])
    own_platform = graph.attribute("platform").iloc[account_id]
    url = profile_urls([key], [own_platform], platform)[0]

    row = None
    if ranked is not None and "account" in ranked.columns:
        match = ranked[ranked["account"].astype(str) == key]
        if len(match):
            row = {k: (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v))
                   for k, v in match.iloc[0].items()}
    if row is None:
        notes.append(f"{key} is not among {aud.brand}'s ranked candidates (no observed follower of "
                     f"{aud.brand} follows it, or it is the brand)")

    lookalike_table = None
    try:
        lookalike_table = lookalikes(graph, key, top=lookalike_count, tier_scheme=scheme)
    except GraphkitError as err:
        notes.append(f"lookalikes: {err}")

    overlap = None
    if plan_accounts:
        chosen = [a for a in dict.fromkeys(plan_accounts) if str(a) != key]
        base = selection_reach(graph, brand, chosen, niche=niche, tier_scheme=scheme).attrs["reach"]
        with_it = selection_reach(graph, brand, [*chosen, key], niche=niche, tier_scheme=scheme).attrs["reach"]
        reached = np.zeros(graph.n_accounts, dtype=bool)
        if chosen:
            reached[graph.gather_followers(graph.ids_of(chosen))] = True
        shared = int((in_audience[followers] & reached[followers]).sum())
        overlap = {"plan_reach": base, "shared_with_plan": shared, "new_reach": with_it - base,
                   "in_plan": key in {str(a) for a in plan_accounts}}
    return AccountCard(
        account=key, brand=aud.brand, tier=tier, profile=profile, profile_url=url,
        audience_count=count, audience_share=count / aud.n_observed, audience_observed=aud.n_observed,
        ranking=row, lookalikes=lookalike_table, plan_overlap=overlap, notes=notes,
    )
