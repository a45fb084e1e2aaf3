"""``graphkit changes BRAND --since DATE``: what changed in the brand's audience between two dates?"""

from __future__ import annotations

import click

from graphkit.cli.help import examples
from graphkit.cli.options import emit, output_options, top_option

__all__ = ["changes", "changes_text"]

#: The columns each section shows in the table format (csv/json show every column).
TABLE_COLUMNS = {
    "rising": ["account", "count_since", "count_until", "share_since", "share_until", "change", "z_score"],
    "falling": ["account", "count_since", "count_until", "share_since", "share_until", "change", "z_score"],
}


def changes_text(result, width: int = 80) -> str:
    """The table format: a summary line, then each section under a header line.

    >>> from queries.changes import Changes
    >>> import pandas as pd
    >>> summary = pd.DataFrame([{"account": "acme", "since": "2026-01-01T00:00:00+00:00",
    ...     "until": "2026-02-01T00:00:00+00:00", "followers_since": 2, "followers_until": 2,
    ...     "new_followers": 1, "lost_followers": 1, "observed_since": 2, "observed_until": 2,
    ...     "new_observed": 1, "lost_observed": 1, "renames": 0, "tier_moves": 0}])
    >>> new = pd.DataFrame({"account": ["cat"], "observed": [True], "tier": ["unknown"], "followers_count": [None]})
    >>> print(changes_text(Changes({"summary": summary, "new_followers": new})))
    acme from 2026-01-01T00:00:00+00:00 to 2026-02-01T00:00:00+00:00: 2 -> 2 followers (+1 new, -1 lost), 2 -> 2 observed (+1, -1); 0 renamed, 0 tier moves
    <BLANKLINE>
    new followers: 1 of 1
    account  observed  tier     followers_count
    cat      yes       unknown
    """
    import pandas as pd

    from queries.changes import SECTION_TITLES
    from queries.writers import to_table

    row = result.sections["summary"].iloc[0]
    lines = [f"{row['account']} from {row['since']} to {row['until']}: "
             f"{row['followers_since']:,} -> {row['followers_until']:,} followers "
             f"(+{row['new_followers']:,} new, -{row['lost_followers']:,} lost), "
             f"{row['observed_since']:,} -> {row['observed_until']:,} observed "
             f"(+{row['new_observed']:,}, -{row['lost_observed']:,}); "
             f"{row['renames']:,} renamed, {row['tier_moves']:,} tier moves"]
    totals = {"new_followers": row["new_followers"], "lost_followers": row["lost_followers"],
              "renames": row["renames"], "tier_moves": row["tier_moves"]}
    for name, frame in result.sections.items():
        if name == "summary":
            continue
        frame = frame.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):  # a date fits a terminal column
                frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M")
        frame.attrs["table_columns"] = TABLE_COLUMNS.get(name)
        total = totals.get(name)
        count = f"{len(frame):,}" if total is None else f"{len(frame):,} of {int(total):,}"
        lines += ["", f"{SECTION_TITLES.get(name, name)}: {count}", to_table(frame, width)]
    return "\n".join(lines)


@click.command(epilog=examples(
    'graphkit -w graphkit-demo changes acme --since 2026-01-01',
    'graphkit -w graphkit-demo changes acme --since 2026-01-01 --top 5 --format json --out changes.json',
))
@click.argument("brand")
@click.option("--since", required=True, metavar="DATE",
              help="Compare the audience at DATE (ISO 8601, UTC unless a zone is given) ...")
@click.option("--until", metavar="DATE", default=None, help="... with the audience at DATE  [default: now]")
@top_option(20, "rows per section")
@click.option("--z", type=float, default=1.96, show_default=True,
              help="z of the Newcombe interval of each share change, change_low..change_high "
                   "(1.96 = 95%).")
@output_options
@click.pass_obj
def changes(obj, brand, since, until, top, z, fmt, out) -> None:
    """What changed in BRAND's audience between two dates: followers, shares, tiers, handles.

    Reads the workspace's history (crawl or load again later: whole lists end
    the follows they no longer hold). Sections:

    \b
    new_followers   accounts following BRAND at --until, not at --since
    lost_followers  the other way round (observed: their following list is loaded)
    rising          accounts whose share of BRAND's observed followers rose:
                    count/share at both dates, change = share_until - share_since,
                    z_score = the two-proportion z-test of the change (pooled
                    share; |z| > 1.96: significant at 95%), change_low..change_high
                    = Newcombe's hybrid score interval of the change (at --z);
                    ranked by z_score, so 2 -> 4 followers does not top the list
    falling         shares that fell, lowest z_score first
    tier_moves      declared follower counts that crossed a tier boundary (--tiers)
    renames         handles that changed (the same account: not lost + new)

    The table format prints the sections one after another; csv, json, ndjson
    and parquet carry one table with a `section` column (summary first).
    """
    from queries.changes import changes as run
    from queries.writers import atomic_write_bytes

    result = run(obj.workspace, brand, since=since, until=until, top=top, z=z, tier_scheme=obj.tier_scheme)
    if fmt in (None, "table") and (out in (None, "-") or fmt == "table"):
        text = changes_text(result) + "\n"
        if out in (None, "-"):
            click.echo(text, nl=False)
        else:
            atomic_write_bytes(out, text.encode("utf-8"))
            click.echo(f"wrote {out}", err=True)
    else:
        emit(result.to_frame(), out, fmt)
    if result.attrs.get("note"):
        click.echo(f"note: {result.attrs['note']}", err=True)
