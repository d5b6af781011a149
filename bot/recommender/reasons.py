"""One-line, honest reasons for why an item is on the list."""
from __future__ import annotations

from .money import format_money

from typing import List

from .constraints import Constraints
from .ranking import ScoredItem


def _money(value: float) -> str:
    return format_money(round(value) if value >= 100 else value)


#: an interaction as the shopper would say they did it ("the X you bought")
EVENT_PAST = {"view": "viewed", "click": "opened", "like": "liked", "purchase": "bought",
              "add_to_cart": "added to your cart", "rating": "rated"}


def explain(scored: ScoredItem, constraints: Constraints) -> str:
    """Say which request it meets and what lifted it, in at most three short clauses."""
    item, signals = scored.item, scored.signals
    parts: List[str] = []
    if signals.get("similar_to"):
        shared = [f for f in item.features if f in signals.get("anchor_features", ())]
        parts.append(f"similar to the {signals['similar_to']}")
        if shared:
            parts[-1] += f" ({', '.join(shared[:2])})"
    elif signals.get("similar_to_liked"):
        parts.append(f"close to the {signals['similar_to_liked']} you liked")
    if constraints.features:
        parts.append("has " + " and ".join(constraints.features[:3]))
    if constraints.max_price is not None:
        spare = constraints.max_price - item.price
        parts.append(f"{_money(spare)} under your {_money(constraints.max_price)} budget" if spare >= 1
                     else f"right at your {_money(constraints.max_price)} budget")
    if signals.get("history_match") and not signals.get("similar_to"):
        title, event = signals["history_match"]
        parts.append(f"like the {title} you {EVENT_PAST.get(event, 'looked at')}")
    if len(parts) < 2 and float(signals.get("popularity") or 0.0) > 0.7:
        parts.append("a popular pick with shoppers")
    if not parts:
        extras = " and ".join(item.features[:2])
        parts.append("fits your request" + (f"; has {extras}" if extras else ""))
    text = "; ".join(parts[:3])
    return text[0].upper() + text[1:]
