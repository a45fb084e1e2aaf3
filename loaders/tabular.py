"""Tables with a header (CSV/TSV/semicolon) and JSON records, with line numbers.

Readers here return a :class:`Records` — the header, the rows as strings, and
the source line of every row — and map columns onto account attributes.

Examples
--------
>>> recs = parse_delimited(["username,followersCount", "@Ann,12k", "bob,"], "a.csv")
>>> recs.header, recs.rows, recs.lines
(['username', 'followersCount'], [['@Ann', '12k'], ['bob', '']], [2, 3])
>>> find_column(recs.header, ACCOUNT_COLUMN_NAMES)
'username'
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.lazy import lazy_module
from graphkit.schema import canonical_attribute, coerce_attributes, snake_case
from graphkit.tables import Rejected

pd = lazy_module("pandas")

__all__ = [
    "Records",
    "ACCOUNT_COLUMN_NAMES",
    "detect_delimiter",
    "parse_delimited",
    "parse_json_records",
    "find_column",
    "accounts_from_records",
    "normalize_keys",
    "looks_like_json",
    "looks_like_delimited",
]

#: Header names that hold the account, most specific first (``name`` is the last resort).
ACCOUNT_COLUMN_NAMES = (
    "username", "user_name", "handle", "user", "screen_name", "screenname", "login",
    "account", "uniqueid", "unique_id", "profile_url", "profileurl", "name",
)
_RESERVED = {"key", "observed", "graph_id"}


@dataclass
class Records:
    """Rows of a table as strings, with the 1-based source line of each row."""

    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        columns = _dedupe_header(self.header)
        return pd.DataFrame(self.rows, columns=columns, dtype=object)


def _dedupe_header(header: Sequence[str]) -> list[str]:
    """Column names made unique (a repeated name gets ``_1``, ``_2``, ...).

    Names are kept as given (``find_column`` returns them so), and a suffix
    never collides with a name already taken.

    >>> _dedupe_header(["username", "username", "username_1", " a "])
    ['username', 'username_2', 'username_1', ' a ']
    """
    taken = set(header)
    seen: set[str] = set()
    out = []
    for name in header:
        if name in seen:
            k = 1
            while f"{name}_{k}" in taken:
                k += 1
            name = f"{name}_{k}"
            taken.add(name)
        seen.add(name)
        out.append(name)
    return out


def _first_char(head: bytes) -> str:
    return head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")[:1]


def looks_like_json(head: bytes, path: str = "") -> bool:
    """Detector: the file starts (after a BOM and blanks) like JSON or NDJSON.

    >>> looks_like_json(b'  [{"a": 1}]'), looks_like_json(b"a,b")
    (True, False)
    """
    return _first_char(head) in ("[", "{")


def looks_like_delimited(head: bytes, path: str = "") -> bool:
    """Detector: the first non-blank line is a delimited header (not JSON or HTML).

    >>> looks_like_delimited(b"\\xef\\xbb\\xbfusername,followers\\n"), looks_like_delimited(b"<html>")
    (True, False)
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line for line in text.split("\n") if line.strip()), "")
    return _first_char(head) not in ("[", "{", "<", "") and detect_delimiter(first) is not None


