"""Needs said in the shopper's own words, read by meaning with a sentence encoder.

The alias tables (``understanding.request``) catch "noise cancelling" and "waterproof", but not
"headphones that block out noise on the train" or "a speaker for the beach". ``SemanticMatcher``
reads what they miss, for one catalog:

* ``read_needs``: the message is cut into clauses (at punctuation and words such as "and",
  "that"; the category, brand and budget words that the alias tables and the budget parser
  already understood are taken out), each clause is embedded and compared with every feature
  tag's *prototypes*: the tag, the tag with its aliases, the tag's description (the editable
  ``demo/feature_descriptions.yml``; optional) and, so that a shop without descriptions still
  works, the texts of the items carrying the tag. A clause reads as a tag when its best score
  passes ``NEED_THRESHOLD`` with ``NEED_MARGIN`` over the runner-up; the tag set is the one of
  the category asked for. A reading is *sure* (``NeedReading.sure``: it may narrow the list)
  only past the stricter ``NEED_FILTER_THRESHOLD`` / ``NEED_FILTER_MARGIN``; a looser one only
  re-ranks and is offered to the shopper as a one-tap refinement. The reading keeps the shopper's words, so a reply can say what was
  taken for what.
* ``read_category``: a message with no category word whose meaning names one ("something to
  take photos on holiday"), against category prototypes (names, aliases, item texts).
* ``read_kinds``: sub-kinds learnt from item texts (``understanding.kinds``).
* ``relevance``: cosine of the request and each item's text (title, description, tags), the
  item vectors computed once per catalog.
* ``correct_spelling``: misspelt shop words (``understanding.spelling``).

Thresholds were chosen on a labelled tuning set and checked on a held-out one, on the demo
catalog and on a kitchen shop (``docs/semantic.md``, ``tests/unit/semantic_eval.py``); the two
tiers on sentences written by outsiders (tests/blind/tuning: no-need precision and need recall,
``tools/readings_eval.py``; measured on tests/blind/demo, docs/benchmarks.md). A message
costs one batch encode of its clauses, of itself and of its possible kind words, shared by all the
readers (the first reader called does it): about 12 ms for all five readers on the 2-core
development CPU. Building a matcher encodes the catalog once (about 3 s for the 787 demo items).
Without an encoder, ``read_needs``/``read_category``/``relevance`` return nothing and spelling
and word-level kinds still work. Nothing here writes English for the shopper.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

import numpy as np

from ..catalog import Item
from ..settings import get_settings
from ..vocabulary import Vocabulary
from .budget import parse_budget
from .encoder import Encoder, wordpiece_words
from .kinds import KindIndex, KindReading, variant_words
from .request import extract_request
from .spelling import SpellingCorrector
from .words import (
    BRAND,
    CATEGORY,
    COLOURS,
    STOPWORDS,
    Word,
    head_of_phrase,
    is_punctuation_between,
    normalise,
    phrase_table,
    stem,
    words,
)

log = logging.getLogger(__name__)

__all__ = [
    "Clause",
    "load_context_phrases",
    "DEFAULT_FEATURE_DESCRIPTIONS",
    "KindReading",
    "NeedReading",
    "SemanticMatcher",
    "load_feature_descriptions",
]

#: the demo catalog's tag descriptions; used for any catalog's tags of the same name
DEFAULT_FEATURE_DESCRIPTIONS = Path(__file__).resolve().parents[1] / "demo" / "feature_descriptions.yml"

#: a clause reads as a feature (offered as a refinement, and re-ranking) when its best cosine reaches this, ...
NEED_THRESHOLD = 0.25
#: ... ahead of the second-best feature by this much
NEED_MARGIN = 0.04
#: a reading narrows the list (a hard filter) only when it is this sure: its score reaches this, ...
NEED_FILTER_THRESHOLD = 0.30
#: ... ahead of the runner-up by this much; a looser reading only re-ranks and is offered as a
#: one-tap refinement ("Only noise cancelling ones?"), so a wrong guess costs the shopper nothing
NEED_FILTER_MARGIN = 0.04
#: ... and ahead of the closest context phrase (lang/en_context.yml: people, rooms, occasions) by this much
NEED_CONTEXT_MARGIN = 0.04
#: phrases about the shopper's world, in the shopper's language: the "no need" side of a reading
CONTEXT_PHRASES = Path(__file__).resolve().parent / "lang" / "en_context.yml"
#: a message names a category by meaning when its best category score reaches this, ...
CATEGORY_THRESHOLD = 0.20
#: ... ahead of the second-best category by this much
CATEGORY_MARGIN = 0.04
#: weight of the item-text prototype (centroid of the items carrying a tag) in a feature's score
ITEM_PROTOTYPE_WEIGHT = 0.25
#: item texts per tag / per category used as prototypes, and their discount
SAMPLE_ITEMS = 3
ITEM_TEXT_WEIGHT = 0.9
#: words that cut a message into clauses (each may carry its own need)
_CLAUSE_BREAKS = frozenset(
    "and but or that which who so because also plus while although though then if whereas".split())
#: negations kept at the head of a need phrase ("won't rust", "doesn't need a socket")
_NEGATIONS = frozenset(
    "not no never without won't don't doesn't can't cannot isn't aren't wouldn't shouldn't nothing".split())
#: a title word on at least this many items of a category names the product ("pan", "mower")
_TITLE_WORD_ITEMS = 2
#: messages whose analysis is kept (the dialogue calls several readers on the same text)
_ANALYSIS_CACHE = 256


@dataclass(frozen=True)
class NeedReading:
    """A feature tag read from the shopper's own words."""

    phrase: str  # the shopper's words, as written ("block out noise on the train")
    feature: str  # catalog feature tag ("noise cancelling")
    score: float
    #: lead over the runner-up tag (for two agreeing clauses: their leads added up)
    margin: float = 0.0
    #: lead over the closest phrase about the shopper's world ("for my mum", "for the office")
    over_context: float = 1.0

    @property
    def sure(self) -> bool:
        """Sure enough to narrow the list; otherwise it only re-ranks and is offered as a refinement."""
        return self.score >= NEED_FILTER_THRESHOLD and self.margin >= NEED_FILTER_MARGIN \
            and self.over_context >= NEED_CONTEXT_MARGIN


