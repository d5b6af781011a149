"""Misspelt product, brand and feature words put right ("hedphones" -> "headphones").

The alias tables match words exactly, so one slip of the keyboard loses a category or a brand.
Each word of four letters or more that is *not* a real word is compared (rapidfuzz) with the
shop's own words: category, feature, brand and product-line names and their aliases. A real word
is never touched, however close it is to a shop word ("light" is no typo of "flight"): real means
a whole token of the encoder's 30k WordPiece vocabulary, a word of the shop's vocabulary or item
texts, or a simple inflection of one ("charging" of "charge"). Numbers, money and short words are
left alone.
"""
from __future__ import annotations

import re
from typing import FrozenSet, Iterable, Optional, Set

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..catalog import Item
from ..vocabulary import Vocabulary
from .words import brand_forms, normalise, stem

#: shortest word ever corrected (shorter words are too easily another word)
MIN_LENGTH = 4
#: similarity (0-100) a correction needs; higher when the first letter differs (typos rarely hit it)
MIN_SCORE, MIN_SCORE_OTHER_INITIAL = 80.0, 90.0
#: without a real-word dictionary (no encoder folder) only near-certain corrections are made
MIN_SCORE_NO_DICTIONARY = 88.0
_WORD_RX = re.compile(r"(?<![\w$€£.,'])[A-Za-z]+(?:'[A-Za-z]+)?(?![\w$€£']|[.,]\d)")
_SUFFIXES = ("'s", "s", "es", "ed", "ing", "er", "ers", "est", "ly", "y")


class SpellingCorrector:
    """Corrects words of a message towards one shop's vocabulary."""

    def __init__(self, targets: Iterable[str], dictionary: Iterable[str] = (), strict: bool = False) -> None:
        """``strict``: there is no real-word dictionary beyond the shop's texts, so only
        near-certain corrections are made."""
        self.targets = sorted({t for t in targets if len(t) >= MIN_LENGTH and t.isalpha()})
        self.dictionary: FrozenSet[str] = frozenset({w.lower() for w in dictionary} | set(self.targets))
        self._floor = MIN_SCORE_NO_DICTIONARY if strict else MIN_SCORE

    @classmethod
    def for_shop(cls, items: Iterable[Item], vocab: Vocabulary,
                 dictionary: Optional[Iterable[str]] = None) -> "SpellingCorrector":
        """Targets from ``vocab``; real words from ``dictionary`` plus the shop's own texts."""
        targets: Set[str] = set()
        for table in (vocab.categories, vocab.features):
            for name, aliases in table.items():
                for phrase in (name, *aliases):
                    targets.update(normalise(phrase).split(" "))
        for brand in vocab.brands:
            for form in brand_forms(brand):
                targets.update(form.split(" "))
                targets.add(form.replace(" ", ""))
        for line in vocab.product_lines:
            targets.update(normalise(line).split(" "))
        real = set(dictionary or ())
        strict = not real
        for item in items:
            real.update(w.lower() for w in re.findall(r"[A-Za-z]+", f"{item.title} {item.description}"))
        return cls(targets, real, strict=strict)

    def is_real(self, word: str) -> bool:
        """A real word or an inflection of one ("snaps", "charging", "lighter")."""
        low = word.lower()
        if low in self.dictionary or stem(low) in self.dictionary:
            return True
        for suffix in _SUFFIXES:
            if low.endswith(suffix) and len(low) - len(suffix) >= 3:
                root = low[: -len(suffix)]
                if root in self.dictionary or root + "e" in self.dictionary:
                    return True
                if len(root) >= 2 and root[-1] == root[-2] and root[:-1] in self.dictionary:
                    return True  # "shopping" -> "shop"
        return False

    def correct_word(self, word: str) -> Optional[str]:
        """The shop word ``word`` was meant to be, or None when it is fine (or nothing fits)."""
        low = word.lower()
        if len(low) < MIN_LENGTH or not low.isalpha() or self.is_real(low):
            return None
        floor = self._floor
        best = None
        for target, score, _ in process.extract(low, self.targets, scorer=_similarity, limit=5,
                                                score_cutoff=floor):
            if abs(len(target) - len(low)) > 2:
                continue
            needed = floor if target[0] == low[0] else max(floor, MIN_SCORE_OTHER_INITIAL)
            if score >= needed and (best is None or score > best[1]):
                best = (target, score)
        return None if best is None else _same_case(word, best[0])

    def correct(self, text: str) -> str:
        """``text`` with each misspelt shop word replaced, everything else exactly as written."""
        if not text:
            return text
        return _WORD_RX.sub(lambda m: self.correct_word(m.group()) or m.group(), text)


def _similarity(a: str, b: str, **kwargs) -> float:
    """The better of the Indel ratio and the transposition-aware OSA similarity ("lapotp"/"laptop")."""
    cutoff = kwargs.get("score_cutoff")
    ratio = fuzz.ratio(a, b)
    osa = OSA.normalized_similarity(a, b) * 100.0
    score = max(ratio, osa)
    return score if cutoff is None or score >= cutoff else 0.0


def _same_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
