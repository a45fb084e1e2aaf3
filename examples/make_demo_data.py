"""Generate graphkit's bundled demo data (seeded: the same files every run).

The demo brand is ``acme``, an outdoor-gear label. The script writes, into
``graphkit/data/demo/``:

* ``acme_followers.txt`` — the brand's follower list, one handle per line, as a
  brand would copy it out of a platform (some with ``@``, some as profile URLs);
* ``following.csv.gz`` — ``follower,followee`` pairs: the following lists of the
  followers a scraper could see (observed), plus those of a sample of the general
  population who do not follow the brand (the baseline);
* ``profiles.csv`` — follower counts, engagement, categories, bios and hashtags
  for creators in every tier and niche, and for some ordinary accounts.

Shape, so the results look like a real audience: creators' follower counts are
drawn log-uniformly inside each tier; popularity (who gets followed) grows with
follower count; following-list sizes are log-normal (median ~45, capped at 400);
each person has a primary and a secondary niche and follows mostly creators of
those niches, some friends, and some accounts at random. Engagement falls with
size (about 6 % for nano accounts, under 1 % for mega). Outdoor creators follow
the brand more often than others.

Run from the repository root::

    python examples/make_demo_data.py
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np

SEED = 20261125
OUT = Path(__file__).resolve().parent.parent / "graphkit" / "data" / "demo"
BRAND = "acme"

NICHES = {
    "outdoors": {
        "share": 0.30, "category": "Outdoor & Hiking",
        "tags": ["#hiking", "#camping", "#trailrunning", "#backpacking", "#climbing", "#outdoors"],
        "words": ["trail", "peak", "summit", "camp", "wild", "ridge", "alpine", "hike"],
    },
    "fitness": {
        "share": 0.15, "category": "Fitness",
        "tags": ["#fitness", "#running", "#yoga", "#strength", "#marathon"],
        "words": ["fit", "run", "lift", "yoga", "strong", "pace"],
    },
    "travel": {
        "share": 0.15, "category": "Travel",
        "tags": ["#travel", "#vanlife", "#roadtrip", "#wanderlust", "#backpacking"],
        "words": ["roam", "nomad", "wander", "voyage", "road", "map"],
    },
    "food": {
        "share": 0.12, "category": "Food & Drink",
        "tags": ["#foodie", "#vegan", "#coffee", "#campcooking", "#baking"],
        "words": ["chef", "bake", "taste", "brew", "kitchen", "spice"],
    },
    "photography": {
        "share": 0.10, "category": "Photography",
        "tags": ["#photography", "#landscape", "#filmphotography", "#nightsky"],
        "words": ["lens", "frame", "shot", "light", "focus"],
    },
    "tech": {
        "share": 0.09, "category": "Technology",
        "tags": ["#tech", "#gadgets", "#gear", "#review"],
        "words": ["tech", "gadget", "byte", "review", "code"],
    },
    "fashion": {
        "share": 0.09, "category": "Fashion",
        "tags": ["#fashion", "#style", "#streetwear", "#sustainablefashion"],
        "words": ["style", "wear", "thread", "chic", "look"],
    },
}
TIERS = [  # name, creators, lower, upper followers
    ("regular", 380, 200, 999),
    ("nano", 1200, 1_000, 9_999),
    ("micro", 900, 10_000, 49_999),
    ("mid", 400, 50_000, 499_999),
    ("macro", 80, 500_000, 999_999),
    ("mega", 40, 1_000_000, 12_000_000),
]
ENGAGEMENT = {"regular": 0.08, "nano": 0.06, "micro": 0.035, "mid": 0.02, "macro": 0.012, "mega": 0.008}
FIRST = [
    "maya", "jo", "sam", "alex", "lena", "kai", "nora", "leo", "ivy", "max", "zoe", "eli", "ava",
    "finn", "mila", "theo", "ruby", "omar", "lina", "hugo", "iris", "noah", "sara", "tom", "yuki",
    "ana", "ben", "cleo", "dev", "emma", "gus", "hana", "ian", "jade", "kofi", "lou", "mo", "nia",
]
CITIES = ["Denver", "Portland", "Seattle", "Boulder", "Salt Lake City", "Vancouver", "Austin",
          "Chamonix", "Innsbruck", "Queenstown", "Bend", "Asheville", "Missoula", None]
N_AUDIENCE = 2_000
OBSERVED_SHARE = 0.75
N_POPULATION = 600


def make_handles(rng: np.random.Generator, n: int, words: list[str], taken: set[str]) -> list[str]:
    """``n`` unique, plausible handles built from first names and niche words."""
    out = []
    patterns = ["{f}.{w}", "{f}_{w}s", "{w}with{f}", "the{w}{f}", "{f}{w}{d}", "{f}.{w}.{d}", "{w}_{f}"]
    while len(out) < n:
        pattern = patterns[rng.integers(len(patterns))]
        handle = pattern.format(f=FIRST[rng.integers(len(FIRST))], w=words[rng.integers(len(words))],
                                d=rng.integers(1, 99))
        if handle not in taken:
            taken.add(handle)
            out.append(handle)
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    niche_names = list(NICHES)
    niche_p = np.array([NICHES[n]["share"] for n in niche_names])
    taken = {BRAND, "rival.gear"}

    # creators: tier, niche, followers, popularity
    creators = []
    for tier, count, low, high in TIERS:
        niches = rng.choice(len(niche_names), size=count, p=niche_p)
        followers = np.exp(rng.uniform(np.log(low), np.log(high + 1), size=count)).astype(int)
        for niche_index, follower_count in zip(niches, followers):
            niche = niche_names[niche_index]
            creators.append({"niche": niche, "tier": tier, "followers": int(follower_count)})
    for niche in niche_names:
        members = [c for c in creators if c["niche"] == niche]
        for creator, handle in zip(members, make_handles(rng, len(members), NICHES[niche]["words"], taken)):
            creator["handle"] = handle
    popularity = np.array([c["followers"] for c in creators], dtype=float) ** 0.8
    by_niche = {n: np.array([i for i, c in enumerate(creators) if c["niche"] == n]) for n in niche_names}

    # people: the brand's audience (mostly outdoorsy) and a general population
    audience_niche_p = np.array([0.58, 0.12, 0.12, 0.06, 0.06, 0.03, 0.03])
    people = []
    for group, size, p in (("audience", N_AUDIENCE, audience_niche_p), ("population", N_POPULATION, niche_p)):
        primaries = rng.choice(len(niche_names), size=size, p=p)
        for primary in primaries:
            secondary = rng.choice(len(niche_names), p=niche_p)
            people.append({"group": group, "primary": niche_names[primary], "secondary": niche_names[secondary]})
    everyday = ["life", "days", "daily", "notes", "world", "club"]
    for person, handle in zip(people, make_handles(rng, len(people), everyday + ["outside", "weekend"], taken)):
        person["handle"] = handle

    audience = [p for p in people if p["group"] == "audience"]
    # some creators follow the brand too (outdoor ones most): the advocates
    creator_fans = [c for c in creators if rng.random() < (0.09 if c["niche"] == "outdoors" else 0.012)]
    follower_handles = [p["handle"] for p in audience] + [c["handle"] for c in creator_fans]
    rng.shuffle(follower_handles)

    observed_people = [p for p in people if p["group"] == "population" or rng.random() < OBSERVED_SHARE]
    edges: list[tuple[str, str]] = []
    audience_handles = np.array([p["handle"] for p in audience])
    for person in observed_people:
        k = int(min(400, max(3, rng.lognormal(np.log(45), 0.8))))
        picks = set()
        for niche, share in ((person["primary"], 0.65), (person["secondary"], 0.20), (None, 0.10)):
            pool = by_niche[niche] if niche else np.arange(len(creators))
            weights = popularity[pool] / popularity[pool].sum()
            n = min(len(pool), max(1, int(round(k * share))))
            picks.update(rng.choice(pool, size=n, replace=False, p=weights).tolist())
        followees = [creators[i]["handle"] for i in sorted(picks)]
        friends = rng.choice(audience_handles, size=max(1, k // 20), replace=False)
        followees += [f for f in friends.tolist() if f != person["handle"]]
        if person["group"] == "audience" and rng.random() < 0.05:
            followees.append("rival.gear")
        elif person["group"] == "population" and rng.random() < 0.08:
            followees.append("rival.gear")
        edges.extend((person["handle"], f) for f in followees)
    # observed creators who follow the brand: their following lists too (outdoor peers)
    for creator in creator_fans[: len(creator_fans) // 2]:
        pool = by_niche[creator["niche"]]
        picks = rng.choice(pool, size=min(len(pool), 30), replace=False)
        edges.extend((creator["handle"], creators[i]["handle"]) for i in picks if creators[i]["handle"] != creator["handle"])
    # the brand follows a few outdoor creators back
    outdoor = by_niche["outdoors"]
    for i in rng.choice(outdoor, size=25, replace=False):
        edges.append((BRAND, creators[i]["handle"]))

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "acme_followers.txt", "w", encoding="utf-8", newline="\n") as handle:
        handle.write("# followers of @acme, copied from the platform on 2026-11-02\n")
        for i, name in enumerate(follower_handles):
            if i % 17 == 0:
                handle.write(f"https://www.instagram.com/{name}/\n")
            elif i % 5 == 0:
                handle.write(f"@{name}\n")
            else:
                handle.write(f"{name}\n")

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["follower", "followee"])
    writer.writerows(edges)
    with open(OUT / "following.csv.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as stream:
            stream.write(buffer.getvalue().encode("utf-8"))

    columns = ["username", "full_name", "followers", "following", "posts", "avg_likes",
               "avg_comments", "category", "biography", "hashtags", "is_verified", "city"]
    with open(OUT / "profiles.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for creator in creators:
            if rng.random() < 0.08:  # some creators have no scraped profile: tier unknown
                continue
            niche = NICHES[creator["niche"]]
            rate = ENGAGEMENT[creator["tier"]] * rng.lognormal(0, 0.35)
            likes = creator["followers"] * rate * 0.93
            comments = creator["followers"] * rate * 0.07
            tags = rng.choice(niche["tags"], size=min(3, len(niche["tags"])), replace=False).tolist()
            name = creator["handle"].split(".")[0].split("_")[0].title()
            bio = f"{niche['category']} creator. {' '.join(tags)}"
            writer.writerow([
                creator["handle"], name, creator["followers"], int(rng.integers(80, 2_000)),
                int(rng.integers(40, 3_000)), round(likes, 1), round(comments, 1), niche["category"],
                bio, ",".join(tags), "true" if creator["tier"] in ("mega", "macro") and rng.random() < 0.7 else "false",
                CITIES[rng.integers(len(CITIES))] or "",
            ])
        for person in people:
            if rng.random() < 0.3:
                followers = int(rng.integers(40, 990))
                writer.writerow([person["handle"], "", followers, int(rng.integers(50, 900)),
                                 int(rng.integers(0, 300)), "", "", "", "", "", "false", ""])
        writer.writerow([BRAND, "ACME Outdoor", 184_000, 310, 1_240, 2_100, 85, "Outdoor Gear",
                         "Gear for the long way round. #outdoors #hiking", "#outdoors,#hiking", "true", "Denver"])
        writer.writerow(["rival.gear", "Rival Gear Co.", 240_000, 150, 980, 2_900, 60, "Outdoor Gear",
                         "Built for the mountains. #climbing #camping", "#climbing,#camping", "true", "Boulder"])
    print(f"wrote {len(follower_handles):,} followers, {len(edges):,} follows, "
          f"{len(creators):,} creators to {OUT}")


if __name__ == "__main__":
    main()
