"""``crawl plan``: how many followers to sample, what it costs in requests and time.

Sample size for a margin of error ``e`` on an audience share at confidence
``c`` (``z`` its two-sided normal quantile), worst case ``p = 0.5``, corrected
for a finite population of ``F`` followers (Cochran)::

    n0 = z**2 * p * (1 - p) / e**2
    n  = ceil(n0 / (1 + (n0 - 1) / F))

Requests of an ``audience`` crawl of ``n`` followers of a brand with ``F``
followers, on each platform:

* the brand's lookup: 1 (Mastodon: 2, with the instance's domain);
* the follower list: ``ceil(F / page)``;
* the sampled following lists: ``n * ceil(L / page)`` for a typical following
  list of ``L`` accounts (``typical_following``; an assumption: real lists vary,
  and a long list costs more pages);
* profiles: Bluesky ``ceil((n + K) / 25)`` for the sample and the ``K`` most
  followed accounts (getProfiles takes 25); Mastodon and X list entries carry
  follower counts, so none (Mastodon without ``--service``: one lookup per
  sampled follower on its home instance, counted here).

Page sizes are the documented maxima: Bluesky 100, Mastodon 80, X 1,000. The
time is the requests at the platform's published limit for list requests
(the slowest kind), one IP address or app, no waits for errors.

Examples
--------
>>> sample_size(100_000, margin=0.05, confidence=0.95)
383
>>> sample_size(500, margin=0.05, confidence=0.95)
218
>>> plan = crawl_plan(20_000, margin=0.05)
>>> row = plan.iloc[0]
>>> row["platform"], int(row["sample"]), int(row["requests"])  # 1 + 200 + 377 * 5 + ceil(2377 / 25)
('bluesky', 377, 2182)
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pandas as pd

from graphkit.errors import ConfigError
from loaders.crawl.jobs import PLATFORMS

__all__ = ["sample_size", "crawl_plan"]


def sample_size(followers: int, *, margin: float = 0.02, confidence: float = 0.95, share: float = 0.5) -> int:
    """Followers to sample for ``margin`` at ``confidence`` on a share (worst case 0.5)."""
    if followers < 1:
        raise ConfigError(f"--followers must be at least 1, not {followers}")
    if not 0 < margin < 1:
        raise ConfigError(f"--margin {margin}: give a fraction between 0 and 1 (0.02 = ±2 points)")
    if not 0 < confidence < 1:
        raise ConfigError(f"--confidence {confidence}: give a fraction between 0 and 1 (e.g. 0.95)")
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    n0 = (z / margin) ** 2 * share * (1 - share) if margin > 1e-100 else math.inf
    if not math.isfinite(n0):  # a margin of (nearly) zero: every follower
        return followers
    return min(followers, math.ceil(n0 / (1 + (n0 - 1) / followers)))


def _duration(seconds: float) -> str:
    """``1h05m`` style.

    >>> _duration(59), _duration(3900), _duration(2 * 86400 + 3600)
    ('59s', '1h05m', '2d01h')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours < 1:
        return f"{minutes}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h" if days else f"{hours}h{minutes:02d}m"


def crawl_plan(followers: int, *, margin: float = 0.02, confidence: float = 0.95,
               platforms: list[str] | None = None, typical_following: int = 500,
               profiles_top: int = 2000) -> pd.DataFrame:
    """One row per platform: the sample, the requests it takes, the time at the published limit."""
    if typical_following < 1:
        raise ConfigError("--typical-following must be at least 1")
    n = sample_size(followers, margin=margin, confidence=confidence)
    rows, sources = [], []
    for name in platforms or list(PLATFORMS):
        if name not in PLATFORMS:
            raise ConfigError(f"unknown platform {name!r}; choose {', '.join(PLATFORMS)}")
        platform = PLATFORMS[name]
        page = platform.page_size
        lookups = 2 if name == "mastodon" else 1
        follower_pages = math.ceil(followers / page)
        following_pages = n * math.ceil(typical_following / page)
        if platform.counts_in_lists:
            profiles = n if name == "mastodon" else 0
        else:
            profiles = math.ceil((n + profiles_top) / platform.profile_batch)
        total = lookups + follower_pages + following_pages + profiles
        limit = platform.limits["lists"]
        seconds = total * limit.window_seconds / limit.requests
        rows.append({
            "platform": name,
            "sample": n,
            "follower_pages": follower_pages,
            "following_pages": following_pages,
            "profile_requests": profiles,
            "requests": total,
            "rate_limit": f"{limit.requests:,}/{_duration(limit.window_seconds)}",
            "time": _duration(seconds),
        })
        sources.append(f"{name}: {limit.requests:,} list requests per {_duration(limit.window_seconds)} "
                       f"{limit.scope} ({limit.source})")
    frame = pd.DataFrame(rows)
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    frame.attrs["note"] = "\n".join([
        f"sample {n:,} of {followers:,} followers: ±{margin:.1%} on any audience share at "
        f"{confidence:.0%} confidence (z = {z:.3f}, worst case p = 0.5, finite-population corrected)",
        f"assumes {typical_following:,} accounts per following list, {profiles_top:,} top profiles, "
        "documented page sizes (Bluesky 100, Mastodon 80, X 1,000)",
        *sources,
    ])
    return frame
