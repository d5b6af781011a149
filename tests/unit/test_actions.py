"""Actions called directly with a rasa_sdk Tracker and CollectingDispatcher, on a real SQLite store."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.info import Capabilities
from actions.safe import APOLOGY, SafeAction
from actions.shop import SESSION_SLOT, ShopTurn
from recommender.session import ShoppingSession


@pytest.fixture(scope="module", autouse=True)
def demo_runtime(demo_database_url, tmp_path_factory):
    """One action-server runtime for the module (building it encodes the catalog once)."""
    from recommender.settings import get_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONCIERGE_DATABASE_URL", demo_database_url)
        patch.setenv("CONCIERGE_SCORER_PATH", str(tmp_path_factory.mktemp("no-scorer")))
        get_settings.cache_clear()
        runtime.reset_runtime()
        yield
        runtime.reset_runtime()
        get_settings.cache_clear()


def tracker(text: str, intent: str, session=None, entities=None, sender="tester", channel="rest") -> Tracker:
    slots = {SESSION_SLOT: session.to_slot()} if session is not None else {}
    events = [{"event": "user", "text": text, "input_channel": channel,
               "parse_data": {"intent": {"name": intent}}}]
    return Tracker(sender, slots, {"text": text, "intent": {"name": intent, "confidence": 0.9},
                                   "entities": entities or []},
                   events, False, None, {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def session_of(slots) -> ShoppingSession:
    return ShoppingSession.from_slot(slots[SESSION_SLOT])


def items_of(messages):
    for m in messages:
        custom = m.get("custom") or {}
        if custom.get("type") == "recommendations":
            return custom["items"]
    return None


def test_a_request_is_answered_with_a_list_that_honours_it():
    messages, slots = run(ShopTurn(), tracker("a phone under $500 with a great camera, no Samsung",
                                              "request_recommendation"))
    items = items_of(messages)
    assert items and all(i["category"] == "smartphones" and i["price"] <= 500 and "camera" in i["features"]
                         and i["brand"] != "Samsung" for i in items)
    session = session_of(slots)
    assert session.shown == tuple(i["id"] for i in items) and session.max_price == 500


def test_the_session_slot_carries_the_conversation_between_turns():
    _, slots = run(ShopTurn(), tracker("headphones under 200", "request_recommendation"))
    first = session_of(slots)
    messages, slots = run(ShopTurn(), tracker("cheaper", "cheaper", session=first))
    cheaper = items_of(messages)
    assert cheaper and max(i["price"] for i in cheaper) < min(
        runtime.get_runtime().recommender.items[i].price for i in first.shown)


def test_a_dislike_is_stored_and_the_item_hidden(demo_database_url):
    from recommender.store import Store

    _, slots = run(ShopTurn(), tracker("show me tablets", "request_recommendation", sender="disliker"))
    first = session_of(slots)
    messages, slots = run(ShopTurn(), tracker("I don't like the first one", "like_item", session=first,
                                              sender="disliker"))
    assert first.shown[0] not in {i["id"] for i in items_of(messages)}
    store = Store(demo_database_url)
    user = store.user_for_sender("rest", "disliker")
    assert [(e.item_id, e.event) for e in store.history(user)][-1] == (first.shown[0], "dislike")


def test_the_terminal_gets_numbered_hints_instead_of_buttons():
    messages, _ = run(ShopTurn(), tracker("show me tablets", "request_recommendation", channel="cmdline"))
    assert len(messages) == 1 and not messages[0].get("buttons") and not messages[0].get("custom")
    assert "[1]" in messages[0]["text"]


@pytest.mark.parametrize("text, expected", [("can you order me a pizza", "can't help"),
                                            ("I need a fridge", "don't sell fridges")])
def test_out_of_scope_is_honest(text, expected):
    messages, _ = run(ShopTurn(), tracker(text, "out_of_scope"))
    assert expected in messages[0]["text"]


def test_capabilities_question_about_an_unsold_product():
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


def test_a_request_for_a_person_hands_off_with_the_payload_and_the_slot():
    messages, slots = run(ShopTurn(), tracker("can I talk to a real person please", "human_handoff"))
    assert {"type": "handoff", "reason": "shopper asked for a person"} in [m.get("custom") for m in messages]
    assert "person" in messages[0]["text"] and "support@concierge-shop.example" in messages[0]["text"]  # the shop's contact
    assert slots["handoff_requested"] is True


def test_a_product_request_misread_as_a_hand_off_gets_a_list():
    messages, slots = run(ShopTurn(), tracker("we cook together most evenings and want a speaker for the kitchen",
                                             "human_handoff"))
    assert all(i["category"] == "speakers" for i in items_of(messages))
    assert "handoff_requested" not in slots


def test_a_hand_off_in_the_terminal_sends_no_raw_json():
    messages, slots = run(ShopTurn(), tracker("get me a human", "human_handoff", channel="cmdline"))
    assert not any(m.get("custom") for m in messages) and "person" in messages[0]["text"]
    assert slots["handoff_requested"] is True
