"""``graphkit advocates BRAND``: which of the brand's followers are influencers themselves?"""

from __future__ import annotations

import click

from graphkit.cli.affinity import print_notes
from graphkit.cli.engines import engine_options
from graphkit.cli.help import examples
from graphkit.cli.options import as_of_option, output_options, tier_option, top_option

__all__ = ["advocates"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo advocates acme --top 10',
    'graphkit -w graphkit-demo advocates acme --niche hiking,camping --sort niche',
    'graphkit -w graphkit-demo advocates acme --customers --sort value --format csv',
))
@click.argument("brand")
@click.option("--niche", metavar="TERMS", default=None,
              help='The brand\'s niche terms, e.g. --niche "hiking,camping"; adds niche_overlap.')
@click.option("--niche-method", type=click.Choice(["cosine", "jaccard"]), default="cosine",
              show_default=True, help="How profile terms are compared with the niche terms.")
@tier_option
@click.option("--customers", is_flag=True,
              help="Rank the customers (graphkit load customers) with the followers; adds "
                   "is_customer, follows_brand, customer_value, orders_count, last_order.")
@click.option("--sort", type=click.Choice(["reach", "followers", "engagement", "niche", "value"]),
              default="reach", show_default=True,
              help="reach: audience_count; followers: followers_count; engagement: "
                   "engagement_rate; niche: niche_overlap; value: customer_value (with "
                   "--customers). Ties: the other, then account.")
@top_option(20)
@engine_options("advocates")
@output_options
@as_of_option
@click.pass_obj
def advocates(obj, brand, niche, niche_method, tiers, customers, sort, top, engine, fmt, out) -> None:
    """Rank BRAND's own followers as influencers.

    \b
    tier, followers_count, engagement_rate   from the follower's profile
    niche_overlap   similarity of its tags, category and bio to --niche (0..1)
    audience_count  how many of BRAND's other observed followers follow it
    audience_share  audience_count / BRAND's other observed followers
    """
    from graphkit.cli.engines import query_engine

    if sort == "value" and not customers:
        raise click.UsageError("--sort value needs --customers")
    if customers:
        if engine == "neo4j":
            raise click.UsageError("--customers runs on the workspace only (--engine memory)")
        from queries.pools import customer_advocates

        table = customer_advocates(
            obj.graph, brand, posts=obj.posts, niche=niche,
            niche_method=niche_method, tiers=tiers, top=top, sort=sort, tier_scheme=obj.tier_scheme,
        )
    else:
        run, graph = query_engine(obj, engine, "advocates")
        table = run(
            graph, brand, niche=niche, niche_method=niche_method, tiers=tiers,
            top=top, sort=sort, tier_scheme=obj.tier_scheme,
        )
    attrs = table.attrs
    summary = (
        f"{attrs['brand']}: {attrs['audience_followers']:,} followers, "
        f"{attrs['audience_observed']:,} observed; sorted by {attrs['sort']}"
    )
    print_notes(table, out, fmt, summary)
