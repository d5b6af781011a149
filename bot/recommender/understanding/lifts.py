"""What the shopper takes back: "start over", "forget the budget", "any brand is fine", "JBL is fine
after all", "forget the waterproof bit".

A constraint said early holds until the shopper lifts it in words; this module reads those words
(English), and the turn service applies them before the rest of the message. Brands and features
are looked up in the shop's vocabulary, so nothing here names a shop's products.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, Tuple

from ..vocabulary import Vocabulary

_RESET_RX = re.compile(
    r"\b(?:start(?:ing)?\s+(?:over|again|afresh|from\s+scratch)|from\s+scratch|(?:let'?s\s+)?reset|clear\s+(?:everything|"
    r"it\s+all|all\s+(?:that|of\s+that|filters?))|new\s+search|forget\s+(?:everything|all\s+(?:that|of\s+that|this))|"
    r"scrap\s+(?:all\s+)?(?:that|everything)|back\s+to\s+square\s+one|wipe\s+the\s+slate)\b", re.I)
_DROP = r"(?:forget(?:\s+about)?|ignore|drop|scrap|remove|lose|lift|never\s*mind|nevermind|no\s+need\s+for|" \
        r"(?:i\s+)?(?:do|does)(?:n'?t|\s+not)\s+(?:need|care\s+about|mind\s+about|worry\s+about)|not\s+bothered\s+about|" \
        r"don'?t\s+worry\s+about|forgot\s+about|skip)"
_BUDGET_WORDS = r"(?:budget|price(?:\s+(?:limit|cap|range|ceiling))?|spending\s+limit|max(?:imum)?|cap|limit|cost)"
_BUDGET_RX = re.compile(
    rf"\b{_DROP}\s+(?:the|my|that|this|your|a|any)?\s*{_BUDGET_WORDS}\b"
    rf"|\b{_BUDGET_WORDS}\s+(?:is|isn'?t|doesn'?t|does\s+not)\s+(?:no\s+(?:longer\s+)?(?:an\s+)?(?:issue|problem|object)|"
    r"matter|important|a\s+(?:problem|concern|worry)|(?:an?\s+)?issue)"
    rf"|\b(?:no|without\s+a)\s+{_BUDGET_WORDS}\s+(?:any\s*more|now|after\s+all)\b|\bspend\s+what(?:ever)?\s+it\s+takes\b",
    re.I)
_ANY_BRAND_RX = re.compile(
    r"\bany\s+(?:brand|make|manufacturer)s?\b(?!\s+(?:but|except|other\s+than))|\b(?:brand|make)s?\s+(?:doesn'?t|does\s+not|"
    r"don'?t|do\s+not)\s+matter\b|\bnot\s+(?:fussy|bothered|picky)\s+about\s+(?:the\s+)?(?:brand|make)s?\b", re.I)
#: "<brand> is fine after all", "<brand> are back on the table", "I don't mind <brand>"
_BRAND_BACK_AFTER = r"(?:\s+(?:ones|stuff|products|models))?\s+(?:is|are|'s|would\s+be|will\s+do)\s+(?:fine|ok|okay|" \
                    r"alright|good|welcome|back(?:\s+on\s+the\s+table|\s+in)?|allowed)"
_BRAND_BACK_BEFORE = r"(?:i\s+(?:don'?t|do\s+not)\s+mind|(?:bring|let)\s+(?:back\s+)?|include|allow|(?:ok|okay|fine)\s*,?\s*" \
                     r"(?:show\s+me\s+)?|put\s+back)\s+(?:the\s+)?"


@dataclass(frozen=True)
class Lifts:
    """What one message takes back."""

    reset: bool = False
    budget: bool = False
    any_brand: bool = False
    #: excluded brands the shopper allows again
    brands_back: Tuple[str, ...] = ()
    #: features no longer wanted
    features: Tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.reset or self.budget or self.any_brand or bool(self.brands_back or self.features)


def _phrases_of(name: str, aliases: Sequence[str]) -> Sequence[str]:
    return sorted({name, *aliases}, key=len, reverse=True)


def read_lifts(text: str, vocab: Vocabulary, excluded_brands: Sequence[str] = (),
               features: Sequence[str] = ()) -> Lifts:
    """The lifts in ``text``; only brands now excluded and features now held can be taken back."""
    text = text or ""
    if _RESET_RX.search(text):
        return Lifts(reset=True)
    back = []
    for brand in excluded_brands:
        name = re.escape(brand)
        if re.search(rf"\b{name}{_BRAND_BACK_AFTER}\b", text, re.I) or \
                re.search(rf"\b{_BRAND_BACK_BEFORE}{name}\b", text, re.I):
            back.append(brand)
    dropped = []
    for feature in features:
        for phrase in _phrases_of(feature, vocab.features.get(feature, ())):
            if re.search(rf"\b{_DROP}\s+(?:the|a|an|that|this|my)?\s*{re.escape(phrase)}\b", text, re.I):
                dropped.append(feature)
                break
    return Lifts(budget=bool(_BUDGET_RX.search(text)), any_brand=bool(_ANY_BRAND_RX.search(text)),
                 brands_back=tuple(back), features=tuple(dropped))
