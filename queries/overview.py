"""The overview of a brand: its audience, what that audience follows by tier, the data behind it.

What a marketer checks before trusting a shortlist:

* :func:`audience_summary` — followers in the graph, how many are *observed*
  (following list loaded), and the worst-case margin of error of any audience
  share measured on them, with the small-sample warning: the same numbers as
  affinity's header, from :mod:`queries.sample_size` (corrected for the finite
  population when the brand's follower count is declared). It assumes the
  observed followers are like the others, which a scrape that favours public
  or active accounts may not be.
* :func:`tier_mix` — the tiers of the accounts the observed audience follows.
* :func:`brand_index` and :func:`brand_search` — accounts that have followers,
  for a brand picker.
* :func:`workspace_sources` and :func:`crawl_progress` — the files loaded and
  their dates; the progress of every crawl job, from the crawlers' state
  (``crawl:<platform>`` meta documents, :func:`loaders.crawl.crawl_documents`).

Examples
--------
>>> from graphkit.graph import FollowGraph
>>> g = FollowGraph.from_pairs([("a", "brand"), ("b", "brand"), ("c", "brand"), ("a", "x")],
...                            observed=["a", "b"])
>>> s = audience_summary(g, "brand")
>>> s["followers"], s["observed"], round(s["margin_of_error"], 3), s["sample_warning"][:22]
(3, 2, 0.693, 'only 2 of 3 followers ')
>>> brand_search(g, "b")["account"].tolist()
['brand']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.graph import FollowGraph
from graphkit.tiers import TierScheme
from loaders.crawl import crawl_documents
from queries.affinity import DEFAULT_Z
from queries.audience import audience, audience_counts, observed_in_degree
from queries.sample_size import sample_attrs

__all__ = [
    "audience_summary",
    "tier_mix",
    "brand_index",
    "brand_search",
    "workspace_sources",
    "crawl_progress",
    "progress_text",
]

def audience_summary(graph: FollowGraph, brand: str) -> dict:
    """Followers, observed followers, observed share, margin of error and follows of ``brand``.

    Returns
    -------
    dict
        ``brand, followers, observed, observed_share``; ``margin_of_error``
        (worst case, 95 %; ``None`` with no observed follower),
        ``margin_population`` (the population it is corrected for, ``None``
        when the brand declares no follower count), ``confidence`` and
        ``sample_warning`` (:func:`queries.sample_size.sample_attrs`, as in
        affinity's header); ``following`` (accounts the brand follows),
        ``followers_count`` (declared, ``None`` without a profile).
    """
    aud = audience(graph, brand)
    declared = graph.attribute("followers_count").iloc[aud.brand_id]
    declared = None if pd.isna(declared) else int(declared)
    sample = sample_attrs(aud.n_observed, aud.n_followers, declared, DEFAULT_Z) if aud.n_observed else {
        "share_margin": None, "share_margin_population": None, "confidence": 0.95, "sample_warning": None}
    return {
        "brand": aud.brand,
        "followers": aud.n_followers,
        "observed": aud.n_observed,
        "observed_share": aud.n_observed / aud.n_followers if aud.n_followers else 0.0,
        "margin_of_error": sample["share_margin"],
        "margin_population": sample["share_margin_population"],
        "confidence": sample["confidence"],
        "sample_warning": sample["sample_warning"],
        "following": int(len(graph.following(aud.brand_id))),
        "followers_count": declared,
    }


def tier_mix(graph: FollowGraph, brand: str, *, tier_scheme: TierScheme | None = None) -> pd.DataFrame:
    """What the brand's observed audience follows, by tier of the followed account.

    Returns
    -------
    DataFrame
        ``tier, accounts`` (distinct accounts followed by at least one observed
        follower), ``follows`` (follows from the observed audience into the
        tier), ``follows_share`` (of all those follows); one row per tier of
        the scheme, ``unknown`` first. Uses
        :func:`queries.audience.audience_counts`, the counts behind ``affinity``.

    Examples
    --------
    >>> g = FollowGraph.from_pairs([("f", "brand"), ("f", "x"), ("g", "brand"), ("g", "x")])
    >>> mix = tier_mix(g, "brand")
    >>> mix[mix.accounts > 0][["tier", "accounts", "follows"]].values.tolist()
    [['unknown', 1, 2]]
    """
    scheme = tier_scheme or TierScheme.default()
    aud = audience(graph, brand, require_observed=True)
    counts = audience_counts(graph, aud.observed)
    counts[aud.brand_id] = 0
    followed = np.flatnonzero(counts > 0)
    tiers = scheme.assign(graph.attribute("followers_count").iloc[followed].to_numpy())
    frame = pd.DataFrame({"tier": tiers, "follows": counts[followed].astype(np.int64)})
    grouped = frame.groupby("tier", observed=False)["follows"].agg(["size", "sum"])
    out = pd.DataFrame({
        "tier": list(scheme.all_names),
        "accounts": grouped["size"].reindex(scheme.all_names, fill_value=0).to_numpy(dtype=np.int64),
        "follows": grouped["sum"].reindex(scheme.all_names, fill_value=0).to_numpy(dtype=np.int64),
    })
    total = out["follows"].sum()
    out["follows_share"] = out["follows"] / total if total else 0.0
    return out


def brand_index(graph: FollowGraph) -> pd.DataFrame:
    """Every account with followers, best known first: the list a brand picker searches.

    Returns
    -------
    DataFrame
        ``account, followers`` (in the graph), ``observed`` (observed
        followers), ``display_name``; by observed followers, then followers
        (both descending), then load order (sorting 700,000 keys by name would
        cost a second at 10 M follows). Build it once per graph;
        :func:`brand_search` reads it.
    """
    in_degree = np.asarray(graph.in_degree(), dtype=np.int64)
    candidates = np.flatnonzero(in_degree > 0)
    observed = observed_in_degree(graph)[candidates]
    order = np.lexsort((candidates, -in_degree[candidates], -observed))
    chosen = candidates[order]
    return pd.DataFrame({
        "account": pd.array(graph.keys_of(chosen), dtype="string"),
        "followers": in_degree[chosen],
        "observed": observed[order].astype(np.int64),
        "display_name": pd.array(graph.attribute("display_name").iloc[chosen].astype(object).to_numpy(),
                                 dtype="string"),
    })


def brand_search(index: pd.DataFrame | FollowGraph, text: str = "", *, limit: int = 20) -> pd.DataFrame:
    """The first ``limit`` accounts of :func:`brand_index` whose key or display name contains ``text``.

    ``index`` may be a graph (its index is built for this call). Matching is
    case-insensitive and ignores a leading ``@``; an empty ``text`` lists the
    accounts with the most observed followers. The index is scanned in order,
    in blocks, so a common query stops early.
    """
    if isinstance(index, FollowGraph):
        index = brand_index(index)
    needle = str(text or "").strip().lower().lstrip("@")
    if not needle:
        return index.head(limit).reset_index(drop=True)
    found: list[np.ndarray] = []
    total = 0
    block = 65_536
    for start in range(0, len(index), block):
        part = index.iloc[start : start + block]
        match = part["account"].str.contains(needle, regex=False).to_numpy(dtype=bool)
        names = part["display_name"]
        if names.notna().any():
            match |= names.str.lower().str.contains(needle, regex=False).fillna(False).to_numpy(dtype=bool)
        hits = np.flatnonzero(match) + start
        found.append(hits)
        total += len(hits)
        if total >= limit:
            break
    rows = np.concatenate(found)[:limit] if found else np.empty(0, dtype=np.int64)
    return index.iloc[rows].reset_index(drop=True)


def workspace_sources(workspace) -> pd.DataFrame:
    """The sources a workspace was loaded from: ``kind, owner, path, format, loaded_at``, oldest first.

    >>> import tempfile
    >>> from graphkit.tables import SourceTables
    >>> from graphkit.workspace import Workspace
    >>> ws = Workspace(tempfile.mkdtemp() + "/ws")
    >>> _ = ws.commit([SourceTables.from_pairs("a.csv", [("a", "b")])])
    >>> workspace_sources(ws)[["kind", "path", "format"]].values.tolist()
    [[None, 'a.csv', 'pairs']]
    """
    columns = ["kind", "owner", "path", "format", "loaded_at"]
    sources = workspace.sources()
    if sources.empty:
        return pd.DataFrame(columns=columns)
    return sources[columns].astype(object).where(sources[columns].notna(), None).reset_index(drop=True)


def crawl_progress(workspace) -> list[dict]:
    """Every crawl job of the workspace with its progress, newest first.

    Read from the crawlers' state (:func:`loaders.crawl.crawl_documents`). Each
    item: ``platform``, ``job``, ``command``, ``targets``, ``stage``,
    ``started``, ``updated``, ``finished`` (``None`` while unfinished: running,
    or stopped and resumable), ``progress`` (the job's counters as stored:
    requests and lists done/planned, retries, rate-limit waits, skipped
    accounts, accounts, follows) and ``text``, one line for people.

    >>> class Ws:
    ...     def meta_names(self, prefix):
    ...         return ["crawl:bluesky"]
    ...     def meta(self, name):
    ...         return {"jobs": {"audience acme.bsky.social": {
    ...         "command": "audience", "stage": "following", "started": "2026-01-01T10:00:00Z",
    ...         "updated": "2026-01-01T10:05:00Z", "finished": None,
    ...         "progress": {"requests_done": 120, "requests_planned": 300, "lists_done": 40,
    ...                      "lists_planned": 100, "retries": 2, "rate_limit_waits": 1, "skipped": 3}}}}
    >>> [(c["platform"], c["job"], c["text"]) for c in crawl_progress(Ws())]
    [('bluesky', 'audience acme.bsky.social', 'lists 40 of 100 (40%), requests 120 of 300, 2 retries, 1 rate-limit wait, 3 skipped')]
    """
    out = []
    for platform, document in sorted(crawl_documents(workspace).items()):
        for job, entry in (document.get("jobs") or {}).items():
            if not isinstance(entry, dict):
                continue
            progress = entry.get("progress") if isinstance(entry.get("progress"), dict) else {}
            out.append({
                "platform": platform, "job": job, "command": entry.get("command"),
                "targets": list(entry.get("targets") or []), "stage": entry.get("stage"),
                "started": entry.get("started"), "updated": entry.get("updated"),
                "finished": entry.get("finished"), "progress": progress, "text": progress_text(progress),
            })
    out.sort(key=lambda item: str(item["updated"] or item["started"] or ""), reverse=True)
    return out


def progress_text(progress: dict) -> str:
    """A crawl job's counters in one line (see :func:`crawl_progress`).

    >>> progress_text({"lists_done": 3, "lists_planned": 3, "requests_done": 7, "requests_planned": 7,
    ...                "retries": 0, "rate_limit_waits": 0, "skipped": 0})
    'lists 3 of 3 (100%), requests 7 of 7'
    >>> progress_text({})
    'no progress recorded yet'
    """
    def number(name: str) -> int:
        value = progress.get(name)
        return int(value) if isinstance(value, (int, float)) else 0

    parts = []
    for what in ("lists", "requests"):
        done, planned = number(f"{what}_done"), number(f"{what}_planned")
        if done or planned:
            share = f" ({done / planned:.0%})" if what == "lists" and planned else ""
            parts.append(f"{what} {done:,} of {planned:,}{share}")
    retries, waits, skipped = number("retries"), number("rate_limit_waits"), number("skipped")
    if retries:
        parts.append(f"{retries:,} {'retry' if retries == 1 else 'retries'}")
    if waits:
        parts.append(f"{waits:,} rate-limit wait{'' if waits == 1 else 's'}")
    if skipped:
        parts.append(f"{skipped:,} skipped")
    return ", ".join(parts) or "no progress recorded yet"
