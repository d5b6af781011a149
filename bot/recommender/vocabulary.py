"""Canonical category and feature names plus the phrases shoppers use for them.

The catalog's own categories, brands and feature tags are the source of truth; the alias
tables here add the everyday phrasing ("phone", "great camera", "long battery") for the demo
shop. A new shop's vocabulary is derived from its catalog (see ``build_vocabulary``), product
lines ("iPhone", "ThinkPad") included: shoppers name those instead of brand + category.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from .catalog import Item

#: canonical category -> phrases that mean it (the canonical name itself is implied)
CATEGORY_ALIASES: Dict[str, Tuple[str, ...]] = {
    "smartphones": ("smartphone", "phone", "phones", "mobile", "mobile phone", "cell phone", "cellphone", "handset"),
    "laptops": ("laptop", "notebook", "notebooks", "ultrabook", "computer", "pc"),
    "headphones": ("headphone", "headset", "headsets", "earbuds", "earphones", "earbud", "cans"),
    "tablets": ("tablet",),
    "smartwatches": ("smartwatch", "smart watch", "smart watches", "watch", "watches", "fitness tracker", "wearable"),
    "cameras": ("camera", "mirrorless", "dslr", "digital camera", "action camera"),
    "tvs": ("tv", "television", "televisions", "telly", "smart tv"),
    "speakers": ("speaker", "bluetooth speaker", "soundbar", "soundbars", "smart speaker"),
    "monitors": ("monitor", "display", "displays", "screen"),
    "accessories": ("accessory", "charger", "chargers", "case", "cases", "power bank", "cable", "cables"),
}

#: canonical feature tag -> phrases that mean it
FEATURE_ALIASES: Dict[str, Tuple[str, ...]] = {
    "camera": ("great camera", "good camera", "camera quality", "photos", "photography", "pictures", "selfies", "zoom"),
    "battery life": ("battery", "long battery", "better battery", "good battery", "battery life", "lasts all day", "long-lasting battery"),
    "noise cancelling": ("noise cancellation", "anc", "noise-cancelling", "noise canceling", "active noise cancelling"),
    "waterproof": ("water resistant", "water-resistant", "swimproof", "ip68", "splash proof"),
    "lightweight": ("light", "light weight", "portable", "thin and light", "slim"),
    "gaming": ("for gaming", "games", "gamer", "high refresh rate"),
    "4k": ("4k", "uhd", "ultra hd", "4k video"),
    "oled": ("oled", "amoled", "oled screen"),
    "fast charging": ("quick charge", "fast charge", "quick charging", "rapid charging"),
    "5g": ("5g",),
    "wireless": ("wireless", "bluetooth", "cordless", "true wireless"),
    "gps": ("gps", "navigation"),
    "health tracking": ("heart rate", "fitness", "health", "sleep tracking", "ecg"),
    "large screen": ("big screen", "large display", "big display"),
    "stylus": ("pen support", "pencil", "stylus support"),
    "smart assistant": ("alexa", "google assistant", "siri", "voice assistant"),
    "hdr": ("hdr", "dolby vision", "hdr10"),
    "touchscreen": ("touch screen", "touch"),
    "long range": ("long range",),
    "high resolution": ("high res", "hi-res", "high resolution"),
}


@dataclass
class Vocabulary:
    """What the assistant can recognise for one catalog."""

    categories: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    features: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    brands: List[str] = field(default_factory=list)
    #: product line -> (brand, category or None when the line spans categories)
    product_lines: Dict[str, Tuple[str, Optional[str]]] = field(default_factory=dict)


#: well-known two-word lines a title's first word cannot give ("Galaxy Tab" is not just "Galaxy");
#: used only when the catalog carries that brand and category
CURATED_LINES: Dict[str, Tuple[str, str]] = {
    "apple watch": ("Apple", "smartwatches"),
    "galaxy watch": ("Samsung", "smartwatches"),
    "galaxy tab": ("Samsung", "tablets"),
    "galaxy buds": ("Samsung", "headphones"),
    "pixel watch": ("Google", "smartwatches"),
    "pixel buds": ("Google", "headphones"),
}

#: title words after the brand that are model/marketing terms or everyday English, not lines
#: ("Apple Sport Band", "Amazfit Balance": "a good balance of price and camera")
_GENERIC_WORDS = frozenset("""
    the and for with new pro max mini plus ultra lite air neo one series edition gen generation
    model classic original premium standard basic basics essential essentials smart sport sports
    home studio super power extreme total tough universal fixed connect streaming magnetic compact
    dual nano tab pad book box kit pack set bundle inch active elite everyday live fit solo sense
    balance charge flip move tune swift versa instinct inspire edge