def load_context_phrases(path: Optional[Path | str] = None) -> List[str]:
    """The phrases about the shopper's world (people, rooms, occasions, what they own) of the language."""
    import yaml

    doc = yaml.safe_load(Path(path or CONTEXT_PHRASES).read_text(encoding="utf-8")) or {}
    return [str(p) for p in doc.get("phrases") or [] if str(p).strip()]


def load_feature_descriptions(path: Optional[Path | str] = None) -> Dict[str, str]:
    """Tag -> description from a YAML mapping (default: the demo file); {} when there is none."""
    path = Path(path) if path is not None else DEFAULT_FEATURE_DESCRIPTIONS
    if not path.is_file():
        return {}
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        log.warning("ignoring %s: expected a mapping of feature tag -> description", path)
        return {}
    return {str(k).strip().lower(): " ".join(str(v).split()) for k, v in data.items() if v}


@dataclass(frozen=True)
class Clause:
    """One candidate need phrase of a message."""

    phrase: str  # as the shopper wrote it
    embed: str  # what is encoded: the phrase without the words already understood
    start: int


@dataclass
class _Analysis:
    """What the readers need from one message (for one category), computed once."""

    clauses: List[Clause]
    content: Optional[Clause]  # the whole message minus understood words, for category reading
    vectors: Dict[str, np.ndarray]


def item_text(item: Item) -> str:
    """The text an item is embedded by: title, description and tags."""
    tags = f" ({', '.join(item.features)})" if item.features else ""
    return f"{item.title}. {item.description}{tags}".strip()


