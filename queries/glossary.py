"""Human headings, explanations and number formats of result columns, for people.

Query results use short machine names (``lift_lower``, ``tier_fit``) that the
CLI's CSV and JSON keep. A person reading the report or the web app sees a
heading ("Cautious lift"), an explanation on hover, and one number format per
column. This module is the one place those live, so the report
(:mod:`queries.report`) and the app (:mod:`graphkit.app`) say the same thing.

Kinds and their one format each (:func:`format_value`):

==========  ===========================  =====================================
kind        example                      used for
==========  ===========================  =====================================
``count``   ``1,557``                    head counts
``rank``    ``12``                       positions, steps, cluster numbers
``share``   ``12.9%``                    shares of an audience, rates
``score``   ``0.867``                    0..1 components and scores
``lift``    ``2.09×``                    ratios to a baseline
``small``   ``0.00147``                  PageRank (3 significant digits)
``money``   ``2,500 EUR``                costs and budgets (with the currency)
``reach``   ``205`` / ``204.6``          reach; one decimal when niche-weighted
``text``    as is                        handles, tiers, labels
==========  ===========================  =====================================

Examples
--------
>>> heading("lift_lower"), kind("lift_lower")
('Cautious lift', 'lift')
>>> format_value("audience_share", 0.1291), format_value("cost", 2500.0, currency="EUR")
('12.9%', '2,500 EUR')
>>> format_column(pd.Series([204.6, 12.0]), "new_reach")
['204.6', '12.0']
>>> heading("no_such_column")
'No such column'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Column",
    "COLUMNS",
    "KINDS",
    "describe",
    "heading",
    "explanation",
    "kind",
    "format_money",
    "format_value",
    "format_column",
    "is_fractional",
    "visible_columns",
]

#: Every kind of column and the format it gets.
KINDS = ("count", "rank", "share", "score", "lift", "small", "money", "reach", "text")


@dataclass(frozen=True)
class Column:
    """How people see one result column."""

    heading: str
    explanation: str
    kind: str


def _c(heading: str, explanation: str, kind: str) -> Column:
    return Column(heading, explanation, kind)


#: Machine name -> heading, explanation, kind.
COLUMNS: dict[str, Column] = {
    # identity
    "rank": _c("#", "Position in the ranking (ties go to the account name).", "rank"),
    "account": _c("Account", "The account's handle (lower case, without @).", "text"),
    "display_name": _c("Name", "The display name from the profile.", "text"),
    "tier": _c("Tier", "Size class from the declared follower count (unknown when no profile "
                       "is loaded).", "text"),
    "followers_count": _c("Followers", "Declared follower count from the profile.", "count"),
    "following_count": _c("Following", "Declared number of accounts it follows.", "count"),
    "engagement_rate": _c("Engagement rate", "(Average likes + comments) per post ÷ followers, "
                                             "from the profile.", "share"),
    "category": _c("Category", "Category from the profile.", "text"),
    "bio": _c("Bio", "The profile's bio.", "text"),
    "tags": _c("Tags", "Niche keywords and hashtags from the profile.", "text"),
    # affinity
    "audience_count": _c("Audience followers", "How many of the brand's observed followers "
                                               "(whose following list is loaded) follow this account.", "count"),
    "audience_share": _c("Audience share", "Share of the brand's observed followers who follow "
                                           "this account.", "share"),
    "baseline_count": _c("Baseline followers", "How many of the baseline population (observed "
                                               "accounts that do not follow the brand) follow it.", "count"),
    "baseline_share": _c("Baseline share", "Share of the baseline population that follows it: "
                                           "what is normal.", "share"),
    "affinity": _c("Lift", "Audience share ÷ baseline share: 2 means the brand's audience is twice "
                           "as likely as others to follow it.", "lift"),
    "lift_lower": _c("Cautious lift", "The lift the data can vouch for: the 95 % Wilson lower bound "
                                      "of the audience share over the upper bound of the baseline "
                                      "share, so a handful of followers cannot inflate it.", "lift"),
    # rank
    "score": _c("Score", "Weighted mean of the components (0 to 1); the weights are shown above "
                         "the table.", "score"),
    "affinity_pct": _c("Affinity", "Percentile (0 to 1) of the cautious lift among the candidates: "
                                   "how much more this audience follows the account than others do.",
                       "score"),
    "ppr_pct": _c("Network reach", "Percentile (0 to 1) of PageRank personalized to the brand's "
                                   "observed followers: reach through follows of follows too.", "score"),
    "niche_overlap": _c("Niche fit", "Similarity (0 to 1) of the account's tags, category and bio "
                                     "to the niche terms; empty without profile text.", "score"),
    "tier_fit": _c("Tier fit", "1 in a wanted tier, 0.5 one tier away, 0 otherwise.", "score"),
    "engagement_pct": _c("Engagement", "Percentile (0 to 1) of the engagement rate among the "
                                       "candidates.", "score"),
    "ppr": _c("PageRank", "PageRank personalized to the brand's observed followers (the raw value "
                          "behind Network reach).", "small"),
    "followed_by": _c("Followed by", "Some of the brand's followers who follow it, largest first.",
                      "text"),
    # plan
    "step": _c("Step", "Order in which the plan picked the account.", "rank"),
    "cost": _c("Cost", "Price of the account from the rate card (costs file).", "money"),
    "reach": _c("Reach alone", "Observed followers of the brand this account reaches on its own.",
                "reach"),
    "new_reach": _c("New reach", "What the account adds to those picked before it: each follower "
                                 "counts once, however many picked accounts it follows.", "reach"),
    "cumulative_reach": _c("Total reach", "Distinct observed followers reached by the plan so far.",
                           "reach"),
    "cumulative_share": _c("Share of audience", "Total reach ÷ the brand's observed audience.",
                           "share"),
    "cumulative_cost": _c("Total cost", "Money spent by the plan so far.", "money"),
    # landscape
    "cluster": _c("Cluster", "Community of accounts whose audiences overlap (Louvain on the "
                             "audience-overlap links); 0 = no close group.", "rank"),
    "cluster_label": _c("Community", "The community's most distinctive niche terms.", "text"),
    "label": _c("Community", "The community's most distinctive niche terms (or its leading "
                             "account).", "text"),
    "terms": _c("Terms", "Niche terms that set the community apart.", "text"),
    "leaders": _c("Leaders", "The community's best-ranked accounts.", "text"),
    "leader": _c("Leader", "The community's best-ranked account.", "text"),
    "size": _c("Accounts", "Accounts in the community.", "count"),
    "links": _c("Links", "Audience-overlap links of the account on the map.", "count"),
    "reach_share": _c("Audience reached", "Share of the brand's observed followers who follow at "
                                          "least one account of the community.", "share"),
    "similarity": _c("Similarity", "Audience overlap of two accounts (Jaccard or cosine over the "
                                   "brand's observed followers).", "score"),
    "shared": _c("Shared followers", "Observed followers both accounts have.", "count"),
    "audience": _c("Audience", "Observed followers of the account.", "count"),
}


def describe(name: str) -> Column:
    """The :class:`Column` of ``name``; an unknown name gets a heading made from it, kind by name."""
    column = COLUMNS.get(name)
    if column is not None:
        return column
    guessed = "share" if name.endswith(("_share", "_rate")) else "text"
    return Column(name.replace("_", " ").strip().capitalize(), "", guessed)


def heading(name: str) -> str:
    """The column's heading for people."""
    return describe(name).heading


