"""``graphkit serve``: the web app for marketers, on the workspace, in the browser."""

from __future__ import annotations

import click

from graphkit.cli.help import examples
from graphkit.cli.options import profile_links_option

__all__ = ["serve"]


@click.command(epilog=examples(
    "graphkit -w graphkit-demo serve --port 8787 &",
    "GRAPHKIT_TOKEN=s3cret graphkit -w graphkit-demo serve --port 8788 &",
))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1/localhost needs a token.")
@click.option("--token", envvar="GRAPHKIT_TOKEN", show_envvar=True, default=None,
              help="Require this access token on every request (generated and printed once when "
                   "--host is not loopback and none is given).")
@click.option("--open", "open_browser", is_flag=True, help="Open the app in the default browser.")
@click.option("--costs", "costs_path", metavar="FILE",
              help="Rate card for the plan builder (see graphkit plan)  [default: placeholder costs]")
@profile_links_option
@click.pass_obj
def serve(obj, port, host, token, open_browser, costs_path, platform) -> None:
    """Open the workspace in a local web app: overview, shortlist, landscape, plan.

    One process holds the workspace in memory, so every click is a warm
    query; it reopens the workspace when a load or a crawl changes it, and
    never writes to it. Pick a brand, filter the shortlist, open an account,
    explore the influencer landscape (communities of the accounts the audience
    follows) and build a plan for a budget; every table downloads as CSV or
    XLSX, and the address bar holds the view, so a copied link shows the same.

    It prints the link to open (--open opens it in the default browser) and
    serves until stopped (Ctrl+C). It listens on 127.0.0.1 only. With --host
    0.0.0.0 (or any other address) every request needs a token, --token or
    $GRAPHKIT_TOKEN, else one generated and printed at start in the link, so
    only people you give the link to can open it.
    """
    import threading
    import webbrowser

    from graphkit.app.security import is_loopback, new_token
    from graphkit.app.server import bind, create_app, run, url_of
    from queries.plan import load_costs
    from queries.profile_links import check_platform

    scheme = obj.tier_scheme
    costs = load_costs(costs_path, tier_scheme=scheme)
    platform = check_platform(platform)
    workspace = obj.workspace  # a missing or empty workspace is refused, with a hint at the demo
    graph = workspace.graph  # read it now: the first page should not wait for it
    loopback = is_loopback(host)
    generated = False
    if not loopback and not token:
        token, generated = new_token(), True
    app = create_app(str(workspace.path), tier_scheme=scheme, costs=costs, platform=platform, token=token,
                     loopback_only=loopback)
    sock = bind(host, port)
    url = url_of(sock)
    link = f"{url}?token={token}" if token else url
    click.echo(f"graphkit serve: {graph.n_accounts:,} accounts, {graph.n_follows:,} follows from "
               f"{workspace.path}; Ctrl+C stops", err=True)
    if generated:
        click.echo("access token generated (shown once; give the link only to people who may see the data):",
                   err=True)
    click.echo(link)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(link,)).start()
    run(app, sock)
    click.echo("graphkit serve: stopped", err=True)