class SemanticMatcher:
    """Meaning-based readers for one catalog (see the module docstring)."""

    def __init__(self, items: Sequence[Item], vocabulary: Vocabulary, encoder: Optional[Encoder],
                 feature_descriptions: Optional[Mapping[str, str]] = None) -> None:
        self.items = list(items)
        self.vocabulary = vocabulary
        self.encoder = encoder
        if feature_descriptions is None:
            feature_descriptions = load_feature_descriptions()
        self.feature_descriptions = {f: d for f, d in ((k.lower(), v) for k, v in feature_descriptions.items())
                                     if f in vocabulary.features}
        self._table = phrase_table(vocabulary)
        self._lock = threading.Lock()
        self._analyses: "OrderedDict[Tuple[str, Optional[str]], _Analysis]" = OrderedDict()
        self._by_id = {item.id: n for n, item in enumerate(self.items)}
        self._features = sorted(vocabulary.features)
        self._feature_index = {f: n for n, f in enumerate(self._features)}
        self._categories = sorted(vocabulary.categories)
        by_category: Dict[str, List[Item]] = defaultdict(list)
        for item in self.items:
            by_category[item.category].append(item)
        self._category_features = {c: frozenset(f for i in members for f in i.features if f in self._feature_index)
                                   for c, members in by_category.items()}
        self._title_words = _title_words(by_category, vocabulary)
        self.kinds = KindIndex(self.items, vocabulary, encoder)
        real_words = getattr(encoder, "words", None) or wordpiece_words(get_settings().encoder_path)
        self.speller = SpellingCorrector.for_shop(self.items, vocabulary, real_words)
        self._item_vectors: Optional[np.ndarray] = None
        self._feature_protos: Optional[_Prototypes] = None
        self._category_protos: Optional[_Prototypes] = None
        self._context_vectors: Optional[np.ndarray] = None
        if encoder is not None:
            self._context_vectors = self._encode(load_context_phrases())
            self._item_vectors = _encode_items(encoder, self.items)
            self._feature_protos = self._build_feature_prototypes(by_category)
            self._category_protos = self._build_category_prototypes(by_category)

    # ------------------------------------------------------------------ public readers

    def read_needs(self, text: str, category: Optional[str] = None,
                   known_features: Sequence[str] = ()) -> List[NeedReading]:
        """Features the message implies in words the alias tables do not know, best first.

        Only tags that exist in ``category`` (when given) and are not in ``known_features``
        (pass the wanted *and* the rejected ones already read) are returned.
        """
        known = {f.lower() for f in known_features}
        best: Dict[str, NeedReading] = {}
        agreeing: Dict[int, List[Tuple["Clause", float, float]]] = {}
        for clause, row in self.need_scores(text, category):
            feature, score = _confident(row, NEED_THRESHOLD, NEED_MARGIN)
            if feature is None:
                top = int(np.argmax(row)) if len(row) else -1
                if top >= 0 and row[top] >= NEED_THRESHOLD:
                    runner_up = float(np.partition(row, -2)[-2]) if len(row) > 1 else 0.0
                    agreeing.setdefault(top, []).append((clause, float(row[top]), float(row[top]) - runner_up))
                continue
            name = self._features[feature]
            if name in known:
                continue
            if name not in best or score > best[name].score:
                runner_up = float(np.partition(row, -2)[-2]) if len(row) > 1 else 0.0
                best[name] = NeedReading(clause.phrase, name, round(score, 4), round(score - runner_up, 4),
                                         round(score - self._context_score(text, category, clause), 4))
        # two clauses that each lean the same way, neither clearly enough alone ("for the gym" and
        # "can handle sweat"), together count when their margins add up to the required one
        for feature, clauses in agreeing.items():
            name = self._features[feature]
            if len(clauses) < 2 or name in known or name in best or sum(m for _, _, m in clauses) < NEED_MARGIN:
                continue
            first, last = clauses[0][0], clauses[-1][0]
            phrase = text[first.start:last.start + len(last.phrase)] if last.start >= first.start else first.phrase
            top = max(sc for _, sc, _ in clauses)
            best[name] = NeedReading(phrase, name, round(top, 4), round(sum(m for _, _, m in clauses), 4),
                                     round(top - max(self._context_score(text, category, c) for c, _, _ in clauses), 4))
        return sorted(best.values(), key=lambda r: -r.score)

    def _context_score(self, text: str, category: Optional[str], clause: "Clause") -> float:
        """How much the clause reads as the shopper's world (best cosine to the context phrases); its
        vector comes from the message's analysis, encoded once for every reader."""
        if self._context_vectors is None or not len(self._context_vectors):
            return -1.0
        vector = self._analyse(text, category).vectors[clause.embed]
        return float(np.max(self._context_vectors @ vector))

    def need_scores(self, text: str, category: Optional[str] = None) -> List[Tuple["Clause", np.ndarray]]:
        """Each clause of ``text`` with its score for every feature (-1 where not in ``category``),
        in ``feature_names`` order: what ``read_needs`` decides on (for evaluation and tests)."""
        if self._feature_protos is None or not text or not text.strip():
            return []
        analysis = self._analyse(text, category)
        if not analysis.clauses:
            return []
        vectors = np.stack([analysis.vectors[c.embed] for c in analysis.clauses])
        scores = self._feature_protos.score(vectors)
        scores[:, ~self._allowed_features(category)] = -1.0
        return list(zip(analysis.clauses, scores))

    @property
    def feature_names(self) -> List[str]:
        return list(self._features)

    @property
    def category_names(self) -> List[str]:
        return list(self._categories)

    def category_scores(self, text: str) -> Optional[Tuple["Clause", np.ndarray]]:
        """The phrase ``read_category`` would judge and its score per category (``category_names``
        order), or None when the text names a category itself or has no content words."""
        if self._category_protos is None or not text or not text.strip():
            return None
        if extract_request(text, self.vocabulary).category is not None:
            return None
        analysis = self._analyse(text, None)
        if analysis.content is None:
            return None
        return analysis.content, self._category_protos.score(analysis.vectors[analysis.content.embed][None, :])[0]

    def read_category(self, text: str) -> Optional[Tuple[str, str, float]]:
        """(phrase, category, score) when no category word is in the text but its meaning names one."""
        scored = self.category_scores(text)
        if scored is None:
            return None
        content, row = scored
        index, score = _confident(row, CATEGORY_THRESHOLD, CATEGORY_MARGIN)
        if index is None:
            return None
        return content.phrase, self._categories[index], round(score, 4)

    def other_kind_named(self, text: str, category: str) -> Optional[str]:
        """Another kind named by one of its own product nouns while ``category`` is on screen ("need a
        webcam too" during a monitor search): a title word of exactly one other category, never of this
        one, and not inside a phrase about the shopper's world ("away from the charger")."""
        from .words import reads_as_context

        found = set()
        for word in words(text or ""):
            key = stem(word.low)
            if key in STOPWORDS or key in self._title_words.get(category, frozenset()):
                continue
            owners = [c for c, nouns in self._title_words.items() if c is not None and key in nouns]
            if len(owners) == 1 and not reads_as_context(text, word.text):
                found.add(owners[0])
        return found.pop() if len(found) == 1 else None

    def read_kinds(self, text: str, category: str) -> List[KindReading]:
        """Sub-kinds of ``category`` the shopper names ("earbuds", "mirrorless", "Android")."""
        if not text or not category:
            return []
        budget = parse_budget(text)
        skip = []
        if budget is not None and budget.phrase and budget.phrase in text:
            at = text.index(budget.phrase)
            skip.append((at, at + len(budget.phrase)))
        return self.kinds.read(text, category, skip)

    def relevance(self, text: str, item_ids: Sequence[str]) -> Dict[str, float]:
        """Cosine of the request and each known item's text; {} without an encoder."""
        if self._item_vectors is None or not text or not text.strip():
            return {}
        query = self._encode([text.strip()])[0]
        rows = [(i, self._by_id[i]) for i in item_ids if i in self._by_id]
        if not rows:
            return {}
        sims = self._item_vectors[[n for _, n in rows]] @ query
        return {i: float(s) for (i, _), s in zip(rows, sims)}

    def correct_spelling(self, text: str) -> str:
        """``text`` with misspelt category, feature, brand and product-line words corrected."""
        return self.speller.correct(text)

    # ------------------------------------------------------------------ analysis

    def _analyse(self, text: str, category: Optional[str]) -> _Analysis:
        """Clauses of ``text`` and their vectors, encoded in one batch (with the whole text, so
        ``relevance`` and ``read_category`` find it cached), kept for the next reader."""
        key = (text, category)
        with self._lock:
            if key in self._analyses:
                self._analyses.move_to_end(key)
                return self._analyses[key]
        clauses = self._clauses(text, category)
        content = self._content(text)
        wanted = [c.embed for c in clauses]
        if content is not None:
            wanted.append(content.embed)
        wanted.append(text.strip())
        wanted.extend(self.kinds.candidate_words(text, category))  # read_kinds finds them cached
        wanted = list(dict.fromkeys(wanted))
        vectors = dict(zip(wanted, self._encode(wanted)))
        analysis = _Analysis(clauses, content, vectors)
        with self._lock:
            self._analyses[key] = analysis
            while len(self._analyses) > _ANALYSIS_CACHE:
                self._analyses.popitem(last=False)
        return analysis

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.encoder.encode(list(texts)), dtype=np.float32)

    def _understood_spans(self, text: str, category: Optional[str]) -> List[Tuple[int, int]]:
        """Spans already read by the alias tables and the budget parser: category words (of the
        category asked for, or any when none is), brands and product lines, the budget."""
        spans = [(m.start, m.end) for m in self._table.find(text)
                 if m.kind == BRAND or (m.kind == CATEGORY and (category is None or m.canonical == category))]
        budget = parse_budget(text)
        if budget is not None and budget.phrase and budget.phrase in text:
            at = text.index(budget.phrase)
            spans.append((at, at + len(budget.phrase)))
        return spans

    def _clauses(self, original: str, category: Optional[str]) -> List[Clause]:
        text = original.replace("\u2019", "'")  # same length: spans stay valid in the original
        spans = self._understood_spans(text, category)
        product_words = self._title_words.get(category, frozenset()) if category else self._title_words[None]
        groups: List[List[Tuple[Word, bool]]] = [[]]
        previous_end = 0
        for w in words(text):
            understood = any(s <= w.start < e for s, e in spans) or stem(w.low) in product_words
            if w.low in _CLAUSE_BREAKS or (groups[-1] and is_punctuation_between(text, previous_end, w.start)):
                groups.append([])
            if w.low not in _CLAUSE_BREAKS:
                groups[-1].append((w, understood))
            previous_end = w.end
        return [c for c in (_clause_of(original, g) for g in groups if g) if c is not None]

    def _content(self, original: str) -> Optional[Clause]:
        """The message as one phrase without function words at its ends, for ``read_category``."""
        ws = [(w, False) for w in words(original.replace("\u2019", "'"))]
        return _clause_of(original, ws, keep_head=False)

    def _allowed_features(self, category: Optional[str]) -> np.ndarray:
        names = self._category_features.get(category) if category else None
        if not names:
            return np.ones(len(self._features), dtype=bool)
        return np.array([f in names for f in self._features], dtype=bool)

    # ------------------------------------------------------------------ prototypes

    def _build_feature_prototypes(self, by_category: Mapping[str, Sequence[Item]]) -> "_Prototypes":
        """Per tag: its name, its name with the aliases, its description, and the contrastive
        centroid of the texts of all the items carrying it.

        Sample item sentences as extra prototypes were tried and lowered precision: a product
        blurb mentions several tags ("rugged IP67 speaker with 12-hour battery"), while the
        centroid keeps only what the tag's items share (``docs/semantic.md``)."""
        holders = [[self._by_id[i.id] for i in self.items if f in i.features] for f in self._features]
        centroids = _contrastive_centroids(self._item_vectors, holders)
        protos: List[Tuple[int, str, float]] = []
        for n, feature in enumerate(self._features):
            aliases = [a for a in self.vocabulary.features.get(feature, ()) if a != feature]
            protos.append((n, feature, 1.0))
            if aliases:
                protos.append((n, f"{feature}: {', '.join(aliases)}", 1.0))
            if feature in self.feature_descriptions:
                description = self.feature_descriptions[feature]
                protos.append((n, description, 1.0))
                sentences = [x.strip() for x in re.split(r"(?<=[.!?])\s+", description) if x.strip()]
                if len(sentences) > 1:  # each situation on its own, so one of several can match
                    protos += [(n, sentence, 0.9) for sentence in sentences]
        return self._prototypes(protos, len(self._features), centroids)

    def _build_category_prototypes(self, by_category: Mapping[str, Sequence[Item]]) -> "_Prototypes":
        """Per category: its name, its name with the aliases, and the titles and first description
        sentences of its most typical items (discounted), plus the contrastive centroid of its items."""
        holders = [[self._by_id[i.id] for i in by_category.get(c, [])] for c in self._categories]
        centroids = _contrastive_centroids(self._item_vectors, holders)
        protos: List[Tuple[int, str, float]] = []
        for n, category in enumerate(self._categories):
            aliases = self.vocabulary.categories.get(category, ())
            protos.append((n, category, 1.0))
            if aliases:
                protos.append((n, f"{category}: {', '.join(aliases)}", 1.0))
            for index in _typical(self._item_vectors, holders[n], SAMPLE_ITEMS, centroids[n]):
                protos.append((n, _base_title(self.items[index].title), ITEM_TEXT_WEIGHT))
                protos.append((n, _item_gist(self.items[index]), ITEM_TEXT_WEIGHT))
        return self._prototypes(protos, len(self._categories), centroids)

    def _prototypes(self, protos: Sequence[Tuple[int, str, float]], n_labels: int,
                    centroids: np.ndarray) -> "_Prototypes":
        vectors = self._encode([text for _, text, _ in protos])
        return _Prototypes(vectors, np.array([n for n, _, _ in protos]), np.array([w for _, _, w in protos]),
                           n_labels, centroids, ITEM_PROTOTYPE_WEIGHT)


