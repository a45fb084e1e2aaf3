"""Generate the demo's posts and customers (seeded: the same files every run).

Reads the demo files written by ``examples/make_demo_data.py`` (it does not
change them) and writes, into ``graphkit/data/demo/``:

* ``posts.csv`` — about 500 posts from the last five months, as a
  social-listening tool exports them (``post_id, date, author,
  author_followers, text, location, likes, comments, views, url``; hashtags
  and @mentions are only in the text). Authors: outdoor, fitness and travel
  creators of ``profiles.csv``, some of acme's followers, and accounts the
  graph does not know. About a third of the posts mention ``@acme`` or name
  Acme; hashtags come from each author's niche, locations from its city.
  Likes follow the author's size and engagement.
* ``customers.csv`` — 320 customers of acme's shop (``customer_id, email,
  first_name, instagram, tiktok, total_orders, total_spent,
  last_order_date``): many are acme's followers, some are creators, some have
  handles the graph does not know, and about a third gave no handle. E-mail
  addresses use the reserved ``example.com``/``example.org`` domains.

Run from the repository root (after ``make_demo_data.py``)::

    python examples/make_demo_extras.py
"""

from __future__ import annotations

import csv
import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from graphkit.handles import normalize_handle

SEED = 20261126
DEMO = Path(__file__).resolve().parent.parent / "graphkit" / "data" / "demo"
BRAND = "acme"
START = datetime(2026, 6, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
NICHE_TAGS = {
    "Outdoor & Hiking": ["#hiking", "#camping", "#trailrunning", "#backpacking", "#climbing", "#outdoors"],
    "Fitness": ["#fitness", "#running", "#trailrunning", "#marathon", "#strength"],
    "Travel": ["#travel", "#vanlife", "#roadtrip", "#backpacking", "#wanderlust"],
    "Outdoor Gear": ["#gear", "#outdoors", "#hiking"],
}
OPENERS = [
    "Sunrise miles on the ridge", "Back at camp after a long day", "First snow on the pass",
    "Recovery run along the river", "Packing list for the weekend", "Golden hour at the trailhead",
    "Twelve miles, three lakes, zero regrets", "Testing new layers in the wind",
    "Quiet morning before the climb", "Road trip day four",
]
BRAND_LINES = [
    "Huge thanks to @acme for the new pack!", "Staying dry in my @acme shell.",
    "My Acme boots have seen some miles.", "@acme gear held up all week.",
    "Unboxing the new @acme tent.", "Still my favourite Acme jacket.",
]
OTHER_MENTIONS = ["@trailco", "@summitsupply", "@rivercoffee", "@peakpro"]
FIRST_NAMES = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lea",
               "Max", "Nia", "Omar", "Pia", "Rae", "Sam", "Tess", "Uma", "Vic", "Wes", "Yara", "Zoe"]
LAST_NAMES = ["Berg", "Cole", "Diaz", "Frost", "Grant", "Hale", "Ito", "Kerr", "Lund", "Moss",
              "Nash", "Ortiz", "Park", "Quinn", "Reyes", "Shaw", "Tran", "Voss", "Wolfe", "Young"]


def read_profiles() -> list[dict]:
    with open(DEMO / "profiles.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_followers() -> list[str]:
    lines = (DEMO / "acme_followers.txt").read_text("utf-8").splitlines()
    keys = [normalize_handle(line) for line in lines if line.strip() and not line.startswith("#")]
    return sorted({k for k in keys if k})


def read_observed() -> set[str]:
    with gzip.open(DEMO / "following.csv.gz", "rt", encoding="utf-8") as handle:
        return {row["follower"] for row in csv.DictReader(handle)}


def new_handle(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        name = f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))].lower()}" \
               f"{rng.choice(['.trails', '_runs', '.outside', '_wild', '.miles', '_peaks'])}{rng.integers(1, 99)}"
        if name not in taken:
            taken.add(name)
            return name


