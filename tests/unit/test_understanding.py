"""Deterministic message understanding: budgets, item references and request slots.

Table-driven; the vocabulary is built from a handful of Items so the tests do not depend on
the demo catalog.
"""
from __future__ import annotations

import dataclasses
import pathlib

import pytest

from recommender.catalog import Item
from recommender.understanding import (
    BudgetParse,
    RequestUpdate,
    extract_request,
    parse_budget,
    parse_item_reference,
)
from recommender.vocabulary import Vocabulary, build_vocabulary
from recommender.demo import demo_vocabulary

DEMO_WORDS = demo_vocabulary()


def _item(n, category, brand, *features):
    return Item(id=f"x{n}", title=f"item {n}", category=category, brand=brand, price=100.0 + n,
                features=tuple(features))


ITEMS = [
    _item(1, "smartphones", "Samsung", "camera", "5g", "battery life", "fast charging"),
    _item(2, "smartphones", "Apple", "camera", "5g", "waterproof"),
    _item(3, "smartphones", "OnePlus", "fast charging", "5g"),
    _item(4, "laptops", "Dell", "lightweight", "touchscreen", "large screen"),
    _item(5, "laptops", "Lenovo", "gaming", "battery life"),
    _item(6, "headphones", "Sony", "noise cancelling", "wireless"),
    _item(7, "headphones", "Bose", "noise cancelling", "wireless"),
    _item(8, "tablets", "Apple", "stylus", "oled"),
    _item(9, "smartwatches", "Huawei", "gps", "health tracking", "waterproof"),
    _item(10, "cameras", "Sony", "4k", "lightweight"),
    _item(11, "tvs", "LG", "4k", "oled", "hdr"),
    _item(12, "speakers", "Bose", "smart assistant", "wireless", "waterproof"),
    _item(13, "monitors", "Dell", "4k", "hdr"),
    _item(14, "accessories", "Anker", "fast charging"),
    _item(15, "smartphones", "Google", "camera", "5g"),
]
VOCAB = build_vocabulary(ITEMS, DEMO_WORDS)


# --------------------------------------------------------------------------- parse_budget

BUDGET_CASES = [
    # upper bounds, with and without currency, separators, decimals and scales
    ("under 500", None, 500),
    ("under $500", None, 500),
    ("below $1k", None, 1000),
    ("less than 1,000", None, 1000),
    ("cheaper than 400", None, 400),
    ("no more than 700", None, 700),
    ("not more than 400", None, 400),
    ("no higher than 900", None, 900),
    ("up to 300", None, 300),
    ("max 1200 bucks", None, 1200),
    ("maximum of 900", None, 900),
    ("at most $650", None, 650),
    ("UNDER 500 DOLLARS", None, 500),
    ("under 499.99", None, 499.99),
    ("Under $1,500.00", None, 1500),
    ("below 1.2K", None, 1200),
    ("less than 300 quid", None, 300),
    ("up to €750", None, 750),
    ("under £400", None, 400),
    ("under 800 usd", None, 800),
    ("under 600 eur", None, 600),
    ("2.5 grand max", None, 2500),
    ("under a grand", None, 1000),
    ("sub $300", None, 300),
    ("500 or less", None, 500),
    ("500 max", None, 500),
    ("my max is 700", None, 700),
    ("900 is my limit", None, 900),
    ("max. 500", None, 500),
    ("fifty bucks", None, 50),
    ("a couple hundred dollars", None, 200),
    ("nothing over 500", None, 500),
    ("I don't want to spend more than 800", None, 800),
    ("can't go over 1000", None, 1000),
    ("I'd like to keep it under 800 if possible", None, 800),
    # budget words
    ("my budget is 800", None, 800),
    ("budget 800", None, 800),
    ("budget of $800", None, 800),
    ("budget: 900", None, 900),
    ("I can spend 700", None, 700),
    ("I'm willing to pay 650", None, 650),
    ("a laptop for 2000", None, 2000),
    ("a 4k tv for 800", None, 800),
    ("I have $600 to spend", None, 600),
    # bare amounts
    ("500", None, 500),
    ("$500", None, 500),
    ("1.5k", None, 1500),
    ("2 grand", None, 2000),
    ("€500", None, 500),
    ("20", None, 20),
    # approximate -> band
    ("for about 500", 425, 575),
    ("around 800", 680, 920),
    ("approximately 1000", 850, 1150),
    ("roughly 600", 510, 690),
    ("~800", 680, 920),
    ("around 500 maybe", 425, 575),
    ("my budget is around 800", 680, 920),
    ("around $1,200", 1020, 1380),
    ("500ish", 425, 575),
    ("700 give or take", 595, 805),
    ("in the region of 600", 510, 690),
    ("Something cheap, like 300", 255, 345),
    # ranges
    ("between 300 and 600 dollars", 300, 600),
    ("from 300 to 600", 300, 600),
    ("$300-$600", 300, 600),
    ("500-700", 500, 700),
    ("500 to 700", 500, 700),
    ("price range 200-400", 200, 400),
    ("somewhere between 250 and 400 bucks", 250, 400),
    ("in the 500-700 range", 500, 700),
    ("1-2k", 1000, 2000),
    ("between 600 and 300", 300, 600),
    # lower bounds
    ("over 500", 500, None),
    ("more than 1000", 1000, None),
    ("at least 400", 400, None),
    ("above $300", 300, None),
    ("starting at 200", 200, None),
    ("no less than 300", 300, None),
    ("500+", 500, None),
    ("1000 and up", 1000, None),
    ("upwards of 400", 400, None),
    ("500 plus", 500, None),
    ("300 is the minimum", 300, None),
    ("I don't mind paying over 500", 500, None),
    # both sides from separate clauses
    ("under 2k but over 1k", 1000, 2000),
    ("at least 500 but no more than 800", 500, 800),
    # in a longer message
    ("something under 1.5k with a good camera", None, 1500),
    ("at least 16gb of ram under 1500", None, 1500),
    ("Is the Pixel 8a under 500?", None, 500),
    ("S23 Ultra under 900", None, 900),
    ('a 27" monitor under 400', None, 400),
    ("something 32 inch under 300", None, 300),
]


