"""XL: 200 million follows of a fully crawled brand, generated as a stream and cached.

The shape is :mod:`benchmarks.generate`'s (log-normal following lists, 45 %
global Zipf pool, 35 % niche pool, 20 % other observed accounts, 3 % of
handles spelled as a user's file spells them), at the size of one big brand
crawled completely: ``brand_100k`` is followed by every one of the ~1.33 M
observed accounts (their mean following list is 150 long), ``brand_10k`` by
10,000 of them. No step holds the follows at once: observed accounts are
drawn in chunks of 40,000 (about 6 M follows), each chunk's lists are
de-duplicated, trimmed to their drawn length and appended to ``follows.csv``;
only per-account arrays (in-degrees, handles as one Arrow array) span the
whole graph. ``profiles.csv`` and ``meta.json`` are written as for the other
sizes.

The files go to ``$GRAPHKIT_BENCH_CACHE/XL-seed7`` (default
``~/.cache/graphkit-bench``), outside the repository, and are reused while
:data:`XL_VERSION` and the seed match: the CSV is about 6 GB and takes minutes.

Usage: ``python -m benchmarks.generate_xl [--follows N]`` (a smaller ``N``
gives the same shape, for a trial run).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from benchmarks.generate import NICHES, cached_meta, follow_targets

__all__ = ["XL_FOLLOWS", "XL_VERSION", "cache_dir", "ensure_xl", "generate_xl", "handle_array"]

XL_FOLLOWS = 200_000_000
XL_VERSION = 1
CHUNK = 40_000

_WORDS = ("lena", "max", "sofia", "leo", "mia", "noah", "emma", "liam", "ava", "kai", "zoe", "ivy",
          "studio", "daily", "the", "real", "its", "official", "shop", "club", "life", "world")
_SYLLABLES = ("ka", "lo", "mi", "ra", "ne", "so", "ti", "va", "be", "da", "fi", "gu", "ha", "jo", "ku",
              "le", "ma", "no", "pe", "ri", "sa", "to", "vi", "ze", "an", "el", "or", "us", "in", "ey")
_SEPARATORS = ("", ".", "_", "")


def cache_dir() -> Path:
    """Where XL lives: ``$GRAPHKIT_BENCH_CACHE`` or ``~/.cache/graphkit-bench``."""
    return Path(os.environ.get("GRAPHKIT_BENCH_CACHE") or Path.home() / ".cache" / "graphkit-bench")


def _base36(ids: np.ndarray) -> np.ndarray:
    """Lower-case base-36 digits of each id, as a fixed-width bytes array without leading zeros
    (the unique tail of every handle)."""
    width = max(1, int(np.ceil(np.log(max(int(ids.max()) + 1, 2)) / np.log(36))) + 1)
    alphabet = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    digits = np.empty((len(ids), width), dtype=np.uint8)
    rest = ids.copy()
    for column in range(width - 1, -1, -1):
        digits[:, column] = alphabet[rest % 36]
        rest //= 36
    return digits.view(f"S{width}").ravel()


def handle_array(rng: np.random.Generator, n: int):
    """``n`` unique handles as one Arrow string array, built with vectorized kernels
    (a Python string per account would cost gigabytes at 18 M accounts); about 3 % are
    spelled ``@Name`` or capitalized."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = rng.integers(len(_WORDS), size=n)
    second = rng.integers(len(_SYLLABLES), size=(n, 2))
    separator = rng.integers(len(_SEPARATORS), size=n)
    tails = pc.utf8_ltrim(pa.array(_base36(np.arange(n, dtype=np.int64))).cast(pa.string()), "0")
    tails = pc.if_else(pc.equal(pc.utf8_length(tails), 0), "0", tails)
    handles = pc.binary_join_element_wise(
        pa.array(_WORDS).take(pa.array(first)), pa.array(_SEPARATORS).take(pa.array(separator)),
        pa.array(_SYLLABLES).take(pa.array(second[:, 0])), pa.array(_SYLLABLES).take(pa.array(second[:, 1])),
        pa.scalar("_"), tails, "")
    style = rng.random(n)
    handles = pc.if_else(pa.array(style < 0.015), pc.binary_join_element_wise("@", handles, ""), handles)
    return pc.if_else(pa.array((style >= 0.015) & (style < 0.03)), pc.utf8_capitalize(handles), handles)


def _chunk_follows(rng, sources, degree, n_src, pool, niche_of_source, brands):
    """The follows of ``sources`` (codes ``src << 32 | dst``, sorted): ``degree`` distinct
    followees each, drawn with a margin for duplicates, plus the brands they follow."""
    want = degree[sources]
    drawn = np.repeat(sources, (want * 1.25).astype(np.int64) + 3)
    codes = np.sort((drawn << 32) | follow_targets(rng, drawn, n_src, pool, niche_of_source))
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    codes = codes[first]
    codes = codes[(codes >> 32) != (codes & 0xFFFFFFFF)]
    src = codes >> 32
    order = np.lexsort((rng.random(len(codes)), src))  # a random pick of each list's followees
    codes, src = codes[order], src[order]
    starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
    position = np.arange(len(codes)) - np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    codes = codes[position < degree[src]]
    extra = [(sources << 32) | brands["brand_100k"]]  # the fully crawled brand: all its followers
    small = sources[brands["small_members"][sources]]
    extra.append((small << 32) | brands["brand_10k"])
    codes = np.sort(np.concatenate([codes, *extra]))
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = codes[1:] != codes[:-1]
    return codes[keep]


