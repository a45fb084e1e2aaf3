"""``graphkit info`` and ``graphkit formats``."""

from __future__ import annotations

import json

import click

__all__ = ["info", "formats"]


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def info(obj, fmt: str) -> None:
    """Describe the workspace: accounts, follows, observed accounts, sources, tiers."""
    from graphkit.api import info as workspace_info

    facts = workspace_info(obj.workspace, obj.tier_scheme)
    if fmt == "json":
        click.echo(json.dumps(facts, indent=1))
        return
    if not facts["accounts"]:
        click.echo(f"workspace {facts['workspace']} is empty: load lists with `graphkit load --help`")
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


@click.command()
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
