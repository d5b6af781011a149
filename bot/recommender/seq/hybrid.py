"""Transformer + item-kNN blend: ``score = transformer logit + w * item-kNN score``.

Why: on sparse shop data a transformer trained for minutes on a CPU has not yet learnt most rare
co-occurrences ("bought X, then Y" seen once or twice), while item-kNN reads them straight off the
user-item matrix. Adding the kNN score to the transformer's logits (the same ranking as adding it to the
log-softmax, since a user's normaliser is one constant) gives a rare item that co-occurs with the
user's history its due. The weight ``w`` is chosen on the validation split, never on the test split,
and 0 (the transformer alone) is always one of the choices. The serving side of the blend (the matrix in the
checkpoint, the term added to a request's scores) is ``recommender.scoring.knn``.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from recommender.scoring.knn import ItemSimilarity

from .evaluate import EvalCases, RankAccumulator, batches

log = logging.getLogger(__name__)

#: Weights tried on validation (kNN scores are sums of cosine similarities, mostly well below 1).
WEIGHT_GRID: Tuple[float, ...] = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)


class HybridRanker:
    """Scores every item for a batch of inputs: the transformer's logits plus ``weight`` x item-kNN."""

    def __init__(self, model_ranker, knn: ItemSimilarity, weight: float, name: Optional[str] = None):
        self.model_ranker, self.knn, self.weight = model_ranker, knn, float(weight)
        self.name = name or f"{model_ranker.name}+item-knn"

    def score_batch(self, items: Sequence[np.ndarray], events: Optional[Sequence[np.ndarray]] = None) -> np.ndarray:
        scores = np.asarray(self.model_ranker.score_batch(items, events), dtype=np.float32)
        if self.weight:
            scores += self.weight * self.knn.score_batch(items, events)
        return scores


def choose_weight(model_ranker, knn: ItemSimilarity, cases: EvalCases, protocol: str = "sampled",
                  grid: Sequence[float] = WEIGHT_GRID, seed: int = 0,
                  stop: Optional[Callable[[float], bool]] = None) -> Tuple[float, List[Dict[str, float]]]:
    """Evaluates each weight of ``grid`` on validation ``cases``; returns the best by ``protocol``
    NDCG@10 (ties go to the smaller weight) and one row per weight. The transformer and the kNN score each
    batch once for all the weights. ``stop(seconds the rest of the search would take)`` True (the time
    budget, asked after the first batch) thins the grid to every other weight, then to 0 alone."""
    weights = sorted(set(grid) | {0.0})
    accs = {w: RankAccumulator(cases, ("full", "sampled"), (10,), seed) for w in weights}
    n_batches = 0
    for a, inputs, events in batches(cases):
        t0 = time.perf_counter()
        base = np.asarray(model_ranker.score_batch(inputs, events), dtype=np.float32)
        term = knn.score_batch(inputs, events)
        scored = time.perf_counter()
        for w, acc in accs.items():
            acc.add(a, base + np.float32(w) * term)
        n_batches += 1
        if stop is not None and n_batches == 1:
            rest = math.ceil(len(cases.users) / max(len(inputs), 1)) - 1
            per_weight = (time.perf_counter() - scored) / len(accs)
            while len(accs) > 1 and stop(rest * (scored - t0 + per_weight * len(accs))):
                keep = sorted(accs)[::2] if len(accs) > 2 else [0.0]
                log.warning("item-kNN blend: the time budget leaves room for the weights %s only", keep)
                accs = {w: accs[w] for w in keep}
    rows: List[Dict[str, float]] = []
    best_w, best = 0.0, -1.0
    for w, acc in accs.items():
        res = acc.result()
        row = {"knn_weight": w, "val_full_NDCG@10": res["full"]["NDCG@10"],
               "val_sampled_NDCG@10": res["sampled"]["NDCG@10"], "val_sampled_HR@10": res["sampled"]["HR@10"]}
        rows.append(row)
        if row[f"val_{protocol}_NDCG@10"] > best + 1e-9:
            best_w, best = w, row[f"val_{protocol}_NDCG@10"]
    return best_w, rows
