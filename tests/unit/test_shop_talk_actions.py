"""The privacy actions, called with a rasa_sdk Tracker and CollectingDispatcher on a real store."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import privacy as privacy_actions
from actions.privacy import ForgetMe, ForgetMeConfirmed, PrivacySummary
from actions.safe import APOLOGY
from recommender.catalog import Item
from recommender.store import Store


@pytest.fixture
def store(tmp_path, monkeypatch):
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as s:
        s.migrate()
        s.replace_catalog([Item(id="h1", title="Sony WH-1000XM5", category="headphones", brand="Sony", price=399.0),
                           Item(id="h2", title="Bose QC45", category="headphones", brand="Bose", price=279.0)])
        monkeypatch.setattr(privacy_actions, "get_runtime", lambda: SimpleNamespace(store=s))
        yield s


def tracker(intent: str, sender: str = "shopper", channel: str = "rest") -> Tracker:
    events = [{"event": "user", "text": "...", "input_channel": channel,
               "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}]
    return Tracker(sender, {}, {"text": "...", "intent": {"name": intent, "confidence": 0.9}, "entities": []},
                   events, False, None, {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_privacy_summary_lists_what_is_stored(store):
    user = store.user_for_sender("rest", "shopper")
    store.record_interaction(user, "h1", "like")
    store.record_interaction(user, "h2", "view")
    messages, events = run(PrivacySummary(), tracker("privacy_summary"))
    assert events == []
    assert "1 like: Sony WH-1000XM5" in messages[0]["text"] and "Bose QC45" in messages[0]["text"]
    assert messages[0]["custom"]["counts"] == {"like": 1, "view": 1}


def test_forget_me_asks_first_and_deletes_nothing(store):
    user = store.user_for_sender("rest", "shopper")
    store.record_interaction(user, "h1", "like")
    messages, events = run(ForgetMe(), tracker("forget_me"))
    assert events == [] and "Are you sure?" in messages[0]["text"] and "1 like" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert store.counts()["interactions"] == 1


def test_forget_me_confirmed_deletes_the_shopper_and_restarts(store):
    user = store.user_for_sender("rest", "shopper")
    store.record_interaction(user, "h1", "like")
    other = store.user_for_sender("rest", "someone-else")
    store.record_interaction(other, "h2", "like")
    messages, events = run(ForgetMeConfirmed(), tracker("affirm"))
    assert [e["event"] for e in events] == ["restart"]
    assert "deleted" in messages[0]["text"]
    assert store.lookup_user("rest", "shopper") is None
    assert store.counts()["interactions"] == 1 and store.counts()["users"] == 1


def test_a_failed_deletion_claims_nothing_and_keeps_the_conversation(store, monkeypatch):
    def broken(*_):
        raise RuntimeError("database down")

    monkeypatch.setattr(store, "forget_user", broken)
    messages, events = run(ForgetMeConfirmed(), tracker("affirm"))
    assert events == [], "no Restarted: the tracker store must not drop the conversation"
    assert [m["text"] for m in messages] == [APOLOGY]
