"""Seeded synthetic interaction log for the demo shop.

The log stands in for real traffic so that a history-aware ranker (a SASRec-style
transformer) has sequences to learn from. It is simulated, not sampled uniformly, so that the
next event is predictable from earlier ones better than from popularity alone.

Generative process
------------------
1. **Item popularity.** Every listing gets a long-tailed (log-normal) popularity; colour
   variants of one listing share most of it, so a few model lines draw much of the traffic.
2. **User profiles** (``sample_profiles``). Each user gets

   * 1-3 preferred categories with Dirichlet(1) weights, drawn from a category prior
     (phones and laptops more common than monitors);
   * favoured brands: 1-2 per preferred category (more likely the brands with many listings),
     and with probability ``FAN_RATE`` an ecosystem brand (Apple, Samsung, Google, Sony) they
     are loyal to in every category where it sells;
   * a price band - budget, mid or premium - defined as a quantile range of each category's
     prices, so "premium" means the top of *that* category;
   * 1-3 liked feature tags, drawn from the tags common in their categories;
   * an activity level (number of sessions, long-tailed) and a conversion propensity.
3. **Affinity.** A user's weight for an item is popularity x brand boost x price-band fit
   x (1 + liked-feature overlap), halved for out-of-stock items.
4. **Sessions.** A session picks one category (a preferred one ~93% of the time, weighted by
   the profile and damped for categories the user already bought in; otherwise a random one).
   The user views 2-8 items drawn by affinity, boosted towards the previous item's brand and
   price level and towards items seen before; views are often followed by a click and
   sometimes by a like.
5. **Funnel.** With the user's conversion probability the best-liked viewed item (in stock)
   is added to the cart and purchased; otherwise the cart is sometimes abandoned.
6. **Complements.** After buying a device, accessories usually follow in the same visit or
   a few days later: phone -> case, charger, power bank, earbuds; laptop -> monitor, mouse,
   keyboard, dock, headphones; tablet -> pencil, keyboard; camera -> memory card, battery,
   bag, tripod; TV -> soundbar, streaming stick, wall mount; watch -> band, charger;
   monitor -> cable, hub, arm. Candidates are found by keywords in the title/description
   and favour the device's brand and model tokens (an iPhone 15 Pro owner gets the iPhone 15
   Pro case). On another catalog without those keywords the whole target category is used.
7. **Dislikes.** Some sessions include an off-profile item (wrong brand or price band,
   sampled by inverse affinity) that is viewed and disliked.
8. **Ratings.** Some purchases get a 1-5 rating days later, higher when the item fits the
   profile.
9. **Time.** Users start within the first ~150 days after ``start``; sessions are days
   apart, events within a session seconds to minutes apart. Each user's timestamps are
   strictly increasing; the returned rows are sorted by (timestamp, user_id).

Everything is drawn from ``random.Random`` instances seeded with strings derived from
``seed`` (and the user index), so output is reproducible across runs and platforms, and
the first N users do not change when ``n_users`` grows.

CLI::

    PYTHONPATH=bot python -m recommender.demo.interactions --users 2000 --seed 7 --out var/demo/interactions.csv
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from ..catalog import Item

SOURCE = "demo"
DEFAULT_START = datetime(2024, 1, 1, tzinfo=timezone.utc)
CSV_COLUMNS = ("user_id", "item_id", "event", "value", "timestamp", "source")

#: how often each category is a shopper's interest; unknown categories get ``DEFAULT_PRIOR``
CATEGORY_PRIOR: Dict[str, float] = {
    "smartphones": 0.22, "laptops": 0.16, "headphones": 0.14, "tablets": 0.08,
    "smartwatches": 0.09, "tvs": 0.08, "speakers": 0.07, "cameras": 0.06,
    "monitors": 0.05, "accessories": 0.05,
}
DEFAULT_PRIOR = 0.05

#: price band -> (low, high) quantile of a category's prices
PRICE_BANDS: Dict[str, Tuple[float, float]] = {
    "budget": (0.0, 0.45), "mid": (0.3, 0.75), "premium": (0.6, 1.0),
}
PRICE_BAND_PRIOR: Dict[str, float] = {"budget": 0.35, "mid": 0.4, "premium": 0.25}
PRICE_FALLOFF = 0.08  # quantile distance at which an out-of-band item's weight drops by e

FAN_BRANDS = ("Apple", "Samsung", "Google", "Sony")
FAN_RATE = 0.35
FAN_BOOST, BRAND_BOOST = 8.0, 4.0
FEATURE_BOOST = 0.8
SEEN_BOOST = 2.0

EXPLORE_RATE = 0.07  # sessions spent in a random category
REBUY_DAMPING = 0.35  # category weight multiplier after each purchase in it
MEAN_EXTRA_SESSIONS = 3.2
MAX_SESSIONS = 25
CLICK_RATE, LIKE_RATE = 0.5, 0.06
ABANDON_RATE = 0.2
DISLIKE_RATE = 0.15
FOLLOW_UP_RATE = 0.75
FOLLOW_UP_BUY_RATE = 0.55
RATING_RATE = 0.3

#: device category -> (target category, keywords in title/description, share); empty keywords
#: mean the whole target category
COMPLEMENTS: Dict[str, Tuple[Tuple[str, Tuple[str, ...], float], ...]] = {
    "smartphones": (
        ("accessories",
         ("phone", "iphone", "smartphone", "galaxy s2", "pixel", "magsafe", "power bank"), 0.75),
        ("headphones", ("earbuds", "airpods", "buds"), 0.25),
    ),
    "laptops": (
        ("monitors", (), 0.35),
        ("accessories",
         ("mouse", "keyboard", "hub", "dock", "webcam", "ssd", "laptop", "macbook"), 0.45),
        ("headphones", ("headphones", "headset"), 0.2),
    ),
    "tablets": (
        ("accessories",
         ("pencil", "slim pen", "keyboard", "folio", "ipad", "galaxy tab", "surface pro"), 1.0),
    ),
    "cameras": (
        ("accessories",
         ("sd card", "microsd", "camera battery", "camera bag", "tripod", "gopro", "drone", "gimbal"),
         1.0),
    ),
    "tvs": (
        ("speakers", ("soundbar", "subwoofer"), 0.55),
        ("accessories", ("for your tv", "tv wall mount", "hdmi"), 0.45),
    ),
    "smartwatches": (
        ("accessories", ("watch band", "watch charger", "apple watch", "galaxy watch"), 1.0),
    ),
    "monitors": (
        ("accessories", ("hdmi", "hub", "dock", "monitor arm", "webcam"), 1.0),
    ),
}

_TOKEN = re.compile(r"[a-z0-9]+")
_STORAGE = re.compile(r"^\d+(gb|tb|mm|w|m)$")
_STOPWORDS = frozenset(
    "a an and the for with to of in on by your from inch gb tb usb c pack case cable charger "
    "wireless smart new gen generation".split()
)

COMMON_TOKEN_SHARE = 0.25  # tokens in more of a category's titles than this are generic
DAY = 86400.0


@dataclass(frozen=True)
class UserProfile:
    """A simulated shopper's tastes; see the module docstring for how they are drawn."""

    user_id: str
    categories: Tuple[Tuple[str, float], ...]
    brands: FrozenSet[str]
    fan_of: Optional[str]
    price_band: str
    features: FrozenSet[str]
    sessions: int
    conversion: float

    @property
    def category_names(self) -> FrozenSet[str]:
        """The preferred categories without their weights."""
        return frozenset(name for name, _ in self.categories)


