"""Affinity baselines: which population an audience is compared with, and what to say about it.

An affinity lift compares the brand's audience with a *baseline* population
(see :mod:`queries.affinity` for the formulas). Which baseline a query uses,
when a baseline is empty and why, and the checks on ``--population`` are the
same whichever engine counts (the workspace in memory or Cypher on a Neo4j
server), so they live here as public functions both engines call: the same
options give the same baseline and the same sentences.

* ``"population"``: ``--population N`` was given; shares are declared
  ``followers_count / N``;
* ``"rest"`` (the default): every observed account other than the brand that
  does not follow it;
* ``"account"``: the observed followers of a reference account (the brand
  left out).

Examples
--------
>>> baseline_kind(None, None), baseline_kind(" Rest", None), baseline_kind("rei", None)
('rest', 'rest', 'account')
>>> baseline_kind(None, 1_000_000)
'population'
>>> empty_reference_note("rei", 0)
"no baseline: 'rei' has no followers in the graph"
"""

from __future__ import annotations

from graphkit.errors import QueryError

__all__ = [
    "REST",
    "SHARE_FALLBACK_NOTE",
    "baseline_kind",
    "applied_sort",
    "population_label",
    "check_reference",
    "no_declared_counts_note",
    "empty_rest_note",
    "empty_reference_note",
    "population_too_small",
    "missing_counts_note",
]

#: The name of the default baseline (``--baseline rest``).
REST = "rest"

#: Said when a lift sort was asked for but there is no baseline to compute a lift from.
SHARE_FALLBACK_NOTE = "ranked by audience_share instead of the lift"


def baseline_kind(baseline: str | None, population: int | None) -> str:
    """``"population"``, ``"rest"`` or ``"account"``: the baseline the options ask for."""
    if population is not None:
        return "population"
    if baseline is None or baseline.strip().lower() == REST:
        return "rest"
    return "account"


def applied_sort(sort: str, has_baseline: bool, notes: list[str]) -> str:
    """The ``--sort`` actually applied: without a baseline the lift sorts use the share (noted).

    >>> notes = []
    >>> applied_sort("lift-lower", False, notes), notes
    ('share', ['ranked by audience_share instead of the lift'])
    >>> applied_sort("lift", True, notes)
    'lift'
    """
    if not has_baseline and sort in ("lift", "lift-lower"):
        notes.append(SHARE_FALLBACK_NOTE)
        return "share"
    return sort


def population_label(population: int) -> str:
    """How tables and headers name a ``--population`` baseline.

    >>> population_label(2_000_000)
    'population of 2,000,000'
    """
    return f"population of {population:,}"


def check_reference(reference: str, brand: str) -> None:
    """Refuse the brand itself as its own baseline account.

    >>> check_reference("acme", "acme")
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: the baseline account 'acme' is the brand itself; name another account
    """
    if reference == brand:
        raise QueryError(f"the baseline account {reference!r} is the brand itself; name another account")


def no_declared_counts_note(population: int) -> str:
    """Why a ``--population`` baseline is empty: no account declares a follower count."""
    return (
        f"no baseline: no account has a declared followers_count, so --population "
        f"{population:,} gives no share (load profiles with `graphkit load profiles FILE`)"
    )


def empty_rest_note(brand: str) -> str:
    """Why the ``rest`` baseline is empty: every observed account follows the brand."""
    return (
        f"no baseline: every observed account other than {brand!r} follows it, so "
        "nobody is left to compare with (use --baseline ACCOUNT or --population N)"
    )


def empty_reference_note(reference: str, n_followers: int) -> str:
    """Why a reference account's baseline is empty (it has no observed follower)."""
    if n_followers:
        return (
            f"no baseline: none of {reference!r}'s {n_followers:,} followers is observed "
            "(no following list loaded for any of them)"
        )
    return f"no baseline: {reference!r} has no followers in the graph"


def population_too_small(population: int, account: str, followers_count: int) -> QueryError:
    """The error when an account declares more followers than ``--population`` holds.

    >>> str(population_too_small(1_000, "big", 5_000))
    "--population 1,000 is smaller than the declared followers_count of 'big' (5,000): give the platform's size"
    """
    return QueryError(
        f"--population {population:,} is smaller than the declared followers_count "
        f"of {account!r} ({followers_count:,}): give the platform's size"
    )


def missing_counts_note(missing: int, candidates: int) -> str:
    """Said when some candidates of a ``--population`` baseline declare no follower count."""
    return (
        f"{missing:,} of {candidates:,} accounts have no declared followers_count: "
        "their baseline columns are empty"
    )
