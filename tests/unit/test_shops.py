"""Shops of other domains from their own files: an outdoor-gear shop in EUR with sizes, a wine shop in GBP
with bottle sizes (tests/shops/, catalogs written from the README alone). Imported with the CLI into a
real SQLite store, served by the action server's runtime (no sentence encoder: word-level readers)."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import ROOT, run_cli
from tests.unit.test_dialogue import Chat

SHOPS = ROOT / "tests" / "shops"
#: words of the electronics demo that must never reach another shop's shopper
DEMO_WORDS = re.compile(r"\b(?:samsung|iphone|smartphone|laptop|headphones|electronics|\$)|support@concierge-shop",
                        re.I)


def _runtime(url, monkeypatch):
    from actions import runtime
    from recommender.settings import get_settings

    monkeypatch.setenv("CONCIERGE_DATABASE_URL", url)
    monkeypatch.setenv("CONCIERGE_SCORER_PATH", "/nonexistent-scorer")
    monkeypatch.setenv("CONCIERGE_ENCODER_PATH", "")
    get_settings.cache_clear()
    runtime.reset_runtime()
    try:
        return runtime.build_runtime()
    finally:
        runtime.reset_runtime()
        get_settings.cache_clear()


def _served(name, tmp_path, monkeypatch):
    """The shop ``name`` of tests/shops imported with the CLI into a fresh store, and its runtime."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    run_cli("import-shop", str(SHOPS / name), "--yes", database_url=url)
    return _runtime(url, monkeypatch)


@pytest.fixture(params=["outdoor", "wine"])
def shop(request, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    out = run_cli("import-shop", str(SHOPS / request.param), "--yes", database_url=url)
    assert "imported the shop" in out.stdout
    built = _runtime(url, monkeypatch)
    yield request.param, built
    built.store.close()


def test_import_stores_the_shops_documents_and_keeps_tags_as_written(shop):
    name, built = shop
    assert built.store.shop_document("shop")["currency"] == {"outdoor": "EUR", "wine": "GBP"}[name]
    assert built.store.shop_document("answers")["returns"]
    tags = {t for i in built.recommender.catalog for t in i.features}
    if name == "outdoor":
        assert {"waterproof", "water-resistant"} <= tags  # two promises, kept apart


def test_every_composed_sentence_speaks_the_shops_currency_and_products(shop):
    name, built = shop
    chat = Chat(built.turns)
    said = []
    for text, intent in (("hi", "greet"), ("asdfgh qwerty", "nlu_fallback"), ("what can you do", "out_of_scope"),
                         ({"outdoor": "hiking boots under 150", "wine": "red wine under 20"}[name],
                          "request_recommendation"), ("cheaper", "cheaper"), ("why the first one?", "explain_item"),
                         ("talk to a person", "human_handoff")):
        said += [r.text for r in chat.say(text, intent=intent)]
    text = "\n".join(said)
    assert {"outdoor": "€", "wine": "£"}[name] in text
    assert not DEMO_WORDS.search(text), DEMO_WORDS.search(text)


def test_a_malformed_vocabulary_names_file_and_key_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    run_cli("import-shop", str(SHOPS / "wine"), "--yes", database_url=url)
    broken = tmp_path / "broken"
    shutil.copytree(SHOPS / "outdoor", broken)
    (broken / "vocabulary.yml").write_text("features:\n  weatherproof: [rain proof]\nlines: 3\n")
    failed = run_cli("import-shop", str(broken), "--yes", database_url=url, check=False)
    assert failed.returncode == 2
    assert "vocabulary.yml: features: weatherproof: not a feature tag of the catalog" in failed.stderr
    assert "vocabulary.yml: lines: must map" in failed.stderr
    assert "items: 126" in run_cli("stats", database_url=url).stdout  # the wine shop is still there, whole


def test_outdoor_everyday_words_are_not_the_brand_on(tmp_path, monkeypatch):
    built = _served("outdoor", tmp_path, monkeypatch)
    chat = Chat(built.turns)
    chat.say("a jacket to wear on the trail")
    assert chat.session.category == "jackets" and not chat.session.brands
    chat.say("trail shoes from On")
    assert chat.session.brands == ("On",)
    tent = Chat(built.turns)
    tent.say("a tent for a rainy weekend with two kids")
    assert tent.session.category == "tents" and "kids" not in tent.session.features  # no tent has that tag


def test_outdoor_sizes_are_variants_answered_with_stock(tmp_path, monkeypatch):
    built = _served("outdoor", tmp_path, monkeypatch)
    chat = Chat(built.turns)
    chat.say("waterproof hiking boots")
    shown = [built.recommender.items[i] for i in chat.session.shown]
    assert len({built.recommender.model_key(i) for i in shown}) == len(shown)  # one row per model
    position = next(n for n, i in enumerate(shown) if "Men's" in i.title)
    ordinal = ["first", "second", "third", "fourth", "fifth"][position]
    reply = chat.say(f"do you have the {ordinal} one in a men's size 10?", intent="ask_item")[0]
    assert reply.kind == "item_answer" and "Men's 10" in reply.text


def test_wine_tags_name_their_kind_and_replace_each_other(tmp_path, monkeypatch):
    built = _served("wine", tmp_path, monkeypatch)
    chat = Chat(built.turns)
    chat.say("Prosecco")
    assert chat.session.category == "sparkling" and chat.session.features == ("prosecco",)
    chat.say("Champagne please")
    assert chat.session.features == ("champagne",)  # no wine is both: the new one replaces the old
    shown = [built.recommender.items[i] for i in chat.session.shown]
    assert len({built.recommender.model_key(i) for i in shown}) == len(shown)
    reply = chat.say("is the first one available in a magnum?", intent="ask_item")[0]
    assert reply.kind == "item_answer" and re.search(r"magnum|comes in|in stock", reply.text, re.I)


def test_outdoor_audience_words_filter_by_the_shops_own_titles(tmp_path, monkeypatch):
    built = _served("outdoor", tmp_path, monkeypatch)
    chat = Chat(built.turns)
    chat.say("women's trail shoes")
    shown = [built.recommender.items[i] for i in chat.session.shown]
    assert shown and all("Women's" in i.title for i in shown)
    chat.say("waterproof hiking boots")
    chat.say("men's please", intent="nlu_fallback")
    shown = [built.recommender.items[i] for i in chat.session.shown]
    assert shown and all("Men's" in i.title and "waterproof" in i.features for i in shown)
    kid = Chat(built.turns)
    kid.say("a sleeping bag for my 8-year-old daughter")
    assert all("Kids'" in built.recommender.items[i].title for i in kid.session.shown)


def test_audience_words_never_filter_a_shop_that_does_not_sell_by_audience(monkeypatch, tmp_path):
    built = _served("wine", tmp_path, monkeypatch)
    chat = Chat(built.turns)
    chat.say("a red wine for my wife")
    assert chat.session.category == "red wine" and not chat.session.kind and len(chat.session.shown) == 5
