"""Serving: load a checkpoint once, score constraint-filtered candidates for a user's history.

    from recommender.scoring import SequenceScorer, load_scorer
    scorer = load_scorer("var/scorer")            # None (and one log line) when there is no checkpoint
    scores = scorer.score(history, candidate_ids)  # None for a cold user (no known history item)

``history`` is a chronological list of ``(item_id, event)`` pairs (catalog ids, events from
``recommender.catalog.EVENT_TYPES``): the stored history followed by this conversation's events.
Candidates unknown to the model (items added to the catalog since the checkpoint was trained) get a neutral
score, the median of the known candidates' scores: they neither lead nor trail the ranking, and the known
candidates' scores keep their spread (a huge negative sentinel would squash them together once the ranker
normalises the scores to [0, 1]). ``retrain`` gives catalog items without interactions embeddings from their text.
A checkpoint trained with the item-kNN blend (``knn.py``) adds ``knn_weight`` x the candidates' similarity to the
user's liked items. On CUDA, concurrent ``score`` calls from several threads (or ``ascore`` from coroutines) are
gathered into one batched forward pass. ``live.py`` swaps in a newly published checkpoint while the server runs.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future
from itertools import repeat
from pathlib import Path
from queue import Empty, Queue
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from .checkpoint import load_checkpoint, served_checkpoint
from .device import pad_right, resolve_device, set_threads
from .events import event_index
from .knn import KNN_FILE, load_knn

log = logging.getLogger(__name__)

History = Sequence[Tuple[str, str]]
Request = Tuple[History, Sequence[str]]


def default_scorer_dir() -> Path:
    """The scorer folder of this deployment (``get_settings().scorer_path``: ``var/scorer`` or
    ``$CONCIERGE_SCORER_PATH``)."""
    from recommender.settings import get_settings

    return Path(get_settings().scorer_path)


class SequenceScorer:
    """A trained sequential model behind a thread-safe scoring API."""

    def __init__(self, model: torch.nn.Module, cfg, item_ids: List[str], device: Union[str, torch.device] = "cpu",
                 meta: Optional[dict] = None, batching: Optional[bool] = None, max_batch: int = 64,
                 window_ms: float = 2.0, knn=None):
        self.model = model.eval()
        self.knn = knn if knn is not None and cfg.knn_weight else None
        self.cfg = cfg
        self.device = torch.device(device)
        self.meta = meta or {}
        self._item_ids = list(item_ids)
        self._index = {iid: i + 1 for i, iid in enumerate(self._item_ids)}
        with torch.inference_mode():
            self._table = model.item_table().detach().float().to(self.device).contiguous()
        self._lock = threading.Lock()
        self.batching = (self.device.type == "cuda") if batching is None else batching
        self._batcher = _MicroBatcher(self, max_batch, window_ms) if self.batching else None

    # ---- public API -------------------------------------------------------------------------------
    @property
    def item_ids(self) -> List[str]:
        return self._item_ids

    def knows(self, item_id: str) -> bool:
        return item_id in self._index

    def score(self, history: History, candidate_ids: Sequence[str]) -> Optional[np.ndarray]:
        """One float per candidate (higher = better), or None when no history item is known."""
        if self._batcher is not None:
            return self._batcher.submit((history, candidate_ids)).result()
        return self.score_many([(history, candidate_ids)])[0]

    async def ascore(self, history: History, candidate_ids: Sequence[str]) -> Optional[np.ndarray]:
        """``score`` for coroutines: never blocks the event loop; concurrent calls share a batch on CUDA."""
        if self._batcher is not None:
            return await asyncio.wrap_future(self._batcher.submit((history, candidate_ids)))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.score, history, candidate_ids)

    def score_many(self, requests: Sequence[Request]) -> List[Optional[np.ndarray]]:
        """Scores several requests with one forward pass."""
        encoded = [self._encode(h) for h, _ in requests]
        warm = [i for i, e in enumerate(encoded) if e is not None]
        out: List[Optional[np.ndarray]] = [None] * len(requests)
        if len(warm) < len(requests):
            log.info("sequence scorer: %d of %d request(s) have no known history item (cold user); "
                     "the baseline ranker applies", len(requests) - len(warm), len(requests))
        if not warm:
            return out
        with self._lock, torch.inference_mode():
            items = [encoded[i][0] for i in warm]
            events = [encoded[i][1] for i in warm]
            it, lengths = pad_right(items, self.cfg.max_len)
            ev, _ = pad_right(events, self.cfg.max_len)
            it_t = torch.from_numpy(it).to(self.device)
            ev_t = torch.from_numpy(ev).to(self.device) if self.cfg.use_events else None
            ln = torch.from_numpy(lengths).to(self.device)
            if self.device.type == "cuda" and self.cfg.amp:
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    h = self.model.user_vectors(it_t, ev_t, ln).float()
            else:
                h = self.model.user_vectors(it_t, ev_t, ln).float()
            for row, i in enumerate(warm):
                out[i] = self._score_candidates(h[row], requests[i][1], encoded[i])
        return out

    # ---- internals --------------------------------------------------------------------------------
    def _encode(self, history: History) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        items, events = [], []
        get = self._index.get
        for item_id, event in history:
            idx = get(item_id)
            if idx is not None:
                items.append(idx)
                events.append(event_index(event))
        if not items:
            return None
        return np.asarray(items, dtype=np.int64), np.asarray(events, dtype=np.int64)

    def _candidate_index(self, candidate_ids: Sequence[str]) -> np.ndarray:
        return np.fromiter(map(self._index.get, candidate_ids, repeat(0)), dtype=np.int64,
                           count=len(candidate_ids))

    def _score_candidates(self, h: torch.Tensor, candidate_ids: Sequence[str],
                          encoded: Optional[Tuple[np.ndarray, np.ndarray]] = None) -> np.ndarray:
        idx = self._candidate_index(candidate_ids)
        if len(idx) * 4 >= self._table.shape[0]:
            full = (self._table @ h).cpu().numpy()  # cheaper than gathering most of the table
            scores = full[idx]
        else:
            scores = (self._table[torch.from_numpy(idx).to(self.device)] @ h).cpu().numpy()
        scores = scores.astype(np.float64)
        if self.knn is not None and encoded is not None:
            scores += self.cfg.knn_weight * self.knn.candidate_scores(encoded[0], idx, encoded[1])
        unknown = idx == 0
        if unknown.any():
            scores[unknown] = float(np.median(scores[~unknown])) if not unknown.all() else 0.0
        return scores

    def close(self) -> None:
        """Stops the micro-batcher after answering what it holds; later calls are scored unbatched."""
        batcher = self._batcher
        if batcher is not None:
            batcher.stop()


class _MicroBatcher:
    """Collects requests from many threads for up to ``window_ms`` (or ``max_batch``) and scores them in
    one ``score_many`` call on a worker thread."""

    def __init__(self, scorer: SequenceScorer, max_batch: int, window_ms: float):
        self.scorer, self.max_batch, self.window = scorer, max_batch, window_ms / 1000.0
        self.queue: "Queue[Tuple[Request, Future]]" = Queue()
        self._stop = threading.Event()
        self._submit_lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="seq-scorer-batcher", daemon=True)
        self.thread.start()

    def submit(self, request: Request) -> Future:
        fut: Future = Future()
        with self._submit_lock:
            if not self._stop.is_set():
                self.queue.put((request, fut))
                return fut
        # a stopped batcher (a scorer retired by a live swap) still answers late callers, unbatched
        fut.set_result(self.scorer.score_many([request])[0])
        return fut

    def _run(self) -> None:
        while not (self._stop.is_set() and self.queue.empty()):  # answer what was queued before a stop
            try:
                first = self.queue.get(timeout=0.1)
            except Empty:
                continue
            batch = [first]
            deadline = time.perf_counter() + self.window
            while len(batch) < self.max_batch:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.queue.get(timeout=remaining))
                except Empty:
                    break
            try:
                results = self.scorer.score_many([r for r, _ in batch])
                for (_, fut), res in zip(batch, results):
                    fut.set_result(res)
            except Exception as exc:  # pragma: no cover - surfaced to the callers
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)

    def stop(self) -> None:
        with self._submit_lock:
            self._stop.set()
        self.thread.join(timeout=5.0)


def open_checkpoint(path: Union[str, Path], device: str = "auto", batching: Optional[bool] = None,
                    threads: Optional[int] = None) -> SequenceScorer:
    """Loads one checkpoint folder into a scorer; raises when it cannot (``load_scorer`` does not)."""
    p = Path(path)
    dev = resolve_device(device)
    if dev.type == "cpu":
        set_threads(threads if threads is not None else _settings_threads())
    model, cfg, item_ids, meta = load_checkpoint(p, dev)
    knn = load_knn(p, cfg.knn_decay) if cfg.knn_weight else None
    if cfg.knn_weight and knn is None:
        log.warning("sequence scorer: %s has no %s; scoring with the transformer alone", p, KNN_FILE)
    log.info("sequence scorer: loaded %s (%s, %d items, hidden %d%s) on %s", p, cfg.model, cfg.n_items,
             cfg.hidden, f", item-kNN blend x{cfg.knn_weight:g}" if knn is not None else "", dev)
    return SequenceScorer(model, cfg, item_ids, dev, meta, batching=batching, knn=knn)


def _settings_threads() -> int:
    from recommender.settings import get_settings

    return int(get_settings().scorer_threads)


def load_scorer(path: Union[str, Path, None] = None, device: str = "auto",
                batching: Optional[bool] = None, threads: Optional[int] = None) -> Optional[SequenceScorer]:
    """Loads the served checkpoint of the scorer folder ``path`` (default ``get_settings().scorer_path``):
    the folder itself, or the version its ``CURRENT`` names.

    Returns None, with one log line, when there is no usable checkpoint: the caller then uses the
    baseline ranker. Never raises for a missing or unreadable checkpoint. On CPU, torch uses ``threads``
    (default ``get_settings().scorer_threads``, 0 = half the cores): one thread is fastest on a busy 2-core box.
    """
    root = Path(path) if path is not None else default_scorer_dir()
    p = served_checkpoint(root)
    if p is None:
        log.warning("sequence scorer: no checkpoint at %s; ranking falls back to the baseline ranker", root)
        return None
    try:
        return open_checkpoint(p, device, batching, threads)
    except Exception as exc:
        log.warning("sequence scorer: checkpoint at %s could not be loaded (%s); ranking falls back to the "
                    "baseline ranker", p, exc)
        return None
