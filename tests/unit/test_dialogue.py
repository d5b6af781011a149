"""The turn service without Rasa: one message and a session in, typed replies out."""
from __future__ import annotations

import json

import pytest

from recommender.catalog import Item
from recommender.dialogue.service import TurnService
from recommender.dialogue.turn import Turn
from recommender.service import Recommender
from recommender.session import ShoppingSession
from recommender.variants import model_key, variants_of
from recommender.demo import demo_vocabulary
from tests.conftest import BOT


@pytest.fixture(scope="module")
def catalog():
    rows = json.loads((BOT / "recommender" / "demo" / "catalog.json").read_text())
    return [Item(**{**r, "features": tuple(r["features"])}) for r in rows]


@pytest.fixture(scope="module")
def service(catalog):
    rec = Recommender(catalog, {}, None, model_key=model_key, words=demo_vocabulary())
    return TurnService(rec, None, variants_of=lambda item: variants_of(item, catalog))


class Chat:
    """A conversation with the service: say() returns the replies and keeps the session."""

    def __init__(self, service):
        self.service = service
        self.session = ShoppingSession()
        self.stored = []

    def say(self, text, intent="request_recommendation", **entities):
        ents = [{"entity": k, "value": v} for k, v in entities.items()]
        outcome = self.service.handle(Turn(text=text, intent=intent, entities=ents), self.session)
        self.session = outcome.session
        self.stored += outcome.interactions
        return outcome.replies

    def items(self, replies):
        return [self.service.rec.items[i["id"]] for i in replies[0].payload["items"]]


def test_a_named_kind_gets_a_list_and_one_narrowing_question(service):
    chat = Chat(service)
    replies = chat.say("show me tablets")
    assert len(replies) == 1 and replies[0].kind == "recommendations"
    assert all(i.category == "tablets" for i in chat.items(replies))
    question = replies[0].payload["question"]
    assert question["key"] == "price" and len(question["options"]) == 3
    # pressing the middle band (or typing "2") applies it
    replies = chat.say("2", intent="nlu_fallback")
    items = chat.items(replies)
    assert items and chat.session.min_price is not None and chat.session.max_price is not None
    assert all(chat.session.min_price <= i.price <= chat.session.max_price for i in items)


def test_no_kind_asks_once_then_shows_popular_picks(service):
    chat = Chat(service)
    first = chat.say("something nice for my mum")
    assert first[0].kind == "question" and len(first[0].buttons) >= 5
    second = chat.say("no preference", intent="no_preference")
    assert second[0].kind == "recommendations"
    third = chat.say("no preference", intent="no_preference")
    assert third[0].kind == "recommendations" and third[0].text != second[0].text


def test_variants_of_one_model_fill_one_row(service):
    chat = Chat(service)
    replies = chat.say("show me iphones")
    items = chat.items(replies)
    keys = [model_key(i) for i in items]
    assert len(keys) == len(set(keys)) >= 3
    assert any(row.get("variants") for row in replies[0].payload["items"])


def test_why_compare_and_questions_answer_about_the_right_items(service):
    chat = Chat(service)
    shown = chat.items(chat.say("noise cancelling headphones under 300"))
    why = chat.say("why did you pick the first one?", intent="explain_item")[0]
    assert why.kind == "explanation" and why.payload["item"]["id"] == shown[0].id
    assert "noise cancelling" in why.text and "$300" in why.text
    compare = chat.say("what's the difference between number 1 and number 3", intent="compare_items")[0]
    assert compare.kind == "comparison" and [i["id"] for i in compare.payload["items"]] == [shown[0].id, shown[2].id]
    assert {"Price", "Brand"} <= {r["label"] for r in compare.payload["rows"]}
    answer = chat.say("is the second one waterproof?", intent="ask_item")[0]
    assert answer.kind == "item_answer" and answer.payload["items"][0]["id"] == shown[1].id
    assert answer.text.startswith("Yes" if "waterproof" in shown[1].features else "No")
    cheapest = chat.say("which of these is the cheapest?", intent="cheaper")[0]
    assert cheapest.kind == "item_answer"
    assert cheapest.payload["items"][0]["id"] == min(shown, key=lambda i: i.price).id


def test_the_catalog_doesnt_say_is_never_invented(service):
    chat = Chat(service)
    chat.say("show me tablets")
    answer = chat.say("what's the warranty on the first one?", intent="ask_item")[0]
    assert "doesn't say" in answer.text


def test_several_rejected_at_once(service):
    chat = Chat(service)
    shown = chat.items(chat.say("wireless earbuds"))
    replies = chat.say("not a fan of the first or the second", intent="dislike_item")
    assert {e for _, e in chat.stored} == {"dislike"} and {i for i, _ in chat.stored} == {shown[0].id, shown[1].id}
    assert not {shown[0].id, shown[1].id} & {i.id for i in chat.items(replies)}


def test_a_purchase_hides_the_model_and_its_variants(service, catalog):
    chat = Chat(service)
    shown = chat.items(chat.say("sony noise cancelling headphones"))
    chat.say("I bought the first one", intent="purchased_item")
    assert chat.stored == [(shown[0].id, "purchase")]
    later = chat.items(chat.say("show me headphones"))
    assert model_key(shown[0]) not in {model_key(i) for i in later}
    assert shown[0].id not in chat.session.liked


def test_budget_changes_in_words(service):
    chat = Chat(service)
    chat.say("cameras under 500")
    replies = chat.say("ok I can stretch to 900")
    assert chat.session.max_price == 900 and "under $900" in replies[0].text
    chat.say("a bit more than that", intent="more_expensive")
    assert chat.session.max_price > 900


def test_gibberish_never_gets_the_same_help_twice_in_a_row(service):
    chat = Chat(service)
    texts = [chat.say(t, intent="nlu_fallback")[0].text for t in ("asdf", "qwer", "zxcv", "poiu")]
    assert all(a != b for a, b in zip(texts, texts[1:]))


def test_nothing_fits_then_yes_applies_the_suggestion(service):
    chat = Chat(service)
    replies = chat.say("laptops under 300 with oled and gaming")
    assert replies[0].kind == "no_results" and replies[0].buttons
    replies = chat.say("yes", intent="affirm")
    assert replies[0].kind == "recommendations" and chat.session.category == "laptops"


def test_an_item_removed_from_the_catalog_is_dropped_not_failed_on(service):
    session = ShoppingSession(category="tablets", shown=("no-such-item", "tb-0058"))
    outcome = service.handle(Turn(text="tell me about the second one", intent="item_details"), session)
    assert outcome.replies[0].kind == "item_details" and outcome.replies[0].payload["item"]["id"] == "tb-0058"
    # the removed one itself: said so, a fresh list (positions as now shown), nothing recorded
    for text, intent in [("tell me about the first one", "item_details"), ("I love the first one", "like_item")]:
        outcome = service.handle(Turn(text=text, intent=intent), session)
        assert outcome.replies[0].text.startswith("Sorry, that one is no longer in our catalog")
        assert outcome.replies[0].kind == "recommendations" and not outcome.interactions
        assert "no-such-item" not in outcome.session.shown and outcome.session.liked == ()
