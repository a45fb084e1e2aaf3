"""``graphkit info`` and ``graphkit formats``."""

from __future__ import annotations

import json

import click

from graphkit.cli.help import examples
from graphkit.cli.options import as_of_option

__all__ = ["info", "formats"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo info',
    'graphkit -w graphkit-demo info --stats',
    'graphkit -w graphkit-demo info --format json',
))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format: table for people, json for programs.")
@click.option("--stats", is_flag=True,
              help="Graph statistics instead: largest weakly/strongly connected components, "
                   "reciprocity, triangles, average clustering (as SNAP publishes them).")
@as_of_option
@click.pass_obj
def info(obj, fmt: str, stats: bool = False) -> None:
    """Describe the workspace: accounts, follows, observed accounts, sources, tiers."""
    from graphkit.api import info as workspace_info
    from graphkit.cli.state import demo_hint

    workspace = obj.existing_workspace
    if stats:
        _print_stats(obj, workspace, fmt)
        return
    if obj.as_of is not None:
        _ = obj.graph  # refuses a date before the first load
    facts = workspace_info(workspace, obj.tier_scheme, as_of=obj.as_of)
    if fmt == "json":
        click.echo(json.dumps(facts, indent=1))
        return
    if not facts["accounts"]:
        click.echo(f"workspace {facts['workspace']} is empty: load lists with `graphkit load --help`"
                   f"{demo_hint(facts['workspace'])}")
        return
    click.echo(f"workspace   {facts['workspace']}")
    click.echo(f"accounts    {facts['accounts']:,}")
    click.echo(f"follows     {facts['follows']:,}")
    click.echo(f"observed    {facts['observed']:,}  (accounts whose following list is loaded)")
    click.echo(f"profiles    {facts['with_profile']:,}  (accounts with a follower count)")
    click.echo("tiers       " + ", ".join(f"{name} {n:,}" for name, n in facts["tiers"].items()))
    click.echo(f"sources     {len(facts['sources']):,}")
    for source in facts["sources"][-10:]:
        owner = f" --of {source['owner']}" if source.get("owner") else ""
        click.echo(f"  {source['kind']}{owner}: {source['path']} ({source['format']})")
    if len(facts["sources"]) > 10:
        click.echo(f"  ... {len(facts['sources']) - 10:,} earlier sources (--format json lists all)")


def _print_stats(obj, workspace, fmt: str) -> None:
    """``info --stats``: the structural statistics of ``queries.stats.graph_stats``."""
    from queries.stats import STAT_LABELS, format_stat, graph_stats

    dropped = sum(
        int(json.loads(report or "{}").get("self_follows") or 0) for report in workspace.sources()["report"]
    )
    facts = graph_stats(obj.graph if not workspace.is_empty else workspace.graph, self_follows_dropped=dropped)
    if fmt == "json":
        click.echo(json.dumps(facts, indent=1))
        return
    if not facts["nodes"]:
        from graphkit.cli.state import demo_hint

        click.echo(f"workspace {workspace.path} is empty: load lists with `graphkit load --help`"
                   f"{demo_hint(workspace.path)}")
        return
    width = max(len(label) for label in STAT_LABELS.values())
    for key, value in facts.items():
        click.echo(f"{STAT_LABELS[key]:<{width}}  {format_stat(key, value)}")


@click.command(epilog=examples(
    'graphkit formats',
))
def formats() -> None:
    """List the input formats graphkit reads, and how to get each."""
    from loaders import KINDS, formats_for

    for kind in KINDS:
        found = formats_for(kind)
        if not found:
            continue
        click.echo(f"graphkit load {kind}:")
        for fmt in found:
            click.echo(f"  {fmt.name:<18} {fmt.summary}")
            click.echo(f"  {'':<18} how to get it: {fmt.how_to_get}")
