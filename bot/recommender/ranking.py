"""Rankers: order constraint-filtered candidates for one shopper.

``BaselineRanker`` mixes popularity with taste affinities learnt from the shopper's history and
this conversation's feedback. ``SequenceRanker`` puts the transformer scorer (``recommender.seq``)
in front of it and falls back to the baseline for cold users or when no checkpoint is loaded.
"""
from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Protocol, Sequence, Tuple

from .catalog import Item
from .similarity import item_similarity

logger = logging.getLogger(__name__)

#: How much one event says about taste; dislikes push away.
EVENT_WEIGHTS: Mapping[str, float] = {
    "view": 1.0,
    "click": 1.5,
    "rating": 2.0,
    "like": 3.0,
    "add_to_cart": 4.0,
    "purchase": 6.0,
    "dislike": -3.0,
}
POSITIVE_SESSION_EVENTS = frozenset({"like", "add_to_cart", "purchase"})


@dataclass(frozen=True)
class RankingContext:
    """Who is asking: stored history plus this conversation's feedback, oldest first."""

    history: Tuple[Tuple[str, str], ...] = ()
    liked: Tuple[str, ...] = ()
    disliked: Tuple[str, ...] = ()


@dataclass
class ScoredItem:
    item: Item
    score: float
    #: why it ranks where it does, read by ``recommender.reasons``
    signals: Dict[str, object] = field(default_factory=dict)


class Ranker(Protocol):
    name: str

    def rank(self, candidates: Sequence[Item], context: RankingContext) -> List[ScoredItem]:
        ...


def _normalise(values: Sequence[float]) -> List[float]:
    """Min-max to [0, 1]; all-equal inputs map to 0.5 so they neither help nor hurt."""
    if not values:
        return []
    low, high = min(values), max(values)
    if math.isclose(low, high):
        return [0.5] * len(values)
    return [(v - low) / (high - low) for v in values]


@dataclass
class TasteProfile:
    """Affinities to brands, categories and features, from weighted, recency-decayed events."""

    brands: Dict[str, float]
    categories: Dict[str, float]
    features: Dict[str, float]

    @classmethod
    def from_history(cls, history: Sequence[Tuple[str, str]], items: Mapping[str, Item],
                     decay: float = 0.97) -> "TasteProfile":
        brands: Dict[str, float] = defaultdict(float)
        categories: Dict[str, float] = defaultdict(float)
        features: Dict[str, float] = defaultdict(float)
        for age, (item_id, event) in enumerate(reversed(history)):
            item = items.get(item_id)
            if item is None or age > 200:
                continue
            w = EVENT_WEIGHTS.get(event, 1.0) * decay**age
            brands[item.brand.lower()] += w
            categories[item.category] += w
            for tag in item.features:
                features[tag] += w / max(1, len(item.features))
        return cls(_scale(brands), _scale(categories), _scale(features))

    def affinity(self, item: Item) -> float:
        brand = self.brands.get(item.brand.lower(), 0.0)
        feature = sum(self.features.get(t, 0.0) for t in item.features) / max(1, len(item.features))
        return 0.6 * brand + 0.4 * feature

    @property
    def empty(self) -> bool:
        return not (self.brands or self.features)


def _scale(weights: Dict[str, float]) -> Dict[str, float]:
    top = max((abs(v) for v in weights.values()), default=0.0)
    return {k: v / top for k, v in weights.items()} if top else {}


def session_adjustment(item: Item, liked: Sequence[Item], disliked: Sequence[Item]) -> Tuple[float, Optional[Item]]:
    """Boost for resemblance to liked items, penalty for resemblance to disliked ones."""
    boost, anchor = 0.0, None
    for other in liked:
        sim = item_similarity(item, other)
        if sim > boost:
            boost, anchor = sim, other
    penalty = max((item_similarity(item, other) for other in disliked), default=0.0)
    return 1.2 * boost - 0.5 * penalty, anchor


#: how alike a history item must be to a candidate for the reason to name it
HISTORY_MATCH_SIMILARITY = 0.4


