"""The shipped demo catalog and the synthetic interaction-log generator."""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from recommender.catalog import EVENT_TYPES, Item
from recommender.demo import DEMO_CATALOG_PATH, load_demo_catalog
from recommender.demo.build_catalog import build_catalog
from recommender.demo.interactions import (
    COMPLEMENTS,
    CSV_COLUMNS,
    generate_interactions,
    main,
    read_interactions_csv,
    sample_profiles,
    write_interactions_csv,
)
from recommender.demo import demo_vocabulary

FEATURE_ALIASES = demo_vocabulary()["features"]

CATALOG_KEYS = {"id", "title", "category", "brand", "price", "currency", "features",
                "description", "in_stock", "image_url"}
REQUIRED_CATEGORIES = {"smartphones", "laptops", "headphones", "tablets", "smartwatches",
                       "cameras", "tvs", "speakers"}
ALL_CATEGORIES = REQUIRED_CATEGORIES | {"monitors", "accessories"}


@pytest.fixture(scope="module")
def raw_catalog():
    return json.loads(DEMO_CATALOG_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def items():
    return load_demo_catalog()


@pytest.fixture(scope="module")
def default_log(items):
    """The default-size log, generated once for the whole module, with its runtime."""
    began = time.perf_counter()
    rows = generate_interactions(items)
    return rows, time.perf_counter() - began


@pytest.fixture(scope="module")
def by_user(default_log):
    grouped = defaultdict(list)
    for row in default_log[0]:
        grouped[row["user_id"]].append(row)
    return grouped


# ----------------------------------------------------------------------------- catalog
def test_catalog_size_and_categories(items):
    counts = Counter(item.category for item in items)
    assert len(items) >= 560
    assert REQUIRED_CATEGORIES <= set(counts)
    assert set(counts) == ALL_CATEGORIES
    assert min(counts.values()) >= 30


def test_catalog_rows_have_exactly_the_documented_keys(raw_catalog):
    assert all(set(row) == CATALOG_KEYS for row in raw_catalog)
    assert all(row["image_url"] is None and row["currency"] == "USD" for row in raw_catalog)


def test_catalog_ids_and_titles_are_unique(items):
    assert len({item.id for item in items}) == len(items)
    assert len({item.title for item in items}) == len(items)


def test_catalog_values_are_sane(items):
    canonical = set(FEATURE_ALIASES)
    for item in items:
        assert isinstance(item, Item)
        assert item.price > 0
        assert 2 <= len(item.features) <= 5, item.title
        assert set(item.features) <= canonical, item.title
        assert item.description and item.brand
    in_stock = sum(item.in_stock for item in items) / len(items)
    assert 0.85 <= in_stock <= 0.97


def test_catalog_has_price_spread_for_typical_requests(items):
    cheap_camera_phones = [i for i in items if i.category == "smartphones"
                           and i.price < 500 and "camera" in i.features]
    cheap_laptops = [i for i in items if i.category == "laptops" and i.price < 1000]
    assert len(cheap_camera_phones) >= 5
    assert len(cheap_laptops) >= 5
    for category in ALL_CATEGORIES:
        prices = sorted(i.price for i in items if i.category == category)
        assert prices[-1] >= 3 * prices[0], category


def test_build_script_reproduces_the_shipped_file(raw_catalog):
    assert build_catalog() == raw_catalog


# ----------------------------------------------------------------------------- generator
def test_default_log_meets_size_and_speed_targets(default_log):
    rows, seconds = default_log
    assert len({row["user_id"] for row in rows}) >= 2000
    assert len(rows) >= 50_000
    assert seconds < 20


def test_rows_follow_the_schema(default_log, items):
    known = {item.id for item in items}
    for row in default_log[0]:
        assert set(row) == set(CSV_COLUMNS)
        assert row["event"] in EVENT_TYPES
        assert row["item_id"] in known
        assert row["source"] == "demo"
        assert row["timestamp"].utcoffset() == timedelta(0)
        if row["event"] == "rating":
            assert isinstance(row["value"], float) and 1.0 <= row["value"] <= 5.0
        else:
            assert row["value"] is None
    assert set(Counter(row["event"] for row in default_log[0])) == set(EVENT_TYPES)


def test_timestamps_increase_per_user_and_rows_are_chronological(default_log, by_user):
    stamps = [row["timestamp"] for row in default_log[0]]
    assert stamps == sorted(stamps)
    for rows in by_user.values():
        times = [row["timestamp"] for row in rows]
        assert all(a < b for a, b in zip(times, times[1:]))


def test_generation_is_deterministic_under_seed(items):
    first = generate_interactions(items, n_users=40, seed=3)
    assert first == generate_interactions(items, n_users=40, seed=3)
    assert first != generate_interactions(items, n_users=40, seed=4)


def test_growing_the_population_keeps_existing_users(items):
    small = generate_interactions(items, n_users=10, seed=5)
    large = generate_interactions(items, n_users=30, seed=5)
    assert [r for r in large if r["user_id"] <= "u00010"] == small


def test_start_moves_the_log(items):
    start = datetime(2023, 6, 1, tzinfo=timezone.utc)
    rows = generate_interactions(items, n_users=5, seed=1, start=start)
    assert min(row["timestamp"] for row in rows) >= start


def test_accessories_follow_device_purchases_more_often_than_chance(default_log, items):
    category = {item.id: item.category for item in items}
    purchases = defaultdict(list)
    for row in default_log[0]:
        if row["event"] == "purchase":
            purchases[row["user_id"]].append(category[row["item_id"]])
    share = Counter(c for cats in purchases.values() for c in cats)
    total = sum(share.values())
    hits = expected = pairs = 0
    for cats in purchases.values():
        for device, following in zip(cats, cats[1:]):
            if device not in COMPLEMENTS:
                continue
            targets = {target for target, _, _ in COMPLEMENTS[device]}
            pairs += 1
            hits += following in targets
            expected += sum(share[t] for t in targets) / total
    assert pairs > 500
    assert hits / pairs > 1.4 * expected / pairs


def test_phone_buyers_get_matching_accessories(default_log, items):
    """An iPhone purchase is followed by iPhone/Apple-compatible accessories, not Galaxy ones."""
    by_id = {item.id: item for item in items}
    last_phone = {}
    apple = galaxy = 0
    for row in default_log[0]:
        item = by_id[row["item_id"]]
        if row["event"] != "purchase":
            continue
        if item.category == "smartphones":
            last_phone[row["user_id"]] = item
        elif item.category == "accessories" and row["user_id"] in last_phone:
            if last_phone[row["user_id"]].brand == "Apple":
                text = f"{item.title} {item.description}"
                apple += "iPhone" in text or "MagSafe" in text or item.brand == "Apple"
                galaxy += "Galaxy" in text
    assert apple > 5 * max(galaxy, 1)


def test_users_concentrate_on_their_profile_categories(by_user, items):
    category = {item.id: item.category for item in items}
    profiles = {p.user_id: p for p in sample_profiles(items)}
    fractions = []
    for user_id, rows in by_user.items():
        preferred = profiles[user_id].category_names
        fractions.append(sum(category[r["item_id"]] in preferred for r in rows) / len(rows))
    assert sum(fractions) / len(fractions) > 0.75


def test_consecutive_events_stay_in_category_and_brand(default_log, by_user, items):
    """Sequences carry signal: the previous item predicts the next one's category and brand."""
    by_id = {item.id: item for item in items}
    same_category = same_brand = steps = 0
    for rows in by_user.values():
        for a, b in zip(rows, rows[1:]):
            if a["item_id"] == b["item_id"]:
                continue
            steps += 1
            same_category += by_id[a["item_id"]].category == by_id[b["item_id"]].category
            same_brand += by_id[a["item_id"]].brand == by_id[b["item_id"]].brand
    shares = Counter(by_id[r["item_id"]].category for r in default_log[0])
    chance = sum((n / len(default_log[0])) ** 2 for n in shares.values())
    assert same_category / steps > 3 * chance
    assert same_brand / steps > 0.3


def test_popularity_is_long_tailed(default_log):
    counts = sorted(Counter(r["item_id"] for r in default_log[0]).values(), reverse=True)
    top_tenth = sum(counts[: len(counts) // 10]) / sum(counts)
    assert top_tenth > 0.3
    assert counts[0] > 10 * counts[len(counts) // 2]


# ----------------------------------------------------------------------------- csv + cli
def test_csv_round_trip(tmp_path, items):
    rows = generate_interactions(items, n_users=15, seed=2)
    path = tmp_path / "log.csv"
    write_interactions_csv(rows, path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(CSV_COLUMNS)
    assert read_interactions_csv(path) == rows


def test_cli_writes_a_csv(tmp_path, capsys):
    out = tmp_path / "nested" / "demo.csv"
    main(["--users", "12", "--seed", "9", "--out", str(out)])
    rows = read_interactions_csv(out)
    assert len({row["user_id"] for row in rows}) == 12
    assert "wrote" in capsys.readouterr().out