def explanation(name: str) -> str:
    """One or two sentences saying what the column's numbers mean."""
    return describe(name).explanation


def kind(name: str) -> str:
    """The column's kind (one of :data:`KINDS`)."""
    return describe(name).kind


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def is_fractional(values: pd.Series) -> bool:
    """Whether a numeric column holds values that are not whole numbers."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").dropna().to_numpy()
    return bool(len(numbers)) and bool(np.any(np.abs(numbers - np.round(numbers)) > 1e-9))


def format_money(amount: float, currency: str | None = None) -> str:
    """An amount of money, rounded to units, with its currency when one is known.

    A currency code (letters: ``EUR``, ``USD``) follows the number; a symbol
    (``€``, ``$``, ``£``) precedes it.

    >>> format_money(2500, "EUR"), format_money(2500.4, "$"), format_money(150, None)
    ('2,500 EUR', '$2,500', '150')
    """
    text = f"{amount:,.0f}"
    if not currency:
        return text
    return f"{text} {currency}" if currency.isalpha() else f"{currency}{text}"


def format_value(name: str, value: object, *, currency: str | None = None, fractional: bool = False) -> str:
    """``value`` of column ``name`` formatted for people ("" when missing).

    ``fractional`` asks a ``reach`` column for one decimal (niche-weighted reach).

    >>> format_value("lift_lower", 1.3456), format_value("ppr", 0.0014712), format_value("rank", 3)
    ('1.35×', '0.00147', '3')
    >>> format_value("niche_overlap", None), format_value("verified", True)
    ('', 'yes')
    """
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    column_kind = kind(name)
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    number = float(value)
    if column_kind in ("count", "rank"):
        return f"{number:,.0f}"
    if column_kind == "share":
        return f"{number:.1%}"
    if column_kind == "score":
        return f"{number:.3f}"
    if column_kind == "lift":
        return f"{number:,.2f}×"
    if column_kind == "small":
        return f"{number:.3g}"
    if column_kind == "money":
        return format_money(number, currency)
    if column_kind == "reach":
        return f"{number:,.1f}" if fractional else f"{number:,.0f}"
    return f"{number:,.0f}" if number.is_integer() else f"{number:.3g}"


def format_column(values: pd.Series, name: str, *, currency: str | None = None) -> list[str]:
    """Every value of a column in the column's one format (reach: decimals for all or none)."""
    fractional = kind(name) == "reach" and is_fractional(values)
    return [format_value(name, v, currency=currency, fractional=fractional)
            for v in values.astype(object).tolist()]


def visible_columns(frame: pd.DataFrame, columns) -> tuple[list[str], list[str]]:
    """``columns`` present in ``frame`` split into (shown, hidden because every value is missing).

    >>> visible_columns(pd.DataFrame({"a": [1], "b": [None]}), ["a", "b", "c"])
    (['a'], ['b'])
    """
    present = [c for c in columns if c in frame.columns]
    empty = [c for c in present if len(frame) and frame[c].isna().all()]
    return [c for c in present if c not in empty], empty
