"""Random sequences of loads against a slow, obvious model of what the workspace must hold.

The model keeps, in plain Python, every account (ids in first-appearance order),
its attributes, and every spell of every follow, applying each commit's sources
by the rules of graphkit.workspace (sightings widen or open a spell; a whole list
ends the follows of its owner that an earlier whole list of the same side held
and that this commit did not see). The workspace is driven through segments,
tiered segment merges, automatic and explicit compaction; after every commit
its graph, history, counts and the pure-pyarrow reading of its data files must
equal the model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from graphkit.clock import parse_instant
from graphkit.tables import SourceTables
from graphkit.workspace import Workspace
from graphkit.workspace.datafiles import combine
from graphkit.workspace.history import follow_spells

BY_FOLLOWER, BY_FOLLOWEE = 1, 2


def _seconds(text: str) -> int:
    return int(parse_instant(text).timestamp())


def _accounts(source: SourceTables) -> pd.DataFrame:
    """The source's account table (``None``: it gives no attributes)."""
    return source.accounts if source.accounts is not None else pd.DataFrame({"key": []})


@dataclass
class Model:
    keys: list[str] = field(default_factory=list)
    followers_count: dict[str, int] = field(default_factory=dict)
    observed: set[str] = field(default_factory=set)
    #: (follower, followee) -> [[first, last, ended or None, listed], ...]
    spells: dict[tuple[str, str], list[list]] = field(default_factory=dict)

    def current(self) -> set[tuple[str, str]]:
        return {pair for pair, spells in self.spells.items() if spells[-1][2] is None}

    def _name(self, key: str) -> None:
        if key not in self.keys:
            self.keys.append(key)

    def commit(self, sources: list[SourceTables], now: int) -> None:
        for source in sources:  # ids: in the order the sources name keys (accounts, observed, follows, lists)
            for key in _accounts(source)["key"]:
                self._name(key)
            for key in sorted(source.observed):
                self._name(key)
            for chunk in source.follows:
                for key in list(chunk["follower"]) + list(chunk["followee"]):
                    self._name(key)
            for key in sorted(source.complete_following) + sorted(source.complete_followers):
                self._name(key)
        seen_now = set()
        for source in sources:
            when = _seconds(source.seen_at) if source.seen_at else now
            if "followers_count" in _accounts(source).columns:
                for key, count in zip(source.accounts["key"], source.accounts["followers_count"]):
                    if not pd.isna(count):
                        self.followers_count[key] = int(count)
            self.observed |= set(source.observed)
            for chunk in source.follows:
                for a, b in zip(chunk["follower"], chunk["followee"]):
                    if source.observe_followers:  # a follower of an edge list, even of a dropped self-follow
                        self.observed.add(a)
                    if a == b:
                        continue
                    bits = (BY_FOLLOWER if a in source.complete_following else 0) | \
                           (BY_FOLLOWEE if b in source.complete_followers else 0)
                    spells = self.spells.setdefault((a, b), [])
                    if spells and spells[-1][2] is None:
                        spell = spells[-1]
                        spell[0], spell[1], spell[3] = min(spell[0], when), max(spell[1], when), spell[3] | bits
                    else:
                        spells.append([when, when, None, bits])
                    seen_now.add((a, b))
        before = {pair: list(spells[-1]) for pair, spells in self.spells.items() if spells[-1][2] is None}
        ends = []
        for side, bit in ((0, BY_FOLLOWER), (1, BY_FOLLOWEE)):
            owners = {}
            for source in sources:
                when = _seconds(source.seen_at) if source.seen_at else now
                lists = source.complete_following if side == 0 else source.complete_followers
                for key, start in lists.items():
                    owners[key] = (None if start is None else _seconds(start), when)
            for pair, spell in before.items():
                if pair[side] not in owners or pair in seen_now:
                    continue
                start, when = owners[pair[side]]
                if start is not None and spell[1] >= start:
                    self.spells[pair][-1][3] |= bit  # seen since the list's sighting began: the list's
                elif spell[3] & bit:
                    ends.append((pair, start if start is not None else when))
        for pair, when in ends:
            if self.spells[pair][-1][2] is None:
                self.spells[pair][-1][2] = when


