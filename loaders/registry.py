"""Every input format graphkit reads, and how one is picked for a file.

Importing this module imports every reader module; each registers its
formats in :mod:`loaders.formats` (the module below them all). A reader that
cannot be imported stops graphkit with an :class:`~graphkit.errors.InstallError`
naming it: a broken install never silently drops formats. ``--input-format
auto`` tries the detectors in ascending priority (platform formats ~10-30,
generic CSV 60-80, catch-alls 90).

Examples
--------
>>> "handle-list" in [f.name for f in formats_for("followers")]
True
>>> [f.name for f in formats_for("followers")][:3]
['instagram-json', 'x-archive', 'tiktok-json']
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from graphkit.errors import FormatNotDetected, InputError, InstallError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.tables import SourceTables
from loaders.formats import FORMAT_ALIASES, FORMATS, KIND_ALIASES, KINDS, Format, ReadContext
from loaders.textio import display_path, file_sha256, sniff

try:
    from loaders import (  # noqa: F401  (importing a reader registers its formats)
        customers,
        downloads,
        edges,
        instagram,
        lists,
        posts,
        profiles,
        scrapers,
        snap_ego,
        tiktok,
        x_archive,
    )
except ImportError as err:
    raise InstallError(
        f"graphkit is installed incompletely: cannot import {err.name or 'a reader module'} ({err}); "
        "its input formats would be missing. Reinstall graphkit (pip install --force-reinstall graphkit)"
    ) from err

__all__ = [
    "formats_for", "get_format", "detect_format", "read_source", "FOLDER_KINDS",
    "Format", "ReadContext", "KINDS", "FORMATS",
]

#: Kinds whose input may be a folder (a whole download, SNAP ego networks).
FOLDER_KINDS = ("download", "snap-ego")


def formats_for(kind: str) -> list[Format]:
    """The formats ``graphkit load KIND`` reads, in the order ``--input-format auto`` tries them."""
    kind = KIND_ALIASES.get(kind, kind)
    return [f for f in FORMATS if kind in f.kinds]


def get_format(name: str, kind: str) -> Format:
    """The format called ``name`` (or an older name of it), if ``kind`` may use it.

    >>> get_format("instagram-export", "export").name
    'instagram-download'
    """
    kind = KIND_ALIASES.get(kind, kind)
    name = FORMAT_ALIASES.get(name, name)
    for fmt in FORMATS:
        if fmt.name == name:
            if kind not in fmt.kinds:
                raise InputError(
                    f"format {name!r} cannot be loaded as {kind}; it is for: {', '.join(fmt.kinds)}"
                )
            return fmt
    names = ", ".join(f.name for f in formats_for(kind))
    raise InputError(f"unknown format {name!r}; for {kind} graphkit reads: {names}")


def detect_format(path: str, kind: str, head: bytes) -> Format:
    """The first format of ``kind`` whose detector accepts ``head``."""
    candidates = formats_for(kind)
    for fmt in candidates:
        if fmt.detect(head, path):
            return fmt
    names = "; ".join(f"{f.name} ({f.summary})" for f in candidates)
    raise FormatNotDetected(
        f"cannot tell what kind of {kind} file this is; graphkit reads: {names}. "
        "Run `graphkit formats` for details or pass --input-format",
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
        if Path(path).is_dir() and ctx.kind not in FOLDER_KINDS:
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
            digest = source.sha256 or file_sha256(path)
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
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(folder)).encode())
        digest.update(file_sha256(file).encode())
    return digest.hexdigest()
