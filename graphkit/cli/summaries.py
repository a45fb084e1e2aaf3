"""The first sentence of every top-level command, so that ``graphkit --help`` imports none of them.

Copied from the commands themselves; ``tests/core/test_help_summaries.py`` fails (and prints
the current dictionary) when one is stale or missing. A command missing here is still listed:
``--help`` then imports it.
"""

from __future__ import annotations

__all__ = ["SUMMARIES"]

#: command name -> what ``--help`` lists beside it
SUMMARIES: dict[str, str] = {
    'crawl': 'Fetch follower and following lists from Bluesky, Mastodon and the X API.',
    'load': 'Read files into the workspace (one atomic update per command).',
    'info': 'Describe the workspace: accounts, follows, observed accounts, sources, tiers.',
    'compact': "Rewrite the workspace's base and segments as one new base.",
    'affinity': "Rank the accounts BRAND's observed followers follow, against a baseline.",
    'advocates': "Rank BRAND's own followers as influencers.",
    'talkers': 'Rank the accounts posting about BRAND (from `graphkit load posts` files).',
    'changes': "What changed in BRAND's audience between two dates: followers, shares, tiers, handles.",
    'expand': 'List the accounts within --hops follows of SEED, most relevant first.',
    'rank': "Score and rank the accounts BRAND's observed followers follow.",
    'centrality': 'Rank accounts by a centrality measure.',
    'lookalikes': "Find accounts whose audience looks like SEED's.",
    'overlap': 'Compare the audiences of two or more ACCOUNTS, to deduplicate a shortlist.',
    'segments': "Split BRAND's audience into communities and show what each one follows.",
    'landscape': "The communities BRAND's audience lives in, and who leads each.",
    'export': "Write the workspace's tables (or a neighbourhood, or a landscape) to files.",
    'plan': "Pick influencers whose combined reach into BRAND's audience is largest within --budget.",
    'report': 'Write a one-page HTML report on BRAND that works offline.',
    'serve': 'Open the workspace in a local web app: overview, shortlist, landscape, plan.',
    'formats': 'List the input formats graphkit reads, and how to get each.',
    'demo': "Build a sample workspace and show who the brand's followers follow.",
    'neo4j': 'Keep the graph in Neo4j: push a workspace, pull a graph, check the server.',
}

