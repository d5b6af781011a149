"""A sales associate's answers about items on screen: why, compare, and factual questions.

Every answer comes from catalog fields (price, brand, feature tags, stock, description,
variants) and from what is known about the shopper; when the catalog does not hold the
answer, the reply says so instead of guessing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..catalog import Item
from ..session import ShoppingSession
from ..similarity import item_similarity
from . import texts

#: colour words a shopper may ask about ("does it come in blue?")
COLOURS = ("black", "white", "silver", "grey", "gray", "blue", "red", "green", "pink", "purple", "gold",
           "yellow", "orange", "beige", "cream", "graphite", "titanium", "midnight", "starlight", "lavender",
           "rose", "bronze", "navy", "olive", "teal", "mint", "coral", "violet", "brown")
_COLOUR_RX = re.compile(r"\b(" + "|".join(COLOURS) + r")\b", re.I)
#: superlatives the catalog has no field for
_UNSUPPORTED_RX = re.compile(
    r"\b(lightest|heaviest|smallest|biggest|largest|thinnest|newest|latest|oldest|loudest|fastest|"
    r"brightest|warranty|weigh[st]?|weight|dimensions?|size|how\s+(?:big|heavy|long|old|fast|loud)|"
    r"release[ds]?|launch(?:ed)?|rating|reviews?|rated)\b", re.I)
_SUPERLATIVE_FEATURE_WORDS = {
    "lightest": "lightweight", "thinnest": "lightweight", "smallest": "lightweight",
    "biggest": "large screen", "largest": "large screen",
    "weigh": "lightweight", "weighs": "lightweight", "weight": "lightweight", "heaviest": "lightweight",
}


@dataclass(frozen=True)
class Answer:
    text: str
    payload: Dict


def _value_rows(items: Sequence[Item]) -> List[Dict]:
    rows = [
        {"label": "Price", "values": [texts.money(i.price, i.currency) for i in items]},
        {"label": "Brand", "values": [i.brand for i in items]},
    ]
    tags: List[str] = []
    for item in items:
        tags += [t for t in item.features if t not in tags]
    for tag in tags:
        rows.append({"label": texts.feature_title(tag), "feature": tag,
                     "values": [tag in i.features for i in items]})
    rows.append({"label": "In stock", "values": [i.in_stock for i in items]})
    return rows


def compare(items: Sequence[Item], positions: Sequence[Optional[int]], purpose: Sequence[str] = ()) -> Answer:
    """Side by side, plus the trade-off (or the pick for a stated purpose) in one sentence."""
    names = [texts.short_title(i) for i in items]
    verdict = _purpose_verdict(items, names, purpose) if purpose else None
    trade = verdict or _trade_off(items, names)
    table = texts.comparison_table(items, positions)
    payload = {
        "type": "comparison",
        "items": [{**i.to_payload(), "position": None if p is None else p + 1} for i, p in zip(items, positions)],
        "rows": _value_rows(items),
        "summary": trade,
    }
    return Answer(f"{table}\n{trade}", payload)


def _trade_off(items: Sequence[Item], names: Sequence[str]) -> str:
    if len(items) == 2:
        a, b = items
        only_a = [t for t in a.features if t not in b.features]
        only_b = [t for t in b.features if t not in a.features]
        cheaper, dearer = (a, b) if a.price <= b.price else (b, a)
        extra = only_a if dearer is a else only_b
        return texts.trade_off_pair(texts.short_title(cheaper), texts.short_title(dearer),
                                    dearer.price - cheaper.price, extra,
                                    only_b if dearer is a else only_a, cheaper.currency)
    cheapest = min(items, key=lambda i: i.price)
    richest = max(items, key=lambda i: len(i.features))
    return texts.trade_off_many(texts.short_title(cheapest), texts.short_title(richest), richest.features)


def _purpose_verdict(items: Sequence[Item], names: Sequence[str], purpose: Sequence[str]) -> str:
    def fit(item: Item) -> int:
        return sum(tag in item.features for tag in purpose)

    best = max(fit(i) for i in items)
    winners = [i for i in items if fit(i) == best]
    if best == 0:
        return texts.purpose_none(purpose)
    if len(winners) == len(items):
        cheapest = min(items, key=lambda i: i.price)
        return texts.purpose_all(purpose, texts.short_title(cheapest))
    return texts.purpose_winner(purpose, [texts.short_title(w) for w in winners])


def explain(item: Item, position: Optional[int], session: ShoppingSession, total: int,
            liked: Sequence[Item], history: Sequence[Tuple[Item, str]], ranker: str,
            signals: Dict, shown: Sequence[Item]) -> Answer:
    """Why this item is on the list: constraints met, needs matched, history, rank."""
    reasons: List[str] = []
    c = session.constraints()
    if c.max_price is not None:
        reasons.append(texts.why_budget(item, c.max_price))
    elif c.min_price is not None:
        reasons.append(texts.why_min_budget(item, c.min_price))
    read = dict((feature, phrase) for phrase, feature in session.needs)
    asked = [f for f in c.features if f in item.features and f not in read]
    if asked:
        reasons.append(texts.why_features(asked))
    for feature, phrase in read.items():
        if feature in item.features:
            reasons.append(texts.why_need(phrase, feature))
    if c.brands:
        reasons.append(texts.why_brand(item.brand))
    if session.kind:
        reasons.append(texts.why_kind(session.kind))
    close = [other for other in liked if other.id != item.id and item_similarity(item, other) >= 0.55]
    held = [(other, event) for other, event in history if other.id != item.id and event != "dislike"]
    close_held = [(o, e) for o, e in held if item_similarity(item, o) >= 0.55]
    same_brand = [(o, e) for o, e in held if o.brand.lower() == item.brand.lower()]
    if close:  # liked in this conversation
        reasons.append(texts.why_liked(close[0]))
    elif close_held or same_brand:  # the store's own record of what this shopper did, named
        other, event = (close_held or same_brand)[-1]
        reasons.append(texts.why_history_item(other, event))
    if float(signals.get("popularity") or 0.0) >= 0.7:
        reasons.append(texts.WHY_POPULAR)
    if shown and len(shown) > 1:
        if item.price <= min(i.price for i in shown):
            reasons.append(texts.WHY_CHEAPEST_SHOWN)
        extra = [t for t in item.features if sum(t in i.features for i in shown) == 1]
        if extra:
            reasons.append(texts.why_unique(extra))
    text = texts.explanation(item, position, total, reasons, ranker, [e for _, e in held])
    payload = {"type": "explanation", "item": item.to_payload(), "position": None if position is None else position + 1,
               "reasons": reasons, "ranker": ranker}
    return Answer(text, payload)


def _variant_colours(item: Item, variants: Sequence[Item]) -> List[str]:
    found: List[str] = []
    for v in [item, *variants]:
        for m in _COLOUR_RX.finditer(v.title + " " + v.description):
            word = m.group(1).lower()
            if word not in found:
                found.append(word)
    return found


def answer_question(text: str, items: Sequence[Item], positions: Sequence[Optional[int]], field: Optional[str],
                    features: Sequence[str], category_tags: Sequence[str],
                    variants: Dict[str, Sequence[Item]], extreme: Optional[str]) -> Answer:
    """A direct answer from catalog fields for each item asked about."""
    lines: List[str] = []
    values: List[Dict] = []
    low = (text or "").lower()
    colour = _COLOUR_RX.search(low)
    superlative = _UNSUPPORTED_RX.search(low)
    for item, pos in zip(items, positions):
        name = texts.item_ref(item, pos)
        if extreme:
            lines.append(texts.extreme_answer(extreme, item, pos))
            values.append({"id": item.id, "field": "price", "value": item.price})
        elif field == "price":
            lines.append(texts.price_answer(name, item))
            values.append({"id": item.id, "field": "price", "value": item.price})
        elif field == "brand":
            lines.append(texts.brand_answer(name, item.brand))
            values.append({"id": item.id, "field": "brand", "value": item.brand})
        elif field == "stock":
            lines.append(texts.stock_answer(name, item.in_stock))
            values.append({"id": item.id, "field": "in_stock", "value": item.in_stock})
        elif colour:
            wanted = colour.group(1).lower()
            colours = _variant_colours(item, variants.get(item.id, ()))
            has = wanted in colours or (wanted == "gray" and "grey" in colours)
            lines.append(texts.colour_answer(name, wanted, has, colours))
            values.append({"id": item.id, "field": "colour", "value": has, "colours": colours})
        elif superlative and superlative.group(1).lower() in _SUPERLATIVE_FEATURE_WORDS:
            tag = _SUPERLATIVE_FEATURE_WORDS[superlative.group(1).lower()]
            lines.append(texts.proxy_answer(name, superlative.group(1).lower(), tag, tag in item.features))
            values.append({"id": item.id, "field": "unknown", "value": None, "proxy_feature": tag})
        elif features and not superlative:
            for tag in features:
                known = tag in category_tags
                has = tag in item.features
                lines.append(texts.feature_answer(name, tag, has, known))
                values.append({"id": item.id, "field": "feature", "feature": tag,
                               "value": has if (has or known) else None})
        else:
            lines.append(texts.unknown_answer(name, item))
            values.append({"id": item.id, "field": "unknown", "value": None})
    payload = {"type": "item_answer", "items": [i.to_payload() for i in items], "answers": values}
    return Answer("\n".join(lines), payload)


def superlative_pick(text: str, shown: Sequence[Item]) -> Optional[Tuple[str, List[int]]]:
    """"which of these is the lightest?": the catalog has no weights, but a tag may stand in."""
    m = _UNSUPPORTED_RX.search(text or "")
    if not m:
        return None
    tag = _SUPERLATIVE_FEATURE_WORDS.get(m.group(1).lower())
    if not tag:
        return None
    return tag, [i for i, item in enumerate(shown) if tag in item.features]
