"""The reading step and the dialogue decisions of issue 17, on the demo catalog, without Rasa.

Each test talks to the turn service as the action server does (a ``Turn`` with the intent Rasa
would give) and asserts what the shopper sees: the list, what it is filtered on, the items meant.
"""
from __future__ import annotations

import pytest

from recommender.catalog import Item
from recommender.demo import demo_vocabulary, load_demo_catalog
from recommender.dialogue.service import TurnService
from recommender.service import Recommender
from recommender.session import ShoppingSession
from recommender.understanding.lifts import read_lifts
from recommender.understanding.words import reads_as_context
from recommender.variants import model_key, variants_of
from tests.unit.test_dialogue import Chat


@pytest.fixture(scope="module")
def service():
    catalog = load_demo_catalog()
    rec = Recommender(catalog, {}, None, model_key=model_key, words=demo_vocabulary())
    return TurnService(rec, None, variants_of=lambda item: variants_of(item, catalog))


def listed(service, replies):
    payload = next(r.payload for r in replies if r.payload and r.payload.get("type") == "recommendations")
    return [service.rec.items[i["id"]] for i in payload["items"]]


# -- constraints belong to a kind ---------------------------------------------------------------
def test_coming_back_to_a_kind_restores_its_own_budget_and_features(service):
    chat = Chat(service)
    chat.say("gaming laptops under 900")
    chat.say("monitors under 250")
    items = listed(service, chat.say("back to the laptops now"))
    assert all(i.category == "laptops" and i.price <= 900 and "gaming" in i.features for i in items)
    assert chat.session.max_price == 900


def test_a_new_request_for_another_kind_starts_without_the_last_kinds_features(service):
    chat = Chat(service)
    chat.say("headphones with battery life")
    chat.say("a smart speaker for the kitchen")
    assert chat.session.category == "speakers" and "battery life" not in chat.session.features


def test_an_elliptical_switch_carries_what_still_applies(service):
    chat = Chat(service)
    chat.say("waterproof speakers")
    items = listed(service, chat.say("show me smartwatches instead"))
    assert all(i.category == "smartwatches" and "waterproof" in i.features for i in items)


def test_a_carried_feature_nothing_in_range_has_is_set_aside_and_said(service):
    chat = Chat(service)
    chat.say("headphones with battery life")
    replies = chat.say("and speakers under 40?")
    assert "battery life" not in chat.session.features
    assert "set aside battery life" in replies[0].text


# -- the product asked for ----------------------------------------------------------------------
def test_a_product_the_shopper_owns_names_the_brand_not_the_kind(service):
    chat = Chat(service)
    chat.say("a smartwatch as a gift for my wife")
    items = listed(service, chat.say("she's got an iPhone so it should be an Apple one"))
    assert items and all(i.category == "smartwatches" and i.brand == "Apple" for i in items)


def test_a_product_in_a_because_clause_is_context(service):
    chat = Chat(service)
    items = listed(service, chat.say("headphones for the office so I stop hearing my coworkers' phone calls"))
    assert all(i.category == "headphones" for i in items)


def test_a_word_that_is_a_kind_and_a_feature_is_the_feature_during_a_search(service):
    chat = Chat(service)
    chat.say("I need a new phone")
    items = listed(service, chat.say("the camera is the most important thing for me"))
    assert all(i.category == "smartphones" and "camera" in i.features for i in items)
    items = listed(service, chat.say("actually show me cameras"))
    assert all(i.category == "cameras" for i in items)


def test_another_kind_named_by_its_own_product_noun(service):
    chat = Chat(service)
    chat.say("a camera for youtube")
    assert chat.session.category == "cameras"


# -- the right items on screen ------------------------------------------------------------------
def test_a_title_word_in_the_same_phrase_as_an_ordinal_is_what_is_asked(service):
    chat = Chat(service)
    chat.say("tablets under 500")
    second = service.rec.items[chat.session.shown[1]]
    replies = chat.say("is the second one waterproof?", intent="ask_item")
    assert [i["id"] for i in replies[0].payload["items"]] == [second.id]


