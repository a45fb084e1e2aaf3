"""The input formats graphkit reads, and how one is picked for a file.

Each format registers a :class:`Format`: which ``load`` commands accept it, a
``detect`` test on the first 64 KiB of the file, and a ``read`` function that
returns :class:`~graphkit.tables.SourceTables`. ``--format auto`` tries the
detectors in registration order (most specific first).

Examples
--------
>>> "handle-list" in [f.name for f in formats_for("followers")]
True
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.errors import FormatNotDetected, InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.tables import SourceTables
from loaders.textio import display_path, file_sha256, open_binary, read_bytes, sniff

__all__ = ["Format", "ReadContext", "register", "formats_for", "get_format", "read_source", "KINDS", "FORMATS"]

#: What a file can be loaded as: the ``graphkit load KIND`` sub-commands.
KINDS = ("followers", "following", "edges", "profiles", "export", "snap-ego", "posts", "customers")


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
    """Add a format (later registrations are tried after earlier ones)."""
    if any(f.name == fmt.name for f in FORMATS):
        raise ValueError(f"format {fmt.name!r} registered twice")
    FORMATS.append(fmt)
    FORMATS.sort(key=lambda f: f.priority)
    return fmt


def formats_for(kind: str) -> list[Format]:
    _ensure_registered()
    return [f for f in FORMATS if kind in f.kinds]


def get_format(name: str, kind: str) -> Format:
    _ensure_registered()
    for fmt in FORMATS:
        if fmt.name == name:
            if kind not in fmt.kinds:
                raise InputError(
                    f"format {name!r} cannot be loaded as {kind}; it is for: {', '.join(fmt.kinds)}"
                )
            return fmt
    names = ", ".join(f.name for f in formats_for(kind))
    raise InputError(f"unknown format {name!r}; for {kind} graphkit reads: {names}")


def _ensure_registered() -> None:
    # importing the reader modules registers their formats
    import loaders.customers  # noqa: F401
    import loaders.edges  # noqa: F401
    import loaders.lists  # noqa: F401
    import loaders.posts  # noqa: F401
    import loaders.profiles  # noqa: F401

    try:
        import loaders.platforms  # noqa: F401
    except ImportError:  # pragma: no cover - optional module
        pass


def detect_format(path: str, kind: str, head: bytes) -> Format:
    """The first format of ``kind`` whose detector accepts ``head``."""
    candidates = formats_for(kind)
    for fmt in candidates:
        if fmt.detect(head, path):
            return fmt
    names = "; ".join(f"{f.name} ({f.summary})" for f in candidates)
    raise FormatNotDetected(
        f"cannot tell what kind of {kind} file this is; graphkit reads: {names}. "
        "Run `graphkit formats` for details or pass --format",
        path=display_path(path),
    )


def read_source(path: str | os.PathLike, ctx: ReadContext, fmt: str = "auto") -> SourceTables:
    """Read one file as ``ctx.kind`` into :class:`SourceTables` (nothing is written).

    The source's fingerprint (SHA-256 of the bytes, kind, owner and options) lets
    the workspace skip a file loaded before.
    """
    path = str(path)
    if ctx.encoding:
        try:
            "".encode(ctx.encoding)  # refused before any reader runs, whatever the format
        except LookupError:
            raise InputError(f"unknown encoding {ctx.encoding!r}", path=display_path(path)) from None
    if ctx.owner is not None:
        owner = normalize_handle(ctx.owner)
        if owner is None or bad_key_reason(owner):
            raise InputError(f"--of {ctx.owner!r} is not a valid account handle", path=display_path(path))
        ctx.owner = owner
    if path == "-":
        head = ctx.read_bytes(path)[:65536]
    else:
        if Path(path).is_dir() and ctx.kind not in ("export", "snap-ego"):
            raise InputError("is a directory, not a file", path=path)
        head = b"" if Path(path).is_dir() else sniff(path)
    chosen = detect_format(path, ctx.kind, head) if fmt == "auto" else get_format(fmt, ctx.kind)
    source = chosen.read(path, ctx)
    source.path = display_path(path)
    source.format = source.format or chosen.name
    if not source.fingerprint:
        if path == "-":
            digest = file_sha256(path, ctx.read_bytes(path))
        elif Path(path).is_dir():
            digest = _directory_digest(Path(path))
        else:
            digest = file_sha256(path)
        source.fingerprint = {
            "sha256": digest,
            "kind": ctx.kind,
            "owner": ctx.owner,
            "format": source.format,
            "options": {
                "column": ctx.column,
                "source_col": ctx.source_col,
                "target_col": ctx.target_col,
                "encoding": ctx.encoding,
                "skip_bad_rows": ctx.skip_bad_rows,
                **{k: v for k, v in ctx.extra.items() if isinstance(v, (str, int, float, bool, type(None)))},
            },
        }
    return source


def _directory_digest(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(folder)).encode())
        digest.update(file_sha256(file).encode())
    return digest.hexdigest()
