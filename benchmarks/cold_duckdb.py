"""The DuckDB answer to ``graphkit affinity BRAND``, as a script started cold.

``python benchmarks/cold_duckdb.py WORKSPACE BRAND [TOP]`` reads the same Parquet
files as graphkit (``accounts.parquet``, ``follows.parquet`` of the workspace's
base; the benchmark workspace is compacted), ranks the accounts BRAND's observed followers follow with
the same baseline and Wilson lower bound as graphkit's default, and prints the
top rows as CSV.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def main() -> None:
    import duckdb

    from benchmarks.tasks import SQL_AFFINITY

    workspace, brand = Path(sys.argv[1]), sys.argv[2].strip().lstrip("@").lower()
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    manifest = json.loads((workspace / "manifest.json").read_text())
    if manifest.get("segments"):  # the rules to combine base and segments are not SQL here
        sys.exit(f"{workspace} has segments: run `graphkit -w {workspace} compact` first")
    folder = workspace / (manifest.get("base") or {}).get("name", manifest.get("data", ""))
    con = duckdb.connect()
    con.execute(f"""
        CREATE VIEW follows AS SELECT follower, followee FROM read_parquet('{folder / "follows.parquet"}');
        CREATE VIEW accounts AS SELECT file_row_number::INTEGER AS id, key, observed
            FROM read_parquet('{folder / "accounts.parquet"}', file_row_number = true);
    """)
    rows = con.execute(SQL_AFFINITY, {"brand": brand, "top": top}).fetchall()
    writer = csv.writer(sys.stdout)
    writer.writerow(["rank", "account", "audience_count", "audience_share", "baseline_count", "affinity", "lift_lower"])
    for rank, row in enumerate(rows, 1):
        writer.writerow([rank, *row])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
