"""What an input format is, and where readers register theirs.

Every reader module (:mod:`loaders.lists`, :mod:`loaders.instagram`, ...)
registers one :class:`Format` per file layout it reads: which ``load``
commands accept it, a ``detect`` test on the first 64 KiB of the file, and a
``read`` function that returns :class:`~graphkit.tables.SourceTables`. This
module sits below every reader; :mod:`loaders.registry`, above them, imports
them all and picks a format for a file.

Examples
--------
>>> ctx = ReadContext(kind="export", owner="me")
>>> ctx.kind  # the old name of a whole platform download
'download'
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from graphkit.tables import SourceTables
from loaders.textio import open_binary, read_bytes

__all__ = ["Format", "ReadContext", "register", "FORMATS", "KINDS", "KIND_ALIASES", "FORMAT_ALIASES"]

#: What a file can be loaded as: the ``graphkit load KIND`` sub-commands.
KINDS = ("followers", "following", "edges", "profiles", "download", "snap-ego", "posts", "customers")

#: Older names of a kind, still accepted: ``export`` was the name of ``download``.
KIND_ALIASES = {"export": "download"}

#: Older names of formats, still accepted by ``--input-format``.
FORMAT_ALIASES = {
    "instagram-export": "instagram-download",
    "x-export": "x-download",
    "tiktok-export": "tiktok-download",
}


@dataclass
class ReadContext:
    """Options of one load, passed to every reader."""

    kind: str
    owner: str | None = None
    encoding: str | None = None
    column: str | None = None
    source_col: str | None = None
    target_col: str | None = None
    skip_bad_rows: bool = False
    extra: dict = field(default_factory=dict)
    _data: bytes | None = None

    def __post_init__(self) -> None:
        self.kind = KIND_ALIASES.get(self.kind, self.kind)

    def read_bytes(self, path: str) -> bytes:
        """The file's bytes (standard input is read once and kept)."""
        if self._data is None:
            self._data = read_bytes(path)
        return self._data

    def open_binary(self, path: str):
        """A binary stream over the file (for streaming readers)."""
        if self._data is not None or str(path) == "-":
            return io.BytesIO(self.read_bytes(path))
        return open_binary(path)


@dataclass(frozen=True)
class Format:
    """One input format."""

    name: str
    kinds: tuple[str, ...]
    summary: str
    how_to_get: str
    detect: Callable[[bytes, str], bool]
    read: Callable[[str, ReadContext], SourceTables]
    #: detectors run in ascending priority: specific formats low, catch-alls high
    priority: int = 50


FORMATS: list[Format] = []


def register(fmt: Format) -> Format:
    """Add a format; ``--input-format auto`` tries the detectors in ascending ``priority``."""
    if any(f.name == fmt.name for f in FORMATS):
        raise ValueError(f"format {fmt.name!r} registered twice")
    FORMATS.append(fmt)
    FORMATS.sort(key=lambda f: f.priority)
    return fmt
