"""``graphkit export edges|accounts``: the workspace's tables as files."""

from __future__ import annotations

import click

from graphkit.cli.options import emit, output_options

__all__ = ["export"]


@click.group()
def export() -> None:
    """Write the workspace's tables (or a neighbourhood) to files."""


@export.command("edges")
@output_options
@click.pass_obj
def export_edges(obj, fmt, out) -> None:
    """Every follow as a follower,followee table of account keys."""
    emit(obj.workspace.graph.edges_frame(), out, fmt or ("csv" if out in (None, "-") else None))


@export.command("accounts")
@output_options
@click.pass_obj
def export_accounts(obj, fmt, out) -> None:
    """Every account with its attributes and tier."""
    graph = obj.workspace.graph
    accounts = graph.accounts.copy()
    accounts.insert(1, "tier", obj.tier_scheme.assign(graph.attribute("followers_count").to_numpy()))
    emit(accounts, out, fmt or ("csv" if out in (None, "-") else None))
