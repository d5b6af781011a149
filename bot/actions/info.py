"""What the assistant can do (and "do you sell fridges?")."""
from __future__ import annotations

from collections import Counter
from typing import Text

from recommender.dialogue import texts
from recommender.product_phrase import unknown_product
from recommender.understanding import extract_request

from .render import render
from .runtime import get_runtime
from .safe import SafeAction


def unsold_product(text: str) -> str:
    """"Sorry, we don't sell fridges..." when the message names a product outside the catalog."""
    vocabulary = get_runtime().recommender.vocabulary
    if extract_request(text, vocabulary, []).category:
        return ""
    missing = unknown_product(text)
    return texts.unsold(missing, sorted(vocabulary.categories)) if missing else ""


class Capabilities(SafeAction):
    def name(self) -> Text:
        return "action_capabilities"

    def act(self, dispatcher, tracker, domain):
        text = (tracker.latest_message or {}).get("text") or ""
        unsold = unsold_product(text)  # "do you sell fridges?"
        if unsold:
            dispatcher.utter_message(text=unsold)
            return []
        catalog = get_runtime().recommender.catalog
        counts = Counter(item.category for item in catalog if item.in_stock)
        reply = texts.capabilities(sorted(counts.items()), [name for name, _ in counts.most_common(4)])
        for message in render([reply], tracker.get_latest_input_channel()):
            dispatcher.utter_message(**message)
        return []
