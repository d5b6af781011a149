"""Price said without a number: "cheap", "high-end", "a bit more than that", "a little less".

Numbers are ``understanding.budget``'s job. These words are relative, so they are read
against what the shopper sees: "cheap" is the lower third of this kind's prices in this
catalog, "a bit more" raises the current ceiling by a quarter. The reply says how it was read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ..catalog import Item
from ..session import ShoppingSession
from . import texts

_CHEAP_RX = re.compile(r"\b(?:cheap|cheapo|inexpensive|affordable|budget(?!\s+(?:of|is|was|around|about|up|under|"
                       r"below|\$|\d))|low[\s-]cost|entry[\s-]level|not\s+(?:too\s+)?(?:expensive|pricey)|"
                       r"nothing\s+(?:too\s+)?(?:fancy|expensive|pricey)|(?:on\s+a\s+)?(?:tight|small|limited)\s+budget|"
                       r"won'?t\s+break\s+the\s+bank|bargain|basic\s+(?:one|model)s?)\b", re.I)
_PREMIUM_RX = re.compile(r"\b(?:high[\s-]end|premium|top[\s-]of[\s-]the[\s-]line|flagship|luxury|best\s+money\s+can\s+buy)\b",
                         re.I)
_A_BIT_MORE_RX = re.compile(
    r"\b(?:(?:a\s+)?(?:bit|little|tad|touch)\s+(?:more|higher|over)|slightly\s+(?:more|higher)|"
    r"go\s+(?:a\s+(?:bit|little)\s+)?higher|raise\s+(?:it|the\s+budget|my\s+budget)|more\s+than\s+that|"
    r"increase\s+(?:it|the\s+budget|my\s+budget)|spend\s+(?:a\s+(?:bit|little)\s+)?more|stretch\s+(?:a\s+bit|a\s+little|it)?)\b",
    re.I)
_A_BIT_LESS_RX = re.compile(
    r"\b(?:(?:a\s+)?(?:bit|little|tad|touch)\s+(?:less|lower|cheaper)|slightly\s+(?:less|lower|cheaper)|"
    r"less\s+than\s+that|lower\s+(?:it|the\s+budget|my\s+budget))\b", re.I)
#: how far "a bit more / less" moves the ceiling
STEP = 0.25


@dataclass(frozen=True)
class PriceReading:
    min_price: Optional[float]
    max_price: Optional[float]
    reading: Optional[str]


def _third(items: Sequence[Item], category: Optional[str], upper: bool) -> Optional[float]:
    prices = sorted(i.price for i in items if i.in_stock and (category is None or i.category == category))
    if len(prices) < 3:
        return None
    value = prices[(2 * len(prices)) // 3] if upper else prices[len(prices) // 3]
    step = 10 if value < 200 else 50
    return float(round(value / step) * step) or float(step)


def relative_budget(text: str, session: ShoppingSession, catalog: Sequence[Item],
                    shown: Sequence[Item]) -> Optional[PriceReading]:
    """Bounds implied by price words in ``text`` for ``session``'s kind, or None."""
    text = text or ""
    if _A_BIT_MORE_RX.search(text):
        ceiling = session.max_price or (max(i.price for i in shown) if shown else None)
        if ceiling is None:
            return None
        new = float(round(ceiling * (1 + STEP)))
        return PriceReading(session.min_price, new, texts.read_budget_raise(new))
    if _A_BIT_LESS_RX.search(text):
        ceiling = session.max_price or (min(i.price for i in shown) if shown else None)
        if ceiling is None:
            return None
        new = float(round(ceiling * (1 - STEP)))
        return PriceReading(None, new, texts.read_budget_lower(new))
    if not session.category:
        return None
    if _CHEAP_RX.search(text) and session.max_price is None:
        high = _third(catalog, session.category, upper=False)
        if high is not None:
            return PriceReading(None, high, texts.read_cheap(_CHEAP_RX.search(text).group(0), high))
    if _PREMIUM_RX.search(text) and session.min_price is None:
        low = _third(catalog, session.category, upper=True)
        if low is not None:
            return PriceReading(low, None, texts.read_premium(_PREMIUM_RX.search(text).group(0), low))
    return None


def is_price_phrase(phrase: str) -> bool:
    """"not too pricey", "high-end": words about price, which the need readers must not read as a feature."""
    return bool(_CHEAP_RX.search(phrase or "") or _PREMIUM_RX.search(phrase or ""))
