"""Variant grouping: one model per list slot, on the demo catalog and on a hand-made clothes/furniture shop."""
from __future__ import annotations

from dataclasses import replace

import pytest

from recommender.catalog import Item
from recommender.demo import load_demo_catalog
from recommender.demo.build_catalog import CATALOG, expand_line
from recommender.ranking import ScoredItem
from recommender.variants import (
    group_variants,
    model_key,
    model_title,
    same_model,
    variant_label,
    variant_labels,
    variants_of,
)


@pytest.fixture(scope="module")
def demo():
    return load_demo_catalog()


@pytest.fixture(scope="module")
def by_title(demo):
    return {item.title: item for item in demo}


def _line_items():
    """Every demo model line as the catalog builder expands it: the ground truth of "one model"."""
    lines = []
    for category, table in CATALOG.items():
        for line in table:
            rows = expand_line(line)
            lines.append([Item(f"{category}-{n}", row["title"], category, row["brand"], row["price"],
                               description=row["description"]) for n, row in enumerate(rows)])
    return lines


def _key_of(by_title, title):
    return model_key(by_title[title])


# -- the demo catalog --------------------------------------------------------------------------
def test_each_demo_line_is_exactly_one_model():
    """With the "Variant:" hint every builder line is one key and no two lines share one."""
    lines = _line_items()
    keys = [{model_key(item) for item in line} for line in lines]
    assert all(len(k) == 1 for k in keys), [sorted(k) for k in keys if len(k) != 1][:3]
    flat = [next(iter(k)) for k in keys]
    assert len(set(flat)) == len(flat) == 390


def test_generic_rules_never_merge_two_demo_lines():
    """Without the hint (another shop's catalog) splits are tolerated, merges of different models are not."""
    lines = [[replace(item, description="") for item in line] for line in _line_items()]
    owner = {}
    for number, line in enumerate(lines):
        for item in line:
            owner.setdefault(model_key(item), set()).add(number)
    merged = {key: sorted(lines[n][0].title for n in owners) for key, owners in owner.items() if len(owners) > 1}
    assert merged == {}
    # and most lines still come out whole: colours, storage, configs, TV sizes and kits are read from titles
    whole = sum(len({model_key(item) for item in line}) == 1 for line in lines)
    assert whole >= 0.95 * len(lines)


@pytest.mark.parametrize("titles", [
    ("Apple iPhone 15 128GB - Black", "Apple iPhone 15 Plus 128GB - Black",
     "Apple iPhone 15 Pro 128GB - Black Titanium", "Apple iPhone 15 Pro Max 256GB - Blue Titanium"),
    ("Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Black",
     "Sony WH-1000XM4 Wireless Noise Cancelling Headphones - Black"),
    ("Samsung Galaxy S24 256GB - Onyx Black", "Samsung Galaxy S24+ 256GB - Onyx Black",
     "Samsung Galaxy S24 Ultra 256GB - Titanium Black"),
    ("Canon EOS R5 Mirrorless Camera Body Only", "Canon EOS R50 Mirrorless Camera with RF-S 18-45mm Lens - Black"),
    ("Motorola Razr (2024) 256GB - Koala Grey", "Motorola Razr+ (2024) 256GB - Hot Pink"),
    ("Apple AirPods (2nd generation)", "Apple AirPods (3rd generation)"),
    ("Nothing Phone (2) 12GB + 256GB - White", "Nothing Phone (2a) 12GB + 256GB - Black"),
    ("LG 55-Inch OLED evo C3 4K Smart TV", "LG 55-Inch OLED B3 4K Smart TV", "LG 55-Inch OLED evo G3 4K Smart TV"),
    ("Apple MacBook Air 13-inch (M2) (8GB, 256GB SSD) - Midnight",
     "Apple MacBook Air 13-inch (M3) (8GB, 256GB SSD) - Midnight"),
    ("Samsung 25W Super Fast Charging Power Adapter", "Samsung 45W Super Fast Charging Power Adapter"),
])
def test_different_models_never_merge(by_title, titles):
    keys = [_key_of(by_title, title) for title in titles]
    assert len(set(keys)) == len(keys), keys


