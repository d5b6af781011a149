"""What goes with a purchase: accessories, cases, chargers... of other categories than the item bought.

Two signals, learnt once per catalog and log (``ComplementIndex``), cheap per query:

* **Bought together.** For every user of the interaction log, each model they liked, carted or
  bought, followed within ``window`` by a positive event on a model of *another* category, counts
  once for that ordered pair. Counting forwards in time is what makes it a complement signal: a
  whole-history count mostly learns taste (an iPhone buyer also owns a MacBook) rather than what
  people buy *for* the thing they just bought. Counts are damped by the target's own popularity
  (``count / sqrt(users of target)``) so the best-selling charger does not top every list, and a
  pair seen by fewer than ``min_count`` users is noise, not a signal.
* **Fits by name** (the cold-start fallback, and a tie-breaker). A candidate whose title or
  description names the bought model ("case for iPhone 15 Pro", "battery for EOS R5, R6 Mark II")
  fits it; one that names only its line ("charger for iPhone", "for Galaxy phones") probably fits;
  one that names *another* model of the same line ("... for iPhone 15 Pro Max" to an iPhone 15 Pro
  owner) probably does not, and is pushed down. Which words continue a line ("Galaxy" -> "Tab",
  "Watch", "S24") is read from the catalog's own titles, so no product names are hard-coded.

Results are one in-stock item per model, never the bought model or any of its variants, never the
bought item's category. Models are grouped with ``recommender.variants``; ``same_model`` is re-exported
so the caller can drop the bought model and all its variants from later lists too.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from .catalog import Item
from .variants import model_key, model_title, same_model

#: events that say a user wanted an item, on both sides of a pair
POSITIVE_EVENTS: FrozenSet[str] = frozenset({"like", "add_to_cart", "purchase"})
DEFAULT_WINDOW = timedelta(days=14)
DEFAULT_MIN_COUNT = 2

#: weight of each name signal next to the bought-together score (which is scaled to 0..1)
FITS_MODEL, FITS_LINE, FITS_CATEGORY, FITS_OTHER_MODEL = 1.0, 0.35, 0.2, -0.6
_FIT_WEIGHTS = {"model": FITS_MODEL, "line": FITS_LINE, "category": FITS_CATEGORY, "other": FITS_OTHER_MODEL,
                None: 0.0}
#: how far after "for" a category word may come ("for laptops, tablets and phones")
_FOR_REACH = 6
_SENTENCE_RX = re.compile(r"[.;!?]\s+")

_TOKEN_RX = re.compile(r"[a-z0-9]+(?:[-/.][a-z0-9]+)*\+?")
#: a number with a unit is a size ("45mm", "11-inch", "65w"), not a model number
_UNIT_RX = re.compile(r"^\d+(?:[.,]\d+)?-?(?:gb|tb|mb|mm|cm|m|ft|in|inch|w|mah|k|hz|p)$")
#: words that turn a model into another model of the line ("iPhone 15" -> "iPhone 15 Pro")
_MODEL_SUFFIXES = frozenset({
    "pro", "max", "plus", "ultra", "mini", "lite", "fe", "se", "xl", "air", "neo", "edge", "fold", "flip",
    "classic", "mark", "ii", "iii", "iv", "v", "vi", "vii",
})


@dataclass(frozen=True)
class Complement:
    """One suggestion and why: ``together`` users bought it after the model, ``fits`` by name."""

    item: Item
    score: float
    together: int = 0
    #: "model" (names the bought model), "line" (its line), "category" ("for phones"), "other" (another model)
    fits: Optional[str] = None


def _tokens(text: str) -> List[str]:
    return _TOKEN_RX.findall((text or "").lower())


def _model_token(token: str) -> bool:
    """A token that picks out a model: a suffix word, a "+" model, or a number without a unit."""
    return token in _MODEL_SUFFIXES or token.endswith("+") or (
        any(ch.isdigit() for ch in token) and not _UNIT_RX.match(token))


def _code_token(token: str) -> bool:
    """A model code that names the model on its own ("r6", "s24", "wh-1000xm5"), unlike "15"."""
    return len(token) >= 2 and any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token) \
        and not _UNIT_RX.match(token)


def _brand_and_words(item: Item) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """The brand's tokens and the model title's tokens after the brand ("apple", "iphone 15 pro")."""
    brand = tuple(_tokens(item.brand))
    words = tuple(_tokens(model_title(item)))
    if brand and words[: len(brand)] == brand:
        words = words[len(brand):]
    return brand, words


class _Names:
    """How a catalog names its models: one token phrase per model, and the words that extend each."""

    def __init__(self, catalog: Sequence[Item]) -> None:
        firsts: Dict[str, Set[str]] = defaultdict(set)
        stripped: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {}
        for item in catalog:
            brand, words = stripped[item.id] = _brand_and_words(item)
            if words:
                firsts[words[0]].add(item.brand.lower())
        #: a line word several brands start a title with ("Watch": Apple Watch, OnePlus Watch) needs its brand
        self._shared_firsts = {word for word, brands in firsts.items() if len(brands) > 1}
        self.phrases: Dict[str, Tuple[str, ...]] = {}
        self.lines: Dict[str, int] = {}
        self._next: Dict[Tuple[str, ...], Set[str]] = defaultdict(set)
        for item_id, (brand, words) in stripped.items():
            phrase, line = self._phrase(brand, words)
            self.phrases[item_id], self.lines[item_id] = phrase, line
            full = (*brand, *words) if line > 1 else words
            for i in range(1, len(full)):
                self._next[full[:i]].add(full[i])
        #: position of a model code ("r6", "a6700") that no other model's name uses, per item
        owners: Dict[str, Set[str]] = defaultdict(set)
        for item in catalog:
            for word in self.phrases[item.id]:
                owners[word].add(model_key(item))
        self._codes: Dict[str, int] = {}
        for item_id, phrase in self.phrases.items():
            code = next((i for i, w in enumerate(phrase) if _code_token(w)), None)
            if code and len(owners[phrase[code]]) == 1:
                self._codes[item_id] = code

    def _phrase(self, brand: Tuple[str, ...], words: Tuple[str, ...]) -> Tuple[Tuple[str, ...], int]:
        """The words that name the model ("iphone 15 pro", "wh-1000xm5", "eos r6 mark ii") and how many
        of them are the line ("iphone" = 1, "apple watch" = 2)."""
        if not words:
            return (), 0
        last = max((i for i, w in enumerate(words) if any(ch.isdigit() for ch in w)), default=0)
        while last + 1 < len(words) and (words[last + 1] in _MODEL_SUFFIXES or words[last + 1].endswith("+")):
            last += 1
        phrase = words[: last + 1]
        if words[0] in self._shared_firsts and brand:
            return (*brand, *phrase), len(brand) + 1
        return phrase, 1

    def continues(self, prefix: Tuple[str, ...], token: str) -> bool:
        """Whether some catalog model continues ``prefix`` with ``token`` ("galaxy" + "tab")."""
        return token in self._next.get(prefix, ())

    def fit(self, bought: Item, text_tokens: Sequence[str], brand_named: bool) -> Optional[str]:
        """How a candidate's text names ``bought``: "model", "line", "other" or None (not at all).

        Texts that list several models ("for iPad Pro and iPad Air") are read at every mention: a
        mention of the bought model wins, otherwise the mention that follows its name furthest, and
        between equally deep mentions one of another model beats a generic one ("for iPad Pro" and
        "for iPad" is an iPad Pro accessory).
        """
        if bought.id in self.phrases:
            phrase, line = self.phrases[bought.id], self.lines[bought.id]
        else:  # an item the catalog did not have when the index was built
            phrase, line = self._phrase(*_brand_and_words(bought))
        if not phrase:
            return None
        starts = [(0, i) for i, tok in enumerate(text_tokens) if tok == phrase[0]]
        code = self._codes.get(bought.id)
        if brand_named and code is not None:  # "battery for EOS R5, R6 Mark II": the code alone names it
            starts += [(code, i) for i, tok in enumerate(text_tokens) if tok == phrase[code]]
        order = {"line": 0, "other": 1, "model": 2}
        readings = [self._read(phrase, line, offset, text_tokens, start) for offset, start in starts]
        readings = [(verdict == "model", depth, order[verdict], verdict) for verdict, depth in readings if verdict]
        return max(readings)[3] if readings else None

    def _read(self, phrase: Tuple[str, ...], line: int, offset: int, text: Sequence[str],
              start: int) -> Tuple[Optional[str], int]:
        """Follow one mention: (verdict, how many words of the bought model's name it matched)."""
        matched, pos = offset, start
        while matched < len(phrase) and pos < len(text) and text[pos] == phrase[matched]:
            matched, pos = matched + 1, pos + 1
        following = text[pos] if pos < len(text) else None
        if matched == len(phrase):
            if following is not None and (following in _MODEL_SUFFIXES or following.endswith("+")):
                return "other", matched  # "iPhone 15 Pro" + "Max"
            return "model", matched
        if offset or matched < line:
            return None, 0
        if following is None:
            return "line", matched
        if _model_token(following):
            return "other", matched  # "Galaxy" + "S24" to an S24 Ultra owner, "iPad" + "Pro" to an iPad Air one
        if self.continues(phrase[:matched], following):
            return None, 0  # "Galaxy" + "Tab" to a phone owner: another product line of the brand
        return "line", matched  # "for Galaxy phones", "for iPhone and iPad"


class ComplementIndex:
    """Bought-together counts between models plus the catalog's naming, built once."""

    def __init__(self, catalog: Iterable[Item], together: Optional[Mapping[str, Mapping[str, int]]] = None,
                 users: Optional[Mapping[str, int]] = None, item_users: Optional[Mapping[str, int]] = None,
                 min_count: int = DEFAULT_MIN_COUNT,
                 category_words: Optional[Mapping[str, Sequence[str]]] = None) -> None:
        self.catalog: List[Item] = list(catalog)
        #: the shop's other names for each category ("phone" for smartphones), from its vocabulary
        self.category_words: Dict[str, Tuple[str, ...]] = {k: tuple(v) for k, v in (category_words or {}).items()}
        self.keys: Dict[str, str] = {item.id: model_key(item) for item in self.catalog}
        self._position: Dict[str, int] = {item.id: pos for pos, item in enumerate(self.catalog)}
        category_of = {self.keys[item.id]: item.category for item in self.catalog}
        #: anchor model -> target model -> users who wanted the target within the window after the anchor
        self.together: Dict[str, Counter] = {a: Counter(t) for a, t in (together or {}).items()}
        #: model -> users with a positive event on it
        self.users: Counter = Counter(users or {})
        #: item -> users with a positive event on that very variant (picks the variant to show)
        self.item_users: Counter = Counter(item_users or {})
        #: anchor category -> target category -> pairs: which categories go with which (damps chance pairs)
        self.categories: Dict[str, Counter] = defaultdict(Counter)
        for anchor, targets in self.together.items():
            for target, count in targets.items():
                if anchor in category_of and target in category_of:
                    self.categories[category_of[anchor]][category_of[target]] += count
        self.min_count = min_count
        self._names = _Names(self.catalog)
        self._text = {item.id: _tokens(f"{item.title} {item.description}") for item in self.catalog}
        self._sentences = {item.id: [_tokens(part) for part in _SENTENCE_RX.split(f"{item.title}. {item.description}")]
                           for item in self.catalog}

    @classmethod
    def from_sequences(cls, sequences: Mapping[str, Sequence[object]], catalog: Iterable[Item],
                       window: timedelta = DEFAULT_WINDOW, min_count: int = DEFAULT_MIN_COUNT,
                       events: FrozenSet[str] = POSITIVE_EVENTS,
                       category_words: Optional[Mapping[str, Sequence[str]]] = None) -> "ComplementIndex":
        """Learn the bought-together table from ``Store.sequences()`` (user -> events, oldest first).

        Events need ``item_id`` and ``event``; a ``timestamp`` (when present) limits a pair to
        ``window``. Items missing from ``catalog`` are ignored.
        """
        catalog = list(catalog)
        keys = {item.id: model_key(item) for item in catalog}
        together: Dict[str, Counter] = defaultdict(Counter)
        users: Counter = Counter()
        item_users: Counter = Counter()
        for history in sequences.values():
            wanted = [(getattr(e, "timestamp", None), keys[e.item_id], e.item_id) for e in history
                      if e.event in events and e.item_id in keys]
            users.update({model for _, model, _ in wanted})
            item_users.update({item_id for _, _, item_id in wanted})
            pairs: Set[Tuple[str, str]] = set()
            for i, (when, anchor, _) in enumerate(wanted):
                for later, target, _ in wanted[i + 1:]:
                    if when is not None and later is not None and later - when > window:
                        break
                    if target != anchor:
                        pairs.add((anchor, target))
            for anchor, target in pairs:
                together[anchor][target] += 1
        return cls(catalog, together, users, item_users, min_count, category_words)

    # -- queries -----------------------------------------------------------------------------
    def _pick(self, members: List[Item]) -> Optional[Item]:
        """The variant to show for a model: in stock, most wanted, then catalog order."""
        in_stock = [item for item in members if item.in_stock]
        if not in_stock:
            return None
        return max(in_stock, key=lambda item: (self.item_users[item.id], -self._position[item.id]))

    def _for_category(self, item_id: str, nouns: Set[Tuple[str, ...]]) -> bool:
        """Whether a sentence of the item's text says it is *for* that kind of product ("for phones")."""
        for words in self._sentences[item_id]:
            for i, word in enumerate(words):
                if word != "for":
                    continue
                after = words[i + 1: i + 1 + _FOR_REACH]
                if any(tuple(after[j: j + len(noun)]) == noun for noun in nouns for j in range(len(after))):
                    return True
        return False

    def _fits(self, bought: Item, members: List[Item], nouns: Set[Tuple[str, ...]]) -> Optional[str]:
        brand, brand_tokens = bought.brand.lower(), set(_tokens(bought.brand))
        verdicts = set()
        for item in members:
            text = self._text[item.id]
            verdicts.add(self._names.fit(bought, text, item.brand.lower() == brand or brand_tokens <= set(text)))
        for verdict in ("model", "line", "other"):
            if verdict in verdicts:
                return verdict
        return "category" if any(self._for_category(item.id, nouns) for item in members) else None

    def suggest(self, bought: Item, k: int = 5) -> List[Complement]:
        """Up to ``k`` complements of ``bought``, best first, with the signals behind each."""
        counts = self.together.get(self.keys.get(bought.id) or model_key(bought), Counter())
        affinity = self.categories.get(bought.category, Counter())
        top_affinity = max((n for cat, n in affinity.items() if cat != bought.category), default=0) or 1
        nouns = _category_nouns(bought.category, self.category_words.get(bought.category, ()))
        models: Dict[str, List[Item]] = defaultdict(list)
        for item in self.catalog:
            if item.category != bought.category and not same_model(item, bought):
                models[self.keys[item.id]].append(item)
        found = []
        for model, members in models.items():
            count = counts.get(model, 0)
            together = 0.0
            if count >= self.min_count:
                # damped by the target's popularity, weighted by how much its category goes with the bought one
                together = count / math.sqrt(self.users[model] or 1) * affinity[members[0].category] / top_affinity
            found.append((model, members, count if together else 0, together, self._fits(bought, members, nouns)))
        top_together = max((t for *_, t, _ in found), default=0.0) or 1.0
        ranked: List[Tuple[Complement, int]] = []
        for model, members, count, together, fits in found:
            score = together / top_together + _FIT_WEIGHTS[fits]
            if score <= 0 or not (count or fits in ("model", "line", "category")):
                continue
            item = self._pick(members)
            if item is not None:
                ranked.append((Complement(item, round(score, 4), count, fits), self.users[model]))
        ranked.sort(key=lambda pair: (-pair[0].score, -pair[0].together, -pair[1], pair[0].item.id))
        return [c for c, _ in ranked[:k]]

    def complements(self, bought: Item, k: int = 5) -> List[Item]:
        """Up to ``k`` in-stock items of other categories that go with ``bought``, best first."""
        return [c.item for c in self.suggest(bought, k)]


def _category_nouns(category: str, aliases: Sequence[str] = ()) -> Set[Tuple[str, ...]]:
    """Words for a category as accessory texts use them: "smartphones" -> "phones", "phone", ..."""
    words = {category, category[:-1] if category.endswith("s") and len(category) > 3 else category}
    words.update(aliases)
    return {tuple(_tokens(word)) for word in words if _tokens(word)}


def complements(bought: Item, catalog: Iterable[Item],
                sequences_or_cooccurrence: Union[ComplementIndex, Mapping[str, Sequence[object]], None] = None,
                k: int = 5) -> List[Item]:
    """One-shot form of ``ComplementIndex``: pass a built index to avoid relearning the log per call."""
    if isinstance(sequences_or_cooccurrence, ComplementIndex):
        index = sequences_or_cooccurrence
    else:
        index = ComplementIndex.from_sequences(sequences_or_cooccurrence or {}, catalog)
    return index.complements(bought, k)


__all__ = ["Complement", "ComplementIndex", "complements", "same_model"]
