"""``graphkit load KIND FILE...``: read files into the workspace, atomically."""

from __future__ import annotations

import click

from graphkit.cli.help import SummaryGroup, examples
from graphkit.cli.options import report_format_options

__all__ = ["load", "make_load_command"]

#: Options of ``load edges`` handed to the reader through ``ReadContext.extra``.
_LAYOUT_OPTIONS = ("columns", "no_header", "min_weight")

_HELP = {
    "followers": (
        "Load lists of accounts that follow --of ACCOUNT.",
        "Each FILE is a plain list (one @handle or profile URL per line) or a CSV/TSV\n"
        "with an account column (username, handle, ...); other columns become\n"
        "attributes. Every listed account follows the owner. Platform files\n"
        "(Instagram followers_1.json/.html, X follower.js, TikTok user_data_tiktok.json)\n"
        "and scraper JSON/CSV are detected too; `graphkit formats` lists them.",
    ),
    "following": (
        "Load lists of accounts that --of ACCOUNT follows.",
        "Each FILE lists the accounts its owner follows; the owner becomes\n"
        "observed (its following list is known), which is what affinity counts.\n"
        "Use --of '{stem}' to name each list's owner after its file name.\n"
        "Platform files (Instagram following.json/.html, X following.js, TikTok\n"
        "user_data_tiktok.json) and scraper JSON/CSV are detected too.",
    ),
    "edges": (
        "Load follower -> followee pairs (CSV/TSV with a header, or SNAP text).",
        "A header names the two columns (follower,followee, source,target, ...);\n"
        "files without a header are SNAP-style pairs with # comments. Anything\n"
        "else (another header, more than two columns, a profiles file) is refused\n"
        "until --columns says which columns hold the follower and the followee;\n"
        "for signed or weighted lists (ratings, trust) a third column with\n"
        "--min-weight keeps only the rows at or above it (e.g. --columns 1,2,3\n"
        "--min-weight 1 for SNAP's soc-sign-bitcoinotc.csv, rated -10..+10).\n"
        "Every follower in an edge list is observed.",
    ),
    "profiles": (
        "Load account attributes: follower counts, bios, tags, engagement.",
        "CSV/TSV, a JSON array or NDJSON, one row per account. Synonyms such as\n"
        "followers, followersCount and follower_count map to followers_count.",
    ),
    "download": (
        "Load a whole Instagram, X or TikTok data download for its owner.",
        "PATH is the download's .zip, the folder it unpacks to (any nesting), or\n"
        "TikTok's user_data_tiktok.json. The follower and following files inside are\n"
        "found and read in memory (nothing is extracted): every follower follows the\n"
        "owner, the owner follows every account it follows and becomes observed.\n"
        "--owner names the owner (read from the download's account file if omitted).\n"
        "(`load export` is the older name of this command and still works.)",
    ),
    "snap-ego": (
        "Load SNAP ego networks (ego-Twitter layout): a folder or its .tar.gz.",
        "Reads <ego>.edges/.feat/.featnames/.egofeat/.circles: the .edges follows,\n"
        "plus each ego following every node in its files (SNAP's rule). Hashtags\n"
        "and @mentions among the features become tags; circles are kept as the\n"
        "table 'circles' (ego, circle, member).",
    ),
}


#: Example command lines of each kind (files from a clone of the repository).
_EXAMPLES = {
    "followers": ("graphkit -w my-ws load followers graphkit/data/demo/acme_followers.txt --of acme",),
    "following": ("graphkit -w my-ws load following examples/lists/*.csv --of '{stem}'",
                  "graphkit -w my-ws load following examples/lists/jade_clubs.csv --of jade.club.99 "
                  "--column username"),
    "edges": ("graphkit -w my-ws load edges graphkit/data/demo/following.csv.gz",
              "graphkit -w my-ws load edges graphkit/data/demo/following.csv.gz --columns follower,followee"),
    "profiles": ("graphkit -w my-ws load profiles graphkit/data/demo/profiles.csv --format json",),
    "posts": ("graphkit -w my-ws load posts graphkit/data/demo/posts.csv",),
    "customers": ("graphkit -w my-ws load customers graphkit/data/demo/customers.csv",),
    "download": ("graphkit -w my-ws load download examples/downloads/instagram-acme",
                 "graphkit -w my-ws load download examples/downloads/instagram-acme --owner acme"),
    "snap-ego": ("graphkit -w my-ws load snap-ego examples/snap-ego",),
}


@click.group(cls=SummaryGroup, epilog=examples(
        'graphkit -w my-ws load followers graphkit/data/demo/acme_followers.txt --of acme',
        "graphkit -w my-ws load following examples/lists/*.csv --of '{stem}'",
        'graphkit -w my-ws load profiles graphkit/data/demo/profiles.csv',
    ))
def load() -> None:
    """Read files into the workspace (one atomic update per command).

    Every file is read and checked before anything is written: if any file is
    bad, the workspace is left exactly as it was. Loading the same file again
    changes nothing.
    """


