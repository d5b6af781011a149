"""Which items on screen a message is about, when it may be several or none by position.

``references.parse_item_reference`` finds the one item meant ("the second one", "the Pixel").
Comparisons, questions and feedback also need several at once ("compare the first two",
"1 vs 3", "not the first or the second", "the Sony or the Bose") and items picked by an
attribute ("the cheapest one", "the most expensive"). Rejections are still references here:
"not a fan of the first" is about the first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from ..catalog import Item
from .budget import parse_budget
from .references import (
    _BARE_POSITION_RX,
    _CARDINAL_WORDS,
    _LABELLED_RX,
    _LAST_RX,
    _NOT_REFERENCE_AFTER,
    _NOT_REFERENCE_BEFORE,
    _ORDINAL_RX,
    _ORDINAL_WORDS,
    _PENULTIMATE_RX,
    _TOP_RX,
    _title_reference,
    _word_after,
    _word_before,
)

_COUNT = r"(?P<count>two|three|four|five|2|3|4|5)"
#: "the first two", "top 3", "the last two"
_FIRST_N_RX = re.compile(rf"\b(?:first|top|1st)\s+{_COUNT}\b", re.I)
_LAST_N_RX = re.compile(rf"\b(?:last|bottom|final)\s+{_COUNT}\b", re.I)
#: "both", "the two of them", "either one", "these two"
_BOTH_RX = re.compile(r"\b(?:both|either|neither|the\s+two|these\s+two|those\s+two|them\s+two)\b", re.I)
_ALL_RX = re.compile(r"\b(?:all\s+(?:of\s+)?(?:them|these|those|three|four|five)|(?:any|none|neither)\s+of\s+"
                     r"(?:them|these|those|the\s+above|this\s+lot)|every\s+one\s+of\s+(?:them|these|those))\b", re.I)
#: numbers that stand for positions in a comparison: "1 vs 3", "2 or 3", "compare 1 and 4"
_NUMBER_LIST_RX = re.compile(r"(?<![\w$£€.,])(?P<n>[1-9])(?![\w.,%]|\s*(?:gb|tb|k\b|dollars|bucks|usd))", re.I)
_COMPARISON_CONTEXT_RX = re.compile(r"\b(?:vs\.?|versus|compare[ds]?|comparing|or|and|between|against|than)\b", re.I)
#: words for the extremes of a field
_CHEAPEST_RX = re.compile(
    r"\b(?:cheapest|least\s+expensive|lowest[\s-]priced?|lowest\s+price|most\s+affordable|"
    r"(?:most\s+)?budget[\s-]friendly|less\s+expensive|cheaper\s+one)\b", re.I)
_DEAREST_RX = re.compile(
    r"\b(?:most\s+expensive|priciest|dearest|highest[\s-]priced?|highest\s+price|most\s+premium|"
    r"more\s+expensive\s+one|pricier\s+one)\b", re.I)
_SEPARATORS_RX = re.compile(r"\s*(?:\bvs\.?|\bversus\b|\bor\b|\band\b|,|/|\bcompared\s+(?:to|with)\b|"
                            r"\bagainst\b|\bthan\b|\bbetween\b|\bcompare\b)\s*", re.I)


@dataclass(frozen=True)
class Selection:
    """Positions (0-based, in list order of mention) and how they were picked."""

    positions: List[int]
    by: str = "position"  # position | name | cheapest | dearest | both | all


def _positions_by_ordinal(text: str, count: int) -> List[tuple]:
    """(offset, index) for every ordinal or labelled position, negated or not."""
    hits = []
    covered = []
    for m in _PENULTIMATE_RX.finditer(text):
        if count >= 2:
            hits.append((m.start(), count - 2))
        covered.append(m.span())

    def free(m: re.Match) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in covered)

    for m in _LABELLED_RX.finditer(text):
        if free(m):
            raw = m.group("n").lower()
            n = int(raw) if raw.isdigit() else _CARDINAL_WORDS[raw]
            if 1 <= n <= count:
                hits.append((m.start(), n - 1))
            covered.append(m.span())
    for m in _ORDINAL_RX.finditer(text):
        if not free(m):
            continue
        if _word_before(text, m.start()) in _NOT_REFERENCE_BEFORE - {"not"}:
            continue
        if _word_after(text, m.end()) in _NOT_REFERENCE_AFTER:
            continue
        word = m.group("word")
        n = _ORDINAL_WORDS[word.lower()] if word else int(m.group("num"))
        if 1 <= n <= count:
            hits.append((m.start(), n - 1))
        covered.append(m.span())
    for m in _LAST_RX.finditer(text):
        if free(m) and _word_after(text, m.end()) not in _NOT_REFERENCE_AFTER and count \
                and _word_before(text, m.start()) not in _POSSESSIVES:  # "my last one broke": the shopper's
            hits.append((m.start(), count - 1))
    for m in _TOP_RX.finditer(text):
        if free(m) and count:
            hits.append((m.start(), 0))
    return hits


def _bare_numbers(text: str, count: int) -> List[tuple]:
    """"1 vs 3", "2 or 3": small numbers count as positions only in a comparison-like message."""
    if not _COMPARISON_CONTEXT_RX.search(text) or parse_budget(text) is not None:
        return []
    hits = []
    for m in _NUMBER_LIST_RX.finditer(text):
        n = int(m.group("n"))
        if 1 <= n <= count:
            hits.append((m.start(), n - 1))
    return hits if len(hits) >= 2 else []


def _names(text: str, titles: Sequence[str]) -> List[tuple]:
    """Each part between "vs" / "or" / "and" that names one shown title ("the Sony or the Bose")."""
    hits = []
    offset = 0
    for part in _SEPARATORS_RX.split(text):
        at = text.find(part, offset)
        offset = max(offset, at)
        if not part.strip():
            continue
        index = _title_reference(part, list(titles))
        if index is not None:
            hits.append((at, at + len(part), index))
    return hits


def _unique(indices: Sequence[int]) -> List[int]:
    out: List[int] = []
    for i in indices:
        if i not in out:
            out.append(i)
    return out


def select_items(text: str, shown: Sequence[Item]) -> Optional[Selection]:
    """Which of ``shown`` the message is about, or None when it names none of them."""
    count = len(shown)
    if not text or not count:
        return None
    if _CHEAPEST_RX.search(text):
        return Selection([min(range(count), key=lambda i: (shown[i].price, i))], "cheapest")
    if _DEAREST_RX.search(text):
        return Selection([max(range(count), key=lambda i: (shown[i].price, -i))], "dearest")
    m = _placed(_FIRST_N_RX, text)
    if m:
        n = _count(m.group("count"))
        return Selection(list(range(min(n, count))), "position")
    m = _placed(_LAST_N_RX, text)
    if m:
        n = _count(m.group("count"))
        return Selection(list(range(max(0, count - n), count)), "position")
    hits = _positions_by_ordinal(text, count) + _bare_numbers(text, count)
    taken = {at for at, _ in hits}
    # in the same part as "the second one", a title word is what is asked about ("is the second one
    # organic?"), not another item; a part of its own names one ("the second and the Sony")
    hits += [(at, i) for at, end, i in _names(text, [s.title for s in shown])
             if at not in taken and not any(at <= t < end for t in taken)]
    if hits:
        return Selection(_unique([i for _, i in sorted(hits)]), "position")
    bare = _BARE_POSITION_RX.match(text)
    if bare:
        raw = bare.group("n").lower()
        n = int(raw) if raw.isdigit() else _CARDINAL_WORDS[raw]
        if 1 <= n <= count:
            return Selection([n - 1], "position")
    if _ALL_RX.search(text):
        return Selection(list(range(count)), "all")
    if _BOTH_RX.search(text) and count >= 2:
        return Selection([0, 1], "both")
    return None


def mentions_position(text: str, count: int) -> bool:
    """Whether the message points at items by place ("the second", "#3", "the last one"), not by name."""
    return bool(_positions_by_ordinal(text or "", count) or _bare_numbers(text or "", count)
                or _placed(_FIRST_N_RX, text or "") or _placed(_LAST_N_RX, text or ""))


#: "my last one", "her first one": the shopper's own things, not items on screen
_POSSESSIVES = frozenset("my his her our their your".split())


def _placed(rx: re.Pattern, text: str) -> Optional[re.Match]:
    """"the last one", not "my last one" (the shopper's own, not an item on screen)."""
    for m in rx.finditer(text):
        if _word_before(text, m.start()) not in _NOT_REFERENCE_BEFORE - {"not", "one", "a", "at", "to"}:
            return m
    return None


def _count(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _CARDINAL_WORDS[word]


def asks_for_extreme(text: str) -> Optional[str]:
    """"cheapest" / "dearest" when the message picks by price, else None."""
    if _CHEAPEST_RX.search(text or ""):
        return "cheapest"
    if _DEAREST_RX.search(text or ""):
        return "dearest"
    return None


def _catalog_tokens(catalog: Sequence[Item]):
    from .references import _tokens

    key = id(catalog), len(catalog)
    cached = _TOKEN_CACHE.get(key)
    if cached is None:
        cached = [{t for t, _ in _tokens(item.title)} for item in catalog]
        _TOKEN_CACHE.clear()
        _TOKEN_CACHE[key] = cached
    return cached


_TOKEN_CACHE: dict = {}
#: colour words do not make a title another model
_COLOUR_WORDS = frozenset("black white silver grey gray blue red green pink purple gold yellow orange beige cream "
                          "graphite titanium midnight starlight lavender rose bronze navy olive teal mint coral "
                          "violet brown obsidian charcoal natural".split())


#: a single title word names a model ("a MacBook Air") when only this few titles carry it
_RARE_LINE_TITLES = 40


def _rare_line_word(word: str, catalog: Sequence[Item], titles) -> bool:
    """A product-line word of few titles that is not their brand ("macbook", not "sony")."""
    holders = [item for item, tokens in zip(catalog, titles) if word in tokens]
    return 0 < len(holders) <= _RARE_LINE_TITLES and all(word != item.brand.lower() for item in holders)


def find_named_items(text: str, catalog: Sequence[Item]) -> List[Item]:
    """Models named anywhere in the catalog ("Pixel 8a vs iPhone 15"), one per named part.

    A part counts only when it carries a model-like word (letters with digits, or two title
    words) and every word of it that appears in titles is in the chosen title; among the
    titles that fit, the one with the fewest extra words (the base model) wins.
    """
    from .references import _GENERIC_WORDS, _STOPWORDS, _tokens

    if not text or not catalog:
        return []
    titles = _catalog_tokens(catalog)
    known = set().union(*titles)
    found: List[Item] = []
    for part in _SEPARATORS_RX.split(text):
        words = [t for t, _ in _tokens(part) if t not in _STOPWORDS and (len(t) >= 2 or t.isdigit()) and t in known]
        if not words:
            continue
        modelish = [w for w in words if re.search(r"\d", w) and re.search(r"[a-z]", w) or w.isdigit()]
        distinctive = [w for w in words if w not in _GENERIC_WORDS]
        if not distinctive:
            continue
        if not modelish and len(distinctive) < 2 and not _rare_line_word(distinctive[0], catalog, titles):
            continue
        best, best_key = None, None
        for item, tokens in zip(catalog, titles):
            hits = [w for w in words if w in tokens]
            if len(hits) < len(distinctive) or not all(w in tokens for w in distinctive):
                continue
            accessory_for = bool(re.search(r"\b(?:for|compatible with)\b", item.title, re.I))
            extra = sum(1 for t in tokens if t not in hits and t.isalpha() and len(t) >= 3 and t not in _COLOUR_WORDS)
            key = (-len(hits), accessory_for, not item.in_stock, extra, item.price)
            if best_key is None or key < best_key:
                best, best_key = item, key
        if best is not None and best not in found:
            found.append(best)
    return found
