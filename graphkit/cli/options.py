"""The CLI's option vocabulary: one name, one meaning, shared by every command.

=================  ==========================================================
``--top N``        how many rows (accounts) a command shows; ``--map-top``
                   and ``--top-followed`` count the accounts of one part
``--random-seed``  the seed of anything random (a layout, a sample, Louvain)
``--seed ACCOUNT`` an account a computation starts from (never randomness)
``--tier TIERS``   keep these tiers only (a filter, in every command);
                   ``--prefer-tier`` is a preference that scores, not filters
``--format``       how the result is written: ``table`` for people, ``json``
                   (``csv``, ``ndjson``, ...) for programs; ``--out FILE``
``--as-of DATE``   answer on the graph as it stood at DATE (the workspace's
                   follow and attribute history), on every query command
=================  ==========================================================

``--profile-links PLATFORM`` names the platform whose profile pages handles
link to (the report, the landscape page, the app); ``--platform`` is a
crawler's platform.

Older names keep working as hidden aliases (:class:`AliasedOption`): ``--limit``
and ``--map-limit`` for ``--top``/``--map-top``, ``--sample-seed``,
``--layout-seed`` and segments' ``--seed`` for ``--random-seed``, rank's
``-W/--weight`` for ``--component-weight``, ``--json`` for ``--format json``.
``tests/core/test_cli_vocabulary.py`` walks every command and holds them to this.
"""

from __future__ import annotations

import functools

import click

__all__ = [
    "AliasedOption",
    "HintedChoice",
    "output_options",
    "emit",
    "positive_int",
    "csv_list",
    "top_option",
    "random_seed_option",
    "tier_option",
    "report_format_options",
    "profile_links_option",
    "as_of_option",
    "AS_OF_HELP",
    "TIER_HELP",
    "OUTPUT_FORMATS",
]

OUTPUT_FORMATS = ("table", "csv", "json", "ndjson", "parquet")

#: The one help text of ``--tier``, whichever command has it.
TIER_HELP = "Keep these tiers only, e.g. --tier nano,micro."


class AliasedOption(click.Option):
    """An option that also answers to older names, which ``--help`` does not show.

    >>> @click.command()
    ... @click.option("--top", cls=AliasedOption, hidden_aliases=["--limit"], type=int)
    ... def cmd(top):
    ...     click.echo(top)
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(cmd, ["--limit", "3"]).output
    '3\\n'
    >>> "--limit" in CliRunner().invoke(cmd, ["--help"]).output
    False
    """

    def __init__(self, param_decls=None, *, hidden_aliases=(), **attrs) -> None:
        self.hidden_aliases = tuple(hidden_aliases)
        super().__init__([*(param_decls or ()), *self.hidden_aliases], **attrs)

    def _visible(self, method, *args):
        opts = self.opts
        self.opts = [name for name in opts if name not in self.hidden_aliases]
        try:
            return method(*args)
        finally:
            self.opts = opts

    def get_help_record(self, ctx: click.Context):
        return self._visible(super().get_help_record, ctx)

    def get_error_hint(self, ctx: click.Context) -> str:
        return self._visible(super().get_error_hint, ctx)


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


class HintedChoice(click.Choice):
    """A choice whose refusal adds a hint (e.g. where an older meaning of the option went)."""

    def __init__(self, choices, hint: str | None = None, aliases: dict[str, str] | None = None) -> None:
        self.aliases = dict(aliases or {})
        super().__init__(choices)
        self.hint = hint

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value in self.aliases:
            value = self.aliases[value]
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as err:
            if self.hint:
                err.message = f"{err.message} {self.hint}"
            raise


def report_format_options(hint: str | None = None, aliases: dict[str, str] | None = None):
    """``--format table|json`` for a command that prints a report (``--json`` is its old name).

    The wrapped function gets ``fmt``: ``"table"`` or ``"json"``. ``hint`` is
    added when a value is refused; ``aliases`` maps older values (``text``).
    """

    def decorate(function):
        @click.option("--format", "fmt", type=HintedChoice(["table", "json"], hint, aliases), default="table",
                      show_default=True, help="Output format: table for people, json for programs.")
        @click.option("--json", "as_json", is_flag=True, hidden=True, help="The same as --format json.")
        @functools.wraps(function)
        def wrapper(*args, as_json: bool = False, **kwargs):
            if as_json:
                kwargs["fmt"] = "json"
            return function(*args, **kwargs)

        return wrapper

    return decorate


def top_option(default: int | None, what: str = "rows to show", *, name: str = "--top",
               dest: str = "top", aliases=()):
    """``--top N`` (or ``--map-top``, ...): how many rows or accounts, at least 1."""
    return click.option(
        name, dest, cls=AliasedOption, hidden_aliases=aliases, type=int, default=default,
        show_default=default is not None, callback=positive_int, metavar="N", help=f"How many {what}.",
    )


def random_seed_option(what: str, *, aliases=()):
    """``--random-seed INT``: the seed of ``what`` (same seed, same result)."""
    return click.option(
        "--random-seed", "random_seed", cls=AliasedOption, hidden_aliases=aliases, type=int, default=0,
        show_default=True, metavar="INT", help=f"Seed of the random numbers of {what} (same seed, same result).",
    )


#: The one help text of ``--as-of``, whichever command has it.
AS_OF_HELP = ("Answer on the graph as it stood at DATE (ISO 8601, UTC unless a zone is given): "
              "follows seen by then and not ended then, attributes as last loaded by then.")


def _as_of(ctx: click.Context, param, value):
    if value is None:
        return None
    from graphkit.clock import parse_instant
    from graphkit.errors import ConfigError

    try:
        when = parse_instant(value, what="--as-of")
    except ConfigError as err:
        raise click.BadParameter(str(err)) from None
    if ctx.obj is not None:
        ctx.obj.as_of = when
    return when


def as_of_option(function):
    """``--as-of DATE``: the command reads ``State.graph`` as of DATE (see ``State.as_of``).

    The value lands on the command's ``State`` (``ctx.obj``), not in its arguments: every
    command that asks ``obj.graph`` then reads the graph of that date.
    """
    return click.option("--as-of", "as_of", metavar="DATE", default=None, expose_value=False,
                        is_eager=True, callback=_as_of, help=AS_OF_HELP)(function)


def profile_links_option(function):
    """``--profile-links PLATFORM``: link handles to their profile pages on PLATFORM."""
    return click.option(
        "--profile-links", "platform", metavar="PLATFORM", default=None,
        help="Link handles to their profiles on PLATFORM (instagram, tiktok, x, bluesky, threads, "
             "youtube)  [default: the platform of the loaded downloads, if one]",
    )(function)


def tier_option(function):
    """``--tier TIERS``: keep these tiers only (repeatable or comma-separated)."""
    return click.option("--tier", "tiers", multiple=True, callback=csv_list, metavar="TIERS",
                        help=TIER_HELP)(function)


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