def _report(reports, fmt: str) -> None:
    import json

    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in reports], indent=1))
        return
    for report in reports:
        click.echo(str(report))
        for rejected in report.rejected[:20]:
            click.echo(f"  skipped {rejected}", err=True)
        if len(report.rejected) > 20:
            click.echo(f"  ... and {len(report.rejected) - 20:,} more bad rows", err=True)


def make_load_command(
    kind: str, *, owner: bool, column: bool, pair_columns: bool, extra_options=(), alias: str | None = None,
) -> click.Command:
    """One ``load KIND`` command; the kinds share options instead of copies of code.

    ``alias`` also registers the command under an older name, hidden from the help.
    """
    short, long = _HELP.get(kind, (f"Load {kind} files.", ""))

    def command(obj, files, input_format, encoding, skip_bad_rows, fmt, **options):
        from graphkit.allocator import return_freed_memory

        return_freed_memory()  # before pyarrow is imported: a load's peak is what is live
        from graphkit.api import load_files

        extra = {k: options.pop(k) for k in _LAYOUT_OPTIONS if k in options}
        extra = {k: v for k, v in extra.items() if v not in (None, False)}
        if extra:
            options["extra"] = extra
        reports = load_files(
            obj.writable_workspace, kind, list(files), fmt=input_format, encoding=encoding,
            skip_bad_rows=skip_bad_rows, **{k: v for k, v in options.items() if v is not None},
        )
        _report(reports, fmt)

    command.__doc__ = f"{short}\n\n{long}"
    decorators = [
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=kind in ("download", "snap-ego"), allow_dash=True)),
        click.option("--input-format", "input_format", default="auto", show_default=True, metavar="NAME",
                     help="What the files are (auto: told from their content); `graphkit formats` "
                          "lists the formats."),
        click.option("--encoding", default=None, metavar="NAME",
                     help="Text encoding if not UTF-8, e.g. cp1252 for spreadsheet exports."),
        click.option("--skip-bad-rows", is_flag=True,
                     help="Load the good rows and report each bad one (default: stop at the first)."),
        report_format_options(hint="(What the files are is --input-format NAME; `graphkit formats` lists them.)"),
    ]
    if owner:
        decorators.append(click.option("--of", "of", required=True, metavar="ACCOUNT",
                                       help="The list's owner; {stem} is the file name without extension."))
    if column:
        decorators.append(click.option("--column", default=None, metavar="NAME",
                                       help="The column holding the account (default: found by name)."))
    if pair_columns:
        decorators.append(click.option(
            "--columns", default=None, metavar="FOLLOWER,FOLLOWEE[,WEIGHT]",
            help="The columns holding the follower and the followee (header names or 1-based "
                 "positions), and optionally a weight or rating column for --min-weight."))
        decorators.append(click.option("--no-header", is_flag=True,
                                       help="The first line is a follow, not column names."))
        decorators.append(click.option(
            "--min-weight", type=float, default=None, metavar="W",
            help="Load only the rows whose weight (the third --columns entry) is at least W, "
                 "e.g. 1 for a trust network rated -10..+10."))
        # the older spelling of --columns, kept working
        decorators.append(click.option("--source-col", default=None, hidden=True))
        decorators.append(click.option("--target-col", default=None, hidden=True))
    decorators.extend(extra_options)
    function = click.pass_obj(command)
    for decorator in reversed(decorators):
        function = decorator(function)
    command = load.command(name=kind, epilog=examples(*_EXAMPLES[kind]))(function)
    if alias:
        load.add_command(click.Command(
            alias, params=command.params, callback=command.callback, help=command.help, hidden=True,
            epilog=command.epilog,
        ))
    return command


make_load_command("followers", owner=True, column=True, pair_columns=False)
make_load_command("following", owner=True, column=True, pair_columns=False)
make_load_command("edges", owner=False, column=False, pair_columns=True)
make_load_command("profiles", owner=False, column=True, pair_columns=False)
_HELP["posts"] = (
    "Load posts (social listening or scraper exports): author, time, text, hashtags and more.",
    "CSV/TSV, a JSON array or NDJSON, one post per record. The author column\n"
    "(author, username, ownerUsername, screen_name, ...; --column names it) is\n"
    "required; time, text, hashtags, mentions, location, likes, comments, views\n"
    "and url are found by name. Hashtags and @mentions are also read from the\n"
    "text. Posts become the table 'posts'; authors become accounts.",
)
_HELP["customers"] = (
    "Load customers (CRM/shop export): social handles, orders, lifetime value.",
    "CSV/TSV with instagram/tiktok/twitter/x/handle columns and optional id,\n"
    "order count, lifetime value and last order date. Each handle's account\n"
    "gets is_customer, customer_value, orders_count, last_order. E-mail\n"
    "addresses are never stored. The report counts matched customers.",
)
make_load_command("posts", owner=False, column=True, pair_columns=False)
make_load_command("customers", owner=False, column=False, pair_columns=False)
make_load_command("download", owner=False, column=False, pair_columns=False, alias="export", extra_options=(
    click.option("--owner", "--of", "of", default=None, metavar="ACCOUNT",
                 help="Whose download this is (default: from its account file); {stem} works too."),
))
make_load_command("snap-ego", owner=False, column=False, pair_columns=False)
