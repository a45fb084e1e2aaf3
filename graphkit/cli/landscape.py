"""``graphkit landscape BRAND`` (the communities as a table) and ``graphkit export landscape BRAND
--out FILE`` (the picture: .html, or .gexf/.graphml/.json/.csv/.parquet for other tools)."""

from __future__ import annotations

import functools

import click

from graphkit.cli.options import emit, output_options, positive_int

__all__ = ["landscape", "export_landscape", "landscape_options"]

EXAMPLES = """\\b
Examples:
  graphkit -w graphkit-demo landscape acme
  graphkit -w graphkit-demo landscape acme --show nodes --top 100 --format csv
  graphkit -w graphkit-demo landscape acme --niche hiking,camping --metric cosine --random-seed 7
"""
EXPORT_EXAMPLES = """\\b
Examples:
  graphkit -w graphkit-demo export landscape acme --out landscape.html
  graphkit -w graphkit-demo export landscape acme --top 1000 --out landscape.gexf
"""


def landscape_options(function):
    """The options of the landscape query, shared by both commands."""
    options = [
        click.option("--top", type=int, default=300, show_default=True, callback=positive_int,
                     help="Candidates on the landscape: the top N of rank (readable up to 2,000)."),
        click.option("--niche", metavar="TERMS", help="Niche terms of the ranking, e.g. \"hiking,camping\"."),
        click.option("--metric", type=click.Choice(["jaccard", "cosine"]), default="jaccard", show_default=True,
                     help="Audience overlap: jaccard (alike and of similar size) or cosine."),
        click.option("--neighbours", type=int, default=5, show_default=True, callback=positive_int,
                     help="Links kept per account (its most similar accounts)."),
        click.option("--min-similarity", type=float, default=0.02, show_default=True,
                     help="Weaker links are dropped."),
        click.option("--resolution", type=float, default=1.0, show_default=True,
                     help="Louvain resolution: above 1 gives more, smaller communities."),
        click.option("--random-seed", type=int, default=0, show_default=True,
                     help="Seed of the community detection: the same seed, the same communities."),
        click.option("--size-by", type=click.Choice(["audience_share", "score"]), default="audience_share",
                     show_default=True, help="What node size shows."),
    ]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _landscape(obj, brand, top, niche, metric, neighbours, min_similarity, resolution, random_seed, size_by):
    from queries.landscape import landscape as run

    return run(obj.workspace.graph, brand, top=top, niche=niche, metric=metric, neighbours=neighbours,
               min_similarity=min_similarity, resolution=resolution, random_seed=random_seed,
               size_by=size_by, tier_scheme=obj.tier_scheme)


@click.command(epilog=EXAMPLES)
@click.argument("brand")
@landscape_options
@click.option("--show", type=click.Choice(["communities", "nodes", "links"]), default="communities",
              show_default=True, help="Which table to print.")
@output_options
@click.pass_obj
def landscape(obj, brand, top, niche, metric, neighbours, min_similarity, resolution, random_seed, size_by,
              show, fmt, out) -> None:
    """The communities BRAND's audience lives in, and who leads each.

    Takes the top accounts BRAND's observed followers follow (graphkit rank),
    links two when their audiences overlap (each keeps its --neighbours most
    similar, at least --min-similarity), finds communities (Louvain) and names
    each by its most distinctive niche terms. Prints the communities (size,
    name, leaders, reach into the audience); --show nodes or links prints the
    accounts or the links; graphkit export landscape draws the picture.
    """
    from queries.landscape_page import summary

    land = _landscape(obj, brand, top, niche, metric, neighbours, min_similarity, resolution, random_seed,
                      size_by)
    table = {"communities": land.clusters, "nodes": land.nodes.drop(columns=["x", "y"]),
             "links": land.edges}[show]
    if show == "communities" and out in (None, "-") and fmt in (None, "table"):
        # 80 columns: the leading account only; every leader and term with --format csv or json
        table = table.assign(leader=table["leaders"].str.split(", ").str[0])[
            ["cluster", "size", "reach_share", "label", "leader"]]
    emit(table, out, fmt, note=summary(land) if out not in (None, "-") else None)
    if out in (None, "-") and fmt in (None, "table"):
        click.echo(summary(land), err=True)


@click.command("landscape", epilog=EXPORT_EXAMPLES)
@click.argument("brand")
@landscape_options
@click.option("-o", "--out", metavar="FILE", required=True,
              help="File to write; the extension picks the format: .html (the picture, offline) .gexf "
                   ".graphml .json (node-link) .csv/.parquet (nodes, plus FILE-edges beside).")
@click.option("--platform", metavar="NAME", default=None,
              help="Platform of the handles, for profile links in .html  [default: from the loaded downloads]")
@click.pass_obj
def export_landscape(obj, brand, top, niche, metric, neighbours, min_similarity, resolution, random_seed,
                     size_by, out, platform) -> None:
    """Write BRAND's influencer landscape as a picture (.html) or a graph file.

    The .html file draws the communities with the app's renderer (WebGL, the
    layout refined in the browser), works offline and requests nothing. Graph
    files carry every node column (cluster, cluster_label, rank, score,
    audience_share, tier, ...) and the undirected links with their similarity.
    """
    from queries.landscape_page import summary, write_landscape
    from queries.profile_links import check_platform, workspace_platform

    land = _landscape(obj, brand, top, niche, metric, neighbours, min_similarity, resolution, random_seed,
                      size_by)
    platform = check_platform(platform) or workspace_platform(obj.workspace.manifest)
    for path in write_landscape(land, out, platform=platform):
        click.echo(f"wrote {path}", err=True)
    click.echo(summary(land), err=True)
