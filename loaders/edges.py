"""Edge lists: ``follower -> followee`` pairs, from CSV/TSV with a header or SNAP text.

* ``edge-csv``: a header naming the two columns (``follower,followee``,
  ``source,target``, ``src,dst``, ``from,to``, ...) or ``--source-col`` and
  ``--target-col``; other columns are ignored.
* ``snap-edges``: no header, pairs separated by tabs, spaces or commas, ``#``
  comment lines (SNAP's layout: ``Wiki-Vote.txt``, ``email-Eu-core.txt``); extra
  columns after the first two (ratings, times) are ignored.

Every follower of an edge list is *observed*: the list is taken as complete.

Large files are streamed with pyarrow in blocks; if anything in a file is off
(a bad row, an empty name, bad UTF-8), the file is read again line by line so
that the error names the exact line.

Examples
--------
>>> ctx = ReadContext(kind="edges")
>>> src = parse_edge_lines(["# comment", "1\\t2", "2\\t1"], "g.txt", ctx)
>>> src.follows[0].values.tolist(), src.observe_followers
([['1', '2'], ['2', '1']], True)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle, normalize_handle_array
from graphkit.progress import Progress
from graphkit.tables import Rejected, SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.tabular import detect_delimiter, find_column
from loaders.textio import decode_lines

__all__ = ["parse_edge_lines", "FOLLOWER_NAMES", "FOLLOWEE_NAMES"]

FOLLOWER_NAMES = ("follower", "source", "src", "from", "from_user", "follower_username", "follower_id", "user", "username")
FOLLOWEE_NAMES = ("followee", "target", "dst", "to", "to_user", "followee_username", "followee_id", "follows", "following", "friend", "followed")
_BLOCK = 16 << 20
_CLEAN = r"^[a-z0-9_.\-]+$"
#: what the line reader refuses in a key (see graphkit.handles.bad_key_reason)
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"


class _Fallback(Exception):
    """The fast path met something it cannot report precisely."""


def _content_lines(head: bytes, limit: int = 5) -> list[str]:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    out = []
    for line in text.split("\n")[:-1] or text.split("\n"):
        line = line.rstrip("\r")
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line)
            if len(out) >= limit:
                break
    return out


def _header_pair(header: Sequence[str], ctx: ReadContext, path: str | None = None) -> tuple[str, str] | None:
    if ctx.source_col or ctx.target_col:
        if not (ctx.source_col and ctx.target_col):
            raise InputError("--source-col and --target-col go together", path=path)
        return (
            find_column(header, (), ctx.source_col, path=path),
            find_column(header, (), ctx.target_col, path=path),
        )
    source = find_column(header, FOLLOWER_NAMES)
    target = find_column(header, FOLLOWEE_NAMES)
    if source and target and source != target:
        return source, target
    return None


def _split(line: str, delimiter: str | None) -> list[str]:
    return line.split() if delimiter is None else [f.strip() for f in line.split(delimiter)]


def _snap_delimiter(line: str) -> str | None:
    if "\t" in line:
        return "\t"
    if "," in line:
        return ","
    if ";" in line:
        return ";"
    return None  # whitespace


def parse_edge_lines(lines: Sequence[str], path: str, ctx: ReadContext, *, header: bool | None = None) -> SourceTables:
    """Parse an edge list held in memory, exactly, line by line (the slow, precise path)."""
    import csv

    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise InputError("the edge list is empty", path=path)
    first_number, first = numbered[0]
    delimiter = detect_delimiter(first)
    pair = _header_pair(_split(first, delimiter), ctx, path) if delimiter else None
    if header is None:
        header = pair is not None
    if ctx.source_col and not header:
        raise InputError("--source-col needs a header line", path=path)
    if header:
        if pair is None:
            raise InputError(f"the header ({first}) names no follower/followee columns; pass --source-col and --target-col", path=path, line=first_number)
        names = next(csv.reader([first], delimiter=delimiter))
        names = [n.strip() for n in names]
        positions = (names.index(pair[0]), names.index(pair[1]))
        width = len(names)
        body = numbered[1:]
        reader_delim = delimiter
    else:
        reader_delim = _snap_delimiter(first)
        width = None
        positions = (0, 1)
        body = numbered
    sources, targets = [], []
    for number, line in body:
        problem: str | None = None
        if reader_delim is None:
            fields = line.split()
        else:
            try:
                fields = [f.strip() for f in next(csv.reader([line], delimiter=reader_delim, strict=True))]
            except csv.Error as err:
                problem, fields = f"malformed row: {err}", []
        if problem is None:
            if width is not None and len(fields) != width:
                problem = f"expected {width} fields (as in the header), found {len(fields)}"
            elif width is None and len(fields) < 2:
                problem = f"expected 2 fields (follower and followee), found {len(fields)}"
        if problem is None:
            a = normalize_handle(fields[positions[0]])
            b = normalize_handle(fields[positions[1]])
            if a is None or b is None:
                problem = "empty account name"
            else:
                problem = bad_key_reason(a) or bad_key_reason(b)
        if problem:
            if rejects is None:
                raise InputError(problem, path=path, line=number)
            rejects.append(Rejected(path, number, problem))
            continue
        sources.append(a)
        targets.append(b)
    follows = pd.DataFrame({"follower": pd.array(sources, dtype="string"), "followee": pd.array(targets, dtype="string")})
    return SourceTables(
        path=path, format="edge-csv" if header else "snap-edges", follows=[follows],
        observe_followers=True, rows_read=len(body), rejected=list(rejects or []),
    )


def _stream_pyarrow(path: str, ctx: ReadContext, header: bool, counter: list[int]) -> Iterator[pd.DataFrame]:
    """Blocks of normalized follows read by pyarrow; raises _Fallback on any doubt."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with ctx.open_binary(path) as handle:
        head = handle.read(1 << 16)
    lines = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n")
    skip = 0
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        skip += 1
    first = lines[skip].rstrip("\r") if skip < len(lines) else ""
    if header:
        delimiter = detect_delimiter(first) or ","
        names = [n.strip() for n in first.split(delimiter)]
        pair = _header_pair(names, ctx, path)
        if pair is None:
            raise _Fallback
        include = list(pair)
        read_options = pacsv.ReadOptions(skip_rows=skip, block_size=_BLOCK, encoding=ctx.encoding or "utf8")
        convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, include_columns=include, strings_can_be_null=False)
        width = len(names)
    else:
        delimiter = _snap_delimiter(first) or " "
        width = len(first.split(delimiter)) if delimiter != " " else len(first.split())
        if width < 2:
            raise _Fallback
        if delimiter == " " and first.strip().count(" ") != width - 1:
            raise _Fallback  # runs of spaces: leave it to the line reader
        names = [f"c{i}" for i in range(width)]
        read_options = pacsv.ReadOptions(skip_rows=skip, block_size=_BLOCK, column_names=names, encoding=ctx.encoding or "utf8")
        include = names[:2]
        convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, include_columns=include, strings_can_be_null=False)

    def on_invalid(row) -> str:
        # comments and blank lines are skipped; anything else stops the fast path
        # (pyarrow then raises ArrowInvalid) and the precise line reader takes over
        if row.text.lstrip().startswith("#") or not row.text.strip():
            return "skip"
        return "error"

    parse = pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid, newlines_in_values=False)
    bar = Progress(f"reading {Path(str(path)).name}", total=_plain_size(path), unit="B")
    try:
        with bar, _Counted(ctx.open_binary(path), bar) as stream:
            reader = pacsv.open_csv(stream, read_options=read_options, parse_options=parse, convert_options=convert)
            pool = pa.default_memory_pool()
            for batch in reader:
                counter[0] += batch.num_rows
                chunk = _encode_batch(batch)
                del batch
                pool.release_unused()  # hand the raw block back, or the allocator keeps it
                yield chunk
    except _Fallback:
        raise
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, ValueError) as err:
        raise _Fallback from err