class Scenario:
    """Random sources over a small set of accounts, so that follows are seen again and dropped."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = [f"u{i}" for i in range(14)]
        self.day = 0
        self.crawls: dict[str, str] = {}  # owner -> when its crawl began

    def time(self) -> str:
        self.day += 1
        return f"2026-01-{1 + self.day // 24:02d}T{self.day % 24:02d}:00:00Z"

    def pairs_frame(self, pairs):
        return pd.DataFrame(pairs, columns=["follower", "followee"], dtype="string")

    def source(self) -> SourceTables:
        rng, people = self.rng, self.people
        kind = rng.choice(["following", "following", "followers", "edges", "profiles", "crawl"])
        when = self.time() if rng.random() < 0.8 else None
        name = f"{kind}-{rng.randrange(4)}.csv"
        if kind == "following":
            owner = rng.choice(people)
            listed = rng.sample(people, rng.randrange(0, 6))
            source = SourceTables(name, "pairs", follows=[self.pairs_frame([(owner, x) for x in listed])],
                                  observed={owner}, complete_following={owner: None})
        elif kind == "followers":
            owner = rng.choice(people)
            listed = rng.sample(people, rng.randrange(0, 6))
            source = SourceTables(name, "pairs", follows=[self.pairs_frame([(x, owner) for x in listed])],
                                  complete_followers={owner: None})
        elif kind == "edges":
            pairs = [(rng.choice(people), rng.choice(people)) for _ in range(rng.randrange(1, 8))]
            source = SourceTables(name, "pairs", follows=[self.pairs_frame(pairs)], observe_followers=True)
        elif kind == "profiles":
            chosen = rng.sample(people + ["p_new"], 3)
            counts = pd.array([rng.choice([None, rng.randrange(10**6)]) for _ in chosen], dtype="Int64")
            source = SourceTables(name, "profiles", accounts=pd.DataFrame({
                "key": pd.array(chosen, dtype="string"), "followers_count": counts}))
        else:  # one page of a crawl of a following list; the last page says the list is complete
            owner = rng.choice(people[:4])
            when = self.time()
            began = self.crawls.setdefault(owner, when)
            page = rng.sample(people, rng.randrange(0, 4))
            source = SourceTables(f"crawl:{owner}", "crawl", follows=[self.pairs_frame([(owner, x) for x in page])])
            if rng.random() < 0.4:
                source.complete_following = {owner: began}
                source.observed = {owner}
                del self.crawls[owner]
        source.seen_at = when
        source.rows_read = sum(len(c) for c in source.follows)
        return source


def _check(ws_path, model: Model) -> None:
    with Workspace(ws_path) as ws:
        graph = ws.graph
        assert graph.keys.tolist() == model.keys
        follows = set(zip(graph.keys_of(graph.sources()).tolist(), graph.keys_of(graph.out_indices).tolist()))
        assert follows == model.current()
        assert set(graph.keys_of(np.flatnonzero(graph.observed)).tolist()) == model.observed
        counts = graph.attribute("followers_count")
        got = {k: int(v) for k, v in zip(graph.keys, counts) if not pd.isna(v)}
        assert got == model.followers_count
        assert ws.manifest["counts"]["accounts"] == len(model.keys)
        assert ws.manifest["counts"]["follows"] == len(follows)
        assert ws.manifest["counts"]["observed"] == len(model.observed)
        # the reverse direction agrees with the forward one
        reverse = set(zip(graph.keys_of(np.repeat(np.arange(graph.n_accounts), graph.in_degree())).tolist(),
                          graph.keys_of(graph.in_indices).tolist()))
        assert {(b, a) for a, b in reverse} == follows
        # history: every spell, with its first and last sighting and its end
        spells = follow_spells(ws)
        got_spells = sorted(
            (a, b, int(f.timestamp()), int(last.timestamp()), -1 if pd.isna(e) else int(e.timestamp()))
            for a, b, f, last, e in spells[["follower", "followee", "first_seen", "last_seen", "ended"]]
            .itertuples(index=False, name=None))
        want = sorted((a, b, s[0], s[1], -1 if s[2] is None else s[2])
                      for (a, b), spells in model.spells.items() for s in spells)
        assert got_spells == want
        # another engine reading the data files by the documented rules sees the same graph
        accounts, edges = combine(ws.data_files())
        assert accounts.column("key").to_pylist() == model.keys
        keys = np.array(model.keys, dtype=object)
        pairs = zip(keys[edges.column("follower").to_numpy()], keys[edges.column("followee").to_numpy()])
        assert set(pairs) == follows


@pytest.mark.parametrize("seed", range(6))
def test_random_loads_match_the_model(tmp_path, monkeypatch, seed):
    import graphkit.workspace.compaction as compaction
    import graphkit.workspace.segments as segments

    rng = random.Random(1000 + seed)
    monkeypatch.setattr(segments, "FANOUT", 3)  # merge tiers early
    # small shares on odd seeds (compaction by itself often), none on even ones (long segment chains)
    share = 0.3 if seed % 2 else 1e9
    monkeypatch.setattr(compaction, "FOLLOW_SHARE", share)
    monkeypatch.setattr(compaction, "ACCOUNT_SHARE", share)
    monkeypatch.setenv("GRAPHKIT_NOW", "2026-06-01T00:00:00Z")
    scenario, model = Scenario(seed), Model()
    ws_path = tmp_path / "ws"
    chain = []
    for step in range(40):
        sources = [scenario.source() for _ in range(rng.randrange(1, 4))]
        Workspace(ws_path).commit(sources)
        model.commit(sources, _seconds("2026-06-01T00:00:00Z"))
        chain.append(len(Workspace(ws_path).manifest["segments"]))
        if rng.random() < 0.1:
            Workspace(ws_path).compact()
        if step % 5 == 4 or step == 39:
            _check(ws_path, model)
    if share > 1e6:
        assert max(chain) >= 4, "with compaction off the loads stay in segments"
        assert max(chain) <= 8, "tiered merging keeps the chain short"
    Workspace(ws_path).compact()
    _check(ws_path, model)
    assert not Workspace(ws_path).manifest["segments"]
