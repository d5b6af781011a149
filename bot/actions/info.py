"""What the assistant can do, and the helpful fallback for messages it didn't understand."""
from __future__ import annotations

from collections import Counter
from typing import Text

from recommender.product_phrase import unknown_product
from recommender.session import understood_anything
from recommender.understanding import extract_request

from .conversation import intro_for, present, ranking_context
from .runtime import get_runtime
from .safe import SafeAction
from .state import latest_text, session_from_tracker

FALLBACK = ("Sorry, I didn't understand that. You can ask things like \"a laptop under $1000 for gaming\", "
            "\"cheaper\", \"no Samsung\" or \"more like the second one\".")
EXAMPLES = ("\"a phone under $500 with a great camera\", \"cheaper\", \"no Samsung\", "
            "\"more like the second one\", \"what about the first one?\", \"I like the first one\"")


class Capabilities(SafeAction):
    def name(self) -> Text:
        return "action_capabilities"

    def act(self, dispatcher, tracker, domain):
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
        text = latest_text(tracker)
        update = extract_request(text, runtime.recommender.vocabulary, [])
        missing = unknown_product(text) if not update.category else None
        if missing:
            categories = ", ".join(sorted(runtime.recommender.vocabulary.categories))
            dispatcher.utter_message(text=f"Sorry, we don't sell {missing}. We carry {categories}.")
            return []
        if tracker.active_loop.get("name") or not understood_anything(update) or not session.category:
            dispatcher.utter_message(text=FALLBACK)
            return []
        result = runtime.recommender.recommend(session.constraints(), ranking_context(runtime, tracker, session))
        return present(dispatcher, tracker, session, result, intro_for(result))