@pytest.mark.parametrize("text,low,high", BUDGET_CASES)
def test_parse_budget_bounds(text, low, high):
    parsed = parse_budget(text)
    assert parsed is not None, text
    assert (parsed.min_price, parsed.max_price) == (low, high)
    assert parsed.problem is None
    assert parsed.phrase and parsed.phrase in text


NOT_A_BUDGET = [
    "iPhone 15", "Pixel 8a", "Galaxy S24", "WH-1000XM5", "128GB", "256 gb", "16 inch", "4k",
    "5g", "65 inch TV", "2024", "the second one", "top 3", "over 2 weeks", "I want a 65 inch tv",
    "phone with 128gb storage and 5g", "the 2024 model", "it should last 3 years",
    "I need it in 2 weeks", "top 5 laptops", "at least 2 cameras", "more than 3 colours",
    "over 10 reviews", "show me up to 3", "give me 3 options", "iPhone 15 Pro Max",
    "I want a tv for 4k gaming", "a laptop for 2022", "between 2 and 3", "50%", "19", "12:30",
    "number 3", "option 2", "no budget", "cheap", "", "Pixel 7 or 8", "30 min",
]


@pytest.mark.parametrize("text", NOT_A_BUDGET)
def test_numbers_that_are_not_money(text):
    assert parse_budget(text) is None


PROBLEM_CASES = [
    ("under -5", None, None, "negative"),
    ("under -$5", None, None, "negative"),
    ("under 0", None, 0, "too low"),
    ("under 1", None, 1, "too low"),
    ("under 0.5", None, 0.5, "too low"),
    ("under 10 billion", None, None, "no limit"),
    ("under ten billion dollars", None, None, "no limit"),
    ("under 1 million", None, None, "no limit"),
    ("over 5 million", 5_000_000, None, "too high"),
    ("over 1000 but under 500", 500, 1000, "conflict"),
]


@pytest.mark.parametrize("text,low,high,problem", PROBLEM_CASES)
def test_parse_budget_problems(text, low, high, problem):
    parsed = parse_budget(text)
    assert parsed is not None
    assert (parsed.min_price, parsed.max_price, parsed.problem) == (low, high, problem)


