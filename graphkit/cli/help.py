"""How graphkit's ``--help`` reads: whole one-line summaries, and Examples at the end.

Every command's help ends with an *Examples* section (a click ``epilog``, shown
after the options) whose command lines run as written on the demo workspace
(``graphkit demo`` builds ``./graphkit-demo``) from a clone of the repository;
``tests/core/test_help_examples.py`` runs every one of them. A group lists its
commands with each one's whole first sentence, wrapped, never cut with "...".

Examples
--------
>>> print(examples("graphkit demo", "graphkit -w graphkit-demo info"))
\b
Examples:
  graphkit demo
  graphkit -w graphkit-demo info
"""

from __future__ import annotations

import click

__all__ = ["SummaryGroup", "examples", "EXAMPLES_HEADING"]

#: The line that starts the Examples section of every help text.
EXAMPLES_HEADING = "Examples:"


class SummaryGroup(click.Group):
    """A group whose command list shows each command's whole first sentence."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def examples(*lines: str) -> str:
    """The Examples section (a click epilog) listing ``lines``, one command each."""
    return "\b\n" + EXAMPLES_HEADING + "\n" + "\n".join(f"  {line}" for line in lines)