# ----------------------------------------------------------------------------- catalog index
def _tokens(text: str) -> FrozenSet[str]:
    """Lower-case model tokens useful for matching accessories to devices."""
    return frozenset(t for t in _TOKEN.findall(text.lower())
                     if t not in _STOPWORDS and not _STORAGE.match(t))


def _lognormal(rng: random.Random, sigma: float) -> float:
    return math.exp(rng.gauss(0.0, sigma))


@dataclass
class _CatalogIndex:
    """Per-category views of the catalog plus popularity and complement caches."""

    items: Sequence[Item]
    seed: int
    by_category: Dict[str, List[Item]] = field(default_factory=dict)
    quantile: Dict[str, float] = field(default_factory=dict)
    popularity: Dict[str, float] = field(default_factory=dict)
    position: Dict[str, int] = field(default_factory=dict)
    brands: FrozenSet[str] = frozenset()
    tag_counts: Dict[str, Counter] = field(default_factory=dict)
    title_tokens: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    text_tokens: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    _neighbours: Dict[str, List[float]] = field(default_factory=dict)
    _matches: Dict[Tuple[str, Tuple[str, ...]], List[Item]] = field(default_factory=dict)
    _complements: Dict[str, list] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.items:
            self.by_category.setdefault(item.category, []).append(item)
        self.brands = frozenset(item.brand for item in self.items)
        for item in self.items:
            self.title_tokens[item.id] = _tokens(item.title.split(" - ")[0])
            self.text_tokens[item.id] = _tokens(f"{item.title} {item.description}")
        for category, members in self.by_category.items():
            self.position.update((item.id, pos) for pos, item in enumerate(members))
            self.tag_counts[category] = Counter(tag for item in members for tag in item.features)
            ranked = sorted(members, key=lambda it: (it.price, it.id))
            span = max(len(ranked) - 1, 1)
            for rank, item in enumerate(ranked):
                self.quantile[item.id] = rank / span
        self._draw_popularity()

    def _draw_popularity(self) -> None:
        """Long-tailed popularity; colour variants share their listing's base draw."""
        rng = random.Random(f"{self.seed}:popularity")
        base: Dict[str, float] = {}
        for item in self.items:
            listing = item.title.split(" - ")[0]
            if listing not in base:
                base[listing] = _lognormal(rng, 1.1)
            self.popularity[item.id] = base[listing] * _lognormal(rng, 0.4)

    def neighbours(self, previous: Item) -> List[float]:
        """Per-item multipliers over ``previous``'s category: same brand and similar price
        level are likelier next views, an immediate re-view of ``previous`` is not. Cached."""
        if previous.id not in self._neighbours:
            q_prev = self.quantile[previous.id]
            boosts = []
            for item in self.by_category[previous.category]:
                boost = 0.05 if item.id == previous.id else 1.0
                if item.brand == previous.brand:
                    boost *= 2.0
                if abs(self.quantile[item.id] - q_prev) < 0.15:
                    boost *= 2.0
                boosts.append(boost)
            self._neighbours[previous.id] = boosts
        return self._neighbours[previous.id]

    def complements(self, device: Item) -> list:
        """[(share, candidates, weights)] of items that go with ``device``; cached."""
        if device.id not in self._complements:
            self._complements[device.id] = self._find_complements(device)
        return self._complements[device.id]

    def _model_tokens(self, device: Item) -> FrozenSet[str]:
        """Tokens of the device's listing that are rare within its category ("15", "pro",
        "iphone"), so generic words ("camera", "tv") do not count as a model match."""
        members = self.by_category[device.category]
        limit = COMMON_TOKEN_SHARE * len(members)
        return frozenset(t for t in self.title_tokens[device.id]
                         if sum(t in self.title_tokens[it.id] for it in members) <= limit)

    def matching(self, target: str, keywords: Tuple[str, ...]) -> List[Item]:
        """Items of ``target`` mentioning a keyword (all of them without keywords); cached."""
        key = (target, keywords)
        if key not in self._matches:
            pool = self.by_category.get(target, [])
            self._matches[key] = [it for it in pool if _mentions(it, keywords)] if keywords else pool
        return self._matches[key]

    def _find_complements(self, device: Item) -> list:
        device_tokens = self._model_tokens(device)
        found = []
        for target, keywords, share in COMPLEMENTS.get(device.category, ()):
            candidates = self.matching(target, keywords) or self.by_category.get(target, [])
            if candidates:
                weights = [self.popularity[it.id] ** 0.5
                           * _compatibility(device, device_tokens, it, self.text_tokens[it.id]) ** 2
                           for it in candidates]
                found.append((share, candidates, weights))
        return found