# ---------------------------------------------------------------------- helpers


class _Prototypes:
    """Several weighted text prototypes per label plus one item centroid per label.

    A phrase's score for a label is its best (weighted) cosine with the label's text prototypes,
    blended with its cosine to the label's contrastive item centroid (what the items carrying the
    label have in common that the other items lack).
    """

    def __init__(self, vectors: np.ndarray, owners: np.ndarray, weights: np.ndarray, n_labels: int,
                 centroids: np.ndarray, centroid_weight: float) -> None:
        self.vectors = vectors
        self.owners = owners
        self.weights = weights.astype(np.float32)
        self.n_labels = n_labels
        self.centroids = centroids
        self.centroid_weight = centroid_weight

    def score(self, queries: np.ndarray) -> np.ndarray:
        sims = (queries @ self.vectors.T) * self.weights[None, :]
        best = np.full((queries.shape[0], self.n_labels), -1.0, dtype=np.float32)
        for label in range(self.n_labels):
            cols = self.owners == label
            if cols.any():
                best[:, label] = sims[:, cols].max(axis=1)
        if self.centroid_weight:
            best = (1 - self.centroid_weight) * best + self.centroid_weight * (queries @ self.centroids.T)
        return best


def _contrastive_centroids(item_vectors: np.ndarray, holders: Sequence[Sequence[int]]) -> np.ndarray:
    """Per label: mean of its items minus the mean of all items, normalised (zero when empty)."""
    overall = item_vectors.mean(axis=0)
    rows = []
    for members in holders:
        if not members:
            rows.append(np.zeros_like(overall))
            continue
        diff = item_vectors[list(members)].mean(axis=0) - overall
        norm = float(np.linalg.norm(diff))
        rows.append(diff / norm if norm > 1e-8 else np.zeros_like(overall))
    return np.stack(rows).astype(np.float32)


