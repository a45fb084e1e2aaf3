"""The workspace: a follow graph on disk that grows by small, atomic, isolated steps.

``from graphkit.workspace import Workspace, open_workspace`` is all most code
needs. The package's modules, each one concept:

* :mod:`~graphkit.workspace.core` — :class:`Workspace`: open, read, commit, compact;
* :mod:`~graphkit.workspace.manifest` — the small JSON file naming the base and segments;
* :mod:`~graphkit.workspace.locking` — the write lock and the readers' generation pins;
* :mod:`~graphkit.workspace.keys` — account ids and aliases;
* :mod:`~graphkit.workspace.delta` — a commit's changes computed from its sources;
* :mod:`~graphkit.workspace.accounts` — account events (new accounts, renames, values) applied in order;
* :mod:`~graphkit.workspace.follows` — follows as codes: membership, splicing, spells;
* :mod:`~graphkit.workspace.segments` — writing, reading and merging segments;
* :mod:`~graphkit.workspace.compaction` — rewriting one base;
* :mod:`~graphkit.workspace.snapshot` — reading one generation (base + segments);
* :mod:`~graphkit.workspace.history` — follows current at a date, attributes as loaded by a date;
* :mod:`~graphkit.workspace.datafiles` — the on-disk files and rules for other engines;
* :mod:`~graphkit.workspace.storage` — atomic files, checksums, fault injection.
"""

from graphkit.workspace.core import DEFAULT_WORKSPACE, Workspace, open_workspace
from graphkit.workspace.manifest import SCHEMA_VERSION

__all__ = ["Workspace", "open_workspace", "SCHEMA_VERSION", "DEFAULT_WORKSPACE"]
