"""Influencer tiers by declared follower count, and how to configure them.

The default scheme (DESIGN.md, from the brief): regular below 1,000; nano
1,000-9,999; micro 10,000-49,999; mid 50,000-499,999; macro 500,000-999,999;
mega 1,000,000 and more; ``unknown`` when no follower count was declared. A
lower bound belongs to its tier. The tier never comes from in-sample degree.

Other schemes are a TOML file with a ``[tiers]`` table of ``name = lower bound``::

    [tiers]
    regular = 0
    nano = 1_000
    micro = 5_000
    mid = 20_000

Examples
--------
>>> scheme = TierScheme.default()
>>> scheme.assign([999, 1000, 10_000, 49_999, 1_000_000, None]).tolist()
['regular', 'nano', 'micro', 'micro', 'mega', 'unknown']
>>> scheme.names
('regular', 'nano', 'micro', 'mid', 'macro', 'mega')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from graphkit.config import parse_toml, read_config_text
from graphkit.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TierScheme", "UNKNOWN_TIER", "load_tier_scheme", "resolve_tiers"]

UNKNOWN_TIER = "unknown"


@dataclass(frozen=True)
class TierScheme:
    """Named tiers, each starting at a follower count (ascending)."""

    names: tuple[str, ...]
    lower_bounds: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.names:
            raise ConfigError("a tier scheme needs at least one tier")
        if len(self.names) != len(self.lower_bounds):
            raise ConfigError("each tier needs exactly one lower bound")
        if len(set(self.names)) != len(self.names):
            raise ConfigError("tier names must be unique")
        if UNKNOWN_TIER in self.names:
            raise ConfigError(f"{UNKNOWN_TIER!r} is reserved for accounts without a follower count")
        if list(self.lower_bounds) != sorted(set(self.lower_bounds)):
            raise ConfigError("tier lower bounds must be strictly increasing")
        if self.lower_bounds[0] != 0:
            raise ConfigError("the first tier must start at 0 followers")

    @classmethod
    def default(cls) -> TierScheme:
        text = (Path(__file__).parent / "data" / "tiers.toml").read_text("utf-8")  # no importlib.resources: a cold start
        return cls.from_toml_text(text, "the default tiers")

    @classmethod
    def from_toml_text(cls, text: str, source: str) -> TierScheme:
        tiers = parse_toml(text, source).get("tiers")
        if not isinstance(tiers, dict) or not tiers:
            raise ConfigError(f"{source}: needs a [tiers] table of name = lower bound")
        for name, bound in tiers.items():
            if not isinstance(bound, int) or isinstance(bound, bool) or bound < 0:
                raise ConfigError(f"{source}: tier {name!r} needs a whole number >= 0, not {bound!r}")
        ordered = sorted(tiers.items(), key=lambda item: item[1])
        try:
            return cls(tuple(n for n, _ in ordered), tuple(b for _, b in ordered))
        except ConfigError as err:
            raise ConfigError(f"{source}: {err}") from None

    @classmethod
    def from_toml(cls, path: str | Path) -> TierScheme:
        return cls.from_toml_text(read_config_text(path, "tier file"), str(path))

    @property
    def all_names(self) -> tuple[str, ...]:
        """Tier names with ``unknown`` first (the order of tables and charts)."""
        return (UNKNOWN_TIER, *self.names)

    def assign(self, followers_count) -> pd.Categorical:
        """The tier of each follower count (``None``/``NA`` -> ``unknown``)."""
        import pandas as pd

        counts = pd.array(list(followers_count) if not hasattr(followers_count, "dtype") else followers_count, dtype="Float64")
        labels = self.labels(counts.to_numpy(dtype=np.float64, na_value=np.nan))
        return pd.Categorical(labels, categories=self.all_names, ordered=True)

    def labels(self, followers_count: np.ndarray) -> np.ndarray:
        """The tier names of float follower counts (NaN -> ``unknown``), as an object array.

        >>> TierScheme.default().labels(np.array([999.0, 10_000.0, np.nan])).tolist()
        ['regular', 'micro', 'unknown']
        """
        values = np.asarray(followers_count, dtype=np.float64)
        known = ~np.isnan(values)
        positions = np.searchsorted(np.asarray(self.lower_bounds, dtype=np.float64), np.where(known, values, 0), side="right") - 1
        labels = np.array(self.names, dtype=object)[np.clip(positions, 0, None)]
        return np.where(known, labels, UNKNOWN_TIER)

    def check_names(self, names: list[str]) -> list[str]:
        """Validate tier names given by a user (e.g. ``--tier nano,micro``)."""
        unknown = [n for n in names if n not in self.all_names]
        if unknown:
            raise ConfigError(
                f"unknown tier {unknown[0]!r}; tiers are: {', '.join(self.all_names)}"
            )
        return names


def resolve_tiers(tier_scheme: TierScheme | None, tiers=None) -> TierScheme:
    """The scheme a query uses (the given one, else the default), with the wanted tier names checked.

    >>> resolve_tiers(None, ["nano"]).names[:2]
    ('regular', 'nano')
    >>> resolve_tiers(None, ["giant"])
    Traceback (most recent call last):
    ...
    graphkit.errors.ConfigError: unknown tier 'giant'; tiers are: unknown, regular, nano, micro, mid, macro, mega
    """
    scheme = tier_scheme or TierScheme.default()
    if tiers:
        scheme.check_names(list(tiers))
    return scheme


def load_tier_scheme(path: str | Path | None = None) -> TierScheme:
    """The scheme from ``path``, else ``$GRAPHKIT_TIERS``, else the default."""
    path = path or os.environ.get("GRAPHKIT_TIERS")
    return TierScheme.from_toml(path) if path else TierScheme.default()
