"""Helpers every shopping action shares: who is asking, and sending a list back."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from recommender.constraints import Constraints
from recommender.ranking import RankingContext
from recommender.service import Recommendation
from recommender.session import ShoppingSession

from . import render
from .runtime import Runtime
from .state import session_from_tracker, slot_events


def ranking_context(runtime: Runtime, tracker: Tracker, session: ShoppingSession) -> RankingContext:
    """Stored history of this shopper (feedback is stored as it happens) plus session feedback."""
    user_id = runtime.user_id(tracker.get_latest_input_channel(), tracker.sender_id)
    return session.ranking_context(runtime.history(user_id))


def record(runtime: Runtime, tracker: Tracker, item_id: str, event: str) -> None:
    user_id = runtime.user_id(tracker.get_latest_input_channel(), tracker.sender_id)
    runtime.store.record_interaction(user_id, item_id, event, source=tracker.get_latest_input_channel() or "chat")


def pending_notices(tracker: Tracker) -> List[str]:
    return list(tracker.get_slot("notices") or [])


def _relaxation_slot(result: Recommendation) -> Optional[List[Dict[str, Any]]]:
    if result.found or not result.relaxations:
        return None
    return [{"label": r.label, "constraints": render.constraints_payload(r.constraints)} for r in result.relaxations]


def present(dispatcher: CollectingDispatcher, tracker: Tracker, after: ShoppingSession,
            result: Recommendation, intro: str, fresh: bool = True) -> List[Dict[str, Any]]:
    """Send the list (or the no-results advice) and return the slot changes it implies."""
    before = session_from_tracker(tracker)
    channel = tracker.get_latest_input_channel()
    notices = pending_notices(tracker)
    if result.found:
        messages = render.recommendation_messages(result, intro, channel, notices)
        after = after.showing([r.item.id for r in result.items], fresh)
    else:
        messages = render.no_results_messages(result, channel, notices)
        after = after.showing([r.item.id for r in result.nearest], True)
    for message in messages:
        dispatcher.utter_message(**message)
    return slot_events(before, after) + [SlotSet("notices", []), SlotSet("relaxations", _relaxation_slot(result))]


def constraints_from_payload(base: Constraints, payload: Dict[str, Any]) -> Constraints:
    return base.with_changes(
        category=payload.get("category"),
        min_price=payload.get("min_price"),
        max_price=payload.get("max_price"),
        features=tuple(payload.get("features") or ()),
        brands=tuple(payload.get("brands") or ()),
        excluded_brands=tuple(payload.get("excluded_brands") or ()),
    )


def intro_for(result: Recommendation, lead: str = "Here are") -> str:
    count = len(result.items)
    what = render.describe(result.constraints)
    return f"{lead} {count} {what}, best match first:"


def resolve_item(session: ShoppingSession, text: str, titles: Sequence[str]) -> Optional[str]:
    """Which item "the second one" / "the Pixel" / "it" means: the list shown, then the focus."""
    from recommender.understanding import parse_item_reference

    index = parse_item_reference(text, list(titles))
    if index is not None and 0 <= index < len(session.shown):
        return session.shown[index]
    if session.focus:
        return session.focus
    return session.shown[0] if session.shown else None
