"""Which columns of an edge list hold the follower, the followee (and a weight).

An edge list is refused, with the columns it has and the options that choose
them, unless its layout is unambiguous:

* a header whose names say follower and followee (``follower,followee``,
  ``source,target``, ``src,dst``, ``from,to``, ...) and nothing else; or
* no header and exactly two columns (SNAP-style pairs: tab, space or comma
  separated, ``#`` comments).

Everything else needs ``--columns FOLLOWER,FOLLOWEE`` (header names or 1-based
positions). A third entry names a weight or rating column and goes with
``--min-weight W``: only rows whose weight is at least ``W`` are follows, so a
signed trust network (bitcoin-otc: ratings -10..+10) does not turn distrust
into a follow. ``--no-header`` says the first line is data.

Line 1 is taken as a header when its names say follower/followee, when one of
them is a known column name (an account attribute such as ``followers`` or
``bio``, a weight word), when every field of it is text while the next lines
are all numbers, or when ``--columns`` names columns instead of numbering them.
A file whose header names account attributes (``followers``, ``bio``, ...;
besides a ``following`` followee column) is a profiles file and is refused
with that hint.

Examples
--------
>>> layout = edge_layout([(1, "source,target"), (2, "a,b")], "e.csv", {})
>>> layout.header, layout.follower, layout.followee, layout.weight
(True, 0, 1, None)
>>> edge_layout([(1, "foo,bar,baz"), (2, "1,2,3")], "e.csv", {})
Traceback (most recent call last):
...
graphkit.errors.InputError: e.csv, line 1: the header (foo, bar, baz) names no follower and followee columns; choose them with --columns FOLLOWER,FOLLOWEE (header names or 1-based positions), or --no-header if line 1 is a follow
>>> edge_layout([(3, "6 2 4 128924"), (4, "6 5 2 128925")], "g.txt", {"columns": "1,2,3", "min_weight": 1}).weight
2
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graphkit.errors import InputError
from graphkit.schema import canonical_attribute

__all__ = [
    "EdgeLayout",
    "edge_layout",
    "split_fields",
    "detect_edge_delimiter",
    "named_pair",
    "FOLLOWER_NAMES",
    "FOLLOWEE_NAMES",
    "WEIGHT_NAMES",
]

FOLLOWER_NAMES = ("follower", "source", "src", "from", "from_user", "follower_username", "follower_id", "user", "username")
FOLLOWEE_NAMES = ("followee", "target", "dst", "to", "to_user", "followee_username", "followee_id", "follows", "following", "friend", "followed")
#: Names of a column that weighs or signs a follow.
WEIGHT_NAMES = ("weight", "rating", "sign", "score", "trust", "value", "strength")
#: At most this many column names are quoted in an error.
_SHOWN = 8


@dataclass(frozen=True)
class EdgeLayout:
    """Where the data of an edge list is (positions are 0-based).

    Attributes
    ----------
    header : bool
        The first content line names the columns.
    delimiter : str or None
        Tab, comma or semicolon; ``None`` for runs of whitespace.
    width : int
        Fields per line.
    follower, followee : int
        Positions of the follower and the followee.
    weight : int or None
        Position of the weight column (with ``min_weight``).
    min_weight : float or None
        Rows whose weight is below this are left out.
    """

    header: bool
    delimiter: str | None
    width: int
    follower: int
    followee: int
    weight: int | None = None
    min_weight: float | None = None

    @property
    def used(self) -> tuple[int, ...]:
        """The positions read: follower, followee and the weight if any."""
        return (self.follower, self.followee) + (() if self.weight is None else (self.weight,))


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def detect_edge_delimiter(line: str) -> str | None:
    """Tab, comma or semicolon (the most frequent of them), else ``None`` (whitespace).

    >>> detect_edge_delimiter("a,b\\tc\\td"), detect_edge_delimiter("1 2")
    ('\\t', None)
    """
    counts = {d: line.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def split_fields(line: str, delimiter: str | None) -> list[str]:
    """The fields of one line (CSV quoting understood), stripped.

    >>> split_fields('"a, b",c', ","), split_fields(" 1  2 ", None)
    (['a, b', 'c'], ['1', '2'])
    """
    if delimiter is None:
        return line.split()
    try:
        fields = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        fields = line.split(delimiter)
    return [f.strip() for f in fields]


def named_pair(names: Sequence[str]) -> tuple[int, int] | None:
    """Positions of the follower-like and followee-like names, if both are there.

    >>> named_pair(["Source", "Target", "weight"]), named_pair(["a", "b"])
    ((0, 1), None)
    """
    squashed = [_squash(n) for n in names]

    def position(candidates: Sequence[str]) -> int | None:
        for candidate in candidates:
            if _squash(candidate) in squashed:
                return squashed.index(_squash(candidate))
        return None

    source, target = position(FOLLOWER_NAMES), position(FOLLOWEE_NAMES)
    if source is None or target is None or source == target:
        return None
    return source, target


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _known_name(name: str) -> bool:
    squashed = _squash(name)
    words = {_squash(w) for w in (*FOLLOWER_NAMES, *FOLLOWEE_NAMES, *WEIGHT_NAMES)}
    return bool(squashed) and (squashed in words or canonical_attribute(name) is not None)


def _looks_like_header(fields: list[str], following: list[list[str]]) -> bool:
    if named_pair(fields) is not None or any(_known_name(f) for f in fields):
        return True
    rows = [row for row in following if len(row) == len(fields)]
    return bool(rows) and not any(_is_number(f) for f in fields) and all(
        _is_number(f) for row in rows for f in row
    )


def _profile_columns(fields: list[str], pair: Sequence[int]) -> list[str]:
    """Columns besides the follower/followee pair that name account attributes."""
    return [f for i, f in enumerate(fields) if i not in pair and canonical_attribute(f) is not None]


def _shown(fields: Sequence[str]) -> str:
    names = [f if len(f) <= 30 else f[:29] + "…" for f in fields[:_SHOWN]]
    more = f", ... ({len(fields)} in all)" if len(fields) > _SHOWN else ""
    return ", ".join(names) + more


def _option_columns(options: Mapping) -> list[str] | None:
    columns = options.get("columns")
    if columns is None:
        return None
    entries = [c.strip() for c in (columns.split(",") if isinstance(columns, str) else columns)]
    if len(entries) not in (2, 3) or not all(entries):
        raise InputError(
            f"--columns {','.join(entries)!s}: give FOLLOWER,FOLLOWEE or FOLLOWER,FOLLOWEE,WEIGHT "
            "(header names or 1-based positions)"
        )
    return entries


def _column_position(entry: str, names: list[str] | None, width: int, path: str, line: int) -> int:
    if names is not None:
        squashed = [_squash(n) for n in names]
        if _squash(entry) in squashed:
            return squashed.index(_squash(entry))
    if entry.isdigit():
        position = int(entry)
        if 1 <= position <= width:
            return position - 1
        raise InputError(f"--columns {entry}: the file has {width} columns (1 to {width})", path=path, line=line)
    found = f"the header has {_shown(names)}" if names is not None else "the file has no header"
    raise InputError(f"--columns {entry!r}: no such column ({found}); give a name or a 1-based position",
                     path=path, line=line)


def edge_layout(lines: Sequence[tuple[int, str]], path: str, options: Mapping) -> EdgeLayout:
    """The layout of an edge list from its first content lines (comments and blank lines left out).

    Parameters
    ----------
    lines : sequence of (line number, text)
        The first few content lines (the first one decides; the next ones help
        tell a header from data).
    path : str
        For error messages.
    options : mapping
        ``columns`` (``"A,B"`` or ``"A,B,W"``), ``no_header`` (bool),
        ``min_weight`` (number); the load's ``--columns``, ``--no-header`` and
        ``--min-weight``.

    Returns
    -------
    EdgeLayout

    Raises
    ------
    InputError
        The layout is ambiguous, or the options do not fit the file.
    """
    if not lines:
        raise InputError("the edge list is empty", path=path)
    number, first = lines[0]
    delimiter = detect_edge_delimiter(first)
    fields = split_fields(first, delimiter)
    width = len(fields)
    following = [split_fields(text, delimiter) for _, text in lines[1:]]
    columns = _option_columns(options)
    no_header = bool(options.get("no_header"))
    min_weight = options.get("min_weight")
    if min_weight is not None:
        min_weight = float(min_weight)
    if width < 2:
        raise InputError(
            f"line {number} has one column ({_shown(fields)}): an edge list has a follower and a "
            "followee on each line; a plain list of accounts loads with `graphkit load followers` "
            "or `graphkit load following` --of ACCOUNT", path=path, line=number,
        )
    pair = named_pair(fields)
    if no_header:
        header = False
    elif columns is not None and any(not c.isdigit() for c in columns):
        header = True  # names can only refer to a header
    else:
        header = _looks_like_header(fields, following)
    names = fields if header else None

    if columns is not None:
        follower, followee, *rest = (_column_position(c, names, width, path, number) for c in columns)
        weight = rest[0] if rest else None
        if len({follower, followee, *rest}) < len(columns):
            raise InputError(f"--columns {','.join(columns)} names one column twice", path=path, line=number)
    elif header and (pair is None or _profile_columns(fields, pair)):
        profile = _profile_columns(fields, pair or ())
        if profile:
            raise InputError(
                f"the header ({_shown(fields)}) names account attributes ({_shown(profile)}): this "
                "looks like a profiles file, not an edge list; load it with `graphkit load "
                "profiles`, or choose the follower and followee with --columns FOLLOWER,FOLLOWEE",
                path=path, line=number,
            )
        raise InputError(
            f"the header ({_shown(fields)}) names no follower and followee columns; choose them "
            "with --columns FOLLOWER,FOLLOWEE (header names or 1-based positions), or --no-header "
            f"if line {number} is a follow", path=path, line=number,
        )
    elif width > 2:
        if header:
            extra = [f for i, f in enumerate(fields) if i not in pair]
            weights = [f for f in extra if _squash(f) in {_squash(w) for w in WEIGHT_NAMES}]
            filter_hint = (
                f"--columns {fields[pair[0]]},{fields[pair[1]]},{weights[0]} --min-weight W keeps "
                f"only rows whose {weights[0]} is at least W" if weights else
                "a third --columns entry with --min-weight W keeps only rows whose weight is at least W"
            )
            raise InputError(
                f"the edge list has {width} columns ({_shown(fields)}), not 2: say which are the "
                f"follower and the followee with --columns {fields[pair[0]]},{fields[pair[1]]} "
                f"(the other columns are not loaded); {filter_hint}", path=path, line=number,
            )
        names_hint = (
            "" if any(_is_number(f) for f in fields[:2]) else
            f"; if line {number} names the columns, use the names: --columns {fields[0]},{fields[1]}"
        )
        raise InputError(
            f"{width} columns ({_shown(fields)}) and no header: say which are the "
            "follower and the followee with --columns 1,2 (1-based positions); for a signed or "
            "weighted list (ratings, trust), --columns 1,2,3 --min-weight W keeps only rows whose "
            f"column 3 is at least W{names_hint}", path=path, line=number,
        )
    else:
        follower, followee = pair if header else (0, 1)
        weight = None

    if weight is None and min_weight is not None:
        raise InputError("--min-weight needs the weight column: --columns FOLLOWER,FOLLOWEE,WEIGHT", path=path)
    if weight is not None and min_weight is None:
        raise InputError(
            f"--columns names a weight column ({columns[2]}): give --min-weight W to keep the rows "
            "whose weight is at least W", path=path,
        )
    return EdgeLayout(header=header, delimiter=delimiter, width=width, follower=follower,
                      followee=followee, weight=weight, min_weight=min_weight)