def detect_delimiter(header_line: str) -> str | None:
    """The delimiter of a header line (tab, comma, semicolon), or ``None``.

    >>> detect_delimiter("a\\tb"), detect_delimiter("a;b;c"), detect_delimiter("alice")
    ('\\t', ';', None)
    """
    counts = {d: header_line.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def parse_delimited(
    lines: Sequence[str],
    path: str,
    *,
    delimiter: str | None = None,
    rejects: list[Rejected] | None = None,
) -> Records:
    """Parse a delimited table whose first non-blank line is the header.

    A row with another number of fields than the header raises
    :class:`InputError` (or is appended to ``rejects`` when given).
    """
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        raise InputError("the file is empty", path=path)
    delimiter = delimiter or detect_delimiter(lines[start]) or ","
    reader = csv.reader(_numbered(lines, start), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as err:
        raise InputError(f"cannot read the header: {err}", path=path, line=start + 1) from None
    records = Records(header=[h.strip() for h in header])
    width = len(header)
    consumed = reader.line_num
    while True:
        first_line = start + consumed + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            consumed = reader.line_num
            problem = f"malformed CSV: {err}"
            if rejects is None:
                raise InputError(problem, path=path, line=first_line) from None
            rejects.append(Rejected(path, first_line, problem))
            continue
        consumed = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != width:
            problem = f"expected {width} fields (as in the header), found {len(row)}"
            if rejects is None:
                raise InputError(problem, path=path, line=first_line)
            rejects.append(Rejected(path, first_line, problem))
            continue
        records.rows.append(row)
        records.lines.append(first_line)
    return records


def _numbered(lines: Sequence[str], start: int):
    for line in lines[start:]:
        yield line + "\n"


def _loads(text: str, path: str, line: int | None = None) -> object:
    """``json.loads``; nesting too deep or an absurdly long number raise :class:`InputError`.

    (:class:`json.JSONDecodeError` passes through: callers handle it.)

    >>> _loads("[" * 100_000 + "]" * 100_000, "p.json")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: p.json: the JSON is nested too deeply to be a table of records
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise InputError("the JSON is nested too deeply to be a table of records", path=path, line=line) from None
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        problem = "a number is too long" if "digits" in str(err) else str(err)
        raise InputError(f"invalid JSON: {problem}", path=path, line=line) from None


def parse_json_records(text: str, path: str) -> Records:
    """Records from a JSON array of objects, an object holding one, or NDJSON.

    >>> parse_json_records('[{"username": "a", "followers": 3}]', "p.json").rows
    [['a', 3]]
    >>> parse_json_records('{"username": "a"}\\n{"username": "b"}\\n', "p.ndjson").lines
    [1, 2]
    """
    stripped = text.lstrip()
    objects: list[tuple[int, dict]] = []
    if stripped.startswith("["):
        try:
            data = _loads(text, path)
        except json.JSONDecodeError as err:
            raise InputError(f"invalid JSON: {err.msg}", path=path, line=err.lineno) from None
        objects = [(i + 1, item) for i, item in enumerate(data)]
        numbering = "record"
    else:
        numbering = "line"
        try:
            data = _loads(text, path)
            if isinstance(data, dict):
                lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
                if len(lists) == 1:
                    objects = [(i + 1, item) for i, item in enumerate(lists[0])]
                    numbering = "record"
                else:
                    objects = [(1, data)]
        except json.JSONDecodeError:
            for number, line in enumerate(text.split("\n"), 1):
                if not line.strip():
                    continue
                try:
                    item = _loads(line, path, number)
                except json.JSONDecodeError as err:
                    raise InputError(f"invalid JSON: {err.msg}", path=path, line=number) from None
                objects.append((number, item))
    header: list[str] = []
    seen = set()
    for number, item in objects:
        if not isinstance(item, dict):
            where = {"line": number} if numbering == "line" else {"record": f"record {number}"}
            raise InputError(f"expected a JSON object, found {type(item).__name__}", path=path, **where)
        for name in item:
            if name not in seen:
                seen.add(name)
                header.append(name)
    records = Records(header=header)
    for number, item in objects:
        records.rows.append([_json_cell(item.get(name)) for name in header])
        records.lines.append(number)
    return records


def _json_cell(value: object) -> object:
    if isinstance(value, (dict,)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) for v in value):
            return ",".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    return value


def find_column(header: Sequence[str], candidates: Sequence[str], explicit: str | None = None, *, path: str | None = None, what: str = "account") -> str | None:
    """The header name matching ``explicit`` or the first of ``candidates``.

    Matching ignores case, spaces, ``_`` and ``-``. An ``explicit`` name that is
    not in the header raises :class:`InputError`.
    """
    squashed = {_squash(h): h for h in reversed(list(header))}
    if explicit is not None:
        match = squashed.get(_squash(explicit))
        if match is None:
            raise InputError(
                f"no column {explicit!r} in the header (columns: {', '.join(header)})", path=path, line=1
            )
        return match
    for name in candidates:
        if _squash(name) in squashed:
            return squashed[_squash(name)]
    return None


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def normalize_keys(
    values: Sequence[object],
    lines: Sequence[int],
    path: str,
    rejects: list[Rejected] | None,
    *,
    what: str = "account",
) -> tuple[list[str | None], list[int]]:
    """Normalize handles; empty ones are ``None``, invalid ones raise or are rejected."""
    keys: list[str | None] = []
    bad_rows = []
    for i, value in enumerate(values):
        key = normalize_handle(value)
        if key is not None:
            reason = bad_key_reason(key)
            if reason:
                if rejects is None:
                    raise InputError(reason, path=path, line=lines[i])
                rejects.append(Rejected(path, lines[i], reason))
                bad_rows.append(i)
                key = None
        keys.append(key)
    return keys, bad_rows


def accounts_from_records(
    records: Records,
    key_column: str,
    path: str,
    *,
    rejects: list[Rejected] | None = None,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """The accounts table of a record set: ``key`` plus every other column as an attribute.

    Known columns get their canonical name and type (:mod:`graphkit.schema`);
    unknown ones are kept as text under a snake_case name. Rows without an
    account are dropped.
    """
    frame = records.frame()
    lines = np.asarray(records.lines, dtype=np.int64)
    keys, _ = normalize_keys(frame[key_column].tolist(), records.lines, path, rejects)
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for column in frame.columns:
        if column == key_column or column in exclude:
            continue
        name = canonical_attribute(column)
        if name is None:
            name = snake_case(column)
            if name in _RESERVED:
                name = f"extra_{name}"
        if name in taken:
            continue
        taken.add(name)
        renamed[column] = name
    out = frame[list(renamed)].rename(columns=renamed)
    out.insert(0, "key", pd.array(keys, dtype="string"))
    keep = out["key"].notna().to_numpy(dtype=bool)
    out = out[keep].reset_index(drop=True)
    lines = lines[keep]
    out = coerce_attributes(out, path=path, line_numbers=lines, rejects=rejects)
    out["key"] = out["key"].astype("string")
    return out.reset_index(drop=True)
