"""The app's URL parameters, read into typed options with one clear error each.

A view of the app is its URL: ``/?brand=acme&view=shortlist&tier=micro&sort=score``
reproduces it, and the API and the downloads read the same names, so a
download holds exactly what the page shows. A bad value raises
:class:`graphkit.errors.QueryError` naming the parameter.

Examples
--------
>>> q = shortlist_query({"brand": "acme", "tier": "nano,micro", "min": "5", "excl": "1"})
>>> q.tiers, q.min_audience, q.exclude_followed, q.top
(('nano', 'micro'), 5, True, 50)
>>> shortlist_query({"brand": "acme", "top": "lots"})
Traceback (most recent call last):
...
graphkit.errors.QueryError: top must be a whole number, not 'lots'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from graphkit.errors import QueryError

__all__ = [
    "ShortlistQuery",
    "LandscapeQuery",
    "PlanQuery",
    "shortlist_query",
    "landscape_query",
    "plan_query",
    "brand_of",
    "text_list",
]

MAX_ROWS = 1000


def brand_of(params: Mapping[str, str]) -> str:
    """The ``brand`` parameter (required)."""
    brand = (params.get("brand") or "").strip()
    if not brand:
        raise QueryError("pick a brand first (the brand parameter is missing)")
    return brand


def text_list(value: str | None) -> tuple[str, ...]:
    """``"a, b,,c"`` -> ``("a", "b", "c")``."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _int(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low:,} and {high:,}, not {value:,}")
    return value


def _float(params: Mapping[str, str], name: str, default: float | None, low: float, high: float) -> float | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw.replace(",", "").replace("_", ""))
    except ValueError:
        raise QueryError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise QueryError(f"{name} must be between {low:g} and {high:g}, not {raw!r}")
    return value


def _flag(params: Mapping[str, str], name: str) -> bool:
    return (params.get(name) or "").lower() in ("1", "true", "yes", "on")


def _choice(params: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = params.get(name) or default
    if value not in choices:
        raise QueryError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _niche(params: Mapping[str, str]) -> str | None:
    terms = ", ".join(text_list(params.get("niche")))
    return terms or None


@dataclass(frozen=True)
class ShortlistQuery:
    brand: str
    niche: str | None
    tiers: tuple[str, ...]
    niche_only: bool
    min_audience: int
    exclude_followed: bool
    followers: str
    sort: str | None
    ascending: bool | None
    top: int


def shortlist_query(params: Mapping[str, str]) -> ShortlistQuery:
    """``brand, niche, tier, match, min, excl, followers, sort, asc, top`` (50 rows by default)."""
    niche = _niche(params)
    asc = params.get("asc")
    return ShortlistQuery(
        brand=brand_of(params), niche=niche, tiers=text_list(params.get("tier")),
        niche_only=bool(niche) and (params.get("match", "1") != "0"),
        min_audience=_int(params, "min", 1, 1, 10**9), exclude_followed=_flag(params, "excl"),
        followers=_choice(params, "followers", "keep", ("keep", "exclude", "only")),
        sort=(params.get("sort") or None), ascending=None if asc in (None, "") else asc == "1",
        top=_int(params, "top", 50, 1, MAX_ROWS),
    )


@dataclass(frozen=True)
class LandscapeQuery:
    brand: str
    niche: str | None
    top: int
    metric: str
    neighbours: int
    min_similarity: float
    resolution: float
    random_seed: int
    size_by: str


def landscape_query(params: Mapping[str, str]) -> LandscapeQuery:
    """``brand, niche, ltop`` (300), ``metric, k, minsim, res, rseed, size``."""
    return LandscapeQuery(
        brand=brand_of(params), niche=_niche(params), top=_int(params, "ltop", 300, 2, 2000),
        metric=_choice(params, "metric", "jaccard", ("jaccard", "cosine")),
        neighbours=_int(params, "k", 5, 1, 50),
        min_similarity=_float(params, "minsim", 0.02, 0.0, 1.0),
        resolution=_float(params, "res", 1.0, 0.05, 20.0),
        random_seed=_int(params, "rseed", 0, 0, 2**31 - 1),
        size_by=_choice(params, "size", "audience_share", ("audience_share", "score")),
    )


@dataclass(frozen=True)
class PlanQuery:
    brand: str
    budget: float
    niche: str | None
    tiers: tuple[str, ...]
    prices: tuple[tuple[str, float], ...]
    currency: str | None
    picks: tuple[str, ...]
    exclude: tuple[str, ...]


def plan_query(params: Mapping[str, str], tier_names: tuple[str, ...]) -> PlanQuery:
    """``brand, budget`` (5,000), ``niche, ptier, cost_<tier>, currency, pick, exclude``."""
    prices = []
    for name in tier_names:
        value = _float(params, f"cost_{name}", None, 0.0, 1e12)
        if value is not None:
            if value <= 0:
                raise QueryError(f"cost_{name} must be above 0")
            prices.append((name, value))
    unknown = [k for k in params if k.startswith("cost_") and k[5:] not in tier_names]
    if unknown:
        raise QueryError(f"{unknown[0]}: there is no tier {unknown[0][5:]!r}; tiers are {', '.join(tier_names)}")
    currency = (params.get("currency") or "").strip() or None
    if currency is not None and len(currency) > 8:
        raise QueryError(f"currency must be a code or symbol such as EUR or $, not {currency!r}")
    return PlanQuery(
        brand=brand_of(params), budget=_float(params, "budget", 5000.0, 0.01, 1e12),
        niche=_niche(params), tiers=text_list(params.get("ptier")), prices=tuple(prices),
        currency=currency, picks=text_list(params.get("pick")), exclude=text_list(params.get("exclude")),
    )
