"""The bundled demo: a brand, its followers, their following lists, and profiles.

The data in ``graphkit/data/demo`` is generated once by the seeded script
``examples/make_demo_data.py``: ``acme`` (an outdoor-gear brand) with ~2,100
followers, three quarters of them observed, 125 k follows, and 3,000 creators
across every tier and seven niches. ``examples/make_demo_extras.py`` adds ~500
posts (some mentioning ``@acme``) and 320 shop customers with social handles.

Examples
--------
>>> import tempfile
>>> ws = open_workspace(tempfile.mkdtemp() + "/demo")
>>> reports = build_demo(ws)
>>> [r.format for r in reports]
['handle-list', 'edge-csv', 'profiles-csv', 'posts-csv', 'customers-csv']
>>> ws.graph.n_follows > 100_000
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from graphkit.api import load_files
from graphkit.tables import LoadReport
from graphkit.workspace import Workspace, open_workspace

__all__ = ["DEMO_BRAND", "demo_files", "build_demo", "open_workspace"]

DEMO_BRAND = "acme"
DEFAULT_DEMO_WORKSPACE = "graphkit-demo"


def demo_files() -> dict[str, Path]:
    """Paths of the bundled demo files (inside the installed package)."""
    folder = Path(str(resources.files("graphkit").joinpath("data/demo")))
    return {
        "followers": folder / "acme_followers.txt",
        "following": folder / "following.csv.gz",
        "profiles": folder / "profiles.csv",
        "posts": folder / "posts.csv",
        "customers": folder / "customers.csv",
    }


def build_demo(workspace: Workspace) -> list[LoadReport]:
    """Load the demo files into ``workspace`` (idempotent: a second run changes nothing)."""
    files = demo_files()
    reports = load_files(workspace, "followers", [files["followers"]], of=DEMO_BRAND)
    reports += load_files(workspace, "edges", [files["following"]])
    reports += load_files(workspace, "profiles", [files["profiles"]])
    reports += load_files(workspace, "posts", [files["posts"]])
    reports += load_files(workspace, "customers", [files["customers"]])
    return reports
