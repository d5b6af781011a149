"""Sub-kinds inside a category ("earbuds", "over-ear", "mirrorless", "Android"), learnt from item texts.

A shop's vocabulary knows categories and feature tags, but shoppers also name *kinds* of product
that no tag records: earbuds rather than over-ear headphones, a mirrorless camera, an Android phone.
Such a kind shows up in the data as a term that the titles/descriptions of a proper subset of the
category's items use. So for each category we index the terms that appear in between
``MIN_SHARE`` and ``MAX_SHARE`` of its items (a term on almost every item is the category itself,
one on a single item is a model name), leaving out what is already something else: category
names and their plain synonyms, brands, product lines, feature words, colours, numbers and
function words. A shopper's word (or a two/three-word phrase) matches a term as written, by a
light stem ("earbud" = "earbuds", "over ear" = "over-ear"), or, when an encoder is given, by a
close embedding with a clear margin ("earphones" ~ "earbuds"). A kind is a hard filter, so the
embedding bar is high: a wrong kind hides good items.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import numpy as np

from ..catalog import Item
from ..vocabulary import Vocabulary
from .words import (
    BRAND,
    COLOURS,
    FEATURE,
    GENERIC_NOUNS,
    LINKING_VERBS,
    STOPWORDS,
    UNITS_AND_NUMBERS,
    Word,
    brand_forms,
    has_digit,
    normalise,
    phrase_table,
    stem,
    words,
)

#: a kind covers at least this share of its category (and at least MIN_ITEMS items) ...
MIN_SHARE, MIN_ITEMS = 0.03, 2
#: ... and at most this share (more is the category itself)
MAX_SHARE = 0.85
#: cosine a shopper's word needs to a kind term to stand for it, and its lead over the next term
#: (word-level embeddings are loose: "in-ear" sits closer to "on-ear" than to "earbuds")
EMBED_SIMILARITY, EMBED_MARGIN = 0.78, 0.08
#: the longest shopper phrase tried against the terms, in words
MAX_PHRASE_WORDS = 3


@dataclass(frozen=True)
class KindReading:
    """A sub-kind the shopper named: a hard filter to ``item_ids`` within ``category``."""

    phrase: str  # the shopper's word(s), as written ("earbuds", "android", "over-ear")
    label: str  # how to say the sub-kind ("earbuds", "Android", "over-ear")
    category: str
    item_ids: FrozenSet[str]


@dataclass
class _Term:
    key: str
    label: str
    item_ids: FrozenSet[str]


#: other names shoppers use for common product sub-kinds (general retail English, not one catalog's
#: words): applied only when the catalog has the kind they name, so they never invent a filter.
#: Word embeddings are weakest exactly here ("in-ear" sits closer to "on-ear" than to "earbuds").
KIND_ALIASES = {
    "in ear": "earbuds", "in ears": "earbuds", "earphones": "earbuds", "ear buds": "earbuds", "iem": "earbuds",
    "over the ear": "over-ear", "around ear": "over-ear", "around the ear": "over-ear", "full size": "over-ear",
    "on the ear": "on-ear",
    "point and shoot": "compact", "pocket camera": "compact",
    "two in one": "2-in-1", "2 in 1": "2-in-1", "convertible": "2-in-1",
}


def term_key(text: str) -> str:
    """Matching form of a term or shopper phrase: lower case, hyphens as spaces, each word stemmed."""
    return " ".join(stem(w) for w in normalise(text).split(" ") if w)


def _restates(word: str, category: str) -> bool:
    """Whether ``word`` just names the category: "phone"/"smartphone" for smartphones, "tv" for tvs."""
    name = normalise(category).replace(" ", "")
    ws = stem(word)
    return len(ws) >= 2 and (ws in name or ws in stem(name))


class KindIndex:
    """The sub-kind terms of every category of one catalog."""

    def __init__(self, items: Sequence[Item], vocab: Vocabulary, encoder=None) -> None:
        self._encoder = encoder
        self._vocab = vocab
        self._excluded_by_category = {c: self._excluded_words(vocab, c) for c in vocab.categories}
        self._terms: Dict[str, Dict[str, _Term]] = {}
        self._compact: Dict[str, Dict[str, str]] = {}
        self._term_vectors: Dict[str, Tuple[List[str], Optional[np.ndarray]]] = {}
        by_category: Dict[str, List[Item]] = defaultdict(list)
        for item in items:
            by_category[item.category].append(item)
        variants = variant_words(items)
        for category, members in by_category.items():
            excluded = self._excluded_by_category.get(category) or self._excluded_words(vocab, category)
            self._excluded_by_category[category] = excluded
            terms = _category_terms(members, excluded | variants)
            self._terms[category] = terms
            self._compact[category] = {k.replace(" ", ""): k for k in terms}
        if encoder is not None:
            self._encode_terms()

    def _encode_terms(self) -> None:
        """All categories' term vectors in one batch, so reading a message never waits for them."""
        keys = [(c, k) for c in sorted(self._terms) for k in sorted(self._terms[c])]
        if not keys:
            return
        vectors = np.asarray(self._encoder.encode([self._terms[c][k].label.lower() for c, k in keys]))
        for category in self._terms:
            rows = [n for n, (c, _) in enumerate(keys) if c == category]
            self._term_vectors[category] = ([keys[n][1] for n in rows], vectors[rows] if rows else None)

    # ------------------------------------------------------------------ exclusions

    @staticmethod
    def _excluded_words(vocab: Vocabulary, category: str) -> FrozenSet[str]:
        """Stemmed words that can never be a kind of ``category``.

        Every word of a feature phrase, a brand or a product line, and of every other category's
        names; of this category's own names only the words that restate the category ("phone" in
        "mobile phone" for smartphones, "tv" in "smart tv" for tvs) are left out, so aliases that
        name a part of it ("earbuds", "mirrorless", "action camera") can still be kinds.
        """
        out: Set[str] = set(STOPWORDS) | COLOURS | GENERIC_NOUNS | UNITS_AND_NUMBERS | LINKING_VERBS
        for name, aliases in vocab.features.items():
            for phrase in (name, *aliases):
                out.add(term_key(phrase))  # the whole phrase: a compound "noise-cancelling" is no kind
                if "-" not in phrase:  # "battery life": "battery" is the feature too; "non-stick": "stick" is not
                    out.update(normalise(phrase).split(" "))
        for brand in vocab.brands:
            for form in brand_forms(brand):
                out.update(form.split(" "))
        for line in vocab.product_lines:
            out.update(normalise(line).split(" "))
        for name, aliases in vocab.categories.items():
            for phrase in (name, *aliases):
                for word in normalise(phrase).split(" "):
                    if name != category or _restates(word, category):
                        out.add(word)
                if name != category:
                    out.add(term_key(phrase))
        return frozenset(out | {stem(w) for w in out})

    # ------------------------------------------------------------------ reading

    def terms(self, category: str) -> Dict[str, Tuple[str, FrozenSet[str]]]:
        """key -> (label, item ids) of the category's kind terms (for inspection and tests)."""
        return {k: (t.label, t.item_ids) for k, t in self._terms.get(category, {}).items()}

    def read(self, text: str, category: str, skip: Sequence[Tuple[int, int]] = ()) -> List[KindReading]:
        """Kinds of ``category`` the shopper names in ``text`` (``skip``: spans already understood)."""
        terms = self._terms.get(category)
        if not terms:
            return []
        excluded = self._excluded_by_category.get(category, frozenset())
        blocked = list(skip) + self._vocabulary_spans(text)
        ws = [w for w in words(text) if not any(s <= w.start < e for s, e in blocked)]
        found: List[KindReading] = []
        used: Set[int] = set()
        unmatched: List[Word] = []
        for n in range(MAX_PHRASE_WORDS, 0, -1):
            for i in range(len(ws) - n + 1):
                span = ws[i:i + n]
                if any(j in used for j in range(i, i + n)) or not _contiguous(text, span):
                    continue
                key = term_key(" ".join(w.low for w in span))
                key = key if key in terms else self._compact[category].get(key.replace(" ", ""), "")
                if not key:  # "in-ear" for the catalog's "earbuds"
                    alias = KIND_ALIASES.get(normalise(" ".join(w.low for w in span)))
                    key = term_key(alias) if alias and term_key(alias) in terms else ""
                if key:
                    used.update(range(i, i + n))
                    found.append(self._reading(text, span, terms[key], category))
        for i, w in enumerate(ws):
            if i not in used and _candidate_word(w, excluded):
                unmatched.append(w)
        found.extend(self._by_embedding(text, unmatched, category))
        merged: Dict[str, KindReading] = {}
        for reading in found:
            merged.setdefault(reading.label, reading)
        return list(merged.values())

    def candidate_words(self, text: str, category: Optional[str] = None) -> List[str]:
        """The shopper words that ``read`` might compare by embedding (to encode them in advance)."""
        excluded = self._excluded_by_category.get(category or "", frozenset(STOPWORDS))
        blocked = self._vocabulary_spans(text)
        return [w.low for w in words(text)
                if not any(s <= w.start < e for s, e in blocked) and _candidate_word(w, excluded)]

    def _vocabulary_spans(self, text: str) -> List[Tuple[int, int]]:
        """Feature, brand and product-line mentions: never kinds (category words are judged per word)."""
        return [(m.start, m.end) for m in phrase_table(self._vocab).find(text) if m.kind in (FEATURE, BRAND)]

    @staticmethod
    def _reading(text: str, span: Sequence[Word], term: _Term, category: str) -> KindReading:
        return KindReading(text[span[0].start:span[-1].end], term.label, category, term.item_ids)

    def _by_embedding(self, text: str, candidates: Sequence[Word], category: str) -> List[KindReading]:
        if self._encoder is None or not candidates:
            return []
        keys, vectors = self._vectors(category)
        if vectors is None or len(keys) < 2:
            return []
        queries = self._encoder.encode([w.low for w in candidates])
        scores = queries @ vectors.T
        readings = []
        for w, row in zip(candidates, scores):
            order = np.argsort(-row)
            best, second = float(row[order[0]]), float(row[order[1]])
            if best >= EMBED_SIMILARITY and best - second >= EMBED_MARGIN:
                readings.append(self._reading(text, [w], self._terms[category][keys[order[0]]], category))
        return readings

    def _vectors(self, category: str) -> Tuple[List[str], Optional[np.ndarray]]:
        """The category's term keys and their embeddings (rows in the same order)."""
        return self._term_vectors.get(category, ([], None))


