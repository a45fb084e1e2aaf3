"""``graphkit load KIND FILE...``: read files into the workspace, atomically."""

from __future__ import annotations

import click

from graphkit.cli.options import csv_list  # noqa: F401  (re-exported for sibling modules)

__all__ = ["load", "make_load_command"]

_HELP = {
    "followers": (
        "Load lists of accounts that follow --of ACCOUNT.",
        "Each FILE is a plain list (one @handle or profile URL per line) or a CSV/TSV\n"
        "with an account column (username, handle, ...); other columns become\n"
        "attributes. Every listed account follows the owner.",
    ),
    "following": (
        "Load lists of accounts that --of ACCOUNT follows.",
        "Each FILE lists the accounts its owner follows; the owner becomes\n"
        "observed (its following list is known), which is what affinity counts.\n"
        "Use --of '{stem}' to name each list's owner after its file name.",
    ),
    "edges": (
        "Load follower -> followee pairs (CSV/TSV with a header, or SNAP text).",
        "A header names the columns (follower,followee or source,target; else\n"
        "--source-col/--target-col); files without a header are SNAP-style pairs\n"
        "with # comments. Every follower in an edge list is observed.",
    ),
    "profiles": (
        "Load account attributes: follower counts, bios, tags, engagement.",
        "CSV/TSV, a JSON array or NDJSON, one row per account. Synonyms such as\n"
        "followers, followersCount and follower_count map to followers_count.",
    ),
}


@click.group()
def load() -> None:
    """Read files into the workspace (one atomic update per command).

    Every file is read and checked before anything is written: if any file is
    bad, the workspace is left exactly as it was. Loading the same file again
    changes nothing.
    """


def _report(reports, as_json: bool) -> None:
    import json

    if as_json:
        click.echo(json.dumps([r.as_dict() for r in reports], indent=1))
        return
    for report in reports:
        click.echo(str(report))
        for rejected in report.rejected[:20]:
            click.echo(f"  skipped {rejected}", err=True)
        if len(report.rejected) > 20:
            click.echo(f"  ... and {len(report.rejected) - 20:,} more bad rows", err=True)


def make_load_command(kind: str, *, owner: bool, column: bool, pair_columns: bool, extra_options=()) -> click.Command:
    """One ``load KIND`` command; the kinds share options instead of copies of code."""
    short, long = _HELP.get(kind, (f"Load {kind} files.", ""))

    def command(obj, files, fmt, encoding, skip_bad_rows, as_json, **options):
        from graphkit.api import load_files

        reports = load_files(
            obj.workspace, kind, list(files), fmt=fmt, encoding=encoding,
            skip_bad_rows=skip_bad_rows, **{k: v for k, v in options.items() if v is not None},
        )
        _report(reports, as_json)

    command.__doc__ = f"{short}\n\n{long}"
    decorators = [
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=kind in ("export", "snap-ego"), allow_dash=True)),
        click.option("--format", "fmt", default="auto", show_default=True, metavar="NAME",
                     help="Input format; `graphkit formats` lists them."),
        click.option("--encoding", default=None, metavar="NAME",
                     help="Text encoding if not UTF-8, e.g. cp1252 for spreadsheet exports."),
        click.option("--skip-bad-rows", is_flag=True,
                     help="Load the good rows and report each bad one (default: stop at the first)."),
        click.option("--json", "as_json", is_flag=True, help="Print the load report as JSON."),
    ]
    if owner:
        decorators.append(click.option("--of", "of", required=True, metavar="ACCOUNT",
                                       help="The list's owner; {stem} is the file name without extension."))
    if column:
        decorators.append(click.option("--column", default=None, metavar="NAME",
                                       help="The column holding the account (default: found by name)."))
    if pair_columns:
        decorators.append(click.option("--source-col", default=None, metavar="NAME", help="Column of the follower."))
        decorators.append(click.option("--target-col", default=None, metavar="NAME", help="Column of the followee."))
    decorators.extend(extra_options)
    function = click.pass_obj(command)
    for decorator in reversed(decorators):
        function = decorator(function)
    return load.command(name=kind)(function)


make_load_command("followers", owner=True, column=True, pair_columns=False)
make_load_command("following", owner=True, column=True, pair_columns=False)
make_load_command("edges", owner=False, column=False, pair_columns=True)
make_load_command("profiles", owner=False, column=True, pair_columns=False)