def test_budget_phrase_is_the_matched_span():
    assert parse_budget("a phone under $500 with 5g").phrase == "under $500"
    assert parse_budget("Between 300 and 600 dollars please").phrase == "Between 300 and 600 dollars"


def test_budget_parse_is_frozen():
    parsed = parse_budget("under 500")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.max_price = 1  # type: ignore[misc]


# --------------------------------------------------------------------------- parse_item_reference

SHOWN = [
    "Google Pixel 8a",
    "Dell XPS 13 Laptop",
    "Sony WH-1000XM5 Headphones",
    "Samsung Galaxy S24",
    "Samsung Galaxy S24 Ultra",
]

REFERENCE_CASES = [
    ("first", 0), ("the first one", 0), ("1st", 0), ("the second one", 1), ("2nd please", 1),
    ("third", 2), ("the fourth", 3), ("fifth please", 4), ("#2", 1), ("# 3", 2),
    ("number 3", 2), ("option 2", 1), ("item 4", 3), ("no. 2", 1), ("option two", 1),
    ("Number one", 0), ("last one", 4), ("last", 4), ("the last", 4), ("second to last", 3),
    ("the penultimate one", 3), ("2", 1), ("tell me more about the third", 2),
    ("not the first one, the second", 1), ("the top one", 0),
    # by name
    ("the Pixel", 0), ("the XPS one", 1), ("the sony", 2), ("tell me more about the xm5", 2),
    ("the galaxy s24", 3), ("the s24 ultra", 4), ("the ultra", 4), ("pixel", 0),
    ("the 8a", 0), ("I'll take the Dell", 1), ("what about the pixels", 0),
    ("first and foremost, the dell", 1),
    # an ordinal followed by a name counts among the titles with that name
    ("the second Samsung", 4), ("the first samsung", 3), ("the third sony", 2),
]


@pytest.mark.parametrize("text,index", REFERENCE_CASES)
def test_parse_item_reference(text, index):
    assert parse_item_reference(text, SHOWN) == index


NOT_A_REFERENCE = [
    "the sixth one",  # out of range
    "top 3",
    "one with 4k",
    "option 9",
    "#7",
    "the samsung",  # two Samsungs shown
    "the galaxy",
    "I need one with a camera",
    "something with 5G",
    "4k please",
    "the cheapest one",
    "the most expensive",
    "this is my first phone",
    "for the first time",
    "wait a second",
    "I want a battery that will last",
    "last year I bought a phone",
    "which has the best battery",
    "show me laptops under 1000",
    "",
]


@pytest.mark.parametrize("text", NOT_A_REFERENCE)
def test_not_an_item_reference(text):
    assert parse_item_reference(text, SHOWN) is None


def test_reference_needs_something_shown():
    assert parse_item_reference("the first one", []) is None


def test_brand_alone_is_enough_when_unique():
    assert parse_item_reference("the samsung", ["Google Pixel 8", "Samsung Galaxy S24"]) == 1


def test_last_follows_the_list_length():
    assert parse_item_reference("the last one", ["A One", "B Two"]) == 1


# --------------------------------------------------------------------------- extract_request

def _summary(update: RequestUpdate) -> dict:
    out = {k: v for k, v in dataclasses.asdict(update).items() if v not in (None, (), False)}
    out.pop("budget", None)
    return out


