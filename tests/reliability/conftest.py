"""Fixtures of the reliability suite: hypothesis profiles.

The demo workspace fixtures (``demo_workspace``, ``demo_copy``) are in
``tests/conftest.py``, shared with the CLI tests.

Hypothesis profiles
-------------------
``ci`` (the default): a fixed, modest number of examples, derandomized, so that CI
is reproducible and quick. ``long``: many more examples, random seeds, for a soak
run before a release::

    HYPOTHESIS_PROFILE=long python -m pytest tests/reliability -q
"""

from __future__ import annotations

import os

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
