"""Word lists and the vocabulary-phrase finder shared by the semantic readers.

The semantic readers (``semantic``, ``kinds``, ``spelling``) must know which words of a message
carry no need of their own (function words, shopping filler, colours, numbers) and which spans the
shop's vocabulary already names (categories, features, brands, product lines), so that they only
read what the alias tables could not. The lists are English, not shop-specific: nothing here
may mention a product domain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Mapping, Tuple

from ..vocabulary import Vocabulary

#: function words and shopping filler: never a need, a kind or a misspelling on their own
STOPWORDS: FrozenSet[str] = frozenset("""
    a an the this that these those there here it its it's itself they them their theirs i i'm i'd i'll i've me
    my mine myself we us our ours you your yours he him his she her hers who whom whose which what whatever
    when where why how if then than so as because since while until unless though although also too very
    really just only even still quite rather pretty much many more most less least lot lots some any all
    both each every either neither no not nor none nothing anything something everything someone anyone
    one ones thing things stuff kind sort type bit and or but with without of for to from in on at by
    about into onto off out up down over under again further once can could would should will shall may
    might must do does did doing done don't doesn't didn't won't wouldn't can't cannot couldn't shouldn't
    isn't aren't wasn't weren't haven't hasn't hadn't is are was were be been being am have has had having
    get gets got getting give show shows showing see look looking find want wants wanted need needs needed
    like likes love would'd please thanks thank hi hello hey okay ok yes yeah yep nope sure maybe perhaps
    well now today new good great nice best better decent cool fine proper right real actual other another
    else same such own buy buying bought purchase recommend recommendation suggest suggestion options option
    choice choices price prices priced budget cheap cheaper cheapest expensive affordable money cost costs
    dollars bucks pounds euros quid under below above around approximately roughly between
    dad mum mom mother father wife husband son daughter kid kids friend friends girlfriend boyfriend brother
    sister gift present birthday christmas first second third fourth fifth last previous next top
    looks look looked seems seem sounds fine that's it's what's there's here's let's i'd you'd
    use used using tell know think thought said say
""".split())

#: prepositions kept at the head of a need phrase ("for the beach", "in the pool")
PREPOSITIONS: FrozenSet[str] = frozenset(
    "for in on at to with without during through from by near under into around while".split())
#: determiners and pronouns allowed between a kept preposition and the content word
_DETERMINERS: FrozenSet[str] = frozenset("a an the my our your his her their this that some".split())

#: colour words: a colour is a variant, never a sub-kind or a need
COLOURS: FrozenSet[str] = frozenset("""
    black white grey gray silver gold golden rose red pink purple violet lavender lilac blue navy teal
    cyan turquoise green mint olive yellow orange amber brown beige cream ivory bronze copper graphite
    charcoal midnight starlight titanium platinum champagne coral burgundy maroon khaki tan colour color
    colours colors colourful colorful dark light
""".split())

#: generic product nouns: they name "a product", never a sub-kind of one
GENERIC_NOUNS: FrozenSet[str] = frozenset("""
    product products item items device devices gadget gadgets model models unit units version versions
    variant variants edition editions series generation gen range brand brands make makes machine
    display displays screen screens system systems set sets pack packs piece pieces size sizes
""".split())

#: units and number words: a measure is a spec or a budget, never a sub-kind
UNITS_AND_NUMBERS: FrozenSet[str] = frozenset("""
    hour hours hr hrs day days week weeks month months year years minute minutes min mins second seconds
    inch inches mm cm metre metres meter meters foot feet kg g lb lbs gb tb mb mah hz mp nits watt watts
    percent zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred thousand half double triple dozen couple few
""".split())

#: verbs that descriptions use to link things ("runs Android", "fits in a hand"): never kinds
LINKING_VERBS: FrozenSet[str] = frozenset("""
    run runs works work comes come includes included include offers offer makes make made fits fit
    replaces replace keeps keep lets let finds find shows transfers brings adds gives turns takes goes
    gets features featuring has have lasts last supports support
