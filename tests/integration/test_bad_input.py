"""Odd and hostile messages get a 200 and a sensible reply; the servers keep serving."""
from __future__ import annotations

import uuid

import pytest

from tests.integration.conftest import recommendations, text_of

pytestmark = pytest.mark.integration

ODD_MESSAGES = [
    "",
    "   ",
    "a" * 5000,
    ("I want a phone " * 400)[:5000],
    "😀😀🔥📱 phone?",
    "我想买一部手机",
    "Хочу ноутбук",
    "'; DROP TABLE items; --",
    "phone' OR '1'='1",
    "under -5",
    "a phone under -5",
    "a laptop under 10 billion",
    "I want a fridge",
    "{\"json\": true}",
    "/inform{\"category\": \"spaceships\"}",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("message", ODD_MESSAGES, ids=range(len(ODD_MESSAGES)))
def test_odd_message_gets_a_reply(stack, message):
    response = stack.send(f"odd-{uuid.uuid4().hex[:8]}", message)
    assert response.status_code == 200
    messages = response.json()
    if message.strip():
        assert text_of(messages), f"no text reply to {message[:40]!r}"
    assert "Traceback" not in response.text


def test_absurd_budgets(stack):
    sender = f"absurd-{uuid.uuid4().hex[:8]}"
    negative = stack.say(sender, "a phone under -5")
    assert "negative" in text_of(negative).lower() or "budget" in text_of(negative).lower()
    huge = recommendations(stack.say(f"huge-{uuid.uuid4().hex[:8]}", "a laptop under 10 billion"))
    assert huge and all(i["category"] == "laptops" for i in huge)


@pytest.mark.parametrize("message, product", [
    ("I want a fridge", "fridge"),
    ("do you sell fridges?", "fridges"),
    ("I'm looking for a lawn mower", "lawn mower"),
])
def test_unknown_category_says_so(stack, message, product):
    messages = stack.say(f"fridge-{uuid.uuid4().hex[:8]}", message)
    assert recommendations(messages) is None
    reply = text_of(messages).lower()
    assert f"don't sell {product}" in reply and "smartphones" in reply


def test_still_serving_after_bad_input(stack):
    items = recommendations(stack.say(f"after-{uuid.uuid4().hex[:8]}", "a phone under $500 with a great camera"))
    assert items and all(i["price"] <= 500 for i in items)
