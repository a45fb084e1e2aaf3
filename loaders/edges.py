"""Edge lists: ``follower -> followee`` pairs, from CSV/TSV with a header or SNAP text.

* ``edge-csv``: a header naming the two columns (``follower,followee``,
  ``source,target``, ``src,dst``, ``from,to``, ...);
* ``snap-edges``: no header, two columns separated by tabs, spaces or commas,
  ``#`` comment lines (SNAP's layout: ``Wiki-Vote.txt``, ``email-Eu-core.txt``).

Anything else (an unknown header, more than two columns, a profiles file) is
refused with the columns found and the options that choose them:
``--columns FOLLOWER,FOLLOWEE[,WEIGHT]``, ``--no-header``, ``--min-weight W``
(see :mod:`loaders.edge_layout`).

Every follower of an edge list is *observed*: the list is taken as complete
for the audience counts. It is not a *full-list* load, though: loading another
edge list never ends follows the first one held (an edge file is often a
sample or one of several parts; ``load following`` and platform downloads are
the loads that end follows).

Large files are streamed with pyarrow in blocks; if anything in a file is off
(a bad row, an empty name, bad UTF-8), the file is read again line by line so
that the error names the exact line.

Examples
--------
>>> ctx = ReadContext(kind="edges")
>>> src = parse_edge_lines(["# comment", "1\t2", "2\t1"], "g.txt", ctx)
>>> src.follows[0].values.tolist(), src.observe_followers
([['1', '2'], ['2', '1']], True)
>>> signed = ["1,2,5", "2,3,-10", "3,1,1"]
>>> ctx = ReadContext(kind="edges", extra={"columns": "1,2,3", "min_weight": 1})
>>> parse_edge_lines(signed, "otc.csv", ctx).follows[0].values.tolist()
[['1', '2'], ['3', '1']]
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from graphkit import arrow_arrays as arrow
from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle, normalize_handle_array
from graphkit.lazy import lazy_module
from graphkit.progress import Progress
from graphkit.tables import Rejected, SourceTables
from loaders.block_keys import BlockKeys
from loaders.edge_layout import (
    EdgeLayout,
    detect_edge_delimiter,
    edge_layout,
    named_pair,
    split_fields,
)
from loaders.formats import Format, ReadContext, register
from loaders.textio import decode_lines

pd = lazy_module("pandas")

__all__ = ["parse_edge_lines", "edge_options"]

#: Content lines read to tell a header from data.
_LAYOUT_LINES = 6
_BLOCK = 8 << 20
_CLEAN = r"^[a-z0-9_.\-]+$"
#: what the line reader refuses in a key (see graphkit.handles.bad_key_reason)
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"


class _Fallback(Exception):
    """The fast path met something it cannot report precisely."""


def _content_lines(head: bytes, limit: int = _LAYOUT_LINES) -> list[tuple[int, str]]:
    """The first ``limit`` lines of ``head`` that are not blank or ``#`` comments, numbered."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    out = []
    for number, line in enumerate(text.split("\n")[:-1] or text.split("\n"), start=1):
        line = line.rstrip("\r")
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((number, line))
            if len(out) >= limit:
                break
    return out


def edge_options(ctx: ReadContext) -> dict:
    """The layout options of a load: ``--columns``, ``--no-header``, ``--min-weight``.

    ``--source-col``/``--target-col`` (the older spelling) are ``--columns`` of two names.

    >>> edge_options(ReadContext(kind="edges", source_col="a", target_col="b"))
    {'columns': ['a', 'b']}
    """
    options = {k: ctx.extra[k] for k in ("columns", "no_header", "min_weight") if ctx.extra.get(k) is not None}
    if ctx.source_col or ctx.target_col:
        if not (ctx.source_col and ctx.target_col):
            raise InputError("--source-col and --target-col go together (or use --columns FOLLOWER,FOLLOWEE)")
        if options.get("columns"):
            raise InputError("give --columns or --source-col/--target-col, not both")
        options["columns"] = [ctx.source_col, ctx.target_col]
    return options


