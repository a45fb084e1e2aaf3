"""``graphkit crawl``: fetch follower and following lists from Bluesky, Mastodon and X.

A thin shell over :mod:`loaders.crawl`: each sub-command calls one function
and prints its one-line summary on stderr (the progress bar is drawn there
too, only on a terminal). The same sub-commands exist for each platform, built
by one factory so they cannot drift apart.
"""

from __future__ import annotations

import click

from graphkit.cli.help import SummaryGroup
from graphkit.cli.options import emit, output_options, positive_int

__all__ = ["crawl"]

#: beyond a few hops a follow graph reaches nearly everyone: --max-accounts is the real bound
MAX_HOPS = 6

_PLATFORM_HELP = {
    "bluesky": ("Crawl Bluesky through a public AppView (no login).",
                "https://public.api.bsky.app", "did:plc:... or handle"),
    "mastodon": ("Crawl Mastodon: public lists from each account's home instance (no login).",
                 "https://<domain of the account>", "user@domain"),
    "x": ("Crawl the X API v2 with your bearer token ($X_BEARER_TOKEN, never printed).",
          "https://api.x.com", "username or user id"),
}

_EXAMPLES = """
\b
Examples (against the test network, offline; see README "Get the data"):
  python tests/crawl/fakenet.py --port 8787 &
  {env}graphkit -w crawl-demo crawl {platform} audience {brand} --sample 60 --random-seed 7 \\
      --service http://127.0.0.1:8787
  {env}graphkit -w crawl-demo crawl {platform} followers {brand} --service http://127.0.0.1:8787
  graphkit -w crawl-demo affinity {brand} --top 5
"""
#: the brand of the test network (tests/crawl/fakenet.py) on each platform
_TEST_BRAND = {"bluesky": "acme.bsky.social", "mastodon": "acme@fake.social", "x": "acme"}


def _run_options(function):
    for decorator in reversed([
        click.option("--service", metavar="URL", default=None,
                     help="Base URL of the AppView / instance / API  [default: {default}]"),
        click.option("--max-requests", type=int, default=None, callback=positive_int, metavar="R",
                     help="Stop cleanly after R requests; the same command continues later."),
        click.option("--concurrency", type=int, default=4, show_default=True, callback=positive_int,
                     help="Requests in flight at once (all paced to the rate limit)."),
        click.option("--checkpoint-seconds", type=float, default=5.0, show_default=True, callback=_seconds,
                     help="Save what was fetched at least this often (a kill loses at most this)."),
        click.option("--retries", type=click.IntRange(0, 20), default=5, show_default=True,
                     help="Attempts after the first on 5xx, timeouts, dropped connections."),
        click.option("--refresh", is_flag=True,
                     help="Start the job over: fetch lists again, end follows no longer listed."),
    ]):
        function = decorator(function)
    return function


def _seconds(ctx, param, value):
    """Click callback: a finite number of seconds, zero or more."""
    if value is not None and not 0 <= value < float("inf"):
        raise click.BadParameter(f"must be a number of seconds, 0 or more, not {value}")
    return value


def _options(concurrency, checkpoint_seconds, max_requests, refresh, retries):
    from loaders.crawl import CrawlOptions

    return CrawlOptions(checkpoint_seconds=checkpoint_seconds, concurrency=concurrency,
                        max_requests=max_requests, refresh=refresh, max_retries=retries)


def _report(call) -> None:
    """Run a crawl function; print its summary line (or why it stopped) on stderr."""
    try:
        summary = call()
    except KeyboardInterrupt:
        click.echo("interrupted: what was fetched is saved; run the same command again to continue", err=True)
        raise SystemExit(130) from None
    line = str(summary)
    if summary.skipped_accounts:
        shown = sorted(summary.skipped_accounts.items())[:3]  # sorted: the same line whatever the timing
        line += " (skipped: " + "; ".join(f"{a}: {r}" for a, r in shown)
        line += ", ..." if len(summary.skipped_accounts) > 3 else ""
        line += ")"
    click.echo(line, err=True)