def _encode_batch(batch) -> pd.DataFrame:
    """Normalized follows of one block, dictionary-encoded: int32 codes into the block's keys.

    Both columns share one dictionary listing the keys in order of first
    appearance (followers first, then followees), which is how the workspace
    numbers new accounts; a block's keys repeat a lot, so this holds a follow
    in 8 bytes plus the block's distinct keys instead of two strings.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    follower, followee = (_plain_strings(batch.column(i)) for i in (0, 1))
    if follower.null_count or followee.null_count:
        raise _Fallback
    # encode the raw values, then normalize each distinct one once: a block names far
    # fewer accounts than it has follows. Files list a follower's follows one after the
    # other, so only the first row of each run of equal followers is hashed.
    n = len(follower)
    if n > 1:
        heads = np.flatnonzero(np.concatenate(([True], pc.not_equal(follower[1:], follower[:-1]).to_numpy(zero_copy_only=False))))
    else:
        heads = np.arange(n)
    encoded = pc.dictionary_encode(pa.concat_arrays([follower.take(pa.array(heads)), followee]))
    raw_keys = encoded.dictionary
    head_codes = np.asarray(encoded.indices)
    codes = np.concatenate([np.repeat(head_codes[: len(heads)], np.diff(np.append(heads, n))), head_codes[len(heads):]])
    codes = pa.array(codes, type=pa.int32())
    keys = normalize_handle_array(raw_keys)
    if keys is not raw_keys:
        if keys.null_count:
            raise _Fallback  # an empty name: the line reader says where
        # spellings of one key ("@Ann", "ann") merge; the first one seen keeps its place
        merged = pc.dictionary_encode(keys)
        keys = merged.dictionary
        codes = pa.array(np.asarray(merged.indices)[np.asarray(codes)], type=pa.int32())
    # a control character (checked once per distinct key) is for the line reader to report
    if pc.any(pc.match_substring_regex(keys, _CONTROL)).as_py():
        raise _Fallback
    return pd.DataFrame({
        "follower": pd.arrays.ArrowExtensionArray(pa.DictionaryArray.from_arrays(codes.slice(0, n), keys)),
        "followee": pd.arrays.ArrowExtensionArray(pa.DictionaryArray.from_arrays(codes.slice(n), keys)),
    })


def _plain_strings(column):
    """A block's column as one pyarrow string array."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column if column.type == pa.string() else column.cast(pa.string())