REQUEST_CASES = [
    # categories and features
    ("I want a phone with a great camera", {"category": "smartphones", "features": ("camera",)}),
    ("I want a camera", {"category": "cameras"}),
    ("show me cameras", {"category": "cameras"}),
    ("something with a camera", {"features": ("camera",)}),
    ("I want a camera phone", {"category": "smartphones", "features": ("camera",)}),
    ("a camera with good zoom", {"category": "cameras"}),
    ("a phone case", {"category": "accessories"}),
    ("a case for my phone", {"category": "accessories"}),
    ("charger for a laptop", {"category": "accessories"}),
    ("just in case", {}),
    ("I'm looking for a phone", {"category": "smartphones"}),
    ("laptops instead", {"category": "laptops"}),
    ("laptops instead of tablets", {"category": "laptops"}),
    ("not a phone, a tablet", {"category": "tablets"}),
    ("switch from phones to laptops", {"category": "laptops"}),
    ("headphones for my phone", {"category": "headphones"}),
    ("I already have a phone, I need headphones", {"category": "headphones"}),
    ("a laptop with a large screen", {"category": "laptops", "features": ("large screen",)}),
    ("a laptop with a nice screen", {"category": "laptops"}),
    ("I need a monitor", {"category": "monitors"}),
    ("big screen tv", {"category": "tvs", "features": ("large screen",)}),
    ("touch screen laptop", {"category": "laptops", "features": ("touchscreen",)}),
    ("a smartwatch", {"category": "smartwatches"}),
    ("a smart watch with gps", {"category": "smartwatches", "features": ("gps",)}),
    ("a tablet to watch movies", {"category": "tablets"}),
    ("a waterproof watch", {"category": "smartwatches", "features": ("waterproof",)}),
    ("a water-resistant smartwatch with heart rate",
     {"category": "smartwatches", "features": ("waterproof", "health tracking")}),
    ("I need a new computer", {"category": "laptops"}),
    ("a noise-cancelling headset", {"category": "headphones", "features": ("noise cancelling",)}),
    ("wireless earbuds with anc from Sony",
     {"category": "headphones", "features": ("wireless", "noise cancelling"), "brands": ("Sony",)}),
    ("a tablet with pen support", {"category": "tablets", "features": ("stylus",)}),
    ("a speaker with alexa", {"category": "speakers", "features": ("smart assistant",)}),
    ("I want something lightweight and waterproof", {"features": ("lightweight", "waterproof")}),
    ("light gaming laptop", {"category": "laptops", "features": ("gaming",)}),
    ("zoom calls on a laptop", {"category": "laptops"}),
    ("a 4k tv under 1k", {"category": "tvs", "features": ("4k",)}),
    # removed features
    ("a phone that doesn't need a camera", {"category": "smartphones", "removed_features": ("camera",)}),
    ("doesn't need a camera", {"removed_features": ("camera",)}),
    ("without gaming", {"removed_features": ("gaming",)}),
    ("a laptop without gaming, but with a long battery",
     {"category": "laptops", "features": ("battery life",), "removed_features": ("gaming",)}),
    ("no gaming, just good battery", {"features": ("battery life",), "removed_features": ("gaming",)}),
    ("phone without 5g or fast charging",
     {"category": "smartphones", "removed_features": ("5g", "fast charging")}),
    ("a laptop, no touchscreen", {"category": "laptops", "removed_features": ("touchscreen",)}),
    ("I don't care about gaming", {"removed_features": ("gaming",)}),
    ("gaming doesn't matter", {"removed_features": ("gaming",)}),
    ("5G isn't needed", {"removed_features": ("5g",)}),
    ("no need for gaming", {"removed_features": ("gaming",)}),
    ("the camera isn't important but battery is",
     {"features": ("battery life",), "removed_features": ("camera",)}),
    # brands
    ("I want Samsung", {"brands": ("Samsung",)}),
    ("samsung or apple", {"brands": ("Samsung", "Apple")}),
    ("a oneplus phone", {"category": "smartphones", "brands": ("OnePlus",)}),
    ("One Plus phone", {"category": "smartphones", "brands": ("OnePlus",)}),
    ("Samsung's latest phone", {"category": "smartphones", "brands": ("Samsung",)}),
    ("SAMSUNG TV", {"category": "tvs", "brands": ("Samsung",)}),
    ("no Samsung", {"excluded_brands": ("Samsung",)}),
    ("not Samsung", {"excluded_brands": ("Samsung",)}),
    ("anything but Apple", {"excluded_brands": ("Apple",)}),
    ("any brand but Apple", {"excluded_brands": ("Apple",)}),
    ("except Sony", {"excluded_brands": ("Sony",)}),
    ("without Huawei", {"excluded_brands": ("Huawei",)}),
    ("I hate Samsung", {"excluded_brands": ("Samsung",)}),
    ("avoid Dell", {"excluded_brands": ("Dell",)}),
    ("no more Samsung", {"excluded_brands": ("Samsung",)}),
    ("non-Apple please", {"excluded_brands": ("Apple",)}),
    ("a non Apple phone", {"category": "smartphones", "excluded_brands": ("Apple",)}),
    ("no Samsung or Apple", {"excluded_brands": ("Samsung", "Apple")}),
    ("I don't want a Samsung phone", {"category": "smartphones", "excluded_brands": ("Samsung",)}),
    ("phone that isn't Samsung", {"category": "smartphones", "excluded_brands": ("Samsung",)}),
    ("not a fan of Apple", {"excluded_brands": ("Apple",)}),
    ("stay away from Huawei", {"excluded_brands": ("Huawei",)}),
    ("Apple instead of Samsung", {"brands": ("Apple",), "excluded_brands": ("Samsung",)}),
    ("I don't want anything but Apple", {"brands": ("Apple",)}),
    ("nothing but Apple", {"brands": ("Apple",)}),
    ("no, I want Samsung", {"brands": ("Samsung",)}),
    ("I don't mind Samsung", {"brands": ("Samsung",)}),
    ("no Samsung, a good camera", {"excluded_brands": ("Samsung",), "features": ("camera",)}),
    ("Dell laptops are not for me", {"category": "laptops", "excluded_brands": ("Dell",)}),
    ("headphones, not Bose", {"category": "headphones", "excluded_brands": ("Bose",)}),
    ("cheap phone, anything but Huawei or Samsung",
     {"category": "smartphones", "excluded_brands": ("Huawei", "Samsung")}),
    ("I'd like a laptop, preferably Dell or Lenovo, with a touchscreen",
     {"category": "laptops", "features": ("touchscreen",), "brands": ("Dell", "Lenovo")}),
    # "camera" again: a rejected other product does not turn it into a feature
    ("show me cameras, not phones", {"category": "cameras"}),
    ("the camera is important", {"features": ("camera",)}),
    ("I want a phone that's not too heavy and has a good camera",
     {"category": "smartphones", "features": ("camera",)}),
    # no preference
    ("doesn't matter", {"no_preference": True}),
    ("no preference", {"no_preference": True}),
    ("anything", {"no_preference": True}),
    ("whatever", {"no_preference": True}),
    ("surprise me", {"no_preference": True}),
    ("no budget", {"no_preference": True}),
    ("any price", {"no_preference": True}),
    ("not fussy", {"no_preference": True}),
    ("brand doesn't matter", {"no_preference": True}),
    ("any brand is fine", {"no_preference": True}),
    ("I don't want anything from Samsung", {"excluded_brands": ("Samsung",)}),
]


