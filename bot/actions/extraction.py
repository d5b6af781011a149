"""Slot filling: read every shopper message into the running request, and the form's questions."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from recommender.product_phrase import unknown_product
from recommender.session import merge_request
from recommender.understanding import extract_request

from .conversation import pending_notices
from .runtime import get_runtime
from .safe import SafeAction
from .state import latest_entities, latest_intent, latest_text, previous_bot_action, session_from_tracker, slot_events

#: intents whose messages may carry constraints (references and feedback don't)
CONSTRAINT_INTENTS = {"request_recommendation", "inform", "no_preference", "cheaper", "more_expensive",
                      "nlu_fallback", "affirm", "deny"}
PREFERENCES_QUESTION = ("Got it. What's your budget, and anything you must have (for example camera, battery "
                        "life, noise cancelling, a brand)? Or say \"no preference\".")
#: answers that mean "no particular preferences" when the form asks for them
NO_PREFERENCE_ANSWERS = {"no_preference", "deny"}


class ExtractShoppingSlots(SafeAction):
    """Runs after every user message (Rasa's slot-mapping hook) and updates the request slots."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = latest_intent(tracker)
        if intent not in CONSTRAINT_INTENTS:
            return []
        runtime = get_runtime()
        before = session_from_tracker(tracker)
        update = extract_request(latest_text(tracker), runtime.recommender.vocabulary, latest_entities(tracker))
        after, notices = merge_request(before, update, runtime.recommender.catalog)
        if intent in NO_PREFERENCE_ANSWERS and tracker.get_slot("requested_slot") == "preferences_given":
            after = replace(after, preferences_given=True)
        events = slot_events(before, after)
        if notices:
            events.append(SlotSet("notices", pending_notices(tracker) + notices))
        return events


class AskCategory(SafeAction):
    """The form's question for the product type, listing what the shop actually sells."""

    def name(self) -> Text:
        return "action_ask_category"

    def act(self, dispatcher, tracker, domain):
        categories = sorted(get_runtime().recommender.vocabulary.categories)
        notices = pending_notices(tracker)
        missing = unknown_product(latest_text(tracker))
        if missing:
            lead = f"Sorry, we don't sell {missing}. What else can I find for you?"
        elif previous_bot_action(tracker) == self.name():
            lead = "Sorry, I couldn't match that to anything we sell. Which of these are you after?"
        else:
            lead = "What kind of product are you looking for?"
        text = "\n".join(notices + [f"{lead} We carry {', '.join(categories)}."])
        buttons = [{"title": c.capitalize(), "payload": f"I'm looking for {c}"} for c in categories[:6]]
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("notices", [])]


class AskPreferences(SafeAction):
    """The form's question for budget and must-haves, after any notice about the last answer."""

    def name(self) -> Text:
        return "action_ask_preferences_given"

    def act(self, dispatcher, tracker, domain):
        for notice in pending_notices(tracker):
            dispatcher.utter_message(text=notice)
        dispatcher.utter_message(text=PREFERENCES_QUESTION)
        return [SlotSet("notices", [])]
