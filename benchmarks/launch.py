"""Run one command from a small process and report its usage: the kernel's figures, not ours.

``python benchmarks/launch.py '{"argv": [...], "env": {...} | null}'`` starts
``argv``, waits for it with ``wait4`` and prints one JSON line: wall and CPU
seconds, peak resident memory (``ru_maxrss``), exit status, stdout and the end
of stderr.

Why a separate process: on Linux a child's ``ru_maxrss`` starts at the resident
size of the process that forked it (the page tables copied at ``fork`` are
counted until ``exec``). A benchmark runner that generated a 10 M-follow dataset
holds a gigabyte, so every worker it forked reported at least that much. This
launcher imports nothing but the standard library (about 10 MiB resident), so
what it passes on is negligible; :func:`benchmarks.processes.spawn_usage`
starts every measured command through it, and ``benchmarks.run`` checks at
start-up that two workers of very different size report different peaks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    job = json.loads(sys.argv[1])
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(job["argv"], cwd=job.get("cwd"), stdout=subprocess.PIPE, stderr=err,
                                env=job.get("env"))
        out = proc.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        tail = err.read().decode(errors="replace")[-3000:]
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss": usage.ru_maxrss * 1024,
               "status": os.waitstatus_to_exitcode(status), "output": out.decode(errors="replace"),
               "stderr": tail}, sys.stdout)


if __name__ == "__main__":
    main()
