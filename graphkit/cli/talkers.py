"""``graphkit talkers BRAND``: who posts about the brand, or with the niche's hashtags and places?"""

from __future__ import annotations

import click

from graphkit.cli.affinity import print_notes
from graphkit.cli.help import examples
from graphkit.cli.options import as_of_option, csv_list, output_options, tier_option, top_option

__all__ = ["talkers"]


@click.command(epilog=examples(
    'graphkit -w graphkit-demo talkers acme',
    'graphkit -w graphkit-demo talkers acme --hashtag hiking --since 2026-09-01 --top 10',
))
@click.argument("brand")
@click.option("--hashtag", "hashtags", multiple=True, callback=csv_list, metavar="TAGS",
              help="Posts with one of these hashtags instead of posts about BRAND, e.g. "
                   "--hashtag trailrunning,ultrarunning.")
@click.option("--location", "locations", multiple=True, callback=csv_list, metavar="PLACES",
              help="Posts tagged at one of these places (words of the location name, or its id), "
                   "e.g. --location Denver. With --hashtag: both must hold.")
@click.option("--since", metavar="DATE", default=None, help="Only posts at or after DATE (2024-05-01).")
@tier_option
@click.option("--sort", type=click.Choice(["reach", "posts", "followers", "engagement", "recent"]),
              default="reach", show_default=True,
              help="reach: audience_count; posts: matching posts; followers: followers_count; "
                   "engagement: engagement_rate; recent: last_post. Ties: account.")
@top_option(20)
@output_options
@as_of_option
@click.pass_obj
def talkers(obj, brand, hashtags, locations, since, tiers, sort, top, fmt, out) -> None:
    """Rank the accounts posting about BRAND (from `graphkit load posts` files).

    A post is about BRAND when it mentions @BRAND, carries #BRAND, or names the
    handle in its text. With --hashtag/--location, posts matching those are
    ranked instead, whether they mention BRAND or not.

    \b
    posts            matching posts of the account (since --since)
    brand_posts      its posts about BRAND (since --since)
    engagement_rate  from its profile, else observed: mean likes + comments of
                     its last 30 posts / followers_count (engagement_from says which)
    audience_count   how many of BRAND's observed followers follow it
    follows_brand    whether it follows BRAND
    """
    from queries.talkers import talkers as run

    table = run(
        obj.graph, obj.posts, brand, hashtags=hashtags, locations=locations,
        since=since, tiers=tiers, top=top, sort=sort, tier_scheme=obj.tier_scheme,
    )
    attrs = table.attrs
    summary = (
        f"{attrs['brand']}: {attrs['posts_matched']:,} matching posts; "
        f"{attrs['audience_observed']:,} of {attrs['audience_followers']:,} followers observed; "
        f"sorted by {attrs['sort']}"
    )
    print_notes(table, out, fmt, summary)
