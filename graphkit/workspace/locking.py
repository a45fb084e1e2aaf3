"""Who may touch the workspace: one writer at a time, and readers that pin what they read.

* The **write lock** is an exclusive ``flock`` on ``.lock``: a second writer
  waits (``$GRAPHKIT_LOCK_TIMEOUT``, 30 s), then stops with one line. The
  kernel releases it when a writer dies, even by ``SIGKILL``.
* A **reader pin** is a shared ``flock`` on ``.readers/gen-NNNNNN``, held by an
  open :class:`~graphkit.workspace.Workspace` for the generation it read. A
  writer never waits for it: it only asks (without blocking) which old
  generations are still pinned and keeps their folders until they are not.
  So a notebook or web app holding a workspace open reads a consistent
  snapshot however many loads commit meanwhile, and readers never block writers.

A reader pins in three steps: read the manifest (generation *g*), take the
shared lock on *g*'s pin file, read the manifest again. If it still says *g*,
any writer that retires *g*'s folders later sees the pin; if not, it starts
over (a writer only removes the pin files of generations older than the
current one, so a pin on the current generation cannot be lost).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> pin = ReaderPin.acquire(folder, 3)
>>> held_generations(folder, below=5)
{3}
>>> pin.release()
>>> held_generations(folder, below=5)
set()
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from graphkit.errors import WorkspaceLocked
from graphkit.workspace.storage import os_error

__all__ = ["write_lock", "ReaderPin", "held_generations", "READERS"]

#: The folder of reader pin files.
READERS = ".readers"
_PIN = re.compile(r"gen-(\d{6,})")


@contextlib.contextmanager
def write_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace's write lock; wait up to ``timeout`` seconds for it.

    The timeout defaults to ``$GRAPHKIT_LOCK_TIMEOUT`` or 30 seconds.
    """
    if timeout is None:
        timeout = float(os.environ.get("GRAPHKIT_LOCK_TIMEOUT", "30"))
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle = open(path / ".lock", "a+")  # noqa: SIM115
    except OSError as err:
        raise os_error("create the workspace", path, err) from err
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WorkspaceLocked(
                        f"workspace {path} is being written by another graphkit process "
                        f"(waited {timeout:g} s); try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()


class ReaderPin:
    """A shared lock on one generation's pin file; :meth:`release` (or garbage collection) drops it."""

    def __init__(self, handle, generation: int) -> None:
        self._handle = handle
        self.generation = generation

    @classmethod
    def acquire(cls, path: Path, generation: int) -> ReaderPin | None:
        """Pin ``generation`` of the workspace at ``path``; ``None`` where pins cannot be
        written (a read-only workspace, which no writer can change either)."""
        try:
            (path / READERS).mkdir(exist_ok=True)
            handle = open(path / READERS / f"gen-{generation:06d}", "a+")  # noqa: SIM115
        except OSError:
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_SH)  # a writer holds it exclusively only for an instant
        except OSError:
            handle.close()
            return None
        return cls(handle, generation)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __del__(self) -> None:
        self.release()


def held_generations(path: Path, below: int) -> set[int]:
    """Generations older than ``below`` that an open reader still pins.

    Pin files of generations nobody holds are removed on the way (the writer
    holds the write lock, so ``below`` is the current generation).
    """
    folder = path / READERS
    held: set[int] = set()
    try:
        names = os.listdir(folder)
    except OSError:
        return held
    for name in names:
        match = _PIN.fullmatch(name)
        if not match or int(match.group(1)) >= below:
            continue
        try:
            handle = open(folder / name, "a+")  # noqa: SIM115
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.add(int(match.group(1)))
                continue
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
    return held