def _history_match(item: Item, held: Sequence[Tuple[Item, str]]) -> Optional[Tuple[str, str]]:
    """(title, event) of the shopper's history item this candidate is most like, when alike enough."""
    best, found = HISTORY_MATCH_SIMILARITY, None
    for other, event in held:
        if other.id == item.id:
            continue
        sim = item_similarity(item, other)
        if sim > best:
            best, found = sim, (other.title, event)
    return found


class BaselineRanker:
    """Popularity + history taste + in-conversation feedback. Works for every shopper."""

    name = "baseline"

    def __init__(self, items: Mapping[str, Item], popularity: Mapping[str, float]):
        self.items = items
        self._popularity = {k: math.log1p(max(0.0, v)) for k, v in popularity.items()}
        self._top_popularity = max(self._popularity.values(), default=0.0) or 1.0

    def popularity(self, item_id: str) -> float:
        """Popularity in [0, 1] (log-scaled)."""
        return self._popularity.get(item_id, 0.0) / self._top_popularity

    def rank(self, candidates: Sequence[Item], context: RankingContext) -> List[ScoredItem]:
        taste = TasteProfile.from_history(context.history, self.items)
        return self.rank_with(candidates, context, personal=None, taste=taste)

    def rank_with(self, candidates: Sequence[Item], context: RankingContext,
                  personal: Optional[Sequence[float]], taste: Optional[TasteProfile] = None) -> List[ScoredItem]:
        """Combine popularity, a personal score (model or taste) and session feedback."""
        liked = [self.items[i] for i in context.liked if i in self.items]
        disliked = [self.items[i] for i in context.disliked if i in self.items]
        if personal is None:
            taste = taste or TasteProfile(brands={}, categories={}, features={})
            raw = [taste.affinity(item) for item in candidates]
            personal_weight = 0.45 if not taste.empty else 0.0
        else:
            raw = list(personal)
            personal_weight = 0.6
        personal_norm = _normalise(raw)
        #: what the shopper really did, newest first: a history reason must name one of these
        held = [(self.items[i], e) for i, e in reversed(context.history) if i in self.items and e != "dislike"]
        scored = []
        for item, p in zip(candidates, personal_norm):
            pop = self.popularity(item.id)
            adjust, anchor = session_adjustment(item, liked, disliked)
            score = (1.0 - personal_weight) * pop + personal_weight * p + adjust
            signals: Dict[str, object] = {"popularity": pop, "personal": p if personal_weight else None,
                                          "ranker": "baseline" if personal is None else SequenceRanker.name}
            if anchor is not None and adjust > 0.6:
                signals["similar_to_liked"] = anchor.title
            if personal_weight and p > 0.75:
                match = _history_match(item, held)
                if match is not None:  # a fact of the store, never a label read off the score
                    signals["history_match"] = match
            scored.append(ScoredItem(item, score, signals))
        scored.sort(key=lambda s: (-s.score, s.item.price, s.item.id))
        return scored


class SequenceRanker:
    """Transformer scores over the shopper's sequence, falling back to the baseline when cold."""

    name = "transformer"

    def __init__(self, scorer, baseline: BaselineRanker):
        self.scorer = scorer
        self.baseline = baseline

    def rank(self, candidates: Sequence[Item], context: RankingContext) -> List[ScoredItem]:
        scores = None
        if context.history and candidates:
            scores = self.scorer.score(list(context.history), [c.id for c in candidates])
        if scores is None:
            logger.debug("cold shopper (no known history): baseline ranking")
            return self.baseline.rank(candidates, context)
        return self.baseline.rank_with(candidates, context, personal=[float(s) for s in scores])


def rank_by_similarity(anchor: Item, ranked: Sequence[ScoredItem]) -> List[ScoredItem]:
    """Re-order an already ranked list by resemblance to ``anchor`` ("more like this one")."""
    if not ranked:
        return []
    personal = _normalise([s.score for s in ranked])
    out = []
    for s, p in zip(ranked, personal):
        sim = item_similarity(anchor, s.item)
        signals = dict(s.signals, similar_to=anchor.title, similarity=sim)
        out.append(ScoredItem(s.item, 0.7 * sim + 0.3 * p, signals))
    out.sort(key=lambda s: (-s.score, s.item.price, s.item.id))
    return out
