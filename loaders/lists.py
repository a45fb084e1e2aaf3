"""Follower and following lists: plain handle lists and CSV/TSV lists with a header.

``load followers FILE --of acme``: every account in FILE follows ``acme``.
``load following FILE --of alice``: ``alice`` follows every account in FILE, and
``alice`` becomes *observed* (her following list is known).

A list file is taken as the owner's whole list (``complete_followers`` /
``complete_following``): loading a newer version of it ends the follows it no
longer holds. The parts of a list split over several files (``followers_1.json``,
``followers_2.json``) belong in one ``load`` command.

A plain list has one account per line (``@name``, a name, or a profile URL);
blank lines and ``#`` comments are skipped. A CSV/TSV list has a header; the
account column is found by name (``username``, ``handle``, ``user``,
``screen_name``, ``login``, ``account``, ``name`` as a last resort) or given
with ``--column``; its other columns are the accounts' attributes.

Examples
--------
>>> ctx = ReadContext(kind="following", owner="alice")
>>> src = parse_handle_list(["# my list", "@Bob", "", "https://x.com/cat"], "l.txt", ctx)
>>> src.follows[0].values.tolist(), sorted(src.observed)
([['alice', 'bob'], ['alice', 'cat']], ['alice'])
"""

from __future__ import annotations

from collections.abc import Sequence

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.lazy import lazy_module
from graphkit.tables import Rejected, SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.tabular import (
    ACCOUNT_COLUMN_NAMES,
    accounts_from_records,
    detect_delimiter,
    find_column,
    parse_delimited,
)
from loaders.textio import decode_lines

pd = lazy_module("pandas")

__all__ = ["parse_handle_list", "parse_csv_list", "list_source"]


def _first_content_line(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return None


def _looks_structured(line: str | None) -> bool:
    return line is not None and line[:1] in ("[", "{", "<")


def list_source(
    keys: Sequence[str], path: str, ctx: ReadContext, *, fmt: str, rows_read: int,
    accounts: pd.DataFrame | None = None, rejected: list[Rejected] | None = None,
) -> SourceTables:
    """The tables of a list of accounts attached to ``ctx.owner`` in ``ctx.kind``'s direction."""
    if not ctx.owner:
        raise InputError(f"a {ctx.kind} list needs its owner: pass --of ACCOUNT", path=path)
    listed = pd.array(list(keys), dtype="string")
    owner = pd.array([ctx.owner] * len(listed), dtype="string")
    # the file is the owner's whole list: a later load of the list ends the follows it lacks
    if ctx.kind == "followers":
        follows = pd.DataFrame({"follower": listed, "followee": owner})
        observed: set[str] = set()
        complete = {"complete_followers": {ctx.owner: None}}
    elif ctx.kind == "following":
        follows = pd.DataFrame({"follower": owner, "followee": listed})
        observed = {ctx.owner}
        complete = {"complete_following": {ctx.owner: None}}
    else:  # pragma: no cover - registry guarantees the kind
        raise InputError(f"a list cannot be loaded as {ctx.kind}", path=path)
    if accounts is None:
        accounts = pd.DataFrame({"key": pd.array([ctx.owner], dtype="string")})
    else:
        owner_row = pd.DataFrame({"key": pd.array([ctx.owner], dtype="string")})
        accounts = pd.concat([owner_row, accounts], ignore_index=True)
    return SourceTables(
        path=path, format=fmt, follows=[follows], accounts=accounts, observed=observed,
        rows_read=rows_read, rejected=list(rejected or []), **complete,
    )


def parse_handle_list(lines: Sequence[str], path: str, ctx: ReadContext) -> SourceTables:
    """A plain list: one handle or profile URL per line."""
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    keys = []
    rows = 0
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        rows += 1
        problem = None
        if len(text.split()) > 1:
            problem = f"expected one account on the line, found {text[:60]!r}"
        else:
            key = normalize_handle(text)
            problem = "no account name" if key is None else bad_key_reason(key)
        if problem:
            if rejects is None:
                raise InputError(problem, path=path, line=number)
            rejects.append(Rejected(path, number, problem))
            continue
        keys.append(key)
    if rows == 0:
        raise InputError("the list is empty (no account on any line)", path=path)
    return list_source(keys, path, ctx, fmt="handle-list", rows_read=rows, rejected=rejects)


def parse_csv_list(lines: Sequence[str], path: str, ctx: ReadContext) -> SourceTables:
    """A table with a header; one row per account, other columns are attributes."""
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    records = parse_delimited(lines, path, rejects=rejects)
    column = find_column(records.header, ACCOUNT_COLUMN_NAMES, ctx.column, path=path)
    if column is None:
        raise InputError(
            f"the header ({', '.join(records.header)}) has no account column; looked for "
            f"{', '.join(ACCOUNT_COLUMN_NAMES)}; name it with --column",
            path=path,
            line=1,
        )
    if not records.rows:
        raise InputError("the list is empty (a header and no rows)", path=path)
    accounts = accounts_from_records(records, column, path, rejects=rejects)
    return list_source(
        accounts["key"].tolist(), path, ctx, fmt="csv-list", rows_read=len(records.rows),
        accounts=accounts if len(accounts.columns) > 1 else None, rejected=rejects,
    )


def _read_handle_list(path: str, ctx: ReadContext) -> SourceTables:
    return parse_handle_list(decode_lines(ctx.read_bytes(path), path, ctx.encoding), path, ctx)


def _read_csv_list(path: str, ctx: ReadContext) -> SourceTables:
    return parse_csv_list(decode_lines(ctx.read_bytes(path), path, ctx.encoding), path, ctx)


def _is_csv_list(head: bytes, path: str) -> bool:
    line = _first_content_line(head)
    if line is None or _looks_structured(line):
        return False
    if detect_delimiter(line) is not None:
        return True
    # a one-column CSV: its header is an account column name such as "username"
    return find_column([line], ACCOUNT_COLUMN_NAMES) is not None


def _is_handle_list(head: bytes, path: str) -> bool:
    return not _looks_structured(_first_content_line(head))


register(Format(
    name="csv-list",
    kinds=("followers", "following"),
    summary="CSV/TSV with a header and an account column (username, handle, ...), extra columns as attributes",
    how_to_get="a spreadsheet or scraper export of a follower/following list, saved as CSV",
    detect=_is_csv_list,
    read=_read_csv_list,
    priority=80,
))
register(Format(
    name="handle-list",
    kinds=("followers", "following"),
    summary="plain text, one @handle or profile URL per line, # comments",
    how_to_get="copy the handles into a text file, one per line",
    detect=_is_handle_list,
    read=_read_handle_list,
    priority=90,
))
