"""``graphkit export spark``, the dataset read back by the engine, and ``--engine spark`` in the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import queries.spark as on_spark
from graphkit.cli.main import cli
from graphkit.errors import ConfigError, QueryError
from graphkit.spark.dataset import bucket_of, export_spark
from graphkit.spark.graph import spark_inputs
from graphkit.spark.session import parse_conf
from queries.affinity import affinity

pytestmark = pytest.mark.spark


@pytest.mark.parametrize("name", ["demo", "demo-grown"])  # a base only; a base and segments
def test_export_layout_and_answers(spark, spark_workspace, tmp_path, name):
    workspace = spark_workspace(name)
    out = tmp_path / "dataset"
    document = export_spark(workspace, out, buckets=3)
    graph = workspace.graph
    assert json.loads((out / "_graphkit.json").read_text()) == document
    assert (document["accounts"], document["follows"], document["buckets"]) == (graph.n_accounts, graph.n_follows, 3)
    follows = pd.read_parquet(out / "follows")
    assert len(follows) == graph.n_follows
    # every follower's list is in the bucket its hash names, and nowhere else
    assert (follows["bucket"].astype(int).to_numpy() == bucket_of(follows["follower"].to_numpy(), 3)).all()
    assert sorted(p.name for p in (out / "follows").iterdir()) == ["bucket=00000", "bucket=00001", "bucket=00002"]
    accounts = pd.read_parquet(out / "accounts")
    assert accounts["id"].tolist() == list(range(graph.n_accounts))
    assert accounts["key"].tolist() == graph.keys.tolist()
    pd.testing.assert_series_equal(accounts["followers_count"].astype("Float64"),
                                   graph.accounts["followers_count"].astype("Float64").reset_index(drop=True))
    assert sorted(zip(follows["follower"], follows["followee"])) == sorted(
        (u, int(v)) for u in range(graph.n_accounts) for v in graph.following(u))
    on_dataset = spark_inputs(out, spark)
    memory = affinity(graph, "acme", top=15)
    pd.testing.assert_frame_equal(on_spark.affinity(on_dataset, "acme", top=15), memory, check_exact=True)
    with pytest.raises(QueryError, match="already exists"):
        export_spark(workspace, out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dataset.tmp")]


def test_export_of_a_given_graph(spark_workspace, tmp_path):
    """``graph=`` (the CLI's ``--as-of``): the dataset holds that graph, not the workspace's current one."""
    from graphkit.graph import FollowGraph

    graph = FollowGraph.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    document = export_spark(spark_workspace("demo"), tmp_path / "then", buckets=2, graph=graph)
    assert (document["accounts"], document["follows"]) == (4, 4)
    accounts = pd.read_parquet(tmp_path / "then" / "accounts")
    assert accounts["key"].tolist() == graph.keys.tolist()
    follows = pd.read_parquet(tmp_path / "then" / "follows")
    assert sorted(zip(follows["follower"], follows["followee"])) == [(0, 1), (1, 2), (2, 0), (3, 0)]


def test_cli_engine_spark_prints_what_memory_prints(spark, spark_workspace):
    workspace = spark_workspace("demo")
    runner = CliRunner()
    for args in (["affinity", "acme", "--top", "8"], ["lookalikes", "acme", "--top", "5"],
                 ["expand", "acme", "--top", "12"], ["overlap", "acme", "hike_theo", "--show", "reach"]):
        memory = runner.invoke(cli, ["-w", str(workspace.path), *args, "--format", "csv"])
        on_spark = runner.invoke(cli, ["-w", str(workspace.path), *args, "--format", "csv", "--engine", "spark"])
        assert memory.exit_code == 0, memory.output
        assert on_spark.exit_code == 0, on_spark.output
        assert on_spark.stdout == memory.stdout
    done = runner.invoke(cli, ["-w", str(workspace.path), "plan", "acme", "--budget", "3000", "--engine", "spark"])
    assert done.exit_code == 0 and "naive pick (top by own reach" in done.output, done.output
    assert spark.range(2).count() == 2  # the CLI left the running session alone


def test_cli_refusals(spark_workspace):
    runner = CliRunner()
    ws = str(spark_workspace("demo").path)
    done = runner.invoke(cli, ["-w", ws, "affinity", "acme", "--spark-master", "local[1]"])
    assert done.exit_code == 2 and "apply to --engine spark only" in done.output
    done = runner.invoke(cli, ["-w", ws, "centrality", "--measure", "hits", "--engine", "spark"])
    assert done.exit_code == 1 and "not available with --engine spark" in done.output
    assert "Traceback" not in done.output
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        parse_conf(["spark.executor.memory"])


def test_memory_commands_do_not_import_pyspark(spark_workspace):
    ws = str(spark_workspace("demo").path)
    code = (
        "import sys\n"
        "from graphkit.cli.main import main\n"
        "for argv in (['--help'], ['-w', sys.argv[1], 'affinity', 'acme', '--top', '3']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('PYSPARK', 'pyspark' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, ws], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "PYSPARK False"
