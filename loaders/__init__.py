"""Loaders: every input file becomes the same two tables, follows and accounts.

One module per input family (:mod:`loaders.lists`, :mod:`loaders.edges`,
:mod:`loaders.profiles`, ...); :func:`read_source` detects the format from the
content and returns :class:`~graphkit.tables.SourceTables`. Nothing here
writes to a workspace.

Examples
--------
>>> [f.name for f in formats_for("edges")]
['edge-csv', 'snap-edges']
"""

from loaders.formats import FORMATS, KINDS, Format, ReadContext
from loaders.registry import formats_for, get_format, read_source

__all__ = ["read_source", "ReadContext", "Format", "FORMATS", "KINDS", "formats_for", "get_format"]