@pytest.mark.parametrize("text,expected", REQUEST_CASES)
def test_extract_request(text, expected):
    assert _summary(extract_request(text, VOCAB)) == expected


def test_request_carries_the_budget_and_masks_its_numbers():
    update = extract_request("phone under 500 with 5g and good battery, no Samsung", VOCAB)
    assert update.budget == BudgetParse(None, 500.0, "under 500", None)
    assert update.category == "smartphones"
    assert update.features == ("5g", "battery life")
    assert update.excluded_brands == ("Samsung",)
    # "4k" inside a budget phrase is money, not the 4k feature
    assert extract_request("a tv under 4k", VOCAB).features == ()


def test_nothing_recognised_gives_an_empty_update():
    assert extract_request("hello there", VOCAB) == RequestUpdate()


def test_brands_come_from_the_vocabulary():
    assert extract_request("I want Anker", VOCAB).brands == ("Anker",)
    # a brand this catalog does not carry is not recognised
    assert extract_request("I want Nokia", VOCAB).brands == ()


ENTITY_CASES = [
    # misspelt in text, NLU resolved it
    ("something from samsnug", [{"entity": "brand", "value": "Samsung", "start": 15, "end": 22}],
     {"brands": ("Samsung",)}),
    # negation applies to the entity span too
    ("no samsnug please", [{"entity": "brand", "value": "Samsung", "start": 3, "end": 10}],
     {"excluded_brands": ("Samsung",)}),
    ("a lptop", [{"entity": "category", "value": "laptop", "start": 2, "end": 7}],
     {"category": "laptops"}),
    # no offsets: still used
    ("a lptop", [{"entity": "category", "value": "laptop"}], {"category": "laptops"}),
    # a role can mark it unwanted
    ("I want Samsung", [{"entity": "brand", "value": "Samsung", "start": 7, "end": 14, "role": "exclude"}],
     {"excluded_brands": ("Samsung",)}),
    # NLU wrong about an ambiguous word: context decides
    ("I want a camera", [{"entity": "feature", "value": "camera", "start": 9, "end": 15}],
     {"category": "cameras"}),
    ("phone with great camera", [{"entity": "category", "value": "camera", "start": 17, "end": 23}],
     {"category": "smartphones", "features": ("camera",)}),
    # NLU wrong about an idiom
    ("a tablet to watch movies", [{"entity": "category", "value": "watch", "start": 12, "end": 17}],
     {"category": "tablets"}),
    # unknown values are ignored, the text backstop still works
    ("gimme a phone", [{"entity": "category", "value": "spaceship", "start": 8, "end": 13}],
     {"category": "smartphones"}),
    # canonical feature name as the value
    ("something with long battery",
     [{"entity": "feature", "value": "battery life", "start": 15, "end": 27}],
     {"features": ("battery life",)}),
    # entity and text agree: no duplicates
    ("bose or sony", [{"entity": "brand", "value": "Bose", "start": 0, "end": 4}],
     {"brands": ("Bose", "Sony")}),
]


