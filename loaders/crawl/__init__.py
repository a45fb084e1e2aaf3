"""Crawlers: loaders that fetch follower and following lists from Bluesky, Mastodon and X.

One module per platform (:mod:`~loaders.crawl.bluesky`, :mod:`~loaders.crawl.mastodon`,
:mod:`~loaders.crawl.x`) on one crawl core: the HTTP client with pacing, retries and
a request budget (:mod:`~loaders.crawl.http`), the crawl state and checkpoints kept
in the workspace (:mod:`~loaders.crawl.state`), the jobs and their worker pool
(:mod:`~loaders.crawl.engine`, :mod:`~loaders.crawl.jobs`) and ``crawl plan``
(:mod:`~loaders.crawl.plan`). Like every loader they hand the workspace
:class:`~graphkit.tables.SourceTables`; unlike file loaders they commit at
checkpoints, each with the crawl's state, so a crawl can be stopped and resumed.
"""

from loaders.crawl.engine import CrawlOptions, CrawlSummary, draw_sample
from loaders.crawl.jobs import (
    PLATFORMS,
    crawl_audience,
    crawl_expand,
    crawl_lists,
    crawl_profiles,
    open_platform,
)
from loaders.crawl.plan import crawl_plan, sample_size
from loaders.crawl.state import crawl_documents

__all__ = [
    "PLATFORMS",
    "CrawlOptions",
    "CrawlSummary",
    "crawl_audience",
    "crawl_documents",
    "crawl_expand",
    "crawl_lists",
    "crawl_plan",
    "crawl_profiles",
    "draw_sample",
    "open_platform",
    "sample_size",
]
