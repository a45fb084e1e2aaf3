"""The Examples of ``--help`` that run a query with ``--engine spark``, run on the Spark tests' session.

``tests/core/test_help_examples.py`` runs every other example; these start
Spark, so they run here (marker ``spark``), in a folder laid out as a clone of
the repository after ``graphkit demo``. The session fixture's SparkSession is
already running in this process, so the example's ``--engine spark`` reuses
it instead of starting a second JVM (and leaves it running).
"""

from __future__ import annotations

import pytest

from tests.help_examples import all_examples, make_clone, needs_spark, run_block

pytestmark = pytest.mark.spark


def test_spark_examples_run_on_the_demo_workspace(spark, demo_workspace, tmp_path, monkeypatch):
    blocks = [lines for lines in all_examples().values() if any(map(needs_spark, lines))]
    assert blocks
    make_clone(demo_workspace, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SPARK_MASTER", raising=False)
    for lines in blocks:
        for line, result in run_block(lines):
            assert result.exit_code == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert spark.range(2).count() == 2  # the examples left the running session alone
