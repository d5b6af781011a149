"""The item-kNN term of a blended checkpoint: ``score = transformer logit + knn_weight x kNN score``.

``ItemSimilarity`` holds an (n_items + 1) x (n_items + 1) sparse similarity matrix (row/column 0 =
padding). A user's kNN score for an item is the sum of its similarities to the user's liked history items
(disliked items left out), each weighted ``decay ** its distance from the newest history item``. The matrix is
built by ``recommender.seq.baselines.ItemKNN`` and stored beside the weights as ``knn.safetensors``.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

from .events import EVENT_INDEX, NEGATIVE_EVENTS

KNN_FILE = "knn.safetensors"
#: Event indices whose items never count as a user's liked items (dislikes)
NEGATIVE_EVENT_IDS = np.array(sorted(EVENT_INDEX[e] for e in NEGATIVE_EVENTS), dtype=np.int64)


class ItemSimilarity:
    """Scores items by their similarity to a user's liked history items."""

    name = "item-knn"

    def __init__(self, S, decay: float = 1.0):
        self.S = S.tocsr()
        self.n = self.S.shape[0]
        self.decay = decay

    @classmethod
    def from_matrix(cls, S, decay: float = 1.0) -> "ItemSimilarity":
        """An instance over a stored (n_items + 1, n_items + 1) similarity matrix (also for subclasses)."""
        obj = cls.__new__(cls)
        ItemSimilarity.__init__(obj, S, decay)
        return obj

    def history_weights(self, seq: np.ndarray, events: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """(items, weights) of a user's liked history items: disliked items left out, each item once, at the
        weight of its latest occurrence."""
        seq = np.asarray(seq)
        age = np.arange(len(seq) - 1, -1, -1)
        keep = seq > 0
        if events is not None and len(NEGATIVE_EVENT_IDS):
            keep &= ~np.isin(np.asarray(events), NEGATIVE_EVENT_IDS)
        seq, age = seq[keep], age[keep]
        its, first_from_end = np.unique(seq[::-1], return_index=True)
        return its, (self.decay ** age[::-1][first_from_end]).astype(np.float32)

    def score_batch(self, items: Sequence[np.ndarray], events: Optional[Sequence[np.ndarray]] = None) -> np.ndarray:
        """(B, n_items + 1) kNN scores for a batch of histories."""
        import scipy.sparse as sp

        rows: List[np.ndarray] = []
        cols: List[np.ndarray] = []
        vals: List[np.ndarray] = []
        for b, seq in enumerate(items):
            its, w = self.history_weights(seq, None if events is None else events[b])
            rows.append(np.full(len(its), b))
            cols.append(its)
            vals.append(w)
        H = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(len(items), self.n))
        return np.asarray((H @ self.S).todense(), dtype=np.float32)

    def candidate_scores(self, history: np.ndarray, candidates: np.ndarray,
                         events: Optional[np.ndarray] = None) -> np.ndarray:
        """Weighted sum of similarities between the liked history items and each candidate index."""
        its, w = self.history_weights(history, events)
        if not len(its):
            return np.zeros(len(candidates), dtype=np.float32)
        row = np.asarray(self.S[its].T @ w).ravel()
        return row[candidates].astype(np.float32)


def save_knn(path: Union[str, Path], knn: ItemSimilarity) -> Path:
    from safetensors.numpy import save_file

    S = knn.S.tocsr()
    out = Path(path) / KNN_FILE
    save_file({"indptr": S.indptr.astype(np.int64), "indices": S.indices.astype(np.int64),
               "data": S.data.astype(np.float32), "shape": np.asarray(S.shape, dtype=np.int64)}, str(out))
    return out


def load_knn(path: Union[str, Path], decay: float = 1.0) -> Optional[ItemSimilarity]:
    """The checkpoint's item-kNN matrix (history weights ``decay`` ** age), or None when it has none."""
    import scipy.sparse as sp
    from safetensors.numpy import load_file

    p = Path(path) / KNN_FILE
    if not p.exists():
        return None
    t = load_file(str(p))
    shape = tuple(int(x) for x in t["shape"])
    S = sp.csr_matrix((t["data"], t["indices"], t["indptr"]), shape=shape)
    return ItemSimilarity(S, decay)
