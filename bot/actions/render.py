"""Turn recommender results into messages: text and buttons for people, a custom payload for code.

Every list carries ``{"type": "recommendations", "items": [...]}`` so channels (and tests) render
from data rather than from text. The terminal channel gets the text only.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from recommender.catalog import Item
from recommender.constraints import Constraints
from recommender.service import RankedItem, Recommendation

TEXT_ONLY_CHANNELS = {"cmdline"}


def money(value: Optional[float], currency: str = "USD") -> str:
    if value is None:
        return ""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    amount = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def describe(constraints: Constraints) -> str:
    """'smartphones under $500 with camera, not Samsung' — the request in words."""
    parts = [constraints.category or "products"]
    if constraints.brands:
        parts.insert(0, "/".join(constraints.brands))
    low, high = constraints.min_price, constraints.max_price
    if low is not None and high is not None:
        parts.append(f"between {money(low)} and {money(high)}")
    elif high is not None:
        parts.append(f"under {money(high)}")
    elif low is not None:
        parts.append(f"over {money(low)}")
    if constraints.features:
        parts.append("with " + ", ".join(constraints.features))
    if constraints.excluded_brands:
        parts.append("not " + " or ".join(constraints.excluded_brands))
    return " ".join(parts)


def constraints_payload(constraints: Constraints) -> Dict:
    return {
        "category": constraints.category,
        "min_price": constraints.min_price,
        "max_price": constraints.max_price,
        "features": list(constraints.features),
        "brands": list(constraints.brands),
        "excluded_brands": list(constraints.excluded_brands),
    }


def _item_lines(position: int, ranked: RankedItem) -> str:
    item = ranked.item
    features = " · ".join(item.features[:3])
    return (f"{position}. {item.title} — {money(item.price, item.currency)}\n"
            f"   {features}\n   Why: {ranked.reason}")


LIST_BUTTONS = [
    {"title": "Cheaper", "payload": "/cheaper"},
    {"title": "Show more", "payload": "/show_more"},
    {"title": "More like #1", "payload": "more like the first one"},
    {"title": "Tell me about #1", "payload": "tell me about the first one"},
]


def recommendation_messages(result: Recommendation, intro: str, channel: Optional[str],
                            notices: Sequence[str] = ()) -> List[Dict]:
    """Keyword arguments for ``dispatcher.utter_message`` calls, in order."""
    lines = list(notices) + [intro]
    lines += [_item_lines(i + 1, r) for i, r in enumerate(result.items)]
    message: Dict = {"text": "\n".join(lines), "buttons": LIST_BUTTONS}
    if channel not in TEXT_ONLY_CHANNELS:
        message["json_message"] = {
            "type": "recommendations",
            "items": [r.to_payload() for r in result.items],
            "constraints": constraints_payload(result.constraints),
            "total_matches": result.total_matches,
            "ranker": result.ranker,
        }
    return [message]


def no_results_messages(result: Recommendation, channel: Optional[str], notices: Sequence[str] = ()) -> List[Dict]:
    """Say nothing fits, how to loosen the request, and the nearest options."""
    lines = list(notices) + [f"I couldn't find any {describe(result.constraints)} in stock."]
    if result.relaxations:
        options = [f"{r.label} ({r.count} option{'s' if r.count != 1 else ''})" for r in result.relaxations]
        lines.append("Closest ways to get results: " + "; ".join(options) + ".")
    else:
        lines.append("Try a different product type, or tell me what matters most and I'll start again.")
    if result.nearest:
        lines.append("Nearest options if you loosen it:")
        lines += [_item_lines(i + 1, r) for i, r in enumerate(result.nearest)]
    buttons = [{"title": r.label, "payload": f"/affirm{{\"option\": \"{i + 1}\"}}"}
               for i, r in enumerate(result.relaxations[:3])]
    message: Dict = {"text": "\n".join(lines)}
    if buttons:
        message["buttons"] = buttons
    if channel not in TEXT_ONLY_CHANNELS:
        message["json_message"] = {
            "type": "no_results",
            "constraints": constraints_payload(result.constraints),
            "relaxations": [r.to_payload() for r in result.relaxations],
            "nearest": [r.to_payload() for r in result.nearest],
        }
    return [message]


def item_details_messages(item: Item, position: Optional[int], channel: Optional[str]) -> List[Dict]:
    where = f"#{position + 1} " if position is not None else ""
    stock = "In stock." if item.in_stock else "Currently out of stock."
    text = (f"{where}{item.title} by {item.brand}: {money(item.price, item.currency)}\n"
            f"Features: {', '.join(item.features) or 'none listed'}\n{item.description}\n{stock}")
    message: Dict = {
        "text": text,
        "buttons": [
            {"title": "More like this", "payload": "more like this one"},
            {"title": "I like it", "payload": "I like this one"},
            {"title": "Not for me", "payload": "not this one"},
        ],
    }
    if channel not in TEXT_ONLY_CHANNELS:
        message["json_message"] = {
            "type": "item_details",
            "item": {**item.to_payload(), "description": item.description, "in_stock": item.in_stock,
                     "image_url": item.image_url},
        }
    return [message]
