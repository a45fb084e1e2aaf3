"""One local SparkSession (``local[2]``) for every Spark test, and workspaces of real graphs.

Spark needs pyspark (the ``test`` extra installs it) and Java 17+; both are
required, never skipped: a missing one fails the session fixture.
"""

from __future__ import annotations

import pytest

from tests.conftest import SNAP_EDGE_FILES, ego_twitter_pairs
from tests.support import most_followed

#: graphs compared: the bundled demo (profiles, tiers), the demo grown by later loads (base +
#: segments: ended follows, new accounts, changed attributes), wiki-Vote, and the held-out style fixtures
DATASETS = ("demo", "demo-grown", "wiki-vote", "email-eu-core", "ego-twitter-sample")


def grow_demo(workspace, folder) -> None:
    """Later loads onto the demo, each a segment: a whole following list that drops half of an
    account's follows and adds new accounts, a profiles update (counts crossing tiers, a new
    account), and new followers of the brand."""
    from graphkit.api import load_files

    graph = workspace.graph
    owner = max(range(graph.n_accounts), key=lambda i: (len(graph.following(i)), -i))
    keys = graph.keys
    kept = [keys[i] for i in sorted(graph.following(owner).tolist())][::2]
    following = folder / "following.txt"
    following.write_text("".join(f"{k}\n" for k in kept + ["grown.new.1", "grown.new.2", "acme"]))
    load_files(workspace, "following", [following], of=keys[owner])
    profiles = folder / "profiles.csv"
    rows = [f"{keys[i]},{(i * 7919) % 2_000_000}" for i in range(0, graph.n_accounts, 9)]
    profiles.write_text("username,followers\n" + "\n".join(rows + ["grown.new.1,12000"]) + "\n")
    load_files(workspace, "profiles", [profiles])
    fans = folder / "fans.txt"
    graph = workspace.graph  # the whole followers list of acme: two thirds of those before, and new ones
    before = [keys[i] for i in sorted(graph.followers(graph.id_of("acme")).tolist()) if i % 3]
    fans.write_text("".join(f"{k}\n" for k in before + [f"grown.fan.{n}" for n in range(30)] + ["grown.new.2"]))
    load_files(workspace, "followers", [fans], of="acme")


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
            elif name == "demo-grown":
                build_demo(workspace)
                grow_demo(open_workspace(folder / "ws"), folder)
            elif name in SNAP_EDGE_FILES:
                load_files(workspace, "edges", [shared_data / SNAP_EDGE_FILES[name]])
            else:
                sample = shared_data / "snap" / "ego-twitter" / "egos_sample"
                members = [(p.name, p.read_bytes()) for p in sorted(sample.iterdir())]
                path = folder / "pairs.txt"
                path.write_text("".join(f"{a}\t{b}\n" for a, b in ego_twitter_pairs(members)))
                load_files(workspace, "edges", [path])
            cache[name] = open_workspace(folder / "ws")
            if name == "demo-grown":  # the case this dataset is for: segments, not one base
                assert cache[name].data_files()["segments"]
        return cache[name]

    return load


@pytest.fixture(scope="module", params=DATASETS)
def engines(request, spark, spark_workspace):
    """``(name, graph, spark_graph, brand, reference)`` of one dataset, on both engines."""
    from graphkit.spark.graph import spark_inputs

    name = request.param
    workspace = spark_workspace(name)
    graph = workspace.graph
    brand, reference = ("acme", [k for k in most_followed(graph) if k != "acme"][0]) if name.startswith("demo") \
        else most_followed(graph)
    on_spark = spark_inputs(workspace, spark).cached()
    yield name, graph, on_spark, brand, reference
    on_spark.accounts.unpersist()
    on_spark.follows.unpersist()