def _typical(item_vectors: np.ndarray, members: Sequence[int], k: int,
             direction: Optional[np.ndarray] = None) -> List[int]:
    """The ``k`` distinct members that point furthest along ``direction`` (default: their mean)."""
    if not members or k <= 0:
        return []
    vecs = item_vectors[list(members)]
    centre = vecs.mean(axis=0) if direction is None or not direction.any() else direction
    order = np.argsort(-(vecs @ centre))
    seen: Set[bytes] = set()
    chosen = []
    for n in order:
        key = vecs[int(n)].tobytes()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(members[int(n)])
        if len(chosen) == k:
            break
    return chosen


def _item_gist(item: Item) -> str:
    """What an item is, in one sentence: its description's first sentence, else its title."""
    return _first_sentence(item.description) or item.title


def _base_title(title: str) -> str:
    """A title without its " - Colour" variant suffix."""
    return re.split(r"\s[-–—]\s", title, maxsplit=1)[0]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0] if text else ""


def _confident(row: np.ndarray, threshold: float, margin: float) -> Tuple[Optional[int], float]:
    """(index, score) of the best label when it passes ``threshold`` by ``margin`` over the next."""
    if row.size == 0:
        return None, 0.0
    order = np.argsort(-row)
    best = float(row[order[0]])
    second = float(row[order[1]]) if row.size > 1 else -1.0
    if best >= threshold and best - second >= margin:
        return int(order[0]), best
    return None, best


