"""Actions that produce a list: recommend, cheaper/pricier, show more, more like this, accept a suggestion."""
from __future__ import annotations

from dataclasses import replace
from typing import Text

from rasa_sdk.events import SlotSet

from .conversation import constraints_from_payload, intro_for, present, ranking_context, record, resolve_item
from .runtime import get_runtime
from .safe import SafeAction
from .state import latest_entities, latest_intent, latest_text, session_from_tracker

ASK_WHAT = "Tell me what you're looking for first, for example \"a laptop under $1000\"."


class Recommend(SafeAction):
    def name(self) -> Text:
        return "action_recommend"

    def act(self, dispatcher, tracker, domain):
        runtime = get_runtime()
        session = session_from_tracker(tracker)
        if not session.category:
            dispatcher.utter_message(text=ASK_WHAT)
            return []
        context = ranking_context(runtime, tracker, session)
        result = runtime.recommender.recommend(session.constraints(), context)
        return present(dispatcher, tracker, session, result, intro_for(result))


class ChangePrice(SafeAction):
    """"Cheaper" goes below the cheapest item shown; "more premium" above the dearest."""

    def name(self) -> Text:
        return "action_change_price"

    def act(self, dispatcher, tracker, domain):
        runtime = get_runtime()
        session = session_from_tracker(tracker)
        if not session.category:
            dispatcher.utter_message(text=ASK_WHAT)
            return []
        rec = runtime.recommender
        if latest_intent(tracker) == "more_expensive":
            constraints, lead = rec.pricier(session.constraints(), session.shown), "Stepping up: here are"
        else:
            constraints, lead = rec.cheaper(session.constraints(), session.shown), "Cheaper options: here are"
        session = session.with_constraints(constraints)
        result = rec.recommend(session.constraints(), ranking_context(runtime, tracker, session))
        return present(dispatcher, tracker, session, result, intro_for(result, lead))


class ShowMore(SafeAction):
    def name(self) -> Text:
        return "action_show_more"

    def act(self, dispatcher, tracker, domain):
        runtime = get_runtime()
        session = session_from_tracker(tracker)
        if not session.category:
            dispatcher.utter_message(text=ASK_WHAT)
            return []
        context = ranking_context(runtime, tracker, session)
        result = runtime.recommender.recommend(session.constraints(), context, skip=session.seen)
        if not result.found:
            dispatcher.utter_message(text="That's everything that matches your request. Want me to loosen "
                                          "something, like the budget or a feature?")
            return []
        return present(dispatcher, tracker, session, result, intro_for(result, "More options: here are"), fresh=False)


class SimilarItems(SafeAction):
    def name(self) -> Text:
        return "action_similar_items"

    def act(self, dispatcher, tracker, domain):
        runtime = get_runtime()
        rec = runtime.recommender
        session = session_from_tracker(tracker)
        titles = [rec.items[i].title for i in session.shown if i in rec.items]
        anchor_id = resolve_item(session, latest_text(tracker), titles)
        if anchor_id is None or anchor_id not in rec.items:
            dispatcher.utter_message(text="Which one do you mean? Ask for a list first, then say "
                                          "\"more like the second one\".")
            return []
        record(runtime, tracker, anchor_id, "click")
        session = replace(session, focus=anchor_id)
        result = rec.similar(anchor_id, session.constraints(), ranking_context(runtime, tracker, session))
        intro = f"More like the {rec.items[anchor_id].title}:"
        return present(dispatcher, tracker, session, result, intro)


class AcceptRelaxation(SafeAction):
    """"Yes" / a suggestion button after "nothing fits": apply that loosening and list again."""

    def name(self) -> Text:
        return "action_accept_relaxation"

    def act(self, dispatcher, tracker, domain):
        options = tracker.get_slot("relaxations") or []
        if not options:
            dispatcher.utter_message(text="Great! Anything else I can help you find?")
            return []
        choice = _chosen_option(latest_entities(tracker), len(options))
        runtime = get_runtime()
        session = session_from_tracker(tracker)
        constraints = constraints_from_payload(session.constraints(), options[choice]["constraints"])
        session = session.with_constraints(constraints)
        result = runtime.recommender.recommend(session.constraints(), ranking_context(runtime, tracker, session))
        events = present(dispatcher, tracker, session, result, intro_for(result, f"OK ({options[choice]['label']}). Here are"))
        return events + [SlotSet("preferences_given", True)]


def _chosen_option(entities, count: int) -> int:
    for entity in entities:
        if entity.get("entity") == "option":
            try:
                index = int(str(entity.get("value"))) - 1
            except ValueError:
                continue
            if 0 <= index < count:
                return index
    return 0