def test_whats_it_like_is_a_request_for_details(service):
    chat = Chat(service)
    chat.say("tablets under 500")
    second = chat.session.shown[1]
    replies = chat.say("whats the second one like", intent="ask_item")
    assert replies[0].kind == "item_details" and replies[0].payload["item"]["id"] == second


def test_a_question_naming_a_brand_not_on_screen_is_a_new_request(service):
    chat = Chat(service)
    chat.say("headphones")
    items = listed(service, chat.say("nice. what TVs does Sony make?", intent="ask_item"))
    assert items and all(i.category == "tvs" and i.brand == "Sony" for i in items)


def test_none_of_these_rejects_the_whole_list_and_their_variants(service):
    chat = Chat(service)
    chat.say("laptops under 900")
    before = set(chat.session.shown)
    gone = {v.id for i in before for v in variants_of(service.rec.items[i], service.rec.catalog)} | before
    items = listed(service, chat.say("none of these do it for me", intent="dislike_item"))
    assert items and not gone & {i.id for i in items}


def test_not_this_hides_the_model_in_every_colour(service):
    chat = Chat(service)
    chat.say("phones from apple")
    first = service.rec.items[chat.session.shown[0]]
    items = listed(service, chat.say("not this one", intent="dislike_item"))
    assert all(model_key(i) != model_key(first) for i in items)


def test_two_catalog_models_compared_by_name_without_a_list(service):
    chat = Chat(service)
    replies = chat.say("how does the Dell XPS 13 stack up against a MacBook Air?", intent="compare_items")
    titles = [i["title"] for i in replies[0].payload["items"]]
    assert replies[0].kind == "comparison" and "XPS 13" in titles[0] and "MacBook Air" in titles[1]


# -- lifts ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["forget the budget", "ignore my budget", "price doesn't matter",
                                  "never mind the price limit"])
def test_budget_lifts(service, text):
    chat = Chat(service)
    chat.say("speakers under 100")
    chat.say(text, intent="deny")
    assert chat.session.max_price is None and chat.session.category == "speakers"


def test_an_excluded_brand_allowed_again_is_not_required(service):
    chat = Chat(service)
    chat.say("speakers under 200")
    chat.say("no JBL")
    chat.say("actually JBL is fine")
    assert not chat.session.excluded_brands and not chat.session.brands


def test_start_over_clears_the_request(service):
    chat = Chat(service)
    chat.say("waterproof speakers under 200")
    chat.say("start over", intent="out_of_scope")
    assert chat.session.category is None and chat.session.max_price is None and not chat.session.features


def test_lifts_only_take_back_what_is_held():
    from recommender.vocabulary import build_vocabulary

    vocab = build_vocabulary([Item(id="1", title="t", category="speakers", brand="JBL", price=1.0,
                                   features=("waterproof",))])
    assert read_lifts("forget the waterproof bit", vocab, features=("waterproof",)).features == ("waterproof",)
    assert read_lifts("forget the waterproof bit", vocab, features=()).features == ()
    assert read_lifts("JBL is fine after all", vocab, excluded_brands=("JBL",)).brands_back == ("JBL",)
    assert not read_lifts("I like the JBL", vocab, excluded_brands=("JBL",)).any


# -- reasons are facts ----------------------------------------------------------------------------
def test_the_ranking_sentence_names_only_history_the_store_holds(service):
    chat = Chat(service)
    chat.say("headphones")
    replies = chat.say("why the first one?", intent="explain_item")
    assert "purchase history" not in replies[0].text and "browsed" not in replies[0].text


# -- help in the shop's own words -------------------------------------------------------------------
def test_words_about_the_shoppers_world_are_context():
    assert reads_as_context("a speaker for the living room so we can dance", "room")
    assert reads_as_context("airtags for my dad who loses his keys", "keys")
    assert not reads_as_context("wireless earbuds for running", "earbuds")
    assert not reads_as_context("show me earbuds", "earbuds")


def test_a_fresh_session_is_the_default():
    assert ShoppingSession().memory == ()
