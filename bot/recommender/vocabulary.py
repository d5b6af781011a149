"""Canonical category and feature names plus the phrases shoppers use for them.

The catalog's own categories, brands and feature tags are the source of truth; the everyday
phrasing ("phone", "great camera", "long battery") comes from the shop's own vocabulary file
(``recommender.shop``; the demo's is ``demo/shop/vocabulary.yml``), never from this module.
Product lines ("iPhone", "ThinkPad") are learnt from the catalog's titles: shoppers name those
instead of brand + category.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from .catalog import Item

@dataclass
class Vocabulary:
    """What the assistant can recognise for one catalog."""

    categories: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    features: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    brands: List[str] = field(default_factory=list)
    #: product line -> (brand, category or None when the line spans categories)
    product_lines: Dict[str, Tuple[str, Optional[str]]] = field(default_factory=dict)
    #: brand and line names that are also everyday words ("On", "Nothing", "Fire"): read as the shop's
    #: thing only with a capital, and not from a capital at a sentence start alone
    everyday_words: Tuple[str, ...] = ()


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


def build_vocabulary(items: Iterable[Item], words: Optional[Mapping[str, Any]] = None) -> Vocabulary:
    """Vocabulary for a catalog: its own names, the shop's other names for them (``words``: a checked
    vocabulary document, see ``recommender.shop``), and its product lines."""
    from .shop import vocabulary_words

    category_aliases, feature_aliases, curated_lines = vocabulary_words(words)
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
        aliases.update(category_aliases.get(name, ()))
    for name, aliases in features.items():
        aliases.update(feature_aliases.get(name, ()))
        aliases.discard(name)
    vocab = Vocabulary(
        categories={k: tuple(sorted(v - {k})) for k, v in sorted(categories.items())},
        features={k: tuple(sorted(v - {k})) for k, v in sorted(features.items())},
        brands=sorted(brands),
    )
    vocab.product_lines = product_lines(items, vocab, curated_lines)
    vocab.everyday_words = everyday_words(items, vocab, (words or {}).get("everyday_words") or ())
    return vocab


#: lower-case uses in the catalog's own texts that make a brand or line name an everyday word there
_EVERYDAY_USES = 2


def everyday_words(items: List[Item], vocab: Vocabulary, declared: Iterable[str] = ()) -> Tuple[str, ...]:
    """Brand and line names that are everyday words in this shop: those the shop declares
    (``everyday_words`` in its vocabulary file), function words of the language, and those its own
    texts use in lower case ("runs *on* a single charge" while "On" is a brand)."""
    from .understanding.words import STOPWORDS

    names = {b.lower() for b in vocab.brands} | {b.split()[0].lower() for b in vocab.brands if b.split()} \
        | set(vocab.product_lines)
    uses: Counter = Counter()
    for item in items:
        for word in re.findall(r"(?<![A-Za-z])[a-z][a-z']*", f"{item.title} {item.description}"):
            if word in names:
                uses[word] += 1
    found = {n for n in names if n in STOPWORDS or uses[n] >= _EVERYDAY_USES}
    found |= {str(w).lower() for w in declared}
    return tuple(sorted(found))


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
    tables = (vocab.categories, vocab.features)
    phrases = [p for table in tables for name, aliases in table.items() for p in (name, *aliases)]
    return {w for p in phrases + list(vocab.brands) for w in _WORD_RX.findall(p.lower())} | _GENERIC_WORDS


def product_lines(items: Iterable[Item], vocab: Vocabulary,
                  curated: Optional[Mapping[str, Tuple[str, Optional[str]]]] = None) -> Dict[str, Tuple[str, Optional[str]]]:
    """Product lines named by the catalog's own titles, plus the shop's multi-word ones (``curated``).

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
    for phrase, (brand, category) in (curated or {}).items():
        if brand.lower() in brands and (category is None or category in vocab.categories):
            lines[phrase] = (brands[brand.lower()], category)
    return dict(sorted(lines.items()))
