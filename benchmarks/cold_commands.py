"""What a query command saves by writing its result without pandas: cold CLI against the API.

``python -m benchmarks.cold_commands [--size S] [--repeat 5]`` uses the workspace of
:mod:`benchmarks.run` for that size (built once: the edge list and the profiles,
compacted) and times, each in a fresh process started by :mod:`benchmarks.launch`
(one untimed run first; the command and its reference alternate), in the same run:

* the command, ``graphkit -w WS <query> --top 20 --format csv``: the query ranks
  on NumPy and writes a :class:`~queries.result_table.ResultTable`;
* the reference, the same query through the Python API in a fresh process
  (:data:`API_SCRIPT`: open the workspace, call the function, which returns a
  pandas DataFrame, write it with :func:`queries.writers.to_csv`) — the path every
  command took before it skipped pandas.

Both must print the same CSV (column *same*). It prints a Markdown table (median
wall time, peak RSS, the ratio, the command's import time from ``python -X
importtime`` and the heavy modules in its ``sys.modules`` at the end) and the machine; nothing is
written into the repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from benchmarks.processes import fmt_mib, fmt_ms, graphkit_cmd, machine, spawn_usage
from benchmarks.run import HEAVY_MODULES, dataset_of, ensure_workspace, import_profile

#: (label, the command's arguments, the API call that answers it: ``frame = ...`` given ``graph``)
QUERIES = (
    ("affinity brand_10k", ["affinity", "brand_10k"],
     "from queries.affinity import affinity; frame = affinity(graph, 'brand_10k', top=20)"),
    ("lookalikes brand_10k", ["lookalikes", "brand_10k"],
     "from queries.lookalikes import lookalikes; frame = lookalikes(graph, 'brand_10k', top=20)"),
    ("centrality --measure pagerank", ["centrality", "--measure", "pagerank"],
     "from queries.centrality import centrality; frame = centrality(graph, 'pagerank', top=20)"),
    ("centrality --measure in-degree", ["centrality", "--measure", "in-degree"],
     "from queries.centrality import centrality; frame = centrality(graph, 'in-degree', top=20)"),
    ("centrality --measure ppr --audience-of brand_10k --exclude-seeds",
     ["centrality", "--measure", "ppr", "--audience-of", "brand_10k", "--exclude-seeds"],
     "from queries.centrality import centrality; "
     "frame = centrality(graph, 'ppr', audience_of='brand_10k', exclude_seeds=True, top=20)"),
    ("centrality --measure hits", ["centrality", "--measure", "hits"],
     "from queries.centrality import centrality; frame = centrality(graph, 'hits', top=20)"),
    ("expand brand_10k", ["expand", "brand_10k"],
     "from queries.expand import expand; frame = expand(graph, 'brand_10k', limit=20)"),
    ("expand brand_10k --hops 2 --direction following", ["expand", "brand_10k", "--hops", "2", "--direction",
                                                          "following"],
     "from queries.expand import expand; frame = expand(graph, 'brand_10k', hops=2, direction='following', "
     "limit=20)"),
)

#: the reference process: argv[1] the workspace, argv[2] the API call
API_SCRIPT = (
    "import sys\n"
    "from graphkit.workspace import open_workspace\n"
    "from queries.writers import to_csv\n"
    "graph = open_workspace(sys.argv[1]).graph\n"
    "exec(sys.argv[2])\n"
    "sys.stdout.write(to_csv(frame))\n"
)

#: runs the command in this process, then names the heavy modules it imported (argv: the command's)
MODULES_PROBE = (
    "import sys\n"
    "from graphkit.cli.main import main\n"
    "sys.argv = ['graphkit', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    f"print('MODULES', ','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
)


def heavy_modules(argv: list[str]) -> list[str]:
    """The heavy modules (pandas, scipy, pyarrow, ...) in ``sys.modules`` after the command ran."""
    output = spawn_usage([sys.executable, "-c", MODULES_PROBE, *argv])["output"]
    line = [x for x in output.splitlines() if x.startswith("MODULES")][-1]
    return [m for m in line.split(" ", 1)[1].split(",") if m]


def interleaved(first: list[str], second: list[str], repeat: int) -> tuple[dict, dict]:
    """Time two commands cold, alternating (one untimed run of each first): a machine whose load
    changes during the run slows both alike."""
    runs: tuple[list, list] = ([], [])
    for argv in (first, second):
        spawn_usage(argv)
    for _ in range(repeat):
        for runs_of, argv in zip(runs, (first, second)):
            runs_of.append(spawn_usage(argv))
    return tuple({"times": [r["wall"] for r in done], "median": statistics.median(r["wall"] for r in done),
                  "peak_rss": max(r["peak_rss"] for r in done), "output": done[-1]["output"]}
                 for done in runs)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", help="dataset size (XS, S, M, L)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dataset, meta = dataset_of(args.size)
    workspace = str(ensure_workspace(args.size, dataset))
    at_start = machine()
    rows = []
    for label, argv, call in QUERIES:
        command = graphkit_cmd("-w", workspace, *argv, "--top", "20", "--format", "csv")
        cli, api = interleaved(command, [sys.executable, "-c", API_SCRIPT, workspace, call], args.repeat)
        imports = import_profile(command, min(args.repeat, 3))
        imports["heavy"] = heavy_modules(command[3:])
        rows.append((label, cli, api, imports, cli["output"] == api["output"]))
        print(f"[{args.size}] {label}: {fmt_ms(cli['median'])} vs {fmt_ms(api['median'])}", file=sys.stderr)
    print(f"dataset {args.size}: {meta['follows']:,} follows, {meta['accounts']:,} accounts; median of "
          f"{args.repeat} cold runs; `--top 20 --format csv`\n")
    print("| command | CLI, no pandas | API with pandas | CLI / API | peak RSS CLI / API | CLI imports | "
          "heavy modules | same |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for label, cli, api, imports, same in rows:
        print(f"| `{label}` | {fmt_ms(cli['median'])} | {fmt_ms(api['median'])} | "
              f"{cli['median'] / api['median']:.2f}× | {fmt_mib(cli['peak_rss'])} / {fmt_mib(api['peak_rss'])} | "
              f"{imports['total'] * 1000:.0f} ms | {', '.join(imports['heavy']) or 'none'} | "
              f"{'same' if same else '**differs**'} |")
    print("\nmachine at the start:", json.dumps(at_start))
    print("load average at the end:", machine()["load_average"])
    if not all(row[-1] for row in rows):
        raise SystemExit("a command's CSV differs from the API's")


if __name__ == "__main__":
    main()
