"""One local SparkSession (``local[2]``) for every Spark test, and workspaces of real graphs.

Spark needs pyspark (the ``test`` extra installs it) and Java 17+; both are
required, never skipped: a missing one fails the session fixture.
"""

from __future__ import annotations

import pytest

from tests.conftest import SNAP_EDGE_FILES, ego_twitter_pairs
from tests.support import most_followed

#: graphs compared: the bundled demo (profiles, tiers), wiki-Vote, and the held-out style fixtures
DATASETS = ("demo", "wiki-vote", "email-eu-core", "ego-twitter-sample")


@pytest.fixture(scope="session")
def spark():
    from graphkit.spark.session import spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "2",
                                         "spark.default.parallelism": "2"})
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_workspace(shared_data, tmp_path_factory):
    """``spark_workspace(name)`` -> the Workspace of a dataset (loaded once per session)."""
    from graphkit.api import load_files
    from graphkit.demo import build_demo
    from graphkit.workspace import open_workspace

    cache = {}

    def load(name: str):
        if name not in cache:
            folder = tmp_path_factory.mktemp(f"spark-{name}")
            workspace = open_workspace(folder / "ws")
            if name == "demo":
                build_demo(workspace)
            elif name in SNAP_EDGE_FILES:
                load_files(workspace, "edges", [shared_data / SNAP_EDGE_FILES[name]])
            else:
                sample = shared_data / "snap" / "ego-twitter" / "egos_sample"
                members = [(p.name, p.read_bytes()) for p in sorted(sample.iterdir())]
                path = folder / "pairs.txt"
                path.write_text("".join(f"{a}\t{b}\n" for a, b in ego_twitter_pairs(members)))
                load_files(workspace, "edges", [path])
            cache[name] = open_workspace(folder / "ws")
        return cache[name]

    return load


@pytest.fixture(scope="module", params=DATASETS)
def engines(request, spark, spark_workspace):
    """``(name, graph, spark_graph, brand, reference)`` of one dataset, on both engines."""
    from graphkit.spark.graph import spark_inputs

    name = request.param
    workspace = spark_workspace(name)
    graph = workspace.graph
    brand, reference = ("acme", [k for k in most_followed(graph) if k != "acme"][0]) if name == "demo" \
        else most_followed(graph)
    on_spark = spark_inputs(workspace, spark).cached()
    yield name, graph, on_spark, brand, reference
    on_spark.accounts.unpersist()
    on_spark.follows.unpersist()
