"""graphkit: a follower-network explorer for influencer discovery.

Load follower and following lists into a workspace, then ask who a brand's
followers follow, who looks like an influencer, and whom to pick.

>>> import graphkit
>>> graphkit.FollowGraph.from_pairs([("ann", "acme")]).n_follows
1

Names are imported lazily, so ``graphkit --help`` does not pay for pandas.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "FollowGraph": "graphkit.graph",
    "Workspace": "graphkit.workspace",
    "open_workspace": "graphkit.workspace",
    "load_files": "graphkit.api",
    "read_files": "graphkit.api",
    "info": "graphkit.api",
    "TierScheme": "graphkit.tiers",
    "load_tier_scheme": "graphkit.tiers",
    "GraphkitError": "graphkit.errors",
    "InputError": "graphkit.errors",
    "WorkspaceError": "graphkit.errors",
    "AccountNotFound": "graphkit.errors",
    "QueryError": "graphkit.errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