@pytest.mark.parametrize("text,entities,expected", ENTITY_CASES)
def test_extract_request_merges_entities(text, entities, expected):
    assert _summary(extract_request(text, VOCAB, entities)) == expected


def test_multiword_aliases_match_with_hyphens_or_joined():
    vocab = build_vocabulary([_item(1, "monitors", "Dell", "high resolution", "noise cancelling")], DEMO_WORDS)
    assert extract_request("a hi-res monitor", vocab).features == ("high resolution",)
    assert extract_request("a hires monitor", vocab).features == ("high resolution",)
    assert extract_request("noise-cancelling", vocab).features == ("noise cancelling",)


@pytest.mark.parametrize("text,brands", [
    ("I want a Nothing phone", ("Nothing",)),
    ("a phone from Nothing", ("Nothing",)),
    ("Nothing but Apple", ("Apple",)),
    ("nothing over 500", ()),
    ("Nothing", ()),
])
def test_brands_that_are_everyday_words(text, brands):
    vocab = build_vocabulary([_item(1, "smartphones", "Nothing"), _item(2, "smartphones", "Apple")])
    assert extract_request(text, vocab).brands == brands


def test_vocabulary_without_an_alias_does_not_match_it():
    vocab = build_vocabulary([_item(1, "laptops", "Dell", "gaming")], DEMO_WORDS)
    update = extract_request("a phone with a camera and gaming", vocab)
    assert (update.category, update.features) == (None, ("gaming",))


def test_understanding_never_imports_rasa():
    package = pathlib.Path(__file__).resolve().parents[2] / "bot" / "recommender" / "understanding"
    sources = [p.read_text() for p in package.glob("*.py")]
    assert sources
    assert not any("import rasa" in s or "from rasa" in s for s in sources)


# --------------------------------------------------------------------------- product lines

@pytest.fixture(scope="module")
def demo_vocab():
    from recommender.demo import load_demo_catalog
    return build_vocabulary(load_demo_catalog(), DEMO_WORDS)