def make_posts(rng: np.random.Generator, profiles: list[dict], followers: list[str]) -> list[dict]:
    by_key = {p["username"]: p for p in profiles}
    outdoor = sorted(k for k, p in by_key.items() if p["category"] in ("Outdoor & Hiking", "Outdoor Gear"))
    active = sorted(k for k, p in by_key.items() if p["category"] in ("Fitness", "Travel"))
    taken = set(by_key) | set(followers)
    authors: list[tuple[str, float]] = []  # (key, chance that a post is about acme)
    authors += [(k, 0.40) for k in rng.choice(outdoor, 55, replace=False)]
    authors += [(k, 0.15) for k in rng.choice(active, 30, replace=False)]
    authors += [(k, 0.35) for k in rng.choice(followers, 40, replace=False)]
    authors += [(new_handle(rng, taken), 0.30) for _ in range(25)]
    cities = sorted({p["city"] for p in profiles if p["city"]})
    span = (END - START).total_seconds()
    rows = []
    for key, brand_chance in authors:
        profile = by_key.get(key)
        if profile is not None:
            followers_count = int(profile["followers"])
            if profile["avg_likes"]:
                rate = (float(profile["avg_likes"]) + float(profile["avg_comments"] or 0)) / max(followers_count, 1)
            else:  # an ordinary account's profile: no averages published
                rate = float(rng.uniform(0.03, 0.09))
            tags = NICHE_TAGS.get(profile["category"], NICHE_TAGS["Outdoor & Hiking"])
            home = profile["city"] or cities[rng.integers(len(cities))]
        else:
            followers_count = int(np.exp(rng.normal(6.0, 1.0)))
            rate = float(rng.uniform(0.03, 0.09))
            tags = NICHE_TAGS["Outdoor & Hiking"]
            home = cities[rng.integers(len(cities))]
        for _ in range(int(rng.integers(1, 7))):
            when = START + timedelta(seconds=float(rng.uniform(0, span)))
            chosen = list(rng.choice(tags, int(rng.integers(1, 4)), replace=False))
            words = [OPENERS[rng.integers(len(OPENERS))] + "."]
            if rng.random() < brand_chance:
                words.append(BRAND_LINES[rng.integers(len(BRAND_LINES))])
            elif rng.random() < 0.2:
                words.append(f"Fuel from {OTHER_MENTIONS[rng.integers(len(OTHER_MENTIONS))]}.")
            words += chosen
            location = home if rng.random() < 0.7 else (cities[rng.integers(len(cities))] if rng.random() < 0.5 else "")
            likes = int(followers_count * rate * float(np.exp(rng.normal(0, 0.35))))
            comments = int(likes * float(rng.uniform(0.02, 0.08)))
            video = rng.random() < 0.3
            code = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"), 11))
            rows.append({
                "post_id": code,
                "date": when.strftime("%Y-%m-%d %H:%M:%S"),
                "author": key if rng.random() < 0.8 else "@" + key,
                "author_followers": followers_count,
                "text": " ".join(words),
                "location": location,
                "likes": likes,
                "comments": comments,
                "views": int(likes * float(rng.uniform(8, 20))) if video else "",
                "url": f"https://www.instagram.com/p/{code}/",
            })
    rows.sort(key=lambda r: (r["date"], r["post_id"]))
    return rows


def make_customers(rng: np.random.Generator, profiles: list[dict], followers: list[str]) -> list[dict]:
    creators = sorted(p["username"] for p in profiles if int(p["followers"]) >= 1_000)
    taken = set(creators) | set(followers)
    follower_pool = list(rng.permutation(followers))
    creator_pool = list(rng.permutation(creators))
    rows = []
    for number in range(320):
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        domain = "example.com" if rng.random() < 0.7 else "example.org"
        roll = rng.random()
        instagram = tiktok = ""
        if roll < 0.42:
            instagram = follower_pool.pop()
        elif roll < 0.52:
            instagram = creator_pool.pop()
        elif roll < 0.66:
            instagram = new_handle(rng, taken)
        if instagram and rng.random() < 0.3:
            instagram = rng.choice([f"@{instagram}", f"https://www.instagram.com/{instagram}/"])
        if rng.random() < 0.15:
            tiktok = creator_pool.pop() if rng.random() < 0.3 else new_handle(rng, taken)
            tiktok = f"@{tiktok}"
        orders = int(rng.geometric(0.35))
        spent = sum(float(np.exp(rng.normal(4.1, 0.5))) for _ in range(orders))
        last_order = datetime(2024, 1, 1) + timedelta(days=int(rng.integers(0, 1000)))
        rows.append({
            "customer_id": f"C{10_000 + number}",
            "email": f"{first.lower()}.{last.lower()}{number}@{domain}",
            "first_name": first,
            "instagram": instagram,
            "tiktok": tiktok,
            "total_orders": orders,
            "total_spent": f"{spent:.2f}",
            "last_order_date": last_order.strftime("%Y-%m-%d"),
        })
    return rows


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    profiles = read_profiles()
    followers = read_followers()
    posts = make_posts(rng, profiles, followers)
    customers = make_customers(rng, profiles, followers)
    write_csv(DEMO / "posts.csv", posts)
    write_csv(DEMO / "customers.csv", customers)
    print(f"wrote {len(posts)} posts and {len(customers)} customers to {DEMO}")


if __name__ == "__main__":
    main()
