"""The ``graphkit`` entry point: global options, lazy sub-commands, one-line errors.

Sub-commands live in their own modules and are imported only when used, so
``graphkit --help`` starts without pandas, scipy, networkx or neo4j.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from graphkit.cli.help import SummaryGroup, examples
from graphkit.cli.state import State
from graphkit.cli.summaries import SUMMARIES

__all__ = ["main", "cli", "COMMANDS"]

#: name -> "module:attribute" of every top-level command, in help order.
COMMANDS: dict[str, str] = {
    "crawl": "graphkit.cli.crawl:crawl",
    "load": "graphkit.cli.load:load",
    "info": "graphkit.cli.info:info",
    "compact": "graphkit.cli.compact:compact",
    "affinity": "graphkit.cli.affinity:affinity",
    "advocates": "graphkit.cli.advocates:advocates",
    "talkers": "graphkit.cli.talkers:talkers",
    "changes": "graphkit.cli.changes:changes",
    "expand": "graphkit.cli.expand:expand",
    "rank": "graphkit.cli.rank:rank",
    "centrality": "graphkit.cli.centrality:centrality",
    "lookalikes": "graphkit.cli.lookalikes:lookalikes",
    "overlap": "graphkit.cli.overlap:overlap",
    "segments": "graphkit.cli.segments:segments",
    "landscape": "graphkit.cli.landscape:landscape",
    "export": "graphkit.cli.export:export",
    "plan": "graphkit.cli.plan:plan",
    "report": "graphkit.cli.report:report",
    "serve": "graphkit.cli.serve:serve",
    "formats": "graphkit.cli.info:formats",
    "demo": "graphkit.cli.demo:demo",
    "neo4j": "graphkit.cli.neo4j:neo4j",
}


class LazyGroup(SummaryGroup):
    """A group whose sub-commands are imported on first use; library errors become one line."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy) + [c for c in super().list_commands(ctx) if c not in self.lazy]

    def command_summary(self, ctx: click.Context, name: str) -> str | None:
        """From :data:`~graphkit.cli.summaries.SUMMARIES`: ``--help`` imports no command module
        (each costs 1–5 ms of click decorators); a command without a summary is imported."""
        if name in SUMMARIES:
            return SUMMARIES[name]
        return super().command_summary(ctx, name)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as err:  # translate library errors, re-raise bugs
            from graphkit.errors import GraphkitError

            if isinstance(err, GraphkitError):
                raise click.ClickException(str(err)) from None
            raise


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=examples(
        "graphkit demo",
        "graphkit -w graphkit-demo info",
        "graphkit -w graphkit-demo affinity acme --tier nano,micro --exclude-followed",
        "graphkit -w graphkit-demo rank acme --niche hiking,camping --explain",
    ),
)
@click.option(
    "-w", "--workspace", metavar="PATH", envvar="GRAPHKIT_WORKSPACE", show_envvar=True,
    help="Workspace directory  [default: ./graphkit-workspace]",
)
@click.option(
    "--tiers", metavar="FILE", envvar="GRAPHKIT_TIERS", show_envvar=True,
    help="TOML file with a [tiers] table of name = lower bound of followers.",
)
@click.version_option(package_name="graphkit", prog_name="graphkit")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, tiers: str | None) -> None:
    """Explore follower networks to find influencers.

    Load follower and following lists into a workspace, then ask who a
    brand's followers follow (affinity), rank and export the results.

    \b
    Quick start:
      graphkit load followers FILE --of BRAND         # who follows the brand
      graphkit load following FILES --of '{stem}'     # whom they follow, one list each
      graphkit affinity BRAND --top 20                # who the audience follows most
    """
    ctx.obj = State(workspace, tiers)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="graphkit", standalone_mode=True)
    except BrokenPipeError:  # e.g. `graphkit affinity acme | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
