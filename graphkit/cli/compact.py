"""``graphkit compact``: rewrite the base and its segments as one new base."""

from __future__ import annotations

import click

from graphkit.cli.help import examples

__all__ = ["compact"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo compact',
    'graphkit -w graphkit-demo info',
))
@click.pass_obj
def compact(obj) -> None:
    """Rewrite the workspace's base and segments as one new base.

    Each load appends a small segment instead of rewriting the workspace;
    readers combine the base with its segments when they open it. Compaction
    folds the segments into a new base, so that opening the workspace reads
    one set of files again. It also runs by itself when a load finds the
    segments holding more than 5 % of the base's follows or accounts, so you
    rarely need this command: run it before copying or archiving a workspace,
    or before another engine reads its files. Queries running meanwhile keep
    reading the files they opened.
    """
    from graphkit.progress import Progress

    workspace = obj.workspace
    with Progress("compacting", total=6) as progress:
        report = workspace.compact(progress)
    if not report["compacted"]:
        click.echo(f"nothing to compact: workspace {workspace.path} has no segments "
                   f"({report['accounts']:,} accounts, {report['follows']:,} follows)")
        return
    click.echo(f"compacted {report['segments']:,} segment{'s' if report['segments'] != 1 else ''} into one base: "
               f"{report['accounts']:,} accounts, {report['follows']:,} follows")
