"""Non-neural baselines scored through the same interface as the transformer.

A ranker exposes ``name`` and ``score_batch(items, events) -> (B, n_items + 1)`` scores for a batch of
input sequences (column 0 = padding, ignored).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from recommender.scoring.knn import ItemSimilarity

from .data import Split


class MostPopular:
    """Training-interaction counts, the same list for every user."""

    name = "most-popular"

    def __init__(self, split: Split):
        from .data import popularity

        self.counts = popularity(split)

    def score_batch(self, items: Sequence[np.ndarray], events: Optional[Sequence[np.ndarray]] = None) -> np.ndarray:
        return np.tile(self.counts.astype(np.float32), (len(items), 1))


class ItemKNN(ItemSimilarity):
    """Item-based k-nearest neighbours: cosine similarity of item columns in the user-item matrix
    (with shrinkage), ``k`` neighbours kept per item, a user's score = sum of similarities to their items
    (disliked items excluded), each weighted ``decay ** its distance from the newest history item`` (1.0 = all
    equal). ``with_validation`` also counts each user's validation item (never the test
    item), for a model refitted on it."""

    name = "item-knn"

    def __init__(self, split: Split, k: int = 100, shrink: float = 10.0, with_validation: bool = False,
                 decay: float = 1.0):
        import scipy.sparse as sp

        d = split.data
        rows, cols = [], []
        for u in range(d.n_users):
            end = int(split.test_pos[u]) if with_validation and split.test_pos[u] >= 0 else split.train_end(u)
            its = np.unique(d.items[u][:end][d.positive[u][:end]])
            rows.append(np.full(len(its), u))
            cols.append(its)
        n = d.n_items + 1
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        X = sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(d.n_users, n))
        C = (X.T @ X).tocsr().astype(np.float32)
        norms = np.sqrt(np.asarray(X.sum(axis=0)).ravel()).astype(np.float32)
        C.setdiag(0)
        C.eliminate_zeros()
        coo = C.tocoo()
        sim = coo.data / (norms[coo.row] * norms[coo.col] + shrink)
        S = sp.csr_matrix((sim.astype(np.float32), (coo.row, coo.col)), shape=(n, n))
        super().__init__(self._top_k(S, k), decay)

    @staticmethod
    def _top_k(S, k: int):
        import scipy.sparse as sp

        indptr, indices, data = S.indptr, S.indices, S.data
        rows, cols, vals = [], [], []
        for i in range(S.shape[0]):
            a, b = indptr[i], indptr[i + 1]
            if b - a == 0:
                continue
            d = data[a:b]
            idx = indices[a:b]
            if b - a > k:
                keep = np.argpartition(-d, k)[:k]
                d, idx = d[keep], idx[keep]
            rows.append(np.full(len(idx), i))
            cols.append(idx)
            vals.append(d)
        if not rows:
            return sp.csr_matrix(S.shape, dtype=np.float32)
        return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=S.shape)
