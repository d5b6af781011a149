"""The shopping action: read the turn from the tracker, ask the turn service, render, store."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import IntegrityError

from recommender.dialogue.turn import Turn
from recommender.session import ShoppingSession

from .render import render
from .runtime import get_runtime
from .safe import SafeAction

SESSION_SLOT = "shopping_session"
logger = logging.getLogger(__name__)


def turn_from_tracker(tracker: Tracker) -> Turn:
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return Turn(text=latest.get("text") or "", intent=intent.get("name") or "",
                entities=list(latest.get("entities") or []), channel=tracker.get_latest_input_channel(),
                confidence=float(intent.get("confidence") or 0.0))


def record(runtime, user_id: int, item_id: str, event: str, channel: str) -> None:
    """Store one interaction; one whose item was removed from the catalog a moment ago (an import landed
    after this runtime was built) is left out with a log line instead of failing the turn."""
    try:
        runtime.store.record_interaction(user_id, item_id, event, source=channel)
    except IntegrityError:
        if item_id in runtime.store.item_ids():
            raise
        logger.warning("not recording %s on %s: the item is no longer in the catalog", event, item_id)


class ShopTurn(SafeAction):
    """Every shopping intent: the library decides what to answer."""

    def name(self) -> Text:
        return "action_shop_turn"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        runtime = get_runtime()
        channel = tracker.get_latest_input_channel() or "rest"
        user_id = runtime.user_id(channel, tracker.sender_id)
        session = ShoppingSession.from_slot(tracker.get_slot(SESSION_SLOT))
        outcome = runtime.turns.handle(turn_from_tracker(tracker), session, runtime.history(user_id))
        for item_id, event in outcome.interactions:
            record(runtime, user_id, item_id, event, channel)
        for message in render(outcome.replies, channel):
            dispatcher.utter_message(**message)
        events = [SlotSet(SESSION_SLOT, outcome.session.to_slot())]
        if any(reply.kind == "handoff" for reply in outcome.replies):
            # a shop's routing reads it from the tracker (the reply also carries the payload)
            events.append(SlotSet("handoff_requested", True))
        return events
