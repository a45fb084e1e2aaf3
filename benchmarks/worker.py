"""Run one benchmark task in this process and print its result as one JSON line.

``python -m benchmarks.worker '{"task": "load/graphkit", ...}'`` (see :class:`benchmarks.tasks.Job`).
The runner reads the last line of stdout, starting with ``RESULT``; the
process's peak memory comes from the kernel (``wait4``), not from here.
"""

from __future__ import annotations

import json
import sys

from benchmarks.tasks import TASKS, Job, rss_bytes


def main() -> None:
    job = Job(**json.loads(sys.argv[1]))
    operation, engine = job.task.split("/")
    result = TASKS[(operation, engine)](job)
    result["rss_end"], result["rss_peak_self"] = rss_bytes()
    print("RESULT " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
