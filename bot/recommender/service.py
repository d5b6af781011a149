"""The recommender facade the action server (or a notebook) calls.

Filter by hard constraints first, then rank what is left for this shopper, then explain.
When nothing fits, say how the request could be loosened and show the nearest options.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence

from .catalog import Item
from .constraints import Constraints
from .ranking import BaselineRanker, Ranker, RankingContext, ScoredItem, SequenceRanker, rank_by_similarity
from .reasons import explain
from .relaxation import Relaxation, suggest_relaxations
from .vocabulary import Vocabulary, build_vocabulary
from .shop import ShopProfile

DEFAULT_LIST_SIZE = 5


@dataclass
class RankedItem:
    item: Item
    score: float
    reason: str
    #: other colours / sizes of the same model (one row, "also in Blue, 256 GB")
    variants: List[Item] = field(default_factory=list)
    signals: Dict[str, object] = field(default_factory=dict)

    def to_payload(self) -> dict:
        payload = {**self.item.to_payload(), "reason": self.reason, "description": self.item.description}
        if self.item.image_url:
            payload["image_url"] = self.item.image_url
        if self.variants:
            payload["variants"] = [{"id": v.id, "title": v.title, "price": v.price} for v in self.variants]
        return payload


@dataclass
class Recommendation:
    """A ranked list that honours ``constraints``; empty ``items`` comes with ``relaxations``."""

    constraints: Constraints
    items: List[RankedItem]
    total_matches: int
    ranker: str
    relaxations: List[Relaxation] = field(default_factory=list)
    nearest: List[RankedItem] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.items)


class Recommender:
    """Holds the catalog in memory; stateless per request."""

    def __init__(self, items: Iterable[Item], popularity: Optional[Mapping[str, float]] = None, scorer=None,
                 model_key: Optional[Callable[[Item], str]] = None, words: Optional[Mapping] = None,
                 profile: Optional[ShopProfile] = None):
        self.catalog: List[Item] = list(items)
        #: which model an item is a variant of; variants of one model fill one row of a list
        self.model_key = model_key
        self.items = {item.id: item for item in self.catalog}
        #: the shop's own words (its vocabulary document) on top of the catalog's names
        self.vocabulary: Vocabulary = build_vocabulary(self.catalog, words)
        #: the shop's currency and locale: every composed sentence speaks of money in them
        self.profile: ShopProfile = profile or ShopProfile.from_document(None, self.catalog)
        self.baseline = BaselineRanker(self.items, popularity or {})
        self.ranker: Ranker = SequenceRanker(scorer, self.baseline) if scorer is not None else self.baseline

    def _exclusions(self, constraints: Constraints, context: RankingContext, skip: Sequence[str]) -> Constraints:
        hidden = set(constraints.excluded_ids) | set(context.disliked) | set(skip)
        return constraints.with_changes(excluded_ids=frozenset(hidden))

    def _used(self, ranked: Sequence[ScoredItem]) -> str:
        """The ranker that actually ordered the list (the transformer hands cold shoppers to the baseline)."""
        return str(ranked[0].signals.get("ranker", self.ranker.name)) if ranked else self.ranker.name

    def _finish(self, ranked: List[ScoredItem], constraints: Constraints, k: int) -> List[RankedItem]:
        """The best ``k`` models: the best-ranked variant of each stands for it, the rest ride along."""
        rows: List[RankedItem] = []
        by_model: Dict[str, RankedItem] = {}
        for s in ranked:
            key = self.model_key(s.item) if self.model_key else s.item.id
            if key in by_model:
                by_model[key].variants.append(s.item)
                continue
            if len(rows) >= k:
                continue
            row = RankedItem(s.item, s.score, explain(s, constraints), signals=dict(s.signals))
            by_model[key] = row
            rows.append(row)
        return rows

    @staticmethod
    def _with_relevance(ranked: List[ScoredItem], relevance: Optional[Mapping[str, float]],
                        weight: float) -> List[ScoredItem]:
        """Blend how well each item's text matches the shopper's own words into the order."""
        if not relevance or not ranked:
            return ranked
        values = [relevance.get(s.item.id, 0.0) for s in ranked]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        for s, value in zip(ranked, values):
            s.signals["relevance"] = (value - low) / span
            s.score += weight * (value - low) / span
        return sorted(ranked, key=lambda s: (-s.score, s.item.price, s.item.id))

    def count_models(self, candidates: Sequence[Item]) -> int:
        if not self.model_key:
            return len(candidates)
        return len({self.model_key(i) for i in candidates})

    def recommend(self, constraints: Constraints, context: RankingContext = RankingContext(),
                  k: int = DEFAULT_LIST_SIZE, skip: Sequence[str] = (),
                  relevance: Optional[Callable[[Sequence[Item]], Mapping[str, float]]] = None,
                  relevance_weight: float = 0.5) -> Recommendation:
        """Top ``k`` models meeting every constraint, best first for this shopper."""
        effective = self._exclusions(constraints, context, skip)
        candidates = effective.filter(self.catalog)
        if candidates:
            ranked = self.ranker.rank(candidates, context)
            if relevance is not None:
                ranked = self._with_relevance(ranked, relevance(candidates), relevance_weight)
            return Recommendation(constraints, self._finish(ranked, constraints, k), self.count_models(candidates),
                                  self._used(ranked))
        relaxations = suggest_relaxations(self.catalog, effective)
        nearest: List[RankedItem] = []
        if relaxations:
            best = relaxations[0].constraints
            ranked = self.ranker.rank(best.filter(self.catalog), context)
            nearest = self._finish(ranked, best, 3)
        return Recommendation(constraints, [], 0, self.ranker.name, relaxations, nearest)

    def similar(self, anchor_id: str, constraints: Constraints, context: RankingContext = RankingContext(),
                k: int = DEFAULT_LIST_SIZE) -> Recommendation:
        """Items like ``anchor_id`` in its category that still meet the other constraints."""
        anchor = self.items[anchor_id]
        scoped = constraints.with_changes(category=anchor.category)
        effective = self._exclusions(scoped, context, (anchor_id,))
        candidates = effective.filter(self.catalog)
        if not candidates:
            return Recommendation(scoped, [], 0, self.ranker.name, suggest_relaxations(self.catalog, effective))
        ranked = rank_by_similarity(anchor, self.ranker.rank(candidates, context))
        for s in ranked:
            s.signals["anchor_features"] = anchor.features
        return Recommendation(scoped, self._finish(ranked, scoped, k), len(candidates), self._used(ranked))

    def cheaper(self, constraints: Constraints, shown_ids: Sequence[str]) -> Constraints:
        """Below the cheapest item shown; without a list, 20% below the budget or the median."""
        shown = [self.items[i].price for i in shown_ids if i in self.items]
        if shown:
            new_max = float(math.ceil(min(shown)) - 1)
        elif constraints.max_price is not None:
            new_max = float(math.floor(constraints.max_price * 0.8))
        else:
            prices = sorted(i.price for i in constraints.filter(self.catalog)) or [0.0]
            new_max = float(math.floor(prices[len(prices) // 2]))
        new_min = constraints.min_price if constraints.min_price is not None and constraints.min_price < new_max else None
        return constraints.with_changes(max_price=max(new_max, 0.0), min_price=new_min)

    def pricier(self, constraints: Constraints, shown_ids: Sequence[str]) -> Constraints:
        """Above the dearest item shown (or the current budget); the upper limit goes."""
        shown = [self.items[i].price for i in shown_ids if i in self.items]
        if shown:
            new_min = float(math.floor(max(shown)) + 1)
        elif constraints.max_price is not None:
            new_min = float(constraints.max_price)
        else:
            prices = sorted(i.price for i in constraints.filter(self.catalog)) or [0.0]
            new_min = float(math.floor(prices[len(prices) // 2]))
        return constraints.with_changes(min_price=new_min, max_price=None)
