"""Fixtures of the reliability suite: hypothesis profiles, a demo workspace, subprocess helpers.

Hypothesis profiles
-------------------
``ci`` (the default): a fixed, modest number of examples, derandomized, so that CI
is reproducible and quick. ``long``: many more examples, random seeds, for a soak
run before a release::

    HYPOTHESIS_PROFILE=long python -m pytest tests/reliability -q
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def demo_copy(demo_workspace, tmp_path) -> Path:
    """A private copy of the demo workspace, safe to write to."""
    target = tmp_path / "demo-ws"
    shutil.copytree(demo_workspace, target)
    return target
