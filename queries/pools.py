"""Candidate pools: the people who already know a brand, as account ids.

Three warm pools of brand B, usable as the candidates of ``rank``, ``plan``
and ``advocates``:

* ``followers`` — the accounts that follow B;
* ``talkers`` — the authors of posts about B (see :func:`queries.talkers.about_brand`;
  needs ``graphkit load posts``);
* ``customers`` — the accounts with ``is_customer`` (needs ``graphkit load customers``);
* ``all`` — the union of the three (the pools that have data).

``rank --from``/``plan --from`` keep only the candidates in the pool (their own
rules, such as "followed by the audience", still apply); without ``--from``
every account is a candidate. :func:`customer_advocates` ranks customers and
followers together as influencers, with the customers' value.

Examples
--------
>>> import pandas as pd
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("ann", "acme"), ("bob", "ann"), ("cat", "bob")],
...     attributes=pd.DataFrame({"key": ["cat"], "is_customer": [True]}))
>>> posts = pd.DataFrame({"post_id": ["1"], "author": ["bob"], "mentions": ["acme"]})
>>> g.keys_of(candidate_pool(g, "acme", "followers")).tolist()
['ann']
>>> g.keys_of(candidate_pool(g, "acme", "all", posts=posts)).tolist()
['ann', 'bob', 'cat']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphkit.errors import QueryError
from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from queries.audience import audience

__all__ = ["SOURCES", "parse_sources", "candidate_pool", "workspace_pool", "customer_advocates"]

#: The pools ``--from`` accepts.
SOURCES = ("talkers", "customers", "followers", "all")
_POOLS = ("talkers", "customers", "followers")


def parse_sources(source: str | Sequence[str]) -> list[str]:
    """The pools named by ``source`` (``"all"``, ``"talkers,customers"``, or a list).

    >>> parse_sources("customers, talkers"), parse_sources(["all"])
    (['talkers', 'customers'], ['talkers', 'customers', 'followers'])
    """
    items = [s.strip().lower() for s in (source.split(",") if isinstance(source, str) else source) if s.strip()]
    unknown = [s for s in items if s not in SOURCES]
    if unknown or not items:
        raise QueryError(f"--from {', '.join(unknown) or '(empty)'!s}: choose from {', '.join(SOURCES)}")
    wanted = set(_POOLS) if "all" in items else set(items)
    return [s for s in _POOLS if s in wanted]


def _talkers(graph: FollowGraph, brand: str, posts: pd.DataFrame | None, required: bool) -> np.ndarray:
    from queries.talkers import about_brand, prepare_posts

    if posts is None or posts.empty:
        if required:
            raise QueryError("--from talkers needs posts: load them with `graphkit load posts FILE`")
        return np.empty(0, dtype=np.int64)
    table = prepare_posts(posts)
    authors = table.loc[about_brand(table, brand), "author"].astype(object).unique()
    ids = graph.index.get_indexer(authors) if len(authors) else np.empty(0, dtype=np.int64)
    return ids[ids >= 0].astype(np.int64)


def _customers(graph: FollowGraph, required: bool) -> np.ndarray:
    flags = graph.attribute("is_customer")
    if "is_customer" not in graph.accounts.columns or not flags.notna().any():
        if required:
            raise QueryError("--from customers needs customers: load them with `graphkit load customers FILE`")
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(flags.astype("boolean").fillna(False).to_numpy(dtype=bool)).astype(np.int64)


def candidate_pool(
    graph: FollowGraph,
    brand: str,
    source: str | Sequence[str] = "all",
    *,
    posts: pd.DataFrame | None = None,
) -> np.ndarray:
    """The ids of the accounts in the pool(s) ``source`` of ``brand``, sorted, without the brand.

    Parameters
    ----------
    graph : FollowGraph
    brand : str
    source : str or list of str
        ``talkers``, ``customers``, ``followers``, ``all``, or several
        (``"talkers,customers"``): the union.
    posts : DataFrame, optional
        The workspace table ``posts`` (for ``talkers``).

    Raises
    ------
    AccountNotFound
        ``brand`` is not in the graph.
    QueryError
        A pool named alone has no data (no posts, no customers), or every
        pool asked for is empty.
    """
    wanted = parse_sources(source)
    aud = audience(graph, brand)
    required = len(wanted) == 1
    parts = []
    if "talkers" in wanted:
        parts.append(_talkers(graph, aud.brand, posts, required))
    if "customers" in wanted:
        parts.append(_customers(graph, required))
    if "followers" in wanted:
        parts.append(np.asarray(aud.followers, dtype=np.int64))
    pool = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
    pool = pool[pool != aud.brand_id]
    if len(pool) == 0:
        raise QueryError(f"the pool {', '.join(wanted)} of {aud.brand!r} is empty: no account to rank")
    return pool


def workspace_pool(workspace, brand: str, source: str | Sequence[str], *,
                   graph: FollowGraph | None = None,
                   posts: pd.DataFrame | None = None) -> tuple[FollowGraph, np.ndarray]:
    """The graph (with post attributes when posts are loaded) and the pool, for CLI commands.

    ``graph`` and ``posts`` replace the workspace's graph and posts table (e.g. as of a date:
    :meth:`Workspace.graph_as_of`).

    With posts in the workspace, the graph is
    :func:`queries.talkers.with_post_attributes` of the workspace graph, so the
    pool's authors carry their hashtags (in ``tags``) and observed engagement.
    """
    from queries.talkers import with_post_attributes

    graph = workspace.graph if graph is None else graph
    posts = workspace.table("posts") if posts is None else posts
    if not posts.empty:
        graph = with_post_attributes(graph, posts)
    return graph, candidate_pool(graph, brand, source, posts=posts)


def customer_advocates(
    graph: FollowGraph,
    brand: str,
    *,
    posts: pd.DataFrame | None = None,
    niche: str | Sequence[str] | None = None,
    niche_method: str = "cosine",
    tiers: Sequence[str] | None = None,
    top: int | None = None,
    sort: str = "reach",
    tier_scheme: TierScheme | None = None,
) -> pd.DataFrame:
    """Rank ``brand``'s customers and followers together as influencers.

    The advocates table (:func:`queries.advocates.advocates`: tier,
    engagement, niche overlap, reach inside the brand's audience) over the
    customers and the followers: ``rank, account, is_customer,
    customer_value, tier, followers_count, audience_count``, the other
    advocates columns, then ``follows_brand, orders_count, last_order``. With ``posts``,
    post authors carry their hashtags and observed engagement
    (:func:`queries.talkers.with_post_attributes`). ``sort="value"`` ranks by
    ``customer_value``, then reach; the other sorts are those of advocates.

    Raises
    ------
    QueryError
        No customers loaded; bad options (those of advocates).

    Examples
    --------
    >>> from graphkit.graph import FollowGraph
    >>> attrs = pd.DataFrame({"key": ["cat", "dan"], "is_customer": [True, True],
    ...                       "customer_value": [50.0, 900.0], "followers_count": [12_000, 300]})
    >>> g = FollowGraph.from_pairs([("ann", "acme"), ("bob", "acme"), ("ann", "cat"), ("bob", "cat"),
    ...                             ("ann", "bob")], observed=["ann", "bob"], attributes=attrs)
    >>> customer_advocates(g, "acme")[["account", "tier", "audience_count", "is_customer", "follows_brand"]]
      account     tier  audience_count  is_customer  follows_brand
    0     cat    micro               2         True          False
    1     bob  unknown               1        False           True
    2     dan  regular               0         True          False
    3     ann  unknown               0        False           True
    >>> customer_advocates(g, "acme", sort="value")["account"].tolist()[:2]
    ['dan', 'cat']
    """
    from queries.advocates import advocates
    from queries.ranking import order_rows

    if top is not None and top < 1:
        raise QueryError(f"--top must be at least 1, not {top}")
    if posts is not None and not posts.empty:
        from queries.talkers import with_post_attributes

        graph = with_post_attributes(graph, posts)
    aud = audience(graph, brand)
    customers = _customers(graph, required=True)
    pool = np.unique(np.concatenate([customers, np.asarray(aud.followers, dtype=np.int64)]))
    pool = pool[pool != aud.brand_id]
    table = advocates(graph, brand, niche=niche, niche_method=niche_method, tiers=tiers, top=None,
                      sort="reach" if sort == "value" else sort, tier_scheme=tier_scheme, pool=pool)
    ids = graph.index.get_indexer(table["account"].astype(object).to_numpy())
    table["is_customer"] = np.isin(ids, customers)
    table["follows_brand"] = np.isin(ids, aud.followers)
    for name, dtype in (("customer_value", "Float64"), ("orders_count", "Int64"), ("last_order", "string")):
        table[name] = pd.array(graph.attribute(name).iloc[ids].to_numpy(dtype=object), dtype=dtype)
    if sort == "value":
        table = order_rows(table, ["customer_value", "audience_count"])
        table.attrs["sort"] = "value"
    if top is not None:
        table = table.head(top)
    attrs = dict(table.attrs)
    first = ["account", "is_customer", "customer_value", "tier", "followers_count", "audience_count"]
    table = table[first + [c for c in table.columns if c not in first and c != "rank"]].reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.attrs.update(attrs)
    table.attrs["customers"] = len(customers)
    return table
