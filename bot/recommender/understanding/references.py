"""Which of the products on screen does the shopper mean? ("the second one", "the Pixel").

Two kinds of reference: positional ("first", "#2", "option 3", "the last one", "second to
last") and by name (a word of the title that only one shown product has: "the XPS one",
"the sony" when one Sony is shown). "The cheapest one" is a ranking question, not a
reference, and is left to the caller.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .budget import parse_budget

_ORDINAL_WORDS: Dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}
_CARDINAL_WORDS: Dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}
_ORDINAL_WORD = "|".join(_ORDINAL_WORDS)
_CARDINAL_WORD = "|".join(_CARDINAL_WORDS)

#: "first", "2nd", "the third one"
_ORDINAL_RX = re.compile(
    rf"\b(?:(?P<word>{_ORDINAL_WORD})|(?P<num>\d{{1,2}})(?:st|nd|rd|th))\b", re.I)
#: "#2", "number 3", "no. 2", "option two", "item 4": a label then a count
_LABELLED_RX = re.compile(
    rf"(?:\#\s*|\b(?:number|num|nr|no\.?|option|item|choice|result|product|pick|suggestion|"
    rf"recommendation|listing|entry)\s*\#?\s*)(?P<n>\d{{1,2}}|{_CARDINAL_WORD})\b(?![.,]\d)",
    re.I,
)
#: "second to last", "next to last", "penultimate", "last but one"
_PENULTIMATE_RX = re.compile(
    r"\b(?:(?:second|next)(?:\s+|-)(?:to(?:\s+|-))?(?:the\s+)?last|penultimate|"
    r"last\s+but\s+one)\b", re.I)
_LAST_RX = re.compile(r"\b(?:last|final|bottom|latter)\b", re.I)
_TOP_RX = re.compile(
    r"\b(?:top|former)\b(?=\s+(?:one|option|pick|result|choice|item|suggestion)\b|\s*$)", re.I)
_MIDDLE_RX = re.compile(r"\bmiddle\b", re.I)
#: a message that is just a position: "2", "#3", "the 2nd", "3 please"
_BARE_POSITION_RX = re.compile(
    rf"^\W*(?:the\s+|number\s+|option\s+|#\s*)?(?P<n>\d{{1,2}}|{_CARDINAL_WORD})"
    rf"\W*(?:please|pls)?\W*$", re.I)

#: words right before an ordinal that make it something else ("my first phone", "a second")
_NOT_REFERENCE_BEFORE = frozenset(
    "my his her our their its at a one just will 'll to does do should would can could it "
    "that's must might which won't gonna battery".split()
)
#: words right after an ordinal that make it something else ("first time", "last year")
_NOT_REFERENCE_AFTER = frozenset(
    """time times of thing things off place hand half gen generation impression foremost rate class
    grade opinion thought thoughts guess look glance day days week weeks year years month
    months night long longer all through forever minute minutes hour hours me you us a an
    several for hand-me-down timer person""".split()
)
_FOREMOST_RX = re.compile(r"\s+and\s+foremost\b", re.I)
#: a reference in scope of these is being rejected ("not the first one")
_NEGATION_BEFORE_RX = re.compile(
    r"\b(?:not|no|except|without|than|instead\s+of|but\s+not|other\s+than|besides)\s+"
    r"(?:\w+\s+){0,2}$", re.I)
_DETERMINER_BEFORE_RX = re.compile(r"\b(?:the|that|this|those|these)\s+(?:\S+\s+)?$", re.I)

#: words that never identify a product on their own
_STOPWORDS = frozenset(
    """the a an one ones that this those these it i i'd i'll i'm im id ill me my you your we want
    wanna like love liked take get buy order show tell more about info information details detail
    please with and or of for to in on at is are was were what which how much does do did have
    has go going pick choose choice option item number product model one's ok okay yes yeah yep
    sure thanks thank let's lets let think guess prefer instead rather than not no but also just
    really good great best better nice cool looks look sounds seems compare vs versus between
    price cost cheap cheaper cheapest expensive new all any some other another same here there
    now then can could would will should be been am its it's that's hmm well so actually maybe
    perhaps top bottom middle last first second third fourth fifth sixth seventh eighth ninth
    tenth most least over under see check out go ahead why who when where if by from up down
    than as too very much many something anything thing stuff again did dont don't do want
    one's s""".split()
)
#: words a title shares with its kind of product: they only count after "the/that/this"
_GENERIC_WORDS = frozenset(
    """phone phones smartphone laptop laptops notebook tablet tablets headphones headphone earbuds
    buds watch smartwatch camera cameras tv television speaker speakers monitor display screen
    charger case cable pro max plus ultra mini air lite edition gen generation series inch
    wireless bluetooth smart noise cancelling cancellation black white silver gray grey blue
    gb tb mm with and for in of""".split()
)