""".split())

#: possessives: "his keys", "my room" name the shopper's world, not the product asked for
POSSESSIVES: FrozenSet[str] = frozenset("my our your his her their its".split())
#: how many words back a preposition or possessive still governs a phrase ("for the kids' bedroom")
_CONTEXT_REACH = 3

WORD_RX = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")
_CLAUSE_PUNCT_RX = re.compile(r"[,.;:!?()\[\]/\"]")


@dataclass(frozen=True)
class Word:
    """One word of a message with its place, lower-cased in ``low``."""

    text: str
    low: str
    start: int
    end: int


def words(text: str) -> List[Word]:
    """The words of ``text`` with their spans (apostrophes and hyphens stay inside a word)."""
    return [Word(m.group(), m.group().lower(), m.start(), m.end()) for m in WORD_RX.finditer(text)]


def stem(word: str) -> str:
    """A light plural/verb stem, enough to match "earbud"/"earbuds", "charges"/"charge"."""
    w = word.lower().replace("-", " ")
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes", "zes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def is_punctuation_between(text: str, start: int, end: int) -> bool:
    """Whether a clause-breaking punctuation mark lies in ``text[start:end]``."""
    return bool(_CLAUSE_PUNCT_RX.search(text, start, end))


def head_of_phrase(ws: List[Word], first_content: int) -> int:
    """Index where a need phrase starts: the first content word, or the preposition (plus
    determiners) right before it, so the phrase reads as the shopper said it ("for the beach")."""
    i = first_content
    while i > 0 and ws[i - 1].low in _DETERMINERS:
        i -= 1
    if i > 0 and ws[i - 1].low in PREPOSITIONS:
        return i - 1
    return first_content


# --------------------------------------------------------------------------- vocabulary phrases

CATEGORY, FEATURE, BRAND = "category", "feature", "brand"


@dataclass(frozen=True)
class Mention:
    """A span of the message that names a vocabulary entry."""

    start: int
    end: int
    kind: str  # CATEGORY, FEATURE or BRAND (product lines count as brands)
    canonical: str


@dataclass(frozen=True)
class PhraseTable:
    """Every vocabulary phrase of a shop, with a finder for them (longest first)."""

    senses: Mapping[str, Tuple[Tuple[str, str], ...]]
    finder: "re.Pattern[str]"

    def find(self, text: str) -> List[Mention]:
        """Non-overlapping vocabulary mentions in ``text`` (a plural or possessive may follow)."""
        found: List[Mention] = []
        taken: List[Tuple[int, int]] = []
        hits = []
        for m in self.finder.finditer(text):
            hits.append((m.start(1), m.end(1), m.group(1)))
        for start, end, phrase in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
            if any(start < e and s < end for s, e in taken):
                continue
            senses = self._senses(phrase)
            if not senses:
                continue
            taken.append((start, end))
            found.extend(Mention(start, end, kind, canonical) for kind, canonical in senses)
        return sorted(found, key=lambda m: m.start)

    def _senses(self, phrase: str) -> Tuple[Tuple[str, str], ...]:
        norm = normalise(phrase)
        for form in (norm, re.sub(r"'s$", "", norm), re.sub(r"es$", "", norm), re.sub(r"s$", "", norm)):
            if form in self.senses:
                return self.senses[form]
        return ()


def normalise(phrase: str) -> str:
    """Lower case, hyphens and runs of spaces as one space."""
    return re.sub(r"[\s\-_]+", " ", phrase.strip().lower())


def vocabulary_key(vocab: Vocabulary) -> tuple:
    """A hashable summary of a vocabulary, for caches keyed by shop."""
    return (
        tuple((c, tuple(a)) for c, a in sorted(vocab.categories.items())),
        tuple((f, tuple(a)) for f, a in sorted(vocab.features.items())),
        tuple(sorted(vocab.brands)),
        tuple(sorted(vocab.product_lines.items())),
        tuple(sorted(vocab.everyday_words)),
    )


def brand_forms(brand: str) -> Iterable[str]:
    """"OnePlus" -> oneplus, one plus; "Bang & Olufsen" -> bang and olufsen, bang olufsen."""
    camel = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", brand.strip())
    for form in {brand.strip(), camel, brand.replace("&", "and"), camel.replace("&", "and")}:
        low = normalise(form)
        yield low
        yield re.sub(r"[\s&]+", " ", low).strip()


@lru_cache(maxsize=16)
def _table_for(key: tuple) -> PhraseTable:
    categories, features, brands, lines, _everyday = key
    senses: Dict[str, List[Tuple[str, str]]] = {}

    def add(phrase: str, sense: Tuple[str, str]) -> None:
        phrase = normalise(phrase)
        if phrase and sense not in senses.setdefault(phrase, []):
            senses[phrase].append(sense)

    for name, aliases in categories:
        for phrase in (name, *aliases):
            add(phrase, (CATEGORY, name))
    for name, aliases in features:
        for phrase in (name, *aliases):
            add(phrase, (FEATURE, name))
    for brand in brands:
        for phrase in brand_forms(brand):
            add(phrase, (BRAND, brand))
    for line, (brand, category) in lines:
        add(line, (BRAND, brand))
    ordered = sorted(senses, key=len, reverse=True)
    alternation = "|".join(r"[\s\-]*".join(re.escape(w) for w in p.split(" ")) for p in ordered)
    finder = re.compile(rf"(?<![\w])(?=((?:{alternation})(?:'s|es|s)?)(?![\w]))", re.I)
    return PhraseTable({k: tuple(v) for k, v in senses.items()}, finder)


def phrase_table(vocab: Vocabulary) -> PhraseTable:
    """The (cached) phrase table of ``vocab``."""
    return _table_for(vocabulary_key(vocab))


def reads_as_context(text: str, phrase: str) -> bool:
    """Whether ``phrase`` sits in a phrase about the shopper's world rather than naming the product:
    governed, within a few words of the same clause, by a preposition or a possessive ("a speaker
    for the living *room*", "for my dad who loses his *keys*", "getting into *street* photography").
    Such a word may re-rank; it never narrows the list."""
    at = text.lower().find(phrase.lower())
    if at <= 0:
        return False
    before = text[:at]
    clause = _CLAUSE_PUNCT_RX.split(before)[-1]
    recent = [w.low for w in words(clause)][-_CONTEXT_REACH:]
    return any(w in PREPOSITIONS or w in POSSESSIVES or w == "into" for w in recent)


#: a word that turns the phrase after it down ("no curved ones", "not an Android", "anything but earbuds")
_REJECT_BEFORE_RX = re.compile(r"\b(?:no|not|non|without|avoid|skip|except|never|(?:anything|everything)\s+but)\b"
                               r"(?:\s+[\w'-]+){0,2}\s*-?$", re.I)


def rejects(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is turned down in ``text`` by a negation a few words before it, in the same clause."""
    at = text.lower().find(phrase.lower())
    if at <= 0:
        return False
    clause = _CLAUSE_PUNCT_RX.split(text[:at])[-1]
    return bool(_REJECT_BEFORE_RX.search(clause))