LINE_CASES = [
    # a line names the brand, and the category when its items share one
    ("I want an iPhone under 800", {"category": "smartphones", "brands": ("Apple",)}),
    ("a macbook for work", {"category": "laptops", "brands": ("Apple",)}),
    ("airpods", {"category": "headphones", "brands": ("Apple",)}),
    ("an ipad", {"category": "tablets", "brands": ("Apple",)}),
    ("thinkpad", {"category": "laptops", "brands": ("Lenovo",)}),
    ("iphone or pixel", {"category": "smartphones", "brands": ("Apple", "Google")}),
    # Galaxy and Pixel span several categories: brand only, the category comes from the text
    ("a galaxy", {"brands": ("Samsung",)}),
    ("galaxy phone", {"category": "smartphones", "brands": ("Samsung",)}),
    ("a galaxy tablet", {"category": "tablets", "brands": ("Samsung",)}),
    ("pixel with a good camera", {"features": ("camera",), "brands": ("Google",)}),
    # curated multi-word lines beat the shorter line inside them
    ("galaxy tab", {"category": "tablets", "brands": ("Samsung",)}),
    ("apple watch", {"category": "smartwatches", "brands": ("Apple",)}),
    ("pixel buds", {"category": "headphones", "brands": ("Google",)}),
    # negated: the brand is excluded; the line still says what kind of product
    ("not an iPhone", {"category": "smartphones", "excluded_brands": ("Apple",)}),
    ("no iphones", {"category": "smartphones", "excluded_brands": ("Apple",)}),
    ("not a galaxy", {"excluded_brands": ("Samsung",)}),
    ("I want a phone but not an iPhone", {"category": "smartphones", "excluded_brands": ("Apple",)}),
    ("a tablet, not an iPad", {"category": "tablets", "excluded_brands": ("Apple",)}),
    ("iphones are not for me", {"category": "smartphones", "excluded_brands": ("Apple",)}),
    ("no Samsung or iphones", {"category": "smartphones", "excluded_brands": ("Samsung", "Apple")}),
    ("no iphones or ipads", {"excluded_brands": ("Apple",)}),
    # a named category wins; a line of another product is only what it must fit
    ("an iPhone case", {"category": "accessories"}),
    ("a case for my iPhone", {"category": "accessories"}),
    ("I have an iPhone, I need headphones", {"category": "headphones"}),
    ("a tablet or an iPhone", {"category": "tablets"}),
    ("AirPods for my iPhone", {"category": "headphones", "brands": ("Apple",)}),
    ("a macbook or a dell laptop", {"category": "laptops", "brands": ("Apple", "Dell")}),
]


@pytest.mark.parametrize("text,expected", LINE_CASES)
def test_product_lines_in_the_demo_catalog(demo_vocab, text, expected):
    assert _summary(extract_request(text, demo_vocab)) == expected


def test_product_line_with_a_budget(demo_vocab):
    update = extract_request("I want an iPhone under 800", demo_vocab, [])
    assert (update.category, update.brands, update.budget.max_price) == ("smartphones", ("Apple",), 800)


def test_product_line_from_rasa_entities(demo_vocab):
    # the NLU data labels "MacBook" a category; lines also sit in the brand lookup
    macbook = [{"entity": "category", "value": "MacBook", "start": 9, "end": 16}]
    assert _summary(extract_request("I need a MacBook", demo_vocab, macbook)) == {
        "category": "laptops", "brands": ("Apple",)}
    iphone = [{"entity": "brand", "value": "iphone", "start": 3, "end": 9}]
    assert _summary(extract_request("no iphone", demo_vocab, iphone)) == {
        "category": "smartphones", "excluded_brands": ("Apple",)}


def _titled(n, title, category, brand):
    return Item(id=f"t{n}", title=title, category=category, brand=brand, price=100.0 + n)


LINE_ITEMS = [
    _titled(1, "Acme Zephyr X1 128GB", "smartphones", "Acme"),
    _titled(2, "Acme Zephyr X2 256GB", "smartphones", "Acme"),
    _titled(3, "Acme Nimbus 13", "laptops", "Acme"),
    _titled(4, "Acme Nimbus Tab 11", "tablets", "Acme"),
    _titled(5, "Acme Orbit 5", "smartwatches", "Acme"),  # one item: a model, not a line
    _titled(6, "Bolt Vortex 7 Earbuds", "headphones", "Bolt"),
    _titled(7, "Crest Vortex 9 Headphones", "headphones", "Crest"),  # shared by two brands
    _titled(8, "Crest Pro 2", "headphones", "Crest"),  # generic word
    _titled(9, "Crest Pro 3", "headphones", "Crest"),
    _titled(10, "Crest Phone 2", "smartphones", "Crest"),  # a category alias
    _titled(11, "Crest Phone 3", "smartphones", "Crest"),
    _titled(12, "Bolt Case for Zephyr X1", "accessories", "Bolt"),
    _titled(13, "Bolt Case for Zephyr X2", "accessories", "Bolt"),
]


