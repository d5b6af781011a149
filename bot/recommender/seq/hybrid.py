"""Transformer + item-kNN blend: ``score = transformer logit + w * item-kNN score``.

Why: on sparse shop data a transformer trained for minutes on a CPU has not yet learnt most rare
co-occurrences ("bought X, then Y" seen once or twice), while item-kNN reads them straight off the
user-item matrix. Adding the kNN score to the transformer's logits (the same ranking as adding it to the
log-softmax, since a user's normaliser is one constant) gives a rare item that co-occurs with the
user's history its due. The weight ``w`` is chosen on the validation split, never on the test split,
and 0 (the transformer alone) is always one of the choices.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from .baselines import ItemKNN
from .evaluate import EvalCases, evaluate_ranker

log = logging.getLogger(__name__)

KNN_FILE = "knn.safetensors"
#: Weights tried on validation (kNN scores are sums of cosine similarities, mostly well below 1).
WEIGHT_GRID: Tuple[float, ...] = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)


class HybridRanker:
    """Scores every item for a batch of inputs: the transformer's logits plus ``weight`` x item-kNN."""

    def __init__(self, model_ranker, knn: ItemKNN, weight: float, name: Optional[str] = None):
        self.model_ranker, self.knn, self.weight = model_ranker, knn, float(weight)
        self.name = name or f"{model_ranker.name}+item-knn"

    def score_batch(self, items: Sequence[np.ndarray], events: Optional[Sequence[np.ndarray]] = None) -> np.ndarray:
        scores = np.asarray(self.model_ranker.score_batch(items, events), dtype=np.float32)
        if self.weight:
            scores += self.weight * self.knn.score_batch(items, events)
        return scores


def choose_weight(model_ranker, knn: ItemKNN, cases: EvalCases, protocol: str = "sampled",
                  grid: Sequence[float] = WEIGHT_GRID, seed: int = 0) -> Tuple[float, List[Dict[str, float]]]:
    """Evaluates each weight of ``grid`` on validation ``cases``; returns the best by ``protocol``
    NDCG@10 (ties go to the smaller weight) and one row per weight."""
    rows: List[Dict[str, float]] = []
    best_w, best = 0.0, -1.0
    for w in sorted(set(grid) | {0.0}):
        res = evaluate_ranker(HybridRanker(model_ranker, knn, w), cases, protocols=("full", "sampled"), ks=(10,),
                              seed=seed)
        row = {"knn_weight": w, "val_full_NDCG@10": res["full"]["NDCG@10"],
               "val_sampled_NDCG@10": res["sampled"]["NDCG@10"], "val_sampled_HR@10": res["sampled"]["HR@10"]}
        rows.append(row)
        if row[f"val_{protocol}_NDCG@10"] > best + 1e-9:
            best_w, best = w, row[f"val_{protocol}_NDCG@10"]
    return best_w, rows


# ------------------------------------------------------------------------------------------------
# Checkpoint part: the similarity matrix beside the transformer's weights
# ------------------------------------------------------------------------------------------------

def save_knn(path: Union[str, Path], knn: ItemKNN) -> Path:
    from safetensors.numpy import save_file

    S = knn.S.tocsr()
    out = Path(path) / KNN_FILE
    save_file({"indptr": S.indptr.astype(np.int64), "indices": S.indices.astype(np.int64),
               "data": S.data.astype(np.float32), "shape": np.asarray(S.shape, dtype=np.int64)}, str(out))
    return out


def load_knn(path: Union[str, Path], decay: float = 1.0) -> Optional[ItemKNN]:
    """The checkpoint's item-kNN matrix (history weights ``decay`` ** age), or None when it has none."""
    import scipy.sparse as sp
    from safetensors.numpy import load_file

    p = Path(path) / KNN_FILE
    if not p.exists():
        return None
    t = load_file(str(p))
    shape = tuple(int(x) for x in t["shape"])
    S = sp.csr_matrix((t["data"], t["indices"], t["indptr"]), shape=shape)
    return ItemKNN.from_matrix(S, decay)