#: words that name a variant of a base model ("S24" vs "S24 Ultra")
_VARIANT_WORDS = frozenset(
    "pro max plus ultra mini lite fe se xl air neo edge fold flip classic sport".split())

_TOKEN_RX = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.I)


def _stem(token: str) -> str:
    """Crude plural folding so "the pixels" finds "Pixel"; short tokens ("xps") are left alone."""
    if len(token) >= 5 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _tokens(text: str) -> List[Tuple[str, int]]:
    """Lower-case tokens with their offsets; "wh-1000xm5" also yields "wh", "1000xm5", "xm5"..."""
    out: List[Tuple[str, int]] = []
    for m in _TOKEN_RX.finditer(text):
        word = m.group().lower()
        forms: Set[str] = {word.replace("-", "")}
        forms.update(word.split("-"))
        for part in list(forms):
            if len(part) >= 5 and re.search(r"\d", part) and re.search(r"[a-z]", part):
                forms.update(c for c in re.findall(r"[a-z]+\d*|\d+", part) if len(c) >= 3)
        out.extend((_stem(f), m.start()) for f in forms if f)
    return out


def _index_from_count(count: int, shown: int) -> Optional[int]:
    return count - 1 if 1 <= count <= shown else None


def _count_value(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else _CARDINAL_WORDS[text]


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION_BEFORE_RX.search(text[max(0, start - 40):start]))


def _word_before(text: str, start: int) -> str:
    words = re.findall(r"[\w']+", text[:start].lower())
    return words[-1] if words else ""


def _word_after(text: str, end: int) -> str:
    m = re.match(r"[\s-]*([\w']+)", text[end:])
    return m.group(1).lower() if m else ""


def _is_positional(text: str, start: int, end: int) -> bool:
    """An ordinal-looking word that is not a time phrase ("first time", "last year", "a second")."""
    return (_word_before(text, start) not in _NOT_REFERENCE_BEFORE
            and _word_after(text, end) not in _NOT_REFERENCE_AFTER
            and not _FOREMOST_RX.match(text, end)
            and not _negated(text, start))


def _narrowed(text: str, end: int, titles: Sequence[str], count: int) -> List[int]:
    """Indices an ordinal counts over: "the second Samsung" counts among the Samsungs only.

    Falls back to the whole list when the word after the ordinal names no title or when too
    few titles carry it ("the second laptop" when only one title says "Laptop").
    """
    everything = list(range(len(titles)))
    word = _stem(_word_after(text, end))
    if not word or word in _STOPWORDS:
        return everything
    subset = [i for i, title in enumerate(titles) if word in {t for t, _ in _tokens(title)}]
    return subset if count <= len(subset) < len(titles) else everything


