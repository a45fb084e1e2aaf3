"""Option sets shared by commands, so every command speaks the same formats."""

from __future__ import annotations

import functools

import click

__all__ = ["output_options", "emit", "positive_int", "csv_list"]

OUTPUT_FORMATS = ("table", "csv", "json", "ndjson", "parquet")


def output_options(function):
    """``--format table|csv|json|ndjson|parquet`` and ``--out FILE`` (``-`` is stdout)."""

    @click.option(
        "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None,
        help="Output format  [default: from --out's extension, else table]",
    )
    @click.option(
        "-o", "--out", metavar="FILE", default=None,
        help="Write to FILE instead of the terminal (.csv .json .ndjson .parquet ...).",
    )
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


def emit(frame, out: str | None, fmt: str | None, *, note: str | None = None) -> None:
    """Write a result frame; ``note`` goes to stderr when the result goes to a file."""
    from queries.writers import write_frame

    write_frame(frame, out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {len(frame):,} rows to {out}", err=True)
    if note:
        click.echo(note, err=True)


def positive_int(ctx, param, value):
    """Click callback: refuse zero and negative numbers with a usage error."""
    if value is not None and value < 1:
        raise click.BadParameter(f"must be at least 1, not {value}")
    return value


def csv_list(ctx, param, value):
    """Click callback: ``a,b`` (or the option repeated) -> ``["a", "b"]``."""
    if not value:
        return None
    items = value if isinstance(value, (list, tuple)) else [value]
    out = [part.strip() for item in items for part in item.split(",") if part.strip()]
    return out or None