def _mentions(item: Item, keywords: Iterable[str]) -> bool:
    """Whether any keyword occurs as whole words in the title or description."""
    text = " ".join(_TOKEN.findall(f"{item.title} {item.description}".lower()))
    return any(re.search(rf"\b{re.escape(keyword)}", text) for keyword in keywords)


def _compatibility(device: Item, device_tokens: FrozenSet[str], accessory: Item,
                   accessory_tokens: FrozenSet[str]) -> float:
    """Same brand and shared model tokens ("iphone", "15", "pro") make a better match."""
    shared = device_tokens & accessory_tokens
    return 1.0 + 3.0 * (accessory.brand == device.brand) + 2.0 * min(len(shared), 3)


# ----------------------------------------------------------------------------- profiles
def _weighted_sample(rng: random.Random, options: Dict[str, float], k: int) -> List[str]:
    """k distinct keys drawn without replacement, proportional to weight."""
    pool = dict(options)
    chosen: List[str] = []
    while pool and len(chosen) < k:
        keys = list(pool)
        pick = rng.choices(keys, weights=[pool[key] for key in keys])[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _dirichlet(rng: random.Random, n: int) -> List[float]:
    draws = [rng.gammavariate(1.0, 1.0) for _ in range(n)]
    total = sum(draws)
    return [d / total for d in draws]


def _profile(index: _CatalogIndex, user_number: int, seed: int) -> UserProfile:
    """One user's tastes, from a per-user seeded generator."""
    rng = random.Random(f"{seed}:profile:{user_number}")
    prior = {c: CATEGORY_PRIOR.get(c, DEFAULT_PRIOR) for c in sorted(index.by_category)}
    n_categories = rng.choices((1, 2, 3), weights=(0.35, 0.4, 0.25))[0]
    categories = _weighted_sample(rng, prior, n_categories)
    weights = _dirichlet(rng, len(categories))

    brands = set()
    tag_counts: Counter = Counter()
    for category in categories:
        counts = Counter(item.brand for item in index.by_category[category])
        brand_weights = {b: n ** 0.7 for b, n in sorted(counts.items())}
        brands.update(_weighted_sample(rng, brand_weights, rng.choice((1, 1, 2))))
        tag_counts.update(index.tag_counts[category])
    fans = [b for b in FAN_BRANDS if b in index.brands]
    fan_of = rng.choice(fans) if fans and rng.random() < FAN_RATE else None

    band = rng.choices(list(PRICE_BAND_PRIOR), weights=list(PRICE_BAND_PRIOR.values()))[0]
    features = _weighted_sample(rng, dict(sorted(tag_counts.items())), rng.randint(1, 3))
    sessions = min(1 + int(rng.expovariate(1.0 / MEAN_EXTRA_SESSIONS)), MAX_SESSIONS)
    return UserProfile(
        user_id=f"u{user_number:05d}",
        categories=tuple(zip(categories, weights)),
        brands=frozenset(brands),
        fan_of=fan_of,
        price_band=band,
        features=frozenset(features),
        sessions=sessions,
        conversion=rng.uniform(0.25, 0.6),
    )


def sample_profiles(items: Sequence[Item], n_users: int = 2000, seed: int = 7) -> List[UserProfile]:
    """The user profiles ``generate_interactions`` uses for the same items, size and seed."""
    index = _CatalogIndex(items, seed)
    return [_profile(index, number, seed) for number in range(1, n_users + 1)]


# ----------------------------------------------------------------------------- simulation
class _Shopper:
    """Simulates one user's history; events are (seconds since start, item, event, value)."""

    def __init__(self, profile: UserProfile, index: _CatalogIndex, rng: random.Random):
        self.profile = profile
        self.index = index
        self.rng = rng
        self.events: List[Tuple[float, str, str, Optional[float]]] = []
        self.bought: Counter = Counter()
        self._fit: Dict[str, List[float]] = {}
        self._affinity: Dict[str, List[float]] = {}
        self._seen: Dict[str, List[float]] = {}

    # -- scoring
    def fit(self, item: Item) -> float:
        """How well an item matches the profile, ignoring popularity (>= ~0)."""
        p = self.profile
        weight = 1.0
        if item.brand == p.fan_of:
            weight *= FAN_BOOST
        elif item.brand in p.brands:
            weight *= BRAND_BOOST
        low, high = PRICE_BANDS[p.price_band]
        q = self.index.quantile[item.id]
        weight *= math.exp(-max(low - q, q - high, 0.0) / PRICE_FALLOFF)
        weight *= 1.0 + FEATURE_BOOST * len(p.features.intersection(item.features))
        return weight if item.in_stock else weight * 0.5

    def fits(self, category: str) -> List[float]:
        """Cached ``fit`` for every item of a category."""
        if category not in self._fit:
            self._fit[category] = [self.fit(it) for it in self.index.by_category[category]]
        return self._fit[category]

    def affinity(self, category: str) -> List[float]:
        """Cached popularity x fit for every item of a category."""
        if category not in self._affinity:
            members = self.index.by_category[category]
            self._affinity[category] = [self.index.popularity[it.id] * f
                                        for it, f in zip(members, self.fits(category))]
        return self._affinity[category]

    def mark_seen(self, item: Item) -> None:
        """Items viewed before are likelier to be viewed again (comparison shopping)."""
        if item.category not in self._seen:
            self._seen[item.category] = [1.0] * len(self.index.by_category[item.category])
        self._seen[item.category][self.index.position[item.id]] = SEEN_BOOST

    # -- event helpers
    def emit(self, t: float, item: Item, event: str, value: Optional[float] = None) -> None:
        self.events.append((t, item.id, event, value))

    def choose_category(self) -> str:
        categories = sorted(self.index.by_category)
        if self.rng.random() < EXPLORE_RATE:
            return self.rng.choice(categories)
        names = [c for c, _ in self.profile.categories]
        weights = [w * REBUY_DAMPING ** self.bought[c] for c, w in self.profile.categories]
        return self.rng.choices(names, weights=weights)[0]

    def next_view(self, category: str, previous: Optional[Item]) -> Item:
        """Affinity-weighted draw, pulled towards the previous item and earlier views."""
        members = self.index.by_category[category]
        weights = self.affinity(category)
        if category in self._seen:
            weights = [w * s for w, s in zip(weights, self._seen[category])]
        if previous is not None and previous.category == category:
            weights = [w * n for w, n in zip(weights, self.index.neighbours(previous))]
        return self.rng.choices(members, weights=weights)[0]

    # -- session stages
    def browse(self, t: float, category: str) -> Tuple[float, List[Item]]:
        """Views (with clicks and likes); returns the clock and the distinct items viewed."""
        viewed: List[Item] = []
        previous = None
        for _ in range(self.rng.randint(2, 8)):
            item = self.next_view(category, previous)
            self.emit(t, item, "view")
            if self.rng.random() < CLICK_RATE:
                t += self.rng.uniform(3, 40)
                self.emit(t, item, "click")
            if self.rng.random() < LIKE_RATE:
                t += self.rng.uniform(5, 60)
                self.emit(t, item, "like")
            self.mark_seen(item)
            if item not in viewed:
                viewed.append(item)
            previous = item
            t += self.rng.uniform(15, 240)
        return t, viewed

    def dislike(self, t: float, category: str) -> float:
        """An off-profile item, drawn by inverse fit, viewed then disliked."""
        members = self.index.by_category[category]
        item = self.rng.choices(members, weights=[1.0 / f for f in self.fits(category)])[0]
        self.emit(t, item, "view")
        t += self.rng.uniform(5, 45)
        self.emit(t, item, "dislike")
        return t + self.rng.uniform(10, 120)

    def buy(self, t: float, item: Item) -> float:
        self.emit(t, item, "add_to_cart")
        t += self.rng.uniform(60, 900)
        self.emit(t, item, "purchase")
        self.bought[item.category] += 1
        if self.rng.random() < RATING_RATE:
            self.emit(t + self.rng.uniform(3, 21) * DAY, item, "rating", self.rating(item))
        return t + self.rng.uniform(30, 300)

    def checkout(self, t: float, viewed: List[Item]) -> Tuple[float, Optional[Item]]:
        """Convert on the best-liked in-stock viewed item, or sometimes abandon the cart."""
        stocked = [it for it in viewed if it.in_stock]
        if not stocked:
            return t, None
        weights = [self.fit(it) ** 1.5 for it in stocked]
        choice = self.rng.choices(stocked, weights=weights)[0]
        if self.rng.random() < self.profile.conversion:
            return self.buy(t, choice), choice
        if self.rng.random() < ABANDON_RATE:
            self.emit(t, choice, "add_to_cart")
            t += self.rng.uniform(30, 300)
        return t, None

    def follow_up(self, t: float, device: Item) -> float:
        """Accessories after a device purchase, in the same visit or days later."""
        options = self.index.complements(device)
        if not options or self.rng.random() >= FOLLOW_UP_RATE:
            return t
        if self.rng.random() < 0.4:
            t += self.rng.uniform(1, 6) * DAY
        else:
            t += self.rng.uniform(60, 1200)
        count = 1 + (self.rng.random() < 0.5) + (self.rng.random() < 0.2)
        for _ in range(count):
            _, candidates, weights = self.rng.choices(options, weights=[o[0] for o in options])[0]
            item = self.rng.choices(candidates, weights=weights)[0]
            self.emit(t, item, "view")
            t += self.rng.uniform(10, 120)
            if self.rng.random() < 0.6:
                self.emit(t, item, "click")
                t += self.rng.uniform(10, 90)
            if item.in_stock and self.rng.random() < FOLLOW_UP_BUY_RATE:
                t = self.buy(t, item)
        return t

    def rating(self, item: Item) -> float:
        """1-5 stars, higher for on-brand, in-band, feature-matching purchases."""
        p = self.profile
        low, high = PRICE_BANDS[p.price_band]
        in_band = low <= self.index.quantile[item.id] <= high
        on_brand = item.brand in p.brands or item.brand == p.fan_of
        overlap = min(len(p.features.intersection(item.features)), 2) / 2
        score = 2.4 + 2.4 * (0.4 * on_brand + 0.3 * in_band + 0.3 * overlap)
        return float(min(5, max(1, round(score + self.rng.gauss(0.0, 0.8)))))

    def session(self, t: float) -> float:
        category = self.choose_category()
        t, viewed = self.browse(t, category)
        if self.rng.random() < DISLIKE_RATE:
            t = self.dislike(t, category)
        t, bought = self.checkout(t, viewed)
        if bought is not None:
            t = self.follow_up(t, bought)
        return t

    def run(self) -> List[Tuple[float, str, str, Optional[float]]]:
        """The user's whole history, sorted, with strictly increasing whole seconds."""
        t = self.rng.uniform(0, 150) * DAY
        for _ in range(self.profile.sessions):
            t = self.session(t)
            t += self.rng.expovariate(1.0 / 8.0) * DAY + 3600
        return _strictly_increasing(sorted(self.events, key=lambda e: e[0]))


def _strictly_increasing(events):
    """Round to seconds and nudge ties forward so per-user order is unambiguous."""
    fixed, last = [], -1
    for t, item_id, event, value in events:
        second = max(int(t), last + 1)
        fixed.append((second, item_id, event, value))
        last = second
    return fixed


def generate_interactions(
    items: List[Item],
    n_users: int = 2000,
    seed: int = 7,
    start: Optional[datetime] = None,
) -> List[dict]:
    """Simulated interaction rows for ``items``; deterministic for a given seed.

    Rows carry user_id, item_id, event, value (stars for "rating", else None), a tz-aware
    UTC timestamp and source "demo", sorted by (timestamp, user_id).
    """
    if not items:
        return []
    origin = (start or DEFAULT_START).astimezone(timezone.utc)
    index = _CatalogIndex(items, seed)
    rows = []
    for number in range(1, n_users + 1):
        profile = _profile(index, number, seed)
        shopper = _Shopper(profile, index, random.Random(f"{seed}:events:{number}"))
        for second, item_id, event, value in shopper.run():
            rows.append({
                "user_id": profile.user_id,
                "item_id": item_id,
                "event": event,
                "value": value,
                "timestamp": origin + timedelta(seconds=second),
                "source": SOURCE,
            })
    rows.sort(key=lambda row: (row["timestamp"], row["user_id"]))
    return rows


# ----------------------------------------------------------------------------- csv + cli
def write_interactions_csv(rows: Iterable[dict], path: Union[str, Path]) -> None:
    """CSV with ``CSV_COLUMNS``; ISO-8601 timestamps, empty value when there is none."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            value = "" if row["value"] is None else row["value"]
            writer.writerow([row["user_id"], row["item_id"], row["event"], value,
                             row["timestamp"].isoformat(), row["source"]])


def read_interactions_csv(path: Union[str, Path]) -> List[dict]:
    """Rows as written by ``write_interactions_csv``, with types restored."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {
                "user_id": row["user_id"],
                "item_id": row["item_id"],
                "event": row["event"],
                "value": float(row["value"]) if row["value"] else None,
                "timestamp": datetime.fromisoformat(row["timestamp"]),
                "source": row["source"],
            }
            for row in csv.DictReader(handle)
        ]


def summarize(rows: Sequence[dict]) -> Dict[str, object]:
    """Counts worth printing after a run."""
    return {
        "users": len({row["user_id"] for row in rows}),
        "interactions": len(rows),
        "events": dict(Counter(row["event"] for row in rows).most_common()),
        "items_touched": len({row["item_id"] for row in rows}),
    }


def main(argv: Optional[Sequence[str]] = None) -> None:
    """CLI: simulate the demo catalog's log and write it as CSV."""
    from . import load_demo_catalog

    parser = argparse.ArgumentParser(description="Generate the demo interaction log.")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=datetime.fromisoformat, default=None,
                        help="ISO date of the first possible event (default 2024-01-01 UTC)")
    parser.add_argument("--out", type=Path, default=Path("var/demo/interactions.csv"))
    args = parser.parse_args(argv)
    start = args.start
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    began = time.perf_counter()
    rows = generate_interactions(load_demo_catalog(), args.users, args.seed, start)
    write_interactions_csv(rows, args.out)
    summary = summarize(rows)
    print(f"wrote {summary['interactions']} rows for {summary['users']} users to {args.out} "
          f"in {time.perf_counter() - began:.1f}s; events: {summary['events']}")


if __name__ == "__main__":
    main()