def generate_xl(folder: Path, seed: int = 7, follows: int = XL_FOLLOWS, log=print) -> Path:
    """Write ``follows.csv``, ``profiles.csv`` and ``meta.json`` of the XL graph into ``folder``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_src = int(round(follows / 150))
    degree = np.clip(np.rint(rng.lognormal(np.log(150) - 0.5, 1.0, size=n_src)), 1, 5000).astype(np.int64)
    pool = max(20_000, follows // 12)
    n_accounts = n_src + pool
    niche_of_source = rng.integers(len(NICHES), size=n_src)
    small_members = np.zeros(n_src, dtype=bool)
    small_members[rng.choice(n_src, size=min(10_000, n_src // 2), replace=False)] = True
    brands = {"brand_10k": n_src + 1001, "brand_100k": n_src + 2003, "small_members": small_members}
    handles = handle_array(rng, n_accounts)
    named = np.zeros(n_accounts, dtype=bool)
    named[[brands["brand_10k"], brands["brand_100k"]]] = True  # ids ascending: the order of the names
    handles = pc.replace_with_mask(handles, pa.array(named), pa.array(["brand_10k", "brand_100k"]))
    del named
    in_degree = np.zeros(n_accounts, dtype=np.int64)
    out_degree = np.zeros(n_src, dtype=np.int64)
    schema = pa.schema([("follower", pa.string()), ("followee", pa.string())])
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    order = rng.permutation(n_src)  # lists in a shuffled order, as a crawl writes them
    total = 0
    with open(folder / "follows.csv.tmp", "wb") as sink:
        sink.write(b"follower,followee\n")
        writer = pacsv.CSVWriter(sink, schema, write_options=options)
        for start in range(0, n_src, CHUNK):
            sources = np.sort(order[start:start + CHUNK]).astype(np.int64)
            codes = _chunk_follows(rng, sources, degree, n_src, pool, niche_of_source, brands)
            src, dst = codes >> 32, codes & 0xFFFFFFFF
            in_degree += np.bincount(dst, minlength=n_accounts)
            out_degree += np.bincount(src, minlength=n_src)
            writer.write_table(pa.table({"follower": handles.take(pa.array(src)),
                                         "followee": handles.take(pa.array(dst))}, schema=schema))
            total += len(codes)
            if (start // CHUNK) % 5 == 0:
                log(f"XL: {total:,} follows written ({start + len(sources):,} of {n_src:,} lists)")
        writer.close()
    (folder / "follows.csv.tmp").replace(folder / "follows.csv")

    profiled = np.union1d(np.flatnonzero(in_degree >= 2), [brands["brand_10k"], brands["brand_100k"]])
    reach = 10 ** rng.uniform(0.5, 4.0, size=len(profiled))
    followers_count = (np.maximum(in_degree[profiled], 1) * reach).astype(np.int64)
    followers_count[profiled == brands["brand_10k"]] = 48_000
    followers_count[profiled == brands["brand_100k"]] = 2_400_000
    niche = np.where(profiled < n_src, niche_of_source[np.minimum(profiled, n_src - 1)], (profiled - n_src) % len(NICHES))
    following = np.zeros(len(profiled), dtype=np.int64)
    observed_profiled = profiled < n_src
    following[observed_profiled] = out_degree[profiled[observed_profiled]]
    niches = pa.array(NICHES)
    pacsv.write_csv(pa.table({
        "username": handles.take(pa.array(profiled)),
        "followers_count": pa.array(followers_count),
        "following_count": pa.array(following),
        "category": niches.take(pa.array(niche)),
        "tags": pa.array([f"#{n},daily" for n in NICHES]).take(pa.array(niche)),
    }), folder / "profiles.csv", write_options=pacsv.WriteOptions(quoting_style="needed"))
    meta = {
        "generator_version": XL_VERSION, "size": "XL", "seed": seed, "follows": int(total),
        "observed_accounts": n_src, "accounts": n_src + int(np.count_nonzero(in_degree[n_src:])),
        "following_median": float(np.median(out_degree)), "following_max": int(out_degree.max()),
        "brands": {name: int(in_degree[brands[name]]) for name in ("brand_10k", "brand_100k")},
        "top_followee_followers": int(in_degree.max()), "profiles": int(len(profiled)),
        "csv_bytes": (folder / "follows.csv").stat().st_size, "seconds": round(time.perf_counter() - started, 1),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return folder


def ensure_xl(seed: int = 7, follows: int = XL_FOLLOWS) -> tuple[Path, dict]:
    """The cached XL folder and its metadata, generated when missing or stale."""
    folder = cache_dir() / (f"XL-seed{seed}" if follows == XL_FOLLOWS else f"XL{follows}-seed{seed}")
    meta = cached_meta(folder, XL_VERSION)
    if meta is None:
        generate_xl(folder, seed, follows)
        meta = cached_meta(folder, XL_VERSION)
    return folder, meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--follows", type=int, default=XL_FOLLOWS, help="a smaller graph of the same shape")
    args = parser.parse_args()
    folder, meta = ensure_xl(args.seed, args.follows)
    print(folder, json.dumps(meta))


if __name__ == "__main__":
    main()
