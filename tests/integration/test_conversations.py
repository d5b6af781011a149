"""Multi-turn conversations over the REST channel against the real servers."""
from __future__ import annotations

import uuid

import pytest

from tests.integration.conftest import payload, recommendations, text_of

pytestmark = pytest.mark.integration


def new_sender(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def test_answers_first_then_narrows_phones_within_budget_with_camera(stack):
    sender = new_sender("phone")
    first = stack.say(sender, "hi, I'm looking for a new phone")
    shown = recommendations(first)
    assert shown and all(item["category"] == "smartphones" for item in shown)
    question = payload(first, "recommendations").get("question")
    assert question and question["options"], "a list comes with one narrowing question and quick replies"

    items = recommendations(stack.say(sender, "under $500 with a great camera"))
    assert items and 3 <= len(items) <= 5
    for item in items:
        assert item["category"] == "smartphones"
        assert item["price"] <= 500
        assert "camera" in item["features"]
        assert item["title"] and item["reason"] and item["currency"] == "USD"
        assert {"id", "title", "price", "currency", "category", "brand", "features", "reason"} <= item.keys()


def test_refinements_keep_the_context(stack):
    sender = new_sender("refine")
    shown = recommendations(stack.say(sender, "I need a phone under $900 with a great camera"))
    assert shown

    cheaper = recommendations(stack.say(sender, "cheaper"))
    assert cheaper
    assert max(i["price"] for i in cheaper) < min(i["price"] for i in shown)
    assert all(i["category"] == "smartphones" and "camera" in i["features"] for i in cheaper)

    no_samsung = recommendations(stack.say(sender, "no Samsung"))
    assert no_samsung and all(i["brand"].lower() != "samsung" for i in no_samsung)

    battery = recommendations(stack.say(sender, "something with better battery"))
    assert battery and all("battery life" in i["features"] and "camera" in i["features"] for i in battery)
    assert all(i["brand"].lower() != "samsung" for i in battery)

    laptops = recommendations(stack.say(sender, "show me laptops instead"))
    assert laptops and all(i["category"] == "laptops" for i in laptops)
    assert all(i["brand"].lower() != "samsung" for i in laptops)

    second = laptops[1]
    similar = recommendations(stack.say(sender, "more like the second one"))
    assert similar and all(i["category"] == "laptops" for i in similar)
    assert second["id"] not in {i["id"] for i in similar}

    details = payload(stack.say(sender, "what about the first one?"), "item_details")
    assert details and details["item"]["id"] == similar[0]["id"]


def test_feedback_changes_the_next_list(stack):
    sender = new_sender("feedback")
    shown = recommendations(stack.say(sender, "recommend some headphones with noise cancelling"))
    assert shown and len(shown) >= 3
    disliked = shown[0]["id"]
    after_dislike = recommendations(stack.say(sender, "I don't like the first one"))
    assert after_dislike and disliked not in {i["id"] for i in after_dislike}

    liked = after_dislike[2]
    after_like = recommendations(stack.say(sender, "I like the third one"))
    assert after_like
    ids = [i["id"] for i in after_like]
    assert liked["id"] in ids[:2], "a liked item is pulled up"
    assert disliked not in ids

    again = recommendations(stack.say(sender, "show me more"))
    assert again is None or disliked not in {i["id"] for i in again}


@pytest.mark.parametrize("message, low, high, category", [
    ("a laptop below $1k", None, 1000, "laptops"),
    ("headphones between 300 and 600 dollars", 300, 600, "headphones"),
    ("a tv around 800", 600, 1000, "tvs"),
    ("max 1200 bucks for a laptop", None, 1200, "laptops"),
    ("speakers 100-300", 100, 300, "speakers"),
    ("I want a tablet under 500", None, 500, "tablets"),
])
def test_budget_forms_are_honoured(stack, message, low, high, category):
    items = recommendations(stack.say(new_sender("budget"), message))
    assert items, message
    for item in items:
        assert item["category"] == category
        assert high is None or item["price"] <= high
        assert low is None or item["price"] >= low


def test_excluded_and_required_brands(stack):
    sender = new_sender("brand")
    items = recommendations(stack.say(sender, "show me smartwatches, not Apple"))
    assert items and all(i["brand"].lower() != "apple" for i in items)
    sony = recommendations(stack.say(new_sender("brand"), "I want Sony headphones"))
    assert sony and all(i["brand"] == "Sony" for i in sony)


def test_nothing_fits_offers_the_nearest_options(stack):
    messages = stack.say(new_sender("none"), "a laptop under $50 with a great camera and gaming")
    assert recommendations(messages) is None
    advice = payload(messages, "no_results")
    assert advice and advice["relaxations"]
    assert text_of(messages)


def test_gibberish_gets_a_helpful_fallback(stack):
    messages = stack.say(new_sender("gibberish"), "asdkjh qwe zxcvbn")
    assert messages and recommendations(messages) is None
    assert text_of(messages)


@pytest.mark.parametrize("message", ["hello", "thanks!", "bye", "what can you do?", "what's the weather like?"])
def test_small_talk_gets_a_reply(stack, message):
    messages = stack.say(new_sender("talk"), message)
    assert text_of(messages)
    assert recommendations(messages) is None
