"""Writing query results: a terminal table, CSV, JSON, NDJSON, Parquet.

One function, :func:`write_frame`, serves every command: the format comes from
``--format`` or from the ``--out`` file's extension. CSV cells holding text that
starts with ``= + - @`` (or a tab or CR) are prefixed with ``'`` so that a
spreadsheet shows them as text instead of running them as formulas.

Examples
--------
>>> frame = pd.DataFrame({"account": ["=cmd", "bob"], "audience_share": [0.5, 0.25]})
>>> print(to_csv(frame), end="")
account,audience_share
'=cmd,0.5
bob,0.25
>>> print(to_table(frame))
account  audience_share
=cmd              50.0%
bob               25.0%
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from graphkit.errors import GraphkitError

__all__ = [
    "FORMATS",
    "format_from_path",
    "write_frame",
    "to_table",
    "to_csv",
    "to_json",
    "to_ndjson",
    "neutralize_cell",
    "atomic_write_bytes",
]

FORMATS = ("table", "csv", "json", "ndjson", "parquet")
_EXTENSIONS = {
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson",
    ".parquet": "parquet", ".txt": "table",
}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def format_from_path(path: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """The output format an ``--out`` path asks for, from its extension."""
    suffix = Path(path).suffix.lower()
    fmt = _EXTENSIONS.get(suffix)
    if fmt is None or (fmt not in allowed and not (fmt == "tsv" and "csv" in allowed)):
        names = ", ".join(e for e, f in _EXTENSIONS.items() if f in allowed or (f == "tsv" and "csv" in allowed))
        raise GraphkitError(f"cannot tell the format of {path!r} from its extension; use one of {names} or --format")
    return fmt


def neutralize_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with ``'``.

    >>> neutralize_cell("@SUM(A1)"), neutralize_cell("ok"), neutralize_cell(-3)
    ("'@SUM(A1)", 'ok', -3)
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _neutralized(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(neutralize_cell, na_action="ignore")
    return out


def to_csv(frame: pd.DataFrame, sep: str = ",") -> str:
    """CSV text with a header, one row per record, formula-looking cells neutralized.

    A cell holding a line break (``\\n`` or a lone ``\\r``) is quoted, so every
    record reads back as one row.

    >>> to_csv(pd.DataFrame({"bio": ["a\\rb"], "n": [1]}))
    'bio,n\\n"a\\rb",1\\n'
    """
    safe = _neutralized(frame)
    safe.columns = [str(neutralize_cell(str(c))) for c in safe.columns]
    if not _has_carriage_return(safe):
        buffer = io.StringIO()
        safe.to_csv(buffer, index=False, sep=sep, lineterminator="\n")
        return buffer.getvalue()
    # the csv module does not quote a lone CR when the line ending is LF: quote by hand
    lines = [sep.join(_quote_cell(c, sep) for c in safe.columns)]
    for row in safe.astype(object).itertuples(index=False, name=None):
        lines.append(sep.join(_quote_cell(v, sep) for v in row))
    return "\n".join(lines) + "\n"


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
        series = frame[column]
        textual = not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))
        if textual and series.astype("string").str.contains("\r", regex=False).fillna(False).any():
            return True
    return False


def _quote_cell(value: object, sep: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if any(ch in text for ch in (sep, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = [str(c) for c in frame.columns]
    return [
        {c: _json_value(v) for c, v in zip(columns, row)}
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]


def to_json(frame: pd.DataFrame) -> str:
    """A JSON array of row objects; missing values are ``null``."""
    return json.dumps(_records(frame), ensure_ascii=False, indent=1) + "\n"


def to_ndjson(frame: pd.DataFrame) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(frame))


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _format_column(name: str, series: pd.Series) -> list[str]:
    values = series.tolist()
    out = []
    is_share = name.endswith(("_share", "_rate")) or name in ("share",)
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            out.append("")
        elif isinstance(value, (bool, np.bool_)):
            out.append("yes" if value else "no")
        elif isinstance(value, (int, np.integer)):
            out.append(f"{int(value):,}")
        elif isinstance(value, (float, np.floating)):
            if is_share:
                out.append(f"{value * 100:.1f}%")
            elif abs(value) >= 1000:
                out.append(f"{value:,.0f}")
            elif abs(value) >= 10:
                out.append(f"{value:.1f}")
            elif 0 < abs(value) < 0.01:  # small scores (PageRank): 3 significant digits
                out.append(f"{value:.3g}")
            else:
                out.append(f"{value:.3f}")
        else:
            # line breaks, tabs and terminal escapes (ESC, BEL, CSI...) from the data become spaces
            out.append(_CONTROL_CHARS.sub(" ", str(value)))
    return out


def _split_header(name: str) -> tuple[str, str]:
    """``audience_share`` -> (``audience``, ``share``): two short header lines."""
    if "_" not in name:
        return name, ""
    cuts = [i for i, ch in enumerate(name) if ch == "_"]
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return name[:cut], name[cut + 1 :]


def to_table(frame: pd.DataFrame, width: int = 80) -> str:
    """A plain, aligned text table that fits ``width`` columns.

    Headers wrap onto two lines at an underscore when that saves room; long
    text is cut with ``…``; when the columns still do not fit, the rightmost
    ones are left out and the last lines name them (``--format csv`` shows
    all), wrapped to ``width`` too: no line is wider than ``width``. A query
    can choose its terminal columns with ``frame.attrs["table_columns"]``.
    """
    if frame.empty:
        return "(no rows)"
    hidden: list[str] = []
    preferred = frame.attrs.get("table_columns")
    if preferred:
        keep = [c for c in preferred if c in frame.columns]
        hidden = [str(c) for c in frame.columns if c not in keep]
        frame = frame[keep]
    names = [str(c) for c in frame.columns]
    cells = [_format_column(n, frame[c]) for n, c in zip(names, frame.columns)]
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    value_widths = [max([1] + [len(v) for v in values]) for values in cells]
    one_line = [max(len(n), w) for n, w in zip(names, value_widths)]
    two_line = [max(max(len(p) for p in _split_header(n)), w) for n, w in zip(names, value_widths)]
    wrap = sum(one_line) + 2 * (len(names) - 1) > width
    widths = two_line if wrap else one_line

    def total() -> int:
        return sum(widths) + 2 * (len(widths) - 1)

    shrinkable = [i for i, num in enumerate(numeric) if not num]
    floors = {i: (16 if names[i] in ("account", "key", "handle") else 8) for i in shrinkable}
    while total() > width and shrinkable:
        widest = max(shrinkable, key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
    while total() > width and len(widths) > 2:
        hidden.insert(0, names.pop())
        cells.pop()
        numeric.pop()
        widths.pop()

    def cut(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    def line(parts) -> str:
        return "  ".join(
            cut(p, w).rjust(w) if num else cut(p, w).ljust(w) for p, w, num in zip(parts, widths, numeric)
        ).rstrip()

    lines = []
    if wrap:
        tops, bottoms = zip(*(_split_header(n) if len(n) > w else ("", n) for n, w in zip(names, widths)))
        lines.append(line(tops))
        lines.append(line(bottoms))
    else:
        lines.append(line(names))
    lines.extend(line(row) for row in zip(*cells))
    if hidden:
        import textwrap

        noun, them = ("column", "it") if len(hidden) == 1 else ("columns", "them")
        footer = f"({len(hidden)} more {noun}: {', '.join(hidden)}; --format csv shows {them})"
        lines.extend(textwrap.wrap(footer, width=width, break_on_hyphens=False))
    return "\n".join(lines)


def write_frame(frame: pd.DataFrame, out: str | None = None, fmt: str | None = None) -> None:
    """Write ``frame`` to ``out`` (a path, ``-`` or ``None`` for stdout) as ``fmt``.

    Files are written to a temporary name and renamed, so a failed write never
    leaves half a file.
    """
    to_stdout = out in (None, "-")
    if fmt is None:
        fmt = "table" if to_stdout else format_from_path(out)
    if fmt == "parquet":
        if to_stdout:
            raise GraphkitError("Parquet is binary: write it to a file with --out FILE.parquet")
        atomic_write_bytes(out, _parquet_bytes(frame))
        return
    if fmt == "table":
        text = to_table(frame) + "\n"
    elif fmt == "csv":
        text = to_csv(frame)
    elif fmt == "tsv":
        text = to_csv(frame, sep="\t")
    elif fmt == "json":
        text = to_json(frame)
    elif fmt == "ndjson":
        text = to_ndjson(frame)
    else:
        raise GraphkitError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if to_stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_bytes(out, text.encode("utf-8"))


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    clean = frame.copy()
    for column in clean.columns:
        if isinstance(clean[column].dtype, pd.CategoricalDtype):
            clean[column] = clean[column].astype("string")
    clean.to_parquet(buffer, index=False)
    return buffer.getvalue()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half a file)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise GraphkitError(f"cannot write {path}: {err.strerror}") from err
