"""After a purchase, what goes with it: learnt from the demo store's log, and worked out by hand on a tiny one."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from recommender.catalog import Item
from recommender.complements import ComplementIndex, complements, same_model
from recommender.store import HistoryEvent, Store
from recommender.variants import model_key


@pytest.fixture(scope="module")
def demo_store(demo_database_url):
    with Store(demo_database_url) as store:
        items = store.load_items()
        sequences = store.sequences()
        started = time.perf_counter()
        index = ComplementIndex.from_sequences(sequences, items)
        built_in = time.perf_counter() - started
        yield {"items": items, "by_title": {i.title: i for i in items}, "index": index, "built_in": built_in,
               "sequences": sequences}


def _titles(items):
    return [item.title for item in items]


def test_buying_an_iphone_offers_accessories_not_phones(demo_store):
    index, by_title = demo_store["index"], demo_store["by_title"]
    phone = by_title["Apple iPhone 15 Pro 128GB - Natural Titanium"]
    found = index.suggest(phone, k=5)
    assert len(found) == 5
    assert all(c.item.category != "smartphones" and c.item.in_stock for c in found)
    assert not any(same_model(c.item, phone) for c in found)
    titles = _titles(c.item for c in found)
    # the cases made for this very model lead; the Pro Max case (another model) is not offered
    assert titles[0].startswith("Apple iPhone 15 Pro Silicone Case")
    assert "Catalyst Total Protection Waterproof Case for iPhone 15 Pro" in titles
    assert not any("Pro Max" in t for t in titles)
    assert found[0].together >= 2 and found[0].fits == "model"
    # one slot per model: the case shows once, in a colour that is in stock
    assert len({model_key(c.item) for c in found}) == 5


def test_every_phone_gets_non_phone_complements_from_the_log(demo_store):
    index, items = demo_store["index"], demo_store["items"]
    phones = [item for item in items if item.category == "smartphones" and item.in_stock]
    categories = {}
    for phone in phones:
        found = index.complements(phone, k=5)
        assert found, phone.title
        for item in found:
            assert item.category != "smartphones" and item.in_stock and not same_model(item, phone)
            categories[item.category] = categories.get(item.category, 0) + 1
    # what phone buyers add: cases, chargers and earbuds, not laptops or TVs
    assert sum(categories.get(c, 0) for c in ("accessories", "headphones")) >= 0.9 * sum(categories.values())


@pytest.mark.parametrize("bought, expected, unwanted", [
    ("Samsung Galaxy S24 128GB - Onyx Black", "Spigen Ultra Hybrid Case for Galaxy S24", "OtterBox Symmetry"),
    ("Canon EOS R6 Mark II Mirrorless Camera Body Only", "Canon LP-E6NH Battery Pack", None),
    ("Sony Alpha a6700 Mirrorless Camera Body Only", "Sony NP-FZ100 Rechargeable Battery", None),
    ("Apple iPad (10th generation) 64GB - Blue", "Apple Smart Folio for iPad (10th generation)",
     "Magic Keyboard for iPad Pro"),
    ("Samsung Galaxy Watch6 40mm Bluetooth - Graphite", "Samsung Galaxy Watch Sport Band", "Apple Sport Band"),
])
def test_complements_fit_the_model_bought(demo_store, bought, expected, unwanted):
    titles = _titles(demo_store["index"].complements(demo_store["by_title"][bought], k=5))
    assert any(t.startswith(expected) for t in titles), titles
    if unwanted:
        assert not any(unwanted in t for t in titles), titles


def test_a_tv_gets_sound_and_mounts(demo_store):
    tv = demo_store["by_title"]["LG 55-Inch OLED evo C3 4K Smart TV"]
    found = demo_store["index"].complements(tv, k=5)
    assert {item.category for item in found} <= {"speakers", "accessories"}
    assert any("Soundbar" in item.title for item in found)
    assert any("Wall Mount" in item.title for item in found)


def test_cold_start_falls_back_to_names(demo_store):
    """No log at all: what names the model bought still comes back, other models of the line do not."""
    index = ComplementIndex.from_sequences({}, demo_store["items"])
    phone = demo_store["by_title"]["Apple iPhone 15 Pro 256GB - Natural Titanium"]
    found = index.suggest(phone, k=10)
    fits = {c.item.title: c.fits for c in found}
    assert {t for t, f in fits.items() if f == "model"} == {
        "Apple iPhone 15 Pro Silicone Case with MagSafe - Black",
        "Catalyst Total Protection Waterproof Case for iPhone 15 Pro",
        "Belkin ScreenForce UltraGlass Screen Protector for iPhone 15 Pro",
    }
    assert [c.fits for c in found[:3]] == ["model"] * 3
    assert all(f in ("model", "line") for f in fits.values())
    assert not any("Pro Max" in t or "Galaxy" in t for t in fits)
    assert "Apple MagSafe Charger 1m" in fits  # "Magnetic wireless charger for iPhone": the line


def test_index_is_built_once_and_queries_are_cheap(demo_store):
    index, items = demo_store["index"], demo_store["items"]
    assert demo_store["built_in"] < 10
    sample = [item for item in items if item.in_stock][::20]
    started = time.perf_counter()
    for item in sample:
        index.complements(item)
    assert (time.perf_counter() - started) / len(sample) < 0.1
    # the one-shot helper gives the same answer from the raw sequences or the built index
    phone = demo_store["by_title"]["Apple iPhone 14 128GB - Midnight"]
    assert complements(phone, items, demo_store["sequences"]) == complements(phone, items, index)


# -- a tiny hand-made log --------------------------------------------------------------------
def _shop():
    def item(id_, title, category, brand="Acme", description="", in_stock=True):
        return Item(id_, title, category, brand, 10.0, description=description, in_stock=in_stock)

    return [
        item("ph-b", "Acme Phone 7 - Black", "phones"),
        item("ph-w", "Acme Phone 7 - White", "phones"),
        item("ph-8", "Acme Phone 8 - Black", "phones"),
        item("case7-r", "Acme Phone 7 Case - Red", "accessories", in_stock=False),
        item("case7-g", "Acme Phone 7 Case - Green", "accessories"),
        item("case8", "Acme Phone 8 Case", "accessories"),
        item("charger", "Zap 20W Charger", "accessories", "Zap", "Fast charger for Acme Phone and tablets."),
        item("earbuds", "Acme Buds", "headphones"),
        item("laptop", "Acme Book 14", "laptops"),
        item("mug", "Zap Travel Mug", "kitchen", "Zap"),
    ]


T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)


def _log(*rows):
    """rows of (user, item_id, event, days after T0) -> Store.sequences() shape."""
    out = {}
    for user, item_id, event, days in rows:
        out.setdefault(user, []).append(HistoryEvent(item_id, event, None, T0 + timedelta(days=days)))
    return {user: sorted(events, key=lambda e: e.timestamp) for user, events in out.items()}


def test_hand_made_log_counts_pairs_forwards_within_the_window():
    shop = _shop()
    by_id = {i.id: i for i in shop}
    log = _log(
        # three buyers of either colour of Phone 7 add its case (red and green pool into one model)
        ("u1", "ph-b", "purchase", 0), ("u1", "case7-r", "add_to_cart", 1),
        ("u2", "ph-w", "purchase", 0), ("u2", "case7-g", "purchase", 2), ("u2", "earbuds", "like", 3),
        ("u3", "ph-b", "add_to_cart", 0), ("u3", "case7-g", "purchase", 0.1), ("u3", "earbuds", "purchase", 5),
        # a laptop bought two months later is taste, not a complement; a view is no signal
        ("u1", "laptop", "purchase", 60), ("u2", "laptop", "purchase", 61), ("u3", "laptop", "view", 1),
        # the mug came first: bought before the phone, so not bought for it
        ("u1", "mug", "purchase", -3), ("u2", "mug", "purchase", -2),
        # one user is not a pattern
        ("u4", "ph-b", "purchase", 0), ("u4", "case8", "purchase", 1),
    )
    index = ComplementIndex.from_sequences(log, shop)
    assert index.together[model_key(by_id["ph-b"])][model_key(by_id["case7-g"])] == 3
    assert index.together[model_key(by_id["ph-b"])][model_key(by_id["earbuds"])] == 2
    assert model_key(by_id["laptop"]) not in index.together[model_key(by_id["ph-b"])]

    found = index.suggest(by_id["ph-w"], k=5)
    assert [c.item.id for c in found] == ["case7-g", "earbuds", "charger"]
    assert [c.together for c in found] == [3, 2, 0]
    assert found[0].fits == "model" and found[2].fits == "line"  # "for Acme Phone": the line, not model 8
    # never the phone itself, its other colour, the Phone 8 (same category) or the sold-out red case
    assert {"ph-b", "ph-w", "ph-8", "case7-r", "laptop", "mug", "case8"}.isdisjoint(c.item.id for c in found)
    # a new colour added to the shop after the index was built is still the same model
    new_colour = Item("ph-blue", "Acme Phone 7 - Blue", "phones", "Acme", 10.0)
    assert [c.item.id for c in index.suggest(new_colour, k=5)] == ["case7-g", "earbuds", "charger"]


def test_hand_made_log_without_timestamps_and_with_a_wider_window():
    shop = _shop()
    by_id = {i.id: i for i in shop}
    log = _log(("u1", "ph-b", "purchase", 0), ("u1", "laptop", "purchase", 60),
               ("u2", "ph-b", "purchase", 0), ("u2", "laptop", "purchase", 61))
    assert index_ids(ComplementIndex.from_sequences(log, shop), by_id["ph-b"]) == ["case7-g", "charger"]
    wide = ComplementIndex.from_sequences(log, shop, window=timedelta(days=90))
    assert index_ids(wide, by_id["ph-b"])[0] == "laptop"
    untimed = {u: [HistoryEvent(e.item_id, e.event, None, None) for e in evs] for u, evs in log.items()}
    assert index_ids(ComplementIndex.from_sequences(untimed, shop), by_id["ph-b"])[0] == "laptop"


def index_ids(index, item):
    return [i.id for i in index.complements(item)]
