"""Spot the product a shopper named when it is not something the shop sells ("a fridge")."""
from __future__ import annotations

import re
from typing import Optional

_ASK = re.compile(
    r"\b(?:looking for|look for|need|want|buy|buying|get|recommend|suggest|find|show me|after|shopping for"
    r"|(?:do|does) (?:you|the shop|this shop) (?:sell|have|carry|stock)|you (?:sell|carry|stock))"
    r"\s+(?:me\s+)?(?:(?:a|an|any|some|the|new|good|cheap|nice)\s+)?(?:new\s+|good\s+|cheap\s+)?"
    r"(?P<noun>[a-z][a-z\-]{2,24}(?:\s+[a-z][a-z\-]{2,24})?)",
    re.IGNORECASE,
)
_VAGUE = {"something", "anything", "gift", "present", "recommendation", "recommendations", "product",
          "products", "one", "help", "advice", "deal", "bargain", "idea", "ideas", "stuff", "thing", "things",
          "suggestions", "options", "some", "more", "cheaper", "budget", "device", "gadget", "gadgets",
          "first", "second", "third", "fourth", "fifth", "last", "other", "others", "same", "any", "this", "that",
          "these", "those", "them", "what", "which", "stock", "sale", "discounts", "delivery", "shipping"}


def unknown_product(text: str) -> Optional[str]:
    """The product noun the shopper asked for, if any (the caller knows it matched no category)."""
    match = _ASK.search(text or "")
    if not match:
        return None
    noun = match.group("noun").lower().strip()
    first = noun.split()[0]
    if first in _VAGUE or first in {"under", "below", "with", "for", "around", "between", "about"}:
        return None
    return noun.split(" with ")[0].split(" under ")[0].strip()
