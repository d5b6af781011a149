"""Actions called directly with a rasa_sdk Tracker and CollectingDispatcher, on a real SQLite store."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.extraction import AskCategory, ExtractShoppingSlots
from actions.info import OutOfScope
from actions.items import Feedback, ItemDetails
from actions.recommend import ChangePrice, Recommend
from actions.safe import APOLOGY, SafeAction


@pytest.fixture(autouse=True)
def demo_runtime(demo_database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("CONCIERGE_DATABASE_URL", demo_database_url)
    monkeypatch.setenv("CONCIERGE_SCORER_PATH", str(tmp_path / "none"))
    runtime.reset_runtime()
    yield
    runtime.reset_runtime()


def tracker(text: str, intent: str, slots=None, entities=None, sender="tester", active_loop=None) -> Tracker:
    return Tracker(sender, dict(slots or {}), {"text": text, "intent": {"name": intent, "confidence": 0.9},
                                               "entities": entities or []},
                   [], False, None, {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def items_of(messages):
    for m in messages:
        custom = m.get("custom") or {}
        if custom.get("type") == "recommendations":
            return custom["items"]
    return None


def test_extraction_fills_the_request_slots():
    _, slots = run(ExtractShoppingSlots(), tracker("a phone under $500 with a great camera, no Samsung",
                                                   "request_recommendation"))
    assert slots["category"] == "smartphones"
    assert slots["budget_max"] == 500
    assert "camera" in slots["features"]
    assert [b.lower() for b in slots["excluded_brands"]] == ["samsung"]
    assert slots["preferences_given"] is True


def test_extraction_ignores_feedback_messages():
    _, slots = run(ExtractShoppingSlots(), tracker("not the Samsung", "dislike_item"))
    assert slots == {}


def test_recommend_honours_the_slots_and_remembers_the_list():
    slots = {"category": "smartphones", "budget_max": 500, "features": ["camera"], "preferences_given": True}
    messages, new_slots = run(Recommend(), tracker("under 500", "inform", slots))
    items = items_of(messages)
    assert items and all(i["price"] <= 500 and "camera" in i["features"] for i in items)
    assert new_slots["shown_items"] == [i["id"] for i in items]
    assert "1." in messages[0]["text"]


def test_cheaper_lowers_below_the_cheapest_shown():
    first, slots = run(Recommend(), tracker("laptops", "inform", {"category": "laptops"}))
    shown = items_of(first)
    messages, _ = run(ChangePrice(), tracker("cheaper", "cheaper", {"category": "laptops", **slots}))
    assert max(i["price"] for i in items_of(messages)) < min(i["price"] for i in shown)


def test_dislike_hides_the_item_and_is_stored():
    first, slots = run(Recommend(), tracker("tablets", "inform", {"category": "tablets"}, sender="dis"))
    gone = items_of(first)[0]["id"]
    messages, new_slots = run(Feedback(), tracker("I don't like the first one", "dislike_item",
                                                  {"category": "tablets", **slots}, sender="dis"))
    assert gone in new_slots["disliked_items"]
    assert gone not in {i["id"] for i in items_of(messages)}
    rt = runtime.get_runtime()
    history = rt.history(rt.user_id("rest", "dis"))
    assert (gone, "dislike") in history


def test_a_rejection_misread_as_a_like_is_stored_as_a_dislike():
    first, slots = run(Recommend(), tracker("tablets", "inform", {"category": "tablets"}, sender="misread"))
    gone = items_of(first)[0]["id"]
    messages, new_slots = run(Feedback(), tracker("I don't really like the first one", "like_item",
                                                  {"category": "tablets", **slots}, sender="misread"))
    assert gone in new_slots["disliked_items"] and not new_slots.get("liked_items")
    rt = runtime.get_runtime()
    assert (gone, "dislike") in rt.history(rt.user_id("rest", "misread"))


def test_details_of_the_second_item():
    first, slots = run(Recommend(), tracker("tvs", "inform", {"category": "tvs"}))
    second = items_of(first)[1]
    messages, new_slots = run(ItemDetails(), tracker("what about the second one?", "item_details",
                                                     {"category": "tvs", **slots}))
    details = next(m["custom"] for m in messages if m.get("custom"))
    assert details["type"] == "item_details" and details["item"]["id"] == second["id"]
    assert new_slots["focus_item"] == second["id"]


def test_ask_category_names_an_unknown_product():
    messages, _ = run(AskCategory(), tracker("I want a fridge", "request_recommendation"))
    assert "fridge" in messages[0]["text"] and "smartphones" in messages[0]["text"]


@pytest.mark.parametrize("text, expected", [
    ("I want a fridge", "we don't sell fridge"),
    ("can you find me a lawn mower", "we don't sell lawn mower"),
    ("what's the weather like?", "help you find electronics"),
])
def test_out_of_scope_names_the_unsold_product(text, expected):
    messages, _ = run(OutOfScope(), tracker(text, "out_of_scope"))
    assert len(messages) == 1 and expected in messages[0]["text"].lower()
    if "sell" in expected:
        assert "smartphones" in messages[0]["text"]


def test_capabilities_question_about_an_unsold_product():
    from actions.info import Capabilities

    messages, _ = run(Capabilities(), tracker("do you sell fridges?", "bot_capabilities"))
    assert len(messages) == 1 and "don't sell fridges" in messages[0]["text"] and "tvs" in messages[0]["text"]
    messages, _ = run(Capabilities(), tracker("what can you do?", "bot_capabilities"))
    assert "We carry" in messages[0]["text"] and messages[0]["buttons"]


def test_a_crashing_action_apologises_instead():
    class Broken(SafeAction):
        def name(self):
            return "action_broken"

        def act(self, dispatcher, tracker, domain):
            dispatcher.utter_message(text="half a reply")
            raise RuntimeError("boom")

    messages, _ = run(Broken(), tracker("hi", "greet"))
    assert [m["text"] for m in messages] == [APOLOGY]


def test_every_custom_action_in_the_domain_is_served():
    import yaml
    from rasa_sdk.executor import ActionExecutor

    from tests.conftest import BOT

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((BOT / "domain.yml").read_text())
    served = {name for name, run in executor.actions.items()
              if type(getattr(run, "__self__", None)).__module__.startswith("actions.")}
    assert set(domain["actions"]) == served