def _positional_reference(text: str, titles: Sequence[str]) -> Tuple[bool, Optional[int]]:
    """(found, index): found is True when the text names a position, even one out of range."""
    shown = len(titles)
    hits: List[Tuple[int, Optional[int]]] = []
    for m in _PENULTIMATE_RX.finditer(text):
        if not _negated(text, m.start()):
            hits.append((m.start(), shown - 2 if shown >= 2 else None))
    covered = [(m.start(), m.end()) for m in _PENULTIMATE_RX.finditer(text)]

    def free(m: re.Match) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in covered)

    for m in _LABELLED_RX.finditer(text):
        if free(m) and not _negated(text, m.start()):
            hits.append((m.start(), _index_from_count(_count_value(m.group("n")), shown)))
            covered.append((m.start(), m.end()))
    for m in _ORDINAL_RX.finditer(text):
        if free(m) and _is_positional(text, m.start(), m.end()):
            word = m.group("word")
            count = _ORDINAL_WORDS[word.lower()] if word else int(m.group("num"))
            pool = _narrowed(text, m.end(), titles, count)
            index = _index_from_count(count, len(pool))
            hits.append((m.start(), None if index is None else pool[index]))
    for m in _LAST_RX.finditer(text):
        if free(m) and _is_positional(text, m.start(), m.end()):
            hits.append((m.start(), _narrowed(text, m.end(), titles, 1)[-1] if shown else None))
    for m in _TOP_RX.finditer(text):
        if free(m) and not _negated(text, m.start()):
            hits.append((m.start(), 0 if shown else None))
    for m in _MIDDLE_RX.finditer(text):
        if free(m) and not _negated(text, m.start()):
            hits.append((m.start(), shown // 2 if shown % 2 == 1 else None))
    bare = _BARE_POSITION_RX.match(text)
    if bare and not hits:
        hits.append((0, _index_from_count(_count_value(bare.group("n")), shown)))
    if not hits:
        return False, None
    return True, min(hits, key=lambda h: h[0])[1]


def _title_reference(text: str, titles: Sequence[str]) -> Optional[int]:
    """The one shown title that the text names by a distinctive word, if exactly one fits."""
    budget = parse_budget(text)
    if budget is not None:
        text = text.replace(budget.phrase, " " * len(budget.phrase))
    title_tokens = [{t for t, _ in _tokens(title)} for title in titles]
    hits: Dict[int, Set[str]] = {}
    for token, start in _tokens(text):
        if token in _STOPWORDS or (len(token) < 2 and not token.isdigit()) or _negated(text, start):
            continue
        holders = [i for i, toks in enumerate(title_tokens) if token in toks]
        weak = token in _GENERIC_WORDS or token.isdigit()
        if not holders or (weak and not _DETERMINER_BEFORE_RX.search(text[:start])):
            continue
        for i in holders:
            hits.setdefault(i, set()).add(token)
    if not hits:
        return None
    best = max(len(v) for v in hits.values())
    leaders = [i for i, v in hits.items() if len(v) == best]
    if len(leaders) == 1:
        return leaders[0]
    return _base_model(leaders, hits, title_tokens)


def _base_model(leaders: List[int], hits: Dict[int, Set[str]],
                title_tokens: List[Set[str]]) -> Optional[int]:
    """Several titles contain every word said: "the galaxy s24" means the S24, not the S24 Ultra.

    Only when a model was named (a number or two words; "the samsung" stays ambiguous) and the
    other titles differ just by variant words.
    """
    said = hits[leaders[0]]
    if len(said) < 2 and not any(ch.isdigit() for t in said for ch in t):
        return None
    unsaid = {i: title_tokens[i] - hits[i] for i in leaders}
    for i in leaders:
        others = [o for o in leaders if o != i]
        if all(unsaid[i] < unsaid[o] and (unsaid[o] - unsaid[i]) <= _VARIANT_WORDS for o in others):
            return i
    return None


def parse_item_reference(text: str, shown_titles: Sequence[str]) -> Optional[int]:
    """0-based index into ``shown_titles`` the shopper refers to, or None.

    Positions win over names; a position outside the list gives None (not a name guess).
    """
    if not text or not shown_titles:
        return None
    found, index = _positional_reference(text, list(shown_titles))
    if found:
        return index
    return _title_reference(text, list(shown_titles))


__all__: Iterable[str] = ("parse_item_reference",)
