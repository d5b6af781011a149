"""Actions about one item: its details, and the shopper's feedback on it."""
from __future__ import annotations

from dataclasses import replace
from typing import Text

from recommender.understanding import feedback_polarity

from .conversation import intro_for, present, ranking_context, record, resolve_item
from .render import item_details_messages
from .runtime import get_runtime
from .safe import SafeAction
from .state import latest_intent, latest_text, session_from_tracker, slot_events

FEEDBACK_EVENTS = {"like_item": "like", "dislike_item": "dislike", "purchased_item": "purchase"}
NO_LIST = "Which one do you mean? Ask me for some recommendations first."


class ItemDetails(SafeAction):
    def name(self) -> Text:
        return "action_item_details"

    def act(self, dispatcher, tracker, domain):
        runtime = get_runtime()
        rec = runtime.recommender
        session = session_from_tracker(tracker)
        titles = [rec.items[i].title for i in session.shown if i in rec.items]
        item_id = resolve_item(session, latest_text(tracker), titles)
        if item_id is None or item_id not in rec.items:
            dispatcher.utter_message(text=NO_LIST)
            return []
        record(runtime, tracker, item_id, "click")
        position = session.shown.index(item_id) if item_id in session.shown else None
        for message in item_details_messages(rec.items[item_id], position, tracker.get_latest_input_channel()):
            dispatcher.utter_message(**message)
        return slot_events(session, replace(session, focus=item_id))


class Feedback(SafeAction):
    """Store like / dislike / purchase, and show how the list changes because of it."""

    def name(self) -> Text:
        return "action_feedback"

    def act(self, dispatcher, tracker, domain):
        runtime = get_runtime()
        rec = runtime.recommender
        session = session_from_tracker(tracker)
        titles = [rec.items[i].title for i in session.shown if i in rec.items]
        item_id = resolve_item(session, latest_text(tracker), titles)
        if item_id is None or item_id not in rec.items:
            dispatcher.utter_message(text=NO_LIST)
            return []
        event = FEEDBACK_EVENTS.get(latest_intent(tracker), "like")
        if event == "like" and feedback_polarity(latest_text(tracker)) == "dislike":
            event = "dislike"  # "I don't like the first one" read as a like by the classifier
        record(runtime, tracker, item_id, event)
        title = rec.items[item_id].title
        if event == "purchase":
            session = replace(session, purchased=session.purchased + (item_id,), focus=item_id,
                              shown=tuple(i for i in session.shown if i != item_id))
            dispatcher.utter_message(text=f"Congratulations on the {title}! I've noted it. If you need accessories "
                                          f"for it, just say \"show me accessories\".")
            return slot_events(session_from_tracker(tracker), session)
        if event == "dislike":
            session = replace(session, disliked=session.disliked + (item_id,), focus=None)
            lead = f"Got it, I won't show the {title} again. Here are"
        else:
            session = replace(session, liked=session.liked + (item_id,), focus=item_id)
            lead = f"Noted, you like the {title}. With that in mind, here are"
        if not session.category:
            return slot_events(session_from_tracker(tracker), session)
        result = rec.recommend(session.constraints(), ranking_context(runtime, tracker, session))
        return present(dispatcher, tracker, session, result, intro_for(result, lead))
