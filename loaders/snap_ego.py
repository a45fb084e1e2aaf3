"""SNAP ego networks (ego-Twitter layout): ``graphkit load snap-ego PATH``.

PATH is a folder (any nesting) or a ``.tar``/``.tar.gz`` of files named
``<ego>.edges``, ``<ego>.feat``, ``<ego>.featnames``, ``<ego>.egofeat`` and
``<ego>.circles``, or one ``<ego>.edges`` file (its siblings are read too).

The graph is SNAP's own: the union of every ``.edges`` line ``a b`` (a follows
b), plus the ego following every node named in its ``.edges``, ``.feat`` or
``.circles`` file. Egos are *observed* (their following list is complete);
the other nodes' lists are only known inside each ego's circle, so they are not.

Features become tags: a node's features set to ``1`` in any ego's ``.feat`` (and
the ego's own ``.egofeat``) are looked up in that ego's ``.featnames``; hashtags
and mentions are reduced to ``#word``/``@word`` (Twitter's own rule: letters,
digits, ``_``), lower-cased, so ``#SXSW!`` and ``#sxsw`` are one tag and ``#,``
is none. Circles are kept as the extra table ``circles`` (columns ``ego``,
``circle``, ``member``).

Parsing is vectorized: numbers with :func:`numpy.fromstring`, the binary
feature matrices by locating the ``1`` bytes in each file's buffer; no Python
loop runs per edge or per feature value.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "7.edges").write_text("1 2\\n2 3\\n")
>>> _ = (folder / "7.featnames").write_text("0 #Hiking!\\n1 @rei:\\n")
>>> _ = (folder / "7.feat").write_text("1 1 0\\n4 1 1\\n")
>>> _ = (folder / "7.circles").write_text("friends\\t1\\t5\\n")
>>> src = read_snap_ego(str(folder), ReadContext(kind="snap-ego"))
>>> sorted(map(tuple, pd.concat(src.follows).values.tolist()))[:4]
[('1', '2'), ('2', '3'), ('7', '1'), ('7', '2')]
>>> sorted(src.follows[1]["followee"].tolist())
['1', '2', '3', '4', '5']
>>> src.accounts.sort_values("key").values.tolist()
[['1', '#hiking'], ['4', '#hiking,@rei']]
>>> src.extra_tables["circles"].values.tolist()
[['7', 'friends', '1'], ['7', 'friends', '5']]
"""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graphkit.errors import InputError
from graphkit.lazy import lazy_module
from graphkit.tables import SourceTables
from loaders.archives import MAX_MEMBER_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, unsafe_member_reason
from loaders.formats import Format, ReadContext, register
from loaders.textio import display_path

pd = lazy_module("pandas")

__all__ = ["read_snap_ego", "clean_feature", "is_snap_ego"]

_FILE = re.compile(r"(?:^|/)([^/]+)\.(edges|feat|featnames|egofeat|circles)$")
_FEATURE = re.compile(r"^([#@])(\w+)")
_MAX_ID_DIGITS = 18
_ALLOWED = np.zeros(256, dtype=bool)
_ALLOWED[[ord(c) for c in "0123456789 \t\r\n"]] = True


def clean_feature(name: str) -> str | None:
    """The tag of a feature name: ``#word``/``@word`` lower-cased, or ``None``.

    >>> clean_feature("#SXSW!"), clean_feature("@BarackObama:"), clean_feature("#,")
    ('#sxsw', '@barackobama', None)
    """
    match = _FEATURE.match(name.strip())
    return (match.group(1) + match.group(2)).lower() if match else None


@dataclass
class _Ego:
    files: dict[str, bytes] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