""".split())
#: a line's category must cover this share of its items, else the line implies the brand only
_LINE_CATEGORY_SHARE = 0.8
_WORD_RX = re.compile(r"[a-z]+")


def _singular_plural(name: str) -> Tuple[str, ...]:
    """The other number of a category name: accessories/accessory, watches/watch, tvs/tv."""
    if name.endswith("ies"):
        other = name[:-3] + "y"
    elif name.endswith(("ches", "shes", "sses", "xes")):
        other = name[:-2]
    elif name.endswith("s"):
        other = name[:-1]
    elif name.endswith("y") and name[-2:-1] not in "aeiou":
        other = name[:-1] + "ies"
    else:
        other = name + "s"
    return (other,) if other != name else ()


def build_vocabulary(items: Iterable[Item]) -> Vocabulary:
    """Vocabulary for a catalog: its own names, the known aliases for them, its product lines."""
    items = list(items)
    categories: Dict[str, set] = {}
    features: Dict[str, set] = {}
    brands = set()
    for item in items:
        categories.setdefault(item.category, set())
        brands.add(item.brand)
        for tag in item.features:
            features.setdefault(tag, set())
    for name, aliases in categories.items():
        aliases.update(_singular_plural(name))
        aliases.update(CATEGORY_ALIASES.get(name, ()))
    for name, aliases in features.items():
        aliases.update(FEATURE_ALIASES.get(name, ()))
        aliases.discard(name)
    vocab = Vocabulary(
        categories={k: tuple(sorted(v - {k})) for k, v in sorted(categories.items())},
        features={k: tuple(sorted(v - {k})) for k, v in sorted(features.items())},
        brands=sorted(brands),
    )
    vocab.product_lines = product_lines(items, vocab)
    return vocab


def _line_word(item: Item) -> Optional[str]:
    """The word after the brand in "<Brand> <Line> ..." titles ("Apple iPhone 15" -> iphone)."""
    title, brand = item.title.strip(), item.brand.strip()
    if not brand or not title.lower().startswith(brand.lower()):
        return None
    rest = title[len(brand):]
    if not rest[:1].isspace():
        return None  # "Applesauce" does not start with the brand "Apple"
    word = rest.split()[0].rstrip("+").lower()  # "Motorola Razr+ (2024)" -> razr
    return word if len(word) >= 3 and word.isalpha() else None


def _taken_words(vocab: Vocabulary) -> set:
    """Words that already mean something (category, feature, brand) or are generic: never lines."""
    tables = (CATEGORY_ALIASES, FEATURE_ALIASES, vocab.categories, vocab.features)
    phrases = [p for table in tables for name, aliases in table.items() for p in (name, *aliases)]
    return {w for p in phrases + list(vocab.brands) for w in _WORD_RX.findall(p.lower())} | _GENERIC_WORDS


def product_lines(items: Iterable[Item], vocab: Vocabulary) -> Dict[str, Tuple[str, Optional[str]]]:
    """Product lines named by the catalog's own titles, plus the curated multi-word ones.

    A line must belong to one brand and name at least two items (one title is just a model);
    it implies a category only when most of its items are in it (Samsung "Galaxy" spans
    phones, tablets and watches, so it implies the brand only).
    """
    taken = _taken_words(vocab)
    uses: Dict[str, List[Item]] = defaultdict(list)
    for item in items:
        word = _line_word(item)
        if word and word not in taken:
            uses[word].append(item)
    lines: Dict[str, Tuple[str, Optional[str]]] = {}
    for word, used in sorted(uses.items()):
        if len(used) < 2 or len({i.brand for i in used}) > 1:
            continue
        category, count = Counter(i.category for i in used).most_common(1)[0]
        share_ok = count >= _LINE_CATEGORY_SHARE * len(used)
        lines[word] = (used[0].brand, category if share_ok else None)
    brands = {b.lower(): b for b in vocab.brands}
    for phrase, (brand, category) in CURATED_LINES.items():
        if brand.lower() in brands and category in vocab.categories:
            lines[phrase] = (brands[brand.lower()], category)
    return dict(sorted(lines.items()))