# ---------------------------------------------------------------------- building the index

_TITLE_VARIANT_RX = re.compile(r"\s[-–—]\s(.+)$")


def variant_words(items: Sequence[Item]) -> FrozenSet[str]:
    """Words of the " - Colour" suffixes of titles: colour and finish names are variants, not kinds."""
    found: Set[str] = set()
    for item in items:
        m = _TITLE_VARIANT_RX.search(item.title)
        if m:
            found.update(w.low for w in words(m.group(1)))
    return frozenset(found | {stem(w) for w in found})


def _item_terms(item: Item, excluded: FrozenSet[str]) -> Dict[str, str]:
    """key -> surface form of the candidate terms of one item: single words, hyphen compounds, and
    pairs of adjacent usable words ("cast iron", "stainless steel", "Dynamic Island").

    Titles are in Title Case, and so is the first word of a sentence: those surfaces say nothing
    about how the term is written, so they count as lower case; description words keep their case.
    """
    out: Dict[str, str] = {}
    for text, is_title in ((item.title, True), (item.description, False)):
        seen: Set[str] = set()
        ws = words(text)
        surfaces = []
        for w in ws:
            before = text[:w.start].rstrip()
            sentence_start = not before or before.endswith((".", "!", "?", ":"))
            surfaces.append(w.low if is_title or sentence_start else w.text)
        grams = [(term_key(w.low), s) for w, s in zip(ws, surfaces)]
        for (a, b), (sa, sb) in zip(zip(ws, ws[1:]), zip(surfaces, surfaces[1:])):
            ka, kb = term_key(a.low), term_key(b.low)
            if (not text[a.end:b.start].strip() and _usable_term(ka, excluded) and _usable_term(kb, excluded)
                    and " " not in ka + kb):
                grams.append((f"{ka} {kb}", f"{sa} {sb}"))
        for key, surface in grams:
            if key not in seen:
                seen.add(key)
                out[key] = surface  # a description's own spelling wins over the title's
    return out