def _is_content(word: Word) -> bool:
    low = word.low.removesuffix("'s")
    return low not in STOPWORDS and low not in COLOURS and not low.isdigit()


def _clause_of(text: str, group: Sequence[Tuple[Word, bool]], keep_head: bool = True) -> Optional[Clause]:
    """The need phrase of one clause: from its first to its last content word (not understood),
    headed by a preposition or negation right before it ("for the beach", "won't rust")."""
    content = [n for n, (w, understood) in enumerate(group) if not understood and _is_content(w)]
    if not content:
        return None
    first, last = content[0], content[-1]
    if keep_head:
        plain = [w for w, _ in group]
        first = head_of_phrase(plain, first)
        for back in range(first - 1, max(-1, first - 4), -1):
            if group[back][1]:
                break
            if plain[back].low in _NEGATIONS:
                first = back
                break
    while group[first][1]:
        first += 1
    span = group[first:last + 1]
    phrase = text[span[0][0].start:span[-1][0].end]
    # the encoder reads the whole clause after the product named ("I can just talk to", "won't
    # die halfway"): function words carry meaning too; understood words inside are left out
    start = first
    if keep_head:
        start = 0
        for n in range(first):
            if group[n][1]:
                start = n + 1
        whole = group[start:]
    else:
        whole = span
    embed = " ".join(w.text for w, understood in whole if not understood)
    return Clause(phrase, embed, span[0][0].start)