def _platform_group(name: str) -> click.Group:
    summary, default, form = _PLATFORM_HELP[name]
    examples = _EXAMPLES.format(platform=name, brand=_TEST_BRAND[name],
                                env="X_BEARER_TOKEN=demo-token " if name == "x" else "")

    def service_help(params):
        for param in params:
            if param.name == "service":
                param.help = param.help.format(default=default)
        return params

    @click.group(name=name, cls=SummaryGroup, help=summary, epilog=examples)
    def group() -> None:
        pass

    @group.command(epilog=examples)
    @click.argument("brand")
    @click.option("--sample", type=int, required=True, callback=positive_int, metavar="N",
                  help="Followers to sample (see `graphkit crawl plan`).")
    @click.option("--random-seed", type=click.IntRange(min=0), default=None, metavar="S",
                  help="Seed of the random numbers of the sample (numpy PCG64 over the sorted follower "
                       "ids); same seed + same followers = same sample.  [default: drawn once, kept with "
                       "the job]")
    @click.option("--profiles-top", type=click.IntRange(min=0), default=2000, show_default=True, metavar="K",
                  help="How many profiles to fetch: those of the K accounts the sample follows most.")
    @_run_options
    @click.pass_obj
    def audience(obj, brand, sample, random_seed, profiles_top, service, max_requests, concurrency,
                 checkpoint_seconds, refresh, retries):
        """Crawl BRAND's audience: followers, a sample's following lists, profiles.

        Then `graphkit affinity BRAND` answers. Running the same command again
        continues an unfinished crawl and does nothing after a finished one.
        """
        from loaders.crawl import crawl_audience

        options = _options(concurrency, checkpoint_seconds, max_requests, refresh, retries)
        _report(lambda: crawl_audience(obj.writable_workspace, name, brand, sample=sample, random_seed=random_seed,
                                       profiles_top=profiles_top, service=service, options=options))

    def list_command(direction: str) -> click.Command:
        @click.command(name=direction, epilog=examples,
                       help=f"Crawl the whole {direction} list of each ACCOUNT ({form}).")
        @click.argument("accounts", nargs=-1, required=True, metavar="ACCOUNT...")
        @_run_options
        @click.pass_obj
        def command(obj, accounts, service, max_requests, concurrency, checkpoint_seconds, refresh, retries):
            from loaders.crawl import crawl_lists

            options = _options(concurrency, checkpoint_seconds, max_requests, refresh, retries)
            _report(lambda: crawl_lists(obj.writable_workspace, name, direction, list(accounts), service=service,
                                        options=options))
        return command

    group.add_command(list_command("followers"))
    group.add_command(list_command("following"))

    @group.command(epilog=examples)
    @click.argument("accounts", nargs=-1, required=True, metavar="ACCOUNT...")
    @_run_options
    @click.pass_obj
    def profiles(obj, accounts, service, max_requests, concurrency, checkpoint_seconds, refresh, retries):
        """Fetch the profiles (follower counts, bios) of each ACCOUNT."""
        from loaders.crawl import crawl_profiles

        options = _options(concurrency, checkpoint_seconds, max_requests, refresh, retries)
        _report(lambda: crawl_profiles(obj.writable_workspace, name, list(accounts), service=service, options=options))

    @group.command(epilog=examples)
    @click.argument("seed")
    @click.option("--hops", type=click.IntRange(1, MAX_HOPS), default=1, show_default=True, metavar="K",
                  help=f"How many steps out from SEED (at most {MAX_HOPS}).")
    @click.option("--max-accounts", type=int, default=200, show_default=True, callback=positive_int,
                  metavar="M", help="Lists to fetch in all (most connected accounts first).")
    @click.option("--direction", type=click.Choice(["following", "followers", "both"]), default="following",
                  show_default=True, help="Which lists to follow out of each account.")
    @_run_options
    @click.pass_obj
    def expand(obj, seed, hops, max_accounts, direction, service, max_requests, concurrency,
               checkpoint_seconds, refresh, retries):
        """Expand from SEED: its list, then the lists of the accounts it reaches."""
        from loaders.crawl import crawl_expand

        options = _options(concurrency, checkpoint_seconds, max_requests, refresh, retries)
        _report(lambda: crawl_expand(obj.writable_workspace, name, seed, hops=hops, max_accounts=max_accounts,
                                     direction=direction, service=service, options=options))

    for command in group.commands.values():
        service_help(command.params)
    return group


@click.group(cls=SummaryGroup, epilog="""
\b
Examples:
  graphkit crawl plan --followers 20000 --margin 0.02
  python tests/crawl/fakenet.py --port 8787 &       # the test network, offline
  graphkit -w crawl-demo crawl bluesky audience acme.bsky.social --sample 60 --random-seed 7 \\
      --service http://127.0.0.1:8787
  graphkit -w crawl-demo affinity acme.bsky.social --top 5
""")
def crawl() -> None:
    """Fetch follower and following lists from Bluesky, Mastodon and the X API.

    Crawls are polite (paced to each platform's published rate limit, a
    descriptive User-Agent), resumable (state and data are saved together every
    few seconds; run the same command again to continue) and sampled: start with
    `graphkit crawl plan`. Respect each platform's terms: see README "Get the data".
    """


for _name in _PLATFORM_HELP:
    crawl.add_command(_platform_group(_name))


@crawl.command(epilog="""
\b
Examples:
  graphkit crawl plan --followers 20000
  graphkit crawl plan --followers 3477 --margin 0.05 --platform bluesky --format json
""")
@click.option("--followers", type=int, required=True, callback=positive_int, metavar="F",
              help="Followers of the brand (the population sampled).")
@click.option("--margin", type=float, default=0.02, show_default=True,
              help="Margin of error on an audience share (0.02 = ±2 points).")
@click.option("--confidence", type=float, default=0.95, show_default=True, help="Confidence level.")
@click.option("--platform", "platforms", type=click.Choice(["bluesky", "mastodon", "x"]), multiple=True,
              help="Only this platform (repeatable)  [default: all]")
@click.option("--typical-following", type=int, default=500, show_default=True, callback=positive_int,
              metavar="L", help="Assumed length of a sampled follower's following list.")
@click.option("--profiles-top", type=click.IntRange(min=0), default=2000, show_default=True, metavar="K",
              help="How many profiles to fetch: those of the K accounts the sample follows most (as in audience).")
@output_options
def plan(followers, margin, confidence, platforms, typical_following, profiles_top, fmt, out):
    """Sample size for a margin of error, and the requests and time it takes per platform."""
    from loaders.crawl import crawl_plan

    table = crawl_plan(followers, margin=margin, confidence=confidence, platforms=list(platforms) or None,
                       typical_following=typical_following, profiles_top=profiles_top)
    click.echo(table.attrs["note"], err=True)
    emit(table, out, fmt)