def _category_terms(members: Sequence[Item], excluded: FrozenSet[str]) -> Dict[str, _Term]:
    n = len(members)
    low, high = max(MIN_ITEMS, math.ceil(MIN_SHARE * n)), math.floor(MAX_SHARE * n)
    holders: Dict[str, Set[str]] = defaultdict(set)
    surfaces: Dict[str, Counter] = defaultdict(Counter)
    for item in members:
        for key, surface in _item_terms(item, excluded).items():
            holders[key].add(item.id)
            surfaces[key][surface] += 1
    terms: Dict[str, _Term] = {}
    for key, ids in holders.items():
        if not low <= len(ids) <= high or not _usable_term(key, excluded):
            continue
        terms[key] = _Term(key, _label(surfaces[key]), frozenset(ids))
    return terms


_ROMAN_RX = re.compile(r"^[ivx]+$")


def _usable_term(key: str, excluded: FrozenSet[str]) -> bool:
    parts = key.split(" ")
    if any(has_digit(p) for p in parts) or len(key.replace(" ", "")) < 3 or _ROMAN_RX.match(key):
        return False
    if len(parts) == 1:
        return key not in excluded
    # a compound ("over-ear", "full-frame") may use any word ("ear" is also a product line) but
    # may not be a vocabulary phrase ("noise-cancelling") nor only filler ("built-in")
    return key not in excluded and any(p not in STOPWORDS and p not in UNITS_AND_NUMBERS for p in parts)


def _label(surfaces: Counter) -> str:
    """The term as the shop writes it: its most common form ("over-ear", "Android", "APS-C")."""
    return surfaces.most_common(1)[0][0]


def _contiguous(text: str, span: Sequence[Word]) -> bool:
    """Words of a phrase must follow each other with only spaces or hyphens between them."""
    return all(not text[a.end:b.start].strip(" -") for a, b in zip(span, span[1:]))


def _candidate_word(word: Word, excluded: FrozenSet[str]) -> bool:
    low = word.low.removesuffix("'s")
    return (len(low) >= 4 and not has_digit(low) and low not in excluded and stem(low) not in excluded
            and low.replace("-", "").isalpha())
