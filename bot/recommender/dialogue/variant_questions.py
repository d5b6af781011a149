"""Questions about a model's variants ("do you have it in a men's size 9?", "in a magnum?").

Sizes, capacities and bottle sizes are variants of one model (``recommender.variants``), so the
answer comes from the model's rows: the variant asked for, whether it is in stock, and what else
the model comes in. Nothing here is shop- or domain-specific: labels are the shop's own words.
"""
from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from ..catalog import Item
from ..variants import variant_labels
from .answers import _COLOUR_RX

#: words a variant label may carry that shoppers leave out ("size 9" for "Men's 9", "a half" for "Half Bottle")
_FILLER = frozenset("size sizes bottle bottles the a an in of uk us eu".split())
_TOKEN_RX = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?")
#: the message asks which variants exist ("what sizes does it come in?", "is it available in 11?")
_ASKS_VARIANT_RX = re.compile(r"\b(?:sizes?|come\s+in|comes\s+in|available\s+in|do\s+you\s+have\s+(?:it|them|this|that)"
                              r"\s+in|in\s+(?:an?\s+)?(?:\w+\s+)?(?:size|\d))\b", re.I)


def _tokens(text: str) -> List[str]:
    low = text.lower().replace("'s", "").replace("’s", "")
    return [t.replace(",", ".") for t in _TOKEN_RX.findall(low)]


def _label_matches(label: str, asked: Sequence[str]) -> bool:
    words = [t for t in _tokens(label) if t not in _FILLER]
    if not words:
        return False
    names = [t for t in words if not t[0].isdigit()]
    numbers = [t for t in words if t[0].isdigit()]
    asked_numbers = {t for t in asked if t[0].isdigit()}
    if not all(n in asked for n in names):
        return False
    if not numbers:
        return bool(names)
    if asked_numbers:  # "size 10" is not "size 9"
        return any(n in asked_numbers or n.rstrip("cl").rstrip("ml") in asked_numbers for n in numbers)
    return bool(names)


def variant_answer(text: str, item: Item, model: Sequence[Item]) -> Optional[Tuple[str, dict]]:
    """(verdict, answer value) when the message asks about a variant of ``item``'s model, else None:
    "has" (in stock), "sold_out" (the shop lists it, out of stock) or "variants" (which there are).

    ``model`` is every row of the model, in stock or not (``item`` included).
    """
    asked = _tokens(text)
    rows = [(row, ", ".join(variant_labels(row))) for row in model]
    rows = [(row, label) for row, label in rows if label]
    if len(rows) < 2:
        return None
    hits = [(row, label) for row, label in rows if any(_label_matches(part, asked) for part in
                                                         [label, *label.split(", ")])]
    numbers = {t for t in asked if t[0].isdigit()}
    if not hits and numbers:  # "is it available in 11?": the number alone picks the size
        hits = [(row, label) for row, label in rows if numbers & {t for t in _tokens(label) if t[0].isdigit()}]
    if not hits and (not _ASKS_VARIANT_RX.search(text or "") or _COLOUR_RX.search(text or "")):
        return None  # "does it come in blue?" is the colour answer's (answers.py), with the colours it has
    in_stock = [label for row, label in rows if row.in_stock]
    if not hits:
        return ("variants", {"field": "variant", "value": None, "available": in_stock})
    found = [row for row, _ in hits if row.in_stock]
    label = next(lab for row, lab in hits if not found or row is found[0])
    return ("has" if found else "sold_out", {"field": "variant", "value": bool(found), "variant": label,
                                              "id": (found[0] if found else hits[0][0]).id, "available": in_stock})