def _weight(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if value != value else value  # NaN is not a weight


def parse_edge_lines(lines: Sequence[str], path: str, ctx: ReadContext) -> SourceTables:
    """Parse an edge list held in memory, exactly, line by line (the slow, precise path)."""
    import csv

    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    layout = edge_layout(numbered[:_LAYOUT_LINES], path, edge_options(ctx))
    body = numbered[1:] if layout.header else numbered
    first_line = numbered[0][0]
    sources, targets = [], []
    below = 0
    for number, line in body:
        problem: str | None = None
        if layout.delimiter is None:
            fields = line.split()
        else:
            try:
                fields = [f.strip() for f in next(csv.reader([line], delimiter=layout.delimiter, strict=True))]
            except csv.Error as err:
                problem, fields = f"malformed row: {err}", []
        if problem is None and len(fields) != layout.width:
            problem = f"expected {layout.width} fields (as on line {first_line}), found {len(fields)}"
        if problem is None and layout.weight is not None:
            weight = _weight(fields[layout.weight])
            if weight is None:
                problem = f"weight {fields[layout.weight]!r} is not a number"
            elif weight < layout.min_weight:
                below += 1
                continue
        if problem is None:
            a = normalize_handle(fields[layout.follower])
            b = normalize_handle(fields[layout.followee])
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
    return _source(path, layout, [follows], len(body), below, list(rejects or []))


def _source(path: str, layout: EdgeLayout, follows: list, rows: int, below: int, rejected: list) -> SourceTables:
    if rows == 0:
        raise InputError("the edge list has no follows, only a header" if layout.header
                         else "the edge list is empty", path=path)
    source = SourceTables(
        path=path, format="edge-csv" if layout.header else "snap-edges", follows=follows,
        observe_followers=True, rows_read=rows, rejected=rejected,
    )
    if layout.min_weight is not None:
        source.summarize = lambda graph: f"{below:,} rows with a weight below {layout.min_weight:g} left out"
    return source


def _stream_pyarrow(
    path: str, ctx: ReadContext, layout: EdgeLayout, skip: int, counters: list[int], digest: list[str]
) -> Iterator[tuple]:
    """Blocks of normalized follows read by pyarrow (see :func:`_encode_batch`); raises
    _Fallback on any doubt.

    ``skip`` physical lines come before the data; ``counters`` receives the rows
    read and the rows left out by ``--min-weight``; ``digest`` the SHA-256 of a
    plain file's bytes, hashed as they were read (no second pass over the file).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    delimiter = layout.delimiter or " "
    names = [f"c{i}" for i in range(layout.width)]
    include = [names[i] for i in layout.used]
    types = {n: pa.string() for n in names}
    if layout.weight is not None:
        types[names[layout.weight]] = pa.float64()
    read_options = pacsv.ReadOptions(skip_rows=skip, block_size=_BLOCK, column_names=names,
                                     encoding=ctx.encoding or "utf8")
    convert = pacsv.ConvertOptions(column_types=types, include_columns=include, strings_can_be_null=False)

    # No invalid-row handler: a row of another width (a comment or a bad row in the
    # middle) stops pyarrow with ArrowInvalid and the precise line reader takes over.
    # (A Python handler would also be handed rows pyarrow cannot decode, and print
    # "Exception ignored ... UnicodeDecodeError" for a binary file.)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    size = _plain_size(path)
    bar = Progress(f"reading {Path(str(path)).name}", total=size, unit="B")

    def encode(batch) -> tuple:  # runs on the encoding thread, one block after another
        if pc.any(pc.starts_with(batch.column(0), "#")).as_py():
            raise _Fallback  # a comment line of the same width as the data
        if layout.weight is not None:
            weight = batch.column(2)
            if weight.null_count:
                raise _Fallback  # an empty or NaN weight: the line reader says where
            rows = batch.num_rows
            batch = batch.filter(pc.greater_equal(weight, layout.min_weight))
            counters[1] += rows - batch.num_rows
        return _encode_batch(batch)

    # pyarrow parses the next block while the previous one is encoded (both release the
    # GIL): with two cores a load reads about as fast as pyarrow parses.
    pending: deque[Future] = deque()
    try:
        with bar, _Counted(ctx.open_binary(path), bar, digest=size is not None) as stream, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphkit-encode") as encoder:
            reader = pacsv.open_csv(stream, read_options=read_options, parse_options=parse, convert_options=convert)
            pool = pa.default_memory_pool()
            for batch in reader:
                counters[0] += batch.num_rows
                pending.append(encoder.submit(encode, batch))
                del batch
                if len(pending) > 1:
                    yield pending.popleft().result()
                    pool.release_unused()  # hand the raw block back, or the allocator keeps it
            while pending:
                yield pending.popleft().result()
            if stream.sha256 is not None:
                digest.append(stream.sha256)
    except _Fallback:
        raise
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, ValueError) as err:
        raise _Fallback from err
    finally:
        for future in pending:
            future.cancel()


def _encode_batch(batch) -> tuple:
    """Normalized follows of one block, dictionary-encoded: ``(keys, codes, n)``, the block's
    keys and int32 codes into them (``n`` followers, then ``n`` followees).

    The keys are the block's distinct spellings, normalized (so two spellings of
    one account can both be there), listed in order of first appearance
    (followers first, then followees), which is how the workspace numbers new
    accounts; :class:`loaders.block_keys.BlockKeys` merges the blocks' keys into
    one dictionary of distinct keys.
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
        heads = np.flatnonzero(np.concatenate(([True], arrow.to_numpy(pc.not_equal(follower[1:], follower[:-1])))))
    else:
        heads = np.arange(n)
    encoded = pc.dictionary_encode(pa.concat_arrays([follower.take(arrow.from_numpy(heads)), followee]))
    raw_keys = encoded.dictionary
    head_codes = arrow.to_numpy(encoded.indices)
    codes = np.concatenate([np.repeat(head_codes[: len(heads)], np.diff(np.append(heads, n))), head_codes[len(heads):]])
    # Keys that are already clean stay as they are; the others (capitals, "@", spaces: a few
    # per cent in a scrape) are normalized and checked on their own. Two spellings of one key
    # ("@Ann", "ann") may both be listed: BlockKeys' merge makes them one, the first keeping
    # its place.
    unclean = pc.invert(pc.match_substring_regex(raw_keys, _CLEAN))
    keys = raw_keys
    if pc.any(unclean).as_py():
        fixed = normalize_handle_array(raw_keys.filter(unclean))
        if fixed.null_count:
            raise _Fallback  # an empty name: the line reader says where
        # a control character is for the line reader to report
        if pc.any(pc.match_substring_regex(fixed, _CONTROL)).as_py():
            raise _Fallback
        keys = pc.replace_with_mask(raw_keys, unclean, fixed)
    return keys, codes.astype(np.int32, copy=False), n


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
    """A binary stream that advances a progress bar by the bytes read through it (and,
    with ``digest``, hashes them: :attr:`sha256` once the whole stream was read)."""

    def __init__(self, handle, bar: Progress, digest: bool = False) -> None:
        self.handle, self.bar, self.closed = handle, bar, False
        self._hash = hashlib.sha256() if digest else None
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.bar.advance(len(data))
        if self._hash is not None:
            self._hash.update(data)
        self._ended = self._ended or not data or size is None or size < 0
        return data

    @property
    def sha256(self) -> str | None:
        """The hex digest of every byte of the stream, if it was hashed and read to its end."""
        return self._hash.hexdigest() if self._hash is not None and self._ended else None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.handle.close()
        self.closed = True

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _fast_layout(head: bytes, path: str, ctx: ReadContext) -> tuple[EdgeLayout, int] | None:
    """The layout and the lines before the data, if pyarrow can read the file; else ``None``.

    A head that is not clean text (NUL bytes, undecodable) is left to the line
    reader, whose message says what is wrong; so are runs of spaces.
    """
    complete = head[: head.rfind(b"\n") + 1] or head
    if b"\x00" in complete:
        return None
    try:
        complete.decode(ctx.encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return None
    lines = _content_lines(complete)
    layout = edge_layout(lines, path, edge_options(ctx))
    first_number, first = lines[0]
    if layout.delimiter is None and first.strip().count(" ") != layout.width - 1:
        return None  # runs of spaces or tabs: leave it to the line reader
    return layout, first_number - 1 + int(layout.header)


def _read_edges(path: str, ctx: ReadContext) -> SourceTables:
    """Follows of an edge file: streamed by pyarrow, or read precisely on any problem."""
    if not ctx.skip_bad_rows:
        with ctx.open_binary(path) as handle:
            head = handle.read(1 << 16)
        fast = _fast_layout(head, path, ctx)
        if fast is not None:
            layout, skip = fast
            counters, digest, blocks = [0, 0], [], BlockKeys()
            try:
                for keys, codes, n in _stream_pyarrow(path, ctx, layout, skip, counters, digest):
                    blocks.add(keys, codes, n)
            except _Fallback:
                pass
            else:
                source = _source(path, layout, blocks.chunks(), counters[0], counters[1], [])
                source.sha256 = digest[0] if digest else None
                return source
    lines = decode_lines(ctx.read_bytes(path), path, ctx.encoding)
    return parse_edge_lines(lines, path, ctx)


def _is_edge_csv(head: bytes, path: str) -> bool:
    lines = _content_lines(head, 1)
    if not lines or lines[0][1][:1] in ("[", "{", "<"):
        return False
    first = lines[0][1]
    return named_pair(split_fields(first, detect_edge_delimiter(first))) is not None


def _is_snap(head: bytes, path: str) -> bool:
    lines = _content_lines(head, 1)
    return bool(lines) and lines[0][1][:1] not in ("[", "{", "<") and not _is_edge_csv(head, path)


register(Format(
    name="edge-csv",
    kinds=("edges",),
    summary="CSV/TSV with a header: follower,followee or source,target (else --columns A,B)",
    how_to_get="any table of follow pairs, e.g. a scraper's edge export or a database dump",
    detect=_is_edge_csv,
    read=_read_edges,
    priority=60,
))
register(Format(
    name="snap-edges",
    kinds=("edges",),
    summary="SNAP-style pairs without a header, tab/space/comma separated, # comments "
            "(more than two columns: --columns 1,2, or 1,2,3 with --min-weight W)",
    how_to_get="research datasets such as snap.stanford.edu's wiki-Vote or email-Eu-core",
    detect=_is_snap,
    read=_read_edges,
    priority=90,
))
