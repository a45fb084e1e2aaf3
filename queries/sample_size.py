"""How much an audience share can be trusted: its margin of error and a small-sample warning.

The share of an audience that follows an account is measured on the ``n``
observed followers of the brand, a sample of its ``N`` followers. Its
worst-case margin of error (``p = 0.5``) at the confidence of ``z`` is
``z · sqrt(0.25 / n)``, times the finite-population correction
``sqrt((N - n) / (N - 1))`` when ``N`` is known. Below :data:`MIN_SAMPLE`
observed followers the margin is wider than ±18 points at 95 %, the normal
approximation behind the Wilson bounds of :mod:`queries.affinity` is rough,
and one follower more or less moves a lift by a large factor: a query says so
(``attrs["sample_warning"]``).

Examples
--------
>>> attrs = sample_attrs(1_557, 2_115, 184_000, 1.96)
>>> round(attrs["share_margin"], 4), attrs["confidence"], attrs["sample_warning"]
(0.0247, 0.95, None)
"""

from __future__ import annotations

import math

__all__ = ["MIN_SAMPLE", "share_margin", "sample_warning", "sample_attrs"]

#: Below this many observed followers the audience is too small to rank by (see above).
MIN_SAMPLE = 30


def share_margin(n: float, followers: float | None = None, z: float = 1.96) -> float:
    """Worst-case margin of error of a share measured on ``n`` of ``followers`` accounts.

    ``z · sqrt(0.25 / n)`` (``p = 0.5``), times ``sqrt((N - n) / (N - 1))`` when
    the population size ``N = followers`` is known and larger than ``n``.

    >>> round(share_margin(100), 4), round(share_margin(100, followers=200), 4)
    (0.098, 0.0695)
    >>> share_margin(50, followers=50)  # the whole population: no sampling error
    0.0
    """
    margin = z * math.sqrt(0.25 / n)
    if followers is not None and followers > 1 and not math.isnan(followers):
        margin *= math.sqrt(max(followers - n, 0.0) / (followers - 1.0))
    return margin


def sample_warning(n: int, n_followers: int) -> str | None:
    """The warning printed when an audience is smaller than :data:`MIN_SAMPLE`.

    >>> sample_warning(3, 16)
    'only 3 of 16 followers are observed (fewer than 30): shares and lifts rest on a handful of accounts and can change a lot with one more follower; load more following lists before ranking by them'
    >>> sample_warning(30, 40) is None
    True
    """
    if n >= MIN_SAMPLE:
        return None
    return (
        f"only {n:,} of {n_followers:,} followers are observed (fewer than {MIN_SAMPLE}): shares "
        "and lifts rest on a handful of accounts and can change a lot with one more follower; "
        "load more following lists before ranking by them"
    )


def _confidence(z: float) -> float:
    """The two-sided confidence of ``z`` (0.95 for 1.96)."""
    return math.erf(z / math.sqrt(2.0))


def sample_attrs(n: int, n_followers: int, declared_followers: float | None, z: float,
                 effective_n: float | None = None) -> dict:
    """The ``attrs`` an affinity table gets about its sample (shared by the backends).

    Parameters
    ----------
    n : int
        Observed followers of the brand (the sample).
    n_followers : int
        Followers of the brand in the graph.
    declared_followers : float or None
        The brand's declared ``followers_count``; with it, the margin is
        corrected for the finite population ``max(declared, n_followers)``.
    z : float
        z of the interval (1.96: 95 %).
    effective_n : float, optional
        The effective sample size when the shares are weighted.

    Returns
    -------
    dict
        ``share_margin``, ``share_margin_population``, ``confidence``,
        ``sample_warning``.

    Examples
    --------
    >>> attrs = sample_attrs(3, 16, None, 1.96)
    >>> round(attrs["share_margin"], 3), attrs["share_margin_population"], attrs["sample_warning"][:20]
    (0.566, None, 'only 3 of 16 followe')
    """
    population = None
    if declared_followers is not None and not math.isnan(declared_followers):
        population = max(float(declared_followers), float(n_followers))
    return {
        "share_margin": share_margin(effective_n or n, population, z),
        "share_margin_population": None if population is None else int(population),
        "confidence": round(_confidence(z), 4),
        "sample_warning": sample_warning(n, n_followers),
    }
