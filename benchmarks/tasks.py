"""The measured operations, one function per (operation, engine); each runs in its own process.

A task receives a :class:`Job` (dataset folder, workspace, brand, repeats) and
returns ``{"times": [...], "answer": ..., ...}``: the seconds of each timed
repetition (after one untimed warm-up for in-memory queries) and an answer the
runner compares across engines (top accounts, a PageRank vector digest).
Imports happen inside the functions, so a task's memory is only what its own
engine needs. ``benchmarks.worker`` runs one task; ``benchmarks.run`` starts
the workers and reads their peak memory from the kernel.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Job", "TASKS", "Z", "TOP", "PAGERANK_ALPHA", "PAGERANK_NODE_TOL", "rss_bytes"]

#: Wilson z of the affinity query (graphkit's default).
Z = 1.96
#: Rows every ranked query returns.
TOP = 20
#: Lookalikes leave out accounts with fewer observed followers (graphkit's default).
MIN_AUDIENCE = 5
PAGERANK_ALPHA = 0.85
#: Required accuracy of every PageRank value.
PAGERANK_NODE_TOL = 1e-6


@dataclass
class Job:
    """What a task needs: files, the account it asks about, how often to time."""

    task: str
    dataset: str
    workspace: str
    account: str = "brand_10k"
    repeat: int = 5
    scratch: str = ""
    options: dict = field(default_factory=dict)


def rss_bytes() -> tuple[int, int]:
    """Current and peak resident memory of this process (``VmRSS``, ``VmHWM``), in bytes."""
    values = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount, _unit = line.split()
                values[name[:-1]] = int(amount) * 1024
    return values["VmRSS"], values["VmHWM"]


def _timed(function: Callable[[], object], repeat: int, warmup: bool = True) -> tuple[list[float], object]:
    if warmup:
        function()
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def _data_folder(workspace: str) -> Path:
    """The folder of the workspace's base (the benchmark workspace is compacted: no segments)."""
    from graphkit.workspace import open_workspace

    files = open_workspace(workspace).data_files()
    if files["segments"]:
        raise RuntimeError(f"{workspace} has segments: run `graphkit -w {workspace} compact` first")
    return Path(files["base"]["accounts"]).parent


# -- load: CSV -> a graph with integer ids ------------------------------------------------------
def load_graphkit(job: Job) -> dict:
    import shutil

    from graphkit.allocator import return_freed_memory

    return_freed_memory()  # what `graphkit load` does first (before pyarrow is imported)
    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    target = Path(job.scratch) / "ws-load"
    shutil.rmtree(target, ignore_errors=True)
    csv = str(Path(job.dataset) / "follows.csv")
    started = time.perf_counter()
    reports = load_files(open_workspace(target), "edges", [csv])
    seconds = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    return {"times": [seconds], "answer": {"follows": reports[0].follows_added}}


_DUCKDB_LOAD = """
CREATE TABLE raw AS
    SELECT lower(ltrim(trim(follower), '@')) AS follower, lower(ltrim(trim(followee), '@')) AS followee
    FROM read_csv('{csv}', header = true, columns = {{'follower': 'VARCHAR', 'followee': 'VARCHAR'}});
CREATE TABLE accounts AS
    SELECT (row_number() OVER ()) - 1 AS id, key
    FROM (SELECT DISTINCT key FROM (SELECT follower AS key FROM raw UNION ALL SELECT followee FROM raw));
CREATE TABLE follows AS
    SELECT DISTINCT a.id::INTEGER AS follower, b.id::INTEGER AS followee
    FROM raw JOIN accounts a ON a.key = raw.follower JOIN accounts b ON b.key = raw.followee
    WHERE a.id <> b.id;
DROP TABLE raw;
"""


def load_duckdb(job: Job) -> dict:
    import duckdb

    csv = str(Path(job.dataset) / "follows.csv")
    database = job.options.get("database", ":memory:")
    if database != ":memory:":
        database = str(Path(job.scratch) / "load.duckdb")
        Path(database).unlink(missing_ok=True)
    con = duckdb.connect(database)
    started = time.perf_counter()
    con.execute(_DUCKDB_LOAD.format(csv=csv))
    if database != ":memory:":
        con.execute("CHECKPOINT")
    seconds = time.perf_counter() - started
    follows = con.execute("SELECT count(*) FROM follows").fetchone()[0]
    con.close()
    if database != ":memory:":
        Path(database).unlink(missing_ok=True)
    return {"times": [seconds], "answer": {"follows": int(follows)}, "threads": _duckdb_threads()}


