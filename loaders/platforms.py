"""Registers the platform formats: importing this module imports every reader.

:func:`loaders.registry._ensure_registered` imports it, so ``--format auto``
tries the platform formats (priorities 10-40) before the generic CSV and
handle-list catch-alls.

Examples
--------
>>> from loaders import formats_for
>>> [f.name for f in formats_for("followers")][:3]
['instagram-json', 'x-archive', 'tiktok-json']
"""

from loaders import exports, instagram, scrapers, snap_ego, tiktok, x_archive  # noqa: F401

__all__: list[str] = []
