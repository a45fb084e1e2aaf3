"""Seeded synthetic follow graphs shaped like a scraped audience, written as a user's CSV.

The shape follows what a team gets when it scrapes the following lists of a
brand's followers:

* **observed accounts** (the scraped followers): each follows ``d`` accounts,
  ``d`` log-normal with a median of 150 (``sigma = 1``), at least 1, capped at
  5,000. There are as many of them as it takes to reach the target number of
  follows (about 4 k at S, 40 k at M, 160 k at L);
* **whom they follow**: 45 % of follows go to a global pool drawn with Zipf
  popularity (``P(rank r) ~ 1/r``: a few celebrities followed by nearly
  everyone, a long tail followed once), 35 % to the pool of the follower's
  niche (8 niches, Zipf within each), 20 % to other observed accounts (friends);
* **two brands**: ``brand_10k`` followed by 10,000 observed accounts and
  ``brand_100k`` by 100,000 — or by as many as the size allows: with a median
  of 150 follows, 100 k observed followers need more than 15 M follows, so at
  S and M the big brand has 90 % of the observed accounts and ``brand_10k`` at
  most 60 % (``meta.json`` records the real counts);
* **string handles** like ``lena.kovacs_3f9a`` (unique, lower-case); about 3 %
  of accounts are written as a user's file would have them: ``@Handle`` or
  with capitals, which graphkit must normalize;
* **profiles** (``profiles.csv``): a declared ``followers_count`` spread over
  every tier (regular to mega), the account's niche as ``category`` and tags,
  for every account followed at least twice and for the brands.

Rows of ``follows.csv`` are grouped by follower (one scraped list after the
other), without duplicates or self-follows. Everything is a function of the
seed: the same seed gives the same bytes.

Usage: ``python -m benchmarks.generate S`` (files go to ``benchmarks/data/``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

__all__ = ["SIZES", "generate", "ensure_dataset", "DATA_DIR", "GENERATOR_VERSION", "NICHES", "zipf_ranks", "follow_targets",
           "cached_meta"]

#: Target number of follows of each size.
SIZES = {"XS": 100_000, "S": 1_000_000, "M": 10_000_000, "L": 40_000_000}
DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATOR_VERSION = 3

NICHES = ("fitness", "beauty", "food", "travel", "gaming", "fashion", "parenting", "tech")
_SYLLABLES = (
    "ka", "lo", "mi", "ra", "ne", "so", "ti", "va", "be", "da", "fi", "gu", "ha", "jo", "ku",
    "le", "ma", "no", "pe", "ri", "sa", "to", "vi", "ze", "an", "el", "or", "us", "in", "ey",
)
_WORDS = (
    "lena", "max", "sofia", "leo", "mia", "noah", "emma", "liam", "ava", "kai", "zoe", "ivy",
    "studio", "daily", "the", "real", "its", "official", "shop", "club", "life", "world",
)
_SEPARATORS = ("", ".", "_", "")


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` hashes, which is far slower on numpy 2.4)."""
    values = np.sort(values)
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def zipf_ranks(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """``size`` ranks in ``[0, n)`` with ``P(r) ~ 1 / (r + 1)`` (continuous inverse CDF)."""
    return np.minimum(np.exp(rng.random(size) * np.log(n + 1.0)).astype(np.int64) - 1, n - 1)


def _handles(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` unique handles (the id in base 36 makes each one unique)."""
    first = rng.integers(len(_WORDS), size=n)
    second = rng.integers(len(_SYLLABLES), size=(n, 2))
    separator = rng.integers(len(_SEPARATORS), size=n)
    out = []
    for i in range(n):
        out.append(
            f"{_WORDS[first[i]]}{_SEPARATORS[separator[i]]}{_SYLLABLES[second[i, 0]]}"
            f"{_SYLLABLES[second[i, 1]]}_{np.base_repr(i, 36).lower()}"
        )
    return out


def _as_written(rng: np.random.Generator, handles: list[str]) -> list[str]:
    """About 3 % of handles as a user's file may spell them: ``@Name`` or capitalized."""
    style = rng.random(len(handles))
    out = list(handles)
    for i in np.flatnonzero(style < 0.03):
        h = handles[i]
        out[i] = "@" + h if style[i] < 0.015 else h.capitalize()
    return out


def follow_targets(rng, sources, n_src, pool, niche_of_source):
    """The followee id of every follow of ``sources`` (with repeats; deduplicated later)."""
    k = len(NICHES)
    size = len(sources)
    kind = rng.random(size)
    out = np.empty(size, dtype=np.int64)
    glob = kind < 0.45
    out[glob] = n_src + zipf_ranks(rng, pool, int(glob.sum()))
    niche = (kind >= 0.45) & (kind < 0.80)
    per_niche = pool // k
    ranks = zipf_ranks(rng, per_niche, int(niche.sum()))
    # niche j's pool is the pool ids congruent to j modulo k, most popular first
    out[niche] = n_src + ranks * k + niche_of_source[sources[niche]]
    friend = kind >= 0.80
    out[friend] = rng.integers(n_src, size=int(friend.sum()))
    return out


def generate(size: str, seed: int = 7, folder: Path | None = None) -> Path:
    """Write ``follows.csv``, ``profiles.csv`` and ``meta.json`` for ``size``; return the folder."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    target = SIZES[size]
    folder = folder or DATA_DIR / f"{size}-seed{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()

    # observed accounts and how many accounts each follows
    draws = np.clip(np.rint(rng.lognormal(np.log(150), 1.0, size=target // 40 + 1000)), 1, 5000)
    draws = draws.astype(np.int64)
    total = np.cumsum(draws)
    n_src = int(np.searchsorted(total, target)) + 1
    degree = draws[:n_src]
    pool = max(20_000, target // 12)
    n_accounts = n_src + pool
    niche_of_source = rng.integers(len(NICHES), size=n_src)

    brand_small_size = min(10_000, int(0.6 * n_src))
    brand_big_size = min(100_000, int(0.9 * n_src))
    # the brands are mid-popularity pool accounts (not the celebrities at the head)
    brand_small = n_src + 1001
    brand_big = n_src + 2003

    src = np.repeat(np.arange(n_src, dtype=np.int64), degree)
    dst = follow_targets(rng, src, n_src, pool, niche_of_source)
    extra_src = np.concatenate([
        rng.choice(n_src, size=brand_small_size, replace=False),
        rng.choice(n_src, size=brand_big_size, replace=False),
    ])
    extra_dst = np.concatenate([
        np.full(brand_small_size, brand_small), np.full(brand_big_size, brand_big),
    ])
    src = np.concatenate([src, extra_src])
    dst = np.concatenate([dst, extra_dst])
    codes = _unique((src << 32) | dst)
    codes = codes[(codes >> 32) != (codes & 0xFFFFFFFF)]
    # top up what duplicates removed, from followers drawn by degree, then trim to the target
    for _ in range(6):
        missing = target - len(codes)
        if missing <= 0:
            break
        more_src = rng.choice(n_src, size=int(missing * 1.3) + 10, p=degree / degree.sum())
        more_dst = follow_targets(rng, more_src, n_src, pool, niche_of_source)
        codes = _unique(np.concatenate([codes, (more_src << 32) | more_dst]))
        codes = codes[(codes >> 32) != (codes & 0xFFFFFFFF)]
    if len(codes) > target:
        is_brand = np.isin(codes & 0xFFFFFFFF, [brand_small, brand_big])
        droppable = np.flatnonzero(~is_brand)
        drop = rng.choice(droppable, size=len(codes) - target, replace=False)
        codes = np.delete(codes, drop)
    src = (codes >> 32).astype(np.int64)
    dst = (codes & 0xFFFFFFFF).astype(np.int64)
    # observed accounts in a shuffled order, so that ids do not sort the file
    order = rng.permutation(n_src)
    rank_of = np.empty(n_src, dtype=np.int64)
    rank_of[order] = np.arange(n_src)
    row_order = np.lexsort((dst, rank_of[src]))
    src, dst = src[row_order], dst[row_order]

    handles = _handles(rng, n_accounts)
    handles[brand_small] = "brand_10k"
    handles[brand_big] = "brand_100k"
    written = pa.array(_as_written(rng, handles), type=pa.string())
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    step = 4_000_000
    schema = pa.schema([("follower", pa.string()), ("followee", pa.string())])
    with open(folder / "follows.csv.tmp", "wb") as sink:
        sink.write(b"follower,followee\n")
        writer = pacsv.CSVWriter(sink, schema, write_options=options)
        for start in range(0, len(src), step):
            writer.write_table(pa.table({
                "follower": written.take(pa.array(src[start:start + step])),
                "followee": written.take(pa.array(dst[start:start + step])),
            }, schema=schema))
        writer.close()
    (folder / "follows.csv.tmp").replace(folder / "follows.csv")

    in_degree = np.bincount(dst, minlength=n_accounts)
    profiled = np.flatnonzero(in_degree >= 2)
    profiled = np.union1d(profiled, [brand_small, brand_big])
    # declared follower counts: the in-sample degree scaled up by a random reach, which spreads
    # accounts over every tier from regular (< 1k) to mega (>= 1M)
    reach = 10 ** rng.uniform(0.5, 4.0, size=len(profiled))
    followers_count = np.maximum(in_degree[profiled], 1) * reach
    followers_count[profiled == brand_small] = 48_000
    followers_count[profiled == brand_big] = 2_400_000
    followers_count = followers_count.astype(np.int64)
    niche = np.where(profiled < n_src, niche_of_source[np.minimum(profiled, n_src - 1)],
                     (profiled - n_src) % len(NICHES))
    category = np.asarray(NICHES, dtype=object)[niche]
    tags = np.char.add(np.char.add("#", np.asarray(NICHES)[niche]), ",daily")
    profile_table = pa.table({
        "username": pa.array([handles[i] for i in profiled], type=pa.string()),
        "followers_count": pa.array(followers_count),
        "following_count": pa.array(np.bincount(src, minlength=n_accounts)[profiled]),
        "category": pa.array(category.tolist(), type=pa.string()),
        "tags": pa.array(tags.tolist(), type=pa.string()),
    })
    pacsv.write_csv(profile_table, folder / "profiles.csv", write_options=pacsv.WriteOptions(quoting_style="needed"))

    meta = {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "follows": int(len(src)),
        "observed_accounts": n_src,
        "accounts": int(len(_unique(np.concatenate([src, dst])))),
        "following_median": float(np.median(np.bincount(src, minlength=n_src)[:n_src])),
        "following_max": int(np.bincount(src, minlength=n_src)[:n_src].max()),
        "brands": {
            "brand_10k": int(in_degree[brand_small]),
            "brand_100k": int(in_degree[brand_big]),
        },
        "top_followee_followers": int(in_degree.max()),
        "profiles": int(len(profiled)),
        "csv_bytes": (folder / "follows.csv").stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return folder


def cached_meta(folder: Path, version: int) -> dict | None:
    """The metadata of a dataset generated into ``folder`` by generator ``version``, if complete."""
    meta_file = folder / "meta.json"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("generator_version") == version and (folder / "follows.csv").exists():
            return meta
    return None


def ensure_dataset(size: str, seed: int = 7) -> tuple[Path, dict]:
    """The dataset folder of ``size`` and its metadata, generated once and cached."""
    folder = DATA_DIR / f"{size}-seed{seed}"
    meta = cached_meta(folder, GENERATOR_VERSION)
    if meta is None:
        generate(size, seed, folder)
        meta = cached_meta(folder, GENERATOR_VERSION)
    return folder, meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="+", choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for size in args.sizes:
        folder, meta = ensure_dataset(size, args.seed)
        print(folder, json.dumps(meta))


if __name__ == "__main__":
    main()
