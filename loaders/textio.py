"""Reading input files: paths or ``-``, encodings, BOMs, line endings, binary files.

Every reader in :mod:`loaders` gets its text through these helpers, so every
format gets the same error messages: the file, the line, the problem.

Examples
--------
>>> lines = decode_lines(b"\\xef\\xbb\\xbfa\\r\\nb\\n", "x.txt")
>>> lines
['a', 'b']
>>> decode_lines(b"caf\\xe9\\n", "x.txt")
Traceback (most recent call last):
...
graphkit.errors.InputError: x.txt, line 1: not valid UTF-8 (byte 0xe9 at column 4); if the file comes from a spreadsheet or Windows, pass --encoding cp1252 (or the file's encoding)
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

from graphkit.errors import InputError

__all__ = [
    "read_bytes",
    "decode_lines",
    "read_lines",
    "file_sha256",
    "sniff",
    "display_path",
    "MAX_LINE_BYTES",
    "is_gzip",
    "open_binary",
]

#: A "line" longer than this is refused: no handle, CSV row or profile is that long.
MAX_LINE_BYTES = 16 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024


def display_path(path: str | os.PathLike) -> str:
    """How a path is named in messages (``-`` is standard input)."""
    return "<stdin>" if str(path) == "-" else str(path)


_GZIP_MAGIC = b"\x1f\x8b"
#: A gzip member that inflates beyond this is refused (zip-bomb guard).
MAX_INFLATED_BYTES = 8 * 1024**3


def is_gzip(head: bytes) -> bool:
    """Whether bytes start with the gzip magic number."""
    return head[:2] == _GZIP_MAGIC


#: A file read whole into memory (every reader but the streamed edge lists) may be this
#: large; ``$GRAPHKIT_MAX_FILE_BYTES`` changes it. Larger files are refused before reading.
MAX_FILE_BYTES = 1024**3


def max_file_bytes() -> int:
    """The size limit of a file read into memory (:data:`MAX_FILE_BYTES` or the environment's)."""
    try:
        return int(os.environ.get("GRAPHKIT_MAX_FILE_BYTES") or MAX_FILE_BYTES)
    except ValueError:
        return MAX_FILE_BYTES


def _too_large(size: int, path: str, inflated: bool = False) -> InputError:
    return InputError(
        f"{'inflates to more than' if inflated else 'is'} {size:,} bytes; graphkit reads a file of this "
        f"kind into memory and refuses more than {max_file_bytes():,} bytes "
        "(set GRAPHKIT_MAX_FILE_BYTES to raise the limit, or split the file)",
        path=path,
    )


def _gunzip(data: bytes, path: str) -> bytes:
    import gzip
    import zlib

    limit = min(MAX_INFLATED_BYTES, max_file_bytes())
    try:
        out = io.BytesIO()
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                out.write(block)
                if out.tell() > limit:
                    raise _too_large(limit, path, inflated=True)
        return out.getvalue()
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(f"damaged gzip file: {err}", path=path) from None


def read_bytes(path: str | os.PathLike) -> bytes:
    """The whole content of a file (``-`` reads standard input); gzip is inflated."""
    data = _read_raw(path)
    return _gunzip(data, display_path(path)) if is_gzip(data) else data


def _read_raw(path: str | os.PathLike) -> bytes:
    limit = max_file_bytes()
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise _too_large(limit, "<stdin>")
        return data
    try:
        size = Path(path).stat().st_size
        if size > limit:
            raise _too_large(size, str(path))
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path=str(path)) from None


def sniff(path: str | os.PathLike) -> bytes:
    """The first 64 KiB of a file, for format detection."""
    if str(path) == "-":
        raise InputError("standard input cannot be sniffed; read it with read_bytes", path="-")
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
        if is_gzip(head):
            import gzip
            import zlib

            try:
                with gzip.open(path, "rb") as stream:
                    return stream.read(_SNIFF_BYTES)
            except (OSError, EOFError, zlib.error) as err:
                raise InputError(f"damaged gzip file: {err}", path=str(path)) from None
        return head
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path=str(path)) from None


def file_sha256(path: str | os.PathLike, data: bytes | None = None) -> str:
    """SHA-256 of a file's bytes (its identity in the workspace manifest)."""
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_binary(data: bytes, path: str) -> None:
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise InputError(
            "binary data (a NUL byte): this is not a text list, CSV or JSON file",
            path=path,
            line=line,
        )


def decode_text(data: bytes, path: str, encoding: str | None = None) -> str:
    """Decode bytes to text: UTF-8 (BOM or not), UTF-16 with BOM, or ``encoding``."""
    path = display_path(path)
    if encoding:
        try:
            codec = encoding
            "".encode(codec)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", path=path) from None
        try:
            return data.decode(codec)
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise InputError(f"not valid {encoding}: {err.reason}", path=path, line=line) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"not valid UTF-16: {err.reason}", path=path) from None
    _check_binary(data, path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        start = err.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data[:start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[start]:02x} at column {start - line_start + 1}); "
            "if the file comes from a spreadsheet or Windows, pass --encoding cp1252 "
            "(or the file's encoding)",
            path=path,
            line=line,
        ) from None


def decode_lines(data: bytes, path: str, encoding: str | None = None) -> list[str]:
    """Decoded lines without their ``\\n``/``\\r\\n`` endings (line i+1 is index i)."""
    text = decode_text(data, path, encoding)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_BYTES:
            raise InputError(f"line is {len(line):,} characters long; not a list or table row", path=display_path(path), line=number)
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_lines(path: str | os.PathLike, encoding: str | None = None) -> list[str]:
    """:func:`decode_lines` of a file."""
    return decode_lines(read_bytes(path), str(path), encoding)


def open_binary(path: str | os.PathLike):
    """A binary stream over a file, inflating gzip transparently."""
    handle = open(path, "rb")  # noqa: SIM115
    if is_gzip(handle.read(2)):
        import gzip

        handle.close()
        return gzip.open(path, "rb")
    handle.seek(0)
    return handle
