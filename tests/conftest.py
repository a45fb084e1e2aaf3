"""Shared fixtures: the real data folder, temporary workspaces, the CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real SNAP graphs and platform exports); skip if absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    """A path for a fresh workspace (not created yet)."""
    return tmp_path / "ws"


@pytest.fixture
def run_cli(workspace_path: Path):
    """Run ``graphkit -w <tmp workspace> ARGS...`` in-process; returns the click Result."""
    from click.testing import CliRunner

    from graphkit.cli.main import cli

    def run(*args: str, input: str | None = None, workspace: Path | None = None):
        runner = CliRunner()
        return runner.invoke(cli, ["-w", str(workspace or workspace_path), *args], input=input, catch_exceptions=False)

    return run
