"""The one short question that would narrow a list most, with quick replies from the catalog.

A good associate shows things first and then asks about whatever splits what is left: the
price bands of *these* candidates, their most telling feature, or their leading brands. Price
comes first when no budget was given, then the feature that splits the candidates most
evenly, then brands; never one the shopper already constrained or was already asked about,
and none whose answer would barely split the list (entropy under 0.3 nats).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from ..catalog import Item
from ..constraints import Constraints
from . import texts

#: a question is only worth asking when more models match than one list shows
MIN_MODELS_TO_ASK = 6


@dataclass(frozen=True)
class Narrowing:
    key: str  # "price" | "feature" | "brand"
    text: str
    options: Tuple[Tuple[str, str], ...]  # (button title, message it sends)


def _entropy(counts: Sequence[int]) -> float:
    total = sum(counts)
    if total <= 0:
        return 0.0
    return -sum((c / total) * math.log(c / total) for c in counts if c)


def _nice(value: float) -> float:
    """Round a price to what people say: 50s under 1,000, 100s above."""
    step = 10 if value < 200 else 50 if value < 1000 else 100
    return float(max(step, round(value / step) * step))


def _price_question(items: Sequence[Item]) -> Optional[Tuple[float, Narrowing]]:
    prices = sorted(i.price for i in items)
    if len(prices) < MIN_MODELS_TO_ASK or prices[-1] < 1.8 * max(prices[0], 1.0):
        return None
    low = _nice(prices[len(prices) // 3])
    high = _nice(prices[(2 * len(prices)) // 3])
    if high <= low:
        return None
    bands = [sum(p < low for p in prices), sum(low <= p <= high for p in prices), sum(p > high for p in prices)]
    options = (
        (texts.under(low), f"under {texts.money(low)}"),
        (texts.between(low, high), f"between {texts.money(low)} and {texts.money(high)}"),
        (texts.over(high), f"over {texts.money(high)}"),
    )
    return _entropy(bands), Narrowing("price", texts.ASK_BUDGET, options)


def _feature_question(items: Sequence[Item], constraints: Constraints) -> Optional[Tuple[float, Narrowing]]:
    counts = Counter(tag for i in items for tag in set(i.features) if tag not in constraints.features)
    n = len(items)
    telling = [(tag, c) for tag, c in counts.items() if 0.15 * n <= c <= 0.85 * n]
    if not telling:
        return None
    telling.sort(key=lambda tc: (abs(tc[1] / n - 0.5), tc[0]))
    best = telling[:3]
    score = max(_entropy([c, n - c]) for _, c in best)
    options = tuple((texts.feature_title(tag), f"with {tag}") for tag, _ in best)
    return score, Narrowing("feature", texts.ASK_FEATURE, options)


def _brand_question(items: Sequence[Item], constraints: Constraints) -> Optional[Tuple[float, Narrowing]]:
    if constraints.brands:
        return None
    counts = Counter(i.brand for i in items)
    if len(counts) < 3:
        return None
    top = counts.most_common(3)
    options = tuple((brand, brand) for brand, _ in top)
    # asked last among equals: a brand answer is the least informative about needs
    return _entropy(list(counts.values())) * 0.8, Narrowing("brand", texts.ASK_BRAND, options)


def narrowing_question(candidates: Sequence[Item], constraints: Constraints, asked: Sequence[str],
                       budget_known: bool) -> Optional[Narrowing]:
    """The best question for these candidates, or None when the list is already narrow."""
    if len(candidates) < MIN_MODELS_TO_ASK:
        return None
    found = []
    if not budget_known and "price" not in asked:
        found.append(_price_question(candidates))
    if "feature" not in asked:
        found.append(_feature_question(candidates, constraints))
    if "brand" not in asked:
        found.append(_brand_question(candidates, constraints))
    # price first (what every associate asks), then the most telling feature, then brands
    for found_one in found:
        if found_one is not None and found_one[0] > 0.3:
            return found_one[1]
    return None
