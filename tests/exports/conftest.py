"""Fixtures of the export, report and plan tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def build_workspace(path: Path, pairs, *, observed=None, accounts: pd.DataFrame | None = None):
    """A workspace on disk holding ``pairs`` (and account attributes), through the core API."""
    from graphkit.tables import SourceTables
    from graphkit.workspace import open_workspace

    pairs = list(pairs)
    observed = {a for a, _ in pairs} if observed is None else set(observed)
    source = SourceTables.from_pairs("test-pairs", pairs, observed=observed)
    if accounts is not None:
        source.accounts = accounts.assign(key=accounts["key"].astype("string"))
    workspace = open_workspace(str(path))
    workspace.commit([source])
    return workspace


@pytest.fixture
def make_workspace(workspace_path):
    """Call with ``pairs`` (and ``observed=``, ``accounts=``) to fill the test's workspace."""

    def make(pairs, **options):
        return build_workspace(workspace_path, pairs, **options)

    return make
