"""``graphkit demo``: the main job, end to end, on bundled sample data."""

from __future__ import annotations

from pathlib import Path

import click

from graphkit.cli.help import examples
from graphkit.cli.options import emit, output_options, top_option

__all__ = ["demo"]


@click.command(epilog=examples(
    'graphkit demo',
    'graphkit demo --top 5 --format csv',
))
@top_option(15)
@output_options
@click.pass_context
def demo(ctx: click.Context, top: int, fmt, out) -> None:
    """Build a sample workspace and show who the brand's followers follow.

    The sample is `acme`, an outdoor-gear brand with about 2,100 followers
    (three quarters of them with a known following list) and profiles of
    3,000 creators in every tier. It is written to ./graphkit-demo unless
    -w/--workspace names another folder; running it again changes nothing.
    """
    from graphkit.demo import DEFAULT_DEMO_WORKSPACE, DEMO_BRAND, build_demo
    from graphkit.workspace import open_workspace
    from queries.affinity import affinity

    state = ctx.obj
    workspace = open_workspace(state.workspace_path or DEFAULT_DEMO_WORKSPACE)
    for report in build_demo(workspace):
        report.path = Path(report.path).name  # the bundled files live deep in site-packages
        click.echo(str(report), err=True)
    graph = workspace.graph
    table = affinity(graph, DEMO_BRAND, top=top, tier_scheme=state.tier_scheme)
    click.echo(
        f"workspace {workspace.path}: {graph.n_accounts:,} accounts, {graph.n_follows:,} follows; "
        f"{DEMO_BRAND}: {table.attrs['audience_observed']:,} of {table.attrs['audience_followers']:,} "
        "followers observed",
        err=True,
    )
    click.echo(f"Who do {DEMO_BRAND}'s followers follow?", err=True)
    emit(table, out, fmt)
    click.echo(
        f"\nNext: graphkit -w {workspace.path} affinity {DEMO_BRAND} --tier nano,micro --exclude-followed",
        err=True,
    )