def test_lines_are_derived_from_any_catalogs_titles():
    vocab = build_vocabulary(LINE_ITEMS, DEMO_WORDS)
    assert vocab.product_lines == {"zephyr": ("Acme", "smartphones"), "nimbus": ("Acme", None)}
    assert _summary(extract_request("a zephyr", vocab)) == {"category": "smartphones", "brands": ("Acme",)}
    assert _summary(extract_request("a nimbus tablet", vocab)) == {"category": "tablets", "brands": ("Acme",)}
    assert _summary(extract_request("not a zephyr", vocab)) == {
        "category": "smartphones", "excluded_brands": ("Acme",)}
    assert _summary(extract_request("a vortex", vocab)) == {}
    assert _summary(extract_request("a case for my zephyr", vocab)) == {"category": "accessories"}
    assert build_vocabulary(reversed(LINE_ITEMS), DEMO_WORDS).product_lines == vocab.product_lines


def test_curated_lines_need_their_brand_and_category():
    phones = [_titled(1, "Samsung Galaxy S1", "smartphones", "Samsung"),
              _titled(2, "Samsung Galaxy S2", "smartphones", "Samsung")]
    assert build_vocabulary(phones, DEMO_WORDS).product_lines == {"galaxy": ("Samsung", "smartphones")}
    tablet = _titled(3, "Samsung Galaxy Tab 1", "tablets", "Samsung")
    assert build_vocabulary(phones + [tablet], DEMO_WORDS).product_lines["galaxy tab"] == ("Samsung", "tablets")


def test_a_longer_category_or_brand_phrase_beats_a_line():
    vocab = Vocabulary(categories={"accessories": ("fire stick",), "tablets": ("tablet",)},
                       brands=["Amazon", "Echo Labs"],
                       product_lines={"fire": ("Amazon", "tablets"), "echo": ("Amazon", None)})
    assert _summary(extract_request("a fire stick", vocab)) == {"category": "accessories"}
    assert _summary(extract_request("a Fire", vocab)) == {"category": "tablets", "brands": ("Amazon",)}
    assert _summary(extract_request("Echo Labs please", vocab)) == {"brands": ("Echo Labs",)}
    assert _summary(extract_request("an Echo", vocab)) == {"brands": ("Amazon",)}


def test_vocabulary_without_lines_still_builds():
    assert Vocabulary(categories={}, features={}, brands=["Acme"]).product_lines == {}


def test_lines_go_to_the_nlu_brand_lookup():
    from recommender.nlu_export import render_nlu_vocabulary
    text = render_nlu_vocabulary(build_vocabulary(LINE_ITEMS, DEMO_WORDS))
    brand_lookup = text.split("- lookup: brand\n", 1)[1].split("- lookup:", 1)[0]
    assert "    - zephyr\n" in brand_lookup and "    - nimbus\n" in brand_lookup


@pytest.mark.parametrize("text, category", [
    ("this phone is fire, any cheaper?", "smartphones"),
    ("I need to roam with a phone with gps", "smartphones"),
    ("a speaker with echo cancelling", "speakers"),
])
def test_line_names_that_are_everyday_words_need_a_capital(demo_vocab, text, category):
    update = extract_request(text, demo_vocab, [])
    assert update.category == category and update.brands == ()


@pytest.mark.parametrize("text, polarity", [
    ("I don't like the first one", "dislike"),
    ("i dont really like that one", "dislike"),
    ("not a big fan of the second", "dislike"),
    ("the third is ugly", "dislike"),
    ("I hate it", "dislike"),
    ("that one's not for me", "dislike"),
    ("I like the first one", "like"),
    ("love the second!", "like"),
    ("I like the first, not the second", "like"),
    ("the second one", None),
])
def test_feedback_polarity(text, polarity):
    from recommender.understanding import feedback_polarity

    assert feedback_polarity(text) == polarity


@pytest.mark.parametrize("text, noun", [
    ("do you sell fridges?", "fridges"),
    ("do you have any washing machines", "washing machines"),
    ("I want a fridge", "fridge"),
    ("looking for a good lawn mower", "lawn mower"),
    ("do you have anything cheaper", None),
    ("do you have the first one in stock", None),
    ("does the shop do free delivery", None),
    ("what can you do?", None),
])
def test_unsold_product_is_named(text, noun):
    from recommender.product_phrase import unknown_product

    assert unknown_product(text) == noun
