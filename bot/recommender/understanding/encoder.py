"""The sentence encoder behind the semantic readers, loaded once per model folder.

A shopper's own words ("block out noise on the train") are compared with the shop's vocabulary by
meaning, as cosines of sentence embeddings. Any object with ``encode(texts) -> L2-normalised rows``
will do (tests may pass their own); ``load_encoder`` gives the sentence-transformers one for the
configured model folder (``recommender.settings``: the all-MiniLM-L6-v2 copy shipped in a wheel),
on CUDA when there is a GPU. Loading costs seconds, so it happens once per path per process.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Protocol, Sequence, runtime_checkable

import numpy as np

from ..settings import get_settings

log = logging.getLogger(__name__)

#: item texts are short; truncating at this many tokens keeps batch encoding of a catalog fast
MAX_SEQ_LENGTH = 128
#: distinct texts whose vectors are kept (a conversation repeats its phrases turn after turn)
CACHE_SIZE = 4096
#: batches up to this size (one message's phrases) run on a single CPU thread: intra-op threads
#: buy nothing on a handful of short texts, and on a busy CPU their spin-waiting made a 6 ms encode
#: take 150-550 ms (measured: p50 264 ms with 2 threads vs 14 ms with 1, load average 5 on 2 cores)
SMALL_BATCH = 16


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised embedding rows (one row per text)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceEncoder:
    """A sentence-transformers model with an LRU cache of the texts it has seen.

    ``words`` is the model's WordPiece vocabulary (whole words only): a list of real English
    words that the spelling corrector must never "correct".
    """

    def __init__(self, model, path: str, batch_size: int = 64) -> None:
        self._model = model
        self.path = path
        self.batch_size = batch_size
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._on_cpu = str(getattr(model, "device", "cpu")).startswith("cpu")
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dimension() or 0)
        self.words: FrozenSet[str] = wordpiece_words(path)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``; texts seen before come from the cache, the rest in one batch."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = self._run(missing)
            with self._lock:
                # a big batch (a catalog) is encoded once and not worth caching text by text
                if len(missing) <= 64:
                    for text, row in zip(missing, fresh):
                        self._cache[text] = row
                    while len(self._cache) > CACHE_SIZE:
                        self._cache.popitem(last=False)
            found = dict(zip(missing, fresh))
        else:
            found = {}
        with self._lock:
            rows = []
            for t in texts:
                row = found.get(t)
                if row is None:
                    row = self._cache[t]
                    self._cache.move_to_end(t)
                rows.append(row)
        return np.stack(rows)


    def _run(self, texts: List[str]) -> np.ndarray:
        """Encode on the model; a per-message batch runs on one CPU thread (see SMALL_BATCH)."""
        with self._model_lock:
            single = self._on_cpu and len(texts) <= SMALL_BATCH
            threads = torch_threads() if single else 0
            if single and threads > 1:
                set_torch_threads(1)
            try:
                rows = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False)
            finally:
                if single and threads > 1:
                    set_torch_threads(threads)
        return np.asarray(rows, dtype=np.float32)


def torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def set_torch_threads(n: int) -> None:
    import torch

    torch.set_num_threads(n)


def wordpiece_words(path: str) -> FrozenSet[str]:
    """Whole-word entries of the model's ``vocab.txt`` (no "##" pieces, no [special] tokens)."""
    vocab = Path(path) / "vocab.txt"
    if not vocab.is_file():
        return frozenset()
    with open(vocab, encoding="utf-8") as handle:
        return frozenset(w for w in (line.strip() for line in handle)
                         if w.isalpha() and w.islower() and not w.startswith("##"))


_LOADED: Dict[str, Optional[SentenceEncoder]] = {}
_LOAD_LOCK = threading.Lock()


def load_encoder(path: Optional[str] = None) -> Optional[Encoder]:
    """The sentence encoder in folder ``path`` (default: the configured one), loaded once.

    Returns None, with one log line, when the path is empty or missing or the model cannot be
    loaded: callers then simply skip semantic matching.
    """
    path = get_settings().encoder_path if path is None else path
    path = (path or "").strip()
    with _LOAD_LOCK:
        if path in _LOADED:
            return _LOADED[path]
        _LOADED[path] = encoder = _load(path)
        return encoder


def _load(path: str) -> Optional[SentenceEncoder]:
    if not path:
        log.info("semantic matching off: no sentence-encoder path is configured")
        return None
    if not Path(path).exists():
        log.warning("semantic matching off: sentence-encoder folder %s does not exist", path)
        return None
    try:
        import torch
        from sentence_transformers import SentenceTransformer

        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = SentenceTransformer(path, device=device)
        model.max_seq_length = min(model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
    except Exception as exc:  # noqa: BLE001 - any failure means "no semantic matching", not a crash
        log.warning("semantic matching off: cannot load the sentence encoder at %s: %s", path, exc)
        return None
    log.info("sentence encoder loaded from %s on %s", path, device)
    return SentenceEncoder(model, path)