# -- collecting the files -----------------------------------------------------------------
def _collect(path: str) -> tuple[dict[str, _Ego], str | None]:
    """The files of every ego, and a digest of them (``None`` for an archive: its bytes identify it)."""
    target = Path(path)
    egos: dict[str, _Ego] = {}
    digest = hashlib.sha256()
    hashing = [True]

    def add(name: str, data: bytes, label: str) -> None:
        match = _FILE.search(name)
        if match is None:
            return
        ego = egos.setdefault(match.group(1), _Ego())
        ego.files[match.group(2)] = data
        ego.labels[match.group(2)] = label
        if hashing[0]:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())

    if target.is_dir():
        for folder, dirs, files in os.walk(target, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                file = Path(folder) / name
                if _FILE.search(name) and file.is_file() and not file.is_symlink():
                    add(file.relative_to(target).as_posix(), file.read_bytes(), str(file))
    elif target.is_file() and _FILE.search(target.name):
        stem = target.name.rsplit(".", 1)[0]
        for sibling in sorted(target.parent.glob(f"{glob_escape(stem)}.*")):
            if sibling.is_file():
                add(sibling.name, sibling.read_bytes(), str(sibling))
    elif target.is_file() and tarfile.is_tarfile(target):
        hashing[0] = False
        _collect_tar(target, add)
    elif not target.exists():
        raise InputError("no such file or folder", path=path)
    else:
        raise InputError("not a SNAP ego-network folder, .tar(.gz) or .edges file", path=path)
    if not any("edges" in ego.files or "feat" in ego.files for ego in egos.values()):
        raise InputError("no <ego>.edges or <ego>.feat file found (SNAP ego-network layout)", path=path)
    return egos, (digest.hexdigest() if hashing[0] else None)


def glob_escape(text: str) -> str:
    """``text`` with glob wildcards escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _collect_tar(target: Path, add) -> None:
    total = 0
    compressed = target.stat().st_size
    try:
        with tarfile.open(target, mode="r:*") as archive:
            for member in archive:
                label = f"{target}, member {member.name}"
                reason = unsafe_member_reason(member.name)
                if reason:
                    raise InputError(f"{reason}; refusing the archive", path=label)
                if member.issym() or member.islnk():
                    raise InputError("is a link; refusing the archive", path=label)
                if not member.isfile() or not _FILE.search(member.name):
                    continue
                if member.size > MAX_MEMBER_BYTES:
                    raise InputError(f"is {member.size:,} bytes; refusing it", path=label)
                total += member.size
                if total > MAX_TOTAL_BYTES or (total > (64 << 20) and total > MAX_RATIO * compressed):
                    raise InputError(
                        f"the archive inflates beyond {total:,} bytes from {compressed:,}; refusing it (zip bomb?)",
                        path=label,
                    )
                handle = archive.extractfile(member)
                add(member.name, handle.read() if handle else b"", label)
    except (tarfile.TarError, OSError, EOFError) as err:
        raise InputError(f"damaged tar archive ({err})", path=str(target)) from None


# -- parsing ------------------------------------------------------------------------------
def _check_alphabet(data: bytes, label: str) -> np.ndarray:
    buf = np.frombuffer(data, dtype=np.uint8)
    bad = np.flatnonzero(~_ALLOWED[buf])
    if len(bad):
        line = int(np.count_nonzero(buf[: bad[0]] == 10)) + 1
        raise InputError(f"unexpected character {chr(buf[bad[0]])!r}; expected numbers", path=label, line=line)
    return buf


def _numbers(data: bytes, label: str, per_line: int | None = None) -> np.ndarray:
    """The integers of a whitespace-separated numeric file (``per_line``: checked width)."""
    buf = _check_alphabet(data, label)
    digit = (buf >= 48) & (buf <= 57)
    starts = np.flatnonzero(digit & ~np.concatenate(([False], digit[:-1])))
    ends = np.flatnonzero(digit & ~np.concatenate((digit[1:], [False])))
    if len(starts) and int((ends - starts).max()) + 1 > _MAX_ID_DIGITS:
        at = int(np.argmax(ends - starts))
        raise InputError("a node id longer than 18 digits", path=label, line=int(np.count_nonzero(buf[: starts[at]] == 10)) + 1)
    leading = starts[(buf[starts] == 48) & (ends > starts)]
    if len(leading):
        raise InputError("a node id with a leading zero", path=label, line=int(np.count_nonzero(buf[: leading[0]] == 10)) + 1)
    values = np.fromstring(data, dtype=np.int64, sep=" ") if len(starts) else np.empty(0, np.int64)
    if per_line is not None:
        line_of = np.cumsum(np.concatenate(([0], buf[:-1] == 10)))[starts] if len(starts) else starts
        counts = np.bincount(line_of) if len(line_of) else np.empty(0, np.int64)
        wrong = np.flatnonzero((counts != 0) & (counts != per_line))
        if len(wrong):
            raise InputError(f"expected {per_line} numbers on the line, found {int(counts[wrong[0]])}", path=label, line=int(wrong[0]) + 1)
    return values


def _featnames(data: bytes, label: str, cache: dict[str, int], vocab: list[str]) -> np.ndarray:
    """Tag code of each feature index (-1: not a hashtag or mention)."""
    lines = [line for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
    split = [line.partition(" ") for line in lines]
    numbers = [part[0] for part in split]
    expected = [str(i) for i in range(len(lines))]
    if numbers != expected:
        wrong = next(i for i, (a, b) in enumerate(zip(numbers, expected)) if a != b)
        raise InputError(f"expected feature number {wrong}, found {numbers[wrong]!r}", path=label, line=wrong + 1)
    codes = []
    for _, _, name in split:
        code = cache.get(name)
        if code is None:
            tag = clean_feature(name)
            if tag is None:
                code = -1
            else:
                code = cache.get(tag)
                if code is None:
                    code = cache[tag] = len(vocab)
                    vocab.append(tag)
            cache[name] = code
        codes.append(code)
    return np.asarray(codes, dtype=np.int64)


def _feature_ones(data: bytes, label: str, width: int, with_id: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row ids, row of each 1, feature index of each 1)`` of a 0/1 feature matrix."""
    buf = _check_alphabet(data, label)
    if len(buf) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    if buf[-1] != 10:
        buf = np.concatenate((buf, [10])).astype(np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    ends = ends - (buf[np.maximum(ends - 1, 0)] == 13)  # CRLF
    if with_id:
        first = np.full(len(starts), -1, dtype=np.int64)
        for k in range(1, _MAX_ID_DIGITS + 2):
            hit = (first < 0) & (starts + k < ends) & (buf[np.minimum(starts + k, len(buf) - 1)] == 32)
            first[hit] = starts[hit] + k
        if (first < 0).any():
            line = int(np.flatnonzero(first < 0)[0])
            raise InputError("expected a node id and its features", path=label, line=line + 1)
        ids = np.zeros(len(starts), dtype=np.int64)
        for k in range(_MAX_ID_DIGITS):  # positional decimal value, one digit column at a time
            inside = starts + k < first
            digits = buf[np.minimum(starts + k, len(buf) - 1)].astype(np.int64) - 48
            if (inside & ((digits < 0) | (digits > 9))).any():
                line = int(np.flatnonzero(inside & ((digits < 0) | (digits > 9)))[0])
                raise InputError("a node id is not a number", path=label, line=line + 1)
            ids = np.where(inside, ids * 10 + digits, ids)
        lead = (buf[starts] == 48) & (first - starts > 1)
        if lead.any():
            raise InputError("a node id with a leading zero", path=label, line=int(np.flatnonzero(lead)[0]) + 1)
    else:
        first = starts - 1
        ids = np.empty(0, np.int64)
    wrong = np.flatnonzero(ends - first != 2 * width)
    if len(wrong):
        found = int((ends[wrong[0]] - first[wrong[0]]) // 2)
        raise InputError(f"expected {width} features (as in the .featnames), found {found}", path=label, line=int(wrong[0]) + 1)
    ones = np.flatnonzero(buf == 49)
    row = np.searchsorted(starts, ones, side="right") - 1
    inside = ones > first[row]
    ones, row = ones[inside], row[inside]
    offset = ones - first[row] - 1
    if (offset % 2).any():
        line = int(row[np.flatnonzero(offset % 2)[0]])
        raise InputError("features must be single 0/1 values separated by one space", path=label, line=line + 1)
    high = np.flatnonzero((buf >= 50) & (buf <= 57))
    if len(high):
        hrow = np.searchsorted(starts, high, side="right") - 1
        if (high > first[hrow]).any():
            line = int(hrow[np.flatnonzero(high > first[hrow])[0]])
            raise InputError("a feature value other than 0 or 1", path=label, line=line + 1)
    return ids, row, offset // 2


def _unique(values: np.ndarray) -> np.ndarray:
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _ego_id(name: str, label: str) -> int:
    if not name.isdigit() or len(name) > _MAX_ID_DIGITS or (name.startswith("0") and name != "0"):
        raise InputError(f"ego {name!r} is not a numeric node id", path=label)
    return int(name)


def read_snap_ego(path: str, ctx: ReadContext) -> SourceTables:
    """Read ego networks into follows, tagged accounts and the ``circles`` table."""
    shown = display_path(path)
    egos, digest = _collect(path)
    edge_parts: list[np.ndarray] = []
    ego_src: list[np.ndarray] = []
    ego_dst: list[np.ndarray] = []
    tag_nodes: list[np.ndarray] = []
    tag_codes: list[np.ndarray] = []
    circles: list[tuple[str, str, str]] = []
    cache: dict[str, int] = {}
    vocab: list[str] = []
    edge_rows = 0
    observed: list[int] = []
    for name in sorted(egos):
        ego = egos[name]
        labels = ego.labels
        ego_id = _ego_id(name, next(iter(labels.values())))
        members: list[np.ndarray] = []
        if "edges" in ego.files:
            pairs = _numbers(ego.files["edges"], labels["edges"], per_line=2)
            edge_parts.append(pairs)
            edge_rows += len(pairs) // 2
            members.append(pairs)
        if "circles" in ego.files:
            for number, line in enumerate(ego.files["circles"].decode("utf-8", errors="replace").split("\n"), 1):
                fields = line.strip("\r").split("\t") if "\t" in line else line.split()
                if not line.strip():
                    continue
                ids = fields[1:]
                if not all(i.isascii() and i.isdigit() and len(i) <= _MAX_ID_DIGITS for i in ids):
                    raise InputError(
                        f"circle members must be node ids (at most {_MAX_ID_DIGITS} digits)",
                        path=labels["circles"], line=number,
                    )
                circles.extend((name, fields[0], str(int(i))) for i in ids)
                members.append(np.asarray([int(i) for i in ids], dtype=np.int64))
        names = None
        if "featnames" in ego.files:
            names = _featnames(ego.files["featnames"], labels["featnames"], cache, vocab)
        if "feat" in ego.files:
            if names is None:
                raise InputError(f"{name}.feat has no {name}.featnames beside it", path=labels["feat"])
            ids, row, feature = _feature_ones(ego.files["feat"], labels["feat"], len(names), with_id=True)
            members.append(ids)
            tag_nodes.append(ids[row])
            tag_codes.append(names[feature])
        if "egofeat" in ego.files and names is not None:
            _, _, feature = _feature_ones(ego.files["egofeat"], labels["egofeat"], len(names), with_id=False)
            tag_nodes.append(np.full(len(feature), ego_id, dtype=np.int64))
            tag_codes.append(names[feature])
        if members:
            nodes = _unique(np.concatenate(members))
            ego_src.append(np.full(len(nodes), ego_id, dtype=np.int64))
            ego_dst.append(nodes)
            observed.append(ego_id)
    return _tables(shown, ctx, edge_parts, ego_src, ego_dst, tag_nodes, tag_codes, vocab, circles, observed, edge_rows, digest)


def _tables(path, ctx, edge_parts, ego_src, ego_dst, tag_nodes, tag_codes, vocab, circles, observed, edge_rows, digest) -> SourceTables:
    empty = np.empty(0, np.int64)
    edges = np.concatenate(edge_parts) if edge_parts else empty
    tag_node = np.concatenate(tag_nodes) if tag_nodes else empty
    tag_code = np.concatenate(tag_codes) if tag_codes else empty
    keep = tag_code >= 0
    parts = [
        edges[0::2], edges[1::2],
        np.concatenate(ego_src) if ego_src else empty,
        np.concatenate(ego_dst) if ego_dst else empty,
        tag_node[keep],
    ]
    codes, uniques = pd.factorize(np.concatenate(parts))
    keys = pd.array(np.asarray(uniques).astype(str), dtype="string")
    bounds = np.cumsum([0] + [len(p) for p in parts])
    src_e, dst_e, src_o, dst_o, tagged = (codes[a:b] for a, b in zip(bounds[:-1], bounds[1:]))
    follows = [
        pd.DataFrame({"follower": keys.take(src_e), "followee": keys.take(dst_e)}),
        pd.DataFrame({"follower": keys.take(src_o), "followee": keys.take(dst_o)}),
    ]
    accounts = _tag_table(keys, tagged, tag_code[keep], vocab)
    circle_table = pd.DataFrame(
        {name: pd.array([row[i] for row in circles], dtype="string") for i, name in enumerate(("ego", "circle", "member"))}
    )
    return SourceTables(
        path=path, format="snap-ego", follows=follows, accounts=accounts,
        observed={str(e) for e in observed}, rows_read=edge_rows,
        extra_tables={"circles": circle_table} if len(circle_table) else {},
        fingerprint=(
            {"sha256": digest, "kind": ctx.kind, "owner": None, "format": "snap-ego", "options": {}} if digest else {}
        ),
    )


def _tag_table(keys, node_code: np.ndarray, tag_code: np.ndarray, vocab: list[str]) -> pd.DataFrame:
    """One row per tagged node: ``key`` and ``tags`` (sorted, comma-joined)."""
    if not len(node_code):
        return pd.DataFrame({"key": pd.array([], dtype="string")})
    order = np.argsort(np.asarray(vocab, dtype=object), kind="stable")
    rank = np.empty(len(vocab), dtype=np.int64)
    rank[order] = np.arange(len(vocab))
    pair = _unique((node_code.astype(np.int64) << 32) | rank[tag_code])
    nodes = pair >> 32
    names = np.asarray(vocab, dtype=object)[order][pair & 0xFFFFFFFF]
    bounds = np.flatnonzero(np.diff(nodes)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(pair)]))
    tags = [",".join(names[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]
    return pd.DataFrame({"key": keys.take(nodes[starts]), "tags": pd.array(tags, dtype="string")})


def is_snap_ego(head: bytes, path: str) -> bool:
    """Any path but standard input: the reader says precisely what is missing or wrong."""
    return path != "-"


register(Format(
    name="snap-ego",
    kinds=("snap-ego",),
    summary="SNAP ego networks (ego-Twitter, ego-Gplus): <ego>.edges/.feat/.featnames/.egofeat/.circles, folder or .tar.gz",
    how_to_get="snap.stanford.edu/data/ego-Twitter.html (twitter.tar.gz); load the archive or its folder",
    detect=is_snap_ego,
    read=read_snap_ego,
    priority=30,
))
