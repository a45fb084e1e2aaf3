"""Niche overlap: tokenization rules, similarity against plain set arithmetic, real ego-Twitter hashtags."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from graphkit.algorithms.niche import account_terms, niche_overlap, niche_terms, similarity, terms
from graphkit.errors import QueryError
from graphkit.graph import FollowGraph


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#Hiking", ["hiking"]),
        ("HIKING hiking #hiking", ["hiking"]),
        ("ＨＩＫＩＮＧ", ["hiking"]),  # full-width letters, NFKC
        ("trail-running and trail_running", ["trail", "running"]),
        ("#trail_running", ["trailrunning", "trail", "running"]),
        ("trails outdoors fitness campus analysis", ["trail", "outdoor", "fitness", "campus", "analysis"]),
        ("The best of 2024 in my city", ["best", "city"]),
        ("Shop @REI_Coop now!", ["shop", "@rei_coop", "now"]),
        ("a b c 1 22", []),
        ("", []),
    ],
)
def test_terms(text, expected):
    assert terms(text) == expected


def test_phrase_joins_words():
    assert terms("Trail Running", phrase=True) == ["trail", "running", "trailrunning"]
    assert terms("hiking", phrase=True) == ["hiking"]
    assert terms(pd.NA) == [] and terms(None) == []


def test_niche_terms_and_errors():
    assert niche_terms("#Hiking, camping; hiking") == {"hiking": 1.0, "camping": 1.0}
    assert niche_terms(["trail running"]) == {"trail": 1.0, "running": 1.0, "trailrunning": 1.0}
    with pytest.raises(QueryError, match="no usable term"):
        niche_terms(" , the, #")


def test_account_terms_weights_by_field():
    got = account_terms(tags="#camping,gear", category="Outdoor & Hiking", bio="I love hiking. #Camping forever")
    assert got == {"camping": 1.0, "gear": 1.0, "outdoor": 1.0, "hiking": 1.0, "love": 0.5, "forever": 0.5}
    assert account_terms(bio="hiking") == {"hiking": 0.5}


def dense_cosine(a: dict, b: dict) -> float:
    vocab = sorted(set(a) | set(b))
    x = np.array([a.get(t, 0.0) for t in vocab])
    y = np.array([b.get(t, 0.0) for t in vocab])
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@pytest.mark.parametrize(
    ("niche", "profile"),
    [
        ({"a": 1.0, "b": 1.0}, {"a": 1.0, "c": 0.5}),
        ({"a": 1.0}, {"a": 0.5}),
        ({"a": 1.0, "b": 1.0, "c": 1.0}, {"d": 1.0}),
        ({"x": 1.0, "y": 1.0}, {"x": 1.0, "y": 0.5, "z": 0.5, "w": 1.0}),
    ],
)
def test_similarity_against_dense_vectors(niche, profile):
    assert similarity(niche, profile) == pytest.approx(dense_cosine(niche, profile))
    vocab = set(niche) | set(profile)
    low = sum(min(niche.get(t, 0), profile.get(t, 0)) for t in vocab)
    high = sum(max(niche.get(t, 0), profile.get(t, 0)) for t in vocab)
    assert similarity(niche, profile, "jaccard") == pytest.approx(low / high)


def test_similarity_by_hand():
    # niche {hiking, camping}; profile hiking 1, camping 1, outdoor 0.5 -> 2 / (sqrt 2 * 1.5)
    niche = niche_terms("hiking,camping")
    profile = account_terms(tags="hiking,camping", bio="outdoors")
    assert similarity(niche, profile) == pytest.approx(2 / (math.sqrt(2) * 1.5))
    assert similarity(niche, profile, "jaccard") == pytest.approx(2 / 2.5)
    assert similarity(niche, {}) == 0.0
    with pytest.raises(QueryError, match="unknown niche similarity"):
        similarity(niche, profile, "dice")


def test_niche_overlap_on_a_graph():
    attrs = pd.DataFrame({
        "key": ["a", "b", "c", "d"],
        "tags": ["hiking,camping", None, "baking", None],
        "category": [None, "Hiking", None, None],
        "bio": [None, None, None, "   "],
    })
    graph = FollowGraph.from_pairs([("a", "b"), ("c", "d"), ("e", "a")], attributes=attrs)
    got = niche_overlap(graph, graph.ids_of(["a", "b", "c", "d", "e"]), "hiking")
    assert got[:3].tolist() == pytest.approx([1 / math.sqrt(2), 1.0, 0.0])
    assert np.isnan(got[3]) and np.isnan(got[4])  # blank bio and no profile: unknown, not 0


def test_niche_overlap_without_any_profile_column():
    graph = FollowGraph.from_pairs([("a", "b")])
    assert np.isnan(niche_overlap(graph, [0, 1], "hiking")).all()


def test_niche_overlap_on_ego_twitter_hashtags(shared_data):
    """Ego 12831's nodes tagged with their hashtag features; cosine = |N ∩ T| / sqrt(|N| |T|)."""
    folder = shared_data / "snap/ego-twitter/egos_sample"
    names = [line.split(" ", 1)[1] for line in (folder / "12831.featnames").read_text().splitlines()]
    # keep the hashtags whose single term is the hashtag itself, so plain sets are a fair reference
    simple = {i: n for i, n in enumerate(names) if n.startswith("#") and terms(n) == [n[1:]]}
    tags = {}
    for line in (folder / "12831.feat").read_text().splitlines():
        node, *bits = line.split()
        own = {simple[i] for i, bit in enumerate(bits) if bit == "1" and i in simple}
        if own:
            tags[node] = own
    assert len(tags) > 50
    popular = pd.Series([t for s in tags.values() for t in s]).value_counts().index[:3].tolist()
    pairs = [tuple(line.split()) for line in (folder / "12831.edges").read_text().splitlines()]
    attrs = pd.DataFrame({"key": list(tags), "tags": [",".join(sorted(s)) for s in tags.values()]})
    graph = FollowGraph.from_pairs(pairs, attributes=attrs)
    niche = {t[1:] for t in popular}
    ids = np.arange(graph.n_accounts)
    got = niche_overlap(graph, ids, ",".join(popular))
    for key, value in zip(graph.keys, got):
        if key not in tags:
            assert np.isnan(value)
            continue
        own = {t[1:] for t in tags[key]}
        assert value == pytest.approx(len(niche & own) / math.sqrt(len(niche) * len(own)))
    assert (got > 0).sum() > 5
