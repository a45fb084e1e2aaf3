"""Niche overlap: how close an account's profile text is to a brand's niche terms.

An account describes its niche in three profile fields: ``tags`` (niche
keywords and hashtags, stored as one comma-separated string, see
:func:`graphkit.schema.split_tags`), ``category`` and ``bio``. The brand gives
its niche as a few terms (``"hiking, camping, trail running"``). Both sides
become weighted term sets and are compared with cosine similarity (default) or
weighted Jaccard.

Tokenization (:func:`terms`)
    1. The text is NFKC-normalized and case-folded.
    2. A token is a run of letters and digits, optionally starting with ``#`` or
       ``@``, whose parts may be joined by ``_``, ``-`` or an apostrophe
       (regex ``[#@]?[^\\W_]+(?:[_'’-][^\\W_]+)*``).
    3. A ``@mention`` is kept whole (``@rei``): it names an account, not a topic.
    4. Otherwise a leading ``#`` is dropped (``#hiking`` and ``hiking`` are the
       same term) and a joined token yields its parts (``trail-running`` ->
       ``trail``, ``running``).
    5. Plurals are folded: a word of four letters or more ending in ``s``, but
       not in ``ss``, ``us`` or ``is``, loses the ``s`` (``trails`` -> ``trail``,
       ``outdoors`` -> ``outdoor``; ``fitness`` stays).
    6. Dropped: tokens shorter than two characters, numbers, and common English
       stop words (``the``, ``and``, ``my``, ...).
    7. A *phrase* — one tag or one niche term — of two words or more also
       yields its words run together, so the tag ``trail running`` matches the
       hashtag ``#trailrunning``. A category is not a phrase (``Food & Drink``
       names two topics).

Weights
    Niche terms weigh 1. An account's term weighs 1 when it comes from its
    tags, its category or a hashtag in its bio (deliberate labels), and 0.5
    when it is only a word of its bio (prose mentions a topic in passing). A
    term found in several fields keeps its largest weight.

Similarity
    ``cosine`` (default): ``sum_t n_t a_t / (|n| |a|)``, in ``[0, 1]``. A profile
    that covers every niche term and nothing else scores 1; a profile listing
    fifty topics among which the niche's is diluted, so tag spam does not win.
    ``jaccard`` (weighted Jaccard): ``sum_t min(n_t, a_t) / sum_t max(n_t, a_t)``,
    stricter: every extra term of either side lowers it.

An account with no tags, category or bio (no profile loaded) has no overlap
(``NaN``), which is not the same as a profile that matches nothing (``0``).

Examples
--------
>>> terms("Hiking & camping in the Alps! #TrailRunning @REI")
['hiking', 'camping', 'alp', 'trailrunning', '@rei']
>>> niche = niche_terms("hiking, trail running")
>>> sorted(niche)
['hiking', 'running', 'trail', 'trailrunning']
>>> profile = account_terms(tags="#hiking,#camping", category="Outdoor", bio="Trail runner.")
>>> profile
{'hiking': 1.0, 'camping': 1.0, 'outdoor': 1.0, 'trail': 0.5, 'runner': 0.5}
>>> round(similarity(niche, profile), 4)  # 1.5 / (2 * sqrt(3.5))
0.4009
>>> round(similarity(niche, profile, method="jaccard"), 4)  # 1.5 / 6.5
0.2308
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from graphkit.errors import QueryError
from graphkit.schema import split_tags

if TYPE_CHECKING:  # pragma: no cover
    from graphkit.graph import FollowGraph

__all__ = [
    "METHODS",
    "PROFILE_FIELDS",
    "terms",
    "niche_terms",
    "account_terms",
    "similarity",
    "niche_overlap",
]

#: Similarity measures :func:`similarity` knows.
METHODS = ("cosine", "jaccard")

#: The account attributes whose text describes its niche.
PROFILE_FIELDS = ("tags", "category", "bio")

#: Weight of a term that only appears in the prose of a bio.
BIO_WORD_WEIGHT = 0.5

_TOKEN = re.compile(r"[#@]?[^\W_]+(?:[_'’-][^\W_]+)*")
_JOINERS = re.compile(r"[_'’-]")
_STOP_WORDS = frozenset(
    """
    a about all also am an and any are as at be been being but by can co de do for from
    get got had has have he her here him his how i if in into is it its just la le me
    more most my new no not of on one only or our out over so some than that the their
    them then there these they this to too up us very was we were what when where which
    who will with you your yours
    """.split()
)


def _fold(word: str) -> str:
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _keep(word: str) -> bool:
    return len(word) >= 2 and not word.isdigit() and word not in _STOP_WORDS


def _tokens(text: str) -> list[tuple[str, bool]]:
    """``(term, is_hashtag)`` of every token of ``text`` (no phrase joining)."""
    out: list[tuple[str, bool]] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        if token.startswith("@"):
            if len(token) > 2:
                out.append((token, False))
            continue
        hashtag = token.startswith("#")
        parts = _JOINERS.split(token.lstrip("#"))
        if hashtag and len(parts) > 1:
            parts = ["".join(parts), *parts]
        out.extend((_fold(p), hashtag) for p in parts if _keep(p))
    return out


def terms(text: object, *, phrase: bool = False) -> list[str]:
    """The terms of a text, in order of first appearance, without repeats.

    Parameters
    ----------
    text : str or None
        Any text (bio, category, one tag, one niche term). ``None``/NA give ``[]``.
    phrase : bool
        Treat ``text`` as one label: when it has two words or more, their
        concatenation is a term too.

    Examples
    --------
    >>> terms("The trails of Colorado's #14ers")
    ['trail', 'colorado', '14er']
    >>> terms("Trail Running", phrase=True)
    ['trail', 'running', 'trailrunning']
    >>> terms(None)
    []
    """
    if not isinstance(text, str):
        return []
    words = [t for t, _ in _tokens(text)]
    if phrase:
        plain = [w for w in words if not w.startswith("@")]
        if len(plain) > 1:
            words.append("".join(plain))
    return list(dict.fromkeys(words))


def niche_terms(niche: str | Sequence[str]) -> dict[str, float]:
    """The brand's niche as weighted terms (each weight 1).

    Parameters
    ----------
    niche : str or list of str
        Comma-separated terms (``"hiking, camping"``) or a list of them; each
        item is tokenized as a phrase.

    Raises
    ------
    QueryError
        No usable term (empty, or only stop words and punctuation).

    Examples
    --------
    >>> niche_terms("#Hiking, camping")
    {'hiking': 1.0, 'camping': 1.0}
    """
    items = split_tags(niche) if isinstance(niche, str) else [str(x) for x in niche]
    out = {term: 1.0 for item in items for term in terms(item, phrase=True)}
    if not out:
        raise QueryError(
            f"--niche {niche!r} has no usable term: give keywords such as \"hiking,camping\""
        )
    return out


def account_terms(
    tags: object = None, category: object = None, bio: object = None
) -> dict[str, float]:
    """An account's weighted terms from its tags, category and bio.

    Tags, the category and bio hashtags weigh 1; other bio words weigh
    :data:`BIO_WORD_WEIGHT`; a term keeps its largest weight.

    Examples
    --------
    >>> account_terms(tags="camping", bio="I love #camping and hiking")
    {'camping': 1.0, 'love': 0.5, 'hiking': 0.5}
    >>> account_terms()
    {}
    """
    weights: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        if weights.get(term, 0.0) < weight:
            weights[term] = weight

    for tag in split_tags(tags) if isinstance(tags, str) else []:
        for term in terms(tag, phrase=True):
            add(term, 1.0)
    for term in terms(category):
        add(term, 1.0)
    if isinstance(bio, str):
        for term, hashtag in _tokens(bio):
            add(term, 1.0 if hashtag else BIO_WORD_WEIGHT)
    return weights


def similarity(
    niche: Mapping[str, float], profile: Mapping[str, float], method: str = "cosine"
) -> float:
    """Cosine or weighted-Jaccard similarity of two weighted term sets (0 if either is empty).

    Examples
    --------
    >>> round(similarity({"a": 1.0, "b": 1.0}, {"a": 1.0, "c": 1.0}), 4)
    0.5
    >>> round(similarity({"a": 1.0, "b": 1.0}, {"a": 1.0, "c": 1.0}, "jaccard"), 4)
    0.3333
    """
    if method not in METHODS:
        raise QueryError(f"unknown niche similarity {method!r}; choose one of {', '.join(METHODS)}")
    if not niche or not profile:
        return 0.0
    if method == "cosine":
        dot = sum(w * profile.get(t, 0.0) for t, w in niche.items())
        norms = math.sqrt(sum(w * w for w in niche.values())) * math.sqrt(
            sum(w * w for w in profile.values())
        )
        return dot / norms
    union = set(niche) | set(profile)
    low = sum(min(niche.get(t, 0.0), profile.get(t, 0.0)) for t in union)
    high = sum(max(niche.get(t, 0.0), profile.get(t, 0.0)) for t in union)
    return low / high


def niche_overlap(
    graph: FollowGraph,
    ids: Iterable[int] | np.ndarray,
    niche: str | Sequence[str] | Mapping[str, float],
    *,
    method: str = "cosine",
) -> np.ndarray:
    """The niche overlap of accounts ``ids`` with the niche terms, ``NaN`` where no profile text.

    Parameters
    ----------
    graph : FollowGraph
    ids : array of int
        Account ids.
    niche : str, list of str, or dict
        Niche terms (see :func:`niche_terms`), or already weighted terms.
    method : {"cosine", "jaccard"}

    Returns
    -------
    ndarray
        ``float64``, aligned with ``ids``: the similarity in ``[0, 1]``, or
        ``NaN`` for an account with no tags, category or bio.

    Notes
    -----
    Text is tokenized in Python, once per distinct ``(tags, category, bio)``
    triple among ``ids``: call it on the accounts you rank, not on the whole graph.

    Examples
    --------
    >>> import pandas as pd
    >>> from graphkit.graph import FollowGraph
    >>> attrs = pd.DataFrame({"key": ["a", "b"], "tags": ["hiking,camping", "baking"]})
    >>> g = FollowGraph.from_pairs([("a", "b"), ("c", "a")], attributes=attrs)
    >>> niche_overlap(g, [0, 1, 2], "hiking").round(4).tolist()
    [0.7071, 0.0, nan]
    """
    if method not in METHODS:
        raise QueryError(f"unknown niche similarity {method!r}; choose one of {', '.join(METHODS)}")
    query = dict(niche) if isinstance(niche, Mapping) else niche_terms(niche)
    ids = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64)
    columns = [graph.attribute(f).iloc[ids].astype(object).to_numpy() for f in PROFILE_FIELDS]
    out = np.full(len(ids), np.nan)
    cache: dict[tuple, float] = {}
    for i, triple in enumerate(zip(*columns)):
        triple = tuple(v if isinstance(v, str) and v.strip() else None for v in triple)
        if triple == (None, None, None):
            continue
        value = cache.get(triple)
        if value is None:
            value = similarity(query, account_terms(*triple), method)
            cache[triple] = value
        out[i] = value
    return out
