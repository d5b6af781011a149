"""Map the tracker's slots to a ``ShoppingSession`` and back."""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from recommender.session import ShoppingSession

#: session field -> slot name
SLOTS = {
    "category": "category",
    "min_price": "budget_min",
    "max_price": "budget_max",
    "features": "features",
    "brands": "brands",
    "excluded_brands": "excluded_brands",
    "preferences_given": "preferences_given",
    "shown": "shown_items",
    "seen": "seen_items",
    "focus": "focus_item",
    "liked": "liked_items",
    "disliked": "disliked_items",
    "purchased": "purchased_items",
}
_TUPLES = {f.name for f in fields(ShoppingSession) if f.default == ()}


def _price(value: Any):
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def session_from_tracker(tracker: Tracker) -> ShoppingSession:
    values: Dict[str, Any] = {}
    for field_name, slot in SLOTS.items():
        value = tracker.get_slot(slot)
        if field_name in _TUPLES:
            value = tuple(value or ())
        elif field_name in ("min_price", "max_price"):
            value = _price(value)
        elif field_name == "preferences_given":
            value = bool(value)
        values[field_name] = value
    return ShoppingSession(**values)


def _slot_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def slot_events(before: ShoppingSession, after: ShoppingSession) -> List[Dict[str, Any]]:
    """SlotSet events for the fields that changed."""
    events = []
    for field_name, slot in SLOTS.items():
        old, new = getattr(before, field_name), getattr(after, field_name)
        if old != new:
            events.append(SlotSet(slot, _slot_value(new)))
    return events


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def latest_entities(tracker: Tracker) -> List[Dict[str, Any]]:
    return list((tracker.latest_message or {}).get("entities") or [])


def previous_bot_action(tracker: Tracker) -> str:
    """The last thing the bot did before the shopper's latest message (skipping listens)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in (
                "action_listen", "action_extract_slots", "action_validate_slot_mappings"):
            return event.get("name") or ""
    return ""