@pytest.mark.parametrize("titles", [
    ("Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Black",
     "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Silver",
     "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Midnight Blue"),
    ("Apple iPhone 15 Pro 128GB - Black Titanium", "Apple iPhone 15 Pro 256GB - Natural Titanium",
     "Apple iPhone 15 Pro 1TB - Natural Titanium"),
    ("Canon EOS R5 Mirrorless Camera Body Only", "Canon EOS R5 Mirrorless Camera with RF 24-105mm f/4L Lens"),
    ("Fujifilm X-T5 Mirrorless Camera Body Only - Black",
     "Fujifilm X-T5 Mirrorless Camera with XF 18-55mm Lens - Silver"),
    ("LG 42-Inch OLED evo C3 4K Smart TV", "LG 83-Inch OLED evo C3 4K Smart TV"),
    ("Dell XPS 14 (Core Ultra 7, 16GB, 512GB SSD)", "Dell XPS 14 (Core Ultra 7, 32GB, 1TB SSD, OLED)"),
    ("Apple AirTag 1-Pack", "Apple AirTag 4-Pack"),
])
def test_variants_of_one_model_share_a_key(by_title, titles):
    assert len({_key_of(by_title, title) for title in titles}) == 1
    assert same_model(by_title[titles[0]], by_title[titles[-1]])


def test_same_category_and_brand_are_part_of_the_model(by_title):
    phone = by_title["Samsung Galaxy S24 Ultra 256GB - Titanium Black"]
    case = by_title["Samsung Galaxy S24 Ultra Silicone Case - Black"]
    assert not same_model(phone, case)
    assert model_title(phone) == "Samsung Galaxy S24 Ultra"
    assert model_key(replace(phone, brand="Other")) != model_key(phone)


def test_labels_say_what_tells_a_variant_apart(demo, by_title):
    pro = [item for item in demo if model_key(item) == _key_of(by_title, "Apple iPhone 15 Pro 128GB - Black Titanium")]
    assert len(pro) == 8
    natural_256 = by_title["Apple iPhone 15 Pro 256GB - Natural Titanium"]
    assert variant_label(natural_256, pro) == "256 GB, Natural Titanium"
    same_storage = [item for item in pro if "256GB" in item.title]
    assert variant_label(natural_256, same_storage) == "Natural Titanium"
    same_colour = [item for item in pro if "Natural" in item.title]
    assert variant_label(natural_256, same_colour) == "256 GB"
    # alone (or among other models) it keeps its whole label; a model without variants has none
    assert variant_label(natural_256) == "256 GB, Natural Titanium"
    assert variant_label(natural_256, [by_title["Apple iPhone 15 128GB - Black"]]) == "256 GB, Natural Titanium"
    assert variant_label(by_title["Sony Alpha a7R V Mirrorless Camera"]) == ""
    assert variant_labels(by_title["Canon EOS R5 Mirrorless Camera with RF 24-105mm f/4L Lens"]) == (
        "with RF 24-105mm f/4L Lens",)


def test_group_variants_keeps_the_ranking_and_one_slot_per_model(by_title):
    ranked_titles = [
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Silver",
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Black",
        "Sony WH-1000XM4 Wireless Noise Cancelling Headphones - Black",
        "Bose QuietComfort Ultra Headphones - Black",
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Midnight Blue",
        "Apple AirPods Max - Silver",
        "Sony WH-1000XM4 Wireless Noise Cancelling Headphones - Silver",
        "Beats Studio Pro Wireless Headphones - Navy",
        "Apple AirPods Max - Sky Blue",
    ]
    ranked = [ScoredItem(by_title[t], score=1.0 - n / 10) for n, t in enumerate(ranked_titles)]
    groups = group_variants(ranked)
    assert [g.representative.item.title for g in groups] == [ranked_titles[i] for i in (0, 2, 3, 5, 7)]
    xm5 = groups[0]
    assert [v.item.title for v in xm5.variants] == [ranked_titles[1], ranked_titles[4]]
    assert xm5.item.title == ranked_titles[0]
    assert xm5.labels() == ["Black", "Midnight Blue"]
    assert variant_label(xm5.item, xm5) == "Silver"
    # plain items group too (the key defaults to the entry itself when it has no ``.item``)
    assert [g.key for g in group_variants([r.item for r in ranked])] == [g.key for g in groups]


def test_variants_of_fetches_the_other_in_stock_variants(demo, by_title):
    black = by_title["Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Black"]
    assert [v.title for v in variants_of(black, demo)] == [
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Silver",
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones - Midnight Blue",
    ]
    bose = by_title["Bose QuietComfort Ultra Headphones - Black"]
    assert variants_of(bose, demo) == []  # the White Smoke one is out of stock
    assert [v.title for v in variants_of(bose, demo, in_stock_only=False)] == [
        "Bose QuietComfort Ultra Headphones - White Smoke"]


def test_hint_that_does_not_match_the_title_falls_back_to_the_rules(by_title):
    item = by_title["Apple iPhone 15 Pro 256GB - Natural Titanium"]
    stale = replace(item, description="A phone. Variant: 512GB, Blue Titanium.")
    assert model_key(stale) == model_key(item)
    assert variant_labels(stale) == ("256 GB", "Natural Titanium")


