"""``graphkit landscape BRAND`` (the communities as a table) and ``graphkit export landscape BRAND
--out FILE`` (the picture: .html, or .gexf/.graphml/.json/.csv/.parquet for other tools)."""

from __future__ import annotations

import functools

import click

from graphkit.cli.help import examples
from graphkit.cli.options import (
    as_of_option,
    csv_list,
    emit,
    output_options,
    positive_int,
    profile_links_option,
    random_seed_option,
    tier_option,
    top_option,
)

__all__ = ["landscape", "export_landscape", "landscape_options"]


def landscape_options(function):
    """The options of the landscape query, shared by both commands."""
    options = [
        top_option(300, "accounts on the landscape: the top of rank (readable up to 2,000)"),
        click.option("--niche", metavar="TERMS", help="Niche terms of the ranking, e.g. \"hiking,camping\"."),
        click.option("--prefer-tier", "preferred", multiple=True, callback=csv_list, metavar="TIERS",
                     help="Preferred tiers of the ranking (rank's tier_fit), e.g. nano,micro."),
        tier_option,
        click.option("--metric", type=click.Choice(["jaccard", "cosine"]), default="jaccard", show_default=True,
                     help="Audience overlap: jaccard (alike and of similar size) or cosine."),
        click.option("--neighbours", type=int, default=5, show_default=True, callback=positive_int,
                     help="Links kept per account (its most similar accounts)."),
        click.option("--min-similarity", type=float, default=0.02, show_default=True,
                     help="Weaker links are dropped."),
        click.option("--resolution", type=float, default=1.0, show_default=True,
                     help="Louvain resolution: above 1 gives more, smaller communities."),
        random_seed_option("Louvain's community detection"),
        click.option("--size-by", type=click.Choice(["audience_share", "score"]), default="audience_share",
                     show_default=True, help="What node size shows."),
    ]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def dynamic_option(function):
    """``--dynamic``: a GEXF whose timeline (Gephi) plays the follows' history."""
    return click.option(
        "--dynamic", is_flag=True,
        help="Write a dynamic GEXF (.gexf only): spells from the workspace's history (first seen .. "
             "ended) on follows and accounts, played by Gephi's timeline.",
    )(function)


def follow_spells_for(obj, dynamic: bool):
    """The workspace's follow spells for a ``--dynamic`` export (``None`` without it)."""
    if not dynamic:
        return None
    if obj.as_of is not None:
        raise click.UsageError("--dynamic exports the whole history; --as-of picks one date: use one of them")
    from graphkit.workspace.history import follow_spells

    return follow_spells(obj.workspace)


def _landscape(obj, brand, options: dict):
    from queries.landscape import landscape as run

    return run(obj.graph, brand, top=options["top"], niche=options["niche"],
               tiers=options["preferred"], keep_tiers=options["tiers"], metric=options["metric"],
               neighbours=options["neighbours"], min_similarity=options["min_similarity"],
               resolution=options["resolution"], random_seed=options["random_seed"],
               size_by=options["size_by"], tier_scheme=obj.tier_scheme)


@click.command(epilog=examples(
    "graphkit -w graphkit-demo landscape acme",
    "graphkit -w graphkit-demo landscape acme --show nodes --top 100 --format csv --out landscape-nodes.csv",
    "graphkit -w graphkit-demo landscape acme --niche hiking,camping --metric cosine --random-seed 7",
    "graphkit -w graphkit-demo landscape acme --tier nano,micro --top 150",
))
@click.argument("brand")
@landscape_options
@click.option("--show", type=click.Choice(["communities", "nodes", "links"]), default="communities",
              show_default=True, help="Which table to print.")
@output_options
@as_of_option
@click.pass_obj
def landscape(obj, brand, show, fmt, out, **options) -> None:
    """The communities BRAND's audience lives in, and who leads each.

    Takes the top accounts BRAND's observed followers follow (graphkit rank),
    links two when their audiences overlap (each keeps its --neighbours most
    similar, at least --min-similarity), finds communities (Louvain) and names
    each by its most distinctive niche terms. Prints the communities (size,
    name, leaders, reach into the audience); --show nodes or links prints the
    accounts or the links; graphkit export landscape draws the picture.
    """
    from queries.landscape_page import summary

    land = _landscape(obj, brand, options)
    table = {"communities": land.clusters, "nodes": land.nodes.drop(columns=["x", "y"]),
             "links": land.edges}[show]
    if show == "communities" and out in (None, "-") and fmt in (None, "table"):
        # 80 columns: the leading account only; every leader and term with --format csv or json
        table = table.assign(leader=table["leaders"].str.split(", ").str[0])[
            ["cluster", "size", "reach_share", "label", "leader"]]
    emit(table, out, fmt, note=summary(land) if out not in (None, "-") else None)
    if out in (None, "-") and fmt in (None, "table"):
        click.echo(summary(land), err=True)


@click.command("landscape", epilog=examples(
    "graphkit -w graphkit-demo export landscape acme --out landscape.html",
    "graphkit -w graphkit-demo export landscape acme --top 1000 --out landscape.gexf",
    "graphkit -w graphkit-demo export landscape acme --tier nano,micro --out micro-landscape.graphml",
    "graphkit -w graphkit-demo export landscape acme --out landscape-timeline.gexf --dynamic",
))
@click.argument("brand")
@landscape_options
@click.option("-o", "--out", metavar="FILE", required=True,
              help="File to write; the extension picks the format: .html (the picture, offline) .gexf "
                   ".graphml .json (node-link) .csv/.parquet (nodes, plus FILE-edges beside).")
@profile_links_option
@dynamic_option
@as_of_option
@click.pass_obj
def export_landscape(obj, brand, out, platform, dynamic, **options) -> None:
    """Write BRAND's influencer landscape as a picture (.html) or a graph file.

    The .html file draws the communities with the app's renderer (WebGL, the
    layout refined in the browser), works offline and requests nothing. Graph
    files carry every node column (cluster, cluster_label, rank, score,
    audience_share, tier, ...) and the undirected links with their similarity.
    With --dynamic (.gexf), an account is on Gephi's timeline while one of
    BRAND's followers follows it (from the workspace's history), a link while
    both of its accounts are.
    """
    from queries.landscape_page import summary, write_landscape
    from queries.profile_links import check_platform, workspace_platform

    spells = follow_spells_for(obj, dynamic)
    land = _landscape(obj, brand, options)
    platform = check_platform(platform) or workspace_platform(obj.workspace.sources()["format"])
    for path in write_landscape(land, out, platform=platform, spells=spells):
        click.echo(f"wrote {path}", err=True)
    click.echo(summary(land), err=True)
