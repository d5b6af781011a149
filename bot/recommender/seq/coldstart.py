"""Content-based cold start: item embeddings for catalogue items without interactions, from their text.

An item no one has interacted with yet keeps the random embedding it was initialised with, so the transformer
scores it at random. Before a checkpoint is written, each such item's row of the item table is replaced by
the similarity-weighted mean of the rows of the ``k`` *warm* items (those with training interactions) whose
text is closest to its own: TF-IDF over title, brand, category, features and description, cosine similarity.
A new phone case then scores like the phone cases shoppers already buy. Items without any text overlap get the
mean warm row (a neutral score). Ensembles get the same treatment in every member's table.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Dict, List, Mapping, Sequence, Tuple

import numpy as np
import torch

_TOKEN = re.compile(r"[a-z0-9]+(?:[.+][a-z0-9]+)*")


def item_text(item) -> str:
    """The words that describe a catalog ``Item`` (title, brand, category, features, description)."""
    parts = [item.title, item.brand, item.category.replace("_", " "), " ".join(item.features), item.description]
    return " ".join(p for p in parts if p)


def tokens(text: str) -> List[str]:
    return [t for t in _TOKEN.findall(text.lower()) if len(t) > 1]


def tfidf(texts: Sequence[str]):
    """L2-normalised TF-IDF rows (scipy CSR), one per text; idf = log((1 + n) / (1 + df)) + 1."""
    import scipy.sparse as sp

    docs = [Counter(tokens(t)) for t in texts]
    vocab: Dict[str, int] = {}
    for d in docs:
        for w in d:
            vocab.setdefault(w, len(vocab))
    df = np.zeros(len(vocab))
    for d in docs:
        for w in d:
            df[vocab[w]] += 1
    idf = np.log((1 + len(docs)) / (1 + df)) + 1
    rows, cols, vals = [], [], []
    for r, d in enumerate(docs):
        for w, c in d.items():
            rows.append(r)
            cols.append(vocab[w])
            vals.append((1 + math.log(c)) * idf[vocab[w]])
    X = sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), max(len(vocab), 1)), dtype=np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ X


def cold_rows(table: np.ndarray, warm: np.ndarray, texts: Sequence[str], k: int = 10
              ) -> Tuple[np.ndarray, int]:
    """New rows for the cold items of ``table`` ((n_items + 1, H), row 0 padding): ``warm`` is a bool mask over
    the rows, ``texts[i - 1]`` the text of item index ``i``. Returns (cold row indices, their new rows) as one
    array of rows and the number of cold items that matched some warm item's text."""
    n = table.shape[0]
    cold = np.flatnonzero(~warm[1:]) + 1
    warm_idx = np.flatnonzero(warm[1:]) + 1
    out = np.empty((len(cold), table.shape[1]), dtype=table.dtype)
    if not len(cold):
        return out, 0
    mean = table[warm_idx].mean(axis=0) if len(warm_idx) else np.zeros(table.shape[1], dtype=table.dtype)
    if not len(warm_idx):
        out[:] = mean
        return out, 0
    X = tfidf(list(texts) + [""] * max(0, n - 1 - len(texts)))
    sims = (X[cold - 1] @ X[warm_idx - 1].T).toarray()  # (cold, warm)
    matched = 0
    for r in range(len(cold)):
        s = sims[r]
        top = np.argpartition(-s, min(k, len(s) - 1))[:k] if len(s) > k else np.arange(len(s))
        top = top[s[top] > 0]
        if not len(top):
            out[r] = mean
            continue
        w = s[top] / s[top].sum()
        out[r] = (w[:, None] * table[warm_idx[top]]).sum(axis=0)
        matched += 1
    return out, matched


def apply_cold_start(model: torch.nn.Module, item_ids: Sequence[str], warm: np.ndarray,
                     texts: Mapping[str, str], k: int = 10) -> Dict[str, int]:
    """Rewrites the item-embedding rows of the cold items (``warm`` False) of ``model`` (a SASRec, BERT4Rec or
    an ensemble of them) in place; returns counts for the report."""
    members = list(getattr(model, "members", [model]))
    ordered = [texts.get(i, "") for i in item_ids]
    cold = int((~warm[1:]).sum())
    matched = 0
    with torch.no_grad():
        for m in members:
            weight = m.emb.item.weight
            table = weight.detach().cpu().float().numpy()
            rows, matched = cold_rows(table[: len(item_ids) + 1], warm[: len(item_ids) + 1], ordered, k)
            idx = torch.from_numpy(np.flatnonzero(~warm[1: len(item_ids) + 1]) + 1)
            if len(idx):
                weight[idx] = torch.from_numpy(rows).to(weight.dtype).to(weight.device)
    return {"cold_items": cold, "cold_items_matched_by_text": matched, "warm_items": int(warm[1:].sum())}


def warm_mask(split, with_validation: bool = False) -> np.ndarray:
    """Rows of items that occur in the training prefixes (inputs or targets): their embeddings were trained."""
    from .data import train_sequences

    mask = np.zeros(split.data.n_items + 1, dtype=bool)
    for items, _, _ in train_sequences(split, with_validation=with_validation):
        mask[items] = True
    mask[0] = True  # padding is not an item to fill
    return mask