def load_networkx(job: Job) -> dict:
    import csv

    import networkx as nx

    path = Path(job.dataset) / "follows.csv"
    started = time.perf_counter()
    graph = nx.DiGraph()
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        graph.add_edges_from(
            (a, b) for a, b in ((x.strip().lstrip("@").lower(), y.strip().lstrip("@").lower()) for x, y in rows)
            if a != b
        )
    seconds = time.perf_counter() - started
    return {"times": [seconds], "answer": {"follows": graph.number_of_edges()}}


def _duckdb_threads() -> int:
    import duckdb

    return int(duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0])


# -- resident memory of a loaded graph --------------------------------------------------------
def memory_graphkit(job: Job) -> dict:
    import numpy as np
    import pandas  # noqa: F401  (imports are not the graph)
    import pyarrow.parquet  # noqa: F401  (the accounts table is read with it: ~20 MiB of modules)

    from graphkit.workspace import open_workspace

    before, _ = rss_bytes()
    graph = open_workspace(job.workspace).graph
    graph.accounts  # noqa: B018  (the accounts DataFrame an API session builds; a cold query does not)
    # touch every array, as a query over the whole graph does
    total = 0
    for array in (graph.out_indptr, graph.out_indices, graph.in_indptr, graph.in_indices):
        total += int(np.asarray(array[:: max(1, len(array) // 1_000_000)]).sum() >= 0)
        np.add.reduce(array, dtype=np.int64)
    after, _ = rss_bytes()
    return {"times": [], "graph_bytes": after - before, "follows": graph.n_follows,
            "bytes_per_follow": (after - before) / graph.n_follows, "answer": {"follows": graph.n_follows}}


def memory_networkx(job: Job) -> dict:
    import networkx as nx
    import pyarrow.parquet as pq

    folder = _data_folder(job.workspace)
    keys = pq.read_table(folder / "accounts.parquet", columns=["key"]).column("key").to_pylist()
    follows = pq.read_table(folder / "follows.parquet")
    src = follows.column("follower").to_numpy()
    dst = follows.column("followee").to_numpy()
    pairs = list(zip([keys[i] for i in src], [keys[i] for i in dst]))
    del follows, src, dst
    before, _ = rss_bytes()
    graph = nx.DiGraph()
    graph.add_nodes_from(keys)
    graph.add_edges_from(pairs)
    after, _ = rss_bytes()
    n = graph.number_of_edges()
    return {"times": [], "graph_bytes": after - before, "follows": n,
            "bytes_per_follow": (after - before) / n, "answer": {"follows": n}}


def memory_duckdb(job: Job) -> dict:
    import duckdb  # noqa: F401

    before, _ = rss_bytes()
    con = _duckdb_tables(job)
    after, _ = rss_bytes()
    n = con.execute("SELECT count(*) FROM follows").fetchone()[0]
    return {"times": [], "graph_bytes": after - before, "follows": int(n),
            "bytes_per_follow": (after - before) / n, "answer": {"follows": int(n)}}


# -- in-memory queries: graphkit over the workspace graph, DuckDB over in-memory tables ---------
def _graph(job: Job):
    from graphkit.workspace import open_workspace

    graph = open_workspace(job.workspace).graph
    graph.in_indptr  # noqa: B018  (both directions resident, as in a long session)
    return graph


def _duckdb_tables(job: Job):
    import duckdb

    folder = _data_folder(job.workspace)
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE follows AS SELECT follower, followee FROM read_parquet('{folder / "follows.parquet"}');
        CREATE TABLE accounts AS
            SELECT file_row_number::INTEGER AS id, key, observed
            FROM read_parquet('{folder / "accounts.parquet"}', file_row_number = true);
    """)
    return con


def _top_counts_frame(graph, counts, top):
    import numpy as np

    # top by count desc, then key asc: take every account tied with the top-th count
    if len(counts) > top:
        threshold = np.partition(counts, len(counts) - top)[len(counts) - top]
        ids = np.flatnonzero(counts >= max(threshold, 1))
    else:
        ids = np.flatnonzero(counts >= 1)
    keys = graph.keys_of(ids)
    order = np.lexsort((keys, -counts[ids]))[:top]
    return list(zip(keys[order].tolist(), counts[ids][order].tolist()))


def affinity_counts_graphkit(job: Job) -> dict:
    from queries.audience import audience, audience_counts

    graph = _graph(job)

    def run():
        aud = audience(graph, job.account, require_observed=True)
        counts = audience_counts(graph, aud.observed)
        counts[aud.brand_id] = 0
        return _top_counts_frame(graph, counts, TOP)

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer}


_SQL_COUNTS = """
WITH b AS (SELECT id FROM accounts WHERE key = $brand),
aud AS (SELECT f.follower AS id FROM follows f JOIN accounts a ON a.id = f.follower
        WHERE f.followee = (SELECT id FROM b) AND a.observed)
SELECT a.key, c.n FROM (
    SELECT f.followee AS id, count(*) AS n FROM follows f JOIN aud ON f.follower = aud.id
    WHERE f.followee <> (SELECT id FROM b) GROUP BY f.followee
) c JOIN accounts a ON a.id = c.id
ORDER BY c.n DESC, a.key LIMIT $top
"""


def affinity_counts_duckdb(job: Job) -> dict:
    con = _duckdb_tables(job)

    def run():
        return [tuple(r) for r in con.execute(_SQL_COUNTS, {"brand": job.account, "top": TOP}).fetchall()]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer, "threads": _duckdb_threads()}


def affinity_counts_networkx(job: Job) -> dict:
    from collections import Counter

    graph = _networkx_graph(job)
    observed = _networkx_observed(graph)

    def run():
        counts = Counter()
        for follower in graph.predecessors(job.account):
            if follower in observed:
                counts.update(graph.successors(follower))
        counts.pop(job.account, None)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": [tuple(x) for x in answer]}


def affinity_graphkit(job: Job) -> dict:
    import pandas as pd

    from queries.affinity import affinity

    graph = _graph(job)

    def run():
        table = affinity(graph, job.account, top=TOP)
        # no baseline (XL's brand_100k is followed by every observed account): lift_lower is <NA>
        return [(k, None if v is pd.NA else round(float(v), 9)) for k, v in zip(table["account"], table["lift_lower"])]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer}


def _wilson(p: str, n: str, sign: str) -> str:
    z2 = Z * Z
    return (
        f"greatest(0.0, least(1.0, (({p}) + {z2}/(2*({n})) {sign} {Z}*sqrt(greatest(({p})*(1-({p})), 0.0)/({n})"
        f" + {z2}/(4*({n})*({n})))) / (1 + {z2}/({n}))))"
    )


#: affinity with graphkit's default baseline ("rest": observed accounts other than the brand
#: that do not follow it) and ranking (Wilson lower bound of the lift), in one SQL statement
SQL_AFFINITY = f"""
WITH b AS (SELECT id FROM accounts WHERE key = $brand),
fol AS (SELECT follower AS id FROM follows WHERE followee = (SELECT id FROM b)),
aud AS (SELECT fol.id FROM fol JOIN accounts a ON a.id = fol.id WHERE a.observed),
base AS (SELECT a.id FROM accounts a WHERE a.observed AND a.id <> (SELECT id FROM b)
         AND a.id NOT IN (SELECT id FROM fol)),
sizes AS (SELECT (SELECT count(*) FROM aud)::DOUBLE AS n, (SELECT count(*) FROM base)::DOUBLE AS m),
counts AS (SELECT f.followee AS id, count(*) AS c FROM follows f JOIN aud ON f.follower = aud.id
           WHERE f.followee <> (SELECT id FROM b) GROUP BY f.followee),
bcounts AS (SELECT f.followee AS id, count(*) AS bc FROM follows f JOIN base ON f.follower = base.id
            GROUP BY f.followee),
scored AS (
    SELECT counts.id, c, c / n AS share, coalesce(bc, 0) AS bc, coalesce(bc, 0) / m AS bshare, n, m
    FROM counts LEFT JOIN bcounts ON bcounts.id = counts.id, sizes)
SELECT a.key, c, share, bc, share / greatest(bshare, 0.5 / m) AS lift,
       {_wilson("share", "n", "-")} / greatest({_wilson("bshare", "m", "+")}, 0.5 / m) AS lift_lower
FROM scored JOIN accounts a ON a.id = scored.id
ORDER BY lift_lower DESC, c DESC, a.key LIMIT $top
"""


def affinity_duckdb(job: Job) -> dict:
    con = _duckdb_tables(job)

    def run():
        rows = con.execute(SQL_AFFINITY, {"brand": job.account, "top": TOP}).fetchall()
        return [(r[0], round(float(r[5]), 9)) for r in rows]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer, "threads": _duckdb_threads()}


def lookalikes_graphkit(job: Job) -> dict:
    from queries.lookalikes import lookalikes

    graph = _graph(job)

    def run():
        table = lookalikes(graph, job.account, metric="jaccard", top=TOP, min_audience=MIN_AUDIENCE)
        return [(k, round(float(v), 9)) for k, v in zip(table["account"], table["score"])]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer, "implementation": "queries.lookalikes.lookalikes"}


_SQL_LOOKALIKES = """
WITH s AS (SELECT id FROM accounts WHERE key = $seed),
a AS (SELECT f.follower AS id FROM follows f JOIN accounts ac ON ac.id = f.follower
      WHERE f.followee = (SELECT id FROM s) AND ac.observed),
na AS (SELECT count(*)::DOUBLE AS n FROM a),
shared AS (SELECT f.followee AS id, count(*) AS sh FROM follows f JOIN a ON f.follower = a.id
           WHERE f.followee <> (SELECT id FROM s) GROUP BY f.followee),
sizes AS (SELECT f.followee AS id, count(*) AS sz FROM follows f JOIN accounts ac ON ac.id = f.follower
          WHERE ac.observed GROUP BY f.followee)
SELECT ac.key, sh / (n + sz - sh) AS score, sh, sz
FROM shared JOIN sizes ON sizes.id = shared.id JOIN accounts ac ON ac.id = shared.id, na
WHERE sz >= $min_audience
ORDER BY score DESC, sh DESC, ac.key LIMIT $top
"""


def lookalikes_duckdb(job: Job) -> dict:
    con = _duckdb_tables(job)

    def run():
        rows = con.execute(_SQL_LOOKALIKES, {"seed": job.account, "top": TOP, "min_audience": MIN_AUDIENCE}).fetchall()
        return [(r[0], round(float(r[1]), 9)) for r in rows]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer, "threads": _duckdb_threads()}


def lookalikes_networkx(job: Job) -> dict:
    from collections import Counter

    graph = _networkx_graph(job)
    observed = _networkx_observed(graph)

    def run():
        audience = {f for f in graph.predecessors(job.account) if f in observed}
        shared = Counter()
        for follower in audience:
            shared.update(graph.successors(follower))
        shared.pop(job.account, None)
        rows = []
        for account, sh in shared.items():
            size = sum(1 for f in graph.predecessors(account) if f in observed)
            if size >= MIN_AUDIENCE:
                rows.append((account, sh / (len(audience) + size - sh), sh))
        rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
        return [(r[0], round(r[1], 9)) for r in rows[:TOP]]

    times, answer = _timed(run, job.repeat)
    return {"times": times, "answer": answer}


def _save_vector(job: Job, engine: str, values) -> str:
    import numpy as np

    path = Path(job.scratch) / f"pagerank-{engine}.npy"
    np.save(path, np.asarray(values, dtype=np.float64))
    return str(path)


def pagerank_graphkit(job: Job) -> dict:
    from graphkit.algorithms.centrality import pagerank

    graph = _graph(job)
    alpha = PAGERANK_ALPHA
    # graphkit's tol bounds the L1 change of one step; the L1 distance to the fixed point
    # (hence every node's error) is then below tol * alpha / (1 - alpha)
    tol = PAGERANK_NODE_TOL * (1 - alpha) / alpha
    times, values = _timed(lambda: pagerank(graph, alpha=alpha, tol=tol), job.repeat, warmup=False)
    return {"times": times, "answer": {"top": graph.keys_of(_top_ids(values)).tolist()},
            "vector": _save_vector(job, "graphkit", values), "tol": tol}


def _top_ids(values):
    import numpy as np

    return np.argsort(-np.asarray(values), kind="stable")[:TOP]


def pagerank_igraph(job: Job) -> dict:
    import igraph as ig
    import numpy as np

    graph = _graph(job)
    src = np.asarray(graph.sources(), dtype=np.int64)
    dst = np.asarray(graph.out_indices, dtype=np.int64)
    g = ig.Graph(n=graph.n_accounts, edges=np.column_stack([src, dst]), directed=True)
    del src, dst
    times, values = _timed(
        lambda: g.pagerank(damping=PAGERANK_ALPHA, directed=True, implementation="prpack"),
        job.repeat, warmup=False,
    )
    return {"times": times, "answer": {"top": graph.keys_of(_top_ids(values)).tolist()},
            "vector": _save_vector(job, "igraph", values)}


def pagerank_networkx(job: Job) -> dict:
    import networkx as nx
    import numpy as np

    graph = _networkx_graph(job)
    order = _networkx_keys(job)
    n = graph.number_of_nodes()
    # networkx stops when the L1 change is below N * tol
    tol = PAGERANK_NODE_TOL * (1 - PAGERANK_ALPHA) / PAGERANK_ALPHA / n
    times, values = _timed(lambda: nx.pagerank(graph, alpha=PAGERANK_ALPHA, tol=tol, max_iter=1000),
                           max(1, min(job.repeat, 2)), warmup=False)
    vector = np.array([values[k] for k in order])
    return {"times": times, "answer": {"top": [order[i] for i in _top_ids(vector)]},
            "vector": _save_vector(job, "networkx", vector)}


_NX_CACHE: dict = {}


def _networkx_keys(job: Job) -> list[str]:
    import pyarrow.parquet as pq

    folder = _data_folder(job.workspace)
    return pq.read_table(folder / "accounts.parquet", columns=["key"]).column("key").to_pylist()


def _networkx_graph(job: Job):
    import networkx as nx
    import pyarrow.parquet as pq

    if "graph" not in _NX_CACHE:
        folder = _data_folder(job.workspace)
        accounts = pq.read_table(folder / "accounts.parquet", columns=["key", "observed"])
        keys = accounts.column("key").to_pylist()
        follows = pq.read_table(folder / "follows.parquet")
        graph = nx.DiGraph()
        for key, observed in zip(keys, accounts.column("observed").to_pylist()):
            graph.add_node(key, observed=observed)
        graph.add_edges_from(zip(
            (keys[i] for i in follows.column("follower").to_numpy()),
            (keys[i] for i in follows.column("followee").to_numpy()),
        ))
        _NX_CACHE["graph"] = graph
    return _NX_CACHE["graph"]


def _networkx_observed(graph) -> set:
    return {n for n, observed in graph.nodes(data="observed") if observed}


#: (operation, engine) -> task
TASKS: dict[tuple[str, str], Callable[[Job], dict]] = {
    ("load", "graphkit"): load_graphkit,
    ("load", "duckdb"): load_duckdb,
    ("load", "duckdb-file"): load_duckdb,
    ("load", "networkx"): load_networkx,
    ("memory", "graphkit"): memory_graphkit,
    ("memory", "duckdb"): memory_duckdb,
    ("memory", "networkx"): memory_networkx,
    ("affinity-counts", "graphkit"): affinity_counts_graphkit,
    ("affinity-counts", "duckdb"): affinity_counts_duckdb,
    ("affinity-counts", "networkx"): affinity_counts_networkx,
    ("affinity", "graphkit"): affinity_graphkit,
    ("affinity", "duckdb"): affinity_duckdb,
    ("lookalikes", "graphkit"): lookalikes_graphkit,
    ("lookalikes", "duckdb"): lookalikes_duckdb,
    ("lookalikes", "networkx"): lookalikes_networkx,
    ("pagerank", "graphkit"): pagerank_graphkit,
    ("pagerank", "igraph"): pagerank_igraph,
    ("pagerank", "networkx"): pagerank_networkx,
}
