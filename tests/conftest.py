"""Shared fixtures: the real data folder, temporary workspaces, the CLI runner."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory) -> Path:
    """A workspace holding the bundled demo (built once; copy it before writing to it)."""
    from graphkit.demo import build_demo
    from graphkit.workspace import Workspace

    path = tmp_path_factory.mktemp("demo") / "ws"
    build_demo(Workspace(path))
    return path


@pytest.fixture
def demo_copy(demo_workspace, tmp_path) -> Path:
    """A private copy of the demo workspace, safe to write to."""
    target = tmp_path / "demo-ws"
    shutil.copytree(demo_workspace, target)
    return target


@pytest.fixture
def run_cli(workspace_path: Path):
    """Run ``graphkit -w <tmp workspace> ARGS...`` in-process; returns the click Result."""
    from click.testing import CliRunner

    from graphkit.cli.main import cli

    def run(*args: str, input: str | None = None, workspace: Path | None = None):
        runner = CliRunner()
        return runner.invoke(cli, ["-w", str(workspace or workspace_path), *args], input=input, catch_exceptions=False)

    return run


# -- real SNAP graphs, loaded once per session (added with issue 4) -------------------------
SNAP_EDGE_FILES = {
    "wiki-vote": "snap/wiki-vote/Wiki-Vote.txt",
    "email-eu-core": "snap/email-eu-core/email-Eu-core.txt",
    "ego-facebook": "snap/ego-facebook/facebook_combined.txt",
}


def ego_twitter_pairs(members):
    """SNAP's combined ego-Twitter edges from ``(file name, bytes)`` of ``<ego>.edges/.feat/.circles``.

    The union of every ``.edges`` line, plus the ego following each node named in its
    ``.edges``, ``.feat`` or ``.circles`` file (the rule in ../shared/data/README.md).
    """
    pairs = []
    for name, data in members:
        base = name.rsplit("/", 1)[-1]
        ego, _, ext = base.partition(".")
        lines = data.decode("utf-8").splitlines()
        if ext == "edges":
            split = [line.split() for line in lines if line.strip()]
            pairs.extend((a, b) for a, b in split)
            named = {n for pair in split for n in pair}
        elif ext == "feat":
            named = {line.split(maxsplit=1)[0] for line in lines if line.strip()}
        elif ext == "circles":
            named = {m for line in lines for m in line.split("\t")[1:] if m.strip()}
        else:
            continue
        pairs.extend((ego, n) for n in named)
    return pairs


@pytest.fixture(scope="session")
def snap_graph(shared_data, tmp_path_factory):
    """``snap_graph(name)`` -> FollowGraph of a SNAP graph loaded through the edge-list loader.

    Names: ``wiki-vote``, ``email-eu-core``, ``ego-facebook`` (the undirected file, one follow
    per line as written), ``ego-twitter`` (all 973 egos from the tar, SNAP's combined rule),
    ``ego-twitter-sample`` (the four egos of ``egos_sample/``, same rule). Cached per session.
    """
    import tarfile

    from graphkit.api import load_files, open_workspace

    cache = {}

    def load(name: str):
        if name in cache:
            return cache[name]
        folder = tmp_path_factory.mktemp(name)
        if name in SNAP_EDGE_FILES:
            path = shared_data / SNAP_EDGE_FILES[name]
        else:
            ego_dir = shared_data / "snap" / "ego-twitter"
            if name == "ego-twitter":
                with tarfile.open(ego_dir / "twitter_egos_all_973.tar.gz") as tar:
                    members = [(m.name, tar.extractfile(m).read()) for m in tar if m.isfile()]
            elif name == "ego-twitter-sample":
                members = [(p.name, p.read_bytes()) for p in sorted((ego_dir / "egos_sample").iterdir())]
            else:
                raise KeyError(name)
            path = folder / f"{name}.txt"
            path.write_text("".join(f"{a}\t{b}\n" for a, b in ego_twitter_pairs(members)))
        workspace = open_workspace(folder / "ws")
        load_files(workspace, "edges", [path])
        cache[name] = open_workspace(folder / "ws").graph
        return cache[name]

    return load
