"""Running and reporting benchmark commands: fresh processes, peak memory, the machine.

Shared by :mod:`benchmarks.run` and :mod:`benchmarks.segments`.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["ROOT", "GIB", "spawn", "spawn_usage", "run_cold", "graphkit_cmd", "machine", "fmt_ms", "fmt_mib", "replace_block"]

ROOT = Path(__file__).resolve().parent.parent
GIB = 1 << 30


def spawn_usage(argv: list[str], env: dict | None = None) -> dict:
    """Run ``argv``; its wall and CPU seconds (user + system: what other jobs on the machine
    change least), peak RSS bytes and stdout. A failure raises with the end of stderr."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, env=env)
        out = proc.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(argv[:6])} failed ({proc.returncode}):\n{tail}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss": usage.ru_maxrss * 1024,
            "output": out.decode()}


def spawn(argv: list[str], env: dict | None = None) -> tuple[float, int, str, int]:
    """Run ``argv``; return (wall seconds, peak RSS bytes, stdout, exit status)."""
    run = spawn_usage(argv, env)
    return run["wall"], run["peak_rss"], run["output"], 0


def run_cold(argv: list[str], repeat: int, env: dict | None = None) -> dict:
    """Time a whole command, cold process each time (one untimed run first fills the page cache)."""
    spawn_usage(argv, env)
    runs = [spawn_usage(argv, env) for _ in range(repeat)]
    times = [r["wall"] for r in runs]
    cpu = [r["cpu"] for r in runs]
    return {"times": times, "median": statistics.median(times), "cpu_times": cpu,
            "cpu_median": statistics.median(cpu), "peak_rss": max(r["peak_rss"] for r in runs),
            "output": runs[-1]["output"]}


def graphkit_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphkit.cli.main", *args]


def machine() -> dict:
    """CPU, cores, memory, Python and library versions, load average now."""
    import importlib.metadata as md

    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        total = int(handle.readline().split()[1]) * 1024
    versions = {}
    for package in ("graphkit", "numpy", "scipy", "pandas", "pyarrow", "duckdb", "igraph", "networkx", "click"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(total / GIB, 1),
        "python": platform.python_version(), "platform": platform.platform(),
        "versions": versions, "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


def fmt_mib(value: float | None) -> str:
    return "–" if value is None else (f"{value / GIB:.2f} GiB" if value >= GIB else f"{value / 2**20:.0f} MiB")


def replace_block(doc: Path, begin: str, end: str, body: str) -> None:
    """Write ``body`` between the markers ``begin`` and ``end`` of ``doc`` (added at the end if
    missing); the hand-written text around them is kept."""
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1] if end in rest else ""
    doc.write_text(f"{head}{begin}\n{body}\n{end}{tail}")
