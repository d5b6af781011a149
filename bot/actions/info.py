"""What the assistant can do, and the helpful fallback for messages it didn't understand."""
from __future__ import annotations

from collections import Counter
from typing import Optional, Text, Tuple

from recommender.product_phrase import unknown_product
from recommender.session import understood_anything
from recommender.understanding import RequestUpdate, extract_request

from .conversation import intro_for, present, ranking_context
from .runtime import get_runtime
from .safe import SafeAction
from .state import latest_text, session_from_tracker

FALLBACK = ("Sorry, I didn't understand that. You can ask things like \"a laptop under $1000 for gaming\", "
            "\"cheaper\", \"no Samsung\" or \"more like the second one\".")
OUT_OF_SCOPE = ("I can't help with that, I'm afraid. I'm here to help you find electronics: phones, laptops, "
                "headphones, TVs and more. What are you shopping for?")
EXAMPLES = ("\"a phone under $500 with a great camera\", \"cheaper\", \"no Samsung\", "
            "\"more like the second one\", \"what about the first one?\", \"I like the first one\"")


def read_message(tracker) -> Tuple[RequestUpdate, Optional[str]]:
    """The request in the latest message, and "Sorry, we don't sell fridges" when it names a product
    outside the catalog."""
    vocabulary = get_runtime().recommender.vocabulary
    text = latest_text(tracker)
    update = extract_request(text, vocabulary, [])
    missing = unknown_product(text) if not update.category else None
    if not missing:
        return update, None
    return update, f"Sorry, we don't sell {missing}. We carry {', '.join(sorted(vocabulary.categories))}."


class Capabilities(SafeAction):
    def name(self) -> Text:
        return "action_capabilities"

    def act(self, dispatcher, tracker, domain):
        _, unsold = read_message(tracker)  # "do you sell fridges?"
        if unsold:
            dispatcher.utter_message(text=unsold)
            return []
        catalog = get_runtime().recommender.catalog
        counts = Counter(item.category for item in catalog if item.in_stock)
        listing = ", ".join(f"{name} ({count})" for name, count in sorted(counts.items()))
        dispatcher.utter_message(
            text=(f"I find products in this shop's catalog that fit your budget and must-haves, and I learn from "
                  f"what you like. We carry: {listing}.\nTry {EXAMPLES}."),
            buttons=[{"title": name.capitalize(), "payload": f"I'm looking for {name}"}
                     for name, _ in counts.most_common(4)],
        )
        return []


class Fallback(SafeAction):
    """Low NLU confidence: if the message still names a product or constraint, act on it."""

    def name(self) -> Text:
        return "action_fallback"

    def act(self, dispatcher, tracker, domain):
        session = session_from_tracker(tracker)
        runtime = get_runtime()
        update, unsold = read_message(tracker)
        if unsold:
            dispatcher.utter_message(text=unsold)
            return []
        if tracker.active_loop.get("name") or not understood_anything(update) or not session.category:
            dispatcher.utter_message(text=FALLBACK)
            return []
        result = runtime.recommender.recommend(session.constraints(), ranking_context(runtime, tracker, session))
        return present(dispatcher, tracker, session, result, intro_for(result))


class OutOfScope(SafeAction):
    """Out of scope: name the unsold product when there is one, else say what the shop is for."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def act(self, dispatcher, tracker, domain):
        _, unsold = read_message(tracker)
        dispatcher.utter_message(text=unsold or OUT_OF_SCOPE)
        return []