def _title_words(by_category: Mapping[str, Sequence[Item]], vocab: Vocabulary) -> Dict[Optional[str], FrozenSet[str]]:
    """Per category (and for all, under None): stems of words in the titles of several items that
    are not feature words: the shop's product nouns ("pan", "mower"), which name the product
    rather than a need."""
    feature_words: Set[str] = set()
    for name, aliases in vocab.features.items():
        for phrase in (name, *aliases):
            feature_words.update(stem(w) for w in normalise(phrase).split(" "))
    out: Dict[Optional[str], FrozenSet[str]] = {}
    every: Set[str] = set()
    for category, members in by_category.items():
        counts: Dict[str, int] = defaultdict(int)
        for item in members:
            for w in {stem(w.low) for w in words(item.title)}:
                counts[w] += 1
        found = {w for w, n in counts.items()
                 if n >= _TITLE_WORD_ITEMS and w not in feature_words and w not in STOPWORDS and w.isalpha()}
        out[category] = frozenset(found)
        every |= found
    out[None] = frozenset(every)
    return out


def _encode_items(encoder: Encoder, items: Sequence[Item]) -> np.ndarray:
    """Item vectors, encoding each distinct product once: variants that differ only in colour,
    size or storage ("... 256GB - Black") share the vector of the first of them."""
    variants = variant_words(items)
    keys: Dict[Tuple[str, str], int] = {}
    owner: List[int] = []
    texts: List[str] = []
    for item in items:
        key = (item.category, _variant_free(item_text(item), variants))
        if key not in keys:
            keys[key] = len(texts)
            texts.append(item_text(item))
        owner.append(keys[key])
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    return vectors[owner]


def _variant_free(text: str, variant_words: FrozenSet[str]) -> str:
    return " ".join(w.low for w in words(text) if w.low not in variant_words and not any(ch.isdigit() for ch in w.low))