# -- a shop that sells no electronics ----------------------------------------------------------
def _shop():
    def item(id_, title, category, brand, price=20.0, in_stock=True):
        return Item(id_, title, category, brand, price, description=f"{title}.", in_stock=in_stock)

    return [
        item("t1", "Uniqlo Supima Cotton Crew Neck T-Shirt - Navy / M", "t-shirts", "Uniqlo"),
        item("t2", "Uniqlo Supima Cotton Crew Neck T-Shirt - Navy / L", "t-shirts", "Uniqlo"),
        item("t3", "Uniqlo Supima Cotton Crew Neck T-Shirt - White / M", "t-shirts", "Uniqlo", in_stock=False),
        item("t4", "Uniqlo Supima Cotton V-Neck T-Shirt - Navy / M", "t-shirts", "Uniqlo"),
        item("t5", "Uniqlo U Crew Neck T-Shirt - Navy / M", "t-shirts", "Uniqlo"),
        item("s1", "IKEA KIVIK 3-Seat Sofa - Hillared Anthracite", "sofas", "IKEA", 799),
        item("s2", "IKEA KIVIK 3-Seat Sofa - Tibbleby Beige", "sofas", "IKEA", 849),
        item("s3", "IKEA KIVIK 2-Seat Sofa - Hillared Anthracite", "sofas", "IKEA", 599),
        item("s4", "IKEA KIVIK 3-Seat Sofa Cover - Hillared Anthracite", "sofa covers", "IKEA", 99),
        item("j1", "Levi's 501 Original Fit Jeans - 32W x 30L - Dark Stonewash", "jeans", "Levi's", 69),
        item("j2", "Levi's 501 Original Fit Jeans - 34W x 32L - Dark Stonewash", "jeans", "Levi's", 69),
        item("j3", "Levi's 502 Taper Jeans - 32W x 30L - Dark Stonewash", "jeans", "Levi's", 69),
        item("n1", "Nike Air Zoom Pegasus 40 - Size 10 - Black", "shoes", "Nike", 130),
        item("n2", "Nike Air Zoom Pegasus 41 - Size 10 - Black", "shoes", "Nike", 140),
        item("n3", "Nike Air Zoom Pegasus 41 - Size 9 - White", "shoes", "Nike", 140),
        item("k1", "Hanes Men's Crew Socks 6-Pack", "socks", "Hanes", 15),
        item("k2", "Hanes Men's Crew Socks 12-Pack", "socks", "Hanes", 25),
        item("g1", "Nintendo Switch - OLED Model", "consoles", "Nintendo", 349),
        item("g2", "Nintendo Switch - Neon Blue", "consoles", "Nintendo", 299),
        item("p1", "Samsung Galaxy S24 256GB Onyx Black", "phones", "Samsung", 859),
        item("p2", "Samsung Galaxy S24 128GB Cobalt Violet", "phones", "Samsung", 799),
        item("p3", "Samsung Galaxy S24 Ultra 256GB Titanium Gray", "phones", "Samsung", 1299),
    ]


def _groups(items):
    return sorted(sorted(item.id for item in group.items) for group in group_variants(items))


def test_hand_made_shop_groups_sizes_colours_and_packs_but_not_models():
    shop = _shop()
    assert _groups(shop) == sorted([
        ["t1", "t2", "t3"], ["t4"], ["t5"],
        ["s1", "s2"], ["s3"], ["s4"],
        ["j1", "j2"], ["j3"],
        ["n1"], ["n2", "n3"],
        ["k1", "k2"],
        ["g1"], ["g2"],
        ["p1", "p2"], ["p3"],
    ])


def test_hand_made_shop_labels():
    shop = {item.id: item for item in _shop()}
    tees = [shop["t1"], shop["t2"], shop["t3"]]
    assert variant_label(shop["t2"], tees) == "Navy, L"  # colour and size both vary within the three
    assert variant_label(shop["t2"], tees[:2]) == "L"
    assert variant_label(shop["t3"], [shop["t1"], shop["t3"]]) == "White"
    assert variant_label(shop["t1"]) == "Navy, M"
    assert variant_label(shop["j2"], [shop["j1"], shop["j2"]]) == "34W x 32L"
    assert variant_label(shop["s2"], [shop["s1"], shop["s2"]]) == "Tibbleby Beige"
    assert variant_label(shop["p2"], [shop["p1"], shop["p2"]]) == "128 GB, Cobalt Violet"
    assert variant_label(shop["k2"], [shop["k1"], shop["k2"]]) == "12-Pack"
    assert [v.id for v in variants_of(shop["t1"], shop.values())] == ["t2"]
