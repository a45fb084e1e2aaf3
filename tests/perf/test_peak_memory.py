"""Peak memory of a benchmark worker is its own, whatever the runner holds.

A child's ``ru_maxrss`` on Linux starts at the resident size of the process that
forked it; the benchmark runner therefore starts every measured command through
``benchmarks/launch.py``, a small process. These tests make the runner large
first, as generating a dataset does, and check the figures stay per process.
"""

from __future__ import annotations

import sys

import pytest

from benchmarks.processes import check_peaks, spawn_usage

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss semantics are Linux's")


def _hold(mib: int) -> bytearray:
    block = bytearray(mib * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    return block


def test_a_small_worker_of_a_large_runner_reports_a_small_peak():
    ballast = _hold(400)  # the runner after generating a dataset
    small = spawn_usage([sys.executable, "-c", "pass"])["peak_rss"]
    assert len(ballast) == 400 * 2**20
    assert small < 100 * 2**20, f"a bare interpreter reported {small / 2**20:.0f} MiB"


def test_workers_of_very_different_size_report_different_peaks():
    ballast = _hold(300)
    result = check_peaks(16, 256)
    assert len(ballast) == 300 * 2**20
    assert result["ok"]
    assert result["large_peak"] - result["small_peak"] > 200 * 2**20


def test_a_failing_command_raises_with_its_stderr():
    with pytest.raises(RuntimeError, match="boom"):
        spawn_usage([sys.executable, "-c", "import sys; sys.exit('boom')"])
