"""Memory allocators set for one long, streaming job: freed memory goes back to the system.

A load allocates and frees arrays of every size, block after block. Two
allocator defaults keep freed memory in the process, so the resident peak is
that of everything ever allocated rather than of what is live:

* glibc raises its ``mmap`` threshold each time a large block is freed (up to
  32 MiB): arrays of a few MiB then come from the heap, where a freed one stays
  resident until the heap's top is free. :func:`return_freed_memory` fixes the
  threshold (``mallopt(M_MMAP_THRESHOLD)``), so every array of 256 KiB or more
  is mapped and unmapped on its own.
* Arrow's default pool (mimalloc or jemalloc) keeps freed pages for reuse; the
  system pool hands them back through the allocator above.

Measured by ``benchmarks.run`` (the ``load edges`` rows): the peak of loading
1 M follows drops by ~30 MiB, with no measurable change in time. Only the CLI
calls this, once, before anything is read: a library should not change its
host process's allocator.

Examples
--------
>>> environ = {}
>>> arrow_pool(environ), environ
('system', {'ARROW_DEFAULT_MEMORY_POOL': 'system'})
>>> arrow_pool({"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"})
'jemalloc'
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import MutableMapping

__all__ = ["return_freed_memory", "arrow_pool", "MMAP_THRESHOLD"]

#: Arrays at least this large are mapped on their own (glibc's default start, held fixed).
MMAP_THRESHOLD = 256 * 1024

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def arrow_pool(environ: MutableMapping[str, str]) -> str:
    """The Arrow pool to use: the user's ``ARROW_DEFAULT_MEMORY_POOL``, else ``system`` (set in ``environ``)."""
    return environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def return_freed_memory() -> dict[str, str]:
    """Set this process's allocators so that freed memory is returned to the system; what was set.

    Arrow's pool is chosen through ``ARROW_DEFAULT_MEMORY_POOL`` (read when
    pyarrow is imported: call this before; if pyarrow is imported already, its
    pool is replaced). The glibc threshold is set when the C library is glibc
    and the user did not set ``MALLOC_MMAP_THRESHOLD_`` (elsewhere nothing changes).
    """
    settings = {"ARROW_DEFAULT_MEMORY_POOL": arrow_pool(os.environ)}
    if "pyarrow" in sys.modules and settings["ARROW_DEFAULT_MEMORY_POOL"] == "system":
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    if _mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD):
        settings["mmap_threshold"] = str(MMAP_THRESHOLD)
    return settings


def _mallopt(parameter: int, value: int) -> bool:
    """``mallopt(parameter, value)`` of glibc; False where there is no glibc."""
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    return bool(mallopt(ctypes.c_int(parameter), ctypes.c_int(value)))