def _plain_size(path: str) -> int | None:
    """The file's size if it is a plain file (the progress bar's total), else ``None``."""
    try:
        with open(path, "rb") as handle:
            return None if handle.read(2) == b"\x1f\x8b" else os.path.getsize(path)
    except (OSError, TypeError):
        return None


class _Counted:
    """A binary stream that advances a progress bar by the bytes read through it."""

    def __init__(self, handle, bar: Progress) -> None:
        self.handle, self.bar, self.closed = handle, bar, False

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.bar.advance(len(data))
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.handle.close()
        self.closed = True

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _EdgeChunks:
    """Follows of an edge file: streamed by pyarrow, or read precisely on any problem."""

    def __init__(self, path: str, ctx: ReadContext, header: bool) -> None:
        self.path, self.ctx, self.header = path, ctx, header

    def read(self) -> SourceTables:
        counter = [0]
        chunks: list[pd.DataFrame] = []
        if not self.ctx.skip_bad_rows:
            try:
                for chunk in _stream_pyarrow(self.path, self.ctx, self.header, counter):
                    chunks.append(chunk)
            except _Fallback:
                chunks = []
            else:
                if counter[0] == 0:
                    raise InputError("the edge list is empty", path=self.path)
                return SourceTables(
                    path=self.path, format="edge-csv" if self.header else "snap-edges",
                    follows=chunks, observe_followers=True, rows_read=counter[0],
                )
        lines = decode_lines(self.ctx.read_bytes(self.path), self.path, self.ctx.encoding)
        return parse_edge_lines(lines, self.path, self.ctx, header=self.header)


def _is_edge_csv(head: bytes, path: str) -> bool:
    lines = _content_lines(head, 1)
    if not lines or lines[0][:1] in ("[", "{", "<"):
        return False
    delimiter = detect_delimiter(lines[0])
    if delimiter is None:
        return False
    names = [f.strip() for f in lines[0].split(delimiter)]
    return bool(_header_pair(names, ReadContext(kind="edges")))


def _is_snap(head: bytes, path: str) -> bool:
    lines = _content_lines(head, 3)
    return bool(lines) and lines[0][:1] not in ("[", "{", "<") and not _is_edge_csv(head, path)


def _read_edge_csv(path: str, ctx: ReadContext) -> SourceTables:
    return _EdgeChunks(path, ctx, header=True).read()


def _read_snap(path: str, ctx: ReadContext) -> SourceTables:
    if ctx.source_col or ctx.target_col:
        return _EdgeChunks(path, ctx, header=True).read()
    return _EdgeChunks(path, ctx, header=False).read()


register(Format(
    name="edge-csv",
    kinds=("edges",),
    summary="CSV/TSV with a header: follower,followee (or source,target; --source-col/--target-col)",
    how_to_get="any table of follow pairs, e.g. a scraper's edge export or a database dump",
    detect=_is_edge_csv,
    read=_read_edge_csv,
    priority=60,
))
register(Format(
    name="snap-edges",
    kinds=("edges",),
    summary="SNAP-style pairs without a header, tab/space/comma separated, # comments",
    how_to_get="research datasets such as snap.stanford.edu's wiki-Vote or email-Eu-core",
    detect=_is_snap,
    read=_read_snap,
    priority=90,
))
