"""Ranking metrics for leave-one-out evaluation (one relevant item per user).

Ranks are 0-based: rank 0 means the target came first. With one relevant item, HR@K = [rank < K] and
NDCG@K = 1 / log2(rank + 2) if rank < K else 0, averaged over users.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Sequence

import numpy as np

KS: tuple = (1, 5, 10, 20)


def target_ranks(scores: np.ndarray, target_scores: np.ndarray, rng: Optional[np.random.Generator] = None,
                 exclude_self: bool = True) -> np.ndarray:
    """0-based rank of each row's target among the row's scores.

    ``scores``: (B, C) scores of all candidates (the target's own entry included when ``exclude_self``);
    items scored ``-inf`` never outrank anything. Ties with the target are broken uniformly at random
    (expected rank), or counted as half when ``rng`` is None.
    """
    scores = np.asarray(scores, dtype=np.float64)
    t = np.asarray(target_scores, dtype=np.float64)[:, None]
    greater = (scores > t).sum(axis=1)
    ties = (scores == t).sum(axis=1) - (1 if exclude_self else 0)
    ties = np.maximum(ties, 0)
    if rng is None:
        return greater + ties // 2
    return greater + np.floor(rng.random(len(ties)) * (ties + 1)).astype(np.int64)


def hit_rate(ranks: Sequence[int], k: int) -> float:
    r = np.asarray(ranks)
    return float(np.mean(r < k)) if len(r) else 0.0


def ndcg(ranks: Sequence[int], k: int) -> float:
    r = np.asarray(ranks, dtype=np.float64)
    if not len(r):
        return 0.0
    gains = np.where(r < k, 1.0 / np.log2(r + 2.0), 0.0)
    return float(np.mean(gains))


def mrr(ranks: Sequence[int]) -> float:
    r = np.asarray(ranks, dtype=np.float64)
    return float(np.mean(1.0 / (r + 1.0))) if len(r) else 0.0


def summarize(ranks: Sequence[int], ks: Iterable[int] = KS) -> Dict[str, float]:
    out: Dict[str, float] = {}
    for k in ks:
        out[f"HR@{k}"] = hit_rate(ranks, k)
        out[f"NDCG@{k}"] = ndcg(ranks, k)
    out["MRR"] = mrr(ranks)
    out["users"] = int(len(ranks))
    return out


def coverage(top_lists: Iterable[Sequence[int]], n_items: int) -> float:
    """Share of the catalogue that appears in at least one user's top-K list."""
    seen = set()
    for lst in top_lists:
        seen.update(int(i) for i in lst)
    seen.discard(0)
    return len(seen) / n_items if n_items else 0.0
