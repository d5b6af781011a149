"""Content similarity between catalog items, for "more like this" and liked-item boosts.

Shared features dominate, then category and brand, then closeness in price (log scale),
so a liked mid-range camera phone pulls up other mid-range camera phones.
"""
from __future__ import annotations

import math

from .catalog import Item


def item_similarity(a: Item, b: Item) -> float:
    """A score in [0, 1]; 1 only for items alike in every respect."""
    fa, fb = set(a.features), set(b.features)
    feature_overlap = len(fa & fb) / len(fa | fb) if fa | fb else 0.0
    same_category = 1.0 if a.category == b.category else 0.0
    same_brand = 1.0 if a.brand.lower() == b.brand.lower() else 0.0
    price_gap = abs(math.log1p(a.price) - math.log1p(b.price))
    price_closeness = math.exp(-2.0 * price_gap)
    return 0.4 * feature_overlap + 0.25 * same_category + 0.15 * same_brand + 0.2 * price_closeness
